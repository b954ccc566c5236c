"""The question-set format (JSONL, one question per line) and its validation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

TYPES = ("responsibility", "by_unit", "fact", "eligibility", "overview", "topic", "out_of_scope", "check", "count", "none")
FIELDS = (
    "id",
    "type",
    "question",
    "gold_clauses",
    "answerable",
)  # required; gold_units, answer_contains, history, doc, expect, note optional


class DatasetError(ValueError):
    """A question-set line that is not in the format; the message names file and line."""


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    question: str
    gold_clauses: tuple[int, ...]
    gold_units: tuple[str, ...]
    answer_contains: tuple[str, ...]
    answerable: bool
    doc: str | None = None
    history: tuple[str, ...] = ()  # earlier user questions, asked in order in one conversation before this one
    expect: str | int | None = None  # check: "yes" / "no"; count: the number the answer must state


def load_dataset(path: Path) -> list[Question]:
    """Read and validate a JSONL question set."""
    questions = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{n}: not JSON ({exc})") from exc
        missing = [f for f in FIELDS if f not in row]
        if missing:
            raise DatasetError(f"{path}:{n}: missing {', '.join(missing)}")
        if row["type"] not in TYPES:
            raise DatasetError(f"{path}:{n}: type {row['type']!r} is not one of {TYPES}")
        questions.append(
            Question(
                id=str(row["id"]),
                type=row["type"],
                question=row["question"],
                gold_clauses=tuple(int(c) for c in row["gold_clauses"]),
                gold_units=tuple(row.get("gold_units", ())),
                answer_contains=tuple(row.get("answer_contains", ())),
                answerable=bool(row["answerable"]),
                doc=row.get("doc"),
                history=_history(row.get("history", ()), path, n),
                expect=_expect(row, path, n),
            )
        )
    return questions


def _expect(row: dict, path: Path, n: int) -> str | int | None:
    """The expected yes/no of a check question or number of a count question; absent for the other types."""
    value = row.get("expect")
    if row["type"] == "check":
        if not isinstance(value, str) or value.lower() not in ("yes", "no"):
            raise DatasetError(f'{path}:{n}: a check question needs expect "yes" or "no"')
        return value.lower()
    if row["type"] == "count":
        if isinstance(value, bool) or not isinstance(value, int):
            raise DatasetError(f"{path}:{n}: a count question needs an integer expect")
        return value
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _history(value: object, path: Path, n: int) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise DatasetError(f"{path}:{n}: history must be a list of earlier questions (strings)")
    return tuple(value)
