"""Read a corpus file of any format people have (TXT, PDF, DOCX, HTML) into raw text."""

from __future__ import annotations

from pathlib import Path

from index.errors import CorpusError

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def read_document(path: Path) -> str:
    """The file's text; a clear CorpusError naming the file when it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path.name}: file not found in the corpus folder")
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            text = _read_pdf(path)
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
        raise CorpusError(f"{path.name}: no text found (empty file, or a scanned PDF without a text layer)")
    return text


def _read_txt(path: Path) -> str:
    data = path.read_bytes()
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"{path.name}: not UTF-8 or GB18030/GBK text; save it as UTF-8")


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _read_docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def _read_html(path: Path) -> str:
    from bs4 import BeautifulSoup

    raw = _read_txt(path)
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript"]):
        tag.decompose()
    body = soup.find(id=lambda v: bool(v) and any(k in v.lower() for k in ("zoom", "content", "article"))) or soup.body or soup
    return body.get_text("\n")
