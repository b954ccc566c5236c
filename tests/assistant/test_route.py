"""assistant/route.py: normalising questions, figure kinds, refusal signals and the query vocabulary."""

from __future__ import annotations

from assistant.route import (
    asked_measure,
    asks_few,
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


def test_foreign_places_come_from_the_tagger_with_their_administrative_ending():
    assert foreign_place("德令哈市贯彻新型城镇化五年行动计划的责任单位有哪些？", VOCAB) == "德令哈市"  # whatever follows
    assert foreign_place("拉萨市城市更新行动有什么安排？", VOCAB) == "拉萨市"
    assert foreign_place("果洛州的政策呢？", VOCAB) == "果洛州"  # jieba keeps the name apart from its ending
    assert foreign_place("青政〔2024〕48号对海西州的城镇化有哪些具体要求？", VOCAB) == "海西州"
    assert foreign_place("全省城镇化率是多少？", VOCAB) == "" and foreign_place("本市谁负责？", VOCAB) == ""


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


def test_ji_asks_a_figure_with_a_classifier_in_a_clause_that_asks():
    assert asks_few("一共有几个部门？") == "几个"
    assert asks_few("第三部分一共有几条任务") == "几条"
    assert asks_few("市人民医院周末门诊开不开？几点到几点") == "几点"
    assert asks_few("刚招了几个应届大学生，能申请补贴吗？") == ""  # a clause that tells
    assert asks_few("哪几条涉及社会救助？") == "" and asks_few("我们那楼是九几年盖的，旧得很") == ""
    assert quantity_kind("免费体检每年几次？") == "number"


def test_query_expansion_adds_the_plans_own_terms():
    assert "公共租赁住房" in expand_query("能申请公租房吗")
    assert "随迁子女" in expand_query("Who is responsible for migrant children's education?")
    assert "农村" in expand_query("Where does the plan talk about getting people to go to the villages?")  # the glossary's
    assert "培训" in expand_query("What training is offered?")  # a sense the glossary lacks: query_terms.toml [english]
    assert "随迁子女" in expand_query("Who handles schooling for migrant workers' children?")  # the glossary's "children of migrant workers"


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
    assert asked_measure("社区服务圈是几分钟的？") == "分钟" and asked_measure("门诊几点开？") == "点"
