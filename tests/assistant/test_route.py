"""assistant/route.py: normalising questions, figure kinds, refusal signals and the query vocabulary."""

from __future__ import annotations

from assistant.route import (
    asked_measure,
    content_words,
    document_attribute,
    expand_query,
    foreign_place,
    normalise,
    quantity_kind,
    unknown_procedure,
)

VOCAB = "到2030年，全市常住人口城镇化率稳步提升。与周边县域、海东、西宁、省外邻近城市加强产业对接。格尔木市人民政府办公室"


def test_foreign_places_are_found_after_a_leading_particle():
    assert foreign_place("那西宁市呢？", VOCAB) == "西宁市"
    assert foreign_place("德令哈市的城镇化分工方案由谁负责？", VOCAB) == "德令哈市"
    assert foreign_place("格尔木市谁负责随迁子女教育？", VOCAB) == ""


def test_foreign_places_without_a_suffix_come_from_the_tagger():
    assert foreign_place("深圳的棚户区改造呢？", VOCAB) == "深圳"
    assert foreign_place("那上海呢？", VOCAB) == "上海"
    assert foreign_place("西宁的老旧小区改造由谁负责？", VOCAB) == ""  # a name the documents use
    assert foreign_place("满大街装摄像头的雪亮工程归谁管？", VOCAB) == ""  # inside a phrase, not a place asked about
    assert foreign_place("去北京看病能报销吗？", VOCAB) == ""


def test_document_attributes_are_read_from_the_vocabulary():
    assert document_attribute("这个方案的发文机关是哪个单位？") == "issuer"
    assert document_attribute("方案是什么时候印发的？") == "date"
    assert document_attribute("该文件依据的国务院文件文号是什么？") == "parents"
    assert document_attribute("老旧管网更新率要达到多少？") == ""


def test_content_words_drop_question_form_words():
    assert content_words("方案里涉及养老服务的有哪些条款？") == ["养老", "服务"]
    assert content_words("哪些条款提到了算力？") == ["算力"]


def test_normalise_converts_traditional_and_strips_control_characters():
    text, cut = normalise("誰負責\x00隨遷子女教育？", 500)
    assert text == "谁负责 随迁子女教育？" and not cut
    assert normalise("啊" * 20, 10) == ("啊" * 10, True)


def test_quantity_kinds():
    assert quantity_kind("公租房租金一个月多少钱？") == "money"
    assert quantity_kind("城镇化率是多少？") == "rate"
    assert quantity_kind("常住人口有多少？") == "people"
    assert quantity_kind("产城融合要建设哪几个功能区？") == ""
    assert quantity_kind("工资支付保障由谁负责？") == ""
    assert quantity_kind("格尔木的社保缴费基数是多少？") == "number"
    assert quantity_kind("燃气物联网监测系统多长时间内实现城镇全覆盖？") == "date"
    assert quantity_kind("城镇新建建筑里绿色建筑要占多大比例？") == "rate"


def test_query_expansion_adds_the_plans_own_terms():
    assert "公共租赁住房" in expand_query("能申请公租房吗")
    assert "随迁子女" in expand_query("Who is responsible for migrant children's education?")


def test_a_how_to_question_about_something_the_corpus_never_names_is_unknown():
    vocab = VOCAB + "简化居住证办理手续。加快推进公共租赁住房管理办法修订。"
    assert unknown_procedure("怎么办理护照？", vocab) == "护照"
    assert unknown_procedure("居住证怎么办理？", vocab) == ""  # the corpus names it
    assert unknown_procedure("怎么申请公租房？", vocab) == ""  # the plan's own term for it: 公共租赁住房
    assert unknown_procedure("护照是什么？", vocab) == ""  # not a how-to question


def test_the_measure_word_a_question_asks_for():
    assert asked_measure("GDP要达到多少亿？") == "亿"
    assert asked_measure("老旧小区改造具体有多少个小区？") == "个"
    assert asked_measure("城镇化率是多少？") == ""
