"""assistant/conversation.py: follow-ups resolved against the conversation, without a model."""

from __future__ import annotations

import pytest

from assistant.conversation import HistoryError, user_turns

pytestmark = pytest.mark.slow


def ask(assistant, *turns: str):
    """Ask the turns in order as one conversation; the last answer."""
    messages: list[dict[str, str]] = []
    answer = None
    for question in turns:
        answer = assistant.ask(question, history=list(messages) or None)
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]
    return answer


def cited(answer) -> list[int]:
    return [c.clause for c in answer.citations]


def test_ellipsis_asks_the_last_question_about_the_new_subject(assistant):
    answer = ask(assistant, "谁负责随迁子女教育？", "那公租房呢？")
    assert cited(answer) == [8] and answer.standalone and "公租房" in answer.standalone


def test_a_pronoun_takes_the_last_department(assistant):
    answer = ask(assistant, "市公安局负责哪些任务？", "它和市数据局共同负责的有哪些？")
    assert cited(answer) == [4, 22]


def test_deixis_takes_the_clause_the_last_answer_cited(assistant):
    answer = ask(assistant, "第十二条讲的是什么？", "这一条由哪些部门负责？")
    assert cited(answer) == [12] and "市交通运输局" in answer.text


def test_a_follow_up_about_another_city_is_still_refused(assistant):
    answer = ask(assistant, "谁负责随迁子女教育？", "那西宁市呢？")
    assert answer.refused and not answer.citations


def test_a_follow_up_about_a_city_named_without_its_suffix_is_refused_and_says_so(assistant):
    answer = ask(assistant, "谁负责老旧小区改造？", "深圳的棚户区改造呢？")
    assert answer.refused and not answer.citations and "深圳" in answer.text and "格尔木市" in answer.text


def test_a_follow_up_that_names_its_own_document_does_not_take_the_last_one(assistant):
    answer = ask(assistant, "格尔木这个方案是什么时候印发的？", "青海省那个实施方案是哪天印发的？")
    assert answer.refused and not answer.citations and "青政〔2024〕48号" in answer.text and "尚未收录" in answer.text


def test_a_question_that_stands_alone_ignores_the_history(assistant):
    answer = ask(assistant, "谁负责随迁子女教育？", "市水利局负责哪些工作？")
    assert cited(answer) == [3, 16, 20, 21, 23, 24] and not answer.standalone


def test_history_is_bounded_and_malformed_history_is_an_error():
    turns = user_turns([f"问题{i}" for i in range(20)], max_turns=3, max_chars=4000)
    assert turns == ["问题17", "问题18", "问题19"]
    assert len(user_turns(["长" * 300, "短"], max_turns=6, max_chars=100)) == 1
    with pytest.raises(HistoryError):
        user_turns([{"role": "robot", "content": "x"}], 6, 4000)
    with pytest.raises(HistoryError):
        user_turns("not a list", 6, 4000)  # type: ignore[arg-type]


def test_our_body_or_place_is_the_one_an_earlier_message_told(assistant):
    """我们行委 / 我们镇: the asker's own body or place, from what they said of themselves."""
    history = ["我在西城区行政委员会上班"]
    answer = assistant.ask("我们行委负责哪些任务？", history=history)
    named = {p.number for p in assistant.knowledge.parts if "西城区行政委员会" in p.unit_names}
    assert {c.clause for c in answer.citations} == named
    answer = assistant.ask("那我们乡有什么发展方向？", history=["我是乌图美仁乡的牧民"])
    assert "乌图美仁乡" in answer.standalone


def test_a_ranking_after_this_part_ranks_only_that_part(assistant):
    """这部分…最少: the ranking is over the part the last turn was about, not the whole plan."""
    answer = ask(assistant, "第三部分讲了什么？", "这部分哪项任务的责任单位最少？")
    assert cited(answer) and all(4 <= n <= 10 for n in cited(answer))


def test_a_ranking_among_the_last_answer_ranks_its_clauses(assistant):
    answer = ask(assistant, "市公安局参与哪些任务？", "这些任务里哪条的责任单位最少？")
    assert cited(answer) == [4]


def test_an_earlier_turn_that_says_our_body_is_read_with_the_turns_before_it(assistant):
    """我们行委 in an earlier turn: that turn is resolved too, so the next follow-up counts its tasks."""
    named = {p.number for p in assistant.knowledge.parts if "东城区行政委员会" in p.unit_names}
    answer = ask(assistant, "我在东城区行政委员会上班", "我们行委负责哪些任务？", "一共几项？")
    assert f"{len(named)}项" in answer.text.split("\n", 1)[0]


def test_that_task_in_a_named_part_is_the_last_answers_clause_in_that_part(assistant):
    answer = ask(assistant, "市公安局参与哪些任务？", "第五部分的那一条由哪些单位负责？")
    assert cited(answer) == [22]


def test_an_english_what_about_replaces_the_clause_the_last_question_named(assistant):
    answer = ask(assistant, "Who is responsible for task (8)?", "And what about the one on the schooling of migrant children?")
    assert cited(answer) == [7]
