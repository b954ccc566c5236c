"""The answering pipeline as one LCEL runnable: normalise → route → retrieve → judge → compose → verify."""

from __future__ import annotations

import dataclasses
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant import prompts
from assistant.compose import SUBQUESTION, compose, refusal, structural_overview
from assistant.evidence import assess
from assistant.knowledge import Knowledge
from assistant.records import Answer, Citation
from assistant.retrieve import search
from assistant.route import Routed, normalise, quantity_kind, route
from assistant.scope import missing_document_asked
from assistant.verify import verify


def answer_question(knowledge: Knowledge, question: str, k: int | None = None) -> Answer:
    """The whole pipeline for one question, without LCEL's bookkeeping."""
    text, cut = normalise(question or "", knowledge.settings.max_question_chars)
    if not text.strip():
        return Answer(question or "", prompts.REFUSAL_EMPTY, (), True, "out_of_scope")
    routed = route(text, knowledge.units, knowledge.vocabulary)
    answer = _answer_routed(knowledge, routed, k or knowledge.settings.top_k)
    if cut:
        answer = Answer(answer.question, prompts.TRUNCATED.format(limit=knowledge.settings.max_question_chars) + "\n" + answer.text, answer.citations, answer.refused, answer.route, hits=answer.hits)
    return verify(answer)


def _answer_routed(knowledge: Knowledge, routed: Routed, k: int) -> Answer:
    if routed.route == "out_of_scope":
        return refusal(routed)
    missing = missing_document_asked(routed.question, knowledge.documents)
    if missing is not None:
        return refusal(routed, prompts.REFUSAL_PARENT_MISSING.format(title=missing.title, number=missing.number))
    if routed.route == "by_unit":
        return compose(knowledge, routed, [])
    parts = subquestions(routed)
    if len(parts) > 1:
        combined = _answer_parts(knowledge, parts, k)
        if combined is not None:
            return combined
    hits = search(knowledge, routed.search_text, k)
    evidence = assess(knowledge, routed, hits)
    if not evidence.ok and not (routed.route == "overview" and structural_overview(knowledge, routed, hits)):
        answer = refusal(routed)
    else:
        answer = compose(knowledge, routed, hits)
    return Answer(answer.question, answer.text, answer.citations, answer.refused, answer.route, hits=tuple(hits))


def subquestions(routed: Routed) -> list[Routed]:
    """A fact or eligibility question that asks several things, split into one question each."""
    if routed.route not in ("fact", "eligibility"):
        return [routed]
    pieces = [p.strip() for p in SUBQUESTION.split(routed.search_text) if len(p.strip()) >= 4]
    if len(pieces) < 2:
        return [routed]
    return [dataclasses.replace(routed, search_text=p, quantity=quantity_kind(p)) for p in pieces]


def _answer_parts(knowledge: Knowledge, parts: list[Routed], k: int) -> Answer | None:
    """Answer each sub-question; when they land on different clauses, join the answers."""
    answers = []
    for sub in parts:
        hits = search(knowledge, sub.search_text, k)
        if hits and assess(knowledge, sub, hits).ok:
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
    """An LCEL runnable: str or {"question": str, "k": int} in, Answer out. Composes with LangChain code."""

    def run(inputs: Any) -> Answer:
        if isinstance(inputs, str):
            return answer_question(knowledge, inputs)
        return answer_question(knowledge, inputs["question"], inputs.get("k"))

    return RunnableLambda(run, name="planqa")
