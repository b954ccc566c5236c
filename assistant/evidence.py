"""Is there enough evidence to answer? Refusing is better than inventing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.records import Hit
from assistant.route import Routed, has_figure
from index.tokenize import content_terms

# Calibrated on eval/data/dev.jsonl; see README "Refusal".
MIN_DENSE = 0.80
STRONG_DENSE = 0.86
MIN_COVERAGE = 0.5
QUESTION_WORDS = frozenset("请问 一下 哪些 什么 怎么 怎样 如何 多少 是否 能否 可以 能不能 有没有 是不是 具体 主要 相关 情况 问题 工作 内容 方面 要求 规定 方案 文件 格尔木 我市 本市".split())


@dataclass(frozen=True)
class Evidence:
    """How well the best hit supports an answer."""

    ok: bool
    dense: float
    coverage: float
    unknown: tuple[str, ...]
    reason: str


def assess(routed: Routed, hits: list[Hit], vocabulary: str) -> Evidence:
    """Decide whether the top hits support an answer to the routed question."""
    terms = [t for t in content_terms(routed.search_text) if t not in QUESTION_WORDS and not re.fullmatch(r"[a-z]+", t)]
    unknown = tuple(t for t in terms if t not in vocabulary)
    if not hits:
        return Evidence(False, 0.0, 0.0, unknown, "nothing retrieved")
    top = hits[0]
    text = "\n".join(h.part.text for h in hits[:3])
    covered = [t for t in terms if t in text]
    coverage = len(covered) / len(terms) if terms else 0.0
    dense = max(h.dense for h in hits[:3])
    if routed.quantity in ("money", "rate", "people"):
        if not any(has_figure(s.text, routed.quantity) for h in hits[:3] for s in (h.sentences or h.part.sentences)):
            return Evidence(False, dense, coverage, unknown, f"no {routed.quantity} figure in the evidence")
    if dense >= STRONG_DENSE and coverage >= MIN_COVERAGE / 2:
        return Evidence(True, dense, coverage, unknown, "strong dense match")
    if dense >= MIN_DENSE and coverage >= MIN_COVERAGE:
        return Evidence(True, dense, coverage, unknown, "dense and keyword match")
    return Evidence(False, dense, coverage, unknown, f"weak evidence (dense {dense:.3f}, coverage {coverage:.2f}, top {top.part.path})")
