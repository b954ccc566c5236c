"""Plan proposals by a chat model: with an LLM configured, the model reads the question as a query plan
(structured output against the Plan's JSON schema, see plan_schema.py); the proposal is checked against
the schema and against the records — every unit must resolve in the department table, every clause and
section must stand in the documents in scope, every 文号 must be indexed — and only then replaces the
grammar's plan. Any failure (no answer, a timeout, malformed JSON, a rejection) keeps the grammar's plan;
the reason is logged and shown in `understood`. The same executor runs whichever plan is used.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from assistant import prompts
from assistant.ledger import resolve_unit
from assistant.reading.plan import Filter, Plan
from assistant.reading.plan_schema import plan_from_json, proposal_schema
from assistant.scope import primary_documents

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge
    from assistant.understand import Query

log = logging.getLogger(__name__)

# The (form, projection) pairs the executor and the renderer answer (assistant/chain.py::_from_plan).
ANSWERED = {
    ("list", "clauses"),
    ("count", "clauses"),
    ("check", "clauses"),
    ("list", "units"),
    ("count", "units"),
    ("check", "units"),
    ("list", "structure"),
    ("count", "structure"),
    ("lookup", "metadata"),
    ("decline", "span"),
}
THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
YEAR = re.compile(r"^\d{4}$")


class Rejected(ValueError):
    """A proposal that does not fit the schema or the records; the message says why, for people."""


def propose_plan(knowledge: Knowledge, q: Query, chat: Any = None) -> Query:
    """The question with the model's plan when it passes every check, else with the grammar's plan and
    the reason in ``proposal``. Never raises."""
    if q.intent == "out_of_scope" or q.within or (q.plan is not None and q.plan.form == "decline"):
        return q  # refused or declined by the grammar, or a follow-up over a result the model has not seen
    if q.plan is None and not (q.units or q.clauses or q.sections):
        return q  # asks for a passage and names no record: the search and its evidence checks answer or refuse it
    english = q.language == "en"
    try:
        raw = ask_model(knowledge, q, chat)
        plan = accepted(knowledge, q, decode(raw))
    except Rejected as exc:
        log.info("plan proposal rejected for %r: %s", q.text[:60], exc)
        template = prompts.PLAN_MODEL_REJECTED_EN if english else prompts.PLAN_MODEL_REJECTED
        return dataclasses.replace(q, proposal=template.format(reason=str(exc)))
    except Exception as exc:  # the endpoint failed, timed out or is unreachable; the key is never in these
        log.warning("plan proposal failed (%s: %s); the grammar's plan is used", type(exc).__name__, str(exc)[:200])
        template = prompts.PLAN_MODEL_REJECTED_EN if english else prompts.PLAN_MODEL_REJECTED
        return dataclasses.replace(q, proposal=template.format(reason=type(exc).__name__))
    if plan is None:
        return dataclasses.replace(q, proposal=prompts.PLAN_MODEL_NONE_EN if english else prompts.PLAN_MODEL_NONE)
    return dataclasses.replace(q, plan=plan, proposal=prompts.PLAN_BY_MODEL_EN if english else prompts.PLAN_BY_MODEL)


def ask_model(knowledge: Knowledge, q: Query, chat: Any = None) -> str:
    """The model's raw reply, asked as structured output (response_format json_schema: vLLM's guided
    decoding, Ollama's format); the schema is in the prompt too, for servers that ignore it."""
    if chat is None:
        from assistant.llm import make_chat_model

        chat = make_chat_model(knowledge.settings)
    runnable = chat.with_structured_output(proposal_schema(), method="json_schema", include_raw=True)
    out = runnable.invoke(build_messages(knowledge, q))
    if isinstance(out, dict) and out.get("raw") is not None:
        out = out["raw"]
    content = getattr(out, "content", out)
    if isinstance(content, list):
        content = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def build_messages(knowledge: Knowledge, q: Query) -> list[Any]:
    """The system rules, then what the records hold (documents, parts, clauses, units) and the question."""
    from langchain_core.messages import HumanMessage, SystemMessage

    docs = _scope(knowledge, q.docs)
    sections = [f"{p.path}、{p.title}" for p in knowledge.parts if p.kind == "section" and p.doc in docs]
    clauses = [p for p in knowledge.parts if p.kind == "clause" and p.doc in docs]
    units = list(dict.fromkeys(u for p in clauses for u in p.unit_names))
    parsed = json.dumps(q.plan.to_json(), ensure_ascii=False) if q.plan is not None else "null"
    user = prompts.LLM_PLAN_USER.format(
        docs="、".join(docs),
        sections="；".join(sections),
        clauses="、".join(f"{p.number}={p.path}「{p.title}」" for p in clauses),
        units="、".join(units),
        parsed=parsed,
        schema=json.dumps(proposal_schema(), ensure_ascii=False),
        question=re.sub(r"</?\s*问题\s*>", "", q.text),
    )
    return [SystemMessage(prompts.LLM_PLAN_SYSTEM), HumanMessage(user)]


def decode(raw: str) -> Any:
    """The JSON object of a reply (reasoning and a code fence around it removed); Rejected if there is none."""
    text = FENCE.sub("", THINKING.sub("", raw or "").strip())
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Rejected(f"malformed JSON: {exc.msg}") from None
    if not isinstance(data, dict) or "plan" not in data:
        raise Rejected('no "plan" in the reply')
    return data["plan"]


def accepted(knowledge: Knowledge, q: Query, proposed: Any) -> Plan | None:
    """The proposed plan checked against the schema and the records, names made canonical; None when the
    model proposes none (the grammar's plan stays). Rejected says what failed."""
    if proposed is None:
        return None
    plan, why = plan_from_json(proposed)
    if plan is None:
        raise Rejected(why)
    if (plan.form, plan.projection) not in ANSWERED:
        raise Rejected(f"no answer has the shape {plan.form}/{plan.projection}")
    unknown = [d for d in plan.docs if d not in knowledge.indexed_docs]
    if unknown:
        raise Rejected(f"unknown document {'、'.join(unknown)}")
    docs = plan.docs or q.docs
    filters = tuple(_checked(knowledge, f, _scope(knowledge, docs)) for f in plan.filters)
    return dataclasses.replace(plan, filters=filters, docs=docs)


def _scope(knowledge: Knowledge, docs: tuple[str, ...]) -> tuple[str, ...]:
    return docs or primary_documents(knowledge.documents, knowledge.indexed_docs) or knowledge.indexed_docs


def _checked(knowledge: Knowledge, f: Filter, docs: tuple[str, ...]) -> Filter:
    """One filter with its values checked against the records of the documents in scope."""
    values = tuple(v.strip() for v in f.values if v.strip())
    if f.kind in ("unit", "section", "clause", "topic", "deadline") and not values:
        raise Rejected(f"a {f.kind} filter that names nothing")
    if f.kind == "unit":
        names = [resolve_unit(v, knowledge.parts, knowledge.units) for v in values]
        missing = [v for v, n in zip(values, names) if n is None]
        if missing:
            raise Rejected(f"unknown unit {'、'.join(missing)}")
        values = tuple(dict.fromkeys(n for n in names if n))
    elif f.kind == "clause":
        values = tuple(_clause_number(knowledge, v, docs) for v in values)
    elif f.kind == "section":
        sections = {p.path for p in knowledge.parts if p.kind == "section" and p.doc in docs}
        absent = [v for v in values if v not in sections]
        if absent:
            raise Rejected(f"no part {'、'.join(absent)} in {'、'.join(docs)}")
    elif f.kind == "deadline" and (len(values) != 1 or not YEAR.match(values[0]) or f.op not in ("before", "after")):
        raise Rejected(f"a deadline needs one year and a direction, not {'、'.join(values)} {f.op}")
    return dataclasses.replace(f, values=values)


def _clause_number(knowledge: Knowledge, value: str, docs: tuple[str, ...]) -> str:
    """A clause's own number as the executor keys it ("7"), from "7" or its path (三（七）); Rejected
    when no clause of the documents in scope has it."""
    clauses = [p for p in knowledge.parts if p.kind == "clause" and p.doc in docs]
    for p in clauses:
        if value == str(p.number) or value == p.path:
            return str(p.number)
    raise Rejected(f"no clause {value} in {'、'.join(docs)}")
