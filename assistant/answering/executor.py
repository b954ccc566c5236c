"""The executor: a query plan evaluated over the parsed records. The base set is the clauses of the
documents in scope (or the previous turn's result); each filter keeps the clauses that pass it (or
fail it, when negated); a topic filter keeps the clauses whose evidence covers the topic. Pure over
the loaded index: no answer text is written here (render.py does that).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from assistant.knowledge import Knowledge
from assistant.reading.plan import Filter, Plan
from assistant.retrieve import lexical_coverage, part_evidence, topic_bigrams
from assistant.scope import primary_documents
from index.ledger import TimeNode
from index.records import Part

PERIOD = re.compile(r"(\d+)\s*年内")
YEAR = re.compile(r"(\d{4})\s*年")
# A clause covers a topic when its best sentence holds this share of the topic's weighted character
# pairs, or is as close in meaning as the index's calibrated floor (index/calibrate.py).
TOPIC_COVERAGE = 0.5


@dataclass(frozen=True)
class Result:
    """What a plan selects: the clauses (in document order), out of how many, and for a check the
    clauses its topic names; for the document's structure, its sections; the time nodes of the
    documents, for a time filter that selects nothing."""

    plan: Plan
    parts: tuple[Part, ...]
    total: int
    topic_parts: tuple[Part, ...] = ()
    sections: tuple[Part, ...] = ()
    nodes: tuple[tuple[Part, TimeNode], ...] = ()
    scope: tuple[Part, ...] = ()  # for a check over each clause: the clauses it ranges over

    @property
    def yes(self) -> bool:
        if self.plan.each:
            return bool(self.scope) and all(p in self.parts for p in self.scope)
        return bool(self.parts)

    @property
    def failing(self) -> tuple[Part, ...]:
        """The clauses of a check over each one that fail it."""
        return tuple(p for p in self.scope if p not in self.parts)


def execute(knowledge: Knowledge, plan: Plan) -> Result:
    """Evaluate the plan over the records."""
    # A topic of words the documents use everywhere (规定…完成) names no clause: the plan has no topic.
    vague = [f for f in plan.filters_of("topic") if not specific(knowledge, " ".join(f.values))]
    if vague:
        plan = dataclasses.replace(plan, filters=tuple(f for f in plan.filters if f not in vague))
    docs = plan.docs or primary_documents(knowledge.documents, knowledge.indexed_docs)
    plan = _sections_by_title(knowledge, plan, docs)
    plan = _topic_of_the_section(knowledge, plan)
    clauses = [p for p in knowledge.parts if p.kind == "clause" and (not docs or p.doc in docs)]
    base = [p for p in clauses if not plan.within or p.number in plan.within]
    if plan.projection == "structure":
        named = {v for f in plan.filters_of("section") for v in f.values}
        held = {p.section for p in base} if plan.within else set()
        sections = tuple(
            p
            for p in knowledge.parts
            if p.kind == "section" and (not docs or p.doc in docs) and (not named or p.path in named) and (not held or p.section in held)
        )
        return Result(plan, tuple(p for p in base if not named or p.path.split("（")[0] in named), len(base), sections=sections)
    topic_parts: tuple[Part, ...] = tuple(p for p in base if any(_passes(knowledge, p, f) for f in plan.filters_of("clause")))
    if plan.form == "check" and plan.within and not plan.filters_of("topic") and len(base) <= 3:
        topic_parts = tuple(base)  # 也在吗？ after one task: the clauses just answered decide it
    selected = base
    for f in plan.filters_of("topic"):  # the topic names its clauses first; the other filters test them
        one = plan.single or plan.form == "check"
        # 其中有没有老旧小区改造: the clause about the topic, among all, and then whether the last answer held it
        among = clauses if plan.form == "check" and plan.within else selected
        topic_parts = tuple(
            relevant(knowledge, " ".join(f.values), among, one, closest=one and plan.base == "previous" and among is selected)
        )
        keep = {p.id for p in topic_parts}
        selected = [p for p in selected if p.id in keep]
    # The units of a named clause (（二十）除了发改委还有哪些单位): the unit filters act on its units, not on it.
    on_units = plan.projection == "units" and bool(plan.filters_of("clause")) and plan.form != "check"
    for f in plan.filters:
        if f.kind != "topic" and not (on_units and f.kind == "unit"):
            selected = [p for p in selected if _passes(knowledge, p, f) != f.negate]
    nodes = time_nodes(knowledge, docs) if plan.filters_of("deadline") else ()
    # A complement is counted out of the clauses the other conditions keep (第五部分的6项中).
    universe = [p for p in base if all(_passes(knowledge, p, f) for f in plan.filters if not f.negate and f.kind != "topic")]
    # A check over each clause ranges over the clauses the scope keeps (第五部分的每一项).
    scoped = [p for p in base if all(_passes(knowledge, p, f) for f in plan.filters if f.kind in ("section", "clause"))]
    scope = tuple(p for p in scoped if not plan.filters_of("topic") or p in topic_parts) if plan.each else ()
    return Result(plan, tuple(selected), len(universe), topic_parts, nodes=nodes, scope=scope)


def _topic_of_the_section(knowledge: Knowledge, plan: Plan) -> Plan:
    """A topic whose words are the title of a part the plan is scoped to (保障措施里的三条…) names that
    part, not a clause in it: it is dropped."""
    titles = [p.title for p in knowledge.parts if p.kind == "section" and any(p.path in f.values for f in plan.filters_of("section"))]
    if not titles:
        return plan
    named = [f for f in plan.filters_of("topic") if any(t in " ".join(f.values) for t in titles)]
    return dataclasses.replace(plan, filters=tuple(f for f in plan.filters if f not in named)) if named else plan


def _sections_by_title(knowledge: Knowledge, plan: Plan, docs: tuple[str, ...]) -> Plan:
    """Section filters written as words of a title (以城带乡那部分) become the numeral of the section
    whose title holds most of those words' character pairs; a filter no title holds is dropped."""
    sections = [p for p in knowledge.parts if p.kind == "section" and (not docs or p.doc in docs)]
    paths = {p.path for p in sections}
    filters = []
    for f in plan.filters:
        if f.kind != "section" or all(v in paths for v in f.values):
            filters.append(f)
            continue
        words = " ".join(f.values)
        weights = topic_bigrams(knowledge, words)
        scored = sorted(((lexical_coverage(weights, p.title), p.path) for p in sections), reverse=True)
        if scored and scored[0][0] >= TOPIC_COVERAGE:
            filters.append(dataclasses.replace(f, values=(scored[0][1],)))
    return dataclasses.replace(plan, filters=tuple(filters))


def _passes(knowledge: Knowledge, part: Part, f: Filter) -> bool:
    if f.kind == "unit":
        test = all if f.every else any
        return test(u in part.unit_names for u in f.values)
    if f.kind == "section":
        return any(part.path.startswith(f"{s}（") for s in f.values)
    if f.kind == "has_units":
        return bool(part.units)
    if f.kind == "clause":
        return str(part.number) in f.values
    if f.kind == "unit_count":
        return _compare(len(part.unit_names), int(f.values[0]), f.op)
    if f.kind == "has_target":  # with a unit (%), only targets stated in it
        ledger = knowledge.ledger.get(part.id)
        return bool(ledger and any(not f.values or t.unit in f.values for t in ledger.targets))
    if f.kind == "deadline":
        year = int(f.values[0])
        years = [y for node in _deadlines(knowledge, part) if (y := node_year(knowledge, part, node)) is not None]
        return any(_compare(y, year, {"before": "at_most", "after": "at_least"}.get(f.op, "eq")) for y in years)
    return True


def _compare(have: int, wanted: int, op: str) -> bool:
    return {
        "more": have > wanted,
        "less": have < wanted,
        "at_least": have >= wanted,
        "at_most": have <= wanted,
    }.get(op, have == wanted)


def _deadlines(knowledge: Knowledge, part: Part) -> tuple[TimeNode, ...]:
    ledger = knowledge.ledger.get(part.id)
    return ledger.deadlines if ledger else ()


def node_year(knowledge: Knowledge, part: Part, node: TimeNode) -> int | None:
    """The year a time node falls in: its own year (到2030年), or the document's year plus a period
    (5年内 in a 2025 plan → 2030); None for a recurring one (每年12月底前)."""
    own = YEAR.search(node.text)
    if own:
        return int(own.group(1))
    period = PERIOD.search(node.text)
    meta = knowledge.doc_meta(part.doc)
    if period and meta and meta.date[:4].isdigit():
        return int(meta.date[:4]) + int(period.group(1))
    return None


def time_nodes(knowledge: Knowledge, docs: tuple[str, ...]) -> tuple[tuple[Part, TimeNode], ...]:
    """Every time node the documents in scope set, with the part it stands in, in reading order."""
    out = []
    for part in knowledge.parts:
        if docs and part.doc not in docs:
            continue
        for node in _deadlines(knowledge, part):
            out.append((part, node))
    return tuple(out)


def relevant(knowledge: Knowledge, topic: str, parts: list[Part], one: bool, closest: bool = False) -> list[Part]:
    """The parts that cover a topic, best first: the best sentence of each holds most of the topic's
    words, or is as close in meaning as the calibrated floor. ``one``: only the best, if it covers it.
    ``closest``: a choice among a few given parts (其中哪一条…): the closest in meaning, when it is
    closer than a typical off-topic question is to the corpus."""
    if not parts or not topic.strip() or _foreign_words(knowledge, topic):
        return []
    from assistant.evidence import min_dense
    from assistant.lexicon import expand

    terms = expand(topic, knowledge).terms()  # the documents' own words for the topic's (看病 → 就医), weighed by pair
    weights = topic_bigrams(knowledge, " ".join((topic, *terms)))
    vector = np.asarray(knowledge.embeddings.embed_query(topic), dtype=np.float32)
    floor = min_dense(knowledge)
    scored = []
    for part in parts:
        score, ranked = part_evidence(knowledge, part, vector, weights)
        coverage = max((lexical_coverage(weights, s.text) for s in ranked[:3]), default=lexical_coverage(weights, part.text))
        dense = _dense(knowledge, part, vector)
        if coverage >= TOPIC_COVERAGE or (dense >= floor and coverage > 0):
            scored.append((score, part))
    if not scored and closest and knowledge.info.calibration is not None:
        best = max(parts, key=lambda p: _dense(knowledge, p, vector))
        if _dense(knowledge, best, vector) >= knowledge.info.calibration.offtopic_median:
            return [best]
    scored.sort(key=lambda x: -x[0])
    found = [p for _, p in scored]
    if one:  # a clause named by its topic (住房保障那一条) is the one whose title says it, when one does
        titled = [p for p in found if lexical_coverage(weights, p.title) >= TOPIC_COVERAGE]
        return (titled or found)[:1]
    return sorted(found, key=lambda p: p.start)


def specific(knowledge: Knowledge, topic: str) -> list[str]:
    """The topic's words rarer in the documents than most (老旧小区, 随迁子女; not 完成, 规定, 2028)."""
    from assistant.route import content_words

    cap = knowledge.idf_cap
    return [
        w
        for w in content_words(topic)
        if len(w) > 1 and not w.isdigit() and (knowledge.bigram_idf.get(w[:2], cap) >= cap * 0.6 or w not in knowledge.vocabulary)
    ]


def _foreign_words(knowledge: Knowledge, topic: str) -> tuple[str, ...]:
    """The words naming the topic when the documents cover none of them, nor anything the lexicon maps
    them to (殡葬 in 殡葬改革, 公共厕所): a topic the documents do not cover names no clause."""
    from assistant.lexicon import expand

    found = expand(topic, knowledge)
    return found.missing or (found.unknown if not found.concepts else ())


def _dense(knowledge: Knowledge, part: Part, vector: np.ndarray) -> float:
    """The part's best cosine with the topic, over its own chunk and its sentence windows."""
    rows = [knowledge.part_rows.get(part.id)] + [knowledge.sentence_rows.get((part.id, s.start)) for s in part.sentences]
    sims = [float(knowledge.unit_vectors[r] @ vector) for r in rows if r is not None]
    return max(sims, default=0.0)
