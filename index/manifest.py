"""The corpus manifest (corpus/manifest.toml): every document, provided or only listed."""

from __future__ import annotations

import tomllib
from pathlib import Path

from index.errors import CorpusError
from index.records import DocumentMeta

MANIFEST = "manifest.toml"
LEVELS = ("national", "provincial", "municipal")


def load_manifest(corpus_dir: Path) -> tuple[DocumentMeta, ...]:
    """Read the manifest; a malformed entry is an error naming the entry."""
    path = Path(corpus_dir) / MANIFEST
    if not path.exists():
        raise CorpusError(f"{path}: manifest not found")
    try:
        rows = tomllib.loads(path.read_text("utf-8")).get("document", [])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not valid TOML ({exc})") from exc
    docs = []
    for i, row in enumerate(rows, 1):
        missing = [k for k in ("number", "title", "level") if not row.get(k)]
        if missing:
            raise CorpusError(f"{path}: document #{i} lacks {', '.join(missing)}")
        if row["level"] not in LEVELS:
            raise CorpusError(f"{path}: document {row['number']} has level {row['level']!r}; use one of {LEVELS}")
        docs.append(
            DocumentMeta(
                number=row["number"],
                title=row["title"],
                short_title=row.get("short_title") or row["title"],
                issuer=row.get("issuer", ""),
                level=row["level"],
                date=str(row.get("date", "")),
                file=row.get("file") or None,
                implements=tuple(row.get("implements", ())),
            )
        )
    return tuple(docs)
