"""Bounded load test of a running planqa server's HTTP API (loopback only; stops by itself).

python -m eval.load --url http://127.0.0.1:7860 [--clients 20] [--requests 1000] [--repeat 1] [--dataset eval/data/dev.jsonl]

Besides errors and latency it reports the citation check's drops during the run (quotes or leads
assistant/verify.py removed, read from the server's /api/stats): an answer should never need one.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from eval.score import percentile

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class LoadResult:
    """What a load run measured."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    verifier_drops: int | None = None  # None: the server does not report them

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, float | int]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput_qps": round(self.throughput, 1),
            "p50_ms": round(percentile(self.latencies_ms, 50), 1),
            "p95_ms": round(percentile(self.latencies_ms, 95), 1),
            "verifier_drops": "n/a" if self.verifier_drops is None else self.verifier_drops,
        }


def server_drops(url: str, auth: tuple[str, str] | None = None) -> int | None:
    """The citation check's drop count the server reports (/api/stats), or None when it does not."""
    import httpx

    try:
        response = httpx.get(url.rstrip("/") + "/api/stats", auth=auth, timeout=10)
        return int(response.json()["verifier_drops"]) if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None


def run_load(
    url: str,
    questions: list[str],
    clients: int = 20,
    requests: int = 1000,
    timeout: float = 30.0,
    deadline_s: float = 300.0,
    auth: tuple[str, str] | None = None,
) -> LoadResult:
    """Send ``requests`` questions from ``clients`` threads to ``url``/api/ask; bounded in count and time."""
    import httpx

    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"load tests only target this machine (127.0.0.1/localhost), not {host!r}")
    drops_before = server_drops(url, auth)
    lock = threading.Lock()
    counter = iter(range(requests))
    result = LoadResult(requests=0, errors=0, seconds=0.0)
    stop_at = time.monotonic() + deadline_s

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=timeout, auth=auth) as client:
            while time.monotonic() < stop_at:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                try:
                    response = client.post("/api/ask", json={"question": questions[i % len(questions)]})
                    ok = response.status_code == 200 and "answer" in response.json()
                    # what the server said, to tell a route that was not found from one that failed
                    detail = f"HTTP {response.status_code} {questions[i % len(questions)][:20]}: {response.text[:120]}"
                except Exception as exc:  # counted and sampled, never fatal
                    ok, detail = False, f"{type(exc).__name__}: {exc}"
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    result.requests += 1
                    result.latencies_ms.append(elapsed)
                    if not ok:
                        result.errors += 1
                        if len(result.error_samples) < 5:
                            result.error_samples.append(detail)

    threads = [threading.Thread(target=worker, name=f"load-{n}", daemon=True) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=deadline_s + timeout)
    result.seconds = time.perf_counter() - t0
    drops_after = server_drops(url, auth)
    if drops_before is not None and drops_after is not None:
        result.verifier_drops = drops_after - drops_before
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.load")
    p.add_argument("--url", default="http://127.0.0.1:7860")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=1, help="runs in a row against the same server")
    p.add_argument("--auth", default=None, metavar="USER:PASSWORD", help="basic auth, for a server with PLANQA_UI_AUTH")
    p.add_argument("--dataset", type=Path, default=Path("eval/data/dev.jsonl"))
    args = p.parse_args(argv)
    questions = [json.loads(line)["question"] for line in args.dataset.read_text("utf-8").splitlines() if line.strip()]
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    failed = False
    rows = []
    for run in range(1, args.repeat + 1):
        result = run_load(args.url, questions, args.clients, args.requests, auth=auth)  # type: ignore[arg-type]
        rows.append(result.summary())
        print(f"load test{f' {run}/{args.repeat}' if args.repeat > 1 else ''}: {args.clients} clients, {result.requests} requests to {args.url}/api/ask")
        for key, value in result.summary().items():
            print(f"  {key:15s} {value}")
        for sample in result.error_samples:
            print(f"  error: {sample}")
        failed = failed or bool(result.errors) or bool(result.verifier_drops)
    if args.repeat > 1:
        print("\n| run | requests | errors | verifier drops | throughput q/s | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|")
        for run, row in enumerate(rows, 1):
            print(f"| {run} | {row['requests']} | {row['errors']} | {row['verifier_drops']} | {row['throughput_qps']} | {row['p50_ms']} | {row['p95_ms']} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
