"""assistant/lexicon.py: a question's everyday words reach the corpus's own words through 词林, abbreviations,
CC-CEDICT senses and the reviewed glossary — only what the corpus uses, always weighted below the question's
own words — and the concept nothing covers is named. Small synthetic vocabularies (test fixtures)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.lexicon import WEIGHTS, abbreviation_matches, corpus_words, expand


def corpus(*sentences: str) -> SimpleNamespace:
    """A stand-in for the loaded index: only its vocabulary is read."""
    return SimpleNamespace(vocabulary="\n".join(sentences))


def terms(found, kind: str | None = None) -> dict[str, str]:
    return {e.term: e.word for e in found.expansions if kind is None or e.kind == kind}


def test_hand_kept_words_come_from_the_reviewed_list():
    found = expand("打工的人能交公积金吗？", corpus("外来务工人员缴存住房公积金。"))
    assert {e.kind for e in found.expansions if e.term == "务工"} == {"reviewed"}


def test_thesaurus_synonyms_are_kept_only_when_the_corpus_uses_them_and_weigh_less():
    found = expand("看病难怎么办？", corpus("完善跨地区异地就医直接结算。", "提升诊疗服务能力。"))
    assert terms(found, "thesaurus") == {"就医": "看病", "诊疗": "看病"}
    assert "治疗" not in terms(found)  # a synonym the corpus never uses is not kept
    assert all(0 < e.weight < 1 for e in found.expansions)


def test_a_word_of_the_same_kind_counts_only_for_a_word_the_corpus_lacks_and_weighs_less_again():
    found = expand("学校停课了吗？", corpus("推动企业停产整治。"))
    (kin,) = [e for e in found.expansions if e.term == "停产"]
    assert kin.kind == "related" and kin.weight < WEIGHTS["thesaurus"]
    assert not expand("企业停产了吗？", corpus("推动企业停产整治，学校停课。")).expansions  # the corpus has the word itself


def test_abbreviations_match_phrases_holding_their_characters_in_order_one_per_word():
    vocab = corpus_words("引导参加职工基本医疗保险。\n将符合条件的人员纳入公共租赁住房保障范围。")
    assert abbreviation_matches("医保", vocab)[0][0] == "医疗保险"
    assert abbreviation_matches("公租房", vocab)[0][0] == "公共租赁住房"
    assert abbreviation_matches("医院", vocab) == []  # 院 is in no word after 医疗
    found = expand("职校有什么支持？", corpus("支持职业院校建设。"))
    assert terms(found, "abbreviation") == {"职业院校": "职校"}
    assert found.shown() == "职校→职业院校"


def test_a_word_the_corpus_lacks_reaches_a_plan_term_through_its_english_sense_and_the_glossary():
    found = expand("有托儿的地方吗？", corpus("推动医疗、养老、托育下沉至全部社区。"))
    assert terms(found, "translation") == {"托育": "托儿"}
    assert not found.missing


def test_english_phrases_reach_plan_terms_through_the_glossary():
    found = expand("Is there any childcare support?", corpus("推动医疗、养老、托育下沉至全部社区。"))
    assert terms(found, "glossary") == {"托育": "childcare"}


def test_the_concept_nothing_covers_is_named_and_generic_words_do_not_cover_it():
    plan = corpus("鼓励在符合国土空间详细规划的基础上开展功能复合的城市更新。")
    assert expand("公共厕所太少了，有没有规划？", plan).missing == ("公共厕所",)
    assert set(expand("在格尔木开网店，方案支持电商吗？", corpus("支持格尔木工业园精准招商。")).missing) == {"网店", "电商"}
    assert expand("规划里有城市更新吗？", plan).missing == ()


@pytest.mark.parametrize("question", ["", "？？", "谁负责？"])
def test_questions_without_content_words_expand_to_nothing(question):
    found = expand(question, corpus("市教育局负责。"))
    assert found.expansions == () and found.missing == ()


def test_plan_terms_appended_after_the_separator_are_not_read_as_the_question():
    found = expand("看病难 \u2063就医 医疗", corpus("异地就医直接结算。"))
    assert found.words == ("看病",) or "就医" not in found.words


def test_a_latin_letter_name_in_a_chinese_question_is_its_most_specific_concept():
    plan = corpus("规模化部署5G网络，完善乡村信息基础设施。")
    found = expand("地铁站里有没有免费的USB充电口？", plan)
    assert found.focus == "USB" and "USB" in found.unknown
    assert "5G" not in expand("村里的5G信号会不会变好？", plan).unknown  # the corpus deploys 5G
