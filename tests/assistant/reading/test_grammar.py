"""assistant/reading/grammar.py: grammatical roles read from the reviewed table, on jieba's words."""

from __future__ import annotations

import pytest

from assistant.reading.grammar import Sentence


@pytest.mark.parametrize(
    ("text", "polar"),
    [
        ("市水利局管不管供水？", "管不管"),  # A-not-A
        ("市财政局负责这项工作吗？", "吗"),
        ("是否列了市消防救援支队", "是否"),
        ("Does the Energy Bureau take part in it?", "does"),
        ("哪些部门负责供水？", ""),
        ("不断完善住房保障", ""),
    ],
)
def test_polar_form_is_read_from_particles_and_a_not_a(text, polar):
    assert Sentence.of(text).polar() == polar


def test_one_character_roles_match_whole_words_only():
    assert Sentence.of("市水利局不负责的任务").has("polarity", "negation")
    assert not Sentence.of("不断提高服务水平").has("polarity", "negation")  # 不 inside 不断
    assert Sentence.of("哪几项任务").has("ask", "which", prefix=True)


def test_a_predicate_counts_only_where_it_ends_the_question():
    assert Sentence.of("这项政策效果怎么样？").final("judgement", "evaluative") == "怎么样"
    assert Sentence.of("公租房怎么样申请？").final("judgement", "evaluative") == ""


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("社区食堂一个月伙食费多少钱？", "伙食费"),  # 一个月 measures the time, not what is priced
        ("廉租房的押金要交多少", "押金"),
        ("这座水库库容有多大？", "库容"),
        ("申报人才能拿多少津贴", "津贴"),
        ("图书馆几点开门", "图书馆"),
        ("市发改委参与了哪几项任务", ""),
    ],
)
def test_the_noun_whose_figure_is_asked_is_read_from_the_phrase_around_the_question_word(question, noun):
    from assistant.reading.form import measured

    assert measured(question) == noun
