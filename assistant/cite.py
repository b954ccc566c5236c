"""Citations and the fixed ways an answer names its sources and units."""

from __future__ import annotations

from collections.abc import Sequence

from assistant import prompts
from assistant.knowledge import Knowledge
from assistant.records import Citation
from index.records import Part, Sentence


def citation(knowledge: Knowledge, part: Part, quotes: tuple[str, ...] = ()) -> Citation:
    """A citation of a part, with the sentences quoted from it."""
    meta = knowledge.doc_meta(part.doc)
    links = knowledge.parents.get(part.id, ())
    parents = tuple((link.doc, link.path, link.title) for link in links)
    parent_parts = [knowledge.part_at(link.doc, link.path) for link in links]
    return Citation(
        doc=part.doc,
        clause=part.number,
        path=part.path,
        title=part.title,
        quotes=quotes,
        units=part.unit_names,
        doc_title=meta.short_title if meta else part.doc,
        section=part.section,
        text=part.text,
        parents=parents,
        parent_texts=tuple(p.text if p else "" for p in parent_parts),
    )


def source(knowledge: Knowledge, part: Part) -> str:
    """《short title》（文号）path — how an answer names where it comes from."""
    meta = knowledge.doc_meta(part.doc)
    path = part.path if part.kind in ("clause", "section") else part.title
    return prompts.SOURCE.format(doc_title=meta.short_title if meta else part.doc, doc=part.doc, path=path)


def quote(sentences: Sequence[Sentence]) -> str:
    return "".join(f"「{s.text}」" for s in sentences)


def unit_label(knowledge: Knowledge, unit: str, language: str) -> str:
    """A unit's name, with its English name beside it for English questions."""
    row = knowledge.units.get(unit) if language == "en" else None
    return f"{unit} ({row.english_name})" if row is not None and row.english_name else unit


def short_title(knowledge: Knowledge, part: Part) -> str:
    """How answers name a part's document: its short title (its 文号 when the manifest lacks it)."""
    meta = knowledge.doc_meta(part.doc)
    return meta.short_title if meta else part.doc


def evidence_intro(knowledge: Knowledge, part: Part, language: str) -> str:
    """依据《short title》 (From … in English): what evidence quotes follow."""
    return (prompts.EVIDENCE_EN if language == "en" else prompts.EVIDENCE).format(doc_title=short_title(knowledge, part), path=part.path)


def quoted_title(part: Part) -> str:
    """A part's title in 「」 when the cited text holds it verbatim (a clause's title does); otherwise
    plain, as a label (总体要求, 版记 and 印发通知 name parts whose text does not contain them)."""
    return f"「{part.title}」" if part.title and part.title in part.text else (f"（{part.title}）" if part.title else "")
