"""Bounded load test of a running planqa server's HTTP API (loopback only; stops by itself).

python -m eval.load --url http://127.0.0.1:7860 [--clients 20] [--requests 1000] [--dataset eval/data/dev.jsonl]
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
        }


def run_load(url: str, questions: list[str], clients: int = 20, requests: int = 1000, timeout: float = 30.0, deadline_s: float = 300.0) -> LoadResult:
    """Send ``requests`` questions from ``clients`` threads to ``url``/api/ask; bounded in count and time."""
    import httpx

    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"load tests only target this machine (127.0.0.1/localhost), not {host!r}")
    lock = threading.Lock()
    counter = iter(range(requests))
    result = LoadResult(requests=0, errors=0, seconds=0.0)
    stop_at = time.monotonic() + deadline_s

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=timeout) as client:
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
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.load")
    p.add_argument("--url", default="http://127.0.0.1:7860")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--dataset", type=Path, default=Path("eval/data/dev.jsonl"))
    args = p.parse_args(argv)
    questions = [json.loads(line)["question"] for line in args.dataset.read_text("utf-8").splitlines() if line.strip()]
    result = run_load(args.url, questions, args.clients, args.requests)
    print(f"load test: {args.clients} clients, {result.requests} requests to {args.url}/api/ask")
    for key, value in result.summary().items():
        print(f"  {key:15s} {value}")
    for sample in result.error_samples:
        print(f"  error: {sample}")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
