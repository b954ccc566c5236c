"""The loaded index: parts, chunks, the unit index, keyword postings and the Chroma collection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rank_bm25 import BM25Okapi

from assistant.settings import Settings
from index.chunk import CHUNKING_VERSION
from index.embed import CachedEmbeddings, make_embeddings
from index.manifest import load_manifest
from index.records import Chunk, DocumentMeta, Part
from index.store import IndexInfo, make_client, open_active, parts_from_rows
from index.tokenize import tokenize
from index.units import UnitTable, default_unit_table


@dataclass
class Knowledge:
    """Everything a question is answered from, loaded once per process."""

    settings: Settings
    collection: Any
    info: IndexInfo
    embeddings: CachedEmbeddings
    parts: list[Part]
    parts_by_id: dict[str, Part]
    chunks: dict[str, Chunk]
    chunk_ids: list[str]
    bm25: BM25Okapi
    documents: dict[str, DocumentMeta]
    units: UnitTable
    vocabulary: str

    @classmethod
    def load(cls, settings: Settings) -> Knowledge:
        """Open the published index (a clear error if missing or built with other settings)."""
        client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
        collection, info = open_active(client, settings.embeddings, CHUNKING_VERSION)
        rows = collection.get(include=["documents", "metadatas"])
        parts, chunks = parts_from_rows(rows["ids"], rows["documents"], rows["metadatas"])
        chunk_ids = sorted(chunks)
        bm25 = BM25Okapi([tokenize(chunks[c].text) or ["∅"] for c in chunk_ids])
        try:
            documents = {d.number: d for d in load_manifest(settings.corpus_dir)}
        except Exception:
            documents = {}
        return cls(
            settings=settings,
            collection=collection,
            info=info,
            embeddings=make_embeddings(settings.embeddings, None),
            parts=parts,
            parts_by_id={p.id: p for p in parts},
            chunks=chunks,
            chunk_ids=chunk_ids,
            bm25=bm25,
            documents=documents,
            units=default_unit_table(),
            vocabulary="\n".join(p.text for p in parts),
        )

    def doc_meta(self, number: str) -> DocumentMeta | None:
        return self.documents.get(number)

    def parts_naming(self, unit: str) -> list[Part]:
        """Every part whose responsibility note names the unit, in document order."""
        return [p for p in self.parts if unit in p.unit_names]
