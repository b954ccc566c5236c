"""Typed records that cross the index's boundaries. Frozen: derive new ones, never mutate."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["national", "provincial", "municipal"]
PartKind = Literal["notice", "preamble", "section", "clause", "colophon"]
UnitRole = Literal["responsible", "lead", "support"]


def content_id(*parts: str) -> str:
    """A stable id from content: the same text always gets the same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:24]


@dataclass(frozen=True)
class DocumentMeta:
    """One manifest entry: a policy document, provided as a file or only listed."""

    number: str
    title: str
    short_title: str
    issuer: str
    level: Level
    date: str
    file: str | None = None
    implements: tuple[str, ...] = ()
    place: str = ""  # the city or province it governs (格尔木市, 青海省); "" for national documents
    primary: bool = False  # answered from first when a question names no document (manifest `primary = true`)
    source: str = ""  # the web address it was fetched from, when it came from one
    fetched: str = ""  # the date it was fetched, YYYY-MM-DD
    ocr_pages: int = 0  # pages of its file read by OCR (a scan without a text layer)
    ocr_confidence: float = 0.0  # the OCR's mean confidence over every character it read, 0–1

    @property
    def provided(self) -> bool:
        return bool(self.file)


@dataclass(frozen=True)
class Sentence:
    """A sentence with offsets in its document's clean text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class UnitRef:
    """A responsible unit as resolved from a 责任单位 note."""

    name: str
    role: UnitRole = "responsible"
    written: str = ""


@dataclass(frozen=True)
class Part:
    """A citable part of a document: a numbered clause, or text outside the numbered clauses.

    ``number`` is the clause's own numeral (（七） is 7), None for notice, preamble and section text.
    ``path`` is hierarchical and stable (三（七）); ``label`` is what an answer shows.
    """

    doc: str
    kind: PartKind
    path: str
    number: int | None
    section: str
    title: str
    text: str
    start: int
    end: int
    sentences: tuple[Sentence, ...] = ()
    units: tuple[UnitRef, ...] = ()
    unit_note: str = ""

    @property
    def id(self) -> str:
        return content_id(self.doc, self.path, self.text)

    @property
    def unit_names(self) -> tuple[str, ...]:
        return tuple(u.name for u in self.units)

    @property
    def label(self) -> str:
        return f"{self.doc} {self.path}"


@dataclass(frozen=True)
class ParsedDocument:
    """A document's clean text and its parts in reading order."""

    meta: DocumentMeta
    text: str
    title: str
    parts: tuple[Part, ...]
    warnings: tuple[str, ...] = ()

    @property
    def clauses(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.kind == "clause")


@dataclass(frozen=True)
class Chunk:
    """What gets embedded: a whole part with its context, or a window of a long part's sentences."""

    id: str
    part_id: str
    doc: str
    path: str
    kind: Literal["part", "window"]
    text: str
    start: int
    end: int
    metadata: dict[str, str | int | float | bool] = field(default_factory=dict, hash=False)
