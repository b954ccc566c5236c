"""The corpus manifest (corpus/manifest.toml): every document, provided or only listed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from index.errors import CorpusError
from index.records import DocumentMeta

MANIFEST = "manifest.toml"
LEVELS = ("national", "provincial", "municipal")
# An issuer names its place first: 格尔木市人民政府办公室 → 格尔木市, 中共青海省委 → 青海省. The suffixes are
# the administrative divisions' own words, so no place name is needed to find one.
PLACE_IN_ISSUER = re.compile(r"^(?:中共)?(?P<place>[\u4e00-\u9fff]{2,15}?(?:特别行政区|自治区|自治州|自治县|省|市|州|盟|县|旗|区))")


def place_of_issuer(issuer: str) -> str:
    """The place an issuer governs (格尔木市人民政府办公室 → 格尔木市); '' for national bodies (国务院)."""
    m = PLACE_IN_ISSUER.match(issuer.strip())
    if not m or m.group("place").startswith(("国务院", "国家", "中央", "全国")):
        return ""
    return m.group("place")


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
        if not isinstance(row.get("primary", False), bool):
            raise CorpusError(f"{path}: document {row['number']} has primary = {row['primary']!r}; use true or false")
        issuer = row.get("issuer", "")
        docs.append(
            DocumentMeta(
                number=row["number"],
                title=row["title"],
                short_title=row.get("short_title") or row["title"],
                issuer=issuer,
                level=row["level"],
                date=str(row.get("date", "")),
                file=row.get("file") or None,
                implements=tuple(row.get("implements", ())),
                place=row.get("place") or place_of_issuer(issuer),
                primary=row.get("primary", False),
            )
        )
    return tuple(docs)
