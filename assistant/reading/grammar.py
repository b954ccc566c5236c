"""The question grammar: which words of a question play which grammatical role, read from the reviewed
table assistant/data/grammar.toml by one reader.

Chinese entries are matched against jieba's words: a one-character entry must be a word of its own
(不 in 不负责, not in 不断), or, for question words, begin one (哪 in 哪些, 几 in 几项); longer entries
match anywhere. English entries match whole words, case-insensitively.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from index.tokenize import segment

# A yes/no question in the A-not-A form: 是不是, 有没有, 管不管, 负不负责.
A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
CLAUSE_END = re.compile(r"[，,。？?！!；;]")
FINAL_PARTICLES = "吗么呢啊吧了的？?！!。 "
POINTING = "几哪这那每各该此本第一二两三四五六七八九十百多少些"  # what may stand before a classifier that names a record


@cache
def table() -> dict[str, dict[str, tuple[str, ...]]]:
    """assistant/data/grammar.toml, read once: section → role → words."""
    raw = tomllib.loads(resources.files("assistant").joinpath("data/grammar.toml").read_text("utf-8"))
    return {section: {role: tuple(words) for role, words in roles.items()} for section, roles in raw.items()}


def words(section: str, role: str) -> tuple[str, ...]:
    return table()[section][role]


@dataclass(frozen=True)
class Sentence:
    """A question's text with its jieba words, and the offsets where each word starts."""

    text: str
    tokens: tuple[str, ...]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Sentence:
        tokens, starts, at = [], [], 0
        for token in segment(text):
            found = text.find(token, at)
            if found < 0:
                continue
            tokens.append(token)
            starts.append(found)
            at = found + len(token)
        return cls(text, tuple(tokens), tuple(starts))

    @property
    def lower(self) -> str:
        return self.text.lower()

    def find(self, section: str, role: str, prefix: bool = False, inside: bool = False) -> list[tuple[int, str]]:
        """Where the role's words stand in the text, as (offset, word), in reading order. ``prefix``: a
        one-character word may begin a longer one (哪 in 哪些); ``inside``: end one (涨 in 会涨)."""
        found: list[tuple[int, str]] = []
        for word in words(section, role):
            if word.isascii():
                found += [(m.start(), word) for m in re.finditer(rf"(?<![a-z']){re.escape(word)}(?![a-z])", self.lower)]
            elif len(word) > 1:
                found += [(m.start(), word) for m in re.finditer(re.escape(word), self.text)]
            else:
                found += [
                    (s + (len(t) - 1 if inside and t.endswith(word) else 0), word)
                    for t, s in zip(self.tokens, self.starts)
                    if t == word or (prefix and t.startswith(word)) or (inside and t.endswith(word))
                ]
        return sorted(set(found))

    def has(self, section: str, role: str, prefix: bool = False) -> bool:
        return bool(self.find(section, role, prefix))

    def final(self, section: str, role: str) -> str:
        """A role word that ends a clause (the predicate of a question: 方案好不好？, 能按时完成吗？, 会涨吗？), or ''."""
        for at, word in self.find(section, role, inside=True):
            rest = self.text[at + len(word) :]
            tail = CLAUSE_END.split(rest, maxsplit=1)[0]
            if not tail.strip(FINAL_PARTICLES) or tail.strip(FINAL_PARTICLES) in ("得了", "得到"):
                return word
        return ""

    def polar(self) -> str:
        """The word that makes the question a yes/no one (吗, 是否, 是不是, English auxiliary first), or ''."""
        m = A_NOT_A.search(self.text)
        if m:
            return m.group(0)
        for at, word in self.find("ask", "particle"):
            rest = CLAUSE_END.split(self.text[at + len(word) :], maxsplit=1)[0]  # final in its clause (…吗？方案里怎么说？)
            if not rest.strip(FINAL_PARTICLES) and (self.text[at + len(word) : at + len(word) + 1] in "？?" or not self.text[at + len(word) :].strip(FINAL_PARTICLES)):
                return word
        whether = self.find("ask", "whether")
        if whether:
            return whether[0][1]
        first = re.match(r"\s*(?:(?:and|so|but|then|also|ok|okay)[\s,]+)?([a-z']+)", self.lower)  # (and) does it…?
        if first and first.group(1) in words("ask", "polar_en"):
            return first.group(1)
        return ""


@lru_cache(maxsize=4096)
def sentence(text: str) -> Sentence:
    """A question's Sentence, segmented once however often it is read."""
    return Sentence.of(text)


def names(s: Sentence, noun: str) -> bool:
    """Whether the question names a noun of the records (任务, 部门, 部分…): a one-character noun only
    as the end of a word (几条, 这项; not 条件, 项目)."""
    for n in words("noun", noun):
        if n.isascii():
            if re.search(rf"\b{n}", s.lower):
                return True
        elif len(n) > 1:
            if n in s.text:
                return True
        elif any(t == n or (t.endswith(n) and all(ch in POINTING for ch in t[:-1])) for t in s.tokens):
            return True  # 几条, 哪项, 这条, 第三条; not 专项, 条件
    return False
