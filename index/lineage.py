"""Policy lineage: which documents a document implements, and for each of its clauses the closest
clause of each parent document (a cross-document semantic match, kept only above a threshold)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.records import ParsedDocument, Part
from index.tokenize import bigrams

# A link's score is the cosine similarity of the two clauses' vectors plus the Dice overlap of their
# character bigrams. e5 cosines alone are compressed (clauses of the same policy field score 0.90–0.95
# whether or not one implements the other); shared wording separates real implementations. 1.10 was
# set on the synthetic parent documents in tests/fixtures/synthetic (precision over recall).
LINEAGE_THRESHOLD = 1.10


@dataclass(frozen=True)
class ParentLink:
    """A clause of a parent document that a clause implements."""

    doc: str
    path: str
    title: str
    score: float


def parent_documents(doc: ParsedDocument, corpus: list[ParsedDocument]) -> list[str]:
    """Provided documents this one implements: from the manifest, or cited by 文号 in its text."""
    provided = {d.meta.number for d in corpus}
    declared = list(doc.meta.implements)
    cited = [d.meta.number for d in corpus if d.meta.number != doc.meta.number and d.meta.number in doc.text]
    return [n for n in dict.fromkeys(declared + cited) if n in provided and n != doc.meta.number]


def link_clauses(corpus: list[ParsedDocument], part_vectors: dict[str, np.ndarray], threshold: float = LINEAGE_THRESHOLD) -> dict[str, tuple[ParentLink, ...]]:
    """part id → its best-matching clause in each parent document, above the threshold."""
    by_number = {d.meta.number: d for d in corpus}
    links: dict[str, tuple[ParentLink, ...]] = {}
    for doc in corpus:
        parents = parent_documents(doc, corpus)
        if not parents:
            continue
        for part in doc.clauses:
            vec = part_vectors.get(part.id)
            if vec is None:
                continue
            found = []
            for number in parents:
                best = _best_clause(part, vec, by_number[number].clauses, part_vectors)
                if best and best[1] >= threshold:
                    found.append(ParentLink(number, best[0].path, best[0].title, round(best[1], 4)))
            if found:
                links[part.id] = tuple(found)
    return links


def _body_pairs(part: Part) -> set[str]:
    text = part.text[: part.text.rfind("（")] if part.unit_note else part.text
    return set(bigrams(text))


def link_score(vec: np.ndarray, other: np.ndarray, pairs: set[str], other_pairs: set[str]) -> float:
    """Cosine of the vectors plus Dice overlap of the character bigrams."""
    dice = 2 * len(pairs & other_pairs) / (len(pairs) + len(other_pairs)) if pairs or other_pairs else 0.0
    return float(np.dot(vec, other)) + dice


def _best_clause(part: Part, vec: np.ndarray, clauses: tuple[Part, ...], part_vectors: dict[str, np.ndarray]) -> tuple[Part, float] | None:
    best: tuple[Part, float] | None = None
    pairs = _body_pairs(part)
    for clause in clauses:
        other = part_vectors.get(clause.id)
        if other is None:
            continue
        score = link_score(vec, other, pairs, _body_pairs(clause))
        if best is None or score > best[1]:
            best = (clause, score)
    return best
