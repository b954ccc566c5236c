"""What an English question is about, read through CC-CEDICT: the dictionary's English senses that the
question uses, each with the Chinese words that carry that sense, kept when the corpus uses one of
them (light rail → 轻轨: absent; salt lake → 盐湖: the plan's). A sense names a concept when its Chinese words
are nouns (公厕, not 申请 for "apply for"), none of its words is one of the grammar's question, relation
or person words (what time, talk about, my wife), and, for a single word, few dictionary entries use
it (subway, hotline; not city, plan, build).

Read only for the focus checks (assistant/answering/focus.py); retrieval keeps the reviewed glossary.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from index.lexical import glossary, senses
from index.tokenize import word_tags

RARE_SENSE_WORD = 20  # a one-word sense used by at most this many entries names a concept (gym 4, subway 10)
MAX_PHRASE = 3  # words in the longest sense phrase looked for


@dataclass(frozen=True)
class EnglishConcept:
    """One sense an English question uses, the corpus words that carry it, and where it starts."""

    phrase: str
    terms: tuple[str, ...]  # corpus words with this sense ('' when none: the corpus lacks the concept)
    at: int


@cache
def _by_sense() -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
    """sense → the Chinese words that have it; sense word → how many entries use it."""
    words: dict[str, set[str]] = defaultdict(set)
    uses: dict[str, set[str]] = defaultdict(set)
    for word, glosses in senses().items():
        for gloss in glosses:
            words[gloss].add(word)
            for token in set(gloss.split()):
                uses[token].add(word)
    return {k: tuple(sorted(v)) for k, v in words.items()}, {k: len(v) for k, v in uses.items()}


NOUN_TAGS = ("n", "vn", "nz", "l", "j")


@cache
def _grammar_words() -> frozenset[str]:
    """Every English word of the grammar's roles (what, is, about, my…): they frame, never name."""
    from assistant.reading.grammar import table

    return frozenset(w for roles in table().values() for ws in roles.values() for p in ws if p.isascii() for w in p.split())


@lru_cache(maxsize=8192)
def _nouns(chinese: tuple[str, ...]) -> bool:
    """Whether most of a sense's Chinese words are nouns by jieba's tags."""
    tagged = [word_tags(w)[-1][1] for w in chinese[:6]]
    return sum(t.startswith(NOUN_TAGS) for t in tagged) * 2 > len(tagged)


FUNCTION_WORD = 1000  # a word this many entries use (for, of, the) is a function word


def _used(word: str, vocabulary: str) -> bool:
    """Whether the corpus uses a Chinese word, or its root when it ends in a noun suffix (枸杞子 → 枸杞)."""
    return word in vocabulary or (len(word) > 2 and word[-1] in "子儿" and word[:-1] in vocabulary)


def _forms(word: str) -> tuple[str, ...]:
    """A word as written, in the singular, and without -ing / -ed (monitoring → monitor)."""
    out = [word, _singular(word)]
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) > len(ending) + 3:
            out += [word[: -len(ending)], word[: -len(ending)] + "e"]
    return tuple(dict.fromkeys(out))


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


@lru_cache(maxsize=2048)
def english_concepts(question: str, vocabulary: str) -> tuple[EnglishConcept, ...]:
    """The concept senses of an English question, longest phrase first at each place, each word once."""
    by_sense, uses = _by_sense()
    plan_terms = glossary()
    tokens = re.findall(r"[a-z]+", question.lower())
    taken: set[int] = set()
    found: list[EnglishConcept] = []
    for size in range(MAX_PHRASE, 0, -1):
        for i in range(len(tokens) - size + 1):
            span = range(i, i + size)
            if taken & set(span):
                continue
            words = tokens[i : i + size]
            if any(w in _grammar_words() for w in words):
                continue
            if size > 1 and uses.get(words[-1], 0) > FUNCTION_WORD:
                continue  # work for, in the: a phrase ends on its head, not a preposition or article
            variants = [" ".join([*words[:-1], v]) for v in _forms(words[-1])]
            phrase = next((v for v in variants if v in by_sense or v in plan_terms), "")
            chinese = tuple(dict.fromkeys(w for v in variants for w in by_sense.get(v, ())))
            if not phrase or (chinese and not _nouns(chinese)):
                continue
            if size == 1 and (uses.get(phrase, 0) > RARE_SENSE_WORD or len(phrase) < 3):
                continue
            own = [w for w in chinese if _used(w, vocabulary)]
            terms = tuple(dict.fromkeys([t for v in variants for t in plan_terms.get(v, ()) if t in vocabulary] + own))
            found.append(EnglishConcept(phrase, terms, i))
            taken |= set(span)
    return tuple(sorted(found, key=lambda c: c.at))


__all__ = ["EnglishConcept", "english_concepts"]
