"""Yes or no for a yes/no question answered from a passage: the evidence either states the figure the
question asserts (是) or another figure of the same kind (否), rules out what the question asserts
(不得以退出…作为条件 against 必须先退出…吗: 否), or states it (是)."""

from __future__ import annotations

import re

from assistant.reading.grammar import Sentence
from assistant.reading.planner import negations

FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(%|％|万|亿|年|个|所|项|户|人|公里|平方米|小时|天)")
NEAR = 16  # characters after a prohibition in which the asserted words must stand
OBJECT = 4  # characters of what a verb acts on that must read the same in the question and the evidence
CLASS = 4  # 词林 code length of a class (Ih03); the next letter is a group within it (Ih03A 扩大, Ih03C 缩小)


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
    if not negations(s) and _reversed(s, evidence):
        return False
    if not negations(s):
        e = Sentence.of(evidence)
        for at, word in e.find("polarity", "prohibition"):
            window = evidence[at + len(word) : at + len(word) + NEAR]
            if any(w in window for w in topic_words):
                return False
    return True


def opposed(a: str, b: str) -> bool:
    """Two words in one 词林 class but in different groups of it, sharing no group and no character:
    opposite directions of one change (扩大 / 缩小, 增加 / 减少, 提高 / 降低), not near-synonyms
    (推进 / 推动 share a group; 支持 / 鼓励 stand in different classes)."""
    from index.lexical import thesaurus_codes

    codes = thesaurus_codes()
    ca, cb = codes.get(a, ()), codes.get(b, ())
    if not ca or not cb or set(a) & set(b):
        return False
    groups = {c[: CLASS + 1] for c in ca} & {c[: CLASS + 1] for c in cb}
    classes = {c[:CLASS] for c in ca} & {c[:CLASS] for c in cb}
    return bool(classes) and not groups


def _reversed(s: Sentence, evidence: str) -> bool:
    """The evidence says the opposite of what the question asserts of the same thing: the question's
    verb and the evidence's differ as opposite directions of one change (缩小 against 扩大), over the
    same words after them (职业院校…招生规模)."""
    for token, at in zip(s.tokens, s.starts):
        if len(token) != 2:
            continue
        thing = s.text[at + 2 : at + 2 + OBJECT]
        if len(thing) < OBJECT or not all("\u4e00" <= ch <= "\u9fff" for ch in thing):
            continue
        for m in re.finditer(re.escape(thing), evidence):
            said = evidence[max(0, m.start() - 2) : m.start()]
            if said != token and opposed(token, said):
                return True
    return False
