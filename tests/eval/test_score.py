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
    bad.write_text(
        '{"id": "a", "type": "nonsense", "question": "?", "gold_clauses": [], "gold_units": [], "answer_contains": [], "answerable": true}\n'
    )
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
    assert planqa["by_type_counts"] == {
        "by_unit": "1/1",
        "eligibility": "1/1",
        "fact": "1/1",
        "out_of_scope": "1/1",
        "responsibility": "1/2",
    }
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
        json.dumps(
            {
                "id": "c1",
                "type": "topic",
                "question": "那公租房呢？",
                "gold_clauses": [8],
                "answerable": True,
                "history": ["谁负责随迁子女教育？"],
            },
            ensure_ascii=False,
        )
        + "\n",
        "utf-8",
    )
    (question,) = load_dataset(path)
    assert question.gold_units == () and question.answer_contains == () and question.history == ("谁负责随迁子女教育？",)
    path.write_text(
        json.dumps({"id": "c2", "type": "fact", "question": "?", "gold_clauses": [], "answerable": True, "history": "no"}) + "\n", "utf-8"
    )
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


def test_check_needs_the_expected_yes_or_no_first_and_a_gold_citation():
    question = q(type="check", expect="yes", gold_clauses=(8,))
    assert judge(question, result("是。灵活就业人员可以缴存住房公积金。\n依据…", (8,))).passed
    assert judge(question, result("Yes. 灵活就业人员…", (8,))).passed
    said_no = judge(question, result("否。\n…", (8,)))
    assert not said_no.passed and said_no.kind == "wrong"
    assert judge(question, result("是。", (9,))).kind == "wrong"
    assert judge(question, result("灵活就业人员可以缴存。", (8,))).kind == "incomplete"
    assert judge(q(type="check", expect="no"), result("No, the plan does not say so.", ())).passed
    assert judge(question, result(refused=True)).kind == "false refusal"


def test_count_reads_arabic_and_chinese_numerals_but_not_the_source_path():
    from eval.score import chinese_number, numbers_in, strip_sources

    assert chinese_number("十二") == 12 and chinese_number("两百零三") == 203 and chinese_number("一万二千") == 12000
    assert numbers_in("共有１２项，另有七个") == {12, 7}
    assert numbers_in(strip_sources("共5项（格政办发〔2025〕25号 五（十八））")) == {5}
    question = q(type="count", expect=12, gold_clauses=(3, 4))
    assert judge(question, result("市水利局参与十二项任务。\n…", (3, 4))).passed
    assert judge(question, result("共12项。", (3, 4))).passed
    assert judge(question, result("共120项。", (3, 4))).kind == "wrong"
    assert judge(question, result("共12项。", (3,))).kind == "incomplete"
    assert judge(question, result("见下列条款。", (3, 4))).kind == "incomplete"
    assert judge(question, result("见（格政办发〔2025〕25号 三（十二））", (3, 4))).kind == "incomplete"  # a path is no count


def test_none_passes_a_refusal_or_a_negative_first_line_only():
    question = q(type="none", gold_clauses=())
    assert judge(question, result(refused=True)).passed
    assert judge(question, result("没有，方案未提及公共厕所；最接近的是…", (18,))).passed
    assert judge(question, result("The plan does not mention public toilets.", ())).passed
    wrong = judge(question, result("推进功能复合的城市更新。", (17,)))
    assert not wrong.passed and wrong.kind == "wrong"


def test_failure_classes_and_the_confident_wrong_rate():
    from eval.score import Summary

    summary = Summary("planqa")
    cases = [
        (q(gold_clauses=(18,), answer_contains=("50%",)), result("50%以上", (18,))),  # pass
        (q(gold_clauses=(18,), answer_contains=("50%",)), result(refused=True)),  # false refusal
        (q(gold_clauses=(18,), answer_contains=("50%",)), result("充电桩", (23,))),  # wrong: no gold clause
        (q(gold_clauses=(18,), answer_contains=("50%",)), result("改造", (18,))),  # incomplete: gold cited, fragment absent
        (q(type="out_of_scope", answerable=False), result("答案", (1,))),  # wrong: answered
    ]
    kinds = []
    for question, res in cases:
        verdict = judge(question, res)
        kinds.append(verdict.kind)
        summary.add(question, verdict, res, None, 5)
    assert kinds == ["pass", "false refusal", "wrong", "incomplete", "wrong"]
    figures = summary.figures()
    assert figures["confident_wrong_rate"] == pytest.approx(2 / 5)
    assert figures["failure_classes"] == {"false refusal": 1, "wrong": 2, "incomplete": 1}


def test_new_types_load_with_expect_and_note(tmp_path):
    path = tmp_path / "set.jsonl"
    rows = [
        {"id": "k1", "type": "check", "question": "?", "gold_clauses": [8], "answerable": True, "expect": "Yes", "note": "x"},
        {"id": "k2", "type": "count", "question": "?", "gold_clauses": [], "answerable": True, "expect": 12},
        {"id": "k3", "type": "none", "question": "?", "gold_clauses": [], "answerable": True},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert [x.expect for x in load_dataset(path)] == ["yes", 12, None]
    path.write_text(json.dumps({**rows[1], "expect": "twelve"}) + "\n", "utf-8")
    with pytest.raises(DatasetError, match="integer expect"):
        load_dataset(path)
    path.write_text(json.dumps({**rows[0], "expect": "maybe"}) + "\n", "utf-8")
    with pytest.raises(DatasetError, match="yes"):
        load_dataset(path)


def test_compare_lists_questions_whose_class_changed():
    from eval.report import compare

    before = [
        {"id": "a", "type": "fact", "question": "甲", "passed": True},
        {"id": "b", "type": "fact", "question": "乙", "passed": False, "refused": True},
    ]
    after = [
        {"id": "a", "type": "fact", "question": "甲", "passed": False, "class": "wrong", "reason": "cites [3]"},
        {"id": "b", "type": "fact", "question": "乙", "passed": True, "class": "pass"},
    ]
    text = compare(before, after)
    assert text.startswith("2 questions changed class")
    assert "a [fact] pass → wrong: 甲 — cites [3]" in text and "b [fact] false refusal → pass: 乙" in text


def test_the_evidence_that_decided_searched_answers_is_counted_and_printed():
    from eval.report import table
    from eval.score import Summary

    summary = Summary("planqa")
    for kind in ("exact+dense", "exact", "exact+dense", "", "refused: not covered"):
        summary.decided(kind)
    figures = summary.figures()
    assert figures["decided_by"] == {"exact+dense": 2, "exact": 1, "refused: not covered": 1}
    assert "2 exact+dense, 1 exact, 1 refused: not covered" in table([figures])
