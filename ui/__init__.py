"""The Gradio chat UI. Renders what `assistant` returns; knows nothing of retrieval."""

import os

# Gradio reads this when it is imported; every ui module imports gradio after this package.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
