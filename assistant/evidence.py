"""Is there enough evidence to answer? Refusing is better than inventing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from assistant.knowledge import Knowledge
from assistant.records import Hit
from assistant.retrieve import lexical_coverage, topic_bigrams
from assistant.route import STRICT_FIGURES, asked_measure, has_figure, states_measure
from index.errors import IndexMismatchError

# An answer needs the top passages to be close in meaning (the index's calibrated floor for its model,
# index/calibrate.py) AND to share enough of the question's topic words. Coverage is a share of
# IDF-weighted character pairs, the same for every model; calibrated on eval/data/dev.jsonl.
MIN_COVERAGE = 0.25


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
    """How well the best hits support an answer."""

    ok: bool
    dense: float
    coverage: float
    reason: str


def min_dense(knowledge: Knowledge) -> float:
    """The cosine floor derived for this index's corpus and model when it was built."""
    calibration = knowledge.info.calibration
    if calibration is None:
        raise IndexMismatchError("the index has no calibrated similarity thresholds: run `planqa index` to rebuild it")
    return calibration.min_dense


def assess(knowledge: Knowledge, routed: RoutedQuestion, hits: list[Hit]) -> Evidence:
    """Decide whether the top hits support an answer to the routed question."""
    if not hits:
        return Evidence(False, 0.0, 0.0, "nothing retrieved")
    top = hits[:3]
    dense = max(h.dense for h in top)
    coverage = lexical_coverage(topic_bigrams(knowledge, routed.search_text), "\n".join(h.part.text for h in top))
    if routed.quantity in STRICT_FIGURES:
        if not any(has_figure(s.text, routed.quantity) for h in top for s in h.part.sentences):
            return Evidence(False, dense, coverage, f"no {routed.quantity} figure in the evidence")
        measure = asked_measure(routed.search_text) if routed.quantity == "number" else ""
        if measure and not any(states_measure(s.text, measure) for h in top for s in h.part.sentences):
            return Evidence(False, dense, coverage, f"no figure in {measure} in the evidence")
    floor = min_dense(knowledge)
    if dense >= floor and coverage >= MIN_COVERAGE:
        return Evidence(True, dense, coverage, "dense and keyword match")
    return Evidence(
        False, dense, coverage, f"weak evidence (dense {dense:.3f} of {floor:.3f}, coverage {coverage:.2f}, top {hits[0].part.path})"
    )
