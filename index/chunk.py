"""Structure-following chunks: one per part (with its section and title as context) plus one per
sentence, each keeping its part's identity. Nothing is ever cut from its clause."""

from __future__ import annotations

from index.records import Chunk, DocumentMeta, Part, content_id

CHUNKING_VERSION = "parts+sentences-v4"
MIN_SENTENCE_CHARS = 6


def part_context(meta: DocumentMeta, part: Part) -> str:
    """The heading line that gives a chunk its place: document, section, clause and title."""
    bits = [meta.short_title, part.section, part.path if part.kind == "clause" else "", part.title]
    return " ".join(b for b in bits if b)


def chunk_part(meta: DocumentMeta, part: Part) -> list[Chunk]:
    """The part chunk and its sentence chunks."""
    body = part.text
    if part.unit_note:
        body = body[: body.rfind("（")] if "（" in body else body
    context = part_context(meta, part)
    chunks = [
        Chunk(
            id=content_id(CHUNKING_VERSION, part.id, "part"),
            part_id=part.id,
            doc=part.doc,
            path=part.path,
            kind="part",
            text=f"{context}\n{body}",
            start=part.start,
            end=part.end,
        )
    ]
    if len(part.sentences) > 1:
        for s in part.sentences:
            if len(s.text) < MIN_SENTENCE_CHARS:
                continue
            chunks.append(
                Chunk(
                    id=content_id(CHUNKING_VERSION, part.id, str(s.start), s.text),
                    part_id=part.id,
                    doc=part.doc,
                    path=part.path,
                    kind="window",
                    text=f"{part.title}：{s.text}",
                    start=s.start,
                    end=s.end,
                )
            )
    return chunks
