"""Summary tables for the terminal, and a Markdown report with a PNG chart of accuracy by type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROWS = (
    ("pass_rate", "overall pass", "pct"),
    ("recall_at_k", "retrieval recall@k", "pct"),
    ("mrr", "MRR", "num"),
    ("citation_precision", "citation precision", "pct"),
    ("false_refusal_rate", "false refusals", "pct"),
    ("confident_wrong_rate", "confident wrong (wrong ÷ questions)", "pct"),
    ("lead_first_line", "first line ≤100 holds answer", "pct"),
    ("median_answer_chars", "median answer (chars)", "int"),
    ("median_fact_answer_chars", "median fact answer (chars)", "int"),
    ("latency_p50_ms", "latency p50 (ms)", "ms"),
    ("latency_p95_ms", "latency p95 (ms)", "ms"),
    ("verifier_drops", "verifier drops", "int"),
)


def _fmt(value: float, kind: str) -> str:
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "int":
        return f"{value:.0f}"
    if kind == "ms":
        return f"{value:.1f}"
    return f"{value:.3f}"


def table(figures: list[dict[str, Any]], markdown: bool = False) -> str:
    """One column per system: overall, per type, and the retrieval and latency figures."""
    names = [f["system"] for f in figures]
    types = sorted({t for f in figures for t in f["by_type"]})
    rows: list[list[str]] = [["metric", *names]]
    rows.append(["questions", *[str(f["questions"]) for f in figures]])
    for key, label, kind in ROWS[:1]:
        rows.append([label, *[_fmt(f[key], kind) for f in figures]])
    for t in types:
        rows.append([f"  {t}", *[f"{f['by_type'].get(t, 0) * 100:.1f}% ({f['by_type_counts'].get(t, '-')})" for f in figures]])
    for key, label, kind in ROWS[1:]:
        rows.append([label, *[_fmt(f.get(key, 0.0), kind) for f in figures]])
    rows.append(["failures by class", *[_classes(f) for f in figures]])
    rows.append(
        ["searched answers decided by", *[", ".join(f"{n} {k}" for k, n in f.get("decided_by", {}).items()) or "-" for f in figures]]
    )
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(c.strip() for c in r) + " |" for r in rows[1:]]
        return "\n".join(lines)
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)) for r in rows)


def _classes(figures: dict[str, Any]) -> str:
    counts = figures.get("failure_classes", {})
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "-"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_report(directory: Path, figures: list[dict[str, Any]], failures: list[dict[str, Any]], dataset: str, k: int) -> Path:
    """report.md and accuracy_by_type.png in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    chart = directory / "accuracy_by_type.png"
    _chart(chart, figures)
    lines = [
        "# planqa evaluation",
        "",
        f"Dataset: `{dataset}` · retrieval figures at k={k} (by_unit questions are answered from the parsed records and left out of recall/MRR).",
        "",
        table(figures, markdown=True),
        "",
        f"![accuracy by question type]({chart.name})",
        "",
        "## Failures (planqa)",
        "",
    ]
    lines += [f"- `{f['id']}` ({f['type']}, {f.get('class', 'wrong')}) {f['question']} — {f['reason']}" for f in failures] or ["None."]
    path = directory / "report.md"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _chart(path: Path, figures: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types = sorted({t for f in figures for t in f["by_type"]})
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(1, len(figures))
    for i, f in enumerate(figures):
        xs = [j + i * width for j in range(len(types))]
        ax.bar(xs, [f["by_type"].get(t, 0) * 100 for t in types], width, label=f["system"])
    ax.set_xticks([j + width * (len(figures) - 1) / 2 for j in range(len(types))])
    ax.set_xticklabels(types, rotation=20)
    ax.set_ylabel("pass rate (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Accuracy by question type")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=len(figures), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def result_class(row: dict[str, Any]) -> str:
    """A results line's class; lines written before classes existed are read from passed/refused."""
    if "class" in row:
        return str(row["class"])
    if row.get("passed"):
        return "pass"
    return "false refusal" if row.get("refused") and row.get("type") != "out_of_scope" else "wrong"


def compare(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
    """The questions whose class changed between two results files (by id), then the class counts of each."""
    old = {row["id"]: row for row in before}
    lines = []
    for row in after:
        if row["id"] not in old:
            continue
        a, b = result_class(old[row["id"]]), result_class(row)
        if a != b:
            lines.append(
                f"  {row['id']} [{row.get('type', '?')}] {a} → {b}: {row.get('question', '')}"
                + (f" — {row['reason']}" if b != "pass" else "")
            )
    counts = []
    for name, rows in (("A", before), ("B", after)):
        tally: dict[str, int] = {}
        for row in rows:
            tally[result_class(row)] = tally.get(result_class(row), 0) + 1
        counts.append(f"{name}: " + ", ".join(f"{tally.get(k, 0)} {k}" for k in ("pass", "false refusal", "wrong", "incomplete")))
    head = f"{len(lines)} questions changed class" + (":" if lines else ".")
    return "\n".join([head, *lines, *counts])
