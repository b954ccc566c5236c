"""Chroma storage: chunks with their part records as metadata, built into a fresh collection and
published by switching one pointer, so a half-built index is never served."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from index.calibrate import Calibration
from index.errors import IndexMismatchError, IndexMissingError
from index.ledger import extract_part
from index.lineage import ParentLink
from index.records import Chunk, DocumentMeta, Part, Sentence, UnitRef

POINTER = "planqa-active"
PREFIX = "planqa-chunks-"


@dataclass(frozen=True)
class IndexInfo:
    """What built the active collection."""

    collection: str
    embeddings: str
    chunking: str
    chunks: int
    build_id: str
    calibration: Calibration | None = None  # similarity thresholds derived for this corpus and model (index/calibrate.py)


def make_client(path: str | None = None, host: str | None = None, port: int | None = None) -> Any:
    """An embedded PersistentClient at ``path``, or an HttpClient when a host is given."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        return chromadb.HttpClient(host=host, port=port or 8000, settings=chroma_settings)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


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
    """The published collection and what built it, or None when nothing is published."""
    try:
        pointer = client.get_collection(POINTER)
    except Exception:
        return None
    md = pointer.metadata or {}
    if not md.get("collection"):
        return None
    return IndexInfo(md["collection"], md["embeddings"], md["chunking"], int(md["chunks"]), md["build_id"], Calibration.from_metadata(md))


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
        raise IndexMissingError(f"the published index {info.collection!r} is gone: run `planqa index`") from exc


def publish(client: Any, info: IndexInfo) -> None:
    """Point readers at a complete collection, then drop the older ones."""
    md = {"collection": info.collection, "embeddings": info.embeddings, "chunking": info.chunking, "chunks": info.chunks, "build_id": info.build_id}
    if info.calibration is not None:
        md.update(info.calibration.to_metadata())
    pointer = client.get_or_create_collection(POINTER, metadata=md, embedding_function=None)
    pointer.modify(metadata=md)
    for col in client.list_collections():
        name = col if isinstance(col, str) else col.name
        if name.startswith(PREFIX) and name != info.collection:
            client.delete_collection(name)
