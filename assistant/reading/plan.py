"""The query plan: what every question becomes — a base set of records, filters over it, what to
project from the result and the form of the answer. Relational algebra over the parsed clauses:
"哪些任务没有市住建局参与" is clauses − clauses(unit=市住房和城乡建设局); "第四部分里哪些有能源局" is
section(四) ∩ clauses(unit=市能源局). New combinations need no new code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FilterKind = Literal["unit", "section", "topic", "has_units", "has_target", "deadline", "clause", "unit_count"]
# A deadline's direction, or how a clause's number of responsible units compares with a number.
Op = Literal["before", "after", "eq", "more", "less", "at_least", "at_most", ""]
Projection = Literal["clauses", "units", "count", "span", "structure", "metadata", "lineage"]
Form = Literal["list", "count", "check", "ranking", "lookup", "decline", "acknowledge"]
Base = Literal["clauses", "previous"]


@dataclass(frozen=True)
class Filter:
    """One condition on a clause. ``values`` are unit names, section numerals (or the words of a
    section's title: 以城带乡那部分), topic words, clause numbers, a year or a number of units;
    ``every`` asks for all of several values (both units), else any of them; ``negate`` keeps the
    clauses that fail it (没有 / 不 / except); ``op`` is a deadline's direction or a count's comparison."""

    kind: FilterKind
    values: tuple[str, ...] = ()
    negate: bool = False
    every: bool = False
    op: Op = ""

    def describe(self) -> str:
        what = "、".join(self.values) if self.values else ""
        if self.kind in ("deadline", "unit_count"):
            what = f"{self.op} {what}"
        joined = f"{self.kind}({what})" if what else self.kind
        return ("not " if self.negate else "") + (f"all {joined}" if self.every and len(self.values) > 1 else joined)


@dataclass(frozen=True)
class Plan:
    """A question as a small program over the records; ``read`` lists the words it was read from."""

    form: Form
    projection: Projection
    base: Base = "clauses"
    filters: tuple[Filter, ...] = ()
    within: tuple[int, ...] = ()  # the previous turn's result, when the base is "previous"
    single: bool = False  # 哪一条: the one clause that fits best
    common: bool = False  # 这几条都有的责任单位: the units every selected clause lists
    each: bool = False  # 每一项任务是否都…: a check that holds only when every clause of the scope passes
    read: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    persona: tuple[str, ...] = field(default=(), compare=False)  # facts a story told about the asker

    def filters_of(self, kind: str) -> tuple[Filter, ...]:
        return tuple(f for f in self.filters if f.kind == kind)

    def to_json(self) -> dict[str, Any]:
        """The plan as `understood.plan` shows it."""
        out: dict[str, Any] = {"form": self.form, "projection": self.projection, "base": self.base}
        if self.filters:
            out["filters"] = [f.describe() for f in self.filters]
        if self.within:
            out["within"] = list(self.within)
        if self.common:
            out["common"] = True
        if self.each:
            out["each"] = True
        if self.read:
            out["read"] = list(self.read)
        if self.persona:
            out["persona"] = list(self.persona)
        return out

    def restatement(self) -> str:
        """The plan for the chat's 理解为 line: its form, its filters and the words they were read from
        (check：not unit(市水利局)、topic(随迁子女教育)（是不是）)."""
        filters = "、".join(f.describe() for f in self.filters)
        read = f"（{'、'.join(self.read)}）" if self.read else ""
        return f"{self.form}：{filters}{read}" if filters else ""
