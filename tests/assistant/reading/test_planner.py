"""assistant/reading/planner.py: the plan read from a question's grammar (phrasings of this test's own)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def plan_of(assistant, question):
    answer = assistant.ask(question)
    return answer.to_json()["understood"].get("plan")


def test_negation_next_to_a_unit_negates_its_filter(assistant):
    assert plan_of(assistant, "市教育局不参与哪些任务？")["filters"] == ["not unit(市教育局)"]
    assert plan_of(assistant, "有哪些任务是没有市财政局的？")["filters"] == ["not unit(市财政局)"]


def test_a_section_and_a_unit_are_filters_together(assistant):
    plan = plan_of(assistant, "第三部分中市教育局承担哪些任务？")
    assert set(plan["filters"]) == {"unit(市教育局)", "section(三)"}


def test_quantifiers_choose_all_or_any_of_several_units(assistant):
    assert plan_of(assistant, "市民政局和市财政局都参与的任务有几项？")["filters"] == ["all unit(市民政局、市财政局)"]
    assert plan_of(assistant, "市民政局或市财政局参与的任务有几项？")["filters"] == ["unit(市民政局、市财政局)"]


def test_question_words_choose_the_form(assistant):
    assert plan_of(assistant, "市卫健委管不管城市更新？")["form"] == "check"
    assert plan_of(assistant, "市卫健委不参加的任务一共几项？")["form"] == "count"
    assert plan_of(assistant, "这份方案分成哪几个部分？")["projection"] == "structure"


def test_a_year_with_a_direction_is_a_time_filter(assistant):
    assert plan_of(assistant, "2026年以前要办完哪些事？")["filters"] == ["deadline(before 2026)"]
    assert plan_of(assistant, "哪些任务在2031年以后到期？")["filters"] == ["deadline(after 2031)"]


@pytest.mark.parametrize("question", ["这套方案的效果会怎么样？", "你觉得房租明年会不会涨？", "我应该选哪个小区买房？"])
def test_evaluation_prediction_and_advice_are_declined_by_form(assistant, question):
    answer = assistant.ask(question)
    assert answer.refused and not answer.citations
    assert answer.to_json()["understood"]["plan"]["form"] == "decline"


@pytest.mark.parametrize("question", ["我没有本地户口，可以申请公租房吗？", "市能源局负责哪些任务？", "随迁子女在哪里上学？"])
def test_questions_for_a_text_span_or_one_unit_need_no_plan(assistant, question):
    assert plan_of(assistant, question) is None or plan_of(assistant, question)["form"] != "decline"


@pytest.mark.parametrize(
    ("question", "predicts"),
    [
        ("Will the new water plant be completed before 2028?", True),  # a future modal over a completion verb
        ("Is the city going to succeed in cutting emissions?", False),  # the auxiliary is not a future modal
        ("Will the plan make public rental housing easier to get?", False),  # no outcome verb: what it provides
    ],
)
def test_an_english_prediction_is_read_wherever_its_outcome_verb_stands(question, predicts):
    from assistant.reading.grammar import sentence
    from assistant.reading.planner import judgement

    assert bool(judgement(sentence(question))) is predicts
