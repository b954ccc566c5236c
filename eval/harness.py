"""Processes and traffic for the fault suite (eval/faults.py): `planqa serve` and the CLI in
subprocesses, a Chroma server, clients that keep asking and record every outcome.

Everything waits for conditions (a health check that says so, a process that exits), never for a
fixed time; every wait has a deadline.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], Any], timeout_s: float, what: str, poll_s: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something truthy; that value, or TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll_s)
    raise TimeoutError(f"{what}: not within {timeout_s:.0f} s")


def planqa(corpus: Path, data: Path, *args: str) -> list[str]:
    """The `planqa` command line, run by this interpreter on a given corpus and data folder."""
    return [sys.executable, "-m", "assistant.cli", "--corpus-dir", str(corpus), "--data-dir", str(data), *args]


@dataclass
class CliRun:
    """What one `planqa` command did."""

    returncode: int | None  # None: it was still running at its deadline (and was killed)
    stdout: str
    stderr: str
    seconds: float

    @property
    def one_line_error(self) -> bool:
        """It failed with a message and no traceback."""
        return self.returncode not in (0, None) and "Traceback" not in self.stderr and bool(self.stderr.strip())


def run_cli(command: list[str], env: dict[str, str], timeout_s: float = 300.0) -> CliRun:
    t0 = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout_s, check=False)
        return CliRun(done.returncode, done.stdout, done.stderr, time.perf_counter() - t0)
    except subprocess.TimeoutExpired as exc:
        return CliRun(None, str(exc.stdout or ""), str(exc.stderr or ""), time.perf_counter() - t0)


@dataclass
class Server:
    """A `planqa serve` subprocess on a loopback port."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def health(self) -> dict[str, Any] | None:
        try:
            response = httpx.get(self.url + "/healthz", timeout=5)
            body = response.json()
            return {**body, "http": response.status_code} if isinstance(body, dict) else None
        except (httpx.HTTPError, ValueError):
            return None

    def wait_healthy(self, accept: Callable[[dict[str, Any]], bool] = lambda h: True, timeout_s: float = START_TIMEOUT_S) -> dict[str, Any]:
        """The health report, once it says ok and ``accept`` agrees; fails with the log if the process dies."""

        def ready() -> dict[str, Any] | None:
            if self.process.poll() is not None:
                raise RuntimeError(f"planqa serve exited with {self.process.returncode}:\n{self.tail()}")
            health = self.health()
            return health if health and health.get("status") == "ok" and accept(health) else None

        return wait_until(ready, timeout_s, f"planqa serve at {self.url}")  # type: ignore[no-any-return]

    def rss_mb(self) -> float:
        """The server's resident memory, from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        return self.process.returncode

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text("utf-8", errors="replace")[-chars:] if self.log.exists() else ""


def start_server(corpus: Path, data: Path, log: Path, env: dict[str, str]) -> Server:
    port = free_port()
    with open(log, "wb") as handle:
        process = subprocess.Popen(planqa(corpus, data, "serve", "--port", str(port)), cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return Server(process, f"http://127.0.0.1:{port}", log)


@dataclass
class Chroma:
    """A `chroma run` server on a loopback port, that can be stopped and started again on the same data."""

    path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start it and wait for its heartbeat; returns the seconds that took."""
        t0 = time.perf_counter()
        chroma = Path(sys.executable).with_name("chroma")
        log = open(self.path.with_suffix(".log"), "ab")  # noqa: SIM115  kept open by the child
        self.process = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT
        )
        wait_until(self.alive, 60, f"chroma server on port {self.port}")
        return time.perf_counter() - t0

    def alive(self) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@dataclass
class Outcome:
    """One request: when it was sent and answered, what came back."""

    sent: float
    done: float
    status: int | None  # None: no HTTP response (refused, reset, timed out)
    detail: str = ""  # the error message, or what went wrong
    index: str = ""  # the X-Planqa-Index header: which index answered
    docs: tuple[str, ...] = ()  # the documents the answer cites

    @property
    def answered(self) -> bool:
        return self.status == 200 and self.detail == ""

    @property
    def clear_error(self) -> bool:
        """A 4xx/5xx that says what happened (JSON with a message)."""
        return self.status is not None and self.status >= 400 and bool(self.detail)


def outcome_of(sent: float, response: httpx.Response) -> Outcome:
    done = time.monotonic()
    try:
        body = response.json()
    except ValueError:  # not JSON: a 200 is no answer, an error says nothing
        return Outcome(sent, done, response.status_code, "a 200 that is not JSON" if response.status_code == 200 else "")
    if response.status_code == 200:
        ok = isinstance(body, dict) and isinstance(body.get("answer"), str)
        docs = tuple(c.get("doc", "") for c in body.get("citations", [])) if ok else ()
        return Outcome(sent, done, 200, "" if ok else "a 200 without an answer", response.headers.get("x-planqa-index", ""), docs)
    detail = body.get("detail") if isinstance(body, dict) else None
    return Outcome(sent, done, response.status_code, json.dumps(detail, ensure_ascii=False)[:300] if detail else "")


class Traffic:
    """Clients asking questions through /api/ask until stopped (or ``limit`` requests); keeps every outcome."""

    def __init__(self, url: str, questions: list[str], clients: int = 8, limit: int | None = None, timeout_s: float = 60.0, until_refused: bool = False) -> None:
        self.url, self.questions, self.clients, self.limit, self.timeout_s = url, questions, clients, limit, timeout_s
        self.until_refused = until_refused  # a client stops once the server refuses its connection
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sent = 0
        self._threads: list[threading.Thread] = []

    def start(self) -> Traffic:
        self._threads = [threading.Thread(target=self._client, name=f"traffic-{n}", daemon=True) for n in range(self.clients)]
        for thread in self._threads:
            thread.start()
        return self

    def _next(self) -> int | None:
        with self._lock:
            if self._stop.is_set() or (self.limit is not None and self._sent >= self.limit):
                return None
            self._sent += 1
            return self._sent

    def _client(self) -> None:
        with httpx.Client(base_url=self.url, timeout=self.timeout_s) as client:
            while (n := self._next()) is not None:
                sent = time.monotonic()
                try:
                    outcome = outcome_of(sent, client.post("/api/ask", json={"question": self.questions[n % len(self.questions)]}))
                except httpx.HTTPError as exc:
                    outcome = Outcome(sent, time.monotonic(), None, f"{type(exc).__name__}: {exc}"[:200])
                with self._lock:
                    self.outcomes.append(outcome)
                if self.until_refused and outcome.status is None and outcome.detail.startswith("ConnectError"):
                    return

    def count(self) -> int:
        with self._lock:
            return len(self.outcomes)

    def wait_for(self, n: int, timeout_s: float = 300.0) -> None:
        """Until ``n`` more outcomes than now are recorded."""
        target = self.count() + n
        wait_until(lambda: self.count() >= target or not any(t.is_alive() for t in self._threads), timeout_s, f"{n} answers")

    def stop(self) -> list[Outcome]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout_s + 5)
        with self._lock:
            return list(self.outcomes)


def environment(**extra: str) -> dict[str, str]:
    """This process's environment, quiet and offline, without PLANQA_* settings that would steer the runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANQA_")}
    env.update(HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False", OMP_WAIT_POLICY="PASSIVE")
    env.update(extra)
    return env


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, dirs_exist_ok=False)
    return target
