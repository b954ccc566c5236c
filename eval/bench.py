"""Benchmarks that print figures (never timed tests): index build, answer latency, memory; then the
same for a corpus of many plans (the plan + 50 SYNTHETIC plans of made-up cities, tests/synthetic_plans.py).

python -m eval.bench [--questions 50] [--dataset eval/data/dev.jsonl] [--no-cold] [--many 50 | --many 0]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eval.score import percentile


def _planqa(data_dir: Path, *args: str, corpus: Path | None = None) -> tuple[float, float]:
    """Run the planqa CLI in a child process; seconds taken and that child's own peak RSS (MB)."""
    env = {**os.environ, "PLANQA_DATA_DIR": str(data_dir), **({"PLANQA_CORPUS_DIR": str(corpus)} if corpus else {})}
    with tempfile.TemporaryFile() as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", *args], env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage, not the largest of all children so far
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(proc.returncode, proc.args, stderr=errors.read())
    return seconds, usage.ru_maxrss / 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_and_load(data: Path, questions: list[str], clients: int, requests: int, corpus: Path | None = None) -> list[tuple[str, str]]:
    """Start `planqa serve`, measure launch time, run the load test, read the server's peak memory."""
    import httpx

    from eval.load import run_load

    port = _free_port()
    env = {
        **os.environ,
        "PLANQA_DATA_DIR": str(data),
        "GRADIO_ANALYTICS_ENABLED": "False",
        **({"PLANQA_CORPUS_DIR": str(corpus)} if corpus else {}),
    }
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        launched = time.perf_counter() - t0
        result = run_load(url, questions, clients, requests)
        peak = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    summary = result.summary()
    return [
        ("`planqa serve` launch → API answering", f"{launched:.1f} s"),
        (f"load: {clients} clients, {summary['requests']} questions via /api/ask", f"{summary['errors']} errors, {summary['seconds']} s"),
        ("  throughput", f"{summary['throughput_qps']} questions/s"),
        ("  latency p50 / p95 under load", f"{summary['p50_ms']} / {summary['p95_ms']} ms"),
        ("server peak memory (VmHWM)", f"{peak:.0f} MB"),
    ]


def _many_plans(count: int, dev_questions: list[str], cold: bool, server: bool, clients: int, requests: int) -> list[tuple[str, str]]:
    """The plan + ``count`` generated plans: cold index, cached rebuild, warm latency, server memory.

    Questions: the dev questions (answered from the plan, the primary document) and, for each
    generated city, "X市谁负责…" for one of its clauses (answered from X's plan)."""
    from assistant.service import Assistant
    from assistant.settings import Settings
    from tests.synthetic_plans import generate_plans, write_corpus

    plans = generate_plans(count)
    questions = dev_questions + [f"{p.city}谁负责{p.clauses[i % len(p.clauses)].topic}？" for i, p in enumerate(plans)]
    with tempfile.TemporaryDirectory(prefix="planqa-bench-many-") as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", plans)
        data = Path(tmp) / "data"
        built, peak = _planqa(data, "index", corpus=corpus)
        rebuilt, _ = _planqa(data, "index", "--force", corpus=corpus)
        t0 = time.perf_counter()
        assistant = Assistant.from_settings(Settings(corpus_dir=corpus, data_dir=data))
        opened = time.perf_counter() - t0
        for q in questions[:5]:
            assistant.ask(q)  # warm-up
        latencies = [assistant.ask(q).latency_ms for q in questions[5:]]
        chunks = assistant.knowledge.info.chunks
        rows = [(f"plan + {count} generated plans ({count + 1} documents, {chunks} chunks)", "")]
        if cold:
            rows += [("  cold `planqa index` (empty vector cache)", f"{built:.1f} s"), ("    its peak memory", f"{peak:.0f} MB")]
        rows += [
            ("  `planqa index --force` (rebuild, vectors from cache)", f"{rebuilt:.2f} s"),
            ("  open index + load models (per process)", f"{opened:.2f} s"),
            (
                f"  warm answer latency p50 / p95 ({len(latencies)} questions)",
                f"{percentile(latencies, 50):.1f} / {percentile(latencies, 95):.1f} ms",
            ),
        ]
        del assistant
        if server:
            rows += [("  " + k, v) for k, v in _serve_and_load(data, questions, clients, requests, corpus)]
    return rows


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    from assistant.cli import quiet_environment

    quiet_environment()
    p = argparse.ArgumentParser(prog="python -m eval.bench")
    p.add_argument("--dataset", type=Path, default=Path("eval/data/dev.jsonl"))
    p.add_argument("--questions", type=int, default=50)
    p.add_argument("--no-cold", action="store_true", help="skip the cold build (it embeds every chunk)")
    p.add_argument("--no-server", action="store_true", help="skip the server load run")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument(
        "--many", type=int, default=50, help="SYNTHETIC plans generated next to the plan for the many-documents row (0: skip it)"
    )
    p.add_argument("--many-requests", type=int, default=200, help="questions sent to the server in the many-documents row")
    args = p.parse_args(argv)

    from assistant.service import Assistant
    from assistant.settings import Settings
    from eval.baseline import BaselineRAG
    from eval.dataset import load_dataset

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="planqa-bench-") as tmp:
        data = Path(tmp) / "data"
        if not args.no_cold:
            cold, cold_peak = _planqa(data, "index")
            rows += [("cold `planqa index` (empty vector cache)", f"{cold:.1f} s"), ("  its peak memory", f"{cold_peak:.0f} MB")]
        else:
            _planqa(data, "index")
        warm, _ = _planqa(data, "index")
        rows.append(("`planqa index` again, corpus unchanged (whole CLI process)", f"{warm:.2f} s"))
        forced, _ = _planqa(data, "index", "--force")
        rows.append(("`planqa index --force` (rebuild, vectors from cache)", f"{forced:.2f} s"))

        settings = Settings(data_dir=data)
        t0 = time.perf_counter()
        assistant = Assistant.from_settings(settings)
        rows.append(("open index + load models (per process)", f"{time.perf_counter() - t0:.2f} s"))
        questions = [q.question for q in load_dataset(args.dataset)][: args.questions]
        rag = BaselineRAG(settings)
        for q in questions[:5]:  # warm-up: jieba, caches
            assistant.ask(q)
            rag.ask(q)
        # Paired: each question goes to both systems in turn, so a busy moment on the machine falls on both.
        latencies: list[float] = []
        base: list[float] = []
        for q in questions:
            latencies.append(assistant.ask(q).latency_ms)
            base.append(rag.ask(q)["latency_ms"])
        rows += [
            (f"warm answer latency p50 ({len(questions)} questions)", f"{percentile(latencies, 50):.1f} ms"),
            (f"warm answer latency p95 ({len(questions)} questions)", f"{percentile(latencies, 95):.1f} ms"),
            ("warm answer latency mean", f"{statistics.fmean(latencies):.1f} ms"),
        ]
        rows += [
            ("baseline RAG latency p50 / p95", f"{percentile(base, 50):.1f} / {percentile(base, 95):.1f} ms"),
            ("planqa / baseline latency (p50)", f"{percentile(latencies, 50) / max(percentile(base, 50), 1e-9):.2f}x"),
        ]
        rows.append(
            (
                "peak memory of this process (index open, baseline built)",
                f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
            )
        )
        if not args.no_server:
            questions_all = [json.loads(line)["question"] for line in args.dataset.read_text("utf-8").splitlines() if line.strip()]
            rows += _serve_and_load(data, questions_all, args.clients, args.requests)
    if args.many:
        rows += _many_plans(args.many, questions, not args.no_cold, not args.no_server, args.clients, args.many_requests)
    width = max(len(k) for k, _ in rows)
    print("planqa benchmark")
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}")
    print(json.dumps(dict(rows), ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
