"""The task ledger (任务台账) of a part: its quantified targets, time nodes and named projects.

Pure functions over parsed parts, driven by the reviewed vocabulary in data/ledger.toml. Everything
found is verbatim text of one of the part's sentences, with offsets in the document's clean text, so
a ledger never says more than its sentence does.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from index.records import ParsedDocument, Part, Sentence

# Part of the index's build id: a change to the extraction or its vocabulary rebuilds the index.
LEDGER_VERSION = "ledger-v1"
# Parts that carry tasks; the notice and the colophon carry the document's own dates, not tasks.
LEDGER_KINDS = ("preamble", "section", "clause")
PHRASE = re.compile(r"[^，。；：！？,;!?]+")
TimeKind = Literal["date", "recurring", "period", "plan_period"]


@dataclass(frozen=True)
class Target:
    """A quantified target: the figure (value and unit), what it measures, in its phrase and sentence."""

    text: str
    sentence: str
    start: int
    end: int
    value: str
    unit: str
    measure: str


@dataclass(frozen=True)
class TimeNode:
    """A time node: a date or year, a recurring deadline, a period such as 5年内."""

    text: str
    sentence: str
    start: int
    end: int
    kind: TimeKind


@dataclass(frozen=True)
class Project:
    """A named project (…项目 / 工程 / 中心, or a quoted name)."""

    text: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class PartLedger:
    """Everything the ledger holds for one part, in reading order."""

    targets: tuple[Target, ...] = ()
    deadlines: tuple[TimeNode, ...] = ()
    projects: tuple[Project, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.targets or self.deadlines or self.projects)

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "targets": [asdict(t) for t in self.targets],
            "deadlines": [asdict(d) for d in self.deadlines],
            "projects": [asdict(p) for p in self.projects],
        }

    @classmethod
    def from_json(cls, data: dict[str, list[dict[str, Any]]]) -> PartLedger:
        return cls(
            tuple(Target(**t) for t in data.get("targets", ())),
            tuple(TimeNode(**d) for d in data.get("deadlines", ())),
            tuple(Project(**p) for p in data.get("projects", ())),
        )

    def dumps(self) -> str:
        """Compact JSON, as stored in the index beside the part."""
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def loads(cls, raw: str) -> PartLedger:
        return cls.from_json(json.loads(raw))


@dataclass(frozen=True)
class Vocabulary:
    """data/ledger.toml, compiled."""

    time_nodes: tuple[tuple[TimeKind, re.Pattern[str]], ...]
    figure: re.Pattern[str]
    magnitude: re.Pattern[str]
    measure_after: frozenset[str]
    lead_words: tuple[str, ...]
    connectors: tuple[str, ...]
    measure_stop: re.Pattern[str]
    listed_project: re.Pattern[str]
    named_project: re.Pattern[str]
    quoted_project: re.Pattern[str]
    not_figures: tuple[re.Pattern[str], ...]


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Compile the ledger vocabulary (the packaged one unless a path is given)."""
    raw = resources.files("index").joinpath("data/ledger.toml").read_text("utf-8") if path is None else Path(path).read_text("utf-8")
    data = tomllib.loads(raw)
    t, p = data["targets"], data["projects"]
    kinds, lead = _alternatives(p["kinds"]), f"^(?:{_alternatives(p['adverbs'])})*(?:{_alternatives(p['verbs'])})+"
    piece = rf"[^“”、的]{{{p['min_name']},}}?"
    return Vocabulary(
        time_nodes=tuple((kind, re.compile(pattern)) for kind, pattern in data["time_nodes"].items()),  # type: ignore[misc]
        figure=re.compile(
            rf"(?<![\d.A-Za-z第])(?P<value>\d+(?:\.\d+)?)(?P<unit>{_alternatives(t['units'])})(?P<bound>{_alternatives(t['bounds'])})?"
        ),
        magnitude=re.compile(rf"(?P<value>{_alternatives(t['magnitudes'])})(?P<unit>{re.escape(t['magnitude_unit'])})"),
        measure_after=frozenset(t["measure_after"]),
        lead_words=tuple(sorted(t["lead_words"], key=len, reverse=True)),
        connectors=tuple(sorted(t["connectors"], key=len, reverse=True)),
        measure_stop=re.compile(t["measure_stops"]),
        listed_project=re.compile(rf"{lead}(?P<list>[^的]+?)等[^、的\d“”]{{0,{p['max_classifier']}}}?(?:{kinds})"),
        named_project=re.compile(rf"{lead}(?P<name>{piece}(?:、{piece})*(?:{kinds}))"),
        quoted_project=re.compile(rf"“(?P<name>[^“”]+?(?:{kinds}))”"),
        not_figures=tuple(re.compile(x) for x in data["not_figures"]["patterns"]),
    )


@cache
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()


def extract_part(part: Part, vocab: Vocabulary | None = None) -> PartLedger:
    """The ledger of one part: every target, time node and project in its sentences."""
    if part.kind not in LEDGER_KINDS:
        return PartLedger()
    vocab = vocab or default_vocabulary()
    targets: list[Target] = []
    deadlines: list[TimeNode] = []
    projects: list[Project] = []
    for sentence in part.sentences:
        found_deadlines, taken = _time_nodes(sentence, vocab)
        deadlines.extend(found_deadlines)
        targets.extend(_targets(sentence, vocab, taken))
        projects.extend(p for p in _projects(sentence, vocab) if p not in projects)
    return PartLedger(tuple(targets), tuple(deadlines), tuple(projects))


def extract_document(doc: ParsedDocument, vocab: Vocabulary | None = None) -> dict[str, PartLedger]:
    """The ledger of every part of a document that carries tasks, by part id."""
    return {p.id: extract_part(p, vocab) for p in doc.parts if p.kind in LEDGER_KINDS}


def name_spans(text: str, vocab: Vocabulary | None = None) -> list[tuple[int, int]]:
    """Spans of digits that belong to a name (a 文号, 5G), not to a figure."""
    vocab = vocab or default_vocabulary()
    return [m.span() for pattern in vocab.not_figures for m in pattern.finditer(text)]


def _time_nodes(sentence: Sentence, vocab: Vocabulary) -> tuple[list[TimeNode], list[bool]]:
    text = sentence.text
    taken = [False] * len(text)
    for a, b in name_spans(text, vocab):
        taken[a:b] = [True] * (b - a)
    found: list[tuple[int, TimeNode]] = []
    for kind, pattern in vocab.time_nodes:
        for m in pattern.finditer(text):
            a, b = m.span()
            if a == b or any(taken[a:b]):
                continue
            taken[a:b] = [True] * (b - a)
            found.append((a, TimeNode(m.group(), text, sentence.start + a, sentence.start + b, kind)))
    return [node for _, node in sorted(found, key=lambda f: f[0])], taken


def _figures(text: str, vocab: Vocabulary, taken: list[bool]) -> Iterator[re.Match[str]]:
    matches = [m for pattern in (vocab.figure, vocab.magnitude) for m in pattern.finditer(text)]
    for m in sorted(matches, key=lambda m: m.start()):
        if not any(taken[m.start() : m.end()]):
            yield m


def _targets(sentence: Sentence, vocab: Vocabulary, taken: list[bool]) -> list[Target]:
    text = sentence.text
    figures = list(_figures(text, vocab, taken))
    out = []
    for i, m in enumerate(figures):
        a, b = _phrase_around(text, m.start(), m.end(), [f.start() for f in figures])
        next_start = figures[i + 1].start() if i + 1 < len(figures) and figures[i + 1].start() < b else b
        prev_end = figures[i - 1].end() if i > 0 and figures[i - 1].end() > a else a
        measure = _measure(text[prev_end : m.start()], text[m.end() : next_start], m.group("unit"), vocab)
        out.append(Target(text[a:b], text, sentence.start + a, sentence.start + b, m.group("value"), m.group("unit"), measure))
    return out


def _phrase_around(text: str, start: int, end: int, figure_starts: list[int]) -> tuple[int, int]:
    """The phrase (between ，；。：) holding a figure; its 、-item when the phrase holds other figures."""
    phrase = next(m for m in PHRASE.finditer(text) if m.start() <= start < m.end())
    a, b = phrase.span()
    if sum(a <= s < b for s in figure_starts) > 1:
        left = text.rfind("、", a, start)
        right = text.find("、", end, b)
        a, b = (left + 1 if left >= 0 else a), (right if right >= 0 else b)
    return a, b


def _measure(before: str, after: str, unit: str, vocab: Vocabulary) -> str:
    """What a figure measures, as written next to it: after it for counts, before it for rates."""
    after = after.strip("“”")
    stop = vocab.measure_stop.search(after)
    after = after[: stop.start()] if stop else after
    before = before.strip("“”")
    changed = True
    while changed:
        changed = False
        for word in vocab.lead_words:
            if before.startswith(word) and len(before) > len(word):
                before, changed = before[len(word) :], True
        for word in vocab.connectors:
            if before.endswith(word) and len(before) > len(word):
                before, changed = before[: -len(word)], True
        before = before.strip("“”")
    if unit in vocab.measure_after:
        return after or before
    return before or after


def _projects(sentence: Sentence, vocab: Vocabulary) -> list[Project]:
    text = sentence.text
    spans: list[tuple[int, int]] = []
    for phrase in PHRASE.finditer(text):
        spans.extend(_phrase_projects(phrase.group(), vocab, phrase.start()))
    spans.extend((m.start("name"), m.end("name")) for m in vocab.quoted_project.finditer(text))
    unique = sorted(set(spans))
    return [Project(text[a:b], text, sentence.start + a, sentence.start + b) for a, b in unique if b > a]


def _phrase_projects(phrase: str, vocab: Vocabulary, offset: int) -> list[tuple[int, int]]:
    """Project spans in one phrase: the items of a list before 等…项目, or one name after a verb."""
    m = vocab.listed_project.search(phrase)
    if m:
        return [(offset + a, offset + b) for a, b in _items(phrase, m.start("list"), m.end("list"))]
    m = vocab.named_project.search(phrase)
    if m:
        return [(offset + a, offset + b) for a, b in _items(phrase, m.start("name"), m.end("name"))]
    return []


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The 、-separated (or back-to-back quoted) items of a list, quotes left out."""
    items, a = [], start
    for i in range(start, end + 1):
        if i == end or text[i] == "、" or (text[i] == "“" and i > a and text[i - 1] == "”"):
            lo, hi = a, i
            while lo < hi and text[lo] in "“”":
                lo += 1
            while hi > lo and text[hi - 1] in "“”":
                hi -= 1
            if hi > lo:
                items.append((lo, hi))
            a = i + 1 if i < end and text[i] == "、" else i
    return items


def stored_ledger(metadata: dict[str, Any], part: Part) -> PartLedger:
    """The ledger kept beside a part chunk in the index; an index built before ledgers were kept
    gets the same records extracted again (extraction is pure), until `planqa index` rebuilds it."""
    raw = metadata.get("ledger")
    return PartLedger.loads(raw) if raw else extract_part(part)


def read_text(text: str, vocab: Vocabulary | None = None) -> PartLedger:
    """The targets and time nodes of any text (a question), read as a sentence of a part is."""
    vocab = vocab or default_vocabulary()
    sentence = Sentence(text, 0, len(text))
    nodes, taken = _time_nodes(sentence, vocab)
    return PartLedger(tuple(_targets(sentence, vocab, taken)), tuple(nodes))
