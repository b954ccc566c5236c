"""eval/score.py and eval/run.py: the scorer itself is tested, including questions that must fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.dataset import DatasetError, Question, load_dataset
from eval.score import judge, percentile, recall_at_k, reciprocal_rank

SUBSET = Path(__file__).resolve().parents[1] / "fixtures" / "eval_subset.jsonl"
PLAN = "格政办发〔2025〕25号"


def q(**kw) -> Question:
    base = dict(id="x", type="fact", question="?", gold_clauses=(), gold_units=(), answer_contains=(), answerable=True)
    base.update(kw)
    return Question(**base)


def result(answer: str = "", clauses: tuple[int | None, ...] = (), refused: bool = False) -> dict:
    return {"answer": answer, "refused": refused, "citations": [{"doc": PLAN, "clause": c, "path": "", "title": ""} for c in clauses]}


def test_responsibility_needs_gold_clause_and_every_unit_in_any_accepted_form():
    question = q(type="responsibility", gold_clauses=(25,), gold_units=("市发展和改革委员会", "中国人民银行格尔木营业管理部"))
    assert judge(question, result("发展和改革委员会、人民银行格尔木营业管理部", (25,))).passed
    assert not judge(question, result("市发展和改革委员会", (25,))).passed
    assert not judge(question, result("市发展和改革委员会、中国人民银行格尔木营业管理部", (26,))).passed


def test_by_unit_needs_every_gold_clause_and_80_percent_precision():
    question = q(type="by_unit", gold_clauses=(1, 2, 3, 4))
    assert judge(question, result("", (1, 2, 3, 4))).passed
    assert judge(question, result("", (1, 2, 3, 4, 9))).passed  # 4/5 = 80%
    assert not judge(question, result("", (1, 2, 3, 4, 9, 10))).passed
    assert not judge(question, result("", (1, 2, 3))).passed


def test_fact_ignores_whitespace_and_needs_a_gold_citation_when_there_is_one():
    question = q(gold_clauses=(18,), answer_contains=("50%以上",))
    assert judge(question, result("更新率达 50% 以上", (18,))).passed
    assert not judge(question, result("更新率达50%以上", (21,))).passed
    assert judge(q(answer_contains=("2025年4月17日",)), result("2025年 4月 17日", ())).passed


def test_refusals():
    assert judge(q(type="out_of_scope", answerable=False), result(refused=True)).passed
    assert not judge(q(type="out_of_scope", answerable=False), result("答案", (1,))).passed
    assert not judge(q(answer_contains=("x",)), result("x", refused=True)).passed


def test_ranking_metrics():
    assert reciprocal_rank([3, 7, 9], {7}) == 0.5
    assert recall_at_k([3, 7, 9], {7, 9, 11}, 2) == pytest.approx(1 / 3)
    assert percentile([1, 2, 3, 4, 100], 50) == 3


def test_dataset_validation_names_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "type": "nonsense", "question": "?", "gold_clauses": [], "gold_units": [], "answer_contains": [], "answerable": true}\n')
    with pytest.raises(DatasetError, match="bad.jsonl:1"):
        load_dataset(bad)


@pytest.mark.slow
def test_golden_figures_on_a_fixed_subset(settings, tmp_path, capsys):
    """Five questions planqa answers correctly and one (t6, a deliberately wrong gold unit) it must fail."""
    from eval.run import evaluate

    out = tmp_path / "results.jsonl"
    figures = evaluate(SUBSET, out, settings, k=5, report=tmp_path / "report")
    planqa = figures[0]
    assert planqa["questions"] == 6
    assert planqa["pass_rate"] == pytest.approx(5 / 6)
    assert planqa["by_type_counts"] == {"by_unit": "1/1", "eligibility": "1/1", "fact": "1/1", "out_of_scope": "1/1", "responsibility": "1/2"}
    assert planqa["false_refusal_rate"] == 0.0
    assert planqa["recall_at_k"] == 1.0 and planqa["mrr"] == 1.0
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [row["id"] for row in lines if not row["passed"]] == ["t6"]
    assert set(lines[0]) >= {"id", "question", "answer", "citations", "refused", "latency_ms"}
    assert (tmp_path / "report" / "report.md").exists() and (tmp_path / "report" / "accuracy_by_type.png").stat().st_size > 1000
    assert "t6" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["dev", "heldout", "probe"])
def test_shipped_question_sets_are_valid(name, plan):
    """Every shipped set parses; its strings occur in the plan and its gold units match the parsed clauses."""
    questions = load_dataset(Path(__file__).resolve().parents[2] / "eval" / "data" / f"{name}.jsonl")
    assert len({q.id for q in questions}) == len(questions)
    flat = "".join(plan.text.split())
    units = {c.number: c.unit_names for c in plan.clauses}
    for q in questions:
        for s in q.answer_contains:
            assert "".join(s.split()) in flat, (q.id, s)
        if q.type == "responsibility":
            assert tuple(q.gold_units) == units[q.gold_clauses[0]], q.id
        if q.type == "by_unit":
            assert q.gold_clauses and all(1 <= c <= 29 for c in q.gold_clauses), q.id


def test_topic_needs_every_gold_clause_and_60_percent_precision():
    question = q(type="topic", gold_clauses=(1, 5, 24))
    assert judge(question, result("", (1, 5, 24))).passed
    assert judge(question, result("", (1, 5, 24, 9, 19))).passed  # 3/5 = 60%
    assert not judge(question, result("", (1, 5, 24, 9, 19, 2))).passed
    assert not judge(question, result("", (1, 5))).passed


def test_optional_fields_and_history_load(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(
        json.dumps({"id": "c1", "type": "topic", "question": "那公租房呢？", "gold_clauses": [8], "answerable": True, "history": ["谁负责随迁子女教育？"]}, ensure_ascii=False)
        + "\n",
        "utf-8",
    )
    (question,) = load_dataset(path)
    assert question.gold_units == () and question.answer_contains == () and question.history == ("谁负责随迁子女教育？",)
    path.write_text(json.dumps({"id": "c2", "type": "fact", "question": "?", "gold_clauses": [], "answerable": True, "history": "no"}) + "\n", "utf-8")
    with pytest.raises(DatasetError, match="history"):
        load_dataset(path)


def test_first_line_figure_counts_only_a_short_first_line_holding_every_fragment():
    from eval.score import Summary, first_line_holds

    assert first_line_holds("老旧管网更新率达50%以上。（格政办发〔2025〕25号 五（十八））\n依据…", ["50%"])
    assert not first_line_holds("依据…\n老旧管网更新率达50%以上。", ["50%"])
    assert not first_line_holds("50%" + "长" * 120, ["50%"])
    summary = Summary("planqa")
    fact = q(type="fact", answer_contains=("50%",))
    summary.add(fact, judge(fact, result("达50%以上。\n依据", (18,))), result("达50%以上。\n依据", (18,)), None, 5)
    summary.add(fact, judge(fact, result("依据\n达50%以上。", (18,))), result("依据\n达50%以上。", (18,)), None, 5)
    figures = summary.figures()
    assert figures["lead_first_line"] == 0.5 and figures["median_fact_answer_chars"] == 10
