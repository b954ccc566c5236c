"""Build the index: corpus files → parsed documents → chunks → vectors in a fresh Chroma collection,
verified and then published. Unchanged text costs nothing: the same build id is a no-op, and
vectors come from the content-hash cache."""

from __future__ import annotations

import fcntl
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.calibrate import calibrate, calibration_id
from index.chunk import CHUNKING_VERSION, chunk_part
from index.embed import CachedEmbeddings
from index.errors import CorpusError, IndexLockedError, PlanqaError, StorageFullError
from index.ledger import LEDGER_VERSION
from index.lineage import link_clauses
from index.load import read_document
from index.manifest import load_manifest
from index.parse import parse_document
from index.records import Chunk, DocumentMeta, ParsedDocument, Part, content_id
from index.store import PREFIX, IndexInfo, active_info, chunk_metadata, is_disk_full, publish, rows_digest, store_failure

Progress = Callable[[int, int], None]
BATCH = 64
KEPT = "the previous index stays published"
STORE_BATCH = 1000  # chunks per Chroma add: each call has a fixed cost (64 per call made a rebuild of 3,500 chunks 2.5x slower)


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the CLI and benchmarks."""

    documents: tuple[str, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    chunks: int
    embedded: int
    cached: int
    unchanged: bool
    seconds: float
    collection: str = ""
    listed_only: tuple[str, ...] = field(default=())


def parse_corpus(corpus_dir: Path) -> tuple[list[ParsedDocument], list[str], list[str]]:
    """Every provided document parsed; a broken file is reported by name and the rest still parse."""
    docs: list[ParsedDocument] = []
    errors: list[str] = []
    listed: list[str] = []
    seen: dict[str, str] = {}
    for meta in load_manifest(corpus_dir):
        if not meta.file:
            listed.append(meta.number)
            continue
        try:
            doc = parse_document(read_document(Path(corpus_dir) / meta.file), meta)
        except CorpusError as exc:
            errors.append(f"{meta.number}: {exc}")
            continue
        digest = content_id(doc.text)
        if digest in seen:
            errors.append(f"{meta.number}: {meta.file} has the same text as {seen[digest]}; skipped as a duplicate")
            continue
        seen[digest] = meta.number
        if not doc.parts:
            errors.append(f"{meta.number}: {meta.file} has no recognisable structure")
            continue
        docs.append(doc)
    return docs, errors, listed


def chunk_corpus(docs: list[ParsedDocument]) -> list[tuple[Chunk, Part, DocumentMeta]]:
    """All chunks with the part and document they belong to."""
    out = []
    for doc in docs:
        for part in doc.parts:
            for chunk in chunk_part(doc.meta, part):
                out.append((chunk, part, doc.meta))
    return out


@contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """One build at a time per data folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "index.lock"
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexLockedError(f"another `planqa index` is running (lock {path}); wait for it to finish") from exc
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_index(
    corpus_dir: Path,
    client: Any,
    embeddings: CachedEmbeddings,
    embeddings_spec: str,
    progress: Progress | None = None,
    force: bool = False,
) -> BuildReport:
    """Parse, chunk, embed and publish. Returns what it did; raises only when nothing can be built."""
    t0 = time.perf_counter()
    docs, errors, listed = parse_corpus(corpus_dir)
    warnings = [w for d in docs for w in d.warnings]
    rows = chunk_corpus(docs)
    if not rows:
        raise PlanqaError("nothing to index: " + ("; ".join(errors) or "no provided documents in the manifest"))
    build_id = content_id(embeddings_spec, CHUNKING_VERSION, LEDGER_VERSION, calibration_id(), *sorted(c.id for c, _, _ in rows))
    current = active_info(client)
    if not force and current and current.build_id == build_id:
        try:
            if client.get_collection(current.collection).count() == current.chunks:
                return BuildReport(tuple(d.meta.number for d in docs), tuple(errors), tuple(warnings), len(rows), 0, len(rows), True, time.perf_counter() - t0, current.collection, tuple(listed))
        except Exception:
            pass
    # Every build writes a collection of its own (even a forced one of the same text), so the published
    # one is never touched until the pointer has moved: readers get the old index or the new, whole.
    name = f"{PREFIX}{build_id[:16]}-{uuid.uuid4().hex[:8]}"
    try:
        with storage_errors(f"building the index ({name})", KEPT):
            info, embedded, cached = _write_collection(client, name, build_id, rows, docs, embeddings, embeddings_spec, progress)
    except BaseException as exc:
        _drop(client, name)  # a failed or interrupted build leaves nothing behind; the published index stays
        if isinstance(exc, Exception) and type(exc).__module__.startswith("chromadb"):
            raise store_failure(client, exc, f"building the index ({name})") from exc
        raise
    with storage_errors(f"publishing the index ({name})", KEPT):
        publish(client, info)
    return BuildReport(
        tuple(d.meta.number for d in docs),
        tuple(errors),
        tuple(warnings),
        len(rows),
        embedded,
        cached,
        False,
        time.perf_counter() - t0,
        name,
        tuple(listed),
    )


def _write_collection(
    client: Any,
    name: str,
    build_id: str,
    rows: list[tuple[Chunk, Part, DocumentMeta]],
    docs: list[ParsedDocument],
    embeddings: CachedEmbeddings,
    embeddings_spec: str,
    progress: Progress | None,
) -> tuple[IndexInfo, int, int]:
    """Embed and store every chunk in a new collection ``name``, verify it; what to publish, and how many
    vectors were embedded and taken from the cache."""
    collection = client.create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
    hits_before, misses_before = embeddings.hits, embeddings.misses
    vectors: list[list[float]] = []
    for i in range(0, len(rows), BATCH):
        vectors.extend(embeddings.embed_documents([c.text for c, _, _ in rows[i : i + BATCH]]))
        if progress:
            progress(min(i + BATCH, len(rows)), len(rows))
    embedded, cached = embeddings.misses - misses_before, embeddings.hits - hits_before
    part_vectors = {c.part_id: np.asarray(v, dtype=np.float32) for (c, _, _), v in zip(rows, vectors) if c.kind == "part"}
    lineage = link_clauses(docs, part_vectors)
    for i in range(0, len(rows), STORE_BATCH):
        batch = rows[i : i + STORE_BATCH]
        collection.add(
            ids=[c.id for c, _, _ in batch],
            documents=[c.text for c, _, _ in batch],
            embeddings=vectors[i : i + STORE_BATCH],
            metadatas=[chunk_metadata(c, p, m, lineage.get(p.id, ())) for c, p, m in batch],
        )
    _verify(collection, rows, embeddings)
    matrix = np.asarray(vectors, dtype=np.float32)
    digest = rows_digest([c.id for c, _, _ in rows], [c.text for c, _, _ in rows], matrix)
    # Refusal and ranking thresholds for this corpus and this model, stored with the index.
    calibration = calibrate(embeddings, matrix, client=client)
    return IndexInfo(name, embeddings_spec, CHUNKING_VERSION, len(rows), build_id, calibration, digest), embedded, cached


def _drop(client: Any, name: str) -> None:
    """Delete a collection if it exists; a store that cannot is left for the next build's cleanup."""
    try:
        client.delete_collection(name)
    except Exception:
        pass


@contextmanager
def storage_errors(what: str, kept: str = "") -> Iterator[None]:
    """A full disk while writing is a StorageFullError that says so, whoever noticed it (the OS, SQLite,
    Chroma); ``kept`` says what is unharmed."""
    try:
        yield
    except PlanqaError:
        raise
    except Exception as exc:
        if is_disk_full(exc):
            raise StorageFullError(f"no space left on the device while {what}; free some space and run it again{f' ({kept})' if kept else ''}") from exc
        raise


def _verify(collection: Any, rows: list[tuple[Chunk, Part, DocumentMeta]], embeddings: CachedEmbeddings) -> None:
    """A build is published only when every chunk is there and a probe query finds its own text."""
    if collection.count() != len(rows):
        raise PlanqaError(f"index build incomplete: {collection.count()} of {len(rows)} chunks stored")
    probe = rows[len(rows) // 2][0]
    found = collection.query(query_embeddings=[embeddings.embed_documents([probe.text])[0]], n_results=1)
    if not found["ids"] or found["ids"][0][0] != probe.id:
        raise PlanqaError("index build failed its probe query; the previous index stays published")
