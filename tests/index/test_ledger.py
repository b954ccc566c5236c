"""index/ledger.py on the real plan (every figure found, nothing added) and on small synthetic sentences."""

from __future__ import annotations

import re

import pytest

from index.chunk import chunk_part
from index.ledger import LEDGER_KINDS, PartLedger, extract_document, extract_part, name_spans, read_text, stored_ledger
from index.parse import parse_text
from index.records import DocumentMeta, ParsedDocument, Part
from index.store import chunk_metadata

DIGITS = re.compile(r"\d+(?:\.\d+)?")
MAGNITUDE = re.compile(r"[千百万十]亿级")
WATER = "市水利局"


@pytest.fixture(scope="module")
def ledgers(plan: ParsedDocument) -> dict[str, PartLedger]:
    return extract_document(plan)


def _clause(plan: ParsedDocument, number: int) -> Part:
    return next(c for c in plan.clauses if c.number == number)


def _all(plan: ParsedDocument, ledgers: dict[str, PartLedger], kind: str) -> list:
    return [item for p in plan.parts for item in getattr(ledgers.get(p.id, PartLedger()), kind)]


def test_every_figure_of_the_plan_is_read_as_a_target_or_a_time_node(plan: ParsedDocument, ledgers: dict[str, PartLedger]) -> None:
    with_figures = []
    for part in plan.parts:
        if part.kind not in LEDGER_KINDS:
            continue
        ledger = ledgers[part.id]
        spans = [(i.start, i.end) for i in (*ledger.targets, *ledger.deadlines)]
        for sentence in part.sentences:
            figures = [m.span() for m in DIGITS.finditer(sentence.text)] + [m.span() for m in MAGNITUDE.finditer(sentence.text)]
            names = name_spans(sentence.text)
            figures = [(a, b) for a, b in figures if not any(x <= a and b <= y for x, y in names)]
            if not figures:
                continue
            with_figures.append(part.path)
            for a, b in figures:
                start, end = sentence.start + a, sentence.start + b
                assert any(x <= start and end <= y for x, y in spans), (
                    f"{part.path}: figure {sentence.text[a:b]!r} not read in {sentence.text}"
                )
    # The plan's 12 sentences with a figure, read by hand (names such as 国发〔2024〕17号, 5G and “2+5+N” left out).
    assert with_figures == [
        "一",
        "三（五）",
        "三（七）",
        "三（十）",
        "四（十一）",
        "四（十一）",
        "四（十三）",
        "五（十八）",
        "五（二十一）",
        "五（二十一）",
        "五（二十三）",
        "七（二十九）",
    ]


def test_nothing_is_reported_that_the_sentence_does_not_say(plan: ParsedDocument, ledgers: dict[str, PartLedger]) -> None:
    by_id = {p.id: p for p in plan.parts}
    count = 0
    for part_id, ledger in ledgers.items():
        part = by_id[part_id]
        sentences = {s.text for s in part.sentences}
        for item in (*ledger.targets, *ledger.deadlines, *ledger.projects):
            count += 1
            assert plan.text[item.start : item.end] == item.text
            assert item.text in item.sentence and item.sentence in sentences and item.sentence in part.text
        for t in ledger.targets:
            assert t.value + t.unit in t.text and t.measure and t.measure in t.sentence
    assert count > 50


def test_notice_and_colophon_carry_no_tasks(plan: ParsedDocument) -> None:
    for part in plan.parts:
        if part.kind in ("notice", "colophon"):
            assert not extract_part(part)  # 第64次常务会议 and the date of issue are not targets


def test_the_plans_targets(plan: ParsedDocument, ledgers: dict[str, PartLedger]) -> None:
    found = {(t.value, t.unit, t.measure) for t in _all(plan, ledgers, "targets")}
    assert ("50", "%", "老旧管网更新率") in found
    assert ("90", "%", "新增小区燃气管道覆盖率") in found
    assert ("100", "%", "义务教育阶段随迁子女") in found
    assert ("100", "%", "城镇新建绿色建筑占新建建筑比例") in found
    assert ("21", "个", "老旧小区室外配套基础设施改造") in found
    assert ("11", "个", "老旧小区海绵化提升改造项目") in found
    assert ("2", "万吨", "红枸杞饮品") in found
    assert ("30", "年", "第二轮土地承包到期后再延长") in found
    assert ("15", "分钟", "服务圈") in found
    assert ("千亿", "级", "盐湖产业集群") in found and ("百亿", "级", "陆港物流产业集群") in found
    texts = {t.text for t in _all(plan, ledgers, "targets")}
    assert "老旧管网更新率达50%以上" in texts and "确保义务教育阶段随迁子女100%在公办学校就读" in texts


def test_the_plans_time_nodes_are_its_three(plan: ParsedDocument, ledgers: dict[str, PartLedger]) -> None:
    nodes = [(p.path, d.text, d.kind) for p in plan.parts for d in ledgers.get(p.id, PartLedger()).deadlines]
    assert nodes == [("一", "到2030年", "date"), ("五（二十一）", "5年内", "period"), ("七（二十九）", "每年12月底前", "recurring")]
    # 5年内 is a time node, not a target, and 30年 (延长30年) is a target, not a time node.
    assert not any(t.unit == "年" and t.value == "5" for t in _all(plan, ledgers, "targets"))


def test_projects_named_in_lists_after_verbs_and_in_quotes(plan: ParsedDocument, ledgers: dict[str, PartLedger]) -> None:
    def projects(n: int) -> list[str]:
        return [p.text for p in ledgers[_clause(plan, n).id].projects]

    assert projects(1) == ["第七中学迁建", "社会救助综合服务中心建设", "社区居家养老服务中心建设"]
    assert "柴达木绿色微电网算力中心" in projects(13) and "柴达木沙漠基地（格尔木东）" in projects(13)
    assert projects(21) == ["城市生命线安全工程", "北四片区给水管网改扩建", "智慧燃气建设项目"]
    assert projects(23) == ["城乡清洁供暖工程", "南山口抽水蓄能"]
    assert projects(22) == ["雪亮工程"]
    assert projects(6) == ["青绣", "家政"]
    assert projects(9) == []  # 推进建筑项目…参加工伤保险 names no project
    assert projects(26) == []  # 实施一批与盐湖、光伏等工业相关的下游产业项目 names none either


def test_water_bureau_clauses_carry_its_targets_and_projects(plan: ParsedDocument, ledgers: dict[str, PartLedger]) -> None:
    clauses = [c for c in plan.clauses if WATER in c.unit_names]
    assert [c.number for c in clauses] == [3, 16, 20, 21, 23, 24]
    targets = [t.value + t.unit for c in clauses for t in ledgers[c.id].targets]
    assert targets == ["90%", "100%"]


META = DocumentMeta("测试〔2025〕1号", "测试方案", "测试方案", "测试", "municipal", "2025-01-01")


def _one_clause(body: str) -> Part:
    doc = parse_text(f"测试方案\n一、总体要求\n总的要求。\n（一）测试条款。{body}（责任单位：市水利局）", META)
    return doc.clauses[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("2027年6月底前完成验收。", [("2027年6月底前", "date")]),
        ("三年内全面建成。", [("三年内", "period")]),
        ("30个工作日内办结。", [("30个工作日内", "period")]),
        ("“十五五”时期基本实现。", [("“十五五”时期", "plan_period")]),
        ("每季度末前报送进展。", [("每季度末前", "recurring")]),
    ],
)
def test_time_node_shapes(body: str, expected: list[tuple[str, str]]) -> None:
    assert [(d.text, d.kind) for d in extract_part(_one_clause(body)).deadlines] == expected


def test_rate_with_bound_and_ordinals_and_document_numbers() -> None:
    ledger = extract_part(_one_clause("常住人口城镇化率达到65%以上，落实国发〔2024〕17号文件，召开第3次会议。"))
    assert [(t.value, t.unit, t.measure, t.text) for t in ledger.targets] == [
        ("65", "%", "常住人口城镇化率", "常住人口城镇化率达到65%以上")
    ]
    assert ledger.deadlines == ()


def test_two_figures_in_one_list_each_get_their_own_item() -> None:
    ledger = extract_part(_one_clause("新建学校3所、医院2家。"))
    assert [(t.text, t.value, t.unit) for t in ledger.targets] == [("新建学校3所", "3", "所"), ("医院2家", "2", "家")]


def test_json_round_trip_and_index_metadata(plan: ParsedDocument) -> None:
    part = _clause(plan, 21)
    ledger = extract_part(part)
    assert PartLedger.loads(ledger.dumps()) == ledger
    chunk = chunk_part(plan.meta, part)[0]
    metadata = chunk_metadata(chunk, part, plan.meta)
    assert stored_ledger(metadata, part) == ledger
    assert stored_ledger({k: v for k, v in metadata.items() if k != "ledger"}, part) == ledger  # an older index


def test_a_question_is_read_like_a_sentence() -> None:
    asked = read_text("哪些任务要求5年内完成？哪些指标要达到100%？")
    assert [d.text for d in asked.deadlines] == ["5年内"]
    assert [(t.value, t.unit) for t in asked.targets] == [("100", "%")]
