"""The `planqa` command: index, ask, serve."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from index.errors import PlanqaError, SettingsError


def quiet_environment() -> None:
    """No network, no telemetry: set before any library that might phone home is imported.

    GOMP_SPINCOUNT: the embedding model's OpenMP threads spin only briefly before they sleep. Measured
    on 2 cores (one query embedding): default spinning 14 ms quiet but 147 ms with the cores busy;
    OMP_WAIT_POLICY=PASSIVE 26 / 33 ms; a spin count of 1000 13 / 40 ms.
    """
    quiet = (("HF_HUB_OFFLINE", "1"), ("ANONYMIZED_TELEMETRY", "False"), ("GRADIO_ANALYTICS_ENABLED", "False"), ("TOKENIZERS_PARALLELISM", "false"), ("GOMP_SPINCOUNT", "1000"))
    for key, value in quiet:
        os.environ.setdefault(key, value)


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from assistant.settings import Settings

    overrides = {k: v for k, v in (("corpus_dir", args.corpus_dir), ("data_dir", args.data_dir)) if v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:  # a bad PLANQA_* value: one line naming the variable, not a traceback
        first = exc.errors()[0]
        name = "PLANQA_" + "_".join(str(p) for p in first["loc"]).upper()
        raise SettingsError(f"{name}: {first['msg']}") from None


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from assistant.service import index_corpus

    settings = _settings(args)
    bar = tqdm(total=0, unit="chunk", desc="embedding", disable=not sys.stderr.isatty() and not args.progress)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    report = index_corpus(settings, progress, force=args.force)
    bar.close()
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    state = "unchanged" if report.unchanged else f"built {report.collection}"
    print(
        f"indexed {len(report.documents)} document(s) ({', '.join(report.documents)}): {report.chunks} chunks, "
        f"{report.embedded} embedded, {report.cached} from cache, {state}, {report.seconds:.2f} s"
    )
    if report.listed_only:
        print(f"listed but not provided: {', '.join(report.listed_only)} (add with `planqa corpus add FILE --number 文号`)")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.service import Assistant

    assistant = Assistant.from_settings(_settings(args))
    answer = assistant.ask(" ".join(args.question), k=args.k, docs=tuple(args.doc) or None)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
        return 0
    if answer.notice:
        print(answer.notice)
    print(answer.text)
    if answer.citations:
        print("\n引用：")
        for i, c in enumerate(answer.citations, 1):
            print(f"[{i}] {c.doc} {c.path} {c.title}")
    print(f"\n({'refused' if answer.refused else answer.route}, {answer.latency_ms:.1f} ms)")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.chat_cli import HISTORY_FILE, chat
    from assistant.service import Assistant

    settings = _settings(args)
    return chat(lambda: Assistant.from_settings(settings, build_if_missing=True), settings.data_dir / HISTORY_FILE, as_json=args.json)


def cmd_ledger(args: argparse.Namespace) -> int:
    from assistant.export_ledger import export
    from assistant.knowledge import Knowledge

    knowledge = Knowledge.load(_settings(args))
    _, _, data = export(knowledge, args.format, args.unit, args.doc, bom=bool(args.output))
    if args.output:
        from index.build import storage_errors

        with storage_errors(f"writing {args.output}"):
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_bytes(data)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_corpus_add(args: argparse.Namespace) -> int:
    import tempfile

    from assistant.service import index_corpus
    from index.corpus import Origin, add_document
    from index.fetch import fetch_document, is_web_address

    settings = _settings(args)
    with tempfile.TemporaryDirectory(prefix="planqa-fetch-") as folder:
        source, origin = Path(args.file), None
        if is_web_address(args.file):
            print(f"fetching {args.file} …", file=sys.stderr)
            fetched = fetch_document(args.file, Path(folder))
            source, origin = fetched.path, Origin(fetched.url, fetched.fetched)
            print(f"  {fetched.content_type or 'file'} from {fetched.final_url} ({fetched.path.stat().st_size / 1024:.0f} KB)", file=sys.stderr)
        entry, notes = add_document(
            settings.corpus_dir, source, args.number, args.title, args.level, args.issuer, args.date, origin=origin, progress=_ocr_page
        )
    print(f"added {entry.number}《{entry.title}》 as {settings.corpus_dir / entry.file} ({entry.level})")
    for note in notes:
        print(f"  {note}" if note.startswith("text:") else f"  inferred {note}")
    if origin:
        print(f"  source: {origin.url} (fetched {origin.fetched})")
    if args.no_index:
        return 0
    report = index_corpus(settings)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    print(f"indexed: {report.embedded} new chunks embedded, {report.cached} from cache, {report.seconds:.1f} s")
    return 1 if any(entry.number in e for e in report.errors) else 0


def _ocr_page(done: int, total: int) -> None:
    """A line on stderr for each page OCR reads of a scanned PDF."""
    print(f"  OCR: page {done} of {total}", file=sys.stderr, flush=True)


def cmd_corpus_list(args: argparse.Namespace) -> int:
    from index.corpus import corpus_status

    settings = _settings(args)
    for meta, status in corpus_status(settings.corpus_dir, settings.chroma_path, settings.chroma_host, settings.chroma_port):
        print(f"{meta.number}\t{meta.level}\t{status}\t{meta.title}")
    return 0


def cmd_corpus_remove(args: argparse.Namespace) -> int:
    from assistant.service import index_corpus
    from index.corpus import remove_document

    settings = _settings(args)
    entry = remove_document(settings.corpus_dir, args.number)
    print(f"removed {entry.number} ({entry.file or 'no file'})")
    report = index_corpus(settings)
    print(f"re-indexed: {', '.join(report.documents) or 'nothing left'} ({report.seconds:.1f} s)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    settings = _settings(args)
    serve(settings, host=args.host or settings.ui_host, port=args.port or settings.ui_port)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planqa", description="Answers questions about Chinese policy plans, with clause citations.")
    p.add_argument("--corpus-dir", default=None, help="corpus folder (PLANQA_CORPUS_DIR)")
    p.add_argument("--data-dir", default=None, help="index and cache folder (PLANQA_DATA_DIR)")
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("index", help="parse, chunk and embed the corpus into Chroma")
    i.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    i.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    i.set_defaults(func=cmd_index)
    a = sub.add_parser("ask", help="answer one question")
    a.add_argument("question", nargs="+")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.add_argument("--k", type=int, default=None, help="clauses to retrieve")
    a.add_argument("--doc", action="append", default=[], metavar="文号", help="answer only from this document (repeatable)")
    a.set_defaults(func=cmd_ask)
    ch = sub.add_parser("chat", help="a conversation in the terminal: follow-ups, /reset, /json, /help, Ctrl-D to leave (builds the index if missing)")
    ch.add_argument("--json", action="store_true", help="start printing each answer as the `ask --json` object (/json toggles)")
    ch.set_defaults(func=cmd_chat)
    led = sub.add_parser("ledger", help="the task ledger (任务台账): targets, time nodes and projects of every task")
    led.add_argument("--unit", metavar="NAME", help="only the tasks naming this unit (full name or abbreviation)")
    led.add_argument("--doc", metavar="文号", help="only the tasks of this document")
    led.add_argument("--format", choices=["json", "csv", "xlsx", "docx", "md"], default="json", help="output format (default json)")
    led.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    led.set_defaults(func=cmd_ledger)
    c = sub.add_parser("corpus", help="add, list or remove corpus documents")
    csub = c.add_subparsers(dest="corpus_command", required=True)
    ca = csub.add_parser("add", help="copy a TXT/PDF/DOCX/HTML file (or fetch a web address) into the corpus, record it and index it")
    ca.add_argument("file", metavar="FILE|URL", help="a file, or an http(s):// address of an article page or a PDF/DOCX")
    ca.add_argument("--number", help="文号 (inferred from the header if omitted)")
    ca.add_argument("--title")
    ca.add_argument("--level", choices=["national", "provincial", "municipal"])
    ca.add_argument("--issuer")
    ca.add_argument("--date", help="YYYY-MM-DD")
    ca.add_argument("--no-index", action="store_true", help="record only; run `planqa index` later")
    ca.set_defaults(func=cmd_corpus_add)
    csub.add_parser("list", help="every document and its status").set_defaults(func=cmd_corpus_list)
    cr = csub.add_parser("remove", help="remove a document from corpus and index")
    cr.add_argument("number", metavar="文号")
    cr.set_defaults(func=cmd_corpus_remove)
    s = sub.add_parser("serve", help="start the chat UI (builds the index if missing)")
    s.add_argument("--host", default=None)
    s.add_argument("--port", type=int, default=None)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    quiet_environment()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PlanqaError as exc:
        print(f"planqa: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("planqa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
