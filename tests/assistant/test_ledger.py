"""assistant/ledger.py: ledger rows by unit and document, ledger questions answered with verified quotes,
and `planqa ledger` on a built index."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.ledger import ledger_answer, read_question, rows_for
from assistant.verify import unverified_quotes, verify
from index.errors import PlanqaError
from tests.conftest import CORPUS, PLAN
from tests.ledger_knowledge import LedgerKnowledge, ledger_knowledge

WATER = "市水利局"
WATER_CLAUSES = [3, 16, 20, 21, 23, 24]
ITEM_KEYS = {
    "targets": {"text", "sentence", "start", "end", "value", "unit", "measure"},
    "deadlines": {"text", "sentence", "start", "end", "kind"},
    "projects": {"text", "sentence", "start", "end"},
}


@pytest.fixture(scope="module")
def knowledge() -> LedgerKnowledge:
    return ledger_knowledge(CORPUS)


@pytest.mark.parametrize("name", [WATER, "水利局", " 水利局 "])
def test_the_water_bureau_ledger_is_its_six_clauses(knowledge: LedgerKnowledge, name: str) -> None:
    unit, rows = rows_for(knowledge, name)
    assert unit == WATER
    assert [r.part.number for r in rows] == WATER_CLAUSES


def test_rows_have_the_documented_json_shape(knowledge: LedgerKnowledge) -> None:
    _, rows = rows_for(knowledge, WATER)
    row = next(r.to_json() for r in rows if r.part.number == 21)
    assert list(row) == ["doc", "clause", "path", "title", "units", "targets", "deadlines", "projects"]
    assert (row["doc"], row["clause"], row["path"], row["title"]) == (PLAN, 21, "五（二十一）", "实施城市生命线安全工程")
    assert row["units"] == ["市发展和改革委员会", "市住房和城乡建设局", WATER, "市应急管理局"]
    for kind, keys in ITEM_KEYS.items():
        assert row[kind] and all(set(item) == keys for item in row[kind])
    target = row["targets"][0]
    assert (target["text"], target["value"], target["unit"], target["measure"]) == (
        "新增小区燃气管道覆盖率达到90%以上",
        "90",
        "%",
        "新增小区燃气管道覆盖率",
    )
    assert target["text"] in target["sentence"] and target["end"] - target["start"] == len(target["text"])


def test_the_whole_ledger_holds_the_plans_figures_time_nodes_and_projects(knowledge: LedgerKnowledge) -> None:
    _, rows = rows_for(knowledge, doc=PLAN)
    assert [r.part.path for r in rows if r.part.kind != "clause"] == ["一"]  # 到2030年 in 总体要求
    assert len([r for r in rows if r.part.kind == "clause"]) == 29  # every task, figures or not
    targets = {(t["value"], t["unit"], t["measure"]) for r in rows for t in r.to_json()["targets"]}
    for value, unit, measure in [
        ("50", "%", "老旧管网更新率"),
        ("90", "%", "燃气管道覆盖率"),
        ("100", "%", "随迁子女"),
        ("100", "%", "绿色建筑"),
        ("21", "个", "老旧小区"),
        ("11", "个", "老旧小区"),
        ("2", "万吨", ""),
        ("30", "年", ""),
        ("15", "分钟", ""),
    ]:
        assert any(v == value and u == unit and measure in m for v, u, m in targets), (value, unit, measure)
    deadlines = [d.text for r in rows for d in r.ledger.deadlines]
    assert {"5年内", "每年12月底前"} <= set(deadlines) and any("2030年" in d for d in deadlines)
    projects = {p.text for r in rows for p in r.ledger.projects}
    assert {"第七中学迁建", "柴达木绿色微电网算力中心", "南山口抽水蓄能"} <= projects


def test_unknown_unit_or_document_is_an_error_naming_it(knowledge: LedgerKnowledge) -> None:
    with pytest.raises(PlanqaError, match="宇宙局"):
        rows_for(knowledge, "宇宙局")
    with pytest.raises(PlanqaError, match="国发〔2024〕17号"):
        rows_for(knowledge, doc="国发〔2024〕17号")


def _checked(answer: Any) -> None:
    """Every 「quote」 is verbatim in a cited clause, and verification changes nothing."""
    assert not answer.refused and answer.citations
    assert unverified_quotes(answer) == []
    assert verify(answer) == answer
    for c in answer.citations:
        assert c.quotes and all(q in c.text for q in c.quotes)


def test_quantified_targets_of_a_department(knowledge: LedgerKnowledge) -> None:
    answer = ledger_answer(knowledge, "市水利局有哪些量化指标？", (), ())
    assert answer is not None
    _checked(answer)
    assert [c.clause for c in answer.citations] == [21, 23]
    assert "「新增小区燃气管道覆盖率达到90%以上」" in answer.text and "「城镇新建绿色建筑占新建建筑比例保持在100%」" in answer.text
    for unit in (WATER, "水利局"):
        same = ledger_answer(knowledge, "有哪些量化指标？", (unit,), ())
        assert same is not None and same.citations == answer.citations


def test_time_nodes_of_the_plan(knowledge: LedgerKnowledge) -> None:
    answer = ledger_answer(knowledge, "方案里有哪些时间节点？", (), ())
    assert answer is not None
    _checked(answer)
    assert [c.path for c in answer.citations] == ["一", "五（二十一）", "七（二十九）"]
    assert "到2030年" in answer.text and "5年内" in answer.text and "每年12月底前" in answer.text


def test_key_projects(knowledge: LedgerKnowledge) -> None:
    answer = ledger_answer(knowledge, "提到了哪些重点项目？", (), ())
    assert answer is not None
    _checked(answer)
    for name in ("第七中学迁建", "柴达木绿色微电网算力中心", "南山口抽水蓄能"):
        assert f"「{name}」" in answer.text


def test_tasks_due_within_five_years(knowledge: LedgerKnowledge) -> None:
    answer = ledger_answer(knowledge, "哪些任务要求5年内完成？", (), ())
    assert answer is not None
    _checked(answer)
    assert [c.clause for c in answer.citations] == [21]
    assert "5年内实现城镇全覆盖" in answer.citations[0].quotes[0]


def test_targets_with_a_given_figure(knowledge: LedgerKnowledge) -> None:
    answer = ledger_answer(knowledge, "哪些指标要达到100%？", (), ())
    assert answer is not None
    _checked(answer)
    assert [c.clause for c in answer.citations] == [7, 23]


@pytest.mark.parametrize(
    "question",
    [
        "谁负责随迁子女教育？",
        "老旧管网更新率要达到多少？",
        "市水利局负责哪些工作？",
        "随迁子女可以在格尔木上公办学校吗？",
        "哪些部门负责重点项目？",
        "方案的总体要求是什么？",
    ],
)
def test_other_questions_are_left_to_the_pipeline(knowledge: LedgerKnowledge, question: str) -> None:
    assert read_question(question) is None
    assert ledger_answer(knowledge, question, (), ()) is None


def test_nothing_found_is_a_refusal_without_citations(knowledge: LedgerKnowledge) -> None:
    none_of_them = ledger_answer(knowledge, "市公积金管理中心格尔木分中心有哪些量化指标？", (), ())
    assert none_of_them is not None and none_of_them.refused and not none_of_them.citations
    assert "没有找到量化指标" in none_of_them.text
    other_doc = ledger_answer(knowledge, "有哪些时间节点？", (), ("国发〔2024〕17号",))
    assert other_doc is not None and other_doc.refused
    unnamed = ledger_answer(knowledge, "有哪些重点项目？", ("市宇宙局",), ())
    assert unnamed is not None and unnamed.refused and "市宇宙局" in unnamed.text


@pytest.mark.slow
def test_planqa_ledger_on_a_built_index(settings: Any, capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    from assistant.cli import main
    from assistant.knowledge import Knowledge

    args = ["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir), "ledger"]
    assert main([*args, "--unit", WATER]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["clause"] for r in rows] == WATER_CLAUSES
    loaded = Knowledge.load(settings)
    stored = loaded.collection.get(where={"kind": "part"}, include=["metadatas"])["metadatas"]
    assert stored and all("ledger" in md for md in stored)  # kept in the index beside each part
    parsed = ledger_knowledge(CORPUS)
    assert {k: v for k, v in loaded.ledger.items() if v} == {k: v for k, v in parsed.ledger.items() if v}
    assert main([*args, "--unit", "宇宙局"]) == 2
    assert "宇宙局" in capsys.readouterr().err
    out = tmp_path / "台账.xlsx"
    assert main([*args, "--unit", "水利局", "--format", "xlsx", "--output", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
