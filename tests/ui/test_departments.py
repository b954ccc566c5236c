"""ui/departments.py on the real plan: resolving abbreviations, a department's clauses, the matrix, exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build import parse_corpus
from index.records import Part
from index.units import default_unit_table
from ui.departments import clauses_of, export, read_csv, resolve_unit, responsibility_matrix, safe_filename, unit_suggestions

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
HRSS = "市人力资源和社会保障局"
HRSS_CLAUSES = ["二（一）", "三（六）", "三（八）", "三（九）", "四（十五）", "六（二十四）", "六（二十五）", "六（二十六）"]


@pytest.fixture(scope="module")
def clauses() -> list[Part]:
    docs, errors, _ = parse_corpus(CORPUS)
    assert not errors
    return [p for d in docs for p in d.clauses]


@pytest.mark.parametrize("query", ["人社局", "市人社局", HRSS, "人力资源和社会保障局", " 人社局 "])
def test_full_names_and_abbreviations_resolve_to_the_same_department(query: str, clauses: list[Part]) -> None:
    assert resolve_unit(query, clauses, default_unit_table()) == HRSS


def test_unknown_department_resolves_to_nothing_but_gets_suggestions(clauses: list[Part]) -> None:
    table = default_unit_table()
    assert resolve_unit("宇宙局", clauses, table) is None
    assert resolve_unit("", clauses, table) is None
    assert all("局" in name for name in unit_suggestions("宇宙局", clauses, table))


def test_hrss_is_named_on_exactly_its_8_clauses_in_document_order(clauses: list[Part]) -> None:
    table = clauses_of(HRSS, clauses)
    assert table.headers == ("文号", "条款", "标题", "其他责任单位")
    assert [row[1] for row in table.rows] == HRSS_CLAUSES
    assert all(HRSS not in row[3] for row in table.rows)
    assert {row[1]: row[3] for row in table.rows}["三（九）"] == "市民政局、市财政局"


def test_matrix_has_a_row_per_department_and_a_column_per_clause_with_departments(clauses: list[Part]) -> None:
    matrix = responsibility_matrix(clauses, default_unit_table())
    with_units = [p for p in clauses if p.units]
    assert matrix.headers == ("责任单位", *(p.path for p in with_units), "合计")
    assert len(matrix.rows) == len({u for p in clauses for u in p.unit_names})
    row = next(r for r in matrix.rows if r[0] == HRSS)
    marked = [matrix.headers[i] for i, cell in enumerate(row[1:-1], 1) if cell]
    assert marked == HRSS_CLAUSES
    assert row[-1] == "8"


def test_csv_export_round_trips_and_opens_in_excel(clauses: list[Part], tmp_path: Path) -> None:
    table = clauses_of(HRSS, clauses)
    csv_path, xlsx_path = export(table, tmp_path / "exports", f"分工-{HRSS}")
    assert csv_path.name == f"分工-{HRSS}.csv"
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    assert read_csv(csv_path) == table
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx_path).active
    rows = [tuple(c.value for c in r) for r in sheet.iter_rows()]
    assert rows[0] == table.headers and tuple(rows[1:]) == table.rows
    assert not list((tmp_path / "exports").glob(".tmp-*"))


def test_safe_filename_drops_path_separators_and_wildcards() -> None:
    assert safe_filename("../a/b:c*?") == "a_b_c"
    assert safe_filename("分工-市教育局") == "分工-市教育局"
