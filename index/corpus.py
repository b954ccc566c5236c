"""Managing the corpus folder: add a document (copy, infer its header, record it), remove one.

The manifest stays the single record of what the corpus holds; this module is its only writer.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from index.clean import clean_lines, clean_text
from index.errors import CorpusError
from index.load import read_document
from index.manifest import LEVELS, MANIFEST, load_manifest
from index.records import DocumentMeta

NUMBER = re.compile(r"(?<![\u4e00-\u9fa5])[\u4e00-\u9fa5]{1,6}[〔\[［【(（]\d{4}[〕\]］】)）]\d{1,4}号|[\u4e00-\u9fa5]{1,4}[〔\[［【]\d{4}[〕\]］】]\d{1,4}号")
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
TITLE_END = re.compile(r"(通知|方案|计划|意见|办法|规定|条例|决定|规划|纲要|细则|措施)$")
ISSUER = re.compile(r"^(.{0,30}?(人民政府办公厅|人民政府办公室|人民政府|国务院办公厅|国务院|委员会|厅|局))关于")
NATIONAL = re.compile(r"^(国发|国办发|国函|国办函|中发|中办发)")
PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云滇藏陕甘青宁新"
HEADER = """# The corpus: one [[document]] per policy document, provided or not.
# number      — 文号, the document's id and how answers cite it
# title       — full title
# short_title — how answers name it
# issuer      — 发文机关
# level       — national | provincial | municipal
# date        — 成文/印发 date, YYYY-MM-DD
# file        — the file in this folder; omit when the document is listed but not yet provided
# implements  — 文号 of the documents this one implements (its parents)
"""


@dataclass(frozen=True)
class Inferred:
    """What a document's header says about it; None where it says nothing."""

    number: str | None
    title: str | None
    date: str | None
    issuer: str | None
    level: str | None


def normalise_number(text: str) -> str:
    """Bracket and character variants of a 文号 → the canonical 〔〕 form."""
    return re.sub(r"[\[［【(（](\d{4})[\]］】)）]", r"〔\1〕", text).replace("號", "号")


def infer_header(text: str) -> Inferred:
    """Infer 文号, title, date, issuer and level from the first lines of a document."""
    lines = clean_lines(text)[:40]  # header lines keep their own breaks: no reflow here
    head = "\n".join(lines)
    m = NUMBER.search(head)
    number = normalise_number(m.group(0)) if m else None
    title = None
    for i, line in enumerate(lines[:15]):
        if NUMBER.fullmatch(line.strip()) or len(line) > 80 or "。" in line or line.endswith("："):
            continue
        # A title may wrap over several short lines; take the longest run that ends like a title.
        run, best = "", None
        for nxt in lines[i : i + 6]:
            if "。" in nxt or nxt.endswith("：") or len(run + nxt) > 100:
                break
            run += nxt
            if TITLE_END.search(run) and len(run) >= 6:
                best = run
        if best:
            title = best
            break
    dates = DATE.findall(head) or DATE.findall(clean_text(text)[-400:])
    date = f"{int(dates[0][0]):04d}-{int(dates[0][1]):02d}-{int(dates[0][2]):02d}" if dates else None
    issuer = None
    if title and (im := ISSUER.match(title)):
        issuer = im.group(1)
    return Inferred(number, title, date, issuer, infer_level(number, issuer))


def infer_level(number: str | None, issuer: str | None) -> str | None:
    """national for 国发/国办发…; provincial for a one-character province prefix or 省; else municipal."""
    if number and NATIONAL.match(number):
        return "national"
    if issuer and issuer.startswith("国务院"):
        return "national"
    if number and number[0] in PROVINCES and re.match(r"^.(政|政办|政办发|政发)〔", number):
        return "provincial"
    if issuer and "省" in issuer:
        return "provincial"
    if number or issuer:
        return "municipal"
    return None


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
        out.append(f"date = {_q(d.date)}")
        if d.file:
            out.append(f"file = {_q(d.file)}")
        out.append("implements = [" + ", ".join(_q(x) for x in d.implements) + "]")
        out.append("")
    return "\n".join(out)


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_manifest(corpus_dir: Path, docs: list[DocumentMeta]) -> None:
    path = Path(corpus_dir) / MANIFEST
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(dump_manifest(docs), "utf-8")
    tmp.replace(path)


def add_document(
    corpus_dir: Path,
    source: Path,
    number: str | None = None,
    title: str | None = None,
    level: str | None = None,
    issuer: str | None = None,
    date: str | None = None,
) -> tuple[DocumentMeta, list[str]]:
    """Copy a file into the corpus and record it. Returns the entry and what was inferred (for the user)."""
    source = Path(source)
    text = read_document(source)  # fails early, naming the file, if it cannot be read
    guess = infer_header(text)
    notes: list[str] = []
    docs = list(load_manifest(corpus_dir))
    if not number and guess.number:
        notes.append(f"number: {guess.number} (inferred from the document)")
    number = normalise_number(number) if number else guess.number
    if not number:
        raise CorpusError(f"{source.name}: no 文号 found in its header; give one with --number")
    existing = next((d for d in docs if d.number == number), None)
    if existing and existing.file:
        raise CorpusError(f"{number} is already in the corpus as {existing.file}; remove it first (`planqa corpus remove {number}`)")
    for name, given, guessed in (("title", title, guess.title), ("date", date, guess.date), ("issuer", issuer, guess.issuer), ("level", level, guess.level)):
        if not given and guessed and not (existing and getattr(existing, name)):
            notes.append(f"{name}: {guessed} (inferred from the document)")
    resolved_level = level or (existing.level if existing else None) or guess.level or "municipal"
    if resolved_level not in LEVELS:
        raise CorpusError(f"--level {resolved_level!r}: use one of {', '.join(LEVELS)}")
    target = _target_name(corpus_dir, number, source.suffix.lower())
    shutil.copyfile(source, Path(corpus_dir) / target)
    if existing:
        entry = dataclasses.replace(
            existing,
            file=target,
            title=title or existing.title,
            issuer=issuer or existing.issuer,
            date=date or existing.date,
            level=resolved_level,  # type: ignore[arg-type]
        )
        docs = [entry if d.number == number else d for d in docs]
    else:
        final_title = title or guess.title or source.stem
        entry = DocumentMeta(
            number=number,
            title=final_title,
            short_title=final_title,
            issuer=issuer or guess.issuer or "",
            level=resolved_level,  # type: ignore[arg-type]
            date=date or guess.date or "",
            file=target,
            implements=tuple(n for n in _referenced_numbers(text) if n != number),
        )
        docs.append(entry)
    write_manifest(corpus_dir, docs)
    return entry, notes


def remove_document(corpus_dir: Path, number: str) -> DocumentMeta:
    """Delete a document's file; a listed parent stays listed (without a file), anything else is dropped."""
    number = normalise_number(number)
    docs = list(load_manifest(corpus_dir))
    entry = next((d for d in docs if d.number == number), None)
    if entry is None:
        raise CorpusError(f"{number} is not in the manifest; `planqa corpus list` shows what is")
    if entry.file:
        (Path(corpus_dir) / entry.file).unlink(missing_ok=True)
    is_parent = any(number in d.implements for d in docs if d.number != number)
    docs = [dataclasses.replace(d, file=None) if d.number == number else d for d in docs] if is_parent else [d for d in docs if d.number != number]
    write_manifest(corpus_dir, docs)
    return entry


def _target_name(corpus_dir: Path, number: str, suffix: str) -> str:
    stem = re.sub(r"[^\w]+", "_", number).strip("_")
    name = f"{stem}{suffix or '.txt'}"
    if (Path(corpus_dir) / name).exists():
        raise CorpusError(f"{name} already exists in {corpus_dir}")
    return name


def _referenced_numbers(text: str) -> list[str]:
    """文号 the document cites (《…》（国发〔2024〕17号） or bare), in order of first mention."""
    seen: list[str] = []
    for m in NUMBER.finditer(clean_text(text)):
        n = normalise_number(m.group(0))
        if n not in seen:
            seen.append(n)
    return seen


def corpus_status(corpus_dir: Path, chroma_path: Path, host: str | None = None, port: int | None = None) -> list[tuple[DocumentMeta, str]]:
    """Every manifest document with its status: indexed, not indexed yet, file missing, or listed only."""
    from index.store import active_info, make_client

    indexed: set[str] = set()
    try:
        client = make_client(chroma_path, host, port)
        info = active_info(client)
        if info is not None:
            rows = client.get_collection(info.collection).get(where={"kind": "part"}, include=["metadatas"])
            indexed = {md["doc"] for md in rows["metadatas"]}
    except Exception:  # no index yet, or no server: every provided document reads "not indexed"
        pass
    out = []
    for meta in load_manifest(corpus_dir):
        if not meta.file:
            status = "listed, not provided"
        elif not (Path(corpus_dir) / meta.file).exists():
            status = f"file missing ({meta.file})"
        elif meta.number in indexed:
            status = "indexed"
        else:
            status = "not indexed (run `planqa index`; see its errors)"
        out.append((meta, status))
    return out
