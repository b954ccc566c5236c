"""Is there enough evidence to answer, and is the question's concept in the documents at all?
Refusing is better than inventing; saying what the documents do cover is better than a bare refusal.

Every candidate clause gets one relevance score from its evidence (``relevance``):

- lexical: the IDF-weighted share of the question's topic words the top clauses hold, a word the
  text lacks counting at its expansion's weight when the text has the expansion (thesaurus,
  abbreviation, translation, glossary; assistant/lexicon.py) — divided by MIN_COVERAGE;
- dense: how far the clause's best passage stands out of the question's similarities to every chunk
  (standard deviations above the mean) — divided by the index's calibrated peak floor
  (index/calibrate.py, per embedding backend, from off-topic questions that are no evaluation set).

A score of 1 is enough: lexically (with the calibrated cosine floor, as before) or densely on its
own. ``decided_by`` says which evidence carried the answer (eval and the README count them).

Absence: when the question's specific concept words occur nowhere in the corpus and nothing maps
them (``Expansions.missing``), and the embeddings do not single out a passage either, the documents
do not address it: ``covered`` is False and ``nearest`` names the closest clauses they do have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.knowledge import Knowledge
from assistant.lexicon import Expansions, expand
from assistant.records import Hit
from assistant.retrieve import dense_text, lexical_coverage, topic_bigrams
from assistant.route import STRICT_FIGURES, asked_measure, has_figure, states_measure
from index.calibrate import peak_floor as derive_peak_floor
from index.errors import IndexMismatchError
from index.store import make_client

# An answer needs the top passages to be close in meaning (the index's calibrated floor for its model,
# index/calibrate.py) AND to share enough of the question's topic words. Coverage is a share of
# IDF-weighted character pairs, the same for every model; calibrated on eval/data/dev.jsonl.
MIN_COVERAGE = 0.25
# Dense evidence alone still needs the clause to share something with the question (a tenth of its words).
DENSE_MIN_COVERAGE = 0.1
NEAREST = 2  # clauses named as the closest covered topics


class RoutedQuestion(Protocol):
    """What assess reads of a routed question."""

    @property
    def search_text(self) -> str: ...

    @property
    def quantity(self) -> str: ...

    @property
    def route(self) -> str: ...


@dataclass(frozen=True)
class Evidence:
    """How well the best hits support an answer, and whether the documents address the question at all."""

    ok: bool
    dense: float
    coverage: float
    reason: str
    covered: bool = True  # False: the question's concept is in no clause (say so, do not quote)
    nearest: tuple[str, ...] = ()  # the closest clauses the documents do have ("五（十八） 扎实推进城镇老旧小区改造")
    missing: tuple[str, ...] = ()  # the question's words the documents never use (公共厕所)
    relevance: float = 0.0  # the best clause's relevance: ≥ 1 is enough
    peak: float = 0.0  # the best clause's dense peak (standard deviations above the question's mean)
    decided_by: str = ""  # exact / thesaurus / related / abbreviation / translation / glossary / dense


def min_dense(knowledge: Knowledge) -> float:
    """The cosine floor derived for this index's corpus and model when it was built."""
    calibration = knowledge.info.calibration
    if calibration is None:
        raise IndexMismatchError("the index has no calibrated similarity thresholds: run `planqa index` to rebuild it")
    return calibration.min_dense


_PEAK_FLOORS: dict[tuple[str, int], float] = {}


def peak_floor(knowledge: Knowledge) -> float:
    """The dense peak above which the embeddings alone are evidence, calibrated for this index's model
    (derived once from the stored off-topic probes when the index predates it)."""
    calibration = knowledge.info.calibration
    if calibration is None:
        raise IndexMismatchError("the index has no calibrated similarity thresholds: run `planqa index` to rebuild it")
    if calibration.peak_floor is not None:
        return calibration.peak_floor
    key = (knowledge.info.build_id, len(knowledge.chunk_ids))
    if key not in _PEAK_FLOORS:
        settings = knowledge.settings  # the build stored the probes' vectors in the same Chroma
        client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
        _PEAK_FLOORS[key] = derive_peak_floor(knowledge.embeddings, knowledge.unit_vectors, client=client)
    return _PEAK_FLOORS[key]


def dense_peaks(knowledge: Knowledge, routed: RoutedQuestion, hits: list[Hit], expansions: Expansions | None = None) -> list[float]:
    """Each hit's best cosine as standard deviations above the question's mean similarity over all chunks
    (the vector search embedded: the same text, so the model's cache answers)."""
    if not len(knowledge.unit_vectors) or not hits:
        return [0.0 for _ in hits]
    text = getattr(routed, "subject", "") or dense_text(routed.search_text, expansions)
    vector = np.asarray(knowledge.embeddings.embed_query(text), dtype=np.float32)
    sims = knowledge.unit_vectors @ (vector / (float(np.linalg.norm(vector)) or 1.0))
    mean, std = float(sims.mean()), float(sims.std()) or 1e-9
    return [(h.dense - mean) / std for h in hits]


def assess(knowledge: Knowledge, routed: RoutedQuestion, hits: list[Hit], expansions: Expansions | None = None) -> Evidence:
    """Decide whether the top hits support an answer to the routed question, and whether the
    documents address its concept at all (``expansions``: read from the question when not given)."""
    lexicon = expansions if expansions is not None else expand(routed.search_text, knowledge)
    if not hits:
        return Evidence(False, 0.0, 0.0, "nothing retrieved", covered=not lexicon.missing, missing=lexicon.missing)
    top = hits[:3]
    dense = max(h.dense for h in top)
    weights = topic_bigrams(knowledge, routed.search_text, lexicon)
    joined = "\n".join(h.part.text for h in top)
    coverage = lexical_coverage(weights, joined)
    peak = max(dense_peaks(knowledge, routed, top, lexicon))
    floor, pfloor = min_dense(knowledge), peak_floor(knowledge)
    relevance = max(coverage / MIN_COVERAGE if dense >= floor else 0.0, peak / pfloor if coverage >= DENSE_MIN_COVERAGE else 0.0)
    nearest = nearest_topics(hits)
    if lexicon.missing and peak < pfloor:
        words = "、".join(lexicon.missing)
        return Evidence(
            False, dense, coverage, f"not covered: no clause mentions {words}", False, nearest, lexicon.missing, relevance, peak
        )
    if routed.quantity in STRICT_FIGURES:
        if not any(has_figure(s.text, routed.quantity) for h in top for s in h.part.sentences):
            return Evidence(
                False, dense, coverage, f"no {routed.quantity} figure in the evidence", nearest=nearest, relevance=relevance, peak=peak
            )
        measure = asked_measure(routed.search_text) if routed.quantity == "number" else ""
        if measure and not any(states_measure(s.text, measure) for h in top for s in h.part.sentences):
            return Evidence(
                False, dense, coverage, f"no figure in {measure} in the evidence", nearest=nearest, relevance=relevance, peak=peak
            )
    if relevance >= 1.0:
        by = decided_by(weights, joined, coverage, dense >= floor, peak / pfloor)
        return Evidence(
            True, dense, coverage, f"relevance {relevance:.2f} ({by})", nearest=nearest, relevance=relevance, peak=peak, decided_by=by
        )
    return Evidence(
        False,
        dense,
        coverage,
        f"weak evidence (dense {dense:.3f} of {floor:.3f}, peak {peak:.2f} of {pfloor:.2f}, coverage {coverage:.2f}, top {hits[0].part.path})",
        nearest=nearest,
        relevance=relevance,
        peak=peak,
    )


def decided_by(weights: dict[str, float], text: str, coverage: float, dense_ok: bool, dense_share: float) -> str:
    """Which evidence carries an answer: the question's own words (exact) or the weakest kind of expansion
    needed to reach the floor (thesaurus, abbreviation, …), the embeddings alone (dense), or both ("exact+dense")."""
    lexical = ""
    if dense_ok and lexical_coverage(dict(weights), text) >= MIN_COVERAGE:
        lexical = "exact"
    elif dense_ok and coverage >= MIN_COVERAGE:
        lexical = expansion_kind(weights, text) or "exact"
    dense = dense_share >= 1.0 and coverage >= DENSE_MIN_COVERAGE
    return "+".join(k for k, on in ((lexical, bool(lexical)), ("dense", dense)) if on)


def expansion_kind(weights: dict[str, float], text: str) -> str:
    """The kind of the heaviest expansion the text holds (thesaurus, abbreviation, …)."""
    best, kind = 0.0, ""
    for own, terms in getattr(weights, "alternatives", ()):
        for grams, weight, k in terms:
            if (
                grams
                and all(g in (text.lower() if g.isascii() else text) for g in grams)
                and any(b not in text for b in own)
                and weight > best
            ):
                best, kind = weight, k
    return kind


def nearest_topics(hits: list[Hit], n: int = NEAREST) -> tuple[str, ...]:
    """The closest numbered clauses the documents have, as 'path title', best first."""
    out: list[str] = []
    for h in hits:
        label = f"{h.part.path} {h.part.title}".strip()
        if h.part.number is not None and label not in out:
            out.append(label)
        if len(out) >= n:
            break
    return tuple(out)
