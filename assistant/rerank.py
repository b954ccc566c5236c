"""An optional cross-encoder reranker (PLANQA_RERANKER): scores (question, part text) pairs with a
sentence-transformers CrossEncoder. Loaded once per Knowledge, never at import time."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.embed_backends import ST_EXTRA_HINT
from index.errors import SettingsError


class CrossEncoderReranker:
    """Relevance of passages to a question, higher is better."""

    def __init__(self, model: Any, name: str) -> None:
        self.model = model
        self.name = name
        self._lock = threading.Lock()  # one forward pass at a time: the UI answers from several threads

    def scores(self, question: str, passages: Sequence[str]) -> list[float]:
        """One score per passage, in the order given."""
        if not passages:
            return []
        with self._lock:
            raw = np.asarray(self.model.predict([(question, p) for p in passages], show_progress_bar=False), dtype=np.float32)
        if raw.ndim == 2:  # a two-label head: the last label is "relevant"
            raw = raw[:, -1]
        return [float(s) for s in raw]

    def order(self, question: str, passages: Sequence[str]) -> list[int]:
        """Indices of the passages, most relevant first; ties keep the incoming order."""
        scored = self.scores(question, passages)
        return sorted(range(len(passages)), key=lambda i: (-scored[i], i))


def load_reranker(name: str) -> CrossEncoderReranker:
    """Load the CrossEncoder named by PLANQA_RERANKER (a local folder or a cached hub name)."""
    try:
        from sentence_transformers import CrossEncoder
    except ImportError as exc:
        raise SettingsError(f"PLANQA_RERANKER={name} needs sentence-transformers: {ST_EXTRA_HINT}") from exc
    try:
        model = CrossEncoder(name)
    except Exception as exc:
        raise SettingsError(
            f"cannot load the reranker {name!r} ({type(exc).__name__}: {exc}); give a local folder or a cached hub name"
        ) from exc
    return CrossEncoderReranker(model, name)
