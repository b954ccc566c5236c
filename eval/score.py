"""Scoring rules: a question passes or fails on what the answer says and cites. Pure functions."""

from __future__ import annotations

import re
import statistics
import unicodedata
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


PASS, FALSE_REFUSAL, WRONG, INCOMPLETE = "pass", "false refusal", "wrong", "incomplete"
CLASSES = (PASS, FALSE_REFUSAL, WRONG, INCOMPLETE)


@dataclass(frozen=True)
class Verdict:
    """Whether one answer passes, why, and its class: a failure is a false refusal, a wrong answer (it cites
    none of the gold clauses or states what the gold does not) or an incomplete one (right but partial)."""

    passed: bool
    reason: str
    cited: tuple[int, ...] = ()
    precision: float | None = None
    kind: str = PASS

    def __post_init__(self) -> None:
        if self.passed and self.kind != PASS:
            object.__setattr__(self, "kind", PASS)
        elif not self.passed and self.kind == PASS:
            object.__setattr__(self, "kind", WRONG)


def judge(q: Question, result: dict[str, Any]) -> Verdict:
    """Apply the rules of the question's type to one results line."""
    refused = bool(result.get("refused"))
    answer = squash(result.get("answer", ""))
    cited = cited_clauses(result, q.doc)
    gold = set(q.gold_clauses)
    precision = (sum(c in gold for c in cited) / len(cited)) if cited and gold else None

    def verdict(passed: bool, reason: str, kind: str = PASS) -> Verdict:
        return Verdict(passed, reason, tuple(cited), precision, kind)

    if q.type == "none":
        return _judge_none(result, refused, verdict)
    if q.type == "out_of_scope" or not q.answerable:
        return verdict(refused, "refused" if refused else "answered an out-of-scope question", WRONG)
    if refused:
        return verdict(False, "refused an answerable question", FALSE_REFUSAL)
    hit_gold = bool(gold & set(cited))
    if q.type == "responsibility":
        if not hit_gold:
            return verdict(False, f"cites {cited}, not a gold clause {sorted(gold)}", WRONG)
        missing = [u for u in q.gold_units if not any(squash(f) in answer for f in unit_forms(u))]
        return verdict(not missing, f"missing units {missing}" if missing else "ok", INCOMPLETE)
    if q.type in ("by_unit", "topic"):
        # Listings: every gold clause cited, and few others (by_unit ≥ 80 %, topic ≥ 60 % of the cited are gold).
        missing = sorted(gold - set(cited))
        if missing:
            return verdict(False, f"misses gold clauses {missing}", INCOMPLETE if hit_gold else WRONG)
        floor = BY_UNIT_PRECISION if q.type == "by_unit" else TOPIC_PRECISION
        ok = precision is not None and precision >= floor
        return verdict(ok, "ok" if ok else f"precision {precision} below {floor}", INCOMPLETE)
    if q.type == "check":
        return _judge_check(q, result, gold, hit_gold, cited, verdict)
    if q.type == "count":
        return _judge_count(q, result, gold, cited, verdict)
    absent = [s for s in q.answer_contains if squash(s) not in answer]
    if gold and not hit_gold:
        return verdict(False, f"cites {cited}, not a gold clause {sorted(gold)}", WRONG)
    if absent:
        return verdict(False, f"answer lacks {absent}", INCOMPLETE if hit_gold else WRONG)
    return verdict(True, "ok")


def first_line(result: dict[str, Any]) -> str:
    """The answer's first line, stripped."""
    return (result.get("answer", "") or "").strip().split("\n", 1)[0].strip()


_YES_NO = re.compile(r"^[\s「“\"'*]*(?:(?P<zh>是|否)|(?P<en>yes|no)\b)", re.IGNORECASE)


def yes_no(line: str) -> str | None:
    """'yes' or 'no' when the line starts with 是 / 否 (or Yes / No), else None."""
    m = _YES_NO.match(line)
    if not m:
        return None
    word = (m.group("zh") or m.group("en")).lower()
    return "yes" if word in ("是", "yes") else "no"


def _judge_check(q: Question, result: dict[str, Any], gold: set[int], hit_gold: bool, cited: list[int], verdict: Any) -> Verdict:
    said = yes_no(first_line(result))
    if said is not None and said != q.expect:
        return verdict(False, f"says {said}, expected {q.expect}", WRONG)
    if gold and not hit_gold:
        return verdict(False, f"cites {cited}, not a gold clause {sorted(gold)}", WRONG)
    if said is None:
        return verdict(False, f"first line does not start with 是/否 (expected {q.expect})", INCOMPLETE)
    return verdict(True, "ok")


def _judge_count(q: Question, result: dict[str, Any], gold: set[int], cited: list[int], verdict: Any) -> Verdict:
    stated = numbers_in(strip_sources(first_line(result)))
    missing = sorted(gold - set(cited))
    if q.expect not in stated:
        if stated or (gold and len(missing) == len(gold)):
            return verdict(False, f"first line states {sorted(stated)}, expected {q.expect}", WRONG)
        return verdict(False, f"first line states no number (expected {q.expect})", INCOMPLETE)
    if missing:
        return verdict(False, f"misses gold clauses {missing}", INCOMPLETE if len(missing) < len(gold) else WRONG)
    return verdict(True, "ok")


_NEGATION = re.compile(r"没有|无|未|不|\b(?:none|no|not)\b", re.IGNORECASE)


def _judge_none(result: dict[str, Any], refused: bool, verdict: Any) -> Verdict:
    """'There is none': a refusal, or a first line that says so (it may then cite what it checked)."""
    if refused:
        return verdict(True, "ok")
    if _NEGATION.search(first_line(result)):
        return verdict(True, "ok")
    return verdict(False, "answered as if there were one (first line is not a negation)", WRONG)


_SOURCE = re.compile(r"[^\s（(，,]*〔\d{4}〕\d+号|[一二三四五六七八九十]*[（(][一二三四五六七八九十百]+[）)]")
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def strip_sources(line: str) -> str:
    """The line without document numbers and clause paths (五（十八）), whose numerals count nothing."""
    return _SOURCE.sub("", line)


def chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral (十二 → 12, 两百零三 → 203, 一万 → 10000), or None."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch] if digit is None else digit * 10 + _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def numbers_in(text: str) -> set[int]:
    """Every whole number the text states, in Arabic digits or Chinese numerals."""
    text = unicodedata.normalize("NFKC", text)
    found = {int(float(m)) for m in _ARABIC.findall(text) if float(m).is_integer()}
    found |= {n for m in _CHINESE.findall(text) if (n := chinese_number(m)) is not None}
    return found


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
    classes: dict[str, int] = field(default_factory=dict)  # failures by class (false refusal, wrong, incomplete)
    verifier_drops: int = 0  # quotes or leads the citation check removed (the composer should write none)
    latencies: list[float] = field(default_factory=list)
    lead_checked: int = 0  # answered fact / eligibility questions with answer_contains
    lead_holds: int = 0  # … whose first line (≤ LEAD_LIMIT characters) holds every fragment
    lengths: dict[str, list[int]] = field(default_factory=dict)
    evidence: dict[str, int] = field(default_factory=dict)  # searched answers by the evidence that decided them

    def decided(self, kind: str) -> None:
        """Count one searched answer under the evidence kind that decided it (assistant/evidence.py)."""
        if kind:
            self.evidence[kind] = self.evidence.get(kind, 0) + 1

    def add(self, q: Question, verdict: Verdict, result: dict[str, Any], ranking: Sequence[int | None] | None, k: int) -> None:
        self.total += 1
        self.passed += verdict.passed
        counts = self.by_type.setdefault(q.type, [0, 0])
        counts[0] += verdict.passed
        counts[1] += 1
        if not verdict.passed:
            self.classes[verdict.kind] = self.classes.get(verdict.kind, 0) + 1
        if q.answerable and q.type != "none":  # for a none question a refusal is a right answer
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
            "verifier_drops": self.verifier_drops,
            "by_type": {t: c[0] / c[1] for t, c in sorted(self.by_type.items())},
            "by_type_counts": {t: f"{c[0]}/{c[1]}" for t, c in sorted(self.by_type.items())},
            "recall_at_k": mean(self.recall),
            "mrr": mean(self.rr),
            "citation_precision": mean(self.precisions),
            "false_refusal_rate": self.false_refusals / self.answerable if self.answerable else 0.0,
            "confident_wrong_rate": self.classes.get(WRONG, 0) / self.total if self.total else 0.0,
            "failure_classes": {k: self.classes.get(k, 0) for k in CLASSES[1:]},
            "decided_by": dict(sorted(self.evidence.items(), key=lambda kv: -kv[1])),
            "lead_first_line": self.lead_holds / self.lead_checked if self.lead_checked else 0.0,
            "median_answer_chars": statistics.median([n for ns in self.lengths.values() for n in ns]) if self.lengths else 0,
            "median_fact_answer_chars": statistics.median(self.lengths["fact"]) if self.lengths.get("fact") else 0,
            "latency_p50_ms": percentile(self.latencies, 50),
            "latency_p95_ms": percentile(self.latencies, 95),
        }
