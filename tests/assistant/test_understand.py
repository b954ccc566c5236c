"""assistant/understand.py and the answers built on it: intent from entities plus form, structured
answers from the parsed records, and what was understood made visible."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("第十二条讲的是什么？", "clause"),
        ("第4项任务的责任单位是谁？", "clause"),
        ("哪个部门承担的任务最多？", "ranking"),
        ("哪些任务没有列出责任单位？", "unassigned"),
        ("方案一共分解了多少条具体任务？", "count"),
        ("方案里涉及养老服务的有哪些条款？", "topic"),
        ("市委组织部在方案中负责什么？", "out_of_scope"),
        ("综合行政执法局负责哪一项？", "by_unit"),
        ("列出教育局负责的全部任务。", "by_unit"),
        ("市公安局和市数据局共同负责的有哪些？", "shared"),
        ("这个方案的发文机关是哪个单位？", "metadata"),
        ("这个行动计划的目标年份是哪一年？", "metadata"),
        ("谁负责随迁子女教育？", "responsibility"),
        ("市人民医院要跟谁组建紧密型城市医疗集团？", "fact"),  # 跟谁: a partner, not who is responsible
        ("By when each year do the responsible units have to finish their annual summary?", "fact"),  # a date, not the plan's gist
        ("这个方案到最后想达到什么目标？时间节点是哪一年？", "overview"),
        ("我没有本地户口能不能申请公租房？", "eligibility"),
        ("方案的保障措施有哪些？", "overview"),
        ("“五大行动”具体是哪五个？", "overview"),  # the plan's parts (grammar noun.parts), asked with a question word
        ("为什么制定这个方案？", "overview"),  # its purpose: the preamble
        ("土地要素保障方面落实什么机制？", "fact"),  # a basis verb, but its question word asks for a mechanism, not documents
    ],
)
def test_intent_follows_from_entities_and_form(assistant, question, intent):
    assert assistant.ask(question).to_json()["understood"]["intent"] == intent


def cited(answer) -> list[int]:
    return [c.clause for c in answer.citations]


def test_clause_references_answer_with_that_clause(assistant):
    assert cited(assistant.ask("第十二条讲的是什么？")) == [12]
    assert cited(assistant.ask("三（七）的内容是什么？")) == [7]
    answer = assistant.ask("第4项任务的责任单位是谁？")
    assert cited(answer) == [4] and "市公安局" in answer.text and "市数据局" in answer.text
    answer = assistant.ask("Clause 22: which departments are responsible?")
    assert cited(answer) == [22] and "市数据局 (Data Bureau)" in answer.text


def test_whole_table_questions_are_computed_from_the_unit_lists(assistant):
    most = assistant.ask("哪个部门承担的任务最多？")
    assert "市发展和改革委员会" in most.text and "18项" in most.text and len(most.citations) == 18
    bare = assistant.ask("哪些任务没有列出责任单位？")
    assert cited(bare) == [27, 28, 29]
    count = assistant.ask("方案一共分解了多少条具体任务？")
    assert "29项" in count.text and len(count.citations) == 29
    units = assistant.ask("整个方案里一共出现了多少个不同的责任单位？")
    assert "33个" in units.text


def test_topic_listings_cite_every_clause_that_mentions_the_topic(assistant):
    assert cited(assistant.ask("方案里涉及养老服务的有哪些条款？")) == [1, 5, 24]
    assert cited(assistant.ask("哪些条款提到了算力？")) == [11, 13, 22]
    for citation in assistant.ask("哪些条款提到了算力？").citations:
        assert citation.quotes and all("算力" in q for q in citation.quotes)


def test_a_department_the_documents_do_not_name_is_refused_without_citations(assistant):
    answer = assistant.ask("市委组织部在方案中负责什么？")
    assert answer.refused and not answer.citations and "市委组织部" in answer.text


def test_misspelt_and_english_departments_answer_like_their_chinese_names(assistant):
    water = [3, 16, 20, 21, 23, 24]
    assert cited(assistant.ask("市水立局负责什么")) == water
    assert cited(assistant.ask("What is the Water Resources Bureau responsible for?")) == water
    understood = assistant.ask("市水立局负责什么").to_json()["understood"]
    assert understood["units"] == [{"written": "市水立局", "name": "市水利局", "how": "typo"}]


def test_english_responsibility_questions_reach_the_clause_that_names_the_topic(assistant):
    answer = assistant.ask("Who is responsible for sponge city construction?")
    assert answer.citations and "海绵城市" in answer.citations[0].text


def test_metadata_comes_from_the_manifest_and_the_notice(assistant):
    issuer = assistant.ask("这个方案的发文机关是哪个单位？")
    assert "格尔木市人民政府办公室" in issuer.text and issuer.citations[0].path == "通知"
    assert "2030" in assistant.ask("这个行动计划的目标年份是哪一年？").text
    assert "第64次常务会议" in assistant.ask("方案经过哪次会议审议通过？").text.replace(" ", "")


def test_quoted_phrases_are_evidence(assistant):
    answer = assistant.ask("“水、电、路、产、城”指的是什么？")
    assert not answer.refused and answer.citations[0].path == "一"


def test_the_restatement_names_what_was_resolved(assistant):
    from assistant.chain import understand_question

    query, _ = understand_question(assistant.knowledge, "市水立局负责什么")
    assert query.restatement() == "市水立局→市水利局"
    query, _ = understand_question(assistant.knowledge, "第十二条讲的是什么？")
    assert query.restatement() == "第十二条→（十二）"


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("格尔木河城区段治理和口袋公园建设由哪些单位负责？", "格尔木河城区段治理和口袋公园建设"),
        ("第二轮土地承包到期后再延长30年试点，谁来推进？", "第二轮土地承包到期后再延长30年试点"),
        ("千亿级盐湖产业集群建设，方案里写的责任单位都有谁？", "千亿级盐湖产业集群建设"),
        ("提升枸杞品牌效应，增加农牧民收入是哪些部门的事？", "提升枸杞品牌效应，增加农牧民收入"),
        ("谁负责随迁子女教育？", "负责随迁子女教育"),
        ("谁负责？", ""),  # nothing would remain: the dense model reads the question as asked
        ("随迁子女教育怎么保障？", ""),  # not a who-question
    ],
)
def test_who_questions_embed_their_subject_without_the_form(text, subject):
    from assistant.understand import without_who

    assert without_who(text) == subject


def test_the_dense_search_reads_the_subject_of_a_who_question(assistant):
    """Query.subject is what the dense model embeds; the answer is the same clause as for the full question."""
    answer = assistant.ask("户口迁移“跨省通办”归哪个部门管？")
    assert answer.query.subject == "户口迁移“跨省通办”"
    assert answer.query.intent == "responsibility" and answer.citations
    assert assistant.ask("户口迁移跨省通办").citations[0].path == answer.citations[0].path


def test_a_clause_looked_up_whole_leads_with_its_title_then_the_opening_of_each_task(assistant):
    answer = assistant.ask("第十二条讲的是什么？")
    first, evidence, units = answer.text.split("\n")
    assert first.startswith("四（十二）「优化提升县城综合承载能力」") and len(first) <= 100
    part = next(p for p in assistant.knowledge.parts if p.kind == "clause" and p.number == 12)
    assert evidence.startswith("依据《") and "「提升县域内外交通承载能力」" in evidence
    assert all(q in part.text for q in answer.citations[0].quotes)  # the openings are verbatim
    assert all(u in units for u in part.unit_names)  # every unit, none dropped
    assert len(answer.text) < len(part.text)  # the whole clause stays in the citation


@pytest.mark.parametrize(
    ("question", "lead"),
    [("第十五条的标题是什么？", "强化县域产业发展人才支撑"), ("第十项讲的是什么政策？", "市民化配套政策")],
)
def test_a_question_about_the_clause_itself_is_answered_by_its_title(assistant, question, lead):
    assert lead in assistant.ask(question).lead


def test_a_question_about_something_in_a_clause_leads_with_the_fragment_and_omits_units_it_did_not_ask_for(assistant):
    answer = assistant.ask("第二十三项里，城镇新建绿色建筑占新建建筑的比例要保持在多少？")
    assert "100%" in answer.lead and "责任单位" not in answer.text


def test_a_clause_title_question_is_answered_by_the_title_alone(assistant):
    answer = assistant.ask("第十五条的标题是什么？")
    assert answer.text == "四（十五）「强化县域产业发展人才支撑」（格政办发〔2025〕25号）" and answer.citations[0].clause == 15


def test_counting_a_departments_tasks_lists_them_without_their_co_units(assistant):
    counted = assistant.ask("公安局参与的任务有几项？")
    assert counted.text.startswith("市公安局在3项任务中被列为责任单位（格政办发〔2025〕25号）") and "共同责任单位" not in counted.text
    listed = assistant.ask("公安局负责什么？")
    assert "共同责任单位：市数据局" in listed.text and len(listed.citations) == 3


def test_metadata_evidence_is_the_fragment_that_states_it(assistant):
    answer = assistant.ask("What is the target year of the plan?")
    assert "2030" in answer.lead and "「到2030年，全市常住人口城镇化率稳步提升」" in answer.text


def test_a_terse_who_question_about_a_clause_leads_with_every_unit(assistant):
    answer = assistant.ask("第16条保障土地财政等要素，责任单位？")
    part = next(p for p in assistant.knowledge.parts if p.kind == "clause" and p.number == 16)
    assert answer.lead.startswith("责任单位：") and all(u in answer.lead for u in part.unit_names)


def test_an_organisation_ending_inside_a_word_is_no_unknown_department(assistant):
    answer = assistant.ask("我们两口子在城里打工，娃能在格尔木上公办学校吗？")  # 公办学校, not a body called 格尔木上公办
    assert not answer.refused and [c.clause for c in answer.citations] == [7]


def test_a_rambling_question_is_answered_from_the_part_that_asks(assistant):
    question = "我是外地农村户口，在格尔木打工住了好多年了，现在想把户口迁过来，有啥门槛没？要是迁了老家那边的政策是不是就没了，我也不太懂这些，麻烦给说说"
    answer = assistant.ask(question)
    assert not answer.refused and 4 in [c.clause for c in answer.citations]


def test_a_ledger_question_about_a_subject_lists_only_that_subjects_items(assistant):
    narrow = assistant.ask("算电协同要开工建设哪些项目？")
    assert [c.clause for c in narrow.citations] == [13] and "柴达木绿色微电网算力中心" in narrow.lead
    whole = assistant.ask("方案里有哪些重点项目？")
    assert len(whole.citations) > 5  # no subject: the whole ledger
    verbs_only = assistant.ask("方案提出构建哪些百亿级产业集群？")  # 提出/构建 say what is done, not about what
    assert "百亿级油气能源产业集群" in verbs_only.text


@pytest.mark.parametrize(
    ("question", "clauses"),
    [
        ("哪些条款没提到责任单位？", [27, 28, 29]),
        ("枸杞在方案里哪些地方提到了？", [11, 13, 14, 26]),  # where in the document: a topic listing
        ("Which clauses mention sponge city (海绵城市/海绵化) work?", [18, 20]),  # an English question writing the plan's terms
    ],
)
def test_listing_questions_in_new_shapes(assistant, question, clauses):
    assert sorted(c.clause for c in assistant.ask(question).citations) == clauses


def test_a_document_number_in_pinyin_names_the_document(assistant):
    answer = assistant.ask("What are the main tasks listed in the State Council's Guo Fa [2024] No. 17 five-year action plan itself?")
    assert answer.refused and "国发〔2024〕17号" in answer.text and not answer.citations


def test_where_the_asker_comes_from_is_not_what_the_question_is_about(assistant):
    answer = assistant.ask("我是海南州那边的农村户口，来格尔木打工七八年了，现在想把户口落到格尔木，有没有什么门槛？")
    assert not answer.refused and 4 in [c.clause for c in answer.citations]


def test_separately_splits_on_the_grammars_coordinators_and_distributive_quantifiers():
    from assistant.understand import separately

    m = separately().search("郭勒木德镇和乌图美仁乡分别有什么项目？")
    assert m is not None and (m.group(1), m.group(2)) == ("郭勒木德镇", "乌图美仁乡")
    assert separately().search("郭勒木德镇、乌图美仁乡各自有什么项目？") is not None
    assert separately().search("郭勒木德镇有什么项目？") is None
