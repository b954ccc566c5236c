"""Read the pages of a PDF that have no text layer (scans) with OCR.

RapidOCR (the `rapidocr-onnxruntime` wheel) runs PaddleOCR's PP-OCRv4 detection and recognition
models on onnxruntime; the models ship inside the wheel, so nothing is downloaded and it runs offline.
Pages are rendered with pypdfium2. What comes out is raw page text, one detected line a line, with
the misreadings OCR makes on official documents put right (〔〕 in a 文号 read as 【】, ASCII
punctuation between Chinese characters, a page number's dashes read as 一); the usual cleaning step
(index/clean.py) then drops page markers and joins broken lines, as for any extracted PDF.

The result of a file is cached beside it (``<file>.ocr.json``, keyed by the file's SHA-256), so that
re-indexing a corpus never reads a scan twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from index.errors import CorpusError

PageProgress = Callable[[int, int], None]
ENGINE = "RapidOCR PP-OCRv4 (rapidocr-onnxruntime)"
RENDER_DPI = 150  # A4 at 150 dpi is 1240 × 1754 px: body text of 16 pt is ~33 px high, ample for the 48 px recogniser
CACHE_SUFFIX = ".ocr.json"
CACHE_VERSION = 1
# A scanned page's text layer is empty, or holds a few characters of a stamp or a page number.
MIN_LAYER_CHARS = 10

# Corrections of what PP-OCR reads on official documents, applied line by line.
YEAR_BRACKETS = re.compile(r"[〔【\[［(（]\s*((?:19|20)\d{2})\s*[〕】\]］)）](?=\s*\d{1,4}\s*号)")
# A page's first or last line that is only a number, with whatever its dashes were read as.
PAGE_NUMBER = re.compile(r"^[一—–\-－_~=·.]{0,3}\s*(\d{1,3})\s*[一—–\-－_~=·.]{0,3}$")
# A speck read as a middle dot right after a punctuation mark (、·市应急管理局).
STRAY_DOT = re.compile(r"(?<=[、，。；：（）])[·•]+")
CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
ASCII_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
HALF_PUNCT = re.compile(rf"(?<=[{CJK}）》”])\s*([,:;?!])|([,:;?!])\s*(?=[{CJK}（《“])")
HALF_OPEN = re.compile(rf"\((?=[{CJK}])")
HALF_CLOSE = re.compile(rf"(?<=[{CJK}。])\)")

_lock = threading.Lock()  # one page at a time: onnxruntime already uses every core


@dataclass(frozen=True)
class OcrPage:
    """One page read by OCR: its text (one detected line a line) and the recogniser's confidence."""

    number: int  # 1-based page number in the PDF
    text: str
    confidence: float  # mean over the page's lines, weighted by their length; 0.0 when nothing was read
    chars: int


@dataclass(frozen=True)
class OcrSummary:
    """What a document's status says about its OCR: how many pages, and how sure the recogniser was."""

    pages: int
    confidence: float  # mean over every character read, 0–1

    def describe(self) -> str:
        return f"OCR: {self.pages} page(s), mean confidence {self.confidence:.1%}"


def summarise(pages: Sequence[OcrPage]) -> OcrSummary:
    """Pages read by OCR → the mean confidence over every character read."""
    chars = sum(p.chars for p in pages)
    mean = sum(p.confidence * p.chars for p in pages) / chars if chars else 0.0
    return OcrSummary(len(pages), round(mean, 4))


@cache
def engine() -> Any:
    """The OCR engine, loaded once per process (three ONNX models, ~0.2 s)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - a dependency of planqa
        raise CorpusError("reading a scan needs OCR: pip install rapidocr-onnxruntime (Python ≤ 3.12)") from exc
    return RapidOCR()


def render_pages(path: Path, numbers: Sequence[int], dpi: int = RENDER_DPI) -> Any:
    """Yield (page number, grey image as a numpy array) for the given 1-based page numbers."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        for number in numbers:
            page = document[number - 1]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            yield number, bitmap.to_numpy().copy()
            page.close()
    finally:
        document.close()


def recognise(image: Any) -> tuple[list[str], list[tuple[int, float]]]:
    """OCR one page image: its lines top to bottom, and (length, confidence) of each detected box."""
    with _lock:
        result, _ = engine()(image, use_cls=False)  # scans of official documents are upright
    boxes = [(box, text, float(score)) for box, text, score in result or () if text.strip()]
    scores = [(len(text.strip()), score) for _, text, score in boxes]
    lines = [fix_line(line) for line in group_lines(boxes)]
    for i in {0, len(lines) - 1} if lines else ():
        if m := PAGE_NUMBER.match(lines[i]):
            lines[i] = f"— {m.group(1)} —"  # the cleaning step drops it as a page marker
    return lines, scores


def group_lines(boxes: Sequence[tuple[Any, str, float]]) -> list[str]:
    """Detected boxes → text lines: boxes that overlap vertically by half their height are one line,
    read left to right."""
    rows: list[list[tuple[float, float, float, str]]] = []  # (top, bottom, left, text)
    for box, text, _ in sorted(boxes, key=lambda b: (_top(b[0]), _left(b[0]))):
        top, bottom, left = _top(box), _bottom(box), _left(box)
        row = rows[-1] if rows else None
        if row and min(bottom, row[0][1]) - max(top, row[0][0]) > 0.5 * min(bottom - top, row[0][1] - row[0][0]):
            row.append((top, bottom, left, text))
        else:
            rows.append([(top, bottom, left, text)])
    return [" ".join(t.strip() for _, _, _, t in sorted(row, key=lambda r: r[2])) for row in rows]


def _top(box: Any) -> float:
    return min(p[1] for p in box)


def _bottom(box: Any) -> float:
    return max(p[1] for p in box)


def _left(box: Any) -> float:
    return min(p[0] for p in box)


def fix_line(line: str) -> str:
    """Put right what OCR misreads on official documents; text otherwise unchanged."""
    line = STRAY_DOT.sub("", line.strip())
    line = YEAR_BRACKETS.sub(r"〔\1〕", line)
    line = HALF_PUNCT.sub(lambda m: ASCII_PUNCT[m.group(1) or m.group(2)], line)
    return HALF_CLOSE.sub("）", HALF_OPEN.sub("（", line))


def ocr_pages(path: Path, numbers: Sequence[int], progress: PageProgress | None = None, dpi: int = RENDER_DPI) -> list[OcrPage]:
    """OCR the given pages of a PDF; ``progress(done, total)`` after each page."""
    out = []
    for done, (number, image) in enumerate(render_pages(path, numbers, dpi), 1):
        lines, scores = recognise(image)
        chars = sum(n for n, _ in scores)
        confidence = sum(n * s for n, s in scores) / chars if chars else 0.0
        out.append(OcrPage(number, "\n".join(lines), round(confidence, 4), chars))
        if progress:
            progress(done, len(numbers))
    return out


def cache_path(path: Path) -> Path:
    """Where a file's OCR result is kept: beside it, as <file>.ocr.json."""
    return path.with_name(path.name + CACHE_SUFFIX)


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cached_pages(path: Path, numbers: Sequence[int]) -> list[OcrPage] | None:
    """The cached OCR of exactly these pages of this file's content, or None."""
    cache_file = cache_path(path)
    try:
        data = json.loads(cache_file.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("version") != CACHE_VERSION or data.get("sha256") != file_digest(path):
        return None
    pages = [OcrPage(**p) for p in data.get("pages", [])]
    return pages if [p.number for p in pages] == list(numbers) else None


def store_pages(path: Path, pages: Sequence[OcrPage]) -> None:
    """Keep the OCR result beside the file; a read-only folder only means it is read again next time."""
    data = {"version": CACHE_VERSION, "engine": ENGINE, "sha256": file_digest(path), "pages": [asdict(p) for p in pages]}
    try:
        cache_path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    except OSError:
        pass


def read_pdf(path: Path, progress: PageProgress | None = None) -> tuple[str, OcrSummary | None]:
    """A PDF's text: the text layer where a page has one, OCR where it has none (or only a stamp's
    worth of characters). Returns the text and, when any page was read by OCR, its summary."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    texts = [page.extract_text() or "" for page in reader.pages]
    scanned = [i + 1 for i, text in enumerate(texts) if len(re.sub(r"\s+", "", text)) < MIN_LAYER_CHARS]
    if not scanned:
        return "\n".join(texts), None
    pages = cached_pages(path, scanned)
    if pages is None:
        try:
            pages = ocr_pages(path, scanned, progress)
        except CorpusError as exc:
            raise CorpusError(f"{path.name}: {len(scanned)} page(s) without a text layer; {exc}") from exc
        store_pages(path, pages)
    elif progress:
        progress(len(scanned), len(scanned))
    for page in pages:
        texts[page.number - 1] = page.text
    return "\n".join(texts), summarise(pages)
