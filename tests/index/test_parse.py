"""index/parse.py on the real plan and on small synthetic documents of each structural shape."""

from __future__ import annotations

import re

from index.parse import cn_number, parse_text
from index.records import DocumentMeta

# The exact 责任单位 of every clause that has one, canonicalised (reviewed against the PDF text).
UNITS = {
    1: ['东城区行政委员会', '西城区行政委员会', '市发展和改革委员会', '市教育局', '市民政局', '市人力资源和社会保障局', '市住房和城乡建设局', '市农牧局', '市自然资源局', '市卫生健康委员会'],
    2: ['昆仑经济技术开发区管委会', '市发展和改革委员会', '市工业信息化和科技局', '市农牧局', '市住房和城乡建设局', '市文体旅游广电局', '市陆港园区管委会'],
    3: ['东城区行政委员会', '西城区行政委员会', '市发展和改革委员会', '市自然资源局', '市水利局', '市住房和城乡建设局', '市林业和草原局', '市生态环境局'],
    4: ['市公安局', '市数据局'],
    5: ['市发展和改革委员会', '市教育局', '市公安局', '市民政局', '市卫生健康委员会'],
    6: ['市教育局', '市人力资源和社会保障局', '市农牧局', '市综合行政执法局'],
    7: ['市委机构编制委员会办公室', '市教育局'],
    8: ['市人力资源和社会保障局', '市住房和城乡建设局', '市自然资源局', '市农牧局', '市公积金管理中心格尔木分中心'],
    9: ['市民政局', '市财政局', '市人力资源和社会保障局'],
    10: ['市财政局', '市住房和城乡建设局', '市自然资源局', '市农牧局'],
    11: ['昆仑经济技术开发区管委会', '东城区行政委员会', '西城区行政委员会', '市发展和改革委员会', '市工业信息化和科技局', '市文体旅游广电局', '市农牧局', '市自然资源局', '市数据局', '市能源局', '市陆港园区管委会'],
    12: ['市发展和改革委员会', '市工业信息化和科技局', '市住房和城乡建设局', '市交通运输局', '市文体旅游广电局'],
    13: ['昆仑经济技术开发区管委会', '市发展和改革委员会', '市工业信息化和科技局', '市农牧局', '市住房和城乡建设局', '市交通运输局', '市数据局', '市能源局', '市陆港园区管委会'],
    14: ['东城区行政委员会', '西城区行政委员会', '市发展和改革委员会', '市工业信息化和科技局', '市自然资源局', '市住房和城乡建设局', '市交通运输局', '市农牧局', '市文体旅游广电局', '市市场监督管理局', '市能源局', '市气象局', '各乡镇人民政府'],
    15: ['昆仑经济技术开发区管委会', '市工业信息化和科技局', '市教育局', '市人力资源和社会保障局', '市农牧局'],
    16: ['昆仑经济技术开发区管委会', '市发展和改革委员会', '市工业信息化和科技局', '市教育局', '市财政局', '市自然资源局', '市住房和城乡建设局', '市水利局', '市农牧局', '市陆港园区管委会'],
    17: ['昆仑经济技术开发区管委会', '市发展和改革委员会', '市工业信息化和科技局', '市市场监督管理局', '市数据局'],
    18: ['市发展和改革委员会', '市民政局', '市住房和城乡建设局', '市自然资源局', '市卫生健康委员会', '市消防救援支队'],
    19: ['市发展和改革委员会', '市住房和城乡建设局', '市卫生健康委员会', '市文体旅游广电局', '市应急管理局'],
    20: ['市发展和改革委员会', '市工业信息化和科技局', '市自然资源局', '市住房和城乡建设局', '市水利局', '市应急管理局', '市卫生健康委员会', '市能源局', '市气象局', '市生态环境局'],
    21: ['市发展和改革委员会', '市住房和城乡建设局', '市水利局', '市应急管理局'],
    22: ['市工业信息化和科技局', '市公安局', '市住房和城乡建设局', '市数据局', '市城市管理局'],
    23: ['昆仑经济技术开发区管委会', '市发展和改革委员会', '市工业信息化和科技局', '市住房和城乡建设局', '市水利局', '市交通运输局', '市能源局', '市城市管理局', '市生态环境局'],
    24: ['东城区行政委员会', '西城区行政委员会', '市发展和改革委员会', '市教育局', '市民政局', '市人力资源和社会保障局', '市自然资源局', '市住房和城乡建设局', '市交通运输局', '市水利局', '市农牧局', '市卫生健康委员会', '市能源局', '市城市管理局'],
    25: ['市工商业联合会', '市发展和改革委员会', '市工业信息化和科技局', '市人力资源和社会保障局', '市财政局', '市自然资源局', '市农牧局', '中国人民银行格尔木营业管理部'],
    26: ['东城区行政委员会', '西城区行政委员会', '市发展和改革委员会', '市工业信息化和科技局', '市民政局', '市财政局', '市人力资源和社会保障局', '市农牧局', '市能源局', '中国人民银行格尔木营业管理部'],
}

CN = "一二三四五六七八九十"


def test_plan_has_29_clauses_numbered_straight_through(plan):
    assert [c.number for c in plan.clauses] == list(range(1, 30))


def test_every_unit_list_is_exact(plan):
    with_units = {c.number: list(c.unit_names) for c in plan.clauses if c.units}
    assert len(with_units) == 26
    assert with_units == UNITS


def test_clauses_27_to_29_have_no_unit_list(plan):
    assert [c.number for c in plan.clauses if not c.units] == [27, 28, 29]


def test_paths_titles_and_sections(plan):
    c7 = next(c for c in plan.clauses if c.number == 7)
    assert c7.path == "三（七）"
    assert c7.title == "保障随迁子女在流入地受教育权利"
    assert c7.section == "三、实施新一轮农业转移人口市民化行动"
    c29 = plan.clauses[-1]
    assert (c29.path, c29.title) == ("七（二十九）", "加强监测评估")


def test_sections_one_to_seven_and_front_matter(plan):
    sections = [p.path for p in plan.parts if p.kind == "section"]
    assert sections == list("一二三四五六七")
    kinds = [p.kind for p in plan.parts]
    assert kinds[:2] == ["notice", "preamble"] and kinds[-1] == "colophon"
    notice = plan.parts[0]
    assert "第64次常务会议" in notice.text and "2025年4月17日" in notice.text
    assert plan.title == "格尔木市贯彻落实青海省深入实施以人为本的新型城镇化战略五年行动计划的分工方案"


def test_pdf_artefacts_are_gone(plan):
    assert "——" not in plan.text
    assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff\d]|\d +[\u4e00-\u9fff]", plan.text)
    # Names broken across PDF lines are whole again.
    assert "市委机构编制委员会办公室" in plan.text
    assert "到2030年" in plan.text and "第64次" in plan.text


def test_offsets_and_sentences_are_verbatim(plan):
    for part in plan.parts:
        assert plan.text[part.start : part.end] == part.text
        for s in part.sentences:
            assert plan.text[s.start : s.end] == s.text
            assert "责任单位：" not in s.text


def test_clause_text_keeps_its_unit_note(plan):
    c4 = next(c for c in plan.clauses if c.number == 4)
    assert c4.text.endswith("（责任单位：市公安局、数据局）")
    assert c4.unit_note == "市公安局、数据局"


def test_cn_number():
    assert [cn_number(x) for x in ("一", "十", "十一", "二十", "二十九", "一百零一", "12")] == [1, 10, 11, 20, 29, 101, 12]


META = DocumentMeta("测试〔2026〕1号", "合成测试文件", "合成测试文件", "测试机关", "provincial", "2026-01-01", "x.txt")


def test_synthetic_nested_items_get_hierarchical_paths():
    # Synthetic test fixture: a provincial-style plan with 一、/（一）/1./（1） and lead/support notes.
    text = "\n".join(
        [
            "一、总体要求",
            "坚持人民至上。",
            "二、重点任务",
            "（一）推进户籍制度改革。放开落户限制。",
            "1.放开城镇落户。全面取消落户限制。（省公安厅牵头，省发展改革委、省人力资源社会保障厅配合）",
            "2.健全居住证制度。推动居住证扩面。（省公安厅负责）",
            "（二）保障随迁子女受教育权利。",
            "（1）扩大学位供给。",
            "（2）完善招生政策。",
        ]
    )
    doc = parse_text(text, META)
    paths = [p.path for p in doc.parts]
    assert paths == ["一", "二", "二（一）", "二（一）1", "二（一）2", "二（二）", "二（二）（1）", "二（二）（2）"]
    item = next(p for p in doc.parts if p.path == "二（一）1")
    assert [(u.name, u.role) for u in item.units] == [("省公安厅", "lead"), ("省发展改革委", "support"), ("省人力资源社会保障厅", "support")]
    assert item.title == "放开城镇落户"


def test_synthetic_regulation_with_chapters_and_articles():
    # Synthetic test fixture: a regulation shaped 第X章 / 第X条.
    text = "\n".join(["第一章 总则", "第一条 为了规范管理，制定本办法。", "第二条 本办法适用于全省。", "第二章 附则", "第三条 本办法自发布之日起施行。"])
    doc = parse_text(text, META)
    assert [p.path for p in doc.parts] == ["第一章", "第一章第一条", "第一章第二条", "第二章", "第二章第三条"]
    art = next(p for p in doc.parts if p.path == "第一章第二条")
    assert art.number == 2 and art.title == "本办法适用于全省"


def test_numbers_inside_running_text_are_not_headings():
    text = "一、总体要求\n（一）完成任务。\n2.不是第二项而是正文中的数字开头。\n（三）这也不是第三条。"
    doc = parse_text(text, META)
    # "2." does not follow "1." and "（三）" does not follow "（一）": both stay inside （一）.
    assert [p.path for p in doc.parts] == ["一", "一（一）"]
