"""Question → query plan, read from the question's grammar: what its question word asks for (谁 → units,
几 → a count, 吗 / 是不是 → a check), its polarity (没有 / 不 / 除了 scope over the unit next to them), its
quantifiers (都 / 共同 → all of several units), its scope (第四部分里, 其中, （一）到（二十六）) and its time
expressions (2027年底前). The entities (units, clauses, sections) come already resolved in the Query.

``read_plan`` returns a plan when the question is one over the records (a check, a complement, filters
together, a count of a filtered set, a time filter, the document's structure, a refinement of the last
answer, or a question not the documents' to answer); None leaves it to the span pipeline.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.reading.form import after_word, counts, negations, noun_in, question_words, units_noted, who_span
from assistant.reading.grammar import Sentence, names, table, words
from assistant.reading.plan import Filter, Form, Plan, Projection
from assistant.understand import Query
from index.tokenize import segment

YEAR = re.compile(r"(\d{4})\s*年?(?:\d{1,2}\s*月)?(?:份)?(?:底|末|年底|中)?")
NEAR = 4  # characters between a negation and the unit it scopes over
SEPARATORS = r"(?:到|至|-|－|~|～|—|–|to|through)"  # between the two ends of a range of clauses
RANGE = re.compile(rf"^\s*{SEPARATORS}\s*$", re.I)
CLASSIFIERS = "条项个部分任务些"
CN_NUMERAL = "零〇一二两三四五六七八九十百"
NUMBER = rf"(\d{{1,3}}|[{CN_NUMERAL}]{{1,4}})"


@cache
def written_range() -> re.Pattern[str]:
    """Clause numbers written as a range in one bracket or in English: （二十七至二十九）, (1)–(26), clauses 4 to 10."""
    nouns = "|".join(n for n in words("noun", "clauses") if n.isascii())
    return re.compile(
        rf"[（(]\s*{NUMBER}\s*[)）]?\s*{SEPARATORS}\s*[（(]?\s*{NUMBER}\s*[）)]|\b(?:{nouns})s?\s+(\d{{1,2}})\s*{SEPARATORS}\s*(\d{{1,2}})\b",
        re.I,
    )


ELLIPSIS = re.compile(r"^\s*[,，、]?\s*(…|\.\.\.|etc\b|等)")  # （一）, （二）… names clauses as examples, not a scope
UNIT_CLASSIFIERS = "个家"
COMPARISONS = ("at_least", "at_most", "more", "less", "exact")  # 不少于 is read before 少于
COPULAS = "是有为共都仅在"  # between the units noun and its number (责任单位有三个, 单位共两家)
ENGLISH_GAP = 2  # words between an English negation and the unit it scopes over (do not list the X)


def read_plan(q: Query) -> Plan | None:
    """The plan of a question over the records, or None when it asks for a text span only."""
    s = Sentence.of(q.text)
    declined = judgement(s)
    if declined:
        return Plan("decline", "span", read=(declined,))
    if q.intent == "ranking" and _unit_count(s) is None:  # the most / fewest: the ranking route ranks, in scope
        return None
    if _asks_basis(s):
        return Plan("lookup", "metadata", read=tuple(w for _, w in s.find("relate", "basis")))
    projection, asked = _projection(s, q)
    form, form_word = _form(s, q, projection)
    filters = _filters(s, q)
    topic = topic_of(q)
    previous = bool(q.within)  # the conversation read a scope word (其中, 这些任务里) and set the base
    clause_scope = [f for f in filters if f.kind == "clause"]
    negated = any(f.negate for f in filters)
    sections = bool(q.sections) or _has(filters, "section")
    record_shaped = (
        negated
        or _has(filters, "unit_count")
        or (form == "check" and (sections or clause_scope) and _has(filters, "has_units"))
        or (previous and (filters or topic or form != "list" or projection != "units" or s.has("quantifier", "all")))
        or projection == "structure"
        or (q.units and (sections or _has(filters, "deadline", "has_target", "has_units") or clause_scope and form != "list"))
        or (q.units and form == "check")
        or (len(q.units) > 1 and (form == "count" or s.has("quantifier", "any") or s.has("quantifier", "all")))
        or _has(filters, "deadline", "has_target")
        or (form == "count" and not q.units and (not topic or sections or clause_scope or (q.clauses and not clause_scope)))
        or (q.clauses and projection == "units" and form == "count")
        or (q.clauses and form == "check" and _has(filters, "has_units"))
    )
    if not record_shaped:
        return None
    if topic and not q.clauses and not clause_scope and (form == "check" or previous):
        filters.append(Filter("topic", (topic,)))
    read = tuple(w for w in (asked, form_word) if w) + tuple(_filter_words(s, filters))
    single = bool(re.search(r"哪(一|个)(条|项)|\bwhich one\b", q.text, re.I))
    common = projection == "units" and not q.units and s.has("quantifier", "all")
    each = form == "check" and s.has("quantifier", "clauses") and not q.within
    return Plan(
        form,
        projection,
        "previous" if previous else "clauses",
        tuple(filters),
        q.within if previous else (),
        single,
        common,
        each,
        tuple(dict.fromkeys(read)),
        q.docs,
    )


def _has(filters: list[Filter], *kinds: str) -> bool:
    return any(f.kind in kinds for f in filters)


def _filters(s: Sentence, q: Query) -> list[Filter]:
    """Every condition the question sets on a clause."""
    filters = _unit_filters(s, q)
    if q.sections:
        filters.append(Filter("section", tuple(q.sections)))
    else:
        titled = section_title(s)
        if titled:  # 以城带乡那部分: a part named by words of its title, resolved against the titles by the executor
            filters.append(Filter("section", (titled,)))
    clauses = _clause_scope(s, q)
    if clauses:
        filters.append(Filter("clause", clauses))
    tasks = names(s, "clauses") or (s.has("time", "complete") and s.polar() and not s.has("ask", "which", prefix=True))
    if tasks:  # 2030年前完成哪些任务 filters tasks; 到2030年要实现什么目标 asks for text
        deadline = _deadline(s)
        if deadline is not None:
            filters.append(deadline)
    counted = _unit_count(s)
    if counted is not None:
        filters.append(counted)
    noted = units_noted(s, bool(q.units))
    if noted is not None:
        filters.append(Filter("has_units", negate=not noted))
    if s.has("noun", "targets") and names(s, "clauses"):  # 有百分比目标的任务; not the plan's target year
        filters.append(Filter("has_target", ("%",) if s.has("noun", "rates") else ()))
    return filters


def judgement(s: Sentence) -> str:
    """The predicate that makes a question one of evaluation, prediction or personal advice, or ''.

    Evaluation: an evaluative predicate ends the question (方案好不好？), or the assistant is asked for
    its opinion. Prediction: a future modal with an outcome verb that ends a yes/no question (能按时完成
    吗？, 房价会不会涨？). Advice: the asker asks what they should choose (我该去哪个法院？, 我要不要…)."""
    evaluative = s.final("judgement", "evaluative")
    if evaluative:
        return evaluative
    opinion = s.find("judgement", "opinion")
    if opinion:
        return opinion[0][1]
    outcome = s.final("judgement", "outcome")
    if outcome and s.polar():
        at = s.text.rfind(outcome)
        before = s.text[max(0, at - 4) : at].lower()
        if s.has("judgement", "future_modal") or any(m in before for m in words("judgement", "future_modal") if not m.isascii()):
            return outcome  # 会涨吗, 能按时完成吗: a future outcome asked yes or no
    english = _english_prediction(s)
    if english:
        return english
    if s.has("persona", "first_person"):
        advice = s.find("judgement", "advice")
        choice = s.polar() or s.has("ask", "which", prefix=True) or "还是" in s.text
        if advice and choice and who_span(s) is None:  # 我该找哪个部门: who is responsible, which the records say
            return advice[0][1]
    return ""


def _english_prediction(s: Sentence) -> str:
    """An English yes/no question put with a future modal (will, going to) over an outcome or completion
    verb in any of its forms, wherever it stands (Will the railway be finished before 2030?)."""
    modal = s.polar()
    if not modal or modal not in words("judgement", "future_modal"):
        return ""
    verbs = [w for w in words("judgement", "outcome") + words("time", "complete") if w.isascii() and " " not in w]
    for token in re.findall(r"[a-z]+", s.lower):
        if any(token == v or (token.startswith(v) and token[len(v) :] in ("s", "d", "ed", "es", "ing")) for v in verbs):
            return token
    return ""


def _asks_basis(s: Sentence) -> bool:
    """根据哪些文件制定 / which documents does it implement: a basis verb with a question word over documents."""
    asks = s.has("ask", "which", prefix=True)
    return asks and s.has("relate", "basis") and any(n in s.lower for n in words("noun", "documents"))


def _projection(s: Sentence, q: Query) -> tuple[Projection, str]:
    """What the question asks for: units (谁, 哪些部门), the document's parts (几个部分, 第五部分叫什么,
    属于哪个部分), or clauses."""
    if q.sections and not q.units and not q.clauses and s.has("noun", "names"):
        return "structure", s.find("noun", "names")[0][1]
    span = who_span(s)
    if span is not None:
        return "units", s.text[span[0] : span[1]]
    for at, word in question_words(s):
        near = after_word(s, at, word)
        if not q.sections and not q.units and any(noun_in(n, near) for n in words("noun", "parts")):
            return "structure", near
    return "clauses", ""


def _form(s: Sentence, q: Query, projection: Projection) -> tuple[Form, str]:
    """List, count or check, from the question word (几 / 多少 over a noun of the records) or the polar form."""
    nouns = words("noun", "clauses") + words("noun", "units") + words("noun", "parts")
    if counts(s):
        for at, word in s.find("ask", "count", prefix=True):
            after = after_word(s, at, word)
            if any(noun_in(n, after) for n in nouns) or projection == "structure":
                return "count", after
            if word.isascii() and any(noun_in(n, s.lower[:at]) for n in nouns):  # Of tasks (1)–(26), how many do not…
                return "count", word
    polar = s.polar()
    if polar and not question_words(s) and not s.has("ask", "who"):
        return "check", polar
    return "list", ""


def _unit_filters(s: Sentence, q: Query) -> list[Filter]:
    """One filter per unit named; a negation or exclusion next to it (没有市住建局参与, 市发改委没参与,
    除了财政局, A和B都没参与) negates it; several units under 都 / 共同 are asked for together."""
    mentions = [m for m in q.mentions if m.name]
    if not mentions:
        return []
    negs = negations(s)
    negated = [_negated(s, negs, m.start, m.end) for m in mentions]
    for i in range(len(mentions) - 2, -1, -1):  # A和B都没参与: the negation scopes over the whole coordination
        gap = s.text[mentions[i].end : mentions[i + 1].start].strip().lower()
        if negated[i + 1] and not negated[i] and gap in words("polarity", "coordinators"):
            negated[i] = _after(s, negs, mentions[i + 1].end)
    names = list(dict.fromkeys(m.name for m in mentions))
    denied = {m.name for m, n in zip(mentions, negated) if n}
    kept = [n for n in names if n not in denied]
    every = len(kept) > 1 and (s.has("quantifier", "all") or "既" in s.text) and not s.has("quantifier", "any")
    out = [Filter("unit", tuple(kept), every=every)] if kept else []
    out += [Filter("unit", (n,), negate=True) for n in names if n in denied]
    return out


def _after(s: Sentence, negs: list[tuple[int, str]], end: int) -> bool:
    """A negation just after a unit, with at most adverbs between (市发改委没参与, 住建局都不参加)."""
    adverbs = words("polarity", "adverbs")
    for at, _ in negs:
        gap = s.text[end:at].strip().lower()
        gap = re.sub(r"^(管委会|委员会|办公室|局|委)", "", gap)  # the rest of a name written short (昆仑开发区管委会)
        if at >= end and (not gap or all(g in "".join(adverbs) for g in gap) or gap in adverbs):
            return True
    return False


def _negated(s: Sentence, negs: list[tuple[int, str]], start: int, end: int) -> bool:
    """Whether a negation or exclusion scopes over the unit at [start, end): an exclusion anywhere before
    it in its clause, a negation just before it, or one just after it."""
    for at, word in negs:
        if word in words("polarity", "exclusion") and at < start and not re.search(r"[，,。；;]", s.text[at:start]):
            return True
        gap = s.text[at + len(word) : start]
        near = len(gap.split()) <= ENGLISH_GAP if word.isascii() else len(gap) <= NEAR
        if at + len(word) <= start and near and not re.search(r"[，,。；;]", gap):
            return True
    return _after(s, negs, end)


def _clause_scope(s: Sentence, q: Query) -> tuple[str, ...]:
    """Clauses that bound the question: a range （一）到（二十六）, or the clauses it names."""
    written = written_range().search(s.text)
    if written:
        lo, hi = sorted(_number(n) for n in written.groups() if n)
        if 0 < lo < hi <= 100:
            return tuple(str(n) for n in range(lo, hi + 1))
    refs = sorted(q.clauses, key=lambda c: s.text.find(c.written))
    if refs and ELLIPSIS.match(s.text[s.text.find(refs[-1].written) + len(refs[-1].written) :]):
        return ()  # examples of how clauses are numbered, not the clauses asked about
    if len(refs) == 2:
        a, b = refs
        between = s.text[s.text.find(a.written) + len(a.written) : s.text.find(b.written)]
        if RANGE.match(between):
            lo, hi = sorted((a.number, b.number))
            return tuple(str(n) for n in range(lo, hi + 1))
    return tuple(str(c.number) for c in q.clauses)


def _number(written: str) -> int:
    from assistant.entities import chinese_number

    return int(written) if written.isdigit() else chinese_number(written) or 0


def _unit_count(s: Sentence) -> Filter | None:
    """A number of responsible units a clause must have: 责任单位只有两家, 超过十个责任单位, 有三个单位的
    任务, at least five units. The number stands after the units noun with only a comparison or 有 / 是
    between, or before it with a comparison word (只有, 超过, 少于, 至少), 有, or 以上 / 以下 after."""
    nouns = words("noun", "units")
    compare = {role: words("compare", role) for role in COMPARISONS}
    following = {role: words("compare", f"{role}_after") for role in ("at_least", "at_most")}
    for m in re.finditer(rf"{NUMBER}\s*([{UNIT_CLASSIFIERS}])?", s.text):
        after = s.text[m.end() : m.end() + 16].lstrip()
        before = s.text[max(0, m.start() - 12) : m.start()]
        said = [(r, w) for r in COMPARISONS for w in compare[r] if before.lower().rstrip().endswith(w.lower())]
        op, word = said[0] if said else ("", "")
        bridge = before[: len(before.rstrip()) - len(word)] if word else before
        closing = next((r for r, ws in following.items() for w in ws if after.lower().startswith(w)), "")
        rest = after[len(next((w for ws in following.values() for w in ws if after.lower().startswith(w)), "")) :]
        noun_after = any(re.sub(r"^[ 的]*(责任)?", "", rest).lower().startswith(n) for n in nouns)
        noun_before = any(bridge.rstrip(COPULAS + " ").lower().endswith(n) for n in nouns)
        counted = bool(m.group(2)) or bool(closing) or noun_after  # a number with its classifier (两家), not 一起
        if not counted or not (noun_before or (noun_after and (op or closing or bridge.endswith("有")))):
            continue
        n = _number(m.group(1))
        if n <= 0:
            continue
        if closing and op in ("", "exact"):
            op = closing
        return Filter("unit_count", (str(n),), op="eq" if op in ("", "exact") else op)  # type: ignore[arg-type]
    return None


def section_title(s: Sentence) -> str:
    """The words before a part noun that name a part by its title (以城带乡那部分 → 以城带乡), or ''
    when the part is numbered or counted (第三部分, 几个部分, 这部分)."""
    for noun in words("noun", "parts"):
        if noun.isascii():
            continue
        for m in re.finditer(noun, s.text):
            before = re.split(r"[，,。？?！!；;：:“”\s]", s.text[: m.start()])[-1]
            before = before.rstrip("的").rstrip("那这该此").rstrip("的")
            if len(before) < 2 or before[-1] in CLASSIFIERS + "几哪些个" or "第" in before[-4:]:
                continue
            return before
    return ""


def _deadline(s: Sentence) -> Filter | None:
    """A year with a direction: 2027年底前 → before 2027, 2028年以后 → after 2028, by 2030 → before 2030."""
    for m in YEAR.finditer(s.text):
        year = m.group(1)
        after_text = s.text[m.end() : m.end() + 4]
        before_text = s.text[max(0, m.start() - 3) : m.start()].lower()
        if any(after_text.startswith(w) for w in words("time", "before") if not w.isascii()):
            return Filter("deadline", (year,), op="before")
        if any(after_text.startswith(w) for w in words("time", "after") if not w.isascii()):
            return Filter("deadline", (year,), op="after")
        if any(re.search(rf"\b{w}\s*$", before_text) for w in words("time", "before") if w.isascii()) or before_text.endswith("到"):
            return Filter("deadline", (year,), op="before")
        if any(re.search(rf"\b{w}\s*$", before_text) for w in words("time", "after") if w.isascii()):
            return Filter("deadline", (year,), op="after")
        if any(re.search(rf"\b{w}\s*$", before_text) if w.isascii() else before_text.endswith(w) for w in words("time", "during")):
            return Filter("deadline", (year,), op="eq")
    return None


GRAMMAR_SECTIONS = ("ask", "noun", "relate", "polarity", "quantifier", "scope")


def topic_of(q: Query) -> str:
    """The question's topic: its content words, less every word the grammar read (question words,
    polarity, quantifiers, scope words, demonstratives, ordinals, the nouns and verbs of the records);
    an English question's as the plan's own terms for them."""
    grammar = {w for section in GRAMMAR_SECTIONS for role in table()[section].values() for w in role}
    if q.language == "en":
        return " ".join(q.search_text.partition(" \u2063")[2].split())
    demonstratives = tuple(words("scope", "demonstratives"))
    text = q.topic
    for w in sorted((w for w in grammar if len(w) > 1 and not w.isascii()), key=len, reverse=True):
        text = text.replace(w, " ")  # 量化目标 is read by the grammar, whatever jieba makes of it
    kept = []
    for t in segment(text):
        if all(ch in CLASSIFIERS + "一几这那该此 " for ch in t):  # 一条, 那项: pointing, not a topic
            continue
        if any(ch.isdigit() for ch in t) or all(ch in "年月日底末初前后内份" for ch in t):  # time, read by the deadline filter
            continue
        if (
            t in grammar
            or len(t.strip()) < 2
            or all(ch in grammar for ch in t)
            or t.startswith(("哪", "几", "第"))
            or (t[0] in "不没未" and t[1:] in grammar)
        ):
            continue
        if t.startswith(demonstratives) and all(ch in CLASSIFIERS + "一几" for ch in t[1:]):
            continue
        kept.append(t)
    return "".join(kept)


def _filter_words(s: Sentence, filters: list[Filter]) -> list[str]:
    """The grammar words the filters were read from, for `understood.plan.read`."""
    out = []
    if any(f.negate for f in filters):
        out += [w for _, w in negations(s)]
    if any(f.every for f in filters):
        out += [w for _, w in s.find("quantifier", "all")]
    if s.has("scope", "previous"):
        out += [w for _, w in s.find("scope", "previous")]
    return out
