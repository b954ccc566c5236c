"""python -m eval --dataset FILE --output RESULTS.jsonl [--report DIR] [--k 5] [--baseline]
python -m eval --compare A.jsonl B.jsonl   (two results files: the questions whose class changed)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from assistant.cli import quiet_environment

    quiet_environment()
    p = argparse.ArgumentParser(prog="python -m eval", description="Score planqa's answers on a question set.")
    p.add_argument("--dataset", type=Path)
    p.add_argument("--output", type=Path, help="results JSONL, one line per question")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="two results files: print the questions whose class changed")
    p.add_argument("--report", type=Path, default=None, help="folder for report.md and accuracy_by_type.png")
    p.add_argument("--k", type=int, default=5, help="cut-off for retrieval recall@k and MRR")
    p.add_argument("--baseline", action="store_true", help="also score the plain LangChain RAG baseline")
    args = p.parse_args(argv)
    if args.compare:
        return _compare(*args.compare)
    if args.dataset is None or args.output is None:
        p.error("--dataset and --output are required (or --compare A B)")

    from assistant.settings import Settings
    from eval.dataset import DatasetError
    from eval.run import evaluate
    from index.errors import PlanqaError

    try:
        evaluate(args.dataset, args.output, Settings(), args.k, args.baseline, args.report)
    except (DatasetError, PlanqaError, FileNotFoundError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    return 0


def _compare(a: Path, b: Path) -> int:
    import json

    from eval.report import compare

    try:
        rows = [[json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()] for path in (a, b)]
    except (OSError, json.JSONDecodeError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    print(compare(*rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
