"""Corpus → clause tree → chunks → vectors and keyword postings. Knows nothing of questions."""
