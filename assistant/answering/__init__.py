"""Answering a query plan: the executor over the parsed records (executor.py) and the answer it
composes from the result (render.py)."""
