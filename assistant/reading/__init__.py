"""Reading a question: its words' grammatical roles (grammar.py) into a query plan (plan.py, planner.py)."""
