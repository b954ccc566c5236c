"""Records the assistant hands to the UI, the CLI and the evaluator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from index.records import Part, Sentence

Route = Literal["responsibility", "by_unit", "fact", "eligibility", "overview", "lineage", "count", "ranking", "unassigned", "topic", "metadata", "acknowledge", "out_of_scope"]


@dataclass(frozen=True)
class Hit:
    """A retrieved part, with its fused score, the retrievers that found it and its best sentences."""

    part: Part
    score: float
    rank: int
    retrievers: tuple[str, ...]
    sentences: tuple[Sentence, ...] = ()
    dense: float = 0.0


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from: document, clause, and the exact sentences quoted from it."""

    doc: str
    clause: int | None
    path: str
    title: str
    quotes: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    doc_title: str = ""
    section: str = ""
    text: str = ""
    parents: tuple[tuple[str, str, str], ...] = ()  # (文号, path, title) of the parent clauses it implements
    parent_texts: tuple[str, ...] = ()  # the text of each of those parent clauses, in the same order ("" when not indexed)

    def to_json(self) -> dict[str, Any]:
        quotes = [{"text": q, "start": self.text.find(q), "end": self.text.find(q) + len(q)} for q in self.quotes if q in self.text]
        return {"doc": self.doc, "clause": self.clause, "path": self.path, "title": self.title, "quotes": quotes}


@dataclass(frozen=True)
class Answer:
    """A composed answer. A refusal is a normal answer with refused=True and no citations."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    refused: bool
    route: Route
    latency_ms: float = 0.0
    mode: Literal["extractive", "llm"] = "extractive"
    notice: str = ""
    hits: tuple[Hit, ...] = field(default=(), compare=False)
    query: Any = field(default=None, compare=False)  # the understood question (assistant.understand.Query)
    standalone: str = ""  # a follow-up as the standalone question it was resolved to
    lead: str = ""  # the answer's first line, which answers on its own
    lead_spans: tuple[str, ...] = ()  # the verbatim plan text the lead quotes (checked like every quote)
    suggestions: tuple[str, ...] = ()  # questions to ask next (after a statement that asked nothing)

    def to_json(self) -> dict[str, Any]:
        """The `planqa ask --json` object."""
        return {
            "question": self.question,
            "answer": self.text,
            "citations": [c.to_json() for c in self.citations],
            "refused": self.refused,
            "latency_ms": round(self.latency_ms, 2),
            "mode": self.mode,
            "lead": self.lead or self.text.split("\n", 1)[0],
            "understood": self.query.understood() if self.query is not None else {},
            **({"standalone": self.standalone} if self.standalone else {}),
            **({"suggestions": list(self.suggestions)} if self.suggestions else {}),
        }
