"""assistant/answering/executor.py and render.py: plans evaluated over the real plan's records, each
checked against the records themselves (complements and intersections computed here independently)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


def clauses_naming(assistant, unit):
    return {p.number for p in assistant.knowledge.parts if p.kind == "clause" and unit in p.unit_names}


def all_clauses(assistant):
    return {p.number for p in assistant.knowledge.parts if p.kind == "clause"}


def cited(answer):
    return {c.clause for c in answer.citations}


def test_a_complement_lists_exactly_the_clauses_without_the_unit(assistant):
    answer = assistant.ask("市教育局不参与哪些任务？")
    assert cited(answer) == all_clauses(assistant) - clauses_naming(assistant, "市教育局")


def test_a_count_of_a_complement_leads_with_the_number(assistant):
    answer = assistant.ask("市卫生健康委员会没有参加的任务一共几项？")
    expected = len(all_clauses(assistant) - clauses_naming(assistant, "市卫生健康委员会"))
    assert re.search(rf"共{expected}项", answer.text.split("\n")[0])


def test_filters_together_intersect(assistant):
    answer = assistant.ask("第五部分中哪些任务有市水利局？")
    fifth = {p.number for p in assistant.knowledge.parts if p.kind == "clause" and p.path.startswith("五（")}
    assert cited(answer) == fifth & clauses_naming(assistant, "市水利局")


def test_all_of_two_units_is_their_intersection(assistant):
    answer = assistant.ask("市公安局和市数据局都列为责任单位的有哪些任务？")
    assert cited(answer) == clauses_naming(assistant, "市公安局") & clauses_naming(assistant, "市数据局")


def test_a_check_answers_no_first_and_names_the_deciding_clause(assistant):
    answer = assistant.ask("户籍制度改革归市财政局管吗？")
    assert answer.text.startswith("否。") and cited(answer) == {4}
    assert "未列市财政局" in answer.text.split("\n")[0]


def test_a_check_answers_yes_when_the_unit_is_listed(assistant):
    answer = assistant.ask("市公安局是不是负责户籍制度改革？")
    assert answer.text.startswith("是。") and cited(answer) == {4}


def test_a_check_about_a_topic_the_plan_lacks_says_so(assistant):
    answer = assistant.ask("殡葬改革归市民政局管吗？")
    assert answer.refused and not answer.citations


def test_an_empty_time_filter_says_none_and_names_the_time_nodes(assistant):
    answer = assistant.ask("2026年底前必须完成的任务有哪些？")
    first, rest = answer.text.split("\n", 1)
    assert first.startswith("没有") and "2030" in rest and not answer.refused


def test_the_document_structure_is_a_record(assistant):
    answer = assistant.ask("这份方案分成哪几个部分？")
    sections = [p for p in assistant.knowledge.parts if p.kind == "section"]
    assert f"共有{len(sections)}个部分" in answer.text and len(answer.citations) == len(sections)


def test_the_basis_documents_come_from_the_preamble(assistant):
    answer = assistant.ask("本方案依据哪些文件？")
    assert "国发〔2024〕17号" in answer.text and "青政〔2024〕48号" in answer.text


def test_a_statement_is_acknowledged_with_suggested_questions(assistant):
    answer = assistant.ask("我是外省来的，在这边送外卖")
    assert not answer.refused and answer.suggestions and answer.to_json()["suggestions"]


def test_a_refinement_narrows_the_previous_answer(assistant):
    history = ["市应急管理局负责哪些任务？"]
    earlier = {c.clause for c in assistant.ask(history[0]).citations}
    answer = assistant.ask("其中哪一条跟燃气安全有关？", history=history)
    assert cited(answer) and cited(answer) <= earlier and len(cited(answer)) == 1


def test_a_question_about_what_the_documents_never_mention_names_it_and_the_nearest(assistant):
    answer = assistant.ask("社区里有没有给老人修无障碍坡道的计划？")
    assert answer.refused and not answer.citations
    assert "没有涉及" in answer.text and "最接近" in answer.text  # names what is missing, and what is closest


def test_a_follow_up_that_only_counts_counts_the_last_answer(assistant):
    history = ["（二十一）的责任单位有哪些？"]
    answer = assistant.ask("一共几个？", history=history)
    units = next(p for p in assistant.knowledge.parts if p.number == 21).units
    assert f"{len(units)}个" in answer.text.split("\n")[0]


def test_a_count_of_units_filter_compares_each_clause_unit_list(assistant):
    answer = assistant.ask("哪些任务的责任单位只有两家？")
    assert {c.path for c in answer.citations} == {"三（四）", "三（七）"}


def test_a_check_over_each_clause_of_a_part_is_yes_only_when_all_pass(assistant):
    yes = assistant.ask("第五部分的所有任务是不是都列了市住建局？")
    assert yes.text.startswith("是。") and len(yes.citations) == 6
    no = assistant.ask("第五部分的每一项任务是否都有市水利局？")
    assert no.text.startswith("否。") and "五（十八）" in {c.path for c in no.citations}


def test_a_complement_over_a_clause_range_is_counted_out_of_the_range(assistant):
    answer = assistant.ask("How many of tasks (1)–(10) do not list the Civil Affairs Bureau?")
    assert "10" in answer.text.split("\n", 1)[0]


def test_a_part_without_units_answers_no_to_whether_they_are_listed(assistant):
    answer = assistant.ask("保障措施这部分的任务列出责任单位了吗？")
    assert answer.text.startswith("否。")
