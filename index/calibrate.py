"""Similarity thresholds derived at index time from the corpus and the embedding model.

A cosine similarity means different things for different models: the bundled e5 puts almost any two
Chinese texts between 0.75 and 0.95, all-MiniLM spreads them from 0 to 0.9. So no cosine constant is
written in code. When an index is built, a shipped set of questions about other topics
(index/data/offtopic_questions.txt) is embedded as queries and compared with every chunk:

- ``min_dense``: the best passage of an answerable question must be at least as close as all but the
  closest-coming tenth of these unanswerable questions (10th percentile of their best-chunk cosine).
  For e5 on the Golmud plan this lands at 0.815, where the dev set had put a hand-set 0.82.
- ``spread``: how widely one question's similarities spread over the corpus (the mean standard
  deviation): the unit in which retrieval mixes dense similarity with keyword coverage.
- ``peak_floor``: how far a passage must stand out of the question's own similarities (its best
  cosine in standard deviations above the mean over all chunks) before the embeddings alone say the
  documents cover the question: above all but the farthest-coming twentieth of the off-topic questions
  (95th percentile of their peaks). e5 on the Golmud plan: 3.6; a model that reads Chinese better
  separates more. A raw cosine floor cannot say this: e5 puts off-topic questions at 0.88 too.

The result is stored with the index (the published pointer's metadata) and read by the assistant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from index.records import content_id

CALIBRATION_VERSION = "offtopic-p10-spread-v1"
FLOOR_QUANTILE = 10.0  # percent of the off-topic questions that may come closer than an answer's floor
PEAK_QUANTILE = 95.0  # percent of the off-topic questions whose best passage stands out less than the peak floor
KEY = "calibration"
PROBES = "planqa-probes-"  # Chroma collections of the probe questions' vectors, one per model and probe set


@dataclass(frozen=True)
class Calibration:
    """Thresholds for one index (one corpus, one embedding model)."""

    min_dense: float  # best passage cosine below this: no semantic match (refuse)
    spread: float  # mean std of a question's cosines over the chunks: the model's similarity unit
    offtopic_median: float  # median best-chunk cosine of the off-topic questions, for the record
    probes: int  # off-topic questions used
    version: str = CALIBRATION_VERSION
    peak_floor: float | None = None  # z of the best chunk above which dense similarity alone is evidence (None: index built before)

    def to_metadata(self) -> dict[str, Any]:
        """Flat fields for the index pointer's metadata."""
        return {
            f"{KEY}_version": self.version,
            f"{KEY}_min_dense": self.min_dense,
            f"{KEY}_spread": self.spread,
            f"{KEY}_offtopic_median": self.offtopic_median,
            f"{KEY}_probes": self.probes,
            **({f"{KEY}_peak_floor": self.peak_floor} if self.peak_floor is not None else {}),
        }

    @classmethod
    def from_metadata(cls, md: dict[str, Any]) -> Calibration | None:
        """The calibration stored in pointer metadata, or None for an index built before calibration."""
        if md.get(f"{KEY}_version") != CALIBRATION_VERSION:
            return None
        return cls(
            float(md[f"{KEY}_min_dense"]),
            float(md[f"{KEY}_spread"]),
            float(md[f"{KEY}_offtopic_median"]),
            int(md[f"{KEY}_probes"]),
            peak_floor=float(md[f"{KEY}_peak_floor"]) if f"{KEY}_peak_floor" in md else None,
        )


def probe_vectors(embeddings: Embeddings, questions: tuple[str, ...], client: Any = None) -> np.ndarray:
    """The questions embedded as queries; stored in (and read back from) a Chroma collection named
    by the model and the questions when a client is given and the model names itself (``model_id``)."""
    model = getattr(embeddings, "model_id", None)
    name = PROBES + content_id(str(model), *questions)[:16] if client is not None and model else None
    ids = [content_id(q) for q in questions]
    if name is not None:
        try:
            stored = client.get_collection(name).get(ids=ids, include=["embeddings"])
            by_id = dict(zip(stored["ids"], stored["embeddings"]))
            if len(by_id) == len(ids):
                return np.asarray([by_id[i] for i in ids], dtype=np.float32)
        except Exception:  # not stored yet
            pass
    vectors = np.asarray([embeddings.embed_query(q) for q in questions], dtype=np.float32)
    if name is not None:
        collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        collection.upsert(ids=ids, embeddings=vectors.tolist(), documents=list(questions))
    return vectors


@cache
def offtopic_questions() -> tuple[str, ...]:
    """The shipped questions about other topics (index/data/offtopic_questions.txt)."""
    raw = resources.files("index").joinpath("data/offtopic_questions.txt").read_text("utf-8")
    return tuple(line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


def calibration_id(questions: tuple[str, ...] | None = None) -> str:
    """Names the method and the probe set: a build with another one is a different build."""
    return content_id(CALIBRATION_VERSION, *(questions if questions is not None else offtopic_questions()))


def calibrate(embeddings: Embeddings, vectors: np.ndarray, questions: tuple[str, ...] | None = None, client: Any = None) -> Calibration:
    """Derive the thresholds for chunk ``vectors`` (unit rows) embedded by ``embeddings``.

    With a Chroma ``client``, the probe questions' vectors are kept there for the next build (a
    rebuild then embeds nothing)."""
    probes = questions if questions is not None else offtopic_questions()
    if not probes or not len(vectors):
        raise ValueError("calibration needs off-topic questions and at least one chunk vector")
    chunks = np.asarray(vectors, dtype=np.float32)
    queries = probe_vectors(embeddings, probes, client)
    sims = queries @ chunks.T  # questions × chunks
    best = sims.max(axis=1)
    return Calibration(
        min_dense=round(float(np.percentile(best, FLOOR_QUANTILE)), 4),
        spread=round(float(sims.std(axis=1).mean()), 5),
        offtopic_median=round(float(np.median(best)), 4),
        probes=len(probes),
        peak_floor=round(float(np.percentile(peaks(sims), PEAK_QUANTILE)), 3),
    )


def peaks(sims: np.ndarray) -> np.ndarray:
    """How far each question's best chunk stands out of its similarities: (max − mean) / std, per row."""
    sims = np.atleast_2d(np.asarray(sims, dtype=np.float32))
    return (sims.max(axis=1) - sims.mean(axis=1)) / np.maximum(sims.std(axis=1), 1e-9)


def peak_floor(embeddings: Embeddings, vectors: np.ndarray, questions: tuple[str, ...] | None = None, client: Any = None) -> float:
    """The peak floor alone, for an index calibrated before it existed (probe vectors are read back
    from Chroma when stored, so this embeds nothing on a second call)."""
    probes = questions if questions is not None else offtopic_questions()
    sims = probe_vectors(embeddings, probes, client) @ np.asarray(vectors, dtype=np.float32).T
    return round(float(np.percentile(peaks(sims), PEAK_QUANTILE)), 3)
