"""Embedding backends beyond the bundled e5: a sentence-transformers model (local path or hub name,
loaded on first use) and an OpenAI-compatible embeddings endpoint (TEI, Xinference, Ollama, vLLM)."""

from __future__ import annotations

import fnmatch
import threading
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from index.errors import SettingsError

ST_EXTRA_HINT = "install the optional extra: pip install -e '.[st]' torch==2.13.0"


@dataclass(frozen=True)
class Prefixes:
    """Text a model expects before a query and before a passage."""

    query: str = ""
    passage: str = ""


@cache
def _prefix_rules() -> tuple[dict[str, str], ...]:
    raw = resources.files("index").joinpath("data/embedding_prefixes.toml").read_text("utf-8")
    return tuple(tomllib.loads(raw)["rule"])


def model_prefixes(model: str) -> Prefixes:
    """The query/passage prefixes for a model name or path, from index/data/embedding_prefixes.toml."""
    name = PurePath(model.rstrip("/\\")).name.lower()
    for rule in _prefix_rules():
        excluded = "exclude" in rule and fnmatch.fnmatchcase(name, rule["exclude"])
        if fnmatch.fnmatchcase(name, rule["pattern"]) and not excluded:
            return Prefixes(rule.get("query", ""), rule.get("passage", ""))
    return Prefixes()


def _unit_rows(vectors: Any) -> list[list[float]]:
    """L2-normalised float32 rows: the index compares vectors by cosine and by dot product."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return (array / np.where(norms == 0, 1.0, norms)).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model, loaded once on first use, with the model's prefixes applied."""

    def __init__(self, model: str, prefixes: Prefixes | None = None, batch_size: int = 32, loaded: Any = None) -> None:
        self.model_name = model
        self.prefixes = prefixes if prefixes is not None else model_prefixes(model)
        self.batch_size = batch_size
        self._model = loaded
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """Names the vectors: the model and the passage prefix (a different prefix is a different vector)."""
        return f"sentence-transformers:{self.model_name}|passage={self.prefixes.passage}"

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = load_sentence_transformer(self.model_name)
            return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._loaded().encode(texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False)
        return _unit_rows(vectors)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self.prefixes.passage + t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self.prefixes.query + text])[0]


def load_sentence_transformer(model: str) -> Any:
    """A SentenceTransformer on the CPU or GPU torch picks; a clear error when it cannot be loaded."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise SettingsError(f"PLANQA_EMBEDDINGS=sentence-transformers:{model} needs sentence-transformers: {ST_EXTRA_HINT}") from exc
    try:
        return SentenceTransformer(model)
    except Exception as exc:
        raise SettingsError(
            f"cannot load the sentence-transformers model {model!r} ({type(exc).__name__}: {exc}); "
            "give a local folder, or a hub name already in the Hugging Face cache (HF_HUB_OFFLINE=1 is set)"
        ) from exc


class OpenAICompatibleEmbeddings(Embeddings):
    """A served embedding model behind an OpenAI-compatible /v1/embeddings endpoint, normalised here."""

    def __init__(self, model: str, base_url: str | None, api_key: str | None = None, timeout: float = 60.0) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.model_name = model
        # Local servers accept any key; the client refuses to start without one.
        self._client = OpenAIEmbeddings(
            model=model,
            base_url=base_url,
            api_key=api_key or "not-needed",  # type: ignore[arg-type]
            check_embedding_ctx_length=False,  # TEI/Ollama take text, not tiktoken ids
            timeout=timeout,
            max_retries=1,
        )

    @property
    def model_id(self) -> str:
        return f"openai:{self.model_name}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return _unit_rows(self._client.embed_documents(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return _unit_rows(self._client.embed_query(text))[0]
