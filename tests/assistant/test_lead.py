"""assistant/lead.py: answers that answer first — a verbatim lead from the plan, then short evidence."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.lead import fragments, slot_words, trimmed
from assistant.records import Answer, Citation
from assistant.verify import verify
from index.records import Sentence

pytestmark = pytest.mark.slow


def test_fragments_split_between_punctuation_with_offsets():
    sentence = Sentence("通过海绵化透水铺装，老旧管网更新率达50%以上。", 100, 124)
    pieces = fragments(sentence)
    assert [p.text for p in pieces] == ["通过海绵化透水铺装，", "老旧管网更新率达50%以上。"]
    assert all(sentence.text[p.start - 100 : p.end - 100] == p.text for p in pieces)
    assert trimmed(pieces[1].text) == "老旧管网更新率达50%以上"


def test_slot_words_are_the_verb_and_the_asked_noun():
    assert slot_words("人口布局上坚持什么原则？") == ["坚持", "原则"]
    assert slot_words("智慧城市要打造哪些平台？") == ["打造", "平台"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("老旧管网更新率要达到多少？", "老旧管网更新率达50%以上"),
        ("谁负责随迁子女教育？", "市委机构编制委员会办公室、市教育局"),
        ("我持暂住证，能参加城乡居民医保吗？", "同等享受政府补助"),
        ("各责任单位每年什么时候之前要做年度总结？", "每年12月底前"),
        ("哪个部门承担的任务最多？", "市发展和改革委员会"),
        # The answer sentence may rank low among the clause's sentences; words the clause title shares
        # with the question (智慧城市) do not pick the sentence, the answer slot (打造…平台) does.
        ("智慧城市要打造哪些平台？", "城市信息模型（CIM）基础平台和城市运行管理平台"),
    ],
)
def test_the_first_line_answers(assistant, question, expected):
    answer = assistant.ask(question)
    first = answer.text.split("\n", 1)[0]
    assert expected in first and len(first) <= 100
    assert answer.to_json()["lead"] == first


def test_every_lead_span_is_verbatim_in_the_cited_clause(assistant):
    for question in (
        "老旧管网更新率要达到多少？",
        "我没有本地户口能不能申请公租房？",
        "进城落户要退出宅基地吗？",
        "第二十九条要求各责任单位在什么时间之前做年度总结？",
    ):
        answer = assistant.ask(question)
        assert answer.lead_spans and all(any(s in c.text for c in answer.citations) for s in answer.lead_spans)


def test_a_lead_the_cited_text_does_not_contain_is_dropped():
    cited = Citation("测试〔2026〕1号", 1, "一（一）", "测试", ("甲乙丙。",), text="（一）测试。甲乙丙。")
    answer = Answer(
        "问",
        "丁戊己。（测试〔2026〕1号 一（一））\n依据「甲乙丙。」",
        (cited,),
        False,
        "fact",
        lead="丁戊己。（测试〔2026〕1号 一（一））",
        lead_spans=("丁戊己",),
    )
    checked = verify(answer)
    assert not checked.lead and checked.text == "依据「甲乙丙。」"
    kept = verify(dataclasses.replace(answer, text="甲乙丙。（…）\n依据「甲乙丙。」", lead="甲乙丙。（…）", lead_spans=("甲乙丙",)))
    assert kept.lead == "甲乙丙。（…）"


def test_english_questions_get_english_framing(assistant):
    answer = assistant.ask("Who is responsible for migrant children's education?")
    assert answer.text.startswith(
        "Responsible units: 市委机构编制委员会办公室 (Office of the Commission for Public Sector Reform), 市教育局 (Education Bureau)."
    )
    assert "Source: " in answer.text.split("\n", 1)[0]


def test_answers_are_short(assistant):
    answer = assistant.ask("老旧管网更新率要达到多少？")
    assert len(answer.text) <= 120 and "《格尔木市贯彻落实新型城镇化五年行动计划分工方案》" in answer.text


def test_context_before_the_lead_is_kept_only_when_it_shares_the_questions_words():
    from assistant.lead import Lead, evidence_window

    sentence = Sentence("鼓励建设超低能耗建筑，城镇新建绿色建筑占新建建筑比例保持在100%。", 0, 35)
    lead = Lead((fragments(sentence)[1],), sentence)
    assert evidence_window(lead) == sentence.text  # no question given: the fragment before is context
    assert evidence_window(lead, {"建筑": 1.0}) == sentence.text  # it shares the question's words
    assert evidence_window(lead, {"比例": 1.0, "绿色": 1.0}) == trimmed(fragments(sentence)[1].text) + "。"


def test_a_lead_that_is_all_the_evidence_names_the_document_and_clause_once(assistant):
    answer = assistant.ask("老旧管网更新率得搞到多少")
    assert answer.text.split("\n")[1] == "依据《格尔木市贯彻落实新型城镇化五年行动计划分工方案》五（十八）「扎实推进城镇老旧小区改造」"


def test_a_record_answer_does_not_quote_again_what_its_lead_already_quotes(assistant):
    answer = assistant.ask("这个通知的主送单位有哪些？")
    assert "原文" not in answer.text and answer.citations[0].quotes  # the quote stays in the citation


def test_a_lead_that_only_names_the_task_brings_the_fragment_that_says_what_it_requires(assistant):
    answer = assistant.ask("第9项里对农村低保专项治理提了什么要求？")
    assert "漏保、错保" in answer.lead and answer.citations[0].clause == 9


def test_a_two_piece_lead_takes_the_answer_piece_not_a_longer_list(assistant):
    """The list bonus counts the answer piece's items, not the subject's (毗邻城区、人口较多、…)."""
    answer = assistant.ask("郭勒木德镇定位为什么类型的城镇？")
    assert "综合服务型城镇" in answer.lead


def test_latin_words_the_plan_uses_count_as_question_words(assistant):
    answer = assistant.ask("CIM基础平台里的CIM指的是什么")
    assert "城市信息模型" in answer.lead


def test_a_lead_that_names_the_clause_or_the_body_asked_for_needs_nothing_after_it(assistant):
    which = assistant.ask("“城市社区15分钟服务圈”是哪一条提出的？")
    assert which.citations[0].clause == 5 and "便利化" not in which.text
    who = assistant.ask("谁负责给推进缓慢的部门下发督导建议书？")
    assert "市政府督查室" in who.lead and "顺利推进" not in who.text
