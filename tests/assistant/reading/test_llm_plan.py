"""assistant/reading/llm_plan.py and plan_schema.py: a chat model may propose a question's query plan;
it is used only when it fits the Plan's schema and the records, else the grammar's plan is. The model
is a TEST DOUBLE (FakePlanModel, scripted replies) or the loopback OpenAI-compatible server of
tests/assistant/fake_llm_server.py; no model runs."""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any, get_args

import pytest
from langchain_core.messages import AIMessage

from assistant.answering.executor import execute
from assistant.reading.plan import Filter, Form, Plan
from assistant.reading.plan_schema import plan_from_json, plan_schema, proposal_schema
from tests.assistant.fake_llm_server import FakeLLMServer

WATER = "市水利局负责哪些工作？"  # the grammar reads no plan: one unit's tasks, by_unit
WATER_CLAUSES = [3, 16, 20, 21, 23, 24]


class FakePlanModel:
    """TEST DOUBLE for a chat model: asked for structured output, it returns ``reply`` as the raw message
    (or raises it, when it is an exception) and records the messages in ``asked``; a plain call (the
    answer mode) returns an empty message."""

    def __init__(self, reply: str | Exception) -> None:
        self.reply = reply
        self.asked: list[Any] = []
        self.schema: dict[str, Any] | None = None

    def with_structured_output(self, schema: dict[str, Any], **kwargs: Any) -> _StructuredFake:
        self.schema = schema
        return _StructuredFake(self)

    def invoke(self, messages: Any) -> AIMessage:
        return AIMessage(content="")


@dataclasses.dataclass
class _StructuredFake:
    model: FakePlanModel

    def invoke(self, messages: Any) -> dict[str, Any]:
        self.model.asked.append(messages)
        if isinstance(self.model.reply, Exception):
            raise self.model.reply
        return {"raw": AIMessage(content=self.model.reply), "parsed": None, "parsing_error": None}


def proposal(**plan: Any) -> str:
    return json.dumps({"plan": plan}, ensure_ascii=False)


# --- the schema, from the record ----------------------------------------------------------------


def test_the_schema_comes_from_the_plan_record_and_offers_only_what_a_question_sets():
    schema = plan_schema()
    assert set(schema["properties"]) == {"form", "projection", "filters", "single", "common", "read", "docs"}
    assert schema["properties"]["form"]["enum"] == list(get_args(Form))
    assert set(schema["$defs"]["Filter"]["properties"]) == set(Filter.__dataclass_fields__)
    assert schema["additionalProperties"] is False
    assert proposal_schema()["properties"]["plan"]["anyOf"][1] == {"type": "null"}


def test_a_proposal_outside_the_schema_is_rejected_with_the_field_named():
    assert plan_from_json({"form": "essay", "projection": "clauses"})[1].startswith("does not fit the schema at form")
    assert "within" in plan_from_json({"form": "list", "projection": "clauses", "within": [1]})[1]
    plan, why = plan_from_json({"form": "count", "projection": "clauses", "filters": [{"kind": "unit", "values": ["市水利局"]}]})
    assert why == "" and plan == Plan("count", "clauses", filters=(Filter("unit", ("市水利局",)),))


# --- proposals over the real plan, with the test double -------------------------------------------


def with_model(assistant, chat: Any, plans: bool = True):
    """The session's assistant with an LLM configured and ``chat`` as its model."""
    from assistant.chain import Models
    from assistant.service import Assistant

    settings = assistant.settings.model_copy(
        update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "fake", "llm_timeout": 1.0, "llm_plans": plans}
    )
    return Assistant(dataclasses.replace(assistant.knowledge, settings=settings), Models(chat=chat))


@pytest.fixture(scope="module")
def grammar_answer(assistant):
    answer = assistant.ask(WATER)
    assert sorted(c.clause for c in answer.citations) == WATER_CLAUSES and answer.to_json()["understood"].get("plan") is None
    return answer


@pytest.mark.slow
def test_a_valid_proposal_is_run_by_the_executor(assistant, grammar_answer):
    model = FakePlanModel(proposal(form="list", projection="clauses", filters=[{"kind": "unit", "values": ["水利局"], "negate": True}]))
    answer = with_model(assistant, model).ask(WATER)
    understood = answer.to_json()["understood"]
    assert understood["plan"]["filters"] == ["not unit(市水利局)"]  # 水利局 resolved to the canonical name
    assert understood["proposal"] == "查询计划：模型提议" and "模型提议" in answer.query.restatement()
    expected = execute(assistant.knowledge, Plan("list", "clauses", filters=(Filter("unit", ("市水利局",), negate=True),)))
    cited = sorted(c.clause for c in answer.citations)
    assert cited == sorted(p.number for p in expected.parts) and not set(cited) & set(WATER_CLAUSES)
    assert model.schema == proposal_schema() and f"<问题>\n{WATER}\n</问题>" in model.asked[-1][-1].content


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (proposal(form="list", projection="clauses", filters=[{"kind": "unit", "values": ["市外星局"]}]), "unknown unit 市外星局"),
        (proposal(form="list", projection="clauses", filters=[{"kind": "clause", "values": ["99"]}]), "no clause 99"),
        (proposal(form="list", projection="clauses", docs=["青政〔2099〕1号"]), "unknown document 青政〔2099〕1号"),
        (proposal(form="list", projection="clauses", filters=[{"kind": "section", "values": ["九"]}]), "no part 九"),
        (proposal(form="essay", projection="clauses"), "does not fit the schema"),
        ('{"plan": {"form": "list", "projection": ', "malformed JSON"),
        (TimeoutError("timed out"), "TimeoutError"),
        (RuntimeError("connection refused"), "RuntimeError"),
    ],
)
def test_a_rejected_or_failed_proposal_leaves_the_grammars_plan(assistant, grammar_answer, reply, reason, caplog):
    with caplog.at_level(logging.INFO, logger="assistant.reading.llm_plan"):
        answer = with_model(assistant, FakePlanModel(reply)).ask(WATER)
    assert answer.text == grammar_answer.text and answer.citations == grammar_answer.citations
    understood = answer.to_json()["understood"]
    assert "plan" not in understood and reason in understood["proposal"] and "未采用" in understood["proposal"]
    assert reason.split()[0] in caplog.text


@pytest.mark.slow
def test_no_proposal_is_asked_for_when_plans_are_turned_off(assistant, grammar_answer):
    model = FakePlanModel(proposal(form="count", projection="clauses"))
    answer = with_model(assistant, model, plans=False).ask(WATER)
    assert model.asked == [] and "proposal" not in answer.to_json()["understood"]
    assert answer.citations == grammar_answer.citations


@pytest.mark.slow
@pytest.mark.parametrize(("question", "refused"), [("格尔木今年的财政收入是多少？", True), ("我没有本地户口，可以申请公租房吗？", False)])
def test_a_question_for_a_passage_naming_no_record_never_reaches_the_model(assistant, question, refused):
    model = FakePlanModel(proposal(form="count", projection="clauses"))
    llm = with_model(assistant, model)
    before = len(model.asked)  # the service's warm-up question names a unit: it is asked
    answer = llm.ask(question)
    assert answer.refused is refused and len(model.asked) == before and "proposal" not in answer.to_json()["understood"]


# --- end to end over HTTP: an OpenAI-compatible server on a loopback port ---------------------------


@pytest.mark.slow
def test_a_plan_from_an_openai_compatible_server_is_used_end_to_end(assistant):
    from assistant.service import Assistant, load_models

    server = FakeLLMServer().start()
    try:
        server.reply(
            proposal(form="count", projection="clauses", filters=[{"kind": "unit", "values": ["市水利局", "市财政局"], "every": True}])
        )
        settings = assistant.settings.model_copy(update={"llm_base_url": server.url, "llm_model": "fake-qwen", "llm_timeout": 5.0})
        llm = Assistant(dataclasses.replace(assistant.knowledge, settings=settings), load_models(settings))
        answer = llm.ask(WATER)
        first = server.chat_requests()[0].body
    finally:
        server.stop()
    assert first["response_format"]["type"] == "json_schema"
    assert first["response_format"]["json_schema"]["schema"]["properties"] == proposal_schema()["properties"]
    assert answer.to_json()["understood"]["plan"]["filters"] == ["all unit(市水利局、市财政局)"]
    both = [p.number for p in assistant.knowledge.parts if p.kind == "clause" and {"市水利局", "市财政局"} <= set(p.unit_names)]
    assert sorted(c.clause for c in answer.citations) == sorted(both) and str(len(both)) in answer.text.split("\n", 1)[0]
