"""Responsible units: the reviewed department table, and parsing 责任单位 notes into canonical names."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from index.records import UnitRef, UnitRole

CITY = "市"
NOTE = re.compile(r"[（(](?:责任单位|牵头单位|责任部门)[:：]\s*(?P<body>[^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*)[）)]\s*$")
INLINE_NOTE = re.compile(r"[（(](?P<body>[^（）()]*?(?:牵头|配合|负责)[^（）()]*)[）)]\s*$")
GROUP_SPLIT = re.compile(r"[，,；;]")
ITEM_SPLIT = re.compile(r"[、]")


@dataclass(frozen=True)
class Unit:
    """One row of the department table."""

    name: str
    aliases: tuple[str, ...]
    kind: str
    english: tuple[str, ...] = ()  # the English name first, then English forms people type

    @property
    def english_name(self) -> str:
        return self.english[0] if self.english else ""


@dataclass(frozen=True)
class UnitTable:
    """Canonical unit names and every way of writing them."""

    units: tuple[Unit, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(u.name for u in self.units)

    def alias_map(self) -> dict[str, str]:
        """Every written form (names, aliases, names without the 市 prefix) → canonical name."""
        out: dict[str, str] = {}
        for unit in self.units:
            for form in (unit.name, *unit.aliases):
                out.setdefault(form, unit.name)
            if has_city_prefix(unit.name):
                out.setdefault(unit.name[1:], unit.name)
        return out

    def get(self, name: str) -> Unit | None:
        """The table row of a canonical name."""
        return next((u for u in self.units if u.name == name), None)

    def resolve(self, written: str, city_context: bool) -> str | None:
        """The canonical name for a unit as written in a note, or None when unknown."""
        if written in self.names:
            return written
        if city_context and not has_city_prefix(written) and CITY + written in self.names:
            return CITY + written
        return self.alias_map().get(written)

    def find_in(self, text: str) -> list[str]:
        """Canonical units mentioned in free text, longest written form first, no overlaps."""
        forms = sorted(self.alias_map().items(), key=lambda kv: -len(kv[0]))
        found: list[str] = []
        taken = [False] * len(text)
        for form, name in forms:
            for m in re.finditer(re.escape(form), text):
                if any(taken[m.start() : m.end()]):
                    continue
                for i in range(m.start(), m.end()):
                    taken[i] = True
                if name not in found:
                    found.append(name)
        return found


def has_city_prefix(name: str) -> bool:
    """True when a name starts with the city prefix 市 (市场… and 市委… are not 市 + name)."""
    if not name.startswith(CITY):
        return False
    rest = name[1:]
    return not (name.startswith("市场") or rest.startswith("委"))


def load_unit_table(path: Path | None = None) -> UnitTable:
    """Load the department table (the packaged one unless a path is given)."""
    if path is None:
        raw = resources.files("index").joinpath("data/departments.toml").read_text("utf-8")
    else:
        raw = Path(path).read_text("utf-8")
    rows = tomllib.loads(raw).get("unit", [])
    return UnitTable(tuple(Unit(r["name"], tuple(r.get("aliases", ())), r.get("kind", "city"), tuple(r.get("en", ()))) for r in rows))


@cache
def default_unit_table() -> UnitTable:
    return load_unit_table()


def split_note(text: str) -> tuple[str, str]:
    """Split a part's text into (body, unit note body); the note is '' when there is none."""
    m = NOTE.search(text)
    if m:
        return text[: m.start()], m.group("body")
    m = INLINE_NOTE.search(text)
    if m and re.search(r"牵头|配合|分工负责", m.group("body")):
        return text[: m.start()], m.group("body")
    return text, ""


def parse_unit_note(note: str, table: UnitTable | None = None) -> tuple[tuple[UnitRef, ...], tuple[str, ...]]:
    """Canonical units of a 责任单位 note, in order, and warnings for names not in the table.

    The city prefix 市 written once distributes over its 、-group and over later groups that
    continue without it; 市场… and 市委… names are not 市 + name.
    """
    table = table or default_unit_table()
    refs: list[UnitRef] = []
    warnings: list[str] = []
    city_context = False
    for group in GROUP_SPLIT.split(note):
        group = group.strip()
        if not group:
            continue
        role, group = _role_of(group)
        items = [i.strip() for i in ITEM_SPLIT.split(group) if i.strip()]
        if items and has_city_prefix(items[0]):
            city_context = True
        for item in items:
            name = table.resolve(item, city_context)
            if name is None:
                name = CITY + item if city_context and not has_city_prefix(item) and _is_local(item) else item
                if name != item:  # a guess worth reviewing: add the unit to departments.toml
                    warnings.append(f"unit {item!r} in note {note!r} is not in the department table; read as {name!r}")
            if name not in [r.name for r in refs]:
                refs.append(UnitRef(name=name, role=role, written=item))
    return tuple(refs), tuple(warnings)


def _is_local(item: str) -> bool:
    return not re.match(r"^(各|省|州|国家|中国|自治区)", item)


def _role_of(group: str) -> tuple[UnitRole, str]:
    """Strip 牵头/配合 markers from a group and say which role it gives."""
    for suffix, role in (("牵头", "lead"), ("配合", "support"), ("按职责分工负责", "support"), ("分工负责", "support"), ("负责", "responsible")):
        if group.endswith(suffix):
            return role, group[: -len(suffix)]  # type: ignore[return-value]
    return "responsible", group
