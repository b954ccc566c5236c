"""Scoring rules: a question passes or fails on what the answer says and cites. Pure functions."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.dataset import Question

PLAN = "格政办发〔2025〕25号"
BY_UNIT_PRECISION = 0.8
TOPIC_PRECISION = 0.6


def squash(text: str) -> str:
    """Comparisons ignore whitespace."""
    return re.sub(r"\s+", "", text or "")


def unit_forms(unit: str) -> list[str]:
    """Ways a unit may appear in an answer: as written, without its leading 市, 人民银行 for 中国人民银行."""
    forms = [unit]
    if unit.startswith("市") and len(unit) > 2:
        forms.append(unit[1:])
    if unit.startswith("中国人民银行"):
        forms.append(unit[2:])
    return forms


def cited_clauses(result: dict[str, Any], doc: str | None) -> list[int]:
    """Clause numbers the answer cites in the question's document (the plan by default)."""
    want = doc or PLAN
    return [c["clause"] for c in result.get("citations", []) if c.get("clause") is not None and c.get("doc", want) == want]


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str
    cited: tuple[int, ...] = ()
    precision: float | None = None


def judge(q: Question, result: dict[str, Any]) -> Verdict:
    """Apply the rules of the question's type to one results line."""
    refused = bool(result.get("refused"))
    answer = squash(result.get("answer", ""))
    cited = cited_clauses(result, q.doc)
    gold = set(q.gold_clauses)
    precision = (sum(c in gold for c in cited) / len(cited)) if cited and gold else None
    if q.type == "out_of_scope" or not q.answerable:
        return Verdict(refused, "refused" if refused else "answered an out-of-scope question", tuple(cited), precision)
    if refused:
        return Verdict(False, "refused an answerable question", tuple(cited), precision)
    if q.type == "responsibility":
        if not gold & set(cited):
            return Verdict(False, f"cites {cited}, not a gold clause {sorted(gold)}", tuple(cited), precision)
        missing = [u for u in q.gold_units if not any(squash(f) in answer for f in unit_forms(u))]
        return Verdict(not missing, f"missing units {missing}" if missing else "ok", tuple(cited), precision)
    if q.type in ("by_unit", "topic"):
        # Listings: every gold clause cited, and few others (by_unit ≥ 80 %, topic ≥ 60 % of the cited are gold).
        missing = sorted(gold - set(cited))
        if missing:
            return Verdict(False, f"misses gold clauses {missing}", tuple(cited), precision)
        floor = BY_UNIT_PRECISION if q.type == "by_unit" else TOPIC_PRECISION
        ok = precision is not None and precision >= floor
        return Verdict(ok, "ok" if ok else f"precision {precision} below {floor}", tuple(cited), precision)
    absent = [s for s in q.answer_contains if squash(s) not in answer]
    if absent:
        return Verdict(False, f"answer lacks {absent}", tuple(cited), precision)
    if gold and not gold & set(cited):
        return Verdict(False, f"cites {cited}, not a gold clause {sorted(gold)}", tuple(cited), precision)
    return Verdict(True, "ok", tuple(cited), precision)


LEAD_LIMIT = 100


def first_line_holds(answer: str, fragments: Sequence[str]) -> bool:
    """Whether the answer's first line is at most LEAD_LIMIT characters and holds every fragment."""
    first = answer.split("\n", 1)[0]
    return len(first) <= LEAD_LIMIT and all(squash(f) in squash(first) for f in fragments)


def reciprocal_rank(ranking: Sequence[int | None], gold: set[int]) -> float:
    for i, clause in enumerate(ranking, 1):
        if clause in gold:
            return 1.0 / i
    return 0.0


def recall_at_k(ranking: Sequence[int | None], gold: set[int], k: int) -> float:
    return len(gold & set(c for c in ranking[:k] if c is not None)) / len(gold) if gold else 0.0


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[idx]


@dataclass
class Summary:
    """Figures for one system over one question set."""

    name: str
    total: int = 0
    passed: int = 0
    by_type: dict[str, list[int]] = field(default_factory=dict)
    recall: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)
    precisions: list[float] = field(default_factory=list)
    false_refusals: int = 0
    answerable: int = 0
    latencies: list[float] = field(default_factory=list)
    lead_checked: int = 0  # answered fact / eligibility questions with answer_contains
    lead_holds: int = 0  # … whose first line (≤ LEAD_LIMIT characters) holds every fragment
    lengths: dict[str, list[int]] = field(default_factory=dict)

    def add(self, q: Question, verdict: Verdict, result: dict[str, Any], ranking: Sequence[int | None] | None, k: int) -> None:
        self.total += 1
        self.passed += verdict.passed
        counts = self.by_type.setdefault(q.type, [0, 0])
        counts[0] += verdict.passed
        counts[1] += 1
        if q.answerable:
            self.answerable += 1
            self.false_refusals += bool(result.get("refused"))
        if verdict.precision is not None:
            self.precisions.append(verdict.precision)
        if ranking is not None and q.gold_clauses and q.type != "by_unit":
            gold = set(q.gold_clauses)
            self.recall.append(recall_at_k(ranking, gold, k))
            self.rr.append(reciprocal_rank(ranking, gold))
        self.latencies.append(float(result.get("latency_ms", 0.0)))
        answer = result.get("answer", "") or ""
        if not result.get("refused"):
            self.lengths.setdefault(q.type, []).append(len(answer))
            if q.type in ("fact", "eligibility") and q.answerable and q.answer_contains:
                self.lead_checked += 1
                self.lead_holds += first_line_holds(answer, q.answer_contains)

    def figures(self) -> dict[str, Any]:
        mean = lambda xs: statistics.fmean(xs) if xs else 0.0  # noqa: E731
        return {
            "system": self.name,
            "questions": self.total,
            "pass_rate": self.passed / self.total if self.total else 0.0,
            "by_type": {t: c[0] / c[1] for t, c in sorted(self.by_type.items())},
            "by_type_counts": {t: f"{c[0]}/{c[1]}" for t, c in sorted(self.by_type.items())},
            "recall_at_k": mean(self.recall),
            "mrr": mean(self.rr),
            "citation_precision": mean(self.precisions),
            "false_refusal_rate": self.false_refusals / self.answerable if self.answerable else 0.0,
            "lead_first_line": self.lead_holds / self.lead_checked if self.lead_checked else 0.0,
            "median_answer_chars": statistics.median([n for ns in self.lengths.values() for n in ns]) if self.lengths else 0,
            "median_fact_answer_chars": statistics.median(self.lengths["fact"]) if self.lengths.get("fact") else 0,
            "latency_p50_ms": percentile(self.latencies, 50),
            "latency_p95_ms": percentile(self.latencies, 95),
        }
