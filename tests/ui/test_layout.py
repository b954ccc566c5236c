"""ui/layout.py without a server: the department lookup handler, and the Blocks it builds."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest

from assistant.service import LiveAssistant
from assistant.settings import Settings
from index.build import parse_corpus
from index.units import default_unit_table
from ui import texts
from ui.departments import read_csv
from ui.layout import EXPORTS, DepartmentHandlers, build_app

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def stub_assistant(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The parts of an Assistant the layout reads, from the real plan parsed without an index."""
    docs, _, _ = parse_corpus(CORPUS)
    parts = [p for d in docs for p in d.parts]
    knowledge = SimpleNamespace(parts=parts, units=default_unit_table(), documents={d.meta.number: d.meta for d in docs})
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=CORPUS)
    return SimpleNamespace(knowledge=knowledge, settings=settings)


def test_lookup_by_abbreviation_fills_the_table_and_offers_both_downloads(stub_assistant: Any) -> None:
    exports = stub_assistant.settings.data_dir / EXPORTS
    status, table, csv_button, xlsx_button = DepartmentHandlers(LiveAssistant.of(stub_assistant), exports).lookup("人社局")
    assert status == texts.DEPARTMENT_FOUND.format(unit="市人力资源和社会保障局", count=8)
    assert len(table["value"]) == 8
    assert csv_button["visible"] and xlsx_button["visible"]
    assert Path(csv_button["value"]).parent == exports and Path(xlsx_button["value"]).suffix == ".xlsx"
    assert len(read_csv(Path(csv_button["value"])).rows) == 8


def test_lookup_of_unknown_or_hostile_text_is_escaped_and_offers_nothing_to_download(stub_assistant: Any) -> None:
    handlers = DepartmentHandlers(LiveAssistant.of(stub_assistant), stub_assistant.settings.data_dir / EXPORTS)
    status, _, csv_button, _ = handlers.lookup("<img src=x onerror=alert(1)>局")
    assert "<img" not in status and "&lt;img" in status
    assert csv_button["visible"] is False
    assert handlers.lookup("  ")[0] == texts.DEPARTMENT_EMPTY


def test_lookup_error_is_a_short_message(stub_assistant: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    handlers = DepartmentHandlers(LiveAssistant.of(stub_assistant), stub_assistant.settings.data_dir / EXPORTS)
    monkeypatch.setattr(handlers, "lookup", lambda query: 1 / 0)
    assert handlers.lookup_safely("人社局")[0] == texts.ERROR_MESSAGE


def test_build_app_writes_the_matrix_exports_and_names_only_the_ask_endpoint(stub_assistant: Any) -> None:
    app = build_app(LiveAssistant.of(stub_assistant), stub_assistant.settings)
    assert isinstance(app, gr.Blocks)
    exports = stub_assistant.settings.data_dir / EXPORTS
    assert (exports / f"{texts.MATRIX_STEM}.csv").exists() and (exports / f"{texts.MATRIX_STEM}.xlsx").exists()
    public = [fn.api_name for fn in app.fns.values() if fn.api_visibility == "public"]
    assert public == ["ask"]
