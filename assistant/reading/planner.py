"""Question → query plan, read from the question's grammar: what its question word asks for (谁 → units,
几 → a count, 吗 / 是不是 → a check), its polarity (没有 / 不 / 除了 scope over the unit next to them), its
quantifiers (都 / 共同 → all of several units), its scope (第四部分里, 其中) and its time expressions
(2027年底前). The entities (units, clauses, sections) come already resolved in the Query.

``read_plan`` returns a plan when the question is one over the records (a check, a complement, filters
together, a count of a filtered set, a time filter, the document's structure, a refinement of the last
answer, or a question not the documents' to answer); None leaves it to the intent pipeline.
"""

from __future__ import annotations

import re

from assistant.reading.grammar import Sentence, table, words
from assistant.reading.plan import Filter, Form, Plan, Projection
from assistant.understand import Query
from index.tokenize import segment

YEAR = re.compile(r"(\d{4})\s*年?(?:底|末|年底)?")
NEAR = 4  # characters between a negation and the unit (or the unit and its verb) it scopes over
COUNTED = 3  # characters after 几 / 多少 in which the counted noun stands


def read_plan(q: Query) -> Plan | None:
    """The plan of a question over the records, or None when it asks for a text span only."""
    s = Sentence.of(q.text)
    declined = judgement(s)
    if declined:
        return Plan("decline", "span", read=(declined,))
    if _asks_basis(s):
        return Plan("lookup", "metadata", read=tuple(w for _, w in s.find("relate", "basis")))
    projection, asked = _projection(s, q)
    form, form_word = _form(s, q, projection)
    read = tuple(w for w in (asked, form_word) if w)
    filters: list[Filter] = []
    units = _unit_filters(s, q)
    filters += units
    if q.sections:
        filters.append(Filter("section", tuple(q.sections)))
    deadline = _deadline(s) if _names(s, "clauses") else None  # 2030年前完成哪些任务, not 到2030年要实现什么目标
    if deadline is not None:
        filters.append(deadline)
    if _lacks_units(s, q):
        filters.append(Filter("has_units", negate=True))
    topic = _topic(q)
    previous = bool(q.within)  # the conversation read a scope word (其中, 这些任务里) and set the base
    record_shaped = (
        any(f.negate for f in filters)
        or (q.units and (q.sections or deadline is not None))
        or (q.units and form == "check")
        or (len(q.units) > 1 and (form == "count" or s.has("quantifier", "any") or s.has("quantifier", "all")))
        or deadline is not None
        or previous
        or projection == "structure"
    )
    if not record_shaped:
        return None
    if q.clauses and form == "check":
        filters.append(Filter("clause", tuple(str(c.number) for c in q.clauses)))
    elif topic and (form == "check" or previous):
        filters.append(Filter("topic", (topic,)))
    read += tuple(_filter_words(s, filters))
    single = bool(re.search(r"哪(一|个)(条|项)|\bwhich one\b", q.text, re.I))
    return Plan(
        form,
        projection,
        "previous" if previous else "clauses",
        tuple(filters),
        q.within if previous else (),
        single,
        tuple(dict.fromkeys(read)),
        q.docs,
    )


def judgement(s: Sentence) -> str:
    """The predicate that makes a question one of evaluation, prediction or personal advice, or ''.

    Evaluation: an evaluative predicate ends the question (方案好不好？). Prediction: a future modal with
    an outcome verb that ends a yes/no question (能按时完成吗？, 房价会不会涨？). Advice: the asker asks
    what they should choose (我该去哪个法院？, 我要不要…)."""
    evaluative = s.final("judgement", "evaluative")
    if evaluative:
        return evaluative
    outcome = s.final("judgement", "outcome")
    if outcome and s.has("judgement", "future_modal") and s.polar():
        return outcome
    if s.has("persona", "first_person"):
        advice = s.find("judgement", "advice")
        choice = s.polar() or s.has("ask", "which", prefix=True) or "还是" in s.text
        if advice and choice:
            return advice[0][1]
    return ""


def _asks_basis(s: Sentence) -> bool:
    """根据哪些文件制定 / which documents does it implement: a basis verb with a question word over documents."""
    asks = s.has("ask", "which", prefix=True)
    return asks and s.has("relate", "basis") and any(n in s.lower for n in words("noun", "documents"))


def _projection(s: Sentence, q: Query) -> tuple[Projection, str]:
    """What the question asks for: units (谁, 哪些部门), the document's parts (几个部分), or clauses."""
    asks = s.find("ask", "who") + s.find("ask", "which", prefix=True) + s.find("ask", "count", prefix=True)
    for at, word in asks:
        near = s.text[at : at + len(word) + COUNTED + 2]
        if word in words("ask", "who"):
            return "units", word
        if any(n in near for n in words("noun", "units")):
            return "units", near
        if not q.sections and not q.units and any(n in near for n in words("noun", "parts")):
            return "structure", near
    return "clauses", ""


def _form(s: Sentence, q: Query, projection: Projection) -> tuple[Form, str]:
    """List, count or check, from the question word (几 / 多少 over a noun of the records) or the polar form."""
    for at, word in s.find("ask", "count", prefix=True):
        if s.text[max(0, at - 1) : at] == "哪":  # 哪几条 asks which, not how many
            continue
        after = s.text[at : at + len(word) + COUNTED]
        nouns = words("noun", "clauses") + words("noun", "units") + words("noun", "parts")
        if any(n in after for n in nouns) or projection == "structure":
            return "count", after
    polar = s.polar()
    wh = s.has("ask", "which", prefix=True) or s.has("ask", "who") or s.has("ask", "count", prefix=True)
    if polar and not wh:
        return "check", polar
    return "list", ""


def _unit_filters(s: Sentence, q: Query) -> list[Filter]:
    """One filter per unit named; a negation or exclusion next to it (没有市住建局参与, 市发改委没参与,
    除了财政局) negates it; several units under 都 / 共同 are asked for together."""
    names = q.units
    if not names:
        return []
    every = len(names) > 1 and s.has("quantifier", "all") and not s.has("quantifier", "any")
    negated = {m.name for m in q.mentions if m.name and _negated(s, m.start, m.end)}
    kept = [n for n in names if n not in negated]
    out = [Filter("unit", tuple(kept), every=every)] if kept else []
    out += [Filter("unit", (n,), negate=True) for n in names if n in negated]
    return out


def _negated(s: Sentence, start: int, end: int) -> bool:
    """Whether a negation or exclusion scopes over the unit at [start, end): just before it in its clause,
    or just after it before the verb that relates it to a task."""
    for at, word in s.find("polarity", "negation") + s.find("polarity", "exclusion"):
        if word in words("polarity", "exclusion") and at < start and not re.search(r"[，,。；;]", s.text[at:start]):
            return True
        if end <= at <= end + 1:  # 市发改委没参与, the bureau not involved
            return True
        if 0 <= start - (at + len(word)) <= NEAR and not re.search(r"[，,。；;]", s.text[at:start]):
            return True
    return False


def _deadline(s: Sentence) -> Filter | None:
    """A year with a direction: 2027年底前 → before 2027, 2028年以后 → after 2028, by 2030 → before 2030."""
    for m in YEAR.finditer(s.text):
        year = m.group(1)
        after_text = s.text[m.end() : m.end() + 4]
        before_text = s.text[max(0, m.start() - 3) : m.start()].lower()
        if any(after_text.startswith(w) or after_text.lstrip("底末").startswith(w) for w in words("time", "before") if not w.isascii()):
            return Filter("deadline", (year,), op="before")
        if any(after_text.startswith(w) for w in words("time", "after") if not w.isascii()):
            return Filter("deadline", (year,), op="after")
        if any(re.search(rf"\b{w}\s*$", before_text) for w in words("time", "before") if w.isascii()) or before_text.endswith("到"):
            return Filter("deadline", (year,), op="before")
        if any(re.search(rf"\b{w}\s*$", before_text) for w in words("time", "after") if w.isascii()):
            return Filter("deadline", (year,), op="after")
    return None


def _lacks_units(s: Sentence, q: Query) -> bool:
    """没有（列）责任单位的任务: a negation scoping over the units noun, with no unit named."""
    if q.units:
        return False
    for at, _ in s.find("polarity", "negation"):
        tail = s.text[at : at + 8]
        if any(n in tail for n in words("noun", "units")) and ("责任" in tail or _names(s, "clauses")):  # 没有固定单位: an employer
            return True
    return False


def _names(s: Sentence, noun: str) -> bool:
    """Whether the question names a noun of the records (任务, 部门, 部分…)."""
    return any(n in s.lower for n in words("noun", noun))


def _topic(q: Query) -> str:
    """The question's topic: its content words, less every word the grammar read (question words,
    polarity, quantifiers, scope words, the nouns and verbs of the records); an English question's
    with the plan's own terms for them."""
    grammar = {w for section in GRAMMAR_SECTIONS for role in table()[section].values() for w in role}
    if q.language == "en":
        kept_en = [w for w in q.topic.split() if w.lower() not in grammar]
        return " ".join(kept_en + q.search_text.partition(" \u2063")[2].split())
    kept = [t for t in segment(q.topic) if t not in grammar and not any(t.startswith(w) for w in ("哪", "几")) and len(t.strip()) > 1]
    return "".join(kept)


GRAMMAR_SECTIONS = ("ask", "noun", "relate", "polarity", "quantifier", "scope")


def _filter_words(s: Sentence, filters: list[Filter]) -> list[str]:
    """The grammar words the filters were read from, for `understood.plan.read`."""
    out = []
    if any(f.negate for f in filters):
        out += [w for _, w in s.find("polarity", "negation") + s.find("polarity", "exclusion")]
    if any(f.every for f in filters):
        out += [w for _, w in s.find("quantifier", "all")]
    if s.has("scope", "previous"):
        out += [w for _, w in s.find("scope", "previous")]
    return out
