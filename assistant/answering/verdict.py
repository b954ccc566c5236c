"""Yes or no for a yes/no question answered from a passage: the evidence either states the figure the
question asserts (是) or another figure of the same kind (否), rules out what the question asserts
(不得以退出…作为条件 against 必须先退出…吗: 否), or states it (是)."""

from __future__ import annotations

import re

from assistant.reading.grammar import Sentence
from assistant.reading.planner import negations

FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(%|％|万|亿|年|个|所|项|户|人|公里|平方米|小时|天)")
NEAR = 16  # characters after a prohibition in which the asserted words must stand


def polar(question: str) -> bool:
    """Whether the question asks yes or no (and not which / who / how many)."""
    s = Sentence.of(question)
    wh = s.has("ask", "which", prefix=True) or s.has("ask", "who") or s.has("ask", "count", prefix=True)
    return bool(s.polar()) and not wh


def verdict(question: str, evidence: str, topic_words: list[str]) -> bool:
    """Whether the evidence says yes to the question."""
    asked = {(float(v), u.replace("％", "%")) for v, u in FIGURE.findall(question)}
    if asked:
        stated = {(float(v), u.replace("％", "%")) for v, u in FIGURE.findall(evidence)}
        if asked & stated:
            return True
        if {u for _, u in asked} & {u for _, u in stated}:
            return False
    s = Sentence.of(question)
    if not negations(s):
        e = Sentence.of(evidence)
        for at, word in e.find("polarity", "prohibition"):
            window = evidence[at + len(word) : at + len(word) + NEAR]
            if any(w in window for w in topic_words):
                return False
    return True
