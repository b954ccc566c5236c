"""Hybrid retrieval: dense (Chroma) and keyword (jieba BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.knowledge import Knowledge
from assistant.records import Hit
from index.records import Sentence
from index.tokenize import tokenize


def reciprocal_rank_fusion(runs: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(d) = Σ 1/(k + rank). Cormack, Clarke & Büttcher, SIGIR 2009."""
    scores: dict[str, float] = {}
    for run in runs:
        for rank, key in enumerate(run, 1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def dense_run(knowledge: Knowledge, query_vector: list[float], n: int, where: dict | None = None) -> list[tuple[str, float]]:
    """Chunk ids by cosine similarity, best first."""
    found = knowledge.collection.query(query_embeddings=[query_vector], n_results=min(n, len(knowledge.chunk_ids)), where=where, include=["distances"])
    return [(cid, 1.0 - float(d)) for cid, d in zip(found["ids"][0], found["distances"][0])]


def sparse_run(knowledge: Knowledge, tokens: list[str], n: int) -> list[tuple[str, float]]:
    """Chunk ids by BM25 over jieba tokens, best first; chunks with no shared token are left out."""
    if not tokens:
        return []
    scores = knowledge.bm25.get_scores(tokens)
    order = np.argsort(-scores)[:n]
    return [(knowledge.chunk_ids[i], float(scores[i])) for i in order if scores[i] > 0]


def search(knowledge: Knowledge, question: str, k: int, query_vector: list[float] | None = None, docs: Sequence[str] | None = None) -> list[Hit]:
    """The top-k parts for a question, each with its best-matching sentences."""
    n = knowledge.settings.candidates
    vector = query_vector if query_vector is not None else knowledge.embeddings.embed_query(question)
    where = {"doc": {"$in": list(docs)}} if docs else None
    dense = dense_run(knowledge, vector, n, where)
    sparse = sparse_run(knowledge, tokenize(question), n * 2)
    if docs:
        sparse = [(c, s) for c, s in sparse if knowledge.chunks[c].doc in docs]
    sparse = sparse[:n]
    dense_parts = _parts_of([c for c, _ in dense], knowledge)
    sparse_parts = _parts_of([c for c, _ in sparse], knowledge)
    fused = reciprocal_rank_fusion([dense_parts, sparse_parts], k=knowledge.settings.rrf_k)
    best_dense: dict[str, float] = {}
    for cid, sim in dense:
        pid = knowledge.chunks[cid].part_id
        best_dense[pid] = max(best_dense.get(pid, -1.0), sim)
    sentence_rank = _sentence_ranking(knowledge, dense, sparse)
    hits = []
    for rank, (pid, score) in enumerate(fused[:k], 1):
        part = knowledge.parts_by_id[pid]
        found_by = tuple(name for name, run in (("dense", dense_parts), ("bm25", sparse_parts)) if pid in run)
        hits.append(Hit(part, score, rank, found_by, tuple(sentence_rank.get(pid, ())), best_dense.get(pid, 0.0)))
    return hits


def _parts_of(chunk_ids: list[str], knowledge: Knowledge) -> list[str]:
    out: list[str] = []
    for cid in chunk_ids:
        pid = knowledge.chunks[cid].part_id
        if pid not in out:
            out.append(pid)
    return out


def _sentence_ranking(knowledge: Knowledge, dense: list[tuple[str, float]], sparse: list[tuple[str, float]]) -> dict[str, list[Sentence]]:
    """Per part, its sentence chunks ordered by fused dense + keyword rank."""
    windows = lambda run: [c for c, _ in run if knowledge.chunks[c].kind == "window"]  # noqa: E731
    fused = reciprocal_rank_fusion([windows(dense), windows(sparse)], k=10)
    out: dict[str, list[Sentence]] = {}
    for cid, _ in fused:
        chunk = knowledge.chunks[cid]
        sentence = Sentence(str(chunk.metadata["sentence"]), chunk.start, chunk.end)
        out.setdefault(chunk.part_id, []).append(sentence)
    return out


class HybridRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever: one Document per part, citation data in metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    knowledge: Knowledge
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_document(h) for h in search(self.knowledge, query, self.k)]


def hit_document(hit: Hit) -> Document:
    p = hit.part
    return Document(
        page_content=p.text,
        metadata={"doc": p.doc, "clause": p.number, "path": p.path, "title": p.title, "units": list(p.unit_names), "score": hit.score, "rank": hit.rank},
    )
