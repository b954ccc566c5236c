"""The loaded index: parts, chunks, the unit index, keyword postings and the Chroma collection."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rank_bm25 import BM25Okapi

from assistant.settings import Settings, secret
from index.bm25 import PostingsBM25
from index.chunk import CHUNKING_VERSION
from index.embed import CachedEmbeddings, make_embeddings
from index.ledger import PartLedger, stored_ledger
from index.lineage import ParentLink
from index.manifest import load_manifest
from index.records import Chunk, DocumentMeta, Part
from index.store import IndexInfo, make_client, parent_links, parts_from_rows, read_published
from index.tokenize import bigrams, search_tokens
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
    vectors: np.ndarray
    unit_vectors: np.ndarray  # the vectors scaled to length 1: cosine similarity is one product
    row_of: dict[str, int]
    sentence_rows: dict[tuple[str, int], int]
    part_rows: dict[str, int]
    bm25: BM25Okapi
    bigram_idf: dict[str, float]
    idf_cap: float
    documents: dict[str, DocumentMeta]
    units: UnitTable
    vocabulary: str
    parents: dict[str, tuple[ParentLink, ...]]
    ledger: dict[str, PartLedger] = field(default_factory=dict)  # part id → targets, time nodes, projects

    @classmethod
    def load(cls, settings: Settings) -> Knowledge:
        """Open the published index (a clear error if missing or built with other settings)."""
        client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
        collection, info, rows = read_published(client, settings.embeddings, CHUNKING_VERSION)  # whole, or a clear error
        parts, chunks = parts_from_rows(rows["ids"], rows["documents"], rows["metadatas"])
        chunk_ids = list(rows["ids"])
        vectors = np.asarray(rows["embeddings"], dtype=np.float32)
        row_of = {c: i for i, c in enumerate(chunk_ids)}
        sentence_rows = {(chunks[c].part_id, chunks[c].start): i for i, c in enumerate(chunk_ids) if chunks[c].kind == "window"}
        bm25 = PostingsBM25([search_tokens(chunks[c].text) or ["∅"] for c in chunk_ids])
        idf = _bigram_idf(parts)
        by_id = {p.id: p for p in parts}
        try:
            documents = {d.number: d for d in load_manifest(settings.corpus_dir)}
        except Exception:
            documents = {}
        return cls(
            settings=settings,
            collection=collection,
            info=info,
            embeddings=make_embeddings(settings.embeddings, None, settings.embeddings_base_url, secret(settings.embeddings_api_key)),
            parts=parts,
            parts_by_id={p.id: p for p in parts},
            chunks=chunks,
            chunk_ids=chunk_ids,
            vectors=vectors,
            unit_vectors=vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12) if len(vectors) else vectors,
            row_of=row_of,
            sentence_rows=sentence_rows,
            part_rows={chunks[c].part_id: i for i, c in enumerate(chunk_ids) if chunks[c].kind == "part"},
            bm25=bm25,
            bigram_idf=idf,
            idf_cap=float(np.percentile(list(idf.values()), 75)) if idf else 1.0,
            documents=documents,
            units=default_unit_table(),
            vocabulary="\n".join(p.text for p in parts),
            parents={md["part_id"]: parent_links(md) for md in rows["metadatas"] if md["kind"] == "part"},
            ledger={md["part_id"]: stored_ledger(md, by_id[md["part_id"]]) for md in rows["metadatas"] if md["kind"] == "part"},
        )

    def doc_meta(self, number: str) -> DocumentMeta | None:
        return self.documents.get(number)

    def parts_naming(self, unit: str, docs: tuple[str, ...] = ()) -> list[Part]:
        """Every part whose responsibility note names the unit, in document order."""
        return [p for p in self.parts if unit in p.unit_names and (not docs or p.doc in docs)]

    def part_at(self, doc: str, path: str) -> Part | None:
        return next((p for p in self.parts if p.doc == doc and p.path == path), None)

    @property
    def indexed_docs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.doc for p in self.parts))


def _bigram_idf(parts: list[Part]) -> dict[str, float]:
    """Inverse sentence frequency of each character bigram, for weighing lexical overlap."""
    sentences = [s.text for p in parts for s in p.sentences] or [""]
    df: dict[str, int] = {}
    for text in sentences:
        for b in set(bigrams(text)):
            df[b] = df.get(b, 0) + 1
    n = len(sentences)
    return {b: math.log((n + 1) / (c + 0.5)) for b, c in df.items()}
