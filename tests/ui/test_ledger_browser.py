"""The 台账 tab in Debian's Chromium against the real server: one department's ledger, downloaded as Excel
and compared with GET /api/ledger. Leaves screenshots and the file under test-artifacts/ui/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.export_ledger import HEADERS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WATER = "市水利局"
WATER_PATHS = ["二（三）", "四（十六）", "五（二十）", "五（二十一）", "五（二十三）", "六（二十四）"]


def test_ledger_tab_downloads_the_water_bureau_ledger_as_excel(page: Any, server: Any, artifacts: Path) -> None:
    from openpyxl import load_workbook

    page.get_by_role("tab", name="台账").click()
    unit = page.locator("#pq-ledger-unit input")
    unit.click()
    unit.fill(WATER)
    page.get_by_role("option", name=WATER, exact=True).click()
    page.locator("#pq-ledger-build").click()
    page.locator("#pq-ledger-status", has_text=f"{WATER}：6 项任务").wait_for()
    paths = page.locator('#pq-ledger-table [role="gridcell"][data-col="2"]')
    paths.nth(5).wait_for()
    assert paths.all_inner_texts() == WATER_PATHS
    page.screenshot(path=artifacts / "08-ledger.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#pq-ledger-xlsx").click()
    saved = artifacts / f"台账-{WATER}.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert WATER in str(sheet["A1"].value)
    assert tuple(c.value for c in sheet[2]) == HEADERS
    rows = httpx.get(f"{server.url}api/ledger", params={"unit": WATER}, timeout=10).json()
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [c[2] for c in cells] == [r["path"] for r in rows] == WATER_PATHS
    assert [(c[5] or "") for c in cells] == ["\n".join(t["text"] for t in r["targets"]) for r in rows]
    assert [(c[7] or "") for c in cells] == ["\n".join(p["text"] for p in r["projects"]) for r in rows]
    assert all(str(c[4]).startswith(WATER) for c in cells)
