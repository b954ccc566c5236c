"""assistant/export_ledger.py: the 台账 files, read back (openpyxl, python-docx, csv) and compared with the JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from assistant.export_ledger import HEADERS, export, ledger_title, render, units_cell
from tests.conftest import CORPUS, PLAN
from tests.ledger_knowledge import LedgerKnowledge, ledger_knowledge

WATER = "市水利局"
SHORT_TITLE = "格尔木市贯彻落实新型城镇化五年行动计划分工方案"


@pytest.fixture(scope="module")
def knowledge() -> LedgerKnowledge:
    return ledger_knowledge(CORPUS)


def expected_cells(rows: list[dict[str, Any]], unit: str | None) -> list[list[str]]:
    """The table a 台账 file must hold, built from the JSON rows alone."""
    out = []
    for i, row in enumerate(rows, 1):
        units = row["units"]
        if unit:
            others = [u for u in units if u != unit]
            responsible = unit + (f"\n协同单位：{'、'.join(others)}" if others else "")
        else:
            responsible = "、".join(units)
        out.append(
            [
                str(i),
                row["doc"],
                row["path"],
                row["title"],
                responsible,
                "\n".join(t["text"] for t in row["targets"]),
                "\n".join(f"{d['text']}：{d['sentence']}" for d in row["deadlines"]),
                "\n".join(p["text"] for p in row["projects"]),
                "",
                "",
            ]
        )
    return out


def _json(knowledge: LedgerKnowledge, unit: str | None = None) -> list[dict[str, Any]]:
    _, _, data = export(knowledge, "json", unit)
    return json.loads(data)


def test_xlsx_matches_the_json_and_is_laid_out_for_work(knowledge: LedgerKnowledge) -> None:
    from openpyxl import load_workbook

    _, _, data = export(knowledge, "xlsx", "水利局")
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[("" if c.value is None else str(c.value)) for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == f"《{SHORT_TITLE}》任务台账（责任单位：{WATER}）"
    assert tuple(values[1]) == HEADERS
    assert values[2:] == expected_cells(_json(knowledge, WATER), WATER)
    assert len(values[2:]) == 6
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:J{sheet.max_row}"
    assert all(sheet.cell(r, c).alignment.wrap_text for r in range(2, sheet.max_row + 1) for c in range(1, 11))
    assert [sheet.column_dimensions[ch].width for ch in "ABCDEFGHIJ"] == [6, 20, 12, 26, 30, 36, 40, 32, 20, 12]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$2:$2"


def test_docx_matches_the_json_and_is_a_landscape_a4_ledger(knowledge: LedgerKnowledge) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm

    _, _, data = export(knowledge, "docx", WATER)
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width / Cm(1), 1), round(section.page_height / Cm(1), 1)) == (29.7, 21.0)
    assert document.paragraphs[0].text == f"《{SHORT_TITLE}》任务台账（责任单位：{WATER}）"
    table = document.tables[0]
    header = table.rows[0]
    assert tuple(c.text for c in header.cells) == HEADERS
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert body == expected_cells(_json(knowledge, WATER), WATER)


def test_csv_and_markdown_match_the_json(knowledge: LedgerKnowledge) -> None:
    rows = _json(knowledge)
    _, _, data = export(knowledge, "csv", bom=True)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(table[0]) == HEADERS and table[1:] == expected_cells(rows, None)
    _, _, md = export(knowledge, "md", WATER)
    text = md.decode("utf-8")
    assert text.startswith(f"# 《{SHORT_TITLE}》任务台账（责任单位：{WATER}）")
    assert text.count("\n| ") == 1 + 6 and "协同单位：" in text and "<br>" in text


def test_json_is_the_default_and_lists_every_task_of_the_plan(knowledge: LedgerKnowledge) -> None:
    rows = _json(knowledge)
    assert len([r for r in rows if r["clause"] is not None]) == 29
    assert all(r["doc"] == PLAN for r in rows)


def test_the_asked_unit_comes_first_and_the_others_are_partners() -> None:
    assert units_cell(["市发展和改革委员会", WATER, "市应急管理局"], WATER) == f"{WATER}\n协同单位：市发展和改革委员会、市应急管理局"
    assert units_cell([WATER], WATER) == WATER
    assert units_cell(["甲", "乙"]) == "甲、乙"


def test_titles_name_the_documents_and_the_unit() -> None:
    assert ledger_title(["甲方案"]) == "《甲方案》任务台账"
    assert ledger_title(["甲方案", "乙方案"], WATER) == "《甲方案》《乙方案》任务台账（责任单位：市水利局）"
    assert ledger_title(["甲", "乙", "丙"]) == "已收录文件任务台账"


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="pdf"):
        render([], "pdf", "t")  # type: ignore[arg-type]
