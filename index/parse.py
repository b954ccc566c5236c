"""Parse clean policy-document text into its parts: notice, preamble, sections, clauses, sentences.

Pure: text in, tree out. Handles the shapes Chinese policy documents use: 一、 / （一） / 1. / （1） /
第X章 / 第X条. A numbered part's path is hierarchical and stable (三（七）, 三（八）2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.clean import clean_text
from index.records import DocumentMeta, ParsedDocument, Part, PartKind, Sentence
from index.units import UnitTable, parse_unit_note, split_note

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"[一二三四五六七八九十百零〇]+"

# Heading levels, outermost first. Each yields (numeral, rest of line).
LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第(?P<n>{NUM}|\d+)章\s*(?P<rest>.*)$")),
    ("section", re.compile(rf"^(?P<n>{NUM})、(?P<rest>.*)$")),
    ("clause", re.compile(rf"^（(?P<n>{NUM})）(?P<rest>.*)$")),
    ("article", re.compile(rf"^第(?P<n>{NUM}|\d+)条\s*(?P<rest>.*)$")),
    ("item", re.compile(r"^(?P<n>\d{1,2})[.．、](?!\d)(?P<rest>.*)$")),
    ("subitem", re.compile(r"^[（(](?P<n>\d{1,2})[）)](?P<rest>.*)$")),
)
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
COLOPHON = re.compile(r"^(信息公开属性|抄送|（此件|此件|附件[:：]?$)")
SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]|[^。！？!?]+$")
TITLE_END = re.compile(r"[。！？]")


def cn_number(text: str) -> int:
    """Chinese or Arabic numeral → int (二十九 → 29)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CN_DIGITS[ch]
    return total + current


@dataclass
class _Line:
    text: str
    start: int


@dataclass
class _Open:
    level: str
    label: str
    number: int
    heading: str
    start: int
    lines: list[_Line]


def split_sentences(text: str, offset: int) -> tuple[Sentence, ...]:
    """Sentences with document offsets; the unit note is not a sentence."""
    out = []
    for m in SENTENCE.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if len(stripped) < 2:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = offset + m.start() + lead
        out.append(Sentence(stripped, start, start + len(stripped)))
    return tuple(out)


def _path_label(level: str, n: int, raw: str) -> str:
    if level == "section":
        return f"{raw}"
    if level == "clause":
        return f"（{raw}）"
    if level == "chapter":
        return f"第{raw}章"
    if level == "article":
        return f"第{raw}条"
    if level == "item":
        return f"{n}"
    return f"（{n}）"


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append(_Line(line, pos))
        pos += len(line) + 1
    return out


def _front_matter(lines: list[_Line]) -> tuple[list[_Line], list[_Line], str]:
    """Split the text before the first heading into (notice lines, preamble lines, body title)."""
    date_idx = max((i for i, ln in enumerate(lines) if DATE_LINE.match(ln.text)), default=-1)
    notice, rest = lines[: date_idx + 1], lines[date_idx + 1 :]
    title_lines: list[_Line] = []
    while rest and not TITLE_END.search(rest[0].text) and len(rest[0].text) <= 40:
        title_lines.append(rest.pop(0))
    title = "".join(ln.text for ln in title_lines)
    return notice, rest, title


def parse_text(text: str, meta: DocumentMeta, table: UnitTable | None = None) -> ParsedDocument:
    """Build the document tree from clean text."""
    lines = _lines(text)
    first = next((i for i, ln in enumerate(lines) if _heading(ln.text)), len(lines))
    notice, preamble, body_title = _front_matter(lines[:first])
    parts: list[Part] = []
    warnings: list[str] = []
    if notice:
        parts.append(_plain_part(meta, "notice", "通知", "", notice))
    if preamble:
        parts.append(_plain_part(meta, "preamble", "前言", "", preamble))

    stack: list[_Open] = []
    colophon: list[_Line] = []
    expected: dict[str, int] = {}
    for ln in lines[first:]:
        if colophon or COLOPHON.match(ln.text):
            colophon.append(ln)
            continue
        hit = _heading(ln.text)
        if hit and _plausible(hit, expected):
            level, n, raw, rest = hit
            depth = _depth(level)
            while stack and _depth(stack[-1].level) >= depth:
                _close(stack, parts, meta, table, warnings)
            stack.append(_Open(level, _path_label(level, n, raw), n, rest, ln.start, [ln]))
            expected[level] = n + 1
            continue
        if stack:
            stack[-1].lines.append(ln)
        else:
            parts.append(_plain_part(meta, "preamble", "前言", "", [ln]))
    while stack:
        _close(stack, parts, meta, table, warnings)
    if colophon:
        parts.append(_plain_part(meta, "colophon", "版记", "", colophon))
    parts.sort(key=lambda p: p.start)
    return ParsedDocument(meta=meta, text=text, title=body_title or meta.title, parts=tuple(parts), warnings=tuple(warnings))


def parse_document(raw: str, meta: DocumentMeta, table: UnitTable | None = None) -> ParsedDocument:
    """Clean raw extracted text, then parse it."""
    return parse_text(clean_text(raw), meta, table)


def _heading(line: str) -> tuple[str, int, str, str] | None:
    for level, pattern in LEVELS:
        m = pattern.match(line)
        if m:
            raw = m.group("n")
            return level, cn_number(raw), raw, m.group("rest")
    return None


def _depth(level: str) -> int:
    return [lv for lv, _ in LEVELS].index(level)


def _plausible(hit: tuple[str, int, str, str], expected: dict[str, int]) -> bool:
    """A heading must continue its level's numbering (or restart at 1 under a new parent)."""
    level, n, _, _ = hit
    # Numbering either continues (many plans number clauses straight through: （一）…（二十九）)
    # or restarts at 1 under a new parent; anything else is a number inside running text.
    return n in (expected.get(level, 1), 1)


def _close(stack: list[_Open], parts: list[Part], meta: DocumentMeta, table: UnitTable | None, warnings: list[str]) -> None:
    node = stack.pop()
    ancestors = [o.label for o in stack]
    path = "".join(ancestors + [node.label])
    section = next((f"{o.label}、{o.heading}" for o in stack if o.level == "section"), "")
    if node.level == "section":
        section = f"{node.label}、{node.heading}"
    text = "\n".join(ln.text for ln in node.lines)
    start = node.start
    if node.level in ("section", "chapter"):
        # The heading line is a title; the intro text below it is the section's own part.
        heading_line, body_lines = node.lines[0], node.lines[1:]
        body = "\n".join(ln.text for ln in body_lines)
        if body:
            first = body_lines[0].start
            parts.append(
                Part(meta.number, "section", path, None, section, node.heading, body, first, first + len(body), split_sentences(body, first))
            )
        else:
            parts.append(Part(meta.number, "section", path, None, section, node.heading, heading_line.text, start, start + len(heading_line.text)))
        return
    body, note = split_note(text)
    label_len = len(node.lines[0].text) - len(node.heading)
    body_text = body[label_len:]
    units, unit_warnings = parse_unit_note(note, table) if note else ((), ())
    warnings.extend(f"{meta.number} {path}: {w}" for w in unit_warnings)
    title_m = TITLE_END.search(body_text)
    title = body_text[: title_m.start()] if title_m else body_text[:40]
    parts.append(
        Part(
            doc=meta.number,
            kind="clause",
            path=path,
            number=node.number,
            section=section,
            title=title,
            text=text,
            start=start,
            end=start + len(text),
            sentences=split_sentences(body_text, start + label_len),
            units=units,
            unit_note=note,
        )
    )


def _plain_part(meta: DocumentMeta, kind: PartKind, path: str, section: str, lines: list[_Line]) -> Part:
    text = "\n".join(ln.text for ln in lines)
    start = lines[0].start
    title = {"notice": "印发通知", "preamble": "前言", "colophon": "版记"}.get(kind, path)
    sentences: list[Sentence] = []
    for ln in lines:
        sentences.extend(split_sentences(ln.text, ln.start))
    return Part(meta.number, kind, path, None, section, title, text, start, start + len(text), tuple(sentences))
