"""assistant/answering/focus.py: what a searched question is about, per part, and whether the documents
or the passage found speak of it. Phrasings are this test's own, not the eval sets'."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_a_message_of_two_parts_about_something_the_plan_never_mentions_is_refused_whole(assistant):
    # each part alone would drift to a loosely related clause; neither part's focus is the plan's
    answer = assistant.ask("单位附近的食堂太少了？方案里有没有说要多开几家")
    assert answer.refused and not answer.citations


def test_a_part_without_a_concept_of_its_own_is_about_the_message_s_focus(assistant):
    answer = assistant.ask("晚上路灯太暗？规划里提没提要换")
    assert answer.refused and not answer.citations


def test_a_story_detail_the_plan_lacks_does_not_refuse_what_the_plan_covers(assistant):
    # 包工头 is the story's word; the plan's clause on wage payment for migrant workers answers
    answer = assistant.ask("包工头欠了我们半年工钱，方案对农民工工资支付有什么规定吗？")
    assert not answer.refused
    assert any("工资" in c.text for c in answer.citations)


def test_a_figure_for_something_the_plan_never_names_is_refused(assistant):
    answer = assistant.ask("社区食堂一顿饭收多少钱？")
    assert answer.refused and not answer.citations


def test_a_trailing_statement_is_the_situation_not_a_second_question(assistant):
    from assistant.chain import subquestions, understand_question

    q, _ = understand_question(assistant.knowledge, "保障性租赁住房的租金是多少？我刚毕业，想租个单间")
    assert len(subquestions(q)) == 1


def test_a_request_to_draft_a_document_is_not_answered_from_the_words_it_shares(assistant):
    answer = assistant.ask("给我写一份落户的承诺书")
    assert answer.refused and not answer.citations


@pytest.mark.parametrize(
    ("text", "word", "held"),
    [
        ("以公办学校为主", "学校", True),  # the end of a compound
        ("以公办学校为主", "办学", False),  # across two morphemes
        ("设立应急避难场所", "避难", True),  # a morpheme inside a longer word
        ("设立应急避难场所", "急避", False),
        ("推进城市更新", "城市更新", True),  # longer words as they stand
    ],
)
def test_a_word_is_held_as_a_word_or_a_morpheme_of_one_not_across_morphemes(text, word, held):
    from assistant.answering.focus import holds

    assert holds(text, word) is held


def test_an_english_question_about_a_concept_the_plan_lacks_is_refused(assistant):
    answer = assistant.ask("Will the city open a cable car to the Kunlun mountains?")
    assert answer.refused and not answer.citations


def test_an_english_question_the_plan_covers_is_answered(assistant):
    answer = assistant.ask("Does the plan say anything about garbage sorting?")
    assert not answer.refused and any("垃圾分类" in c.text for c in answer.citations)


def test_a_word_of_the_same_kind_does_not_cover_the_focus(assistant):
    # 词林 puts 地价 in one # group (same kind, not same meaning) with the plan's 市情
    from assistant.lexicon import expand

    found = expand("明年地价会不会涨？", assistant.knowledge)
    assert found.focus == "地价" and {e.kind for e in found.of("地价")} == {"related"}
    answer = assistant.ask("明年地价会不会涨？")
    assert answer.refused and not answer.citations


@pytest.mark.parametrize(
    ("missing", "opening"),
    [
        ("补贴", "已收录的文件没有回答这个问题：文件虽提到“补贴”"),  # the documents use the word, elsewhere
        ("电梯卡", "已收录的文件没有涉及“电梯卡”"),  # the documents never use it
    ],
)
def test_a_refusal_says_whether_the_documents_use_the_missing_word_at_all(missing, opening):
    from types import SimpleNamespace

    from assistant.chain import _absence
    from assistant.evidence import Evidence

    evidence = Evidence(False, 0.0, 0.0, "", covered=False, missing=(missing,), nearest=("三（九） 扩大社会保障覆盖面",))
    text = _absence(SimpleNamespace(language="zh"), evidence, "落实就业创业补贴政策。")
    assert text.startswith(opening) and "三（九）" in text
