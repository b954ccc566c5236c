"""A plan's result as an answer that fits its form: a check answers 是 / 否 first, then the clause
that decides it; a count gives the number first, then the clauses counted; a list names its
conditions and every clause; an empty result says so and what the documents do say instead."""

from __future__ import annotations

from assistant import prompts
from assistant.answering.executor import Result
from assistant.cite import citation, unit_label
from assistant.entities import numeral
from assistant.knowledge import Knowledge
from assistant.reading.plan import Filter
from assistant.records import Answer, Citation
from index.records import Part


def render(knowledge: Knowledge, result: Result, question: str, language: str) -> Answer:
    """The answer to a plan's result."""
    plan = result.plan
    if plan.projection == "structure":
        return _structure(knowledge, result, question, language)
    if plan.form == "check":
        return _check(knowledge, result, question, language)
    return _listing(knowledge, result, question, language)


def _answer(question: str, lines: list[str], citations: list[Citation], route: str = "by_unit", refused: bool = False) -> Answer:
    return Answer(question, "\n".join(lines), tuple(citations), refused, route, lead=lines[0] if lines and not refused else "")  # type: ignore[arg-type]


def _units(knowledge: Knowledge, names: tuple[str, ...] | list[str], language: str) -> str:
    return ("、" if language == "zh" else ", ").join(unit_label(knowledge, u, language) for u in names)


def _check(knowledge: Knowledge, result: Result, question: str, language: str) -> Answer:
    """是 / 否 first. With a topic, the clause the topic names decides it and its unit list is the evidence."""
    plan = result.plan
    english = language == "en"
    yes, no = (prompts.PLAN_YES_EN, prompts.PLAN_NO_EN) if english else (prompts.PLAN_YES, prompts.PLAN_NO)
    if plan.each:
        return _each(knowledge, result, question, language)
    topics = plan.filters_of("topic") + plan.filters_of("clause")
    units = [f for f in plan.filters_of("unit")]
    if (topics or result.topic_parts) and (units or plan.filters_of("has_units")):
        if not result.topic_parts:
            return _answer(question, [prompts.PLAN_TOPIC_NONE.format(topic=topics[0].values[0])], [], "out_of_scope", refused=True)
        lines, citations = [], []
        for part in result.topic_parts:
            named = tuple(u for f in units for u in f.values)
            listed = [u for u in named if u in part.unit_names]
            answer_yes = part in result.parts
            all_units = _units(knowledge, part.unit_names, language)
            if not units:  # 有没有列明责任单位
                answer_yes = bool(part.units) != any(f.negate for f in plan.filters_of("has_units"))
                all_units = _units(knowledge, part.unit_names, language)
                line = (prompts.PLAN_CHECK_UNITS if part.units else prompts.PLAN_CHECK_NO_UNITS).format(
                    path=part.path, title=part.title, all=all_units
                )
            elif not part.units:
                line = prompts.PLAN_CHECK_NO_UNITS.format(path=part.path, title=part.title)
            elif listed:
                template = prompts.PLAN_CHECK_HAS_EN if english else prompts.PLAN_CHECK_HAS
                line = template.format(
                    path=part.path, title=part.title, units=_units(knowledge, listed, language), count=len(part.units), all=all_units
                )
            else:
                template = prompts.PLAN_CHECK_LACKS_EN if english else prompts.PLAN_CHECK_LACKS
                line = template.format(path=part.path, title=part.title, units=_units(knowledge, named, language), all=all_units)
            lines.append((yes if answer_yes else no) + line if not lines else line)
            citations.append(citation(knowledge, part))
        return _answer(question, lines, citations, "by_unit")
    if topics and plan.within and result.topic_parts:  # 其中有没有老旧小区改造: is the topic's clause among the last answer's
        part = result.topic_parts[0]
        template = prompts.PLAN_IN_PREVIOUS if result.yes else prompts.PLAN_NOT_IN_PREVIOUS
        line = (yes if result.yes else no) + template.format(
            topic=topics[0].values[0], path=part.path, title=part.title, count=len(plan.within)
        )
        return _answer(question, [line], [citation(knowledge, part)])
    head = yes if result.yes else no
    listing = _listing(knowledge, result, question, language)
    return _answer(question, [head + listing.text.split("\n", 1)[0], *listing.text.split("\n")[1:]], list(listing.citations))


def _each(knowledge: Knowledge, result: Result, question: str, language: str) -> Answer:
    """A check over each clause of a scope: 是 when every one passes, with them; else 否 and those that fail."""
    plan = result.plan
    yes, no = (prompts.PLAN_YES_EN, prompts.PLAN_NO_EN) if language == "en" else (prompts.PLAN_YES, prompts.PLAN_NO)
    scope, conds = conditions(knowledge, tuple(f for f in plan.filters if f.kind not in ("section", "clause")), language)
    where, _ = conditions(knowledge, tuple(f for f in plan.filters if f.kind == "section"), language)
    where = where.removesuffix("中") or "方案"
    if not result.scope:
        return _answer(question, [prompts.PLAN_NONE.format(scope="", conds=conds, of="")], [])
    failing = result.failing
    shown = failing or result.scope
    if failing:
        head = no + prompts.PLAN_EACH_NOT.format(scope=where, count=len(result.scope), failing=len(failing), conds=conds)
    else:
        head = yes + prompts.PLAN_EACH_ALL.format(scope=where, count=len(result.scope), conds=conds)
    lines = [head]
    for i, part in enumerate(shown, 1):
        template = prompts.PLAN_ITEM_UNITS if part.units else prompts.PLAN_ITEM
        lines.append(template.format(i=i, path=part.path, title=part.title, units="、".join(part.unit_names)))
    return _answer(question, lines, [citation(knowledge, p) for p in shown])


def conditions(knowledge: Knowledge, filters: tuple[Filter, ...], language: str = "zh") -> tuple[str, str]:
    """The plan's filters in words: (scope, conditions) — 第四部分中, 列市能源局为责任单位."""
    scope, conds = "", []
    for f in filters:
        if f.kind == "section":
            scope = "、".join(f"第{s}部分" for s in f.values) + "中"
        elif f.kind == "unit":
            joined = ("和" if f.every else "或").join(f.values)
            conds.append(("未列" if f.negate else ("同时列" if f.every and len(f.values) > 1 else "列")) + f"{joined}为责任单位")
        elif f.kind == "has_units":
            conds.append("未列责任单位" if f.negate else "列有责任单位")
        elif f.kind == "deadline":
            conds.append(f"时间节点在{f.values[0]}年" + {"before": "及以前", "after": "及以后"}.get(f.op, ""))
        elif f.kind == "topic":
            conds.append(f"与“{f.values[0]}”有关")
        elif f.kind == "has_target":
            conds.append("有量化指标")
        elif f.kind == "unit_count":
            conds.append(prompts.PLAN_UNIT_COUNT.get(f.op, prompts.PLAN_UNIT_COUNT["eq"]).format(n=f.values[0]))
    return scope or ("" if conds else "方案中"), "、".join(conds)


def _listing(knowledge: Knowledge, result: Result, question: str, language: str) -> Answer:
    """The clauses the plan selects (or how many), under a head that says what was asked for."""
    plan = result.plan
    scope, conds = conditions(knowledge, plan.filters, language)
    if plan.within:
        scope = prompts.PLAN_WITHIN.format(count=len(plan.within)) + scope
    of = prompts.PLAN_OF.format(total=result.total) if any(f.negate for f in plan.filters) else ""
    parts = list(result.parts)
    if not parts:
        lines = [prompts.PLAN_NONE.format(scope=scope, conds=conds, of=of)]
        citations = []
        if result.nodes:
            lines.append(_nodes_line(result))
            shown = [(p, n) for p, n in result.nodes if n.text in p.text]
            by_part: dict[str, tuple[Part, list[str]]] = {}
            for p, n in shown:
                by_part.setdefault(p.id, (p, []))[1].append(n.text)
            citations = [citation(knowledge, p, tuple(dict.fromkeys(q))) for p, q in by_part.values()]
        return _answer(question, lines, citations)
    if plan.projection == "units" and plan.filters_of("clause"):  # the units of named clauses, less those excluded
        excluded = {u for f in plan.filters_of("unit") if f.negate for u in f.values}
        lines = []
        for part in parts:
            named = [u for u in part.unit_names if u not in excluded]
            template = prompts.PLAN_CLAUSE_UNITS_OTHER if excluded else prompts.PLAN_CLAUSE_UNITS
            lines.append(
                template.format(
                    path=part.path,
                    title=part.title,
                    count=len(named),
                    units=_units(knowledge, named, language),
                    excluded="、".join(excluded),
                )
            )
        return _answer(question, lines, [citation(knowledge, p) for p in parts])
    if plan.projection == "units" and plan.common:  # the units every one of the clauses lists
        shared = [u for u in parts[0].unit_names if all(u in p.unit_names for p in parts[1:])]
        paths = "、".join(p.path for p in parts)
        line = (
            prompts.CLAUSES_SHARED.format(paths=paths, units=_units(knowledge, shared, language))
            if shared
            else prompts.CLAUSES_SHARED_NONE.format(paths=paths)
        )
        return _answer(question, [line], [citation(knowledge, p) for p in parts])
    if plan.projection == "units":
        named = list(dict.fromkeys(u for p in parts for u in p.unit_names))
        excluded = {u for f in plan.filters_of("unit") for u in f.values}
        named = [u for u in named if u not in excluded]
        lines = [prompts.PLAN_UNITS.format(scope=scope, conds=conds, count=len(named), units=_units(knowledge, named, language))]
    else:
        template = prompts.PLAN_COUNT if plan.form == "count" else prompts.PLAN_HEAD
        lines = [template.format(scope=scope, conds=conds, count=len(parts), of=of)]
    show_units = plan.projection == "units"
    for i, part in enumerate(parts, 1):
        template = prompts.PLAN_ITEM_UNITS if show_units and part.units else prompts.PLAN_ITEM
        lines.append(template.format(i=i, path=part.path, title=part.title, units="、".join(part.unit_names)))
    if result.nodes:  # a time filter: what the documents' time nodes are, for the reader to see the whole
        lines.append(_nodes_line(result))
    return _answer(question, lines, [citation(knowledge, p) for p in parts])


def _nodes_line(result: Result) -> str:
    shown = [(p, n) for p, n in result.nodes if n.text in p.text]
    return prompts.PLAN_NODES.format(nodes="；".join(prompts.PLAN_NODE.format(text=n.text, where=_where(p)) for p, n in shown))


def _where(part: Part) -> str:
    return part.path if part.kind == "clause" else f"{part.path}、{part.title}" if part.kind == "section" else part.title


def _structure(knowledge: Knowledge, result: Result, question: str, language: str) -> Answer:
    """The document's parts: how many and which, each cited by its heading."""
    sections = result.sections
    plan = result.plan
    clauses = [p for p in result.parts]
    citations = [citation(knowledge, p, (p.title,) if p.title in p.text else ()) for p in sections]
    if plan.within or plan.filters_of("section"):  # which part holds these clauses / what a named part is called
        lines = []
        for section in sections:
            members = [p for p in clauses if p.section == section.section]
            where = "、".join(p.path for p in members)
            template = prompts.PLAN_SECTION_OF if plan.within else prompts.PLAN_SECTION_NAMED
            lines.append(template.format(path=section.path, title=section.title, clauses=where, count=len(members)))
        citations += [citation(knowledge, p) for p in clauses if plan.within]
        return _answer(question, lines or [prompts.PLAN_NONE.format(scope="", conds="符合条件", of="")], citations, "overview")
    named = "；".join(f"{p.path}、{p.title}" for p in sections)
    template = prompts.PLAN_SECTIONS_EN if language == "en" else prompts.PLAN_SECTIONS
    lines = [template.format(count=len(sections), sections=named)]
    if clauses:
        first, last = clauses[0].number, clauses[-1].number
        if first is not None and last is not None:
            lines.append(f"各部分下共分解（{numeral(first)}）至（{numeral(last)}）{len(clauses)}项任务。")
    return _answer(question, lines, citations, "overview")
