"""Chroma storage: chunks with their part records as metadata, built into a fresh collection and
published by switching one pointer, so a half-built index is never served. The pointer also holds a
digest of the published rows, so that an index damaged on disk is refused rather than half-read."""

from __future__ import annotations

import errno
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.calibrate import Calibration
from index.errors import IndexDamagedError, IndexMismatchError, IndexMissingError, PlanqaError, StorageFullError, StoreUnavailableError
from index.ledger import extract_part
from index.lineage import ParentLink
from index.records import Chunk, DocumentMeta, Part, Sentence, UnitRef

POINTER = "planqa-active"
PREFIX = "planqa-chunks-"
REBUILD = "rebuild it with `planqa index --force`"
DATABASE = "chroma.sqlite3"  # the embedded store's database, beside one folder per vector segment
READ_ATTEMPTS = 3  # a build may publish (and drop the collection being read) while a reader opens the index


@dataclass(frozen=True)
class IndexInfo:
    """What built the active collection."""

    collection: str
    embeddings: str
    chunking: str
    chunks: int
    build_id: str
    calibration: Calibration | None = None  # similarity thresholds derived for this corpus and model (index/calibrate.py)
    digest: str = ""  # rows_digest() of the published rows; empty for an index built before it was recorded


def make_client(path: str | Path | None = None, host: str | None = None, port: int | None = None) -> Any:
    """An embedded PersistentClient at ``path``, or an HttpClient when a host is given.

    A Chroma server that does not answer is a StoreUnavailableError; an embedded store that cannot be
    opened (its database cut short or garbled) is an IndexDamagedError naming `planqa index --force`.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not host and path is not None and _lost_database(Path(path)):
        raise IndexDamagedError(f"the index in {path} has lost its database ({DATABASE} is missing): {REBUILD}")
    try:
        if host:
            return chromadb.HttpClient(host=host, port=port or 8000, settings=chroma_settings)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        forget_clients()  # Chroma keeps a client that failed half-way and would hand it back next time
        if host:
            raise StoreUnavailableError(f"the Chroma server at {host}:{port or 8000} does not answer ({_reason(exc)})") from exc
        if is_disk_full(exc):
            raise StorageFullError(f"no space left on the device for the index in {path} ({_reason(exc)})") from exc
        raise IndexDamagedError(f"the index in {path} cannot be opened ({_reason(exc)}): {REBUILD}") from exc


def _lost_database(path: Path) -> bool:
    """True when an embedded store's folder holds vector segments but no database (opening it would
    silently start an empty one)."""
    return path.is_dir() and not (path / DATABASE).exists() and any(p.is_dir() for p in path.iterdir())


def forget_clients() -> None:
    """Drop the clients Chroma keeps per path in this process (after the folder was moved away)."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def store_failure(client: Any, exc: Exception, what: str) -> PlanqaError:
    """The error to raise for a failed store call: the server is away, or the index is damaged."""
    if isinstance(exc, PlanqaError):
        return exc
    if _is_remote(client) and _is_connection_error(exc):
        return StoreUnavailableError(f"the Chroma server does not answer while {what} ({_reason(exc)})")
    if is_disk_full(exc):
        return StorageFullError(f"no space left on the device while {what} ({_reason(exc)})")
    return IndexDamagedError(f"the index cannot be read while {what} ({_reason(exc)}): {REBUILD}")


def _is_remote(client: Any) -> bool:
    """True for a client of a Chroma server (HttpClient), False for the embedded store."""
    try:
        return bool(client.get_settings().chroma_server_host)
    except Exception:
        return False


def _is_connection_error(exc: BaseException) -> bool:
    """True when the exception (or one it came from) is a refused or dropped connection."""
    import httpx

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (httpx.TransportError, ConnectionError)) or "connect" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_disk_full(exc: BaseException) -> bool:
    """True when the exception (or one it came from) says the device is full, whoever noticed it (the OS, SQLite, Chroma)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(seen).lower()
        if "no space left" in text or "disk is full" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(exc: BaseException) -> str:
    """One line naming what went wrong, without a traceback."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def rows_digest(ids: list[str], documents: list[str], vectors: Any) -> str:
    """A digest of the rows: their ids and texts exactly, their vectors as two sums (a float32 vector
    comes back from Chroma a few 1e-9 off, so vectors are compared within a tolerance, digests_match)."""
    order = sorted(range(len(ids)), key=ids.__getitem__)
    h = hashlib.sha256()
    for i in order:
        h.update(ids[i].encode())
        h.update(b"\x1f")
        h.update(documents[i].encode("utf-8"))
        h.update(b"\x1e")
    matrix = np.asarray(vectors, dtype=np.float64).reshape(len(ids), -1)
    probe = np.random.default_rng(len(ids)).standard_normal(matrix.shape[1])
    return f"{h.hexdigest()[:32]}:{float((matrix @ probe).sum()):.6f}:{float(np.linalg.norm(matrix, axis=1).sum()):.6f}"


def digests_match(expected: str, actual: str) -> bool:
    """Equal texts, and vector sums equal within 1e-3 (relative, or absolute near zero)."""
    want, have = expected.split(":"), actual.split(":")
    if len(want) != 3 or len(have) != 3:
        return expected == actual
    return want[0] == have[0] and all(abs(float(a) - float(b)) <= 1e-3 * max(1.0, abs(float(a))) for a, b in zip(want[1:], have[1:]))


def chunk_metadata(chunk: Chunk, part: Part, meta: DocumentMeta, parents: tuple[ParentLink, ...] = ()) -> dict[str, Any]:
    """Flat Chroma metadata for a chunk: enough to rebuild its part and cite it."""
    md: dict[str, Any] = {
        "doc": part.doc,
        "doc_title": meta.short_title,
        "level": meta.level,
        "kind": chunk.kind,
        "part_id": part.id,
        "part_kind": part.kind,
        "path": part.path,
        "clause": part.number if part.number is not None else -1,
        "section": part.section,
        "title": part.title,
        "units": "|".join(part.unit_names),
        "start": chunk.start,
        "end": chunk.end,
    }
    if chunk.kind == "part":
        md["part_text"] = part.text
        md["part_start"] = part.start
        md["unit_note"] = part.unit_note
        md["unit_refs"] = json.dumps([[u.name, u.role, u.written] for u in part.units], ensure_ascii=False)
        md["sentences"] = json.dumps([[s.start - part.start, s.end - part.start] for s in part.sentences])
        md["parents"] = json.dumps([[p.doc, p.path, p.title, p.score] for p in parents], ensure_ascii=False)
        md["ledger"] = extract_part(part).dumps()  # targets, time nodes, projects (index/ledger.py)
    else:
        md["sentence"] = chunk.text.split("：", 1)[1] if "：" in chunk.text else chunk.text
    return md


def parent_links(metadata: dict[str, Any]) -> tuple[ParentLink, ...]:
    """The lineage links stored on a part chunk."""
    return tuple(ParentLink(d, p, t, float(s)) for d, p, t, s in json.loads(metadata.get("parents") or "[]"))


def parts_from_rows(ids: list[str], documents: list[str], metadatas: list[dict[str, Any]]) -> tuple[list[Part], dict[str, Chunk]]:
    """Rebuild part records (with sentences) and chunk records from a collection's rows."""
    chunks: dict[str, Chunk] = {}
    for cid, text, md in zip(ids, documents, metadatas):
        chunks[cid] = Chunk(cid, md["part_id"], md["doc"], md["path"], md["kind"], text, int(md["start"]), int(md["end"]), dict(md))
    parts = []
    for md in metadatas:
        if md["kind"] != "part":
            continue
        refs = tuple(UnitRef(n, r, w) for n, r, w in json.loads(md.get("unit_refs") or "[]"))
        text, base = md["part_text"], int(md["part_start"])
        sentences = tuple(Sentence(text[a:b], base + a, base + b) for a, b in json.loads(md.get("sentences") or "[]"))
        parts.append(
            Part(
                doc=md["doc"],
                kind=md["part_kind"],
                path=md["path"],
                number=None if int(md["clause"]) < 0 else int(md["clause"]),
                section=md["section"],
                title=md["title"],
                text=md["part_text"],
                start=int(md["part_start"]),
                end=int(md["part_start"]) + len(md["part_text"]),
                sentences=sentences,
                units=refs,
                unit_note=md.get("unit_note", ""),
            )
        )
    parts.sort(key=lambda p: (p.doc, p.start))
    return parts, chunks


def active_info(client: Any) -> IndexInfo | None:
    """The published collection and what built it, or None when nothing is published.

    A Chroma server that does not answer raises StoreUnavailableError: "away" is not "no index".
    """
    try:
        pointer = client.get_collection(POINTER)
    except Exception as exc:
        if type(exc).__name__ == "NotFoundError" or "does not exist" in str(exc):
            return None
        raise store_failure(client, exc, "reading the published index") from exc
    md = pointer.metadata or {}
    if not md.get("collection"):
        return None
    return IndexInfo(
        md["collection"], md["embeddings"], md["chunking"], int(md["chunks"]), md["build_id"], Calibration.from_metadata(md), md.get("digest", "")
    )


def read_published(client: Any, embeddings: str, chunking: str) -> tuple[Any, IndexInfo, dict[str, Any]]:
    """The published collection, what built it, and all its rows (texts, metadata, vectors), checked
    whole against the pointer: the row count and the digest. A damaged index is an IndexDamagedError,
    never a half-read one; a build publishing meanwhile is read again from its new pointer."""
    for _ in range(READ_ATTEMPTS):
        collection, info = open_active(client, embeddings, chunking)
        try:
            rows = collection.get(include=["documents", "metadatas", "embeddings"])
        except Exception as exc:
            if _moved(client, info):
                continue
            raise store_failure(client, exc, f"reading {info.collection}") from exc
        problem = _row_problem(info, rows)
        if problem is None:
            return collection, info, rows
        if not _moved(client, info):
            raise IndexDamagedError(f"the published index {info.collection} is damaged ({problem}): {REBUILD}")
    raise IndexDamagedError(f"the published index changed {READ_ATTEMPTS} times while it was being read; try again")


def _moved(client: Any, info: IndexInfo) -> bool:
    """True when another build has published since ``info`` was read."""
    now = active_info(client)
    return now is not None and now.collection != info.collection


def _row_problem(info: IndexInfo, rows: dict[str, Any]) -> str | None:
    """What is wrong with rows read from the published collection, or None when they are whole."""
    ids, documents, vectors = rows.get("ids") or [], rows.get("documents") or [], rows.get("embeddings")
    if len(ids) != info.chunks:
        return f"{len(ids)} of {info.chunks} chunks readable"
    if vectors is None or len(vectors) != len(ids) or len(documents) != len(ids) or any(d is None for d in documents):
        return "chunks without their text or vector"
    if info.digest and not digests_match(info.digest, rows_digest(list(ids), list(documents), vectors)):
        return "its chunks differ from what was published"
    return None


def open_active(client: Any, embeddings: str, chunking: str) -> tuple[Any, IndexInfo]:
    """The published collection, checked against the settings that will query it."""
    info = active_info(client)
    if info is None:
        raise IndexMissingError("no index has been built yet: run `planqa index`")
    if info.embeddings != embeddings or info.chunking != chunking:
        raise IndexMismatchError(
            f"the index was built with embeddings={info.embeddings!r}, chunking={info.chunking!r}, "
            f"but the settings ask for embeddings={embeddings!r}, chunking={chunking!r}: run `planqa index` to rebuild it"
        )
    if info.calibration is None:
        raise IndexMismatchError("the index has no similarity thresholds calibrated for its model (built by an older planqa): run `planqa index` to rebuild it")
    try:
        return client.get_collection(info.collection), info
    except Exception as exc:
        if _moved(client, info):
            return open_active(client, embeddings, chunking)
        failure = store_failure(client, exc, f"opening {info.collection}")
        if isinstance(failure, IndexDamagedError):
            raise IndexDamagedError(f"the published index {info.collection!r} is missing from the store: {REBUILD}") from exc
        raise failure from exc


def publish(client: Any, info: IndexInfo) -> None:
    """Point readers at a complete collection, then drop the older ones."""
    md = {"collection": info.collection, "embeddings": info.embeddings, "chunking": info.chunking, "chunks": info.chunks, "build_id": info.build_id}
    if info.digest:
        md["digest"] = info.digest
    if info.calibration is not None:
        md.update(info.calibration.to_metadata())
    pointer = client.get_or_create_collection(POINTER, metadata=md, embedding_function=None)
    pointer.modify(metadata=md)
    try:
        for col in client.list_collections():
            name = col if isinstance(col, str) else col.name
            if name.startswith(PREFIX) and name != info.collection:
                client.delete_collection(name)
    except Exception:  # the new index is published; what is left over goes at the next build
        pass
