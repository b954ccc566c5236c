"""The answering pipeline as one LCEL runnable: normalise → understand → (records | retrieve → judge) →
compose → verify. The question model (assistant/understand.py) decides once what is asked."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant import prompts, structured
from assistant.answering.acknowledge import acknowledge
from assistant.answering.executor import execute
from assistant.answering.focus import nearest, off_focus, pairs_in, part_answers, unaddressed
from assistant.answering.render import render
from assistant.answering.verdict import polar, verdict
from assistant.compose import compose, refusal
from assistant.evidence import Evidence, assess
from assistant.knowledge import Knowledge
from assistant.ledger import ledger_answer
from assistant.lexicon import expand
from assistant.llm import answer_with_llm
from assistant.reading.form import asks
from assistant.reading.grammar import sentence
from assistant.reading.llm_plan import propose_plan
from assistant.reading.planner import read_plan
from assistant.reading.story import Story, split_story
from assistant.records import Answer, Citation, Hit
from assistant.retrieve import search
from assistant.route import INJECTION, TASK_REQUEST, expand_query, normalise, quantity_kind
from assistant.scope import (
    coverage,
    known_places,
    mentioned_documents,
    missing_document_asked,
    primary_documents,
    scoped_documents,
    strip_places,
)
from assistant.understand import Query, context_for, language_of, understand
from assistant.verify import verify

# Intents whose questions may ask for the task ledger's targets, time nodes or projects.
LEDGER_INTENTS = ("by_unit", "fact", "topic", "eligibility")
# Intents answered from the parsed records alone; the rest search the documents first.
FROM_RECORDS = ("by_unit", "shared", "clause", "count", "ranking", "unassigned", "metadata")


@dataclass(frozen=True)
class Models:
    """The models the service wires in beside the index: a cross-encoder reranker and a chat model."""

    reranker: Any = None
    chat: Any = None


def understand_question(knowledge: Knowledge, question: str, docs: tuple[str, ...] | None = None) -> tuple[Query, bool]:
    """The question model for one question (and whether the question was cut to the length limit).

    When the question's own words chose the documents (a place, a level, a 文号), the place names
    leave the search text: every passage of a city's plan is about that city."""
    text, cut = normalise(question or "", knowledge.settings.max_question_chars)
    scope = tuple(docs) if docs else scoped_documents(text, knowledge.documents, knowledge.indexed_docs)
    home = (scope or primary_documents(knowledge.documents, knowledge.indexed_docs) or knowledge.indexed_docs or (None,))[0]
    ctx = context_for(knowledge.units, knowledge.parts, home, knowledge.vocabulary, known_places(knowledge.documents))
    query = understand(question or "", text, ctx, scope)
    if query.intent != "out_of_scope":  # what the lexicon read the question's words as (医保→医疗保险)
        query = dataclasses.replace(query, lexicon=_shown(expand(text, knowledge)))
    if scope and not docs:
        query = dataclasses.replace(query, search_text=strip_places(query.search_text, knowledge.documents))
    return query, cut


def answer_question(
    knowledge: Knowledge,
    question: str,
    k: int | None = None,
    docs: tuple[str, ...] | None = None,
    on_text: Callable[[str], None] | None = None,
    models: Models | None = None,
    query: Query | None = None,
) -> Answer:
    """The whole pipeline for one question, without LCEL's bookkeeping.

    ``docs`` restricts the answer to these documents (文号); by default the question's own words
    ("只看国家文件", a 文号, a place) decide. ``query`` is a question already understood (a follow-up
    resolved from its conversation). With PLANQA_LLM_BASE_URL set, a model rewrites answers from the
    evidence (checked; see assistant/llm.py), streaming partial texts to ``on_text`` when given.
    """
    models = models or Models()
    if query is None:
        if not (question or "").strip():
            return Answer(question or "", prompts.REFUSAL_EMPTY, (), True, "out_of_scope")
        if docs:
            unavailable = _unavailable(knowledge, tuple(docs))
            if unavailable is not None:
                text, _ = normalise(question, knowledge.settings.max_question_chars)
                return verify(Answer(text, unavailable, (), True, "out_of_scope"))
        story = split_story(normalise(question, knowledge.settings.max_question_chars)[0])
        if story.statement and not INJECTION.search(story.situation) and not TASK_REQUEST.search(story.situation):
            text = story.situation
            return verify(acknowledge(knowledge, text, language_of(text), tuple(docs or ())))
        query, cut = understand_question(knowledge, question, docs)
        if story.situation:
            query = _question_decides(knowledge, query, story, docs)
    else:
        cut = False
    if query.plan is None:
        query = dataclasses.replace(query, plan=read_plan(query))
        if knowledge.settings.llm_base_url and knowledge.settings.llm_plans:  # the model may propose another
            query = propose_plan(knowledge, query, models.chat)
    answer = _answer(knowledge, query, k or knowledge.settings.top_k, models)
    if not answer.refused and not answer.lead:  # answers from the records lead with their summary line
        answer = dataclasses.replace(answer, lead=answer.text.split("\n", 1)[0])
    if knowledge.settings.llm_base_url and not answer.refused:
        answer = answer_with_llm(knowledge, answer, on_text, models.chat)
    if cut:
        answer = dataclasses.replace(
            answer, text=prompts.TRUNCATED.format(limit=knowledge.settings.max_question_chars) + "\n" + answer.text
        )
    return verify(dataclasses.replace(answer, query=query))


def _question_decides(knowledge: Knowledge, query: Query, story: Story, docs: tuple[str, ...] | None) -> Query:
    """A message that tells a story: the question decides the plan; a place the situation mentions
    never refuses it (我是海南州来的…); the situation's words stay in the search text."""
    asked, _ = understand_question(knowledge, story.question, docs)
    plan = read_plan(asked)
    if plan is not None:
        return dataclasses.replace(asked, asked=query.asked, plan=dataclasses.replace(plan, persona=(story.situation,)))
    if query.elsewhere and not asked.elsewhere:
        return dataclasses.replace(asked, asked=query.asked, search_text=f"{asked.search_text} {story.situation}")
    return query


SHOWN_KINDS = ("abbreviation", "reviewed", "thesaurus", "glossary")  # readings close enough to show as 理解为


def _shown(found: Any) -> str:
    """The lexicon's close readings of the question's words (医保→医疗保险), for 理解为."""
    by_word: dict[str, list[str]] = {}
    for e in found.expansions:
        if e.kind in SHOWN_KINDS and not re.search(r"[\d第]", e.word):
            by_word.setdefault(e.word, []).append(e.term)
    return "；".join(f"{w}→{'、'.join(ts[:3])}" for w, ts in by_word.items())


def _from_plan(knowledge: Knowledge, q: Query) -> Answer | None:
    """A question over the records, answered by its query plan; None when it asks for a text span."""
    plan = q.plan
    if plan is None:
        return None
    if plan.form == "decline":
        return refusal(q, prompts.DECLINE_EN if q.language == "en" else prompts.DECLINE)
    if q.intent == "out_of_scope":
        return None
    if plan.projection == "metadata":  # the documents a plan rests on: the preamble's basis, from the manifest
        return structured.metadata(knowledge, dataclasses.replace(q, attribute="parents", intent="metadata"), plan.docs)
    result = execute(knowledge, plan)
    if not result.parts and not result.sections and {f.kind for f in plan.filters} <= {"section"}:
        return None  # a part without tasks (一、总体要求): what it says is text, answered from it
    answer = render(knowledge, result, q.question, q.language)
    return dataclasses.replace(answer, query=q)


def _unavailable(knowledge: Knowledge, docs: tuple[str, ...]) -> str | None:
    """A refusal message when a requested document is unknown or not provided, else None."""
    for number in docs:
        meta = knowledge.doc_meta(number)
        if meta is None:
            return prompts.REFUSAL_UNKNOWN_DOC.format(number=number)
        if number not in knowledge.indexed_docs:
            return prompts.REFUSAL_PARENT_MISSING.format(title=meta.title, number=number)
    return None


def _answer(knowledge: Knowledge, q: Query, k: int, models: Models) -> Answer:
    answer = _from_plan(knowledge, q)
    if answer is not None:
        return answer
    if q.intent == "out_of_scope":
        if q.elsewhere:
            return refusal(
                q, prompts.REFUSAL_ELSEWHERE.format(place=q.elsewhere, scope=coverage(knowledge.documents, knowledge.indexed_docs))
            )
        return (
            structured.unknown_unit(q) if q.unknown_units and q.reason.endswith("responsible unit in the indexed documents") else refusal(q)
        )
    if q.intent == "metadata" and q.attribute != "parents":  # the date or issuer of a document not provided: its text is not here
        named = mentioned_documents(q.text, knowledge.documents, knowledge.indexed_docs)
        if named and not any(m.number in knowledge.indexed_docs for m in named):
            return refusal(q, prompts.REFUSAL_PARENT_MISSING.format(title=named[0].title, number=named[0].number))
    missing = missing_document_asked(q.text, knowledge.documents, knowledge.indexed_docs) if q.attribute != "parents" else None
    if missing is not None and missing.blocks:
        return refusal(q, prompts.REFUSAL_PARENT_MISSING.format(title=missing.title, number=missing.number))
    if missing is not None and q.docs != missing.instead:  # another indexed document of that level answers; the missing one is named
        answer = _answer(knowledge, dataclasses.replace(q, docs=missing.instead), k, models)
        if answer.refused:
            return answer
        note = prompts.MISSING_MENTIONED.format(title=missing.title, number=missing.number)
        return dataclasses.replace(answer, text=f"{answer.text}\n{note}")
    if q.intent in LEDGER_INTENTS:
        ledger = ledger_answer(knowledge, q.text, q.units, q.docs, about=structured.specific_words(knowledge, q))
        if ledger is not None:
            return _ledger_lead(ledger)
    if q.intent in FROM_RECORDS:
        # Unscoped record questions read the primary documents (the plans people act on), not all.
        scoped = q if q.docs else dataclasses.replace(q, docs=primary_documents(knowledge.documents, knowledge.indexed_docs))
        answer = compose(knowledge, scoped, [])
        if not answer.refused or q.intent in ("by_unit", "shared"):
            return answer
    if q.intent == "topic":
        listing = structured.topic_listing(knowledge, q, q.docs)
        if listing is not None:
            return listing
    parts = subquestions(q)
    answered: list[Answer] = []
    if len(parts) > 1:
        answered = _answer_parts(knowledge, parts, k, models)
        if len(answered) > 1:
            return _joined(parts[0], answered)
    hits, evidence = _search_primary_first(knowledge, q, k, models)
    if q.intent == "lineage" and q.clauses:  # the clause is named: its parents are records, whatever the search found
        return dataclasses.replace(compose(knowledge, q, hits), hits=tuple(hits))
    quoted = _quoted_parts(knowledge, q, hits)
    if quoted:  # a phrase quoted from the documents is evidence enough: answer from where it stands
        hits = quoted
    if not evidence.ok and not quoted and answered:  # the whole rambles; one of its parts is answered
        return answered[0]
    absent = unaddressed(knowledge, q, hits) if not quoted else ""
    if absent:  # what the question is about is nowhere in the documents: say so, quote nothing
        evidence = dataclasses.replace(evidence, ok=False, covered=False, missing=(absent,), nearest=evidence.nearest or nearest(hits))
    if not evidence.ok and not quoted and not (q.intent == "overview" and q.overview):
        answer = refusal(q, _absence(q, evidence))
    else:
        answer = compose(knowledge, q, hits)
        off = off_focus(knowledge, q, answer) if not quoted else ""
        if off:  # the passage found is not about what the question is about: say so, quote nothing
            miss = dataclasses.replace(evidence, covered=False, missing=(off,), nearest=evidence.nearest or nearest(hits))
            return dataclasses.replace(refusal(q, _absence(q, miss, knowledge.vocabulary)), hits=tuple(hits))
        answer = _yes_or_no(knowledge, q, answer)
    return dataclasses.replace(answer, hits=tuple(hits))


def _absence(q: Query, evidence: Evidence, vocabulary: str = "") -> str:
    """The refusal: when the documents do not address the question's concept, say which, and the closest
    topics they do cover (公共厕所 → 城市更新 clauses); when they use the word but no passage found
    answers the question with it (低保户的取暖补贴: 补贴 stands elsewhere), say that instead; else the
    plain refusal."""
    if evidence.covered or not evidence.missing:
        return prompts.REFUSAL
    concept = "、".join(evidence.missing)
    english = q.language == "en"
    if vocabulary and all(m in vocabulary for m in evidence.missing):
        template = prompts.NOT_ANSWERED_NEAREST_EN if english else prompts.NOT_ANSWERED_NEAREST
        return template.format(concept=concept, nearest="；".join(evidence.nearest) or "—")
    if evidence.nearest:
        template = prompts.NOT_COVERED_NEAREST_EN if english else prompts.NOT_COVERED_NEAREST
        return template.format(concept=concept, nearest="；".join(evidence.nearest))
    return (prompts.NOT_COVERED_EN if english else prompts.NOT_COVERED).format(concept=concept)


def _yes_or_no(knowledge: Knowledge, q: Query, answer: Answer) -> Answer:
    """A yes/no question answered from a passage answers 是 / 否 first (Yes / No in English)."""
    if answer.refused or q.intent not in ("fact", "eligibility") or not polar(q.text):
        return answer
    from assistant.route import content_words

    lead = answer.lead or answer.text.split("\n", 1)[0]
    found = expand(split_story(q.text).question or q.text, knowledge)
    focus = found.focus
    forms = {focus, *(e.term for e in found.of(focus))} if focus else set()
    if forms and not any(f in lead for f in forms) and not pairs_in(focus, lead):
        return answer  # the lead does not speak of what is asked: no yes or no on its strength
    evidence = "".join(quote for c in answer.citations for quote in c.quotes) or answer.text
    yes = verdict(q.text, evidence, [w for w in content_words(q.topic) if len(w) > 1])
    word = (prompts.PLAN_YES_EN if yes else prompts.PLAN_NO_EN) if q.language == "en" else (prompts.PLAN_YES if yes else prompts.PLAN_NO)
    return dataclasses.replace(answer, text=word + answer.text, lead=word + lead)


QUOTED_PHRASE = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")


def _quoted_parts(knowledge: Knowledge, q: Query, hits: list[Hit]) -> list[Hit]:
    """The hits whose text holds a phrase the question quotes verbatim (“水、电、路、产、城”)."""
    phrases = [p for p in QUOTED_PHRASE.findall(q.text) if len(p) >= 2]
    if not phrases:
        return []
    found = [h for h in hits if any(p in h.part.text for p in phrases)]
    if found:
        return found
    docs = q.docs or None
    parts = [p for p in knowledge.parts if (not docs or p.doc in docs) and any(ph in p.text for ph in phrases)]
    return [
        Hit(p, 0.0, i, ("quoted",), tuple(s for s in p.sentences if any(ph in s.text for ph in phrases)))
        for i, p in enumerate(parts[:MAX_QUOTED], 1)
    ]


MAX_QUOTED = 3  # parts a quoted phrase may bring in


LEDGER_ITEM = re.compile(r"「([^「」]+)」")
MAX_LEDGER_LEAD = 90


def _ledger_lead(answer: Answer) -> Answer:
    """A ledger answer leads with its items themselves (百亿级金属冶炼产业集群、…) when they fit on one line."""
    items = list(dict.fromkeys(LEDGER_ITEM.findall(answer.text)))
    joined = "、".join(items)
    if answer.refused or not items or len(joined) > MAX_LEDGER_LEAD:
        return answer
    lead = prompts.LEDGER_LEAD.format(items=joined, count=len(items))
    return dataclasses.replace(answer, text=f"{lead}\n{answer.text}", lead=lead, lead_spans=tuple(items))


def _search_primary_first(knowledge: Knowledge, q: Query, k: int, models: Models) -> tuple[list[Hit], Evidence]:
    """Unscoped questions are answered from the primary documents when they can be, else from all."""
    scopes: list[tuple[str, ...] | None] = [q.docs] if q.docs else []
    if not q.docs:
        primary = primary_documents(knowledge.documents, knowledge.indexed_docs)
        scopes = [primary, None] if primary and set(primary) != set(knowledge.indexed_docs) else [None]
    hits: list[Hit] = []
    evidence = Evidence(False, 0.0, 0.0, "nothing searched")
    for docs in scopes:
        hits = search(knowledge, q.search_text, k, docs=docs or None, reranker=models.reranker, subject=q.subject)
        evidence = assess(knowledge, q, hits)
        if evidence.ok:
            break
    return hits, evidence


def subquestions(q: Query) -> list[Query]:
    """A fact or eligibility question that asks several things, one question each (split once, here);
    a part that asks nothing (公租房房租多少钱？我就一个人，想租个小户型) is the asker's situation, not a question."""
    if q.intent not in ("fact", "eligibility") or len(q.parts) < 2:
        return [q]
    asking = [p for p in q.parts if _asks(q.text, p)]
    if len(asking) < 2:
        return [q]
    return [dataclasses.replace(q, search_text=expand_query(p), quantity=quantity_kind(p), parts=()) for p in asking]


def _asks(text: str, part: str) -> bool:
    """Whether a part of a message asks: a question mark closes it, or it holds a question word or the yes/no form."""
    end = text.find(part) + len(part)
    return text[end : end + 1] in ("？", "?") or asks(sentence(part))


def _answer_parts(knowledge: Knowledge, parts: list[Query], k: int, models: Models) -> list[Answer]:
    """Each sub-question answered on its own evidence; one answer when they all land on the same clauses."""
    answers = []
    for sub in parts:
        hits, evidence = _search_primary_first(knowledge, sub, k, models)
        if hits and evidence.ok:
            answer = compose(knowledge, sub, hits)
            if part_answers(knowledge, sub, sub.search_text.partition(" \u2063")[0], answer):
                answers.append(dataclasses.replace(answer, hits=tuple(hits)))
    cited = {c.path for a in answers for c in a.citations}
    return answers if len(cited) > 1 else answers[:1]


def _joined(first: Query, answers: list[Answer]) -> Answer:
    """The answers to the parts of one question, joined, each citation once."""
    citations: dict[tuple[str, str], Citation] = {}
    for a in answers:
        for c in a.citations:
            key = (c.doc, c.path)
            if key in citations:
                c = dataclasses.replace(c, quotes=tuple(dict.fromkeys(citations[key].quotes + c.quotes)))
            citations[key] = c
    hits = tuple(h for a in answers for h in a.hits)
    return Answer(first.question, "\n".join(a.text for a in answers), tuple(citations.values()), False, first.route, hits=hits)


def build_chain(knowledge: Knowledge, models: Models | None = None) -> Runnable[Any, Answer]:
    """An LCEL runnable: str or {"question": str, "k": int, "docs": [文号], "query": Query} in, Answer out."""

    def run(inputs: Any) -> Answer:
        if isinstance(inputs, str):
            return answer_question(knowledge, inputs, models=models)
        return answer_question(knowledge, inputs["question"], inputs.get("k"), inputs.get("docs"), models=models, query=inputs.get("query"))

    return RunnableLambda(run, name="planqa")
