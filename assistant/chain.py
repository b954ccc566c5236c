"""The answering pipeline as one LCEL runnable: normalise → route → retrieve → judge → compose → verify."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant import prompts
from assistant.compose import SUBQUESTION, compose, refusal, structural_overview
from assistant.evidence import Evidence, assess
from assistant.knowledge import Knowledge
from assistant.llm import answer_with_llm
from assistant.records import Answer, Citation, Hit
from assistant.retrieve import search
from assistant.route import Routed, expand_query, normalise, quantity_kind, route
from assistant.scope import missing_document_asked, scoped_documents
from assistant.verify import verify


def answer_question(
    knowledge: Knowledge, question: str, k: int | None = None, docs: tuple[str, ...] | None = None, on_text: Callable[[str], None] | None = None
) -> Answer:
    """The whole pipeline for one question, without LCEL's bookkeeping.

    ``docs`` restricts the answer to these documents (文号); by default the question's own words
    ("只看国家文件", a 文号) decide, and otherwise every indexed document is searched.
    With PLANQA_LLM_BASE_URL set, a model rewrites answers from the evidence (checked; see assistant/llm.py),
    streaming partial texts to ``on_text`` when given.
    """
    text, cut = normalise(question or "", knowledge.settings.max_question_chars)
    if not text.strip():
        return Answer(question or "", prompts.REFUSAL_EMPTY, (), True, "out_of_scope")
    routed = route(text, knowledge.units, knowledge.vocabulary)
    if docs:
        unavailable = _unavailable(knowledge, docs)
        if unavailable is not None:
            return verify(refusal(routed, unavailable))
        routed = dataclasses.replace(routed, docs=tuple(docs))
    else:
        routed = dataclasses.replace(routed, docs=scoped_documents(text, knowledge.documents, knowledge.indexed_docs))
    answer = _answer_routed(knowledge, routed, k or knowledge.settings.top_k)
    if knowledge.settings.llm_base_url and not answer.refused:
        answer = answer_with_llm(knowledge, answer, on_text)
    if cut:
        answer = dataclasses.replace(answer, text=prompts.TRUNCATED.format(limit=knowledge.settings.max_question_chars) + "\n" + answer.text)
    return verify(answer)


def _unavailable(knowledge: Knowledge, docs: tuple[str, ...]) -> str | None:
    """A refusal message when a requested document is unknown or not provided, else None."""
    for number in docs:
        meta = knowledge.doc_meta(number)
        if meta is None:
            return prompts.REFUSAL_UNKNOWN_DOC.format(number=number)
        if number not in knowledge.indexed_docs:
            return prompts.REFUSAL_PARENT_MISSING.format(title=meta.title, number=number)
    return None


def _answer_routed(knowledge: Knowledge, routed: Routed, k: int) -> Answer:
    if routed.route == "out_of_scope":
        return refusal(routed)
    missing = missing_document_asked(routed.question, knowledge.documents)
    if missing is not None and missing.number not in knowledge.indexed_docs:
        return refusal(routed, prompts.REFUSAL_PARENT_MISSING.format(title=missing.title, number=missing.number))
    if routed.route == "by_unit":
        return compose(knowledge, routed, [])
    parts = subquestions(routed)
    if len(parts) > 1:
        combined = _answer_parts(knowledge, parts, k)
        if combined is not None:
            return combined
    hits, evidence = _search_primary_first(knowledge, routed, k)
    if not evidence.ok and not (routed.route == "overview" and structural_overview(knowledge, routed, hits)):
        answer = refusal(routed)
    else:
        answer = compose(knowledge, routed, hits)
    return Answer(answer.question, answer.text, answer.citations, answer.refused, answer.route, hits=tuple(hits))


def primary_documents(knowledge: Knowledge) -> tuple[str, ...]:
    """Indexed documents that no other indexed document implements: the plans people act on."""
    parents = {n for d in knowledge.indexed_docs if (m := knowledge.doc_meta(d)) for n in m.implements}
    return tuple(d for d in knowledge.indexed_docs if d not in parents)


def _search_primary_first(knowledge: Knowledge, routed: Routed, k: int) -> tuple[list[Hit], Evidence]:
    """Unscoped questions are answered from the primary documents when they can be, else from all."""
    scopes: list[tuple[str, ...] | None] = [routed.docs] if routed.docs else []
    if not routed.docs:
        primary = primary_documents(knowledge)
        scopes = [primary, None] if primary and set(primary) != set(knowledge.indexed_docs) else [None]
    for docs in scopes:
        hits = search(knowledge, routed.search_text, k, docs=docs or None)
        evidence = assess(knowledge, routed, hits)
        if evidence.ok:
            break
    return hits, evidence


def subquestions(routed: Routed) -> list[Routed]:
    """A fact or eligibility question that asks several things, split into one question each."""
    if routed.route not in ("fact", "eligibility"):
        return [routed]
    pieces = [p.strip() for p in SUBQUESTION.split(routed.question) if len(p.strip()) >= 4]
    if len(pieces) < 2:
        return [routed]
    return [dataclasses.replace(routed, search_text=expand_query(p), quantity=quantity_kind(p)) for p in pieces]


def _answer_parts(knowledge: Knowledge, parts: list[Routed], k: int) -> Answer | None:
    """Answer each sub-question; when they land on different clauses, join the answers."""
    answers = []
    for sub in parts:
        hits, evidence = _search_primary_first(knowledge, sub, k)
        if hits and evidence.ok:
            answers.append(compose(knowledge, sub, hits))
    cited = {c.path for a in answers for c in a.citations}
    if len(answers) < 2 or len(cited) < 2:
        return None
    citations: dict[tuple[str, str], Citation] = {}
    for a in answers:
        for c in a.citations:
            key = (c.doc, c.path)
            if key in citations:
                c = dataclasses.replace(c, quotes=tuple(dict.fromkeys(citations[key].quotes + c.quotes)))
            citations[key] = c
    first = parts[0]
    return Answer(first.question, "\n".join(a.text for a in answers), tuple(citations.values()), False, first.route)


def build_chain(knowledge: Knowledge) -> Runnable[Any, Answer]:
    """An LCEL runnable: str or {"question": str, "k": int, "docs": [文号]} in, Answer out."""

    def run(inputs: Any) -> Answer:
        if isinstance(inputs, str):
            return answer_question(knowledge, inputs)
        return answer_question(knowledge, inputs["question"], inputs.get("k"), inputs.get("docs"))

    return RunnableLambda(run, name="planqa")
