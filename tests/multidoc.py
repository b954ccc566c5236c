"""A temporary corpus with the plan and the synthetic parent documents (tests/fixtures/synthetic),
added the way a user adds files: GBK text, a generated DOCX and a generated PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CORPUS

SYNTHETIC = Path(__file__).resolve().parent / "fixtures" / "synthetic"


def write_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(text: str, path: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path))
    page.setFont("STSong-Light", 11)
    y = 800
    for line in text.splitlines():
        page.drawString(40, y, line)
        y -= 18
    page.save()
    return path


def make_files(folder: Path) -> dict[str, Path]:
    """The three synthetic documents in the formats users have."""
    folder.mkdir(parents=True, exist_ok=True)
    provincial = folder / "qinghai.txt"
    provincial.write_bytes((SYNTHETIC / "provincial_plan.txt").read_text("utf-8").encode("gbk"))
    national = write_docx((SYNTHETIC / "national_plan.txt").read_text("utf-8"), folder / "guofa.docx")
    regulation = write_pdf((SYNTHETIC / "regulation.txt").read_text("utf-8"), folder / "rental.pdf")
    return {"provincial": provincial, "national": national, "regulation": regulation}


def corpus_copy(folder: Path) -> Path:
    """The plan and its manifest (parents listed without files) in a fresh folder."""
    folder.mkdir(parents=True)
    shutil.copy(CORPUS / "000_d778971aa3a766e0.txt", folder)
    shutil.copy(CORPUS / "manifest.toml", folder)
    return folder
