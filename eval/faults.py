"""The fault suite: what a user of `planqa serve` sees when a part fails, measured.

python -m eval.faults [--requests 400] [--clients 8] [--malformed 1000] [--only chroma,damaged,...]

Each fault runs against real processes in a scratch folder (a copy of the corpus, an index built from
the vector cache) and prints one row: the requests sent while it lasted, how many were answered, how
many got a clear error (a status with a message), how many were lost or wrong (must be 0), and the
time to recover. The disk-full fault mounts a small tmpfs and needs root; without it, it is skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from eval.harness import REPO, CliRun, Outcome, Server, Traffic, environment, outcome_of, planqa, run_cli, start_server, wait_until
from eval.malformed import KINDS, send_malformed

FORCE_HINT = "planqa index --force"
NEW_DOC = "青政〔2024〕48号"  # the provincial parent the reindex fault adds (a synthetic test file)
NEW_DOC_FILE = REPO / "tests" / "fixtures" / "synthetic" / "provincial_plan.txt"
QUESTIONS = ["谁负责随迁子女教育？", "市水利局负责哪些工作？", "省里对随迁子女教育有什么要求？", "老旧管网更新率要达到多少？", "格尔木今年的财政收入是多少？"]


@dataclass(frozen=True)
class Size:
    requests: int = 400  # requests sent while each traffic fault lasts
    clients: int = 8
    malformed: int = 1000


@dataclass
class Row:
    fault: str
    sent: int
    answered: int
    clear_error: int
    lost_or_wrong: int
    recover_s: float | None
    note: str = ""


@dataclass
class Lab:
    """A scratch folder: the corpus copied, one index built once and copied for each fault."""

    root: Path
    vectors: Path | None

    def __post_init__(self) -> None:
        self.base_corpus = self.root / "corpus"
        shutil.copytree(REPO / "corpus", self.base_corpus)
        self.base_data = self.root / "base-data"
        self.base_data.mkdir()
        if self.vectors is not None and self.vectors.exists():
            shutil.copy(self.vectors, self.base_data / "vectors.sqlite")
        built = run_cli(planqa(self.base_corpus, self.base_data, "index"), environment(), timeout_s=1800)
        if built.returncode != 0:
            raise RuntimeError(f"could not build the index for the fault suite:\n{built.stderr[-2000:]}")

    def fresh(self, name: str, index: bool = True, data_root: Path | None = None) -> tuple[Path, Path]:
        """A corpus copy and a data folder (with the built index, or only the vector cache) for one fault."""
        corpus = self.root / f"{name}-corpus"
        shutil.copytree(self.base_corpus, corpus)
        data = (data_root or self.root) / f"{name}-data"
        if index:
            shutil.copytree(self.base_data, data)
        else:
            data.mkdir()
            shutil.copy(self.base_data / "vectors.sqlite", data / "vectors.sqlite")
        return corpus, data


def _split(outcomes: list[Outcome], start: float, end: float) -> tuple[list[Outcome], list[Outcome]]:
    """The outcomes sent within [start, end), and the others."""
    inside = [o for o in outcomes if start <= o.sent < end]
    return inside, [o for o in outcomes if not start <= o.sent < end]


def _row(fault: str, during: list[Outcome], others: list[Outcome], recover_s: float | None, wrong: int = 0, note: str = "") -> Row:
    answered = sum(o.answered for o in during)
    clear = sum(o.clear_error for o in during)
    # Outside the fault every request must be answered; a failure there is lost too.
    lost = len(during) - answered - clear + sum(not o.answered for o in others) + wrong
    return Row(fault, len(during), answered, clear, lost, recover_s, note)


def _serve(lab: Lab, name: str, corpus: Path, data: Path, env: dict[str, str]) -> Server:
    server = start_server(corpus, data, lab.root / f"{name}-server.log", env)
    server.wait_healthy()
    return server


def chroma_away(lab: Lab, size: Size) -> list[Row]:
    """The Chroma server stops during traffic and starts again: answers go on from the loaded index,
    /healthz says the store is away, and a rebuild published after it is back is picked up."""
    from eval.harness import Chroma

    chroma = Chroma(lab.root / "chroma-server")
    chroma.start()
    env = environment(PLANQA_CHROMA_HOST="127.0.0.1", PLANQA_CHROMA_PORT=str(chroma.port), PLANQA_ANSWER_CACHE="0")
    corpus, data = lab.fresh("chroma", index=False)
    server = None
    try:
        if (built := run_cli(planqa(corpus, data, "index"), env)).returncode != 0:
            raise RuntimeError(f"index into the Chroma server failed: {built.stderr[-1000:]}")
        server = _serve(lab, "chroma", corpus, data, env)
        traffic = Traffic(server.url, QUESTIONS, size.clients).start()
        traffic.wait_for(20)
        t_away = time.monotonic()
        chroma.stop()
        server.wait_healthy(lambda h: h.get("store") != "ok", timeout_s=60)  # the server has noticed
        traffic.wait_for(size.requests)
        t_back = time.monotonic()
        chroma.start()
        server.wait_healthy(lambda h: h.get("store") == "ok", timeout_s=60)
        recover = time.monotonic() - t_back
        before = server.wait_healthy()["collection"]
        republished = run_cli(planqa(corpus, data, "index", "--force"), env)
        swapped = server.wait_healthy(lambda h: h["collection"] != before, timeout_s=60) if republished.returncode == 0 else None
        outcomes = traffic.stop()
    finally:
        if server is not None:
            server.stop()
        chroma.stop()
    during, others = _split(outcomes, t_away, t_back)
    note = "answered from the index in memory; /healthz names the store as away; " + (
        "a rebuild published after it came back was picked up without a restart" if swapped else "the rebuild afterwards FAILED"
    )
    return [_row("Chroma server stopped, then started again", during, others, recover, wrong=0 if swapped else 1, note=note)]


def _damage_database(how: Callable[[Path], None]) -> Callable[[Path], None]:
    return lambda data: how(data / "chroma" / "chroma.sqlite3")


def _garble(db: Path) -> None:
    size = db.stat().st_size
    with open(db, "r+b") as handle:
        handle.seek(size // 8)
        handle.write(os.urandom(size - size // 8))


def _drop_rows(data: Path) -> None:
    """Half-write the published collection: delete some of its rows (what a crash mid-write leaves)."""
    from index.store import active_info, make_client

    client = make_client(data / "chroma")
    collection = client.get_collection(active_info(client).collection)  # type: ignore[union-attr]
    collection.delete(ids=collection.get(limit=10)["ids"])


DAMAGE: tuple[tuple[str, Callable[[Path], None]], ...] = (
    ("database cut short", _damage_database(lambda db: os.truncate(db, db.stat().st_size // 2))),
    ("database removed", _damage_database(lambda db: db.unlink())),
    ("database garbled", _damage_database(_garble)),
    ("published rows missing", _drop_rows),
)


def damaged_index(lab: Lab, size: Size) -> list[Row]:
    """The index folder damaged: `planqa ask` and `planqa serve` refuse to start with a line naming
    `planqa index --force`, never a traceback or a half-read index; `planqa index --force` repairs it."""
    env = environment()
    starts = refused = repairs_failed = 0
    recover = 0.0
    for kind, damage in DAMAGE:
        corpus, data = lab.fresh("damaged-" + kind.replace(" ", "-"))
        damage(data)
        asked = run_cli(planqa(corpus, data, "ask", "--json", QUESTIONS[0]), env, timeout_s=120)
        starts += 2
        refused += (asked.one_line_error and FORCE_HINT in asked.stderr) + _serve_refuses(lab, kind, corpus, data, env)
        repaired = run_cli(planqa(corpus, data, "index", "--force"), env)
        recover = max(recover, repaired.seconds)
        again = run_cli(planqa(corpus, data, "ask", "--json", QUESTIONS[0]), env, timeout_s=120)
        repairs_failed += not (repaired.returncode == 0 and again.returncode == 0 and '"refused": false' in again.stdout)
    note = f"{', '.join(k for k, _ in DAMAGE)}: `planqa ask` and `planqa serve` on each; recovery = `planqa index --force`"
    return [Row("index folder damaged", starts, 0, refused, starts - refused + repairs_failed, recover, note)]


def _serve_refuses(lab: Lab, kind: str, corpus: Path, data: Path, env: dict[str, str]) -> bool:
    """`planqa serve` exits with one line naming the repair, without serving."""
    server = start_server(corpus, data, lab.root / f"damaged-{kind.replace(' ', '-')}-serve.log", env)
    try:
        wait_until(lambda: server.process.poll() is not None or (server.health() or {}).get("status") == "ok", 180, "planqa serve on a damaged index")
    finally:
        served = server.process.poll() is None
        server.stop()
    log = server.tail()
    return not served and server.process.returncode == 2 and FORCE_HINT in log and "Traceback" not in log


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


def disk_full(lab: Lab, size: Size) -> list[Row]:
    """No space left while building the index and writing an export: both say so; the old index keeps serving."""
    if not _can_mount():
        return [Row("no space left (index build, export)", 0, 0, 0, 0, None, "skipped: mounting a small tmpfs needs root")]
    disk = lab.root / "small-disk"
    disk.mkdir()
    used = sum(p.stat().st_size for p in lab.base_data.rglob("*") if p.is_file())
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={used + (4 << 20)}", "tmpfs", str(disk)], check=True)
    env = environment(PLANQA_ANSWER_CACHE="0")
    server = None
    try:
        corpus, data = lab.fresh("full", data_root=disk)
        server = _serve(lab, "full", corpus, data, env)
        published = server.wait_healthy()["collection"]
        _fill(disk / "filler")
        traffic = Traffic(server.url, QUESTIONS, size.clients).start()
        t_full = time.monotonic()
        builds = run_cli(planqa(corpus, data, "index", "--force"), env)
        # The export reads an index elsewhere and writes onto the full disk.
        export = run_cli(planqa(*lab.fresh("export"), "ledger", "--format", "xlsx", "--output", str(disk / "台账.xlsx")), env)
        traffic.wait_for(size.requests)
        kept = server.wait_healthy()["collection"] == published
        t_freed = time.monotonic()
        (disk / "filler").unlink()
        rebuilt = run_cli(planqa(corpus, data, "index", "--force"), env)
        server.wait_healthy(lambda h: h["collection"] != published, timeout_s=120) if rebuilt.returncode == 0 else None
        recover = time.monotonic() - t_freed
        outcomes = traffic.stop()
    finally:
        if server is not None:
            server.stop()
        subprocess.run(["umount", "-l", str(disk)], check=False)
    during, others = _split(outcomes, t_full, t_freed)
    said = [_says_disk_full(r) for r in (builds, export)]
    wrong = said.count(False) + (not kept) + (rebuilt.returncode != 0)
    note = (
        f"`index --force`: {_first_line(builds)}; ledger export: {_first_line(export)}; "
        f"{'the old index kept serving' if kept else 'the published index CHANGED'}; recovery = free the space, `index --force`, the server swaps"
    )
    return [_row("no space left (index build, export)", during, others, recover, wrong, note)]


def _fill(path: Path) -> None:
    """Write zeros until the device is full."""
    block = b"\0" * (1 << 16)
    with open(path, "wb") as handle:
        try:
            while True:
                handle.write(block)
                handle.flush()
        except OSError:
            pass


def _says_disk_full(run: CliRun) -> bool:
    return run.one_line_error and "no space left" in run.stderr


def _first_line(run: CliRun) -> str:
    lines = (run.stderr or run.stdout).strip().splitlines()
    return f"exit {run.returncode}, “{lines[-1][:110] if lines else ''}”"


def reindex_while_serving(lab: Lab, size: Size) -> list[Row]:
    """`planqa index --force`, then `planqa corpus add`, while the server answers: every answer comes
    from the old index or the new one (the X-Planqa-Index header and the documents it cites agree)."""
    env = environment(PLANQA_ANSWER_CACHE="0")
    corpus, data = lab.fresh("reindex")
    server = _serve(lab, "reindex", corpus, data, env)
    try:
        first = server.wait_healthy()["collection"]
        traffic = Traffic(server.url, QUESTIONS, size.clients).start()
        traffic.wait_for(20)
        t0 = time.monotonic()
        forced = run_cli(planqa(corpus, data, "index", "--force"), env)
        t_forced = time.monotonic()
        second = server.wait_healthy(lambda h: h["collection"] != first)["collection"] if forced.returncode == 0 else first
        swap1 = time.monotonic() - t_forced
        added = run_cli(planqa(corpus, data, "corpus", "add", str(NEW_DOC_FILE)), env)
        t_added = time.monotonic()
        third = server.wait_healthy(lambda h: NEW_DOC in h["documents"])["collection"] if added.returncode == 0 else second
        swap2 = time.monotonic() - t_added
        traffic.wait_for(max(20, size.requests // 4))
        outcomes = traffic.stop()
    finally:
        server.stop()
    during, others = _split(outcomes, t0, float("inf"))
    old = {first, second}
    mixed = sum(1 for o in outcomes if o.answered and (o.index not in old | {third} or (o.index in old and NEW_DOC in o.docs)))
    from_new = sum(1 for o in outcomes if o.answered and o.index == third and NEW_DOC in o.docs)
    wrong = mixed + (forced.returncode != 0) + (added.returncode != 0) + (from_new == 0)
    note = f"3 indexes answered ({sum(o.index == first for o in outcomes)} / {sum(o.index == second for o in outcomes)} / {sum(o.index == third for o in outcomes)}); {from_new} answers cite the added document; swap after publish {swap1:.1f} s / {swap2:.1f} s"
    return [_row("`index --force` and `corpus add` while serving", during, others, max(swap1, swap2), wrong, note)]


def sigterm(lab: Lab, size: Size) -> list[Row]:
    """SIGTERM with requests in flight: they finish, new ones get a 503 or a refused connection, exit 0."""
    env = environment(PLANQA_ANSWER_CACHE="0")
    corpus, data = lab.fresh("sigterm")
    server = _serve(lab, "sigterm", corpus, data, env)
    traffic = Traffic(server.url, QUESTIONS, max(size.clients, 16), until_refused=True).start()
    traffic.wait_for(50)
    t_signal = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        code = None
        server.stop()
    t_exit = time.monotonic()
    outcomes = traffic.stop()
    in_flight = [o for o in outcomes if o.sent < t_signal < o.done]
    refused = [o for o in outcomes if o.sent >= t_signal and (o.clear_error or _refused(o))]
    after = [o for o in outcomes if o.sent >= t_signal]
    lost = sum(not (o.answered or o.clear_error) for o in in_flight) + sum(not (o.answered or o.clear_error or _refused(o)) for o in after)
    lost += sum(not o.answered for o in outcomes if o.done < t_signal) + (code != 0)
    odd = sorted({o.detail or str(o.status) for o in outcomes if not (o.answered or o.clear_error or _refused(o))})[:3]
    note = f"{len(in_flight)} in flight at the signal, {sum(o.answered for o in in_flight)} of them answered; exit code {code}; recovery = time to exit" + (
        f"; lost: {odd}" if odd else ""
    )
    return [Row("SIGTERM with requests in flight", len(in_flight) + len(after), sum(o.answered for o in in_flight + after), len(refused), lost, t_exit - t_signal, note)]


def _refused(outcome: Outcome) -> bool:
    """No connection: the server had stopped listening (a clean refusal a client can retry elsewhere)."""
    return outcome.status is None and outcome.detail.startswith("ConnectError")


def malformed(lab: Lab, size: Size) -> list[Row]:
    """Malformed requests of every kind: each a 4xx with a message; the server's memory stays flat."""
    env = environment(PLANQA_ANSWER_CACHE="0")
    corpus, data = lab.fresh("malformed")
    server = _serve(lab, "malformed", corpus, data, env)
    try:
        send_malformed(server.url, len(KINDS) * 3)  # warm-up: every path taken once
        before = server.rss_mb()
        outcomes = send_malformed(server.url, size.malformed)
        after = server.rss_mb()
        with httpx.Client(base_url=server.url, timeout=60) as client:
            still = outcome_of(time.monotonic(), client.post("/api/ask", json={"question": QUESTIONS[0]})).answered
    finally:
        server.stop()
    clear = sum(o.clear_error and 400 <= (o.status or 0) < 500 for o in outcomes)
    note = f"{len(KINDS)} kinds; server memory {before:.0f} → {after:.0f} MB; {'answers normally afterwards' if still else 'NOT answering afterwards'}"
    return [Row(f"{size.malformed} malformed requests", len(outcomes), 0, clear, len(outcomes) - clear + (not still), None, note)]


FAULTS: dict[str, Callable[[Lab, Size], list[Row]]] = {
    "chroma": chroma_away,
    "damaged": damaged_index,
    "disk": disk_full,
    "reindex": reindex_while_serving,
    "sigterm": sigterm,
    "malformed": malformed,
}


def run_faults(root: Path, size: Size = Size(), only: tuple[str, ...] = (), vectors: Path | None = None) -> list[Row]:
    """Every fault (or those named in ``only``), in a scratch folder under ``root``."""
    lab = Lab(root, vectors)
    rows: list[Row] = []
    for name, fault in FAULTS.items():
        if not only or name in only:
            rows.extend(fault(lab, size))
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| fault | requests during it | answered | clear error | lost or wrong | time to recover | notes |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        recover = "–" if r.recover_s is None else f"{r.recover_s:.1f} s"
        lines.append(f"| {r.fault} | {r.sent} | {r.answered} | {r.clear_error} | {r.lost_or_wrong} | {recover} | {r.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.faults", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--requests", type=int, default=Size.requests, help="requests sent while each traffic fault lasts")
    p.add_argument("--clients", type=int, default=Size.clients)
    p.add_argument("--malformed", type=int, default=Size.malformed)
    p.add_argument("--only", default="", help=f"comma-separated subset of {','.join(FAULTS)}")
    p.add_argument("--vectors", type=Path, default=REPO / ".planqa" / "vectors.sqlite", help="a vector cache to build the indexes from")
    p.add_argument("--keep", type=Path, default=None, help="run in this folder and keep it (logs of every server)")
    args = p.parse_args(argv)
    only = tuple(x for x in args.only.split(",") if x)
    if unknown := [x for x in only if x not in FAULTS]:
        p.error(f"unknown fault {unknown[0]!r}; choose from {', '.join(FAULTS)}")
    size = Size(args.requests, args.clients, args.malformed)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        rows = run_faults(args.keep, size, only, args.vectors)
    else:
        with tempfile.TemporaryDirectory(prefix="planqa-faults-") as root:
            rows = run_faults(Path(root), size, only, args.vectors)
    print(table(rows))
    return 1 if any(r.lost_or_wrong for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
