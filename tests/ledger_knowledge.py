"""Test fixture: the parts of a loaded Knowledge the ledger reads, from the real plan parsed without an
index (fast; the slow tests check the same against a built index)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.build import parse_corpus
from index.ledger import PartLedger, extract_document
from index.lineage import ParentLink
from index.manifest import load_manifest
from index.records import DocumentMeta, Part
from index.units import UnitTable, default_unit_table


@dataclass
class LedgerKnowledge:
    """parts, ledger, units, documents and parents, as assistant.knowledge.Knowledge holds them."""

    parts: list[Part]
    ledger: dict[str, PartLedger]
    documents: dict[str, DocumentMeta]
    units: UnitTable = field(default_factory=default_unit_table)
    parents: dict[str, tuple[ParentLink, ...]] = field(default_factory=dict)

    def doc_meta(self, number: str) -> DocumentMeta | None:
        return self.documents.get(number)

    @property
    def indexed_docs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.doc for p in self.parts))


def ledger_knowledge(corpus: Path) -> LedgerKnowledge:
    """The corpus parsed and its ledger extracted, as an index build keeps them; every manifest entry."""
    docs, errors, _ = parse_corpus(corpus)
    assert not errors, errors
    ledger = {pid: led for d in docs for pid, led in extract_document(d).items()}
    return LedgerKnowledge([p for d in docs for p in d.parts], ledger, {m.number: m for m in load_manifest(corpus)})
