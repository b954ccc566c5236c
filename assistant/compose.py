"""Compose answers from retrieved parts: the documents' own sentences and the fixed templates in prompts.py."""

from __future__ import annotations

from assistant import prompts, structured
from assistant.cite import citation, evidence_intro, quote, quoted_title, short_title, source, unit_label
from assistant.entities import title_named
from assistant.knowledge import Knowledge
from assistant.lead import LEAD_SENTENCES, compact_source, evidence_window, lead_line, lead_span
from assistant.records import Answer, Hit
from assistant.retrieve import lexical_coverage, topic_bigrams
from assistant.route import has_figure
from assistant.understand import SECTION_SHARE, Query
from index.records import Part, Sentence

MAX_QUOTES = 3


def refusal(q: Query, message: str = prompts.REFUSAL) -> Answer:
    return Answer(q.question, message, (), True, "out_of_scope")


def best_sentences(knowledge: Knowledge, hit: Hit, routed: Query, limit: int = MAX_QUOTES) -> list[Sentence]:
    """The hit's most relevant sentences, in document order; a figure the question asks for wins,
    and a question with several parts gets the best sentence for each part."""
    ranked = list(hit.sentences) or list(hit.part.sentences)
    if hit.part.kind in ("notice", "colophon") or not ranked:
        return list(hit.part.sentences)
    if routed.quantity:
        with_figure = [s for s in ranked if has_figure(s.text, routed.quantity)]
        ranked = with_figure + [s for s in ranked if s not in with_figure]
    chosen: list[Sentence] = []
    if len(routed.parts) > 1:
        for sub in routed.parts:
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


def responsibility(knowledge: Knowledge, routed: Query, hits: list[Hit]) -> Answer:
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
    sentences = best_sentences(knowledge, hit, routed, 1)
    english = routed.language == "en"
    units = (", " if english else "、").join(unit_label(knowledge, u, routed.language) for u in part.unit_names)
    lead = (prompts.RESPONSIBLE_LEAD_EN if english else prompts.RESPONSIBLE_LEAD).format(units=units, source=compact_source(part))
    found = lead_span(knowledge, routed, sentences, part.title)
    window = evidence_window(found) if found else ""
    body = (prompts.RESPONSIBLE_BODY_EN if english else prompts.RESPONSIBLE_BODY).format(
        doc_title=short_title(knowledge, part), path=part.path, title=part.title
    )
    text = f"{lead}\n{body}" + (f"「{window}」" if window else "")
    cite = citation(knowledge, part, (window,) if window else ())
    return Answer(routed.question, text, (cite,), False, "responsibility", lead=lead)


def passage(knowledge: Knowledge, routed: Query, hits: list[Hit]) -> Answer:
    """Fact and eligibility questions: a lead line from the best fragment of the best part, then the
    sentence it stands in (cut to the fragments around it), quoted."""
    hit = hits[0]
    if routed.quantity:
        hit = next((h for h in hits[:3] if any(has_figure(s.text, routed.quantity) for s in h.sentences)), hit)
    sentences = best_sentences(knowledge, hit, routed)
    ranked = sorted(best_sentences(knowledge, hit, routed, LEAD_SENTENCES), key=lambda s: hit.sentences.index(s) if s in hit.sentences else len(hit.sentences))
    lead_info = lead_line(knowledge, routed, hit.part, ranked)
    if lead_info is None:
        template = prompts.ELIGIBILITY if routed.route == "eligibility" else prompts.FACT
        text = template.format(source=source(knowledge, hit.part)) + quote(sentences)
        return Answer(routed.question, text, (citation(knowledge, hit.part, tuple(s.text for s in sentences)),), False, routed.route)
    lead, spans, windows = lead_info
    if routed.language == "en":
        lead = prompts.LEAD_EN.format(lead=lead.split("。（")[0], source=f"{hit.part.doc} {hit.part.path}")
    evidence = evidence_intro(knowledge, hit.part, routed.language)
    if windows:
        text = f"{lead}\n{evidence}" + "…".join(f"「{w}」" for w in windows)
    else:  # the lead is all the evidence there is: name the document and the clause it stands in
        text = f"{lead}\n{evidence}" + prompts.EVIDENCE_WHERE.format(path=hit.part.path if hit.part.kind in ("clause", "section") else "", title=quoted_title(hit.part))
    return Answer(routed.question, text, (citation(knowledge, hit.part, tuple(dict.fromkeys((*spans, *windows)))),), False, routed.route, lead=lead, lead_spans=spans)


def matching_section(knowledge: Knowledge, doc: str, q: Query) -> Part | None:
    """The section the question names, by ordinal (第三部分) or by (most of) its heading."""
    sections = [p for p in knowledge.parts if p.doc == doc and p.kind == "section"]
    return next((p for p in sections if p.path in q.sections), None) or next(
        (p for p in sections if title_named(p.title, q.text, SECTION_SHARE)), None
    )


def overview(knowledge: Knowledge, routed: Query, hits: list[Hit]) -> Answer:
    """Overview questions: a named section with its clauses; the plan's basis (preamble); its general
    requirements with the list of actions; otherwise the best passage."""
    doc = hits[0].part.doc if hits else (routed.docs or knowledge.indexed_docs)[0]
    parts = [p for p in knowledge.parts if p.doc == doc]
    section = matching_section(knowledge, doc, routed) if routed.overview == "section" else None
    whole = next((p for p in parts if p.kind == "section"), None)
    preamble = next((p for p in parts if p.kind == "preamble"), None)
    if section is not None:
        part, sentences = section, list(section.sentences)
    elif routed.overview == "basis" and preamble is not None:
        part, sentences = preamble, list(preamble.sentences)
    elif routed.overview == "whole" and whole is not None:
        part, sentences = whole, list(whole.sentences)
    elif hits:
        part = hits[0].part
        sentences = best_sentences(knowledge, hits[0], routed)
    else:
        return refusal(routed)
    lines = [prompts.FACT.format(source=source(knowledge, part)) + quote(sentences)] if sentences else []
    citations = [citation(knowledge, part, tuple(s.text for s in sentences))]
    if part.kind == "section":
        members = [p for p in parts if p.kind == "clause" and p.section == part.section]
        if members:
            lines.append("；".join(f"{p.path}{p.title}" for p in members) + "。")
            citations.extend(citation(knowledge, p) for p in members)
    if part is whole or part is preamble:
        sections = [p for p in parts if p.kind == "section" and p is not whole]
        if sections:
            lines.append(prompts.OVERVIEW_ACTIONS.format(sections="；".join(p.section for p in sections)))
    return Answer(routed.question, "\n".join(lines), tuple(citations), False, "overview")


def lineage(knowledge: Knowledge, routed: Query, hits: list[Hit]) -> Answer:
    """Which parent clauses a clause implements: the stored cross-document links, each quoted."""
    children = [h for h in hits if h.part.kind == "clause" and (meta := knowledge.doc_meta(h.part.doc)) and meta.implements]
    named = [h for h in children if h.part.number in {c.number for c in routed.clauses}]
    if routed.clauses and not named:  # the clause the question names, whether or not the search found it
        doc = (routed.docs or knowledge.indexed_docs)[0]
        part = next((p for p in knowledge.parts if p.doc == doc and p.kind == "clause" and p.number == routed.clauses[0].number), None)
        named = [Hit(part, 0.0, 0, ("named",), part.sentences)] if part is not None else []
    hit = (named or children or hits)[0]
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
            prompts.LINEAGE_ITEM.format(
                doc_title=meta.short_title if meta else parent.doc, doc=parent.doc, path=parent.path, title=parent.title, quote=quote(first)
            )
        )
        citations.append(citation(knowledge, parent, tuple(s.text for s in first)))
    meta = knowledge.doc_meta(part.doc)
    missing = [n for n in (meta.implements if meta else ()) if n not in knowledge.indexed_docs]
    if len(citations) == 1:
        lines.append(prompts.LINEAGE_MISSING.format(numbers="、".join(missing)) if missing else prompts.LINEAGE_NONE)
    elif missing:
        lines.append(prompts.LINEAGE_MISSING.format(numbers="、".join(missing)))
    return Answer(routed.question, "\n".join(lines), tuple(citations), False, "lineage")


def compose(knowledge: Knowledge, q: Query, hits: list[Hit]) -> Answer:
    """Answer a question from its retrieved parts (retrieval intents) or from the records (the rest)."""
    docs = q.docs
    structured_answer = {
        "clause": structured.clause_lookup,
        "count": structured.count,
        "ranking": structured.ranking,
        "unassigned": structured.unassigned,
        "topic": structured.topic_listing,
        "metadata": structured.metadata,
    }.get(q.intent)
    if structured_answer is not None:
        answer = structured_answer(knowledge, q, docs)
        if answer is not None or not hits:
            return answer or refusal(q)
    if q.intent == "by_unit":
        return structured.by_unit(knowledge, q, docs)
    if q.intent == "shared":
        return structured.shared(knowledge, q, docs)
    if not hits:
        return refusal(q)
    if q.intent == "lineage":
        return lineage(knowledge, q, hits)
    if q.intent == "responsibility":
        return responsibility(knowledge, q, hits)
    if q.intent == "overview":
        return overview(knowledge, q, hits)
    return passage(knowledge, q, hits)
