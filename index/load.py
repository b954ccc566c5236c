"""Read a corpus file of any format people have (TXT, PDF, DOCX, HTML) into raw text.

A PDF page without a text layer (a scan) is read by OCR (index/ocr.py); an HTML page is reduced to
its main text by trafilatura, so a portal's navigation, related links and footer stay out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import CorpusError
from index.ocr import OcrSummary, PageProgress, read_pdf

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# Portal markup around an article that is never its text (trafilatura's own heuristics catch most of it).
PRUNE = ["//nav", "//header", "//footer", "//aside", "//form"]
# A portal's metadata table names the 文号 (发文字号：国发〔2024〕17号) when the article text does not.
PORTAL_NUMBER = re.compile(r"(?:发文字号|文\s*号)\s*[:：]\s*([\u4e00-\u9fa5]{1,8}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号)")


# What a file added to the corpus may be, by its name's ending, and how each format's content begins.
FORMATS = {".pdf": "PDF", ".docx": "DOCX", ".html": "HTML", ".htm": "HTML", ".txt": "TXT", ".md": "TXT"}
REFUSED = {
    ".doc": "the old Word format: open it in Word or WPS and save it as DOCX",
    ".wps": "a WPS document: save it as DOCX or PDF",
    ".ofd": "an OFD document: export it as PDF",
    ".xls": "a spreadsheet: planqa reads documents (PDF, DOCX, HTML, TXT)",
    ".xlsx": "a spreadsheet: planqa reads documents (PDF, DOCX, HTML, TXT)",
}
MAGIC = {"PDF": (b"%PDF-",), "DOCX": (b"PK\x03\x04",)}


def check_format(path: Path, name: str | None = None) -> str:
    """The file's format (PDF, DOCX, HTML, TXT), or a CorpusError saying why it is refused.

    ``name`` is the name the user gave the file, when it is stored under another (an upload).
    """
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix in REFUSED:
        raise CorpusError(f"{name}: {REFUSED[suffix]}")
    kind = FORMATS.get(suffix)
    if kind is None:
        raise CorpusError(f"{name}: {suffix or 'a file without an extension'} is not a format planqa reads; use PDF, DOCX, HTML or TXT")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise CorpusError(f"{name}: the file is empty")
    if kind in MAGIC and not head.startswith(MAGIC[kind]):
        raise CorpusError(f"{name}: named {suffix} but its content is not a {kind} file")
    return kind


@dataclass(frozen=True)
class Extracted:
    """A file's raw text, and how much of it OCR read (None when it all came from a text layer)."""

    text: str
    ocr: OcrSummary | None = None


def read_document(path: Path) -> str:
    """The file's text; a clear CorpusError naming the file when it cannot be read."""
    return extract_document(path).text


def extract_document(path: Path, progress: PageProgress | None = None) -> Extracted:
    """The file's text and how it was read; ``progress(page, pages)`` while OCR reads a scan."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path.name}: file not found in the corpus folder")
    suffix = path.suffix.lower()
    ocr = None
    try:
        if suffix == ".pdf":
            text, ocr = read_pdf(path, progress)
        elif suffix == ".docx":
            text = _read_docx(path)
        elif suffix in (".html", ".htm"):
            text = _read_html(path)
        else:
            text = _read_txt(path)
    except CorpusError:
        raise
    except Exception as exc:  # a broken file of any kind is reported by name, never crashes the build
        raise CorpusError(f"{path.name}: cannot read {suffix or 'file'} ({type(exc).__name__}: {exc})") from exc
    if not text.strip():
        raise CorpusError(f"{path.name}: no text found (an empty file, or a scan in which OCR found no text)")
    return Extracted(text, ocr)


def _read_txt(path: Path) -> str:
    data = path.read_bytes()
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"{path.name}: not UTF-8 or GB18030/GBK text; save it as UTF-8")


def _read_docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def _read_html(path: Path) -> str:
    """The page's main text (trafilatura); the 文号 from a portal's metadata table when the text lacks it."""
    import trafilatura

    data = path.read_bytes()
    text = trafilatura.extract(data, output_format="txt", include_tables=False, include_comments=False, deduplicate=False, prune_xpath=PRUNE)
    if not text:
        return _read_html_body(path)
    portal = PORTAL_NUMBER.search(_read_html_body(path))
    if portal and re.sub(r"\s+", "", portal.group(1)) not in re.sub(r"\s+", "", text):
        text = portal.group(1) + "\n" + text
    return text


def _read_html_body(path: Path) -> str:
    """Every text of the page outside scripts and navigation, for pages trafilatura finds no article in."""
    from bs4 import BeautifulSoup

    raw = _read_txt(path)
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript"]):
        tag.decompose()
    body = soup.find(id=lambda v: bool(v) and any(k in v.lower() for k in ("zoom", "content", "article"))) or soup.body or soup
    return body.get_text("\n")
