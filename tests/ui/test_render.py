"""ui/render.py and ui/outline.py: escaping, highlighting, source cards, refusals, the documents tab."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from assistant import prompts
from assistant.records import Answer, Citation
from index.records import DocumentMeta, Part, UnitRef
from ui.outline import document_status, documents_html, outline_html
from ui.render import answer_html, highlight, lead_html, plain_text, question_html, source_card, split_notice, stream_points

ATTACK = "<img src=x onerror=alert(1)>"

# Test fixture: clause 三（七） of 格政办发〔2025〕25号, as the assistant cites it.
CLAUSE_TEXT = (
    "（七）保障随迁子女在流入地受教育权利。以公办学校为主将随迁子女纳入我市义务教育保障范围，增加公办学校学位供给，"
    "确保义务教育阶段随迁子女100%在公办学校就读。将随迁子女纳入普惠性学前教育、中等职业教育、高中教育保障范围。"
    "（责任单位：市委机构编制委员会办公室，市教育局）"
)
QUOTE = "以公办学校为主将随迁子女纳入我市义务教育保障范围，增加公办学校学位供给，确保义务教育阶段随迁子女100%在公办学校就读。"
CITATION = Citation(
    doc="格政办发〔2025〕25号",
    clause=7,
    path="三（七）",
    title="保障随迁子女在流入地受教育权利",
    quotes=(QUOTE,),
    units=("市委机构编制委员会办公室", "市教育局"),
    doc_title="格尔木市贯彻落实新型城镇化五年行动计划分工方案",
    section="三、实施新一轮农业转移人口市民化行动",
    text=CLAUSE_TEXT,
)
ANSWER = Answer(
    question="谁负责随迁子女教育？",
    text=f"……「保障随迁子女在流入地受教育权利」的责任单位是：市委机构编制委员会办公室、市教育局。\n原文：「{QUOTE}」",
    citations=(CITATION,),
    refused=False,
    route="responsibility",
)


class _Elements(HTMLParser):
    """Collects the tags and attributes an HTML string would create."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.tags


def test_question_html_escapes_markup_so_no_element_is_created() -> None:
    html = question_html(ATTACK)
    assert [tag for tag, _ in elements(html)] == ["div"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_document_text_with_markup_is_escaped_in_source_cards() -> None:
    hostile = Citation(
        doc='文号"><script>alert(1)</script>',
        clause=1,
        path="一（一）",
        title=ATTACK,
        units=("<b>局</b>",),
        text=f"正文{ATTACK}。",
        quotes=(f"正文{ATTACK}。",),
    )
    html = source_card(hostile, 1)
    tags = {tag for tag, _ in elements(html)}
    assert not tags & {"script", "img", "b"}
    assert all(not any(k.startswith("on") for k in attrs) for _, attrs in elements(html))


def test_answer_text_with_markup_is_escaped() -> None:
    answer = Answer(ATTACK, f"文件没有规定{ATTACK}", (), True, "out_of_scope")
    html = answer_html(answer)
    assert "img" not in {tag for tag, _ in elements(html)}
    assert "&lt;img" in html


def test_highlight_marks_every_quoted_sentence_and_escapes_the_rest() -> None:
    text = "甲<句>。乙句。甲<句>。"
    html = highlight(text, ["甲<句>。"])
    assert html == "<mark>甲&lt;句&gt;。</mark>乙句。<mark>甲&lt;句&gt;。</mark>"


def test_highlight_merges_overlapping_quotes() -> None:
    assert highlight("一二三四五", ["一二三", "二三四"]) == "<mark>一二三四</mark>五"


def test_highlight_without_quotes_is_plain_escaped_text() -> None:
    assert highlight("a<b", []) == "a&lt;b"


def test_source_card_is_collapsed_and_shows_document_clause_departments_and_text() -> None:
    html = source_card(CITATION, 1, full_title="格尔木市人民政府办公室关于印发……的通知")
    details = [attrs for tag, attrs in elements(html) if tag == "details"]
    assert details == [{"class": "pq-source"}]  # no "open": collapsed
    for needle in (
        "格政办发〔2025〕25号",
        "三（七）",
        "保障随迁子女在流入地受教育权利",
        "三、实施新一轮农业转移人口市民化行动",
        "格尔木市人民政府办公室关于印发……的通知",
    ):
        assert needle in html
    assert html.count('class="pq-tag"') == 2
    assert f"<mark>{QUOTE}</mark>" in html


def test_source_card_shows_the_parent_clauses_a_clause_implements_with_their_text() -> None:
    parents = (("青政〔2024〕48号", "三（二）", "<保障>随迁子女"), ("国发〔2024〕17号", "一（一）1", "保障受教育权利"))
    card = source_card(dataclasses.replace(CITATION, parents=parents, parent_texts=("以公办学校为主<b>", "")), 1)
    assert "上级依据" in card and "青政〔2024〕48号 三（二） &lt;保障&gt;随迁子女" in card and "国发〔2024〕17号 一（一）1" in card
    assert '<blockquote class="pq-parent-clause">以公办学校为主&lt;b&gt;</blockquote>' in card
    assert card.count("pq-parent-clause") == 1  # a parent without indexed text is named only
    assert "上级依据" not in source_card(CITATION, 1)


def test_answer_html_has_no_newline_so_markdown_cannot_reinterpret_it() -> None:
    html = answer_html(ANSWER)
    assert "\n" not in html
    assert "<br>" in html


def test_answer_html_while_streaming_shows_a_prefix_and_no_sources() -> None:
    html = answer_html(ANSWER, shown=10)
    assert "pq-source" not in html
    assert ANSWER.text[:10] in html
    assert ANSWER.text[10:20] not in html


def test_lead_is_the_first_text_of_the_answer_in_bold_with_its_source_kept_whole() -> None:
    lead = "责任单位：市委机构编制委员会办公室、市教育局。（格政办发〔2025〕25号 三（七））"
    answer = dataclasses.replace(ANSWER, text=f"{lead}\n原文：「{QUOTE}」", lead=lead)
    html = answer_html(answer)
    assert html.startswith('<div class="pq-answer pq-complete"><div class="pq-text"><strong class="pq-lead">责任单位：')
    assert '<span class="pq-lead-source"><span class="pq-nobr">（格政办发〔2025〕25号</span> <span class="pq-nobr">三（七））</span></span></strong><br>原文：' in html


def test_lead_without_a_compact_source_and_lead_markup_are_escaped() -> None:
    assert lead_html(ATTACK) == '<strong class="pq-lead">&lt;img src=x onerror=alert(1)&gt;</strong>'
    english = lead_html("Responsible units: 市教育局 (Education Bureau). Source: 格政办发〔2025〕25号 三（七）")
    assert english.endswith('<span class="pq-lead-source"><span class="pq-nobr">Source:</span> <span class="pq-nobr">格政办发〔2025〕25号</span> <span class="pq-nobr">三（七）</span></span></strong>')
    assert [tag for tag, _ in elements(lead_html(f"{ATTACK}。（<b>文号</b> 三（七））"))] == ["strong", "span", "span", "span"]


def test_understood_line_follows_the_answer_for_a_resolved_follow_up() -> None:
    html = answer_html(dataclasses.replace(ANSWER, standalone="谁负责公租房？"))
    assert '<div class="pq-understood">理解为：谁负责公租房？</div>' in html
    assert html.index("pq-understood") < html.index("pq-sources")


def test_refusal_is_styled_as_a_refusal() -> None:
    refusal = Answer("格尔木今年的财政收入是多少？", prompts.REFUSAL, (), True, "out_of_scope")
    html = answer_html(refusal)
    assert "pq-refused" in html and "未找到依据" in html
    assert "pq-refused" not in answer_html(ANSWER)


def test_truncation_notice_is_split_from_the_answer_and_shown_as_a_notice() -> None:
    notice = prompts.TRUNCATED.format(limit=500)
    cut = Answer("问" * 600, notice + "\n" + ANSWER.text, ANSWER.citations, False, "fact")
    assert split_notice(cut.text, notice) == (notice, ANSWER.text)
    html = answer_html(cut, notice=notice)
    assert f'<div class="pq-notice">{notice}</div>' in html


def test_plain_text_lists_the_sources_for_copying() -> None:
    text = plain_text(ANSWER)
    assert text.startswith(ANSWER.text)
    assert text.endswith(
        "[1] 《格尔木市贯彻落实新型城镇化五年行动计划分工方案》（格政办发〔2025〕25号） 三（七）「保障随迁子女在流入地受教育权利」"
    )


def test_stream_points_end_at_sentence_ends_and_cover_the_text() -> None:
    assert stream_points("一句。二句；三") == [3, 6, 7]
    assert stream_points("一句。") == [3]
    assert stream_points("") == [0]


def test_stream_points_are_few_however_long_the_answer() -> None:
    text = "句。" * 40
    points = stream_points(text, frames=4)
    assert len(points) == 4 and points[-1] == len(text) and points == sorted(set(points))


# Test fixture: a two-clause document under one section, and a parent plan listed without its text.
META = DocumentMeta("测政〔2025〕1号", "测试方案<全称>", "测试方案", "测试市政府", "municipal", "2025-01-01", file="t.txt")
PARENT = DocumentMeta("测政〔2024〕9号", "上级方案", "上级方案", "省政府", "provincial", "2024-01-01")
PARTS = [
    Part(META.number, "section", "一", None, "一、总体要求", "总体要求", "总的要求。", 0, 5),
    Part(
        META.number,
        "clause",
        "一（一）",
        1,
        "一、总体要求",
        "第一项",
        "（一）第一项。（责任单位：市教育局）",
        5,
        20,
        units=(UnitRef("市教育局"),),
    ),
]


def test_outline_nests_clauses_under_their_section_with_text_and_departments() -> None:
    html = outline_html(PARTS, {META.number: META})
    assert html.index("一、总体要求") < html.index("一（一） 第一项")
    assert "（一）第一项。（责任单位：市教育局）" in html
    assert '<span class="pq-tag">市教育局</span>' in html
    assert "测试方案&lt;全称&gt;" in html


def test_documents_list_says_which_are_indexed_and_which_are_only_listed() -> None:
    assert document_status(META, {META.number}) == "已索引"
    assert document_status(PARENT, {META.number}) == "已列入清单，未提供正文"
    html = documents_html({META.number: META, PARENT.number: PARENT}, {META.number})
    assert "已索引" in html and "已列入清单，未提供正文" in html
    assert "planqa corpus add FILE --number 文号" in html
