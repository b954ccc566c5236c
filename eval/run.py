"""Run a question set through the assistant (and optionally the baseline), score, and report."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from assistant.settings import Settings
from eval.dataset import Question, load_dataset
from eval.score import Summary, judge


class _Drops(logging.Handler):
    """Counts the citation check's drops (assistant/verify.py logs each quote or lead it removes)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.getMessage().startswith("dropped ")


def run_assistant(assistant: Assistant, questions: list[Question], k: int) -> tuple[list[dict[str, Any]], Summary, list[dict[str, Any]]]:
    """Results lines, the summary, and the failures, for planqa itself (same path as `planqa ask`)."""
    results, failures = [], []
    summary = Summary("planqa")
    drops = _Drops()
    verify_log = logging.getLogger("assistant.verify")
    verify_log.addHandler(drops)
    try:
        _run(assistant, questions, k, summary, results, failures)
    finally:
        verify_log.removeHandler(drops)
    summary.verifier_drops = drops.count
    return results, summary, failures


def _run(
    assistant: Assistant, questions: list[Question], k: int, summary: Summary, results: list[dict[str, Any]], failures: list[dict[str, Any]]
) -> None:
    for q in questions:
        answer = assistant.ask(q.question, k, history=conversation(assistant, q.history, k))
        result = {"id": q.id, **answer.to_json()}
        # Recall and MRR come from the hits of the pipeline that answered; a structured answer (no
        # search) ranks the clauses it cites.
        ranking = [h.part.number for h in answer.hits[:k]] or [c.clause for c in answer.citations]
        verdict = judge(q, result)
        summary.add(q, verdict, result, ranking, k)
        summary.decided(evidence_kind(assistant, answer))
        results.append({**result, "type": q.type, "passed": verdict.passed, "class": verdict.kind, "reason": verdict.reason})
        if not verdict.passed:
            failures.append({"id": q.id, "type": q.type, "question": q.question, "class": verdict.kind, "reason": verdict.reason})


def evidence_kind(assistant: Assistant, answer: Any) -> str:
    """Which evidence decided an answer searched from the documents (exact words, a kind of expansion,
    the embeddings) or why one was refused (not covered / weak); '' for answers from the records. The
    same hits the answer came from are assessed again (assistant/evidence.py)."""
    from assistant.evidence import assess

    if not answer.hits or answer.query is None or not hasattr(answer.query, "search_text"):
        return ""
    try:
        evidence = assess(assistant.knowledge, answer.query, list(answer.hits))
    except Exception:  # a question shape assess cannot read: not counted
        return ""
    if evidence.ok:
        return evidence.decided_by or "exact"
    return "refused: not covered" if not evidence.covered else "refused: weak"


def conversation(assistant: Assistant, earlier: tuple[str, ...], k: int) -> list[dict[str, str]]:
    """Ask the earlier questions in order, as one conversation; the messages so far, OpenAI style."""
    messages: list[dict[str, str]] = []
    for question in earlier:
        answer = assistant.ask(question, k, history=list(messages))
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]
    return messages


def run_baseline(settings: Settings, questions: list[Question], k: int) -> Summary:
    """The plain LangChain RAG, scored by the same rules."""
    from eval.baseline import BaselineRAG

    rag = BaselineRAG(settings)
    summary = Summary("baseline RAG")
    for q in questions:
        result = rag.ask(q.question)
        summary.add(q, judge(q, result), result, rag.ranking(q.question, k), k)
    return summary


def evaluate(
    dataset: Path, output: Path, settings: Settings, k: int = 5, baseline: bool = False, report: Path | None = None
) -> list[dict[str, Any]]:
    """The whole evaluation; returns the figures of each system."""
    from eval.report import table, write_report

    questions = load_dataset(dataset)
    assistant = Assistant.from_settings(settings, build_if_missing=True)
    results, summary, failures = run_assistant(assistant, questions, k)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as handle:
        for row in results:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    figures = [summary.figures()]
    if baseline:
        figures.append(run_baseline(settings, questions, k).figures())
    print(table(figures))
    if failures:
        print(f"\n{len(failures)} failing:")
        for f in failures:
            print(f"  {f['id']} [{f['type']}] ({f['class']}) {f['question']} — {f['reason']}")
    if report is not None:
        path = write_report(report, figures, failures, str(dataset), k)
        print(f"\nreport: {path}")
    return figures
