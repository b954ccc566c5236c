"""OCR benchmark: SYNTHETIC plans rendered as image-only PDFs (tests/scans.py), read back by planqa's
PDF path (index/ocr.py), and compared with the text they were rendered from.

Prints, per document and in all: pages, pages per second, character accuracy (1 − edit distance /
characters, on the cleaned text without whitespace) and whether the parsed clauses and their
responsible units are the same as those parsed from the source text.

python -m eval.ocr_bench [--plans 2] [--dpi 150] [--json eval/out/ocr_bench.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from index.clean import clean_text
from index.load import extract_document
from index.ocr import RENDER_DPI, cache_path
from index.parse import parse_document
from index.records import ParsedDocument

# Plans of made-up cities whose names PP-OCRv4's dictionary holds (蘅 is not in it).
CITIES = ("琨峰市", "芷川市", "澜屿市", "璟湾市", "翎塘市")
TARGET_ACCURACY = 0.98


@dataclass(frozen=True)
class ScanResult:
    """One rendered plan read back by OCR."""

    city: str
    pages: int
    seconds: float
    chars: int
    accuracy: float
    confidence: float
    same_clauses: bool
    same_units: bool

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions and substitutions of one character)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def character_accuracy(source: str, read: str) -> float:
    """1 − edit distance / source characters, both cleaned (index/clean.py) and without whitespace."""
    expected = re.sub(r"\s+", "", clean_text(source))
    got = re.sub(r"\s+", "", clean_text(read))
    return max(0.0, 1 - edit_distance(expected, got) / max(1, len(expected)))


def clause_records(doc: ParsedDocument) -> list[tuple[str, str]]:
    return [(p.path, p.title) for p in doc.clauses]


def unit_records(doc: ParsedDocument) -> list[tuple[str, tuple[str, ...]]]:
    return [(p.path, p.unit_names) for p in doc.clauses]


def bench_plan(city: str, index: int, folder: Path, dpi: int = RENDER_DPI) -> ScanResult:
    """Render one synthetic plan as a scan, OCR it, compare it with its source."""
    from tests.scans import render_scan
    from tests.synthetic_plans import generate_plan

    plan = generate_plan(city, index)
    path = folder / f"scan_{index}.pdf"
    pages = render_scan(plan.text, path)
    cache_path(path).unlink(missing_ok=True)
    t0 = time.perf_counter()
    extracted = extract_document(path)
    seconds = time.perf_counter() - t0
    meta = plan.meta(path.name)
    source, read = parse_document(plan.text, meta), parse_document(extracted.text, meta)
    assert extracted.ocr is not None, f"{path.name}: no page was read by OCR"
    return ScanResult(
        city,
        pages,
        round(seconds, 2),
        len(re.sub(r"\s+", "", plan.text)),
        round(character_accuracy(plan.text, extracted.text), 4),
        extracted.ocr.confidence,
        clause_records(source) == clause_records(read),
        unit_records(source) == unit_records(read),
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.ocr_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--plans", type=int, default=2, help=f"synthetic plans to render and read (at most {len(CITIES)})")
    p.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = p.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="planqa-ocr-bench-") as folder:
        for i, city in enumerate(CITIES[: args.plans]):
            result = bench_plan(city, i, Path(folder))
            results.append(result)
            print(
                f"{city}: {result.pages} pages, {result.chars} characters, {result.seconds:.1f} s ({result.pages_per_s:.2f} pages/s), "
                f"character accuracy {result.accuracy:.2%}, mean confidence {result.confidence:.1%}, "
                f"clauses {'same' if result.same_clauses else 'DIFFER'}, units {'same' if result.same_units else 'DIFFER'}",
                flush=True,
            )
    pages, seconds = sum(r.pages for r in results), sum(r.seconds for r in results)
    chars = sum(r.chars for r in results)
    accuracy = sum(r.accuracy * r.chars for r in results) / chars
    print(
        f"all: {pages} pages in {seconds:.1f} s = {pages / seconds:.2f} pages/s; character accuracy {accuracy:.2%} (target ≥ {TARGET_ACCURACY:.0%})"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {"pages": pages, "seconds": round(seconds, 2), "pages_per_s": round(pages / seconds, 3), "accuracy": round(accuracy, 4)}
        args.json.write_text(
            json.dumps({"plans": [asdict(r) for r in results], "all": summary}, ensure_ascii=False, indent=1) + "\n", "utf-8"
        )
    ok = accuracy >= TARGET_ACCURACY and all(r.same_clauses and r.same_units for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
