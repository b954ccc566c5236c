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
HEADER = """# The corpus: one [[document]] per policy document, provided or not.
# number      — 文号, the document's id and how answers cite it
# title       — full title
# short_title — how answers name it
# issuer      — 发文机关
# level       — national | provincial | municipal
# place       — the city or province it governs (from the issuer when omitted); none for national documents
# date        — 成文/印发 date, YYYY-MM-DD
# file        — the file in this folder; omit when the document is listed but not yet provided
# implements  — 文号 of the documents this one implements (its parents)
# primary     — true for the documents answered from first when a question names none
#               (default: the provided documents of the lowest level)
# source      — the web address the file was fetched from; fetched — the date it was fetched
# ocr_pages   — pages of the file read by OCR (a scan); ocr_confidence — their mean confidence, 0–1
"""

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
                source=row.get("source", ""),
                fetched=str(row.get("fetched", "")),
                ocr_pages=int(row.get("ocr_pages", 0)),
                ocr_confidence=float(row.get("ocr_confidence", 0.0)),
            )
        )
    return tuple(docs)


def dump_manifest(docs: tuple[DocumentMeta, ...] | list[DocumentMeta]) -> str:
    """The manifest as TOML, in a stable layout."""
    out = [HEADER]
    for d in docs:
        out.append("[[document]]")
        out.append(f"number = {_q(d.number)}")
        out.append(f"title = {_q(d.title)}")
        out.append(f"short_title = {_q(d.short_title)}")
        out.append(f"issuer = {_q(d.issuer)}")
        out.append(f"level = {_q(d.level)}")
        if d.place:
            out.append(f"place = {_q(d.place)}")
        out.append(f"date = {_q(d.date)}")
        if d.file:
            out.append(f"file = {_q(d.file)}")
        out.append("implements = [" + ", ".join(_q(x) for x in d.implements) + "]")
        if d.primary:
            out.append("primary = true")
        if d.source:
            out.append(f"source = {_q(d.source)}")
            out.append(f"fetched = {_q(d.fetched)}")
        if d.ocr_pages:
            out.append(f"ocr_pages = {d.ocr_pages}")
            out.append(f"ocr_confidence = {d.ocr_confidence:.4f}")
        out.append("")
    return "\n".join(out)


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_manifest(corpus_dir: Path, docs: list[DocumentMeta]) -> None:
    """Replace the manifest in one step (write a temporary file, then rename it)."""
    path = Path(corpus_dir) / MANIFEST
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(dump_manifest(docs), "utf-8")
    tmp.replace(path)
