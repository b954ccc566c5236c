"""SYNTHETIC TEST DATA: a known text rendered as an image-only PDF, the way a scanner makes one.

The page follows the layout of official documents (GB/T 9704): A4, 28 characters a line, 22 lines a
page, body text in 16 pt, each paragraph indented by two characters, the page number as — N — below
the text. Pages are pictures (no text layer), rendered with Pillow in the WenQuanYi Micro Hei font
that `make system-deps` installs, with a little seeded speckle so that the scan is not pristine.
"""

from __future__ import annotations

import random
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DPI = 150
PAGE_MM = (210, 297)
MARGIN_MM = (28, 37)  # left, top
COLUMNS = 28
ROWS = 22
LINE_MM = 10.2
FONT_PT = 16
# Typesetting never starts a line with closing punctuation (避头): it hangs at the end of the line before.
NO_LINE_START = set("）》」』”’。，、；：！？")


def _px(mm: float, dpi: int = DPI) -> int:
    return round(mm / 25.4 * dpi)


def layout(text: str, columns: int = COLUMNS, rows: int = ROWS) -> list[list[str]]:
    """The text's paragraphs (one a line) broken into pages of printed lines, first lines indented."""
    printed: list[str] = []
    for paragraph in text.splitlines():
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        line = "\u3000\u3000"  # the two-character indent, as typeset
        for ch in paragraph:
            if len(line) >= columns and ch not in NO_LINE_START:
                printed.append(line)
                line = ""
            line += ch
        printed.append(line)
    return [printed[i : i + rows] for i in range(0, len(printed), rows)]


def render_scan(text: str, path: Path, dpi: int = DPI, seed: int = 7, speckle: float = 0.0002) -> int:
    """Write ``text`` as an image-only PDF at ``path``; returns the number of pages."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    width, height = _px(PAGE_MM[0], dpi), _px(PAGE_MM[1], dpi)
    body = ImageFont.truetype(str(FONT), round(FONT_PT / 72 * dpi))
    folio = ImageFont.truetype(str(FONT), round(14 / 72 * dpi))
    rng = np.random.default_rng(seed)
    jitter = random.Random(seed)
    pages = []
    for number, lines in enumerate(layout(text), 1):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines):
            x = _px(MARGIN_MM[0], dpi) + jitter.randint(-1, 1)
            y = _px(MARGIN_MM[1] + row * LINE_MM, dpi) + jitter.randint(-1, 1)
            draw.text((x, y), line, font=body, fill=jitter.randint(0, 40))
        mark = f"— {number} —"
        draw.text(((width - draw.textlength(mark, font=folio)) / 2, _px(MARGIN_MM[1] + 240, dpi)), mark, font=folio, fill=0)
        pixels = np.asarray(image).copy()
        dots = rng.random(pixels.shape) < speckle
        pixels[dots] = 255 - pixels[dots]
        pages.append(Image.fromarray(pixels))
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return len(pages)


def write_text_pdf(text: str, path: Path) -> int:
    """Write ``text`` as a PDF with a text layer, laid out like render_scan; returns the number of pages."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_MM[0] * mm, PAGE_MM[1] * mm))
    pages = layout(text)
    for number, lines in enumerate(pages, 1):
        pdf.setFont("STSong-Light", FONT_PT)
        for row, line in enumerate(lines):
            pdf.drawString(MARGIN_MM[0] * mm, (PAGE_MM[1] - MARGIN_MM[1] - (row + 1) * LINE_MM) * mm, line)
        pdf.setFont("STSong-Light", 14)
        pdf.drawCentredString(PAGE_MM[0] / 2 * mm, 20 * mm, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return len(pages)
