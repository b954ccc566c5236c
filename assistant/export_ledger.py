"""The task ledger (任务台账) as files: JSON, CSV, Markdown, XLSX (openpyxl) and DOCX (python-docx).

Every format is made from the same ledger rows; the tables have the columns of a government 台账.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from assistant.ledger import LedgerRow, rows_for

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge

Format = Literal["json", "csv", "xlsx", "docx", "md"]
FORMATS: tuple[Format, ...] = ("json", "csv", "xlsx", "docx", "md")
HEADERS = ("序号", "文件", "条款", "任务", "责任单位", "量化指标", "时间节点", "重点项目", "进展情况", "备注")
# Column widths: Excel characters, and centimetres on a landscape A4 page (25.7 cm between margins).
XLSX_WIDTHS = (6, 20, 12, 26, 30, 36, 40, 32, 20, 12)
DOCX_WIDTHS_CM = (1.0, 2.4, 1.6, 2.8, 3.4, 3.4, 3.8, 3.1, 2.1, 1.5)
TITLE = "{docs}任务台账"
TITLE_UNIT = "（责任单位：{unit}）"
TITLE_ALL = "已收录文件"
PARTNERS = "协同单位："


def ledger_title(doc_titles: Sequence[str], unit: str | None = None) -> str:
    """The ledger's title, naming the document(s) and the unit: 《…分工方案》任务台账（责任单位：市水利局）."""
    docs = "".join(f"《{t}》" for t in doc_titles) if 0 < len(doc_titles) <= 2 else TITLE_ALL
    return TITLE.format(docs=docs) + (TITLE_UNIT.format(unit=unit) if unit else "")


def units_cell(units: Sequence[str], unit: str | None = None) -> str:
    """The 责任单位 cell: every unit; with a unit asked for, that unit first and the others as 协同单位."""
    if unit is None or unit not in units:
        return "、".join(units)
    others = [u for u in units if u != unit]
    return unit + (f"\n{PARTNERS}{'、'.join(others)}" if others else "")


def table_rows(rows: Sequence[LedgerRow], unit: str | None = None) -> list[tuple[str, ...]]:
    """The ledger as table cells under HEADERS; a cell lists its items one per line.

    A time node is shown with its sentence, since 5年内 alone does not say what is due.
    """
    out = []
    for i, row in enumerate(rows, 1):
        ledger, part = row.ledger, row.part
        out.append(
            (
                str(i),
                part.doc,
                part.path,
                part.title,
                units_cell(part.unit_names, unit),
                "\n".join(t.text for t in ledger.targets),
                "\n".join(f"{d.text}：{d.sentence}" for d in ledger.deadlines),
                "\n".join(p.text for p in ledger.projects),
                "",
                "",
            )
        )
    return out


def to_json(rows: Sequence[LedgerRow]) -> str:
    """The JSON list of rows (`planqa ledger` default)."""
    return json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: Sequence[LedgerRow], unit: str | None = None) -> str:
    """The table as CSV text (write it with a BOM for Excel: encoding utf-8-sig)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(table_rows(rows, unit))
    return buffer.getvalue()


def to_markdown(rows: Sequence[LedgerRow], title: str, unit: str | None = None) -> str:
    """The table as a Markdown document; line breaks inside a cell become <br>."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", "<br>")

    lines = [f"# {title}", "", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines.extend("| " + " | ".join(cell(c) for c in r) + " |" for r in table_rows(rows, unit))
    return "\n".join(lines) + "\n"


def to_xlsx(rows: Sequence[LedgerRow], title: str, unit: str | None = None) -> bytes:
    """An Excel workbook: the title above a frozen, filterable header row; wrapped text, set widths,
    printed landscape on A4 with the header repeated on every page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "任务台账"
    last = get_column_letter(len(HEADERS))
    sheet.append([title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    sheet.append(list(HEADERS))
    for data in table_rows(rows, unit):
        sheet.append(list(data))
    thin = Side(style="thin", color="999999")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for i, width in enumerate(XLSX_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{last}{sheet.max_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_docx(rows: Sequence[LedgerRow], title: str, unit: str | None = None) -> bytes:
    """A Word document laid out as a government 台账: landscape A4, the title centred above a bordered
    table whose header row repeats on every page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title, Pt(16), bold=True)
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _repeat_as_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, HEADERS):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, Pt(10), bold=True)
    for data in table_rows(rows, unit):
        cells = table.add_row().cells
        for cell, text in zip(cells, data):
            for j, line in enumerate(text.split("\n")):
                paragraph = cell.paragraphs[0] if j == 0 else cell.add_paragraph()
                _run(paragraph, line, Pt(9))
    for row in table.rows:
        for cell, width in zip(row.cells, DOCX_WIDTHS_CM):
            cell.width = Cm(width)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _run(paragraph: Any, text: str, size: Any, bold: bool = False) -> None:
    """Text in a paragraph, in a Chinese font (宋体) as well as a Latin one."""
    from docx.oxml.ns import qn

    run = paragraph.add_run(text)
    run.font.size = size
    run.bold = bold
    run.font.name = "宋体"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def _repeat_as_header(row: Any) -> None:
    """Mark a table row as the header row Word repeats at the top of every page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def render(rows: Sequence[LedgerRow], fmt: Format, title: str, unit: str | None = None, bom: bool = False) -> bytes:
    """The ledger in one format, as the bytes of a file; ``bom`` prefixes CSV for Excel."""
    if fmt == "json":
        return to_json(rows).encode("utf-8")
    if fmt == "csv":
        return to_csv(rows, unit).encode("utf-8-sig" if bom else "utf-8")
    if fmt == "md":
        return to_markdown(rows, title, unit).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(rows, title, unit)
    if fmt == "docx":
        return to_docx(rows, title, unit)
    raise ValueError(f"unknown ledger format {fmt!r}; one of {', '.join(FORMATS)}")


def title_for(knowledge: Knowledge, unit: str | None = None, doc: str | None = None) -> str:
    """The title of the index's ledger for a unit and/or a document."""
    numbers = (doc,) if doc else knowledge.indexed_docs
    return ledger_title([m.short_title if (m := knowledge.doc_meta(n)) else n for n in numbers], unit)


def export(
    knowledge: Knowledge, fmt: Format, unit: str | None = None, doc: str | None = None, bom: bool = False
) -> tuple[str | None, list[LedgerRow], bytes]:
    """The index's ledger for a unit and/or a document in one format: (canonical unit, rows, file bytes)."""
    canonical, rows = rows_for(knowledge, unit, doc)
    return canonical, rows, render(rows, fmt, title_for(knowledge, canonical, doc), canonical, bom)
