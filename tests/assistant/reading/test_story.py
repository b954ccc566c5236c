"""assistant/reading/story.py: a message split into the asker's situation and the question."""

from __future__ import annotations

from assistant.reading.story import split_story


def test_situation_before_the_question_is_split_off():
    story = split_story("我在格尔木开了家小饭馆，老家在外省，孩子九岁。孩子可以在本地读书吗？")
    assert story.situation.startswith("我在格尔木开了家小饭馆")
    assert story.question == "孩子可以在本地读书吗？"


def test_a_message_that_asks_nothing_is_a_statement():
    assert split_story("我是从外省搬来的，在这边送快递").statement
    assert not split_story("帮我列出市民政局的任务").statement  # a request is a question without a question word
    assert not split_story("市民政局的任务").statement  # no first person: a terse query, not a story


def test_context_not_about_the_asker_stays_in_the_question():
    story = split_story("老旧小区改造，由哪些部门负责？")
    assert story.situation == "" and story.question.startswith("老旧小区改造")
