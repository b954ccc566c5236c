"""Managing the corpus folder: add a document (copy, infer its header, record it), remove one.

The manifest stays the single record of what the corpus holds; this module is its only writer.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from index.clean import HEADING, clean_lines, clean_text
from index.errors import CorpusError
from index.load import check_format, extract_document
from index.manifest import LEVELS, dump_manifest, load_manifest, place_of_issuer, write_manifest  # noqa: F401  (re-exported)
from index.ocr import OcrSummary, PageProgress, cache_path
from index.parse import parse_document
from index.records import DocumentMeta

# A 文号: the issuer's prefix, the year in brackets (any of the bracket forms people type), the number.
NUMBER_CORE = r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*[号號]"
OWN_LINE = re.compile(rf"^(?:(?:发文字号|发文文号|文号|字号)\s*[:：]\s*)?(?P<number>[\u4e00-\u9fa5]{{1,8}}\s*{NUMBER_CORE})$")
LINE_END = re.compile(rf"(?:^|\s)(?P<number>[\u4e00-\u9fa5]{{1,8}}\s*{NUMBER_CORE})\s*$")
# 《title》（文号）: how a document names the documents it implements.
REFERENCE = re.compile(
    rf"《(?P<title>[^《》]{{2,150}})》\s*[（(]\s*(?P<number>[\u4e00-\u9fa5]{{1,8}}\s*{NUMBER_CORE})\s*(?:[）)]|[，,；;])"
)
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DATE_LINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
TITLE_END = re.compile(r"(通知|方案|计划|意见|办法|规定|条例|决定|规划|纲要|细则|措施)$")
ISSUER = re.compile(r"^(.{0,30}?(人民政府办公厅|人民政府办公室|人民政府|国务院办公厅|国务院|委员会|办公厅|办公室|厅|局|部))关于")
SIGNATURE = re.compile(
    r"^[\u4e00-\u9fa5 ]{2,40}(人民政府办公厅|人民政府办公室|人民政府|国务院办公厅|国务院|委员会|办公厅|办公室|厅|局|部)$"
)
CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
HEAD_LINES = 40


@dataclass(frozen=True)
class Inferred:
    """What a document's header says about it; None where it says nothing."""

    number: str | None
    title: str | None
    date: str | None
    issuer: str | None
    level: str | None


@dataclass(frozen=True)
class Reference:
    """A document named in another's notice or preamble as 《title》（文号）."""

    number: str
    title: str


@cache
def _number_rules() -> dict[str, Any]:
    """index/data/document_numbers.toml, read once."""
    return tomllib.loads(resources.files("index").joinpath("data/document_numbers.toml").read_text("utf-8"))


def normalise_number(text: str) -> str:
    """Bracket, space and character variants of a 文号 → the canonical 〔〕 form."""
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[\[［【(（](\d{4})[\]］】)）]", r"〔\1〕", text).replace("號", "号")


def infer_header(text: str) -> Inferred:
    """Infer 文号, title, date, issuer and level from the first lines of a document."""
    raw_lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()][:HEAD_LINES]
    lines = clean_lines(text)[:HEAD_LINES]  # header lines keep their own breaks: no reflow here
    number = own_number(lines, raw_lines)
    title = _title(lines)
    date = _date(lines) or _date(clean_lines(text)[-30:]) or _any_date(lines)
    issuer = None
    if title and (im := ISSUER.match(title)):
        issuer = im.group(1)
    elif signature := _signature(lines):
        issuer = signature
    return Inferred(number, title, date, issuer, infer_level(number, issuer))


def own_number(lines: list[str], raw_lines: list[str] | None = None) -> str | None:
    """The document's own 文号: a header line that is one (or ends with one after a space).

    A 文号 inside running text or in 《…》（文号） is a reference to another document, never its own.
    """
    for line in lines:
        if m := OWN_LINE.match(line):
            return normalise_number(m.group("number"))
    for line in raw_lines or ():
        if "》" not in line and (m := LINE_END.search(line)):
            return normalise_number(m.group("number"))
    return None


def _title(lines: list[str]) -> str | None:
    for i, line in enumerate(lines[:15]):
        if OWN_LINE.match(line) or len(line) > 80 or "。" in line or line.endswith("："):
            continue
        # A title may wrap over several short lines; take the longest run that ends like a title.
        run, best = "", None
        for nxt in lines[i : i + 6]:
            if "。" in nxt or nxt.endswith("：") or OWN_LINE.match(nxt) or len(run + nxt) > 100:
                break
            run += nxt
            if TITLE_END.search(run) and len(run) >= 6:
                best = run
        if best:
            return best
    return None


def _date(lines: list[str]) -> str | None:
    """The first line that is only a date (the signature date), in Arabic or Chinese numerals."""
    for line in lines:
        squashed = re.sub(r"\s+", "", line)
        if m := DATE_LINE.fullmatch(squashed):
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        if m := CN_DATE.fullmatch(squashed):
            year = "".join(str(CN_DIGIT[c]) for c in m.group(1))
            return f"{year}-{_cn_small(m.group(2)):02d}-{_cn_small(m.group(3)):02d}"
    return None


def _any_date(lines: list[str]) -> str | None:
    """A date anywhere in the header, when no line is only a date."""
    m = DATE.search("\n".join(lines))
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def _cn_small(text: str) -> int:
    """一 … 三十一 → 1 … 31."""
    if "十" not in text:
        return CN_DIGIT[text]
    tens, _, ones = text.partition("十")
    return (CN_DIGIT[tens] if tens else 1) * 10 + (CN_DIGIT[ones] if ones else 0)


def _signature(lines: list[str]) -> str | None:
    """The issuing body as signed above the date line."""
    for prev, line in zip(lines, lines[1:]):
        if _date([line]) and SIGNATURE.match(prev):
            return prev.replace(" ", "")
    return None


def infer_level(number: str | None, issuer: str | None) -> str | None:
    """national for 国发/国办发… or a national issuer; provincial for a province's 文号 or issuer; else municipal."""
    rules = _number_rules()
    place = place_of_issuer(issuer or "")
    if number and number.startswith(tuple(rules["national_prefixes"])):
        return "national"
    if issuer and not place and (issuer.startswith(tuple(rules["national_issuers"])) or issuer.endswith("部")):
        return "national"
    if place.endswith(("省", "自治区")):
        return "provincial"
    kinds = "|".join(sorted(map(re.escape, rules["provincial_number_kinds"]), key=len, reverse=True))
    if not place and number and number[0] in rules["province_abbreviations"] and re.match(rf"^.(?:{kinds})〔", number):
        return "provincial"
    if number or issuer:
        return "municipal"
    return None


def referenced_documents(text: str, own: str | None = None) -> list[Reference]:
    """Documents named as 《title》（文号） in the notice and preamble (before the first heading),
    in order of first mention; never the document itself."""
    front = front_matter(clean_text(text))
    found: dict[str, Reference] = {}
    for m in REFERENCE.finditer(front):
        number = normalise_number(m.group("number"))
        if number != own and number not in found:
            found[number] = Reference(number, re.sub(r"\s+", "", m.group("title")))
    return list(found.values())


def front_matter(clean: str) -> str:
    """The notice and preamble: the clean text before the first structural heading."""
    lines = clean.split("\n")
    first = next((i for i, line in enumerate(lines) if HEADING.match(line)), len(lines))
    return "\n".join(lines[:first])


@dataclass(frozen=True)
class Preview:
    """A file read before it is added: what its header says, and how its text was read."""

    name: str
    header: Inferred
    references: tuple[Reference, ...]
    chars: int
    clauses: int  # numbered clauses it parses into
    numbered: int  # numbered sections and clauses (0: no structure planqa can cite by number)
    ocr: OcrSummary | None = None


@dataclass(frozen=True)
class Origin:
    """Where a file added from a web address came from."""

    url: str
    fetched: str  # YYYY-MM-DD


def preview_document(source: Path, name: str | None = None, progress: PageProgress | None = None) -> Preview:
    """Check a file's format and read it (OCR for a scan, ``progress(page, pages)``), and infer its
    header: what the user confirms or corrects before adding it."""
    check_format(source, name)
    extracted = extract_document(source, progress)
    header = infer_header(extracted.text)
    references = tuple(referenced_documents(extracted.text, header.number))
    probe = DocumentMeta(header.number or "?", header.title or "", "", header.issuer or "", header.level or "municipal", "")  # type: ignore[arg-type]
    parsed = parse_document(extracted.text, probe)
    return Preview(name or Path(source).name, header, references, len(extracted.text), len(parsed.clauses), sum(p.kind in ("section", "clause") for p in parsed.parts), extracted.ocr)


def add_document(
    corpus_dir: Path,
    source: Path,
    number: str | None = None,
    title: str | None = None,
    level: str | None = None,
    issuer: str | None = None,
    date: str | None = None,
    origin: Origin | None = None,
    progress: PageProgress | None = None,
) -> tuple[DocumentMeta, list[str]]:
    """Copy a file into the corpus and record it, with the parents it names listed (without files)
    when the manifest lacks them. Returns the entry and what was inferred (for the user)."""
    source = Path(source)
    check_format(source)
    extracted = extract_document(source, progress)  # fails early, naming the file, if it cannot be read
    text = extracted.text
    guess = infer_header(text)
    notes: list[str] = []
    docs = list(load_manifest(corpus_dir))
    if not number and guess.number:
        notes.append(f"number: {guess.number} (inferred from the document)")
    number = normalise_number(number) if number else guess.number
    if not number:
        raise CorpusError(f"{source.name}: no 文号 found in its header; give one with --number")
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise CorpusError(f"date {date!r}: use YYYY-MM-DD")
    existing = next((d for d in docs if d.number == number), None)
    if existing and existing.file:
        raise CorpusError(f"{number} is already in the corpus as {existing.file}; remove it first (`planqa corpus remove {number}`)")
    for name, given, guessed in (
        ("title", title, guess.title),
        ("date", date, guess.date),
        ("issuer", issuer, guess.issuer),
        ("level", level, guess.level),
    ):
        if not given and guessed and not (existing and getattr(existing, name)):
            notes.append(f"{name}: {guessed} (inferred from the document)")
    resolved_issuer = issuer or (existing.issuer if existing else "") or guess.issuer or ""
    resolved_level = level or (existing.level if existing else None) or infer_level(number, resolved_issuer) or guess.level or "municipal"
    if resolved_level not in LEVELS:
        raise CorpusError(f"--level {resolved_level!r}: use one of {', '.join(LEVELS)}")
    references = referenced_documents(text, number)
    parents = tuple(dict.fromkeys([*(existing.implements if existing else ()), *(r.number for r in references)]))
    if references:
        notes.append(f"implements: {'、'.join(r.number for r in references)} (from 《…》（文号） in its notice and preamble)")
    if extracted.ocr:
        notes.append(f"text: read by {extracted.ocr.describe()}")
    target = _target_name(corpus_dir, number, source.suffix.lower())
    shutil.copyfile(source, Path(corpus_dir) / target)
    if extracted.ocr and cache_path(source).exists():  # the scan is not read twice
        shutil.copyfile(cache_path(source), cache_path(Path(corpus_dir) / target))
    read = {
        "file": target,
        "source": origin.url if origin else "",
        "fetched": origin.fetched if origin else "",
        "ocr_pages": extracted.ocr.pages if extracted.ocr else 0,
        "ocr_confidence": extracted.ocr.confidence if extracted.ocr else 0.0,
    }
    if existing:
        entry = dataclasses.replace(
            existing,
            title=title or existing.title,
            issuer=resolved_issuer,
            date=date or existing.date or guess.date or "",
            level=resolved_level,  # type: ignore[arg-type]
            implements=tuple(n for n in parents if n != number),
            place=existing.place or place_of_issuer(resolved_issuer),
            **read,
        )
        docs = [entry if d.number == number else d for d in docs]
    else:
        final_title = title or guess.title or source.stem
        entry = DocumentMeta(
            number=number,
            title=final_title,
            short_title=final_title,
            issuer=resolved_issuer,
            level=resolved_level,  # type: ignore[arg-type]
            date=date or guess.date or "",
            implements=tuple(n for n in parents if n != number),
            place=place_of_issuer(resolved_issuer),
            **read,
        )
        docs.append(entry)
    known = {d.number for d in docs}
    for ref in references:
        if ref.number not in known:
            docs.append(listed_parent(ref))
            known.add(ref.number)
            notes.append(f"listed parent: {ref.number}《{ref.title}》 (not provided; add its file with `planqa corpus add`)")
    write_manifest(corpus_dir, docs)
    return entry, notes


def listed_parent(ref: Reference) -> DocumentMeta:
    """A manifest entry, without a file, for a parent a document names but the corpus lacks."""
    im = ISSUER.match(ref.title)
    issuer = im.group(1) if im else ""
    level = infer_level(ref.number, issuer) or "municipal"
    return DocumentMeta(ref.number, ref.title, ref.title, issuer, level, "", None, (), place_of_issuer(issuer))  # type: ignore[arg-type]


def remove_document(corpus_dir: Path, number: str) -> DocumentMeta:
    """Delete a document's file; a listed parent stays listed (without a file), anything else is dropped."""
    number = normalise_number(number)
    docs = list(load_manifest(corpus_dir))
    entry = next((d for d in docs if d.number == number), None)
    if entry is None:
        raise CorpusError(f"{number} is not in the manifest; `planqa corpus list` shows what is")
    if entry.file:
        (Path(corpus_dir) / entry.file).unlink(missing_ok=True)
        cache_path(Path(corpus_dir) / entry.file).unlink(missing_ok=True)
    is_parent = any(number in d.implements for d in docs if d.number != number)
    docs = (
        [dataclasses.replace(d, file=None, source="", fetched="", ocr_pages=0, ocr_confidence=0.0) if d.number == number else d for d in docs]
        if is_parent
        else [d for d in docs if d.number != number]
    )
    write_manifest(corpus_dir, docs)
    return entry


def _target_name(corpus_dir: Path, number: str, suffix: str) -> str:
    stem = re.sub(r"[^\w]+", "_", number).strip("_")
    name = f"{stem}{suffix or '.txt'}"
    if (Path(corpus_dir) / name).exists():
        raise CorpusError(f"{name} already exists in {corpus_dir}")
    return name


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
        out.append((meta, status + "".join(f"; {note}" for note in provenance(meta))))
    return out


def provenance(meta: DocumentMeta) -> list[str]:
    """How a provided document's text came in: OCR of a scan, a web address."""
    notes = []
    if meta.file and meta.ocr_pages:
        notes.append(OcrSummary(meta.ocr_pages, meta.ocr_confidence).describe())
    if meta.file and meta.source:
        notes.append(f"from {meta.source}" + (f" (fetched {meta.fetched})" if meta.fetched else ""))
    return notes
