"""ui/ledger.py and GET /api/ledger without a server: the 台账 tab's handler, its files, and the API rows."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.export_ledger import HEADERS
from assistant.ledger import rows_for
from tests.conftest import CORPUS, PLAN
from tests.ledger_knowledge import LedgerKnowledge, ledger_knowledge
from ui.ledger import DOC_ALL, UNIT_ALL, LedgerHandlers

WATER = "市水利局"
WATER_PATHS = ["二（三）", "四（十六）", "五（二十）", "五（二十一）", "五（二十三）", "六（二十四）"]


@pytest.fixture(scope="module")
def knowledge() -> LedgerKnowledge:
    return ledger_knowledge(CORPUS)


@pytest.fixture
def handlers(knowledge: LedgerKnowledge, tmp_path: Path) -> LedgerHandlers:
    return LedgerHandlers(lambda: knowledge, tmp_path / "exports")  # type: ignore[arg-type, return-value]


def test_choices_offer_every_named_department_and_indexed_document(handlers: LedgerHandlers) -> None:
    units = handlers.unit_choices()
    assert units[0] == (UNIT_ALL, "") and (WATER, WATER) in units
    assert handlers.doc_choices() == [(DOC_ALL, ""), (f"{PLAN} 格尔木市贯彻落实新型城镇化五年行动计划分工方案", PLAN)]


def test_a_department_ledger_previews_its_tasks_and_offers_three_files(handlers: LedgerHandlers, tmp_path: Path) -> None:
    status, table, xlsx, docx_file, csv_file = handlers.build("水利局", "")
    assert f"<b>{WATER}</b>：6 项任务" in status
    assert table["headers"] == list(HEADERS[:8])
    assert [row[2] for row in table["value"]] == WATER_PATHS
    assert table["value"][3][5] == "新增小区燃气管道覆盖率达到90%以上"
    assert table["value"][3][7] == "城市生命线安全工程；北四片区给水管网改扩建；智慧燃气建设项目"
    paths = [Path(b["value"]) for b in (xlsx, docx_file, csv_file)]
    assert all(b["visible"] for b in (xlsx, docx_file, csv_file))
    assert [p.name for p in paths] == [f"台账-{WATER}.xlsx", f"台账-{WATER}.docx", f"台账-{WATER}.csv"]
    assert all(p.parent == tmp_path / "exports" and p.stat().st_size > 0 for p in paths)
    from openpyxl import load_workbook

    sheet = load_workbook(paths[0]).active
    assert [sheet.cell(r, 3).value for r in range(3, sheet.max_row + 1)] == WATER_PATHS
    assert paths[2].read_bytes().startswith(b"\xef\xbb\xbf")
    assert not list((tmp_path / "exports").glob(".tmp-*"))


def test_a_document_ledger_holds_every_task(handlers: LedgerHandlers) -> None:
    status, table, *_ = handlers.build("", PLAN)
    assert "30 项任务" in status and "3 个时间节点" in status
    assert table["value"][0][2] == "一"  # 总体要求, for 到2030年


def test_unknown_or_hostile_department_is_escaped_and_offers_nothing(handlers: LedgerHandlers) -> None:
    status, _, xlsx, docx_file, csv_file = handlers.build("<img src=x onerror=alert(1)>局", "")
    assert "<img" not in status and "&lt;img" in status
    assert not any(b["visible"] for b in (xlsx, docx_file, csv_file))


def test_an_internal_error_is_a_short_message(handlers: LedgerHandlers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "build", lambda unit, doc: 1 / 0)
    status, *_ = handlers.build_safely(WATER, "")
    assert "内部错误" in status


@pytest.fixture(scope="module")
def client(knowledge: LedgerKnowledge) -> Any:
    from fastapi.testclient import TestClient

    from assistant.service import LiveAssistant
    from ui.api import create_api

    return TestClient(create_api(LiveAssistant.of(SimpleNamespace(knowledge=knowledge, settings=None))))  # type: ignore[arg-type]


def test_api_ledger_returns_the_json_rows(client: Any, knowledge: LedgerKnowledge) -> None:
    response = client.get("/api/ledger", params={"unit": "水利局"})
    assert response.status_code == 200
    rows = response.json()
    assert [r["clause"] for r in rows] == [3, 16, 20, 21, 23, 24]
    assert rows[3]["deadlines"][0]["text"] == "5年内"
    everything = client.get("/api/ledger", params={"doc": PLAN}).json()
    assert len(everything) == 30 and client.get("/api/ledger").json() == everything
    assert rows == [r.to_json() for r in rows_for(knowledge, WATER)[1]]  # what `planqa ledger --unit 市水利局` prints


def test_api_ledger_unknown_unit_or_document_is_404_with_a_message(client: Any) -> None:
    for params in ({"unit": "宇宙局"}, {"doc": "国发〔2024〕17号"}):
        response = client.get("/api/ledger", params=params)
        assert response.status_code == 404 and response.json()["detail"]
    assert "/api/ledger" in client.get("/openapi.json").json()["paths"]
