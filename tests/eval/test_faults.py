"""eval/faults.py run small: every fault against real processes, nothing lost or wrong in any row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval.faults import FAULTS, Row, Size, run_faults, table
from eval.malformed import KINDS


def test_the_malformed_requests_cover_fifteen_kinds_and_more() -> None:
    names = {k.name for k in KINDS}
    assert len(names) == len(KINDS) >= 15
    assert {"bad JSON", "huge body", "huge history", "control characters", "invalid UTF-8", "unknown document", "k out of range"} <= names


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> list[Row]:
    """The whole suite, small: a few requests per fault, two malformed requests of each kind."""
    root: Path = tmp_path_factory.mktemp("faults")
    return run_faults(root, Size(requests=20, clients=4, malformed=2 * len(KINDS)), vectors=settings.vector_cache)


@pytest.mark.slow
def test_every_fault_runs_and_prints_a_row(rows: list[Row]) -> None:
    assert len(rows) == len(FAULTS)
    printed = table(rows)
    assert printed.count("\n") == len(rows) + 1 and "lost or wrong" in printed


@pytest.mark.slow
def test_no_fault_loses_or_garbles_a_request(rows: list[Row]) -> None:
    assert [(r.fault, r.lost_or_wrong, r.note) for r in rows if r.lost_or_wrong] == []


@pytest.mark.slow
def test_traffic_is_answered_through_every_fault_that_keeps_the_server_up(rows: list[Row]) -> None:
    by_name = {r.fault: r for r in rows}
    for name in ("Chroma server stopped, then started again", "`index --force` and `corpus add` while serving"):
        assert by_name[name].sent > 0 and by_name[name].answered == by_name[name].sent
    assert by_name["index folder damaged"].clear_error == by_name["index folder damaged"].sent > 0
    sigterm = by_name["SIGTERM with requests in flight"]
    assert "exit code 0" in sigterm.note and sigterm.answered > 0
