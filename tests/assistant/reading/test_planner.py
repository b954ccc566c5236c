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


def test_a_number_of_units_beside_the_units_noun_filters_by_count(assistant):
    assert plan_of(assistant, "责任单位仅有两个的是哪些任务？")["filters"] == ["unit_count(eq 2)"]
    assert plan_of(assistant, "哪些任务的责任单位不少于9个？")["filters"] == ["unit_count(at_least 9)"]
    assert plan_of(assistant, "列了十个以上责任单位的任务有几项？")["filters"] == ["unit_count(at_least 10)"]


def test_a_number_of_named_units_is_no_count_filter(assistant):
    plan = plan_of(assistant, "市民政局和市财政局两个部门都参与的任务有哪些？")
    assert plan is not None and not any(f.startswith("unit_count") for f in plan["filters"])


def test_a_clause_range_in_english_or_in_one_bracket_bounds_the_question(assistant):
    plan = plan_of(assistant, "Among clauses 3 to 6, which do not list the Education Bureau?")
    assert "clause(3、4、5、6)" in plan["filters"] and "not unit(市教育局)" in plan["filters"]
    plan = plan_of(assistant, "（十一至十三）这几条里，市水利局没参加的是哪些？")
    assert "clause(11、12、13)" in plan["filters"]


def test_clauses_given_as_examples_are_no_scope(assistant):
    plan = plan_of(assistant, "方案里像（一）、（二）…这样编号的任务一共几项？")
    assert plan["form"] == "count" and not any(f.startswith("clause") for f in plan.get("filters", []))


def test_a_part_named_by_words_of_its_title_is_a_section_filter(assistant):
    answer = assistant.ask("城市更新和安全韧性那部分，市水利局参加了哪几条？")
    fifth = {p.path for p in assistant.knowledge.parts if p.kind == "clause" and p.path.startswith("五（") and "市水利局" in p.unit_names}
    assert fifth and {c.path for c in answer.citations} == fifth


def test_asking_which_department_to_go_to_is_not_advice(assistant):
    answer = assistant.ask("随迁子女上学的事我应该找哪个部门？")
    assert not answer.refused and "市教育局" in answer.text


def test_a_number_without_its_classifier_is_no_count_of_units(assistant):
    plan = plan_of(assistant, "第二十二条还有哪些单位一起负责？")
    assert plan is None or not any(f.startswith("unit_count") for f in plan.get("filters", []))


def test_a_year_without_a_direction_is_that_year(assistant):
    assert plan_of(assistant, "Which tasks are due in 2029?")["filters"] == ["deadline(eq 2029)"]
    assert assistant.ask("Which tasks are due in 2029?").text.startswith("没有时间节点在2029年的任务")
