"""Compose answers from the documents' own sentences and the fixed templates in prompts.py."""

from __future__ import annotations

import re

from assistant import prompts
from assistant.knowledge import Knowledge
from assistant.records import Answer, Citation, Hit
from assistant.route import Routed, has_figure
from index.records import Part, Sentence

MAX_QUOTES = 2
COMBINE = re.compile(r"共同|一起|都|同时|和.*共同|联合")


def citation(knowledge: Knowledge, part: Part, quotes: tuple[str, ...] = ()) -> Citation:
    meta = knowledge.doc_meta(part.doc)
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
    )


def source(knowledge: Knowledge, part: Part) -> str:
    meta = knowledge.doc_meta(part.doc)
    path = part.path if part.kind in ("clause", "section") else part.title
    return prompts.SOURCE.format(doc_title=meta.short_title if meta else part.doc, doc=part.doc, path=path)


def quote(sentences: tuple[Sentence, ...] | list[Sentence]) -> str:
    return "".join(f"「{s.text}」" for s in sentences)


def refusal(routed: Routed, message: str = prompts.REFUSAL) -> Answer:
    return Answer(routed.question, message, (), True, "out_of_scope")


def best_sentences(hit: Hit, routed: Routed, limit: int = MAX_QUOTES) -> list[Sentence]:
    """The hit's most relevant sentences, in document order; a figure the question asks for wins."""
    ranked = list(hit.sentences) or list(hit.part.sentences[:1])
    if routed.quantity:
        with_figure = [s for s in ranked if has_figure(s.text, routed.quantity)]
        ranked = with_figure + [s for s in ranked if s not in with_figure]
    if hit.part.kind in ("notice", "colophon"):
        return list(hit.part.sentences)
    chosen = ranked[:limit]
    return sorted(chosen, key=lambda s: s.start)


def responsibility(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Answer:
    """Who is responsible: the exact 责任单位 list of the best-matching clause."""
    hit = next((h for h in hits if h.part.units), None) or next((h for h in hits if h.part.kind == "clause"), hits[0])
    part = hit.part
    quotes = best_sentences(hit, routed, 1)
    head = (
        prompts.RESPONSIBLE.format(source=source(knowledge, part), title=part.title, units="、".join(part.unit_names))
        if part.units
        else prompts.RESPONSIBLE_NONE.format(source=source(knowledge, part), title=part.title)
    )
    text = f"{head}\n{prompts.QUOTE_INTRO}{quote(quotes)}"
    return Answer(routed.question, text, (citation(knowledge, part, tuple(s.text for s in quotes)),), False, "responsibility")


def by_unit(knowledge: Knowledge, routed: Routed) -> Answer:
    """What a unit is responsible for: every part whose note names it, from the parsed records."""
    units = list(routed.units)
    if len(units) > 1 and COMBINE.search(routed.question):
        parts = [p for p in knowledge.parts if all(u in p.unit_names for u in units)]
        groups = [("、".join(units), parts)]
    else:
        groups = [(u, knowledge.parts_naming(u)) for u in units]
    lines: list[str] = []
    cited: dict[str, Part] = {}
    for unit, parts in groups:
        if not parts:
            lines.append(prompts.BY_UNIT_NONE.format(unit=unit))
            continue
        lines.append(prompts.BY_UNIT_HEAD.format(unit=unit, count=len(parts)))
        for i, part in enumerate(parts, 1):
            others = "、".join(n for n in part.unit_names if n not in unit.split("、"))
            template = prompts.BY_UNIT_ITEM if others else prompts.BY_UNIT_ITEM_ALONE
            lines.append(template.format(i=i, doc=part.doc, path=part.path, title=part.title, others=others))
            cited[part.id] = part
    if not cited:
        return refusal(routed, "\n".join(lines))
    citations = tuple(citation(knowledge, p) for p in cited.values())
    return Answer(routed.question, "\n".join(lines), citations, False, "by_unit")


def passage(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Answer:
    """Fact and eligibility questions: the best sentences of the best part, quoted."""
    hit = hits[0]
    if routed.quantity:
        hit = next((h for h in hits[:3] if any(has_figure(s.text, routed.quantity) for s in h.sentences)), hit)
    sentences = best_sentences(hit, routed)
    template = prompts.ELIGIBILITY if routed.route == "eligibility" else prompts.FACT
    text = template.format(source=source(knowledge, hit.part)) + quote(sentences)
    return Answer(routed.question, text, (citation(knowledge, hit.part, tuple(s.text for s in sentences)),), False, routed.route)


def overview(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Answer:
    """Overview questions: the best passage, and for a section its clauses, for the plan its actions."""
    hit = hits[0]
    part = hit.part
    sentences = best_sentences(hit, routed)
    lines = [prompts.FACT.format(source=source(knowledge, part)) + quote(sentences)] if sentences else []
    citations = [citation(knowledge, part, tuple(s.text for s in sentences))]
    if part.kind == "section":
        members = [p for p in knowledge.parts if p.doc == part.doc and p.kind == "clause" and p.section == part.section]
        if members:
            lines.append("；".join(f"{p.path}{p.title}" for p in members) + "。")
            citations.extend(citation(knowledge, p) for p in members)
    if re.search(r"行动|主要任务|主要内容|几大|哪五|哪几|五大", routed.question) or part.kind in ("preamble",) or part.path == "一":
        sections = [p for p in knowledge.parts if p.doc == part.doc and p.kind == "section" and p.path != "一"]
        if sections:
            lines.append(prompts.OVERVIEW_ACTIONS.format(sections="；".join(p.section for p in sections)))
    return Answer(routed.question, "\n".join(lines), tuple(citations), False, "overview")


def compose(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Answer:
    """Dispatch on the route."""
    if routed.route == "by_unit":
        return by_unit(knowledge, routed)
    if routed.route == "responsibility":
        return responsibility(knowledge, routed, hits)
    if routed.route == "overview":
        return overview(knowledge, routed, hits)
    return passage(knowledge, routed, hits)
