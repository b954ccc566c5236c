"""Is there enough evidence to answer? Refusing is better than inventing."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.knowledge import Knowledge
from assistant.records import Hit
from assistant.retrieve import lexical_coverage, topic_bigrams
from assistant.route import STRICT_FIGURES, Routed, has_figure

# Calibrated on eval/data/dev.jsonl (see README, "Refusal"): an answer needs the top passages to
# be close in meaning AND to share enough of the question's topic words.
MIN_DENSE = 0.82
MIN_COVERAGE = 0.25


@dataclass(frozen=True)
class Evidence:
    """How well the best hits support an answer."""

    ok: bool
    dense: float
    coverage: float
    reason: str


def assess(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Evidence:
    """Decide whether the top hits support an answer to the routed question."""
    if not hits:
        return Evidence(False, 0.0, 0.0, "nothing retrieved")
    top = hits[:3]
    dense = max(h.dense for h in top)
    coverage = lexical_coverage(topic_bigrams(knowledge, routed.search_text), "\n".join(h.part.text for h in top))
    if routed.quantity in STRICT_FIGURES:
        if not any(has_figure(s.text, routed.quantity) for h in top for s in h.part.sentences):
            return Evidence(False, dense, coverage, f"no {routed.quantity} figure in the evidence")
    if dense >= MIN_DENSE and coverage >= MIN_COVERAGE:
        return Evidence(True, dense, coverage, "dense and keyword match")
    return Evidence(False, dense, coverage, f"weak evidence (dense {dense:.3f}, coverage {coverage:.2f}, top {hits[0].part.path})")
