"""Chinese tokenisation for keyword search: jieba with a user dictionary of units and policy terms."""

from __future__ import annotations

import logging
import re
import threading
from functools import cache, lru_cache
from importlib import resources

from index.units import default_unit_table

_LOCK = threading.Lock()
WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d+(?:\.\d+)?%?")
STOPWORDS = frozenset(
    "的 了 和 与 及 等 是 在 对 把 将 为 以 由 向 从 中 上 下 也 或 并 要 有 个 这 那 其 之 各 吗 呢 吧 啊 么 什么 哪些 哪个 "
    "怎么 怎样 如何 谁 多少 是否 能否 能不能 可以 可不可以 会 不会 请问 一下 方案 文件 规定 里 说 提到 关于 哪 啥 呀 "
    "我 你 他 我们 你们 有没有 没有 负责 部门 单位 哪里 怎么办 需要 应该 知道 告诉".split()
)


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    table = default_unit_table()
    words = set(table.alias_map())
    raw = resources.files("index").joinpath("data/terms.txt").read_text("utf-8")
    words.update(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))
    for word in sorted(words):
        tokenizer.add_word(word, freq=200000)
    return tokenizer


def tokenize(text: str) -> list[str]:
    """Search tokens: jieba words (search mode) plus single characters of unknown words, no stopwords."""
    return list(_tokens(text))


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    # A question's text is tokenised by several stages (search, evidence, lead): once is enough.
    with _LOCK:
        tokenizer = _jieba()
    tokens = []
    for word in tokenizer.cut_for_search(text.lower()):
        word = word.strip()
        if not word or word in STOPWORDS or not WORD.search(word):
            continue
        tokens.append(word)
    return tuple(tokens)


def segment(text: str) -> list[str]:
    """Words in reading order (jieba's precise mode, no overlaps), stopwords kept."""
    return list(_segments(text))


@lru_cache(maxsize=8192)
def _segments(text: str) -> tuple[str, ...]:
    with _LOCK:
        tokenizer = _jieba()
    return tuple(w for w in tokenizer.lcut(text) if w.strip())


@cache
def _tagger():  # type: ignore[no-untyped-def]
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_jieba())


def place_words(text: str) -> tuple[tuple[str, int], ...]:
    """Words jieba's tagger reads as place names (ns), with their offsets; the plan's own terms and
    units are whole words first, so they are never read as places."""
    return _places(text)


def _places(text: str) -> tuple[tuple[str, int], ...]:
    out, at = [], 0
    for word, tag in word_tags(text):
        if tag == "ns":
            out.append((word, at))
        at += len(word)
    return tuple(out)


@lru_cache(maxsize=8192)
def word_tags(text: str) -> tuple[tuple[str, str], ...]:
    """(word, part-of-speech) pairs by jieba's tagger, the plan's terms and units as whole words."""
    with _LOCK:
        tagger = _tagger()
        return tuple((pair.word, pair.flag) for pair in tagger.cut(text))


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each Chinese run, plus Latin words and numbers."""
    out: list[str] = []
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        out.extend([run[i : i + 2] for i in range(len(run) - 1)] or [run])
    out.extend(re.findall(r"[a-z]+|\d+", text.lower()))
    return out


def search_tokens(text: str) -> list[str]:
    """What keyword search indexes: jieba words (exact terms) and character bigrams (recall)."""
    return tokenize(text) + bigrams(text)


def content_terms(text: str) -> list[str]:
    """Distinct content-bearing tokens of a question (for evidence checks)."""
    seen: list[str] = []
    for token in tokenize(text):
        if token not in seen and (len(token) > 1 or token.isdigit()):
            seen.append(token)
    return seen
