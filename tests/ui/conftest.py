"""Fixtures for the UI tests: a real index in a temporary data folder, the real server, Debian's Chromium.

The index is built once per session with `planqa index`, its vectors copied from the session's
shared cache (tests/conftest.py) so that nothing is embedded twice.
The server is `planqa serve` in a subprocess on a free loopback port.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
ARTIFACTS = REPO / "test-artifacts" / "ui"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
SERVER_START_TIMEOUT_S = 180  # builds the index first when there is none


def planqa_command(data_dir: Path, *args: str) -> list[str]:
    """The `planqa` CLI run by this interpreter, on the test corpus and a given data folder."""
    return [sys.executable, "-m", "assistant.cli", "--corpus-dir", str(CORPUS), "--data-dir", str(data_dir), *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite file, even while another process writes to it."""
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@dataclass
class Server:
    """A running `planqa serve` subprocess."""

    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path
    log: Path
    started_s: float = 0.0


def start_server(data_dir: Path, log: Path, env: dict[str, str] | None = None) -> tuple[Server, float]:
    """Launch `planqa serve` on a free port; returns the server and the launch time (perf_counter)."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as handle:  # the child keeps its own copy of the file descriptor
        t0 = time.perf_counter()
        process = subprocess.Popen(
            planqa_command(data_dir, "serve", "--port", str(port)),
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    return Server(f"http://127.0.0.1:{port}/", process, data_dir, log), t0


def wait_until_up(server: Server, timeout_s: float = SERVER_START_TIMEOUT_S) -> None:
    """Poll the page until it answers; fail with the server's log if the process dies or times out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"planqa serve exited with {server.process.returncode}:\n{server.log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(server.url, timeout=2).status_code in (200, 401):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"planqa serve did not answer within {timeout_s} s:\n{server.log.read_text(errors='replace')[-4000:]}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=15)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def timings(artifacts: Path) -> Iterator[dict[str, Any]]:
    """Measured figures, written to test-artifacts/ui/timings.json at the end of the session."""
    figures: dict[str, Any] = {}
    yield figures
    if figures:
        (artifacts / "timings.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", "utf-8")


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory: pytest.TempPathFactory, artifacts: Path, settings: Any) -> Path:
    """A data folder holding a freshly built index of the repository's corpus (vectors from the
    session's shared cache, so nothing is embedded twice)."""
    data_dir = tmp_path_factory.mktemp("planqa-ui-data")
    copy_sqlite(settings.vector_cache, data_dir / "vectors.sqlite")
    result = subprocess.run(planqa_command(data_dir, "index"), cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
    (artifacts / "index.log").write_text(result.stdout + result.stderr, "utf-8")
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture(scope="session")
def server(built_data_dir: Path, artifacts: Path, timings: dict[str, Any]) -> Iterator[Server]:
    """The real chat UI, served from the built index on a free loopback port."""
    server, t0 = start_server(built_data_dir, artifacts / "server.log")
    try:
        wait_until_up(server)
        server.started_s = time.perf_counter() - t0
        timings["launch_to_http_ready_s"] = round(server.started_s, 2)
        yield server
    finally:
        stop_server(server)


@dataclass
class Launcher:
    """Starts extra servers on the built index for one test, and stops them afterwards."""

    data_dir: Path
    artifacts: Path
    started: list[Server] = field(default_factory=list)

    def __call__(self, name: str, env: dict[str, str] | None = None, wait: bool = True) -> tuple[Server, float]:
        """Start `planqa serve` (and by default wait until it answers); returns it and its launch time."""
        server, t0 = start_server(self.data_dir, self.artifacts / f"server-{name}.log", env)
        self.started.append(server)
        if wait:
            wait_until_up(server)
        return server, t0


@pytest.fixture
def launch_server(built_data_dir: Path, artifacts: Path) -> Iterator[Launcher]:
    """A factory for extra `planqa serve` processes, stopped when the test ends."""
    launcher = Launcher(built_data_dir, artifacts)
    try:
        yield launcher
    finally:
        for server in launcher.started:
            stop_server(server)


@dataclass
class Browser:
    """A Chromium instance driven by playwright, and the dialogs any page opened."""

    browser: Any
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's browser with `apt-get install -y chromium fonts-wqy-microhei`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield Browser(chromium)
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Any]:
    """A fresh page on the chat UI, ready for input. Dialogs are recorded and dismissed."""
    context = browser.browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    browser.dialogs.clear()

    def on_dialog(dialog: Any) -> None:
        browser.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(server.url)
    page.locator("#pq-question textarea").wait_for(state="visible")
    page.evaluate("document.fonts.ready.then(() => true)")  # the page has laid out its text
    try:
        yield page
    finally:
        context.close()
