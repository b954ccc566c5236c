"""The task ledger (任务台账) from the loaded index: one row per task, filtered by unit and document,
and answers to ledger questions (量化指标, 时间节点, 重点项目) quoted from the extracted records."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from assistant.cite import citation
from assistant.records import Answer, Route
from index.errors import PlanqaError
from index.ledger import PartLedger, Project, Target, TimeNode, read_text
from index.records import Part
from index.units import UnitTable

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge

KINDS = ("targets", "deadlines", "projects")
# A ledger answer is a listing built from parsed records, like by_unit's: kept verbatim in LLM mode.
LEDGER_ROUTE: Route = "by_unit"
NODE_EDGES = re.compile(r"^(?:到|至|截至|于)|(?:以前|之前|前)$")


@dataclass(frozen=True)
class LedgerRow:
    """One task of the ledger: a part and what was extracted from it."""

    part: Part
    ledger: PartLedger

    def items(self, kind: str) -> tuple[Target, ...] | tuple[TimeNode, ...] | tuple[Project, ...]:
        return getattr(self.ledger, kind)  # type: ignore[no-any-return]

    def to_json(self) -> dict[str, Any]:
        """The `planqa ledger` JSON row."""
        return {
            "doc": self.part.doc,
            "clause": self.part.number,
            "path": self.part.path,
            "title": self.part.title,
            "units": list(self.part.unit_names),
            **self.ledger.to_json(),
        }


def ledger_rows(
    parts: Sequence[Part], ledgers: Mapping[str, PartLedger], units: Sequence[str] = (), docs: Sequence[str] = ()
) -> list[LedgerRow]:
    """Every clause (a task, figures or not) and any other part carrying targets, time nodes or projects,
    in document order; with ``units``, only parts naming one of them; with ``docs``, only those documents."""
    rows = []
    for part in parts:
        if (docs and part.doc not in docs) or (units and not set(units) & set(part.unit_names)):
            continue
        ledger = ledgers.get(part.id, PartLedger())
        if part.kind == "clause" or ledger:
            rows.append(LedgerRow(part, ledger))
    return rows


def resolve_unit(name: str, parts: Sequence[Part], table: UnitTable) -> str | None:
    """The canonical unit meant by a full name or abbreviation (水利局, 发改委), or a unique part of a name."""
    name = name.strip()
    if not name:
        return None
    named = list(dict.fromkeys(u for p in parts for u in p.unit_names))
    if name in named:
        return name
    canonical = table.alias_map().get(name) or next(iter(table.find_in(name)), None)
    if canonical:
        return canonical
    candidates = [u for u in named if name in u]
    return candidates[0] if len(candidates) == 1 else None


def rows_for(knowledge: Knowledge, unit: str | None = None, doc: str | None = None) -> tuple[str | None, list[LedgerRow]]:
    """The ledger rows of the index for one unit and/or one document; the unit comes back canonical.

    Raises PlanqaError naming what is unknown, for the CLI and the API to show.
    """
    if doc and doc not in knowledge.indexed_docs:
        known = "、".join(knowledge.indexed_docs)
        raise PlanqaError(f"no indexed document {doc!r}; indexed: {known}")
    canonical = None
    if unit:
        canonical = resolve_unit(unit, knowledge.parts, knowledge.units)
        if canonical is None:
            raise PlanqaError(f"no department called {unit!r}; try its full name or a common abbreviation (e.g. 水利局, 发改委)")
    rows = ledger_rows(knowledge.parts, knowledge.ledger, (canonical,) if canonical else (), (doc,) if doc else ())
    return canonical, rows


@dataclass(frozen=True)
class LedgerQuestion:
    """What a ledger question asks: which kinds, and the time nodes or figures it filters by."""

    kinds: tuple[str, ...]
    nodes: tuple[TimeNode, ...] = ()
    figures: tuple[Target, ...] = ()


@cache
def _vocabulary() -> dict[str, Any]:
    return tomllib.loads(resources.files("assistant").joinpath("data/ledger.toml").read_text("utf-8"))


def _mentions(text: str, words: Sequence[str]) -> bool:
    lowered = text.lower()
    return any(w.lower() in lowered for w in words)


def read_question(question: str) -> LedgerQuestion | None:
    """The ledger question a question asks, or None when it is not one (it names no kind and carries no
    time node or figure, asks for no list, or asks who is responsible)."""
    vocab = _vocabulary()
    if not _mentions(question, vocab["cues"]["list"]) or _mentions(question, vocab["cues"]["who"]):
        return None
    kinds = tuple(k for k in KINDS if _mentions(question, vocab["kinds"][k]))
    asked = read_text(question)
    if not kinds:
        kinds = ("deadlines",) if asked.deadlines else ("targets",) if asked.targets else ()
    return LedgerQuestion(kinds, asked.deadlines, asked.targets) if kinds else None


def _node_key(text: str) -> str:
    return NODE_EDGES.sub("", text)


def _matches(row: LedgerRow, asked: LedgerQuestion) -> LedgerRow | None:
    """The row narrowed to the time nodes and figures asked about, or None when it has none of them."""
    ledger = row.ledger
    if asked.nodes:
        keys = [_node_key(n.text) for n in asked.nodes]
        deadlines = tuple(d for d in ledger.deadlines if any(k in _node_key(d.text) or _node_key(d.text) in k for k in keys))
        if not deadlines:
            return None
        ledger = PartLedger(ledger.targets, deadlines, ledger.projects)
    if asked.figures:
        wanted = {(f.value, f.unit) for f in asked.figures}
        targets = tuple(t for t in ledger.targets if (t.value, t.unit) in wanted)
        if not targets:
            return None
        ledger = PartLedger(targets, ledger.deadlines, ledger.projects)
    return LedgerRow(row.part, ledger)


def _lines(kind: str, rows: list[LedgerRow]) -> tuple[list[str], dict[str, tuple[Part, list[str]]]]:
    """One numbered line per row quoting its items of a kind, and the quotes each part is cited for."""
    templates = _vocabulary()["answer"]
    lines: list[str] = []
    quoted: dict[str, tuple[Part, list[str]]] = {}
    for row in rows:
        items = row.items(kind)
        if not items:
            continue
        quotes = list(dict.fromkeys(i.sentence if kind == "deadlines" else i.text for i in items))
        nodes = "、".join(dict.fromkeys(i.text for i in items))
        p = row.part
        lines.append(
            templates[kind.removesuffix("s")].format(
                i=len(lines) + 1, doc=p.doc, path=p.path, title=p.title, nodes=nodes, quotes="".join(f"「{q}」" for q in quotes)
            )
        )
        quoted.setdefault(p.id, (p, []))[1].extend(q for q in quotes if q not in quoted[p.id][1])
    return lines, quoted


def _cue_words() -> str:
    """Every word of the ledger's vocabulary (kinds, cues), as one text to look words up in."""
    vocab = _vocabulary()
    words = [w for group in ("kinds", "cues") for ws in vocab[group].values() for w in ws]
    return "\n".join(words)


def narrowed(rows: list[LedgerRow], about: Sequence[str]) -> list[LedgerRow]:
    """The rows of the clauses that mention every word the question is about (算电协同 … 项目 → 四（十三）),
    beyond the ledger's own words (项目, 指标, 时间节点) and its figures; all rows when it names none."""
    cues = _cue_words()
    words = [w for w in about if w not in cues and not any(ch.isdigit() for ch in w)]
    if not words:
        return rows
    return [r for r in rows if all(w in r.part.text for w in words)]


def ledger_answer(
    knowledge: Knowledge, question: str, units: tuple[str, ...], docs: tuple[str, ...], about: Sequence[str] = ()
) -> Answer | None:
    """Answer a ledger question (市水利局有哪些量化指标？ 方案里有哪些时间节点？ 提到了哪些重点项目？
    哪些任务要求5年内完成？) from the extracted records, every item quoted and cited; None when the
    question is not a ledger question. ``units`` (names or abbreviations; found in the question when
    empty) and ``docs`` (文号; all indexed documents when empty) narrow the ledger."""
    asked = read_question(question)
    if asked is None:
        return None
    templates = _vocabulary()["answer"]
    if units:
        units = tuple(resolve_unit(u, knowledge.parts, knowledge.units) or u for u in units)
    else:
        units = tuple(knowledge.units.find_in(question))
    rows = ledger_rows(knowledge.parts, knowledge.ledger, units, docs)
    if units and not rows:
        return Answer(question, templates["no_unit"].format(units="、".join(units)), (), True, "out_of_scope")
    rows = [r for r in (_matches(row, asked) for row in rows) if r is not None]
    if about:
        rows = narrowed(rows, about)
        if not rows:  # the ledger holds nothing on that subject: the documents are searched instead
            return None
    scope = (
        templates["scope_unit"].format(units="、".join(units))
        if units
        else templates["scope_docs"].format(docs="、".join(docs))
        if docs
        else templates["scope_all"]
    )
    wanted = "、".join([n.text for n in asked.nodes] + [f.value + f.unit for f in asked.figures])
    where = templates["filter"].format(filter=wanted) if wanted else ""
    text: list[str] = []
    cited: dict[str, tuple[Part, list[str]]] = {}
    for kind in asked.kinds:
        lines, quoted = _lines(kind, rows)
        name = templates["kind_names"][kind]
        count = sum(len(r.items(kind)) for r in rows)
        text.append(templates["head" if lines else "none"].format(scope=scope, count=count, kind=name, filter=where))
        text.extend(lines)
        for pid, (part, quotes) in quoted.items():
            cited.setdefault(pid, (part, []))[1].extend(q for q in quotes if q not in cited[pid][1])
    if not cited:
        return Answer(question, "\n".join(text), (), True, "out_of_scope")
    citations = tuple(citation(knowledge, part, tuple(quotes)) for part, quotes in cited.values())
    return Answer(question, "\n".join(text), citations, False, LEDGER_ROUTE)
