"""The division of labour by department: who is named on which clause, as tables and CSV/XLSX files."""

from __future__ import annotations

import csv
import errno
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.records import Part
from index.units import UnitTable
from ui import texts

CLAUSE_HEADERS = ("文号", "条款", "标题", "其他责任单位")
ROLE_MARKS = {"responsible": "●", "lead": "牵头", "support": "配合"}
UNSAFE_FILENAME = re.compile(r"[\\/:*?\"<>|\[\]\s]+")


@dataclass(frozen=True)
class Table:
    """A rectangular table of strings with its column headers."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def as_lists(self) -> list[list[str]]:
        return [list(r) for r in self.rows]


def named_units(parts: Sequence[Part], table: UnitTable) -> list[str]:
    """Every unit named on some clause: the department table's order first, then the rest as met."""
    named = dict.fromkeys(u for p in parts for u in p.unit_names)
    ordered = [u.name for u in table.units if u.name in named]
    return ordered + [u for u in named if u not in ordered]


def resolve_unit(query: str, parts: Sequence[Part], table: UnitTable) -> str | None:
    """The canonical unit a user means: full name, abbreviation (人社局), or a unique part of a name."""
    query = query.strip()
    if not query:
        return None
    aliases = table.alias_map()
    if query in aliases:
        return aliases[query]
    found = table.find_in(query)
    if found:
        return found[0]
    candidates = [u for u in named_units(parts, table) if query in u]
    return candidates[0] if len(candidates) == 1 else None


def unit_suggestions(query: str, parts: Sequence[Part], table: UnitTable, limit: int = 8) -> list[str]:
    """Units whose name shares characters with the query, most shared first (for 'did you mean')."""
    scored = [(sum(ch in u for ch in set(query)), u) for u in named_units(parts, table)]
    return [u for score, u in sorted(scored, key=lambda s: -s[0]) if score > 0][:limit]


def clauses_of(unit: str, parts: Sequence[Part]) -> Table:
    """Every clause naming the unit, in document order, with the other units named on it."""
    rows = tuple((p.doc, p.path, p.title, "、".join(u for u in p.unit_names if u != unit)) for p in parts if unit in p.unit_names)
    return Table(CLAUSE_HEADERS, rows)


def responsibility_matrix(parts: Sequence[Part], table: UnitTable) -> Table:
    """Departments × clauses: ● where a clause names the department (牵头/配合 where the note says so)."""
    clauses = [p for p in parts if p.units]
    several_docs = len({p.doc for p in clauses}) > 1
    headers = ("责任单位", *(f"{p.doc} {p.path}" if several_docs else p.path for p in clauses), "合计")
    rows = []
    for unit in named_units(clauses, table):
        marks = [next((ROLE_MARKS.get(r.role, "●") for r in p.units if r.name == unit), "") for p in clauses]
        rows.append((unit, *marks, str(sum(1 for m in marks if m))))
    return Table(headers, tuple(rows))


def safe_filename(stem: str) -> str:
    """A file name from a label: path separators, wildcards and spaces become '_'."""
    return UNSAFE_FILENAME.sub("_", stem).strip("._") or "table"


def _replace_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Write through a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an export is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csv(table: Table, path: Path) -> Path:
    """The table as UTF-8 CSV with a BOM, so that Excel opens the Chinese text correctly."""

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.headers)
            writer.writerows(table.rows)

    return _replace_atomically(path, write)


def write_xlsx(table: Table, path: Path, sheet: str = "分工") -> Path:
    """The table as an Excel workbook with a bold, frozen header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def write(tmp: Path) -> None:
        book = Workbook()
        ws = book.active
        ws.title = safe_filename(sheet)[:31]
        ws.append(list(table.headers))
        for row in table.rows:
            ws.append(list(row))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
        book.save(tmp)

    return _replace_atomically(path, write)


def export_failure(exc: OSError) -> str:
    """Why an export could not be written, in the UI's words (a full disk named as such)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return texts.DISK_FULL
    return texts.WRITE_FAILED.format(reason=exc.strerror or type(exc).__name__)


def export(table: Table, folder: Path, stem: str) -> tuple[Path, Path]:
    """Write the table as STEM.csv and STEM.xlsx in the folder; returns both paths."""
    name = safe_filename(stem)
    return write_csv(table, folder / f"{name}.csv"), write_xlsx(table, folder / f"{name}.xlsx", sheet=stem)


def read_csv(path: Path) -> Table:
    """Read a table written by write_csv (for checking exports)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return Table(tuple(rows[0]), tuple(tuple(r) for r in rows[1:]))
