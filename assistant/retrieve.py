"""Hybrid retrieval: dense (Chroma) and keyword (jieba words + bigrams, BM25) rankings of chunks,
fused by reciprocal rank; a part scores as its best chunk. Sentences are ranked within each part."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.knowledge import Knowledge
from assistant.lexicon import Expansions, expand
from assistant.records import Hit
from assistant.route import question_bigrams
from index.errors import IndexMismatchError
from index.records import Part, Sentence
from index.tokenize import bigrams, search_tokens, tokenize

# Weights in the model's own similarity unit (the spread of a question's cosines, calibrated with the
# index, index/calibrate.py): e5's cosines vary eight times less than MiniLM's. For e5, 44 units ≈ 0.5.
LEXICAL_WEIGHT = 44.0  # sentence score = dense similarity + weight × unit × IDF-weighted bigram coverage
FUSED_WEIGHT = 26.0  # rerank score = best sentence score + weight × unit × fused score relative to the best
PART_WEIGHT = 5.0  # … + weight × unit × what the rest of the part adds to its best sentence's coverage (小区停车难: the clause with both)


def reciprocal_rank_fusion(runs: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(d) = Σ 1/(k + rank). Cormack, Clarke & Büttcher, SIGIR 2009."""
    scores: dict[str, float] = {}
    for run in runs:
        for rank, key in enumerate(run, 1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def dense_run(knowledge: Knowledge, query_vector: Sequence[float], n: int, docs: Sequence[str] | None = None) -> list[tuple[str, float]]:
    """Chunk ids by cosine similarity, best first: exact, over the vectors loaded from Chroma with the
    index (a 384-d product per chunk takes microseconds; a round trip to the collection, milliseconds)."""
    if not len(knowledge.unit_vectors):
        where = {"doc": {"$in": list(docs)}} if docs else None
        found = knowledge.collection.query(
            query_embeddings=[np.asarray(query_vector, dtype=np.float32)],
            n_results=min(n, len(knowledge.chunk_ids)),
            where=where,
            include=["distances"],
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(found["ids"][0], found["distances"][0])]
    query = np.asarray(query_vector, dtype=np.float32)
    norm = float(np.linalg.norm(query)) or 1.0
    scores = knowledge.unit_vectors @ (query / norm)
    out: list[tuple[str, float]] = []
    for i in np.argsort(-scores):
        cid = knowledge.chunk_ids[i]
        if docs and knowledge.chunks[cid].doc not in docs:
            continue
        out.append((cid, float(scores[i])))
        if len(out) >= n:
            break
    return out


def sparse_run(
    knowledge: Knowledge, tokens: list[str], n: int, docs: Sequence[str] | None = None, extra: Sequence[tuple[list[str], float]] = ()
) -> list[tuple[str, float]]:
    """Chunk ids by BM25, best first; chunks sharing no token are left out. ``extra``: the tokens of
    the question's expansions, each group scored at its weight (below the question's own words)."""
    if not tokens and not extra:
        return []
    scores = knowledge.bm25.get_scores(tokens) if tokens else np.zeros(len(knowledge.chunk_ids))
    for group, weight in extra:
        if group:
            scores = scores + weight * knowledge.bm25.get_scores(group)
    out = []
    for i in np.argsort(-scores):
        if scores[i] <= 0 or len(out) >= n:
            break
        cid = knowledge.chunk_ids[i]
        if not docs or knowledge.chunks[cid].doc in docs:
            out.append((cid, float(scores[i])))
    return out


class TopicWeights(dict[str, float]):
    """The question's topic bigrams and their IDF weights, plus what each expanded word may be matched
    by instead: ``alternatives`` holds, per question word, its bigrams and its expansions' bigrams with
    the expansion's weight. Iterating gives the question's own bigrams, as before."""

    alternatives: tuple[tuple[frozenset[str], tuple[tuple[frozenset[str], float, str], ...]], ...] = ()

    def scaled(self, factor: Callable[[str], float]) -> TopicWeights:
        """The same weights, each bigram's times ``factor(bigram)``, the alternatives kept (a plain dict
        comprehension would drop them)."""
        out = TopicWeights({b: w * factor(b) for b, w in self.items()})
        out.alternatives = self.alternatives
        return out


def topic_bigrams(knowledge: Knowledge, question: str, expansions: Expansions | None = None) -> TopicWeights:
    """Character pairs of the question's content words (not pairs across word boundaries), weighted
    by IDF, capped so that a pair the documents never use does not outweigh everything else; with
    the question's expansions (assistant/lexicon.py) as weighted alternatives for the words they stand for."""
    cap = knowledge.idf_cap
    stop = question_bigrams()
    pairs = {b for word in tokenize(question) if len(word) > 1 for b in bigrams(word)}
    # Latin words count when the documents use them (CIM, PPP), not an English question's words.
    weights = TopicWeights(
        {
            b: min(knowledge.bigram_idf.get(b, cap), cap)
            for b in pairs
            if b not in stop and (not b.isascii() or (b.isalpha() and b in knowledge.bigram_idf))
        }
    )
    lexicon = expansions if expansions is not None else expand(question, knowledge)
    if (lexicon.unknown or lexicon.noise) and not lexicon.missing and lexicon.expansions:
        # Words the corpus never uses and nothing maps tell no clause from another; when the question's
        # specific concept is covered through an expansion, they leave the weighing (上班族家里的小宝宝… → 托儿 → 托育).
        dropped = set(lexicon.unknown) | set(lexicon.noise)
        gone = {b for w in dropped for b in bigrams(w)}
        kept = {b for w in tokenize(question) if len(w) > 1 and w not in dropped for b in bigrams(w)}
        for b in gone - kept:
            weights.pop(b, None)
    alternatives = []
    for word in dict.fromkeys(e.word for e in lexicon.expansions):
        own = frozenset(b for b in bigrams(word) if b in weights) if not word.isascii() else frozenset()
        terms = tuple((frozenset(bigrams(e.term)), e.weight, e.kind) for e in lexicon.expansions if e.word == word)
        alternatives.append((own, terms))
    weights.alternatives = tuple(alternatives)
    if not weights and alternatives:  # an English question: its glossary terms are its topic, at their weight
        for _, terms in alternatives:
            for grams, weight, _kind in terms:
                for b in grams:
                    weights[b] = max(weights.get(b, 0.0), weight * min(knowledge.bigram_idf.get(b, cap), cap))
        weights.alternatives = ()
    return weights


def lexical_coverage(weights: dict[str, float], text: str) -> float:
    """Weighted share of the question's topic bigrams that occur in a text (Latin words in any case);
    a word's bigrams the text lacks count at its expansion's weight when the text has the expansion."""
    total = sum(weights.values())
    if not total:
        return 0.0
    alternatives = getattr(weights, "alternatives", ())
    lower = text.lower() if alternatives or any(b.isascii() for b in weights) else text
    found = sum(w for b, w in weights.items() if b in (lower if b.isascii() else text))
    for own, terms in alternatives:
        missing = sum(weights[b] for b in own if b not in text) if own else 0.0
        if not missing:
            continue
        best = max(
            (weight * sum(g in (lower if g.isascii() else text) for g in grams) / len(grams) for grams, weight, _ in terms if grams),
            default=0.0,
        )
        found += best * missing
    return found / total


def expansion_tokens(lexicon: Expansions) -> list[tuple[list[str], float]]:
    """Keyword-search tokens of each expansion, with its weight."""
    return [(search_tokens(e.term), e.weight) for e in lexicon.expansions]


def similarity_unit(knowledge: Knowledge) -> float:
    """How much one question's cosines vary over this index's chunks, for this model (calibrated at build)."""
    calibration = knowledge.info.calibration
    if calibration is None:
        raise IndexMismatchError("the index has no calibrated similarity thresholds: run `planqa index` to rebuild it")
    return calibration.spread


def rank_sentences(knowledge: Knowledge, part: Part, query_vector: np.ndarray, weights: dict[str, float]) -> list[tuple[Sentence, float]]:
    """A part's sentences, best first: dense similarity of the sentence plus weighted bigram coverage."""
    part_row = knowledge.part_rows.get(part.id)
    part_dense = float(knowledge.vectors[part_row] @ query_vector) if part_row is not None else 0.0
    scored = []
    for s in part.sentences:
        row = knowledge.sentence_rows.get((part.id, s.start))
        dense = float(knowledge.vectors[row] @ query_vector) if row is not None else part_dense
        scored.append((s, dense + LEXICAL_WEIGHT * similarity_unit(knowledge) * lexical_coverage(weights, s.text)))
    scored.sort(key=lambda x: -x[1])
    return scored


def part_evidence(
    knowledge: Knowledge, part: Part, query_vector: np.ndarray, weights: dict[str, float]
) -> tuple[float, tuple[Sentence, ...]]:
    """How well a part answers: its best sentence's score (or its own, when it has none), and its ranked sentences."""
    ranked = rank_sentences(knowledge, part, query_vector, weights)
    if ranked:
        return ranked[0][1], tuple(s for s, _ in ranked)
    row = knowledge.part_rows.get(part.id)
    dense = float(knowledge.vectors[row] @ query_vector) if row is not None else 0.0
    return dense + LEXICAL_WEIGHT * similarity_unit(knowledge) * lexical_coverage(weights, part.text), ()


def dense_text(question: str, expansions: Expansions | None = None) -> str:
    """What the dense model embeds: the question as asked (it reads Chinese and English alike);
    the added plan terms after the first blank serve keyword search, except for English questions,
    which also carry the plan terms their glossary phrases stand for."""
    asked = question.partition(" \u2063")[0]
    latin = sum(ch.isascii() and ch.isalpha() for ch in asked)
    if latin <= len(asked) / 2:
        return asked
    glossed = [t for t in (expansions.terms() if expansions is not None else ()) if t not in question]
    return " ".join([question.replace(" \u2063", " "), *glossed])


def search(
    knowledge: Knowledge,
    question: str,
    k: int,
    query_vector: Sequence[float] | None = None,
    docs: Sequence[str] | None = None,
    reranker: Any = None,
    subject: str = "",
    expansions: Expansions | None = None,
) -> list[Hit]:
    """The top-k parts for a question, each with its sentences ranked; a cross-encoder ``reranker``
    (when configured) reorders the fused candidates. ``subject``, when given, is what the dense model
    embeds in place of the question (see Query.subject). ``expansions`` (assistant/lexicon.py) are the
    question's words in the corpus's vocabulary; read from the question when not given."""
    n = knowledge.settings.candidates
    lexicon = expansions if expansions is not None else expand(question, knowledge)
    if query_vector is None:
        query_vector = knowledge.embeddings.embed_query(subject or dense_text(question, lexicon))
    vector = np.asarray(query_vector, dtype=np.float32)
    dense = dense_run(knowledge, vector, n, docs)
    sparse = sparse_run(knowledge, search_tokens(question), n, docs, expansion_tokens(lexicon))
    fused = reciprocal_rank_fusion([[c for c, _ in dense], [c for c, _ in sparse]], k=knowledge.settings.rrf_k)
    in_dense = {c for c, _ in dense}
    in_sparse = {c for c, _ in sparse}
    best_dense: dict[str, float] = {}
    for cid, sim in dense:
        pid = knowledge.chunks[cid].part_id
        best_dense[pid] = max(best_dense.get(pid, -1.0), sim)
    weights = topic_bigrams(knowledge, question, lexicon)
    candidates: list[tuple[str, float, tuple[str, ...]]] = []
    seen: set[str] = set()
    for cid, score in fused:
        pid = knowledge.chunks[cid].part_id
        if pid in seen:
            continue
        seen.add(pid)
        found_by = tuple(name for name, run in (("dense", in_dense), ("bm25", in_sparse)) if cid in run)
        candidates.append((pid, score, found_by))
        if len(candidates) >= max(k, knowledge.settings.rerank_depth):
            break
    scored = []
    top_fused = candidates[0][1] if candidates else 1.0
    for pid, score, found_by in candidates:
        part = knowledge.parts_by_id[pid]
        evidence, ranked = part_evidence(knowledge, part, vector, weights)
        unit = similarity_unit(knowledge)
        gain = lexical_coverage(weights, part.text) - (lexical_coverage(weights, ranked[0].text) if ranked else 0.0)
        blended = evidence + FUSED_WEIGHT * unit * score / top_fused + PART_WEIGHT * unit * max(0.0, gain)
        scored.append((blended if knowledge.settings.rerank_depth else score, score, part, found_by, ranked))
    if reranker is not None and scored:
        # The cross-encoder replaces the sentence-evidence rerank: it reads question and part together.
        cross = reranker.scores(dense_text(question), [p.text for _, _, p, _, _ in scored])
        scored = [(c, *rest) for c, (_, *rest) in zip(cross, scored)]
    scored.sort(key=lambda x: -x[0])
    return [
        Hit(part, fused_score, i, found_by, ranked, best_dense.get(part.id, 0.0))
        for i, (_, fused_score, part, found_by, ranked) in enumerate(scored[:k], 1)
    ]


class HybridRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever: one Document per part, citation data in metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    knowledge: Knowledge
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_document(h) for h in search(self.knowledge, query, self.k)]


def hit_document(hit: Hit) -> Document:
    """A hit as a LangChain Document."""
    p = hit.part
    return Document(
        page_content=p.text,
        metadata={
            "doc": p.doc,
            "clause": p.number,
            "path": p.path,
            "title": p.title,
            "units": list(p.unit_names),
            "score": hit.score,
            "rank": hit.rank,
        },
    )


__all__ = ["HybridRetriever", "reciprocal_rank_fusion", "search", "rank_sentences"]
