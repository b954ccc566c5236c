"""Pointing back in a conversation, read from the question grammar: a demonstrative with an optional
count and a noun of the records (这一条, 那项任务, 这两条, 该部门, 这部分, 那个文件, this clause),
a pronoun (它, 他们, they), a leading scope (其中, 在这些条款里, among them), an ordinal pick (第二个,
the second one), an elliptical follow-up (那X呢？, what about X?) and a new subject (换个话题).

The words are the grammar's (assistant/data/grammar.toml: scope, noun, dialogue); what they point at is
decided by the conversation (assistant/conversation.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.entities import chinese_number
from assistant.reading.grammar import FINAL_PARTICLES, Sentence, words

Kind = Literal["unit", "clause", "part", "document"]
COUNTS = "一两俩二三四五六七八九十几"
MEASURES = "个些份"
ENGLISH_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)个")
ORDINAL_ITEM = re.compile(r"第([一二三四五六七八九十\d]+)[条项]")
ENGLISH_ORDINAL = re.compile(r"\b([a-z]+) one\b", re.I)
PUNCTUATION = "，,、：: "


@dataclass(frozen=True)
class Pointer:
    """A stretch of the question that points at something earlier: what kind of record, how many."""

    start: int
    end: int
    kind: Kind
    count: int = 0  # 这两条 → 2; 0 when not said
    plural: bool = False

    def span(self, text: str) -> str:
        return text[self.start : self.end]


def _nouns() -> list[tuple[str, Kind]]:
    """Every noun a pointer may end in, longest first (任务 before 任, 部门 before 部)."""
    nouns: list[tuple[str, Kind]] = [(n, "unit") for n in words("noun", "units") + words("ask", "org_classifier")]
    nouns += [(n, "clause") for n in words("noun", "clauses")]
    nouns += [(n, "part") for n in words("noun", "parts")]
    nouns += [(n, "document") for n in words("noun", "documents") + words("dialogue", "documents")]
    return sorted(nouns, key=lambda nk: -len(nk[0]))


def _demonstratives() -> tuple[str, ...]:
    return tuple(sorted(words("scope", "demonstratives") + words("dialogue", "earlier"), key=len, reverse=True))


def pointers(s: Sentence) -> list[Pointer]:
    """Demonstrative + count + noun (这一条, 上面两项, 刚才那项任务, 该局, 这部分, this department), in reading order."""
    found: list[Pointer] = []
    demonstratives = _demonstratives()
    for token, start in zip(s.tokens, s.starts):
        if token.isascii():
            continue
        d = next((d for d in demonstratives if not d.isascii() and token.startswith(d)), "")
        if any(p.start <= start < p.end for p in found):
            continue
        pointer = _pointer_at(s, start, len(d), demonstratives) if d else None
        if pointer is None and token[0] in "两俩":  # 两个部门: the two just named, without a demonstrative
            pointer = _pointer_at(s, start, 0, demonstratives)
            pointer = pointer if pointer is not None and pointer.kind == "unit" else None
        if pointer is not None:
            found.append(pointer)
    plural = {w for w in words("scope", "previous") if w.isascii() and " " not in w}  # these, those
    for m in re.finditer(r"\b([a-z]+)\s+(?=([a-z]+))", s.lower):  # every pair of words, overlapping
        if m.group(1) not in plural and m.group(1) not in demonstratives:
            continue
        kind = next((k for n, k in _nouns() if n.isascii() and m.group(2).rstrip("s") == n.rstrip("s")), None)
        if kind is not None:
            found.append(Pointer(m.start(), m.end() + len(m.group(2)), kind, plural=m.group(1) in plural))
    return sorted(found, key=lambda p: p.start)


def _pointer_at(s: Sentence, start: int, length: int, demonstratives: tuple[str, ...]) -> Pointer | None:
    text = s.text
    ends = {at + len(t) for t, at in zip(s.tokens, s.starts)}
    at = start + length
    while True:  # 刚才那条: a demonstrative of the conversation, then one of the text
        d = next((d for d in demonstratives if not d.isascii() and text.startswith(d, at)), "")
        if not d:
            break
        at += len(d)
    counted = at
    while at < len(text) and text[at] in COUNTS + MEASURES:
        at += 1
    said = text[counted:at].rstrip(MEASURES).replace("俩", "两")
    count = (chinese_number(said) or 0) if said not in ("", "一") else 0  # 这一条 is one; 这几条 says no number
    plural = any(ch in "些几" for ch in text[counted:at]) or count > 1
    for noun, kind in _nouns():
        if not noun.isascii() and text.startswith(noun, at):
            end = at + len(noun)
            if kind == "clause":  # 那项任务: the classifier, then the noun it counts
                end += next((len(n) for n, k in _nouns() if k == "clause" and len(n) > 1 and text.startswith(n, end)), 0)
            # The noun ends a word, or a classifier stands where one is expected (这条列了: jieba's 条列 aside);
            # after a measure word it begins a noun of its own (这个项目).
            if end in ends or (len(noun) == 1 and not any(ch in MEASURES for ch in text[counted:at])):
                return Pointer(start, end, kind, count or 0, plural)
    return None


def pronoun(s: Sentence) -> Pointer | None:
    """它 / 他们 / they / both: the first pronoun, plural or not."""
    plural = s.find("dialogue", "plural")
    single = [(at, w) for at, w in s.find("dialogue", "pronoun") if not any(a <= at < a + len(p) for a, p in plural)]
    found = sorted([(at, w, True) for at, w in plural] + [(at, w, False) for at, w in single])
    if not found:
        return None
    at, word, many = found[0]
    end = at + len(word)
    if s.text[end : end + 1] in ("两", "俩"):  # 他们俩, 它们两个: the count of two belongs to the pronoun (not 一 of 一共)
        end += 1 + (s.text[end + 1 : end + 2] in MEASURES and end + 1 < len(s.text))
    return Pointer(at, end, "unit", plural=many or end > at + len(word))


def among(s: Sentence) -> Pointer | None:
    """他们当中 / 这些部门里的: a plural pointer at departments followed by a localizer."""
    candidates = [p for p in pointers(s) if p.kind == "unit" and p.plural]
    plural = pronoun(s)
    if plural is not None and plural.plural:
        candidates.append(plural)
    for p in sorted(candidates, key=lambda p: p.start):
        local = _localizer_at(s.text, p.end)
        if local:
            end = p.end + len(local)
            end += 1 if s.text.startswith("的", end) else 0
            return Pointer(p.start, end, "unit", plural=True)
    return None


def _localizer_at(text: str, at: int) -> str:
    return next(
        (w for w in sorted(words("dialogue", "localizers"), key=len, reverse=True) if not w.isascii() and text.startswith(w, at)), ""
    )


def leading_scope(s: Sentence) -> tuple[int, int] | None:
    """A scope over the last answer (其中, 这其中, 在这些条款里, 这些任务中; among them, of these): where it
    stands, or None. A Chinese one opens the question; 这些 needs its localizer (这些任务中)."""
    previous = s.find("scope", "previous")
    if not previous:
        return None
    at, word = previous[0]
    head = s.text[:at].strip().lower()
    if word.isascii():
        before = head.split()[-1] if head.split() else ""
        if " " not in word and before not in words("dialogue", "localizers"):
            return None
        start = at - len(before) - 1 if " " not in word else at
        return start, _past_punctuation(s.text, at + len(word))
    if head not in ("", "在", "这"):
        return None
    end = at + len(word)
    for p in pointers(s):  # 这些条款: the pointer's noun belongs to the scope
        if p.start <= at < p.end:
            end = max(end, p.end)
    local = _localizer_at(s.text, end)
    if not local and word != "其中":
        return None
    return 0, _past_punctuation(s.text, end + len(local))


def _past_punctuation(text: str, at: int) -> int:
    while at < len(text) and text[at] in PUNCTUATION:
        at += 1
    return at


def ordinal(s: Sentence) -> tuple[str, int] | None:
    """第二个 / 其中第二条 / the second one: the words and the number, or None."""
    m = ORDINAL.search(s.text)
    if m is None and leading_scope(s) is not None:
        m = ORDINAL_ITEM.search(s.text)
    if m is not None:
        return m.group(0), chinese_number(m.group(1))
    e = ENGLISH_ORDINAL.search(s.text)
    if e and e.group(1).lower() in ENGLISH_ORDINALS:
        return e.group(0), ENGLISH_ORDINALS[e.group(1).lower()]
    return None


def fresh(s: Sentence) -> str:
    """The question without the words that start a new subject (换个话题, new question), or '' when it has none."""
    found = s.find("dialogue", "fresh")
    if not found:
        return ""
    text = s.text
    for _, word in sorted(found, reverse=True):
        at = text.lower().find(word)
        text = text[:at] + text[at + len(word) :]
    return text.strip(" ，,。：:") or s.text


def without_openers(text: str) -> tuple[str, bool]:
    """The text less the openers of an elliptical follow-up (那, 还有，那, and what about), and whether it had any."""
    openers = sorted(words("dialogue", "openers"), key=len, reverse=True)
    had = False
    while True:
        low = text.lower()
        w = next((w for w in openers if low.startswith(w) and (low[len(w) : len(w) + 1].isspace() if w.isascii() else _opens(text, w))), "")
        if not w:
            return text, had
        text, had = text[len(w) :].lstrip(" ，,"), True


def _opens(text: str, word: str) -> bool:
    """那 as an opener (那公租房呢, 那市统计局呢), not as the demonstrative of a pointer (那个文件, 那项任务)."""
    return text[len(word) : len(word) + 1] not in COUNTS + MEASURES and not any(p.start == 0 for p in pointers(Sentence.of(text)))


def ellipsis(s: Sentence) -> str:
    """那X呢？ / X呢？ / what about X?: X, or '' when the question is not elliptical."""
    body, opened = without_openers(s.text.strip())
    body = body.rstrip("？?。.! ")
    closed = ""
    for w in sorted(words("dialogue", "closers"), key=len, reverse=True):
        if body.endswith(w):
            body, closed = body[: -len(w)].rstrip(), w
            break
    marked = opened or closed == words("dialogue", "closers")[0]  # 呢 marks it; 怎么样 alone does not
    return body.strip(" ，,的") if marked else ""


def asks(x: str) -> bool:
    """Whether a stretch holds a question word (哪, 什么, 谁, 几, 怎么, how …)."""
    s = Sentence.of(x)
    return any(s.has("ask", role, prefix=True) for role in ("which", "who", "count")) or s.has("dialogue", "manner") or bool(s.polar())


def more(s: Sentence) -> bool:
    """还有呢？ / 其他的呢 / anything else?: nothing but a request for more of the same."""
    found = s.find("dialogue", "more")
    if not found:
        return False
    rest = s.lower
    for _, w in sorted(found, key=lambda f: -len(f[1])):
        rest = rest.replace(w, "")
    left = Sentence.of(rest)
    return all(t.startswith(words("ask", "which")) or all(ch in FINAL_PARTICLES + "的？?" for ch in t) for t in left.tokens)


def inside(s: Sentence) -> Pointer | None:
    """里面 / 这里面: inside what the last answer cited."""
    found = s.find("dialogue", "inside")
    if not found:
        return None
    at, word = found[0]
    start = at - 1 if at and s.text[at - 1] in "这那" else at
    return Pointer(start, at + len(word), "clause")
