"""Question sets in, scored answers, figures and reports out."""
