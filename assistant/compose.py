"""Compose answers from the documents' own sentences and the fixed templates in prompts.py."""

from __future__ import annotations

import re

from assistant import prompts
from assistant.knowledge import Knowledge
from assistant.records import Answer, Citation, Hit
from assistant.retrieve import lexical_coverage, topic_bigrams
from assistant.route import Routed, has_figure
from index.records import Part, Sentence
from index.tokenize import bigrams

MAX_QUOTES = 3
COMBINE = re.compile(r"共同|一起|都|同时|和.*共同|联合")
SUBQUESTION = re.compile(r"[？?；;]")
BASIS = re.compile(r"依据|上级文件|贯彻(落实)?(了)?(什么|哪)|为什么制定|为了什么|制定.*(目的|背景)|发挥什么作用|implement")
WHOLE_PLAN = re.compile(
    r"总体|指导思想|什么思想|五大行动|几大行动|哪五个|主要内容|主要任务|到2030|2030年|总目标|什么目标|目标是什么|实现哪些目标|时间节点|"
    r"最终|最后想|aim|goal|overview",
    re.I,
)
SECTION_MATCH = 0.6


def citation(knowledge: Knowledge, part: Part, quotes: tuple[str, ...] = ()) -> Citation:
    meta = knowledge.doc_meta(part.doc)
    parents = tuple((link.doc, link.path, link.title) for link in knowledge.parents.get(part.id, ()))
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
    )


def source(knowledge: Knowledge, part: Part) -> str:
    meta = knowledge.doc_meta(part.doc)
    path = part.path if part.kind in ("clause", "section") else part.title
    return prompts.SOURCE.format(doc_title=meta.short_title if meta else part.doc, doc=part.doc, path=path)


def quote(sentences: tuple[Sentence, ...] | list[Sentence]) -> str:
    return "".join(f"「{s.text}」" for s in sentences)


def refusal(routed: Routed, message: str = prompts.REFUSAL) -> Answer:
    return Answer(routed.question, message, (), True, "out_of_scope")


def best_sentences(knowledge: Knowledge, hit: Hit, routed: Routed, limit: int = MAX_QUOTES) -> list[Sentence]:
    """The hit's most relevant sentences, in document order; a figure the question asks for wins,
    and a question with several parts gets the best sentence for each part."""
    ranked = list(hit.sentences) or list(hit.part.sentences)
    if hit.part.kind in ("notice", "colophon") or not ranked:
        return list(hit.part.sentences)
    if routed.quantity:
        with_figure = [s for s in ranked if has_figure(s.text, routed.quantity)]
        ranked = with_figure + [s for s in ranked if s not in with_figure]
    chosen: list[Sentence] = []
    subquestions = [q for q in SUBQUESTION.split(routed.search_text) if len(q.strip()) >= 4]
    if len(subquestions) > 1:
        for sub in subquestions:
            weights = topic_bigrams(knowledge, sub)
            best = max(ranked, key=lambda s: (lexical_coverage(weights, s.text), -ranked.index(s)))
            if best not in chosen:
                chosen.append(best)
    for s in ranked:
        if len(chosen) >= limit:
            break
        if s not in chosen:
            chosen.append(s)
    return sorted(chosen[:limit], key=lambda s: s.start)


def responsibility(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Answer:
    """Who is responsible: the exact 责任单位 list of the best-matching clause.

    A section heading defers to its best clause; text with no unit list (the notice, a clause
    such as （二十九）) answers with its own sentences, which name who acts.
    """
    top = hits[0]
    if top.part.kind == "section":
        top = next((h for h in hits if h.part.units), top)
    if not top.part.units:
        return passage(knowledge, routed, [top])
    hit = top
    part = hit.part
    quotes = best_sentences(knowledge, hit, routed, 1)
    head = prompts.RESPONSIBLE.format(source=source(knowledge, part), title=part.title, units="、".join(part.unit_names))
    text = f"{head}\n{prompts.QUOTE_INTRO}{quote(quotes)}"
    return Answer(routed.question, text, (citation(knowledge, part, tuple(s.text for s in quotes)),), False, "responsibility")


def by_unit(knowledge: Knowledge, routed: Routed) -> Answer:
    """What a unit is responsible for: every part whose note names it, from the parsed records."""
    units = list(routed.units)
    if len(units) > 1 and COMBINE.search(routed.question):
        parts = [p for p in knowledge.parts if all(u in p.unit_names for u in units) and (not routed.docs or p.doc in routed.docs)]
        groups = [("、".join(units), parts)]
    else:
        groups = [(u, knowledge.parts_naming(u, routed.docs)) for u in units]
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
    sentences = best_sentences(knowledge, hit, routed)
    template = prompts.ELIGIBILITY if routed.route == "eligibility" else prompts.FACT
    text = template.format(source=source(knowledge, hit.part)) + quote(sentences)
    return Answer(routed.question, text, (citation(knowledge, hit.part, tuple(s.text for s in sentences)),), False, routed.route)


def matching_section(knowledge: Knowledge, doc: str, question: str) -> Part | None:
    """The section whose heading the question names (most of its character pairs appear in it)."""
    best, best_share = None, 0.0
    for part in knowledge.parts:
        if part.doc != doc or part.kind != "section":
            continue
        pairs = set(bigrams(part.title))
        share = sum(b in question for b in pairs) / len(pairs) if pairs else 0.0
        if share > best_share:
            best, best_share = part, share
    return best if best_share >= SECTION_MATCH else None


def structural_overview(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> bool:
    """Whether an overview question names a section or asks for the plan's basis or general aims,
    which the document's structure answers whatever the similarity scores say."""
    if not hits:
        return False
    doc = hits[0].part.doc
    return matching_section(knowledge, doc, routed.search_text) is not None or bool(BASIS.search(routed.search_text)) or bool(WHOLE_PLAN.search(routed.search_text))


def overview(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Answer:
    """Overview questions: a named section with its clauses; the plan's basis (preamble); its general
    requirements with the list of actions; otherwise the best passage."""
    doc = hits[0].part.doc
    parts = [p for p in knowledge.parts if p.doc == doc]
    section = matching_section(knowledge, doc, routed.search_text)
    whole = next((p for p in parts if p.kind == "section"), None)
    if section is not None:
        part, sentences = section, list(section.sentences)
    elif BASIS.search(routed.search_text) and any(p.kind == "preamble" for p in parts):
        part = next(p for p in parts if p.kind == "preamble")
        sentences = list(part.sentences)
    elif WHOLE_PLAN.search(routed.search_text) and whole is not None:
        part, sentences = whole, list(whole.sentences)
    else:
        part = hits[0].part
        sentences = best_sentences(knowledge, hits[0], routed)
    lines = [prompts.FACT.format(source=source(knowledge, part)) + quote(sentences)] if sentences else []
    citations = [citation(knowledge, part, tuple(s.text for s in sentences))]
    if part.kind == "section":
        members = [p for p in parts if p.kind == "clause" and p.section == part.section]
        if members:
            lines.append("；".join(f"{p.path}{p.title}" for p in members) + "。")
            citations.extend(citation(knowledge, p) for p in members)
    if part is whole or part.kind == "preamble" or re.search(r"行动|主要任务|主要内容|几大|哪五|哪几|五大", routed.question):
        sections = [p for p in parts if p.kind == "section" and p is not whole]
        if sections and part not in sections:
            lines.append(prompts.OVERVIEW_ACTIONS.format(sections="；".join(p.section for p in sections)))
    return Answer(routed.question, "\n".join(lines), tuple(citations), False, "overview")


def lineage(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Answer:
    """Which parent clauses a clause implements: the stored cross-document links, each quoted."""
    children = [h for h in hits if h.part.kind == "clause" and (meta := knowledge.doc_meta(h.part.doc)) and meta.implements]
    hit = children[0] if children else hits[0]
    part = hit.part
    lines = [prompts.LINEAGE_HEAD.format(source=source(knowledge, part), title=part.title)]
    citations = [citation(knowledge, part, tuple(s.text for s in best_sentences(knowledge, hit, routed, 1)))]
    for link in knowledge.parents.get(part.id, ()):
        parent = knowledge.part_at(link.doc, link.path)
        if parent is None:
            continue
        first = parent.sentences[1:2] or parent.sentences[:1]
        meta = knowledge.doc_meta(parent.doc)
        lines.append(
            prompts.LINEAGE_ITEM.format(doc_title=meta.short_title if meta else parent.doc, doc=parent.doc, path=parent.path, title=parent.title, quote=quote(first))
        )
        citations.append(citation(knowledge, parent, tuple(s.text for s in first)))
    meta = knowledge.doc_meta(part.doc)
    missing = [n for n in (meta.implements if meta else ()) if n not in knowledge.indexed_docs]
    if len(citations) == 1:
        lines.append(prompts.LINEAGE_MISSING.format(numbers="、".join(missing)) if missing else prompts.LINEAGE_NONE)
    elif missing:
        lines.append(prompts.LINEAGE_MISSING.format(numbers="、".join(missing)))
    return Answer(routed.question, "\n".join(lines), tuple(citations), False, "lineage")


def compose(knowledge: Knowledge, routed: Routed, hits: list[Hit]) -> Answer:
    """Dispatch on the route."""
    if routed.route == "lineage":
        return lineage(knowledge, routed, hits)
    if routed.route == "by_unit":
        return by_unit(knowledge, routed)
    if routed.route == "responsibility":
        return responsibility(knowledge, routed, hits)
    if routed.route == "overview":
        return overview(knowledge, routed, hits)
    return passage(knowledge, routed, hits)
