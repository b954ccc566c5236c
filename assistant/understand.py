"""The question model: what a question names (departments, clauses, documents, a topic) and what it
asks of them (its intent), decided once and carried as a typed ``Query`` to everything after it.

Entities are resolved against the index's own records (the unit table, clause numbers and titles, the
manifest); the intent follows from the entities found plus the question's form — a small grammar of
how questions ask (who / how many / most / which clauses mention / is X allowed), not a list of
phrasings. Pure functions; no retrieval happens here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from assistant.entities import ClauseRef, UnitMention, find_clause_refs, find_section_refs, find_units, numeral, title_named
from assistant.reading.form import (
    after_word,
    asked_noun,
    asks_who,
    counts,
    extreme,
    fewest,
    listing,
    mentions,
    noun_in,
    question_words,
    units_noted,
    who_span,
)
from assistant.reading.grammar import FINAL_PARTICLES, Sentence, names, sentence, words
from assistant.route import (
    INJECTION,
    TASK_REQUEST,
    content_words,
    document_attribute,
    document_attribute_span,
    expand_query,
    foreign_place,
    quantity_kind,
    topic_runs,
    unknown_procedure,
    unsupported_attribute,
)
from index.records import Part
from index.units import UnitTable

Intent = Literal[
    "clause", "responsibility", "by_unit", "shared", "count", "ranking", "unassigned", "topic",
    "metadata", "lineage", "overview", "eligibility", "fact", "out_of_scope",
]  # fmt: skip
Language = Literal["zh", "en"]

SECTION_SHARE = 0.6  # share of a section heading's character pairs a question must contain to name it
DOCUMENT_WORDS = frozenset({"方案", "计划", "行动计划", "文件", "通知", "分工方案", "这个", "本", "格尔木", "格尔木市", "plan", "document"})
SUBQUESTION = re.compile(r"[？?；;]")
LINEAGE = re.compile(
    r"上级依据|上级(文件)?(的)?(哪|什么|对应)(一)?(条|项|款)|对应(的)?(省|国家|上级)(文件)?(的)?(哪|什么)?(条|项|款)?|parent clause|which (provincial|national) clause",
    re.I,
)
OVERVIEW = re.compile(
    r"总体|概括|概述|主要(内容|任务)|指导思想|什么思想|(什么|哪些)目标|目标(是|有)(什么|哪些)|overview|summar|main (tasks|goals|aims)|overall|\baims?\b|\bgoals?\b|achieve",
    re.I,
)
# Why the document was made (its purpose or background): answered from its preamble, like its basis.
PURPOSE = re.compile(r"为什么制定|为了什么|制定.*(目的|背景)|发挥什么作用|\bbasis\b|why .*(made|issued|written)", re.I)


@dataclass(frozen=True)
class Query:
    """A question as understood: its normalised text, entities and intent. Decided once, read everywhere."""

    asked: str
    text: str
    search_text: str
    language: Language
    intent: Intent
    mentions: tuple[UnitMention, ...] = ()
    clauses: tuple[ClauseRef, ...] = ()
    sections: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    topic: str = ""
    topics: tuple[str, ...] = ()  # the topic's phrases, as written (海绵城市、海绵化改造 → two)
    quantity: str = ""
    attribute: str = ""  # metadata: issuer / date / number / meeting / target_year / parents / title
    target: Literal["units", "clauses", ""] = ""  # what a count or ranking is over
    fewest: bool = False
    overview: Literal["section", "basis", "whole", ""] = ""
    reason: str = ""
    parts: tuple[str, ...] = ()  # the sub-questions of a question that asks several things
    within: tuple[int, ...] = ()  # clauses a follow-up is limited to (其中 / 这些条款里)
    elsewhere: str = ""  # a place the question is about that the documents do not cover
    lexicon: str = ""  # the question's words as the documents say them (医保→医疗保险；看病→就医), for 理解为
    plan: Any = None  # the query plan read from the question (assistant.reading.plan.Plan), when it is one over the records
    proposal: str = ""  # with an LLM: whether the model's plan was used, or why it was not (assistant/reading/llm_plan.py)

    @property
    def question(self) -> str:
        return self.text

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.name for m in self.mentions if m.name))

    @property
    def unknown_units(self) -> tuple[UnitMention, ...]:
        return tuple(m for m in self.mentions if not m.name)

    @property
    def route(self) -> str:
        """The answer family (kept for the answer record and the LLM mode)."""
        return {"clause": "responsibility" if self.asks_who else "fact", "shared": "by_unit"}.get(self.intent, self.intent)

    @property
    def asks_who(self) -> bool:
        return asks_who(sentence(self.text))

    @property
    def subject(self) -> str:
        """What the dense model embeds: a who-question's subject without its form (由哪些部门负责？),
        which says what kind of answer is wanted, not which passage holds it; else the question."""
        asked = self.search_text.partition(" \u2063")[0]
        return without_who(asked) if self.intent == "responsibility" and self.language == "zh" else ""

    def understood(self) -> dict[str, Any]:
        """What was understood, for `ask --json` and the API."""
        out: dict[str, Any] = {"intent": self.intent, "language": self.language}
        if self.mentions:
            out["units"] = [
                {
                    "written": m.written,
                    "name": m.name or None,
                    "how": m.how,
                    **({"suggestions": list(m.suggestions)} if m.suggestions else {}),
                }
                for m in self.mentions
            ]
        if self.clauses:
            out["clauses"] = [{"written": c.written, "clause": c.number} for c in self.clauses]
        for key in ("docs", "sections", "within"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        for key in ("topic", "attribute", "target", "quantity", "reason"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.lexicon:
            out["lexicon"] = self.lexicon
        if self.plan is not None:
            out["plan"] = self.plan.to_json()
        if self.proposal:
            out["proposal"] = self.proposal
        return out

    def restatement(self) -> str:
        """理解为：… — only when the question was resolved to something it did not literally say."""
        bits = [
            f"{m.written}→{m.name}"
            for m in self.mentions
            if m.name and m.how in ("typo", "english") or (m.name and m.how == "alias" and len(m.written) < len(m.name) - 1)
        ]
        bits += [f"{c.written}→（{numeral(c.number)}）" for c in self.clauses if c.written != f"（{numeral(c.number)}）"]
        if self.lexicon:
            bits.append(self.lexicon)
        if self.plan is not None and self.plan.filters and self.plan.form != "decline":
            bits.append(self.plan.restatement())
        if self.proposal:
            bits.append(self.proposal)
        return "，".join(bits)


@dataclass(frozen=True)
class Context:
    """What the question model needs from the index: units, clause titles, sections, the corpus text."""

    units: UnitTable
    clause_titles: dict[int, str]
    section_titles: dict[str, str]
    vocabulary: str
    places: tuple[str, ...] = ()  # every place the manifest knows (its documents' cities, provinces…)


def context_for(units: UnitTable, parts: list[Part], doc: str | None, vocabulary: str, places: tuple[str, ...] = ()) -> Context:
    """The context of one document's clauses (the primary one when clause numbers are resolved)."""
    mine = [p for p in parts if doc is None or p.doc == doc]
    return Context(
        units,
        {p.number: p.title for p in mine if p.kind == "clause" and p.number is not None},
        {p.path: p.title for p in mine if p.kind == "section"},
        vocabulary,
        places,
    )


CLAUSE_END = re.compile(r"[，,？?。！!；;：:]")
LINKING = "由是归找该请问这的在向"  # single characters that tie a subject to the form that follows it
MIN_SUBJECT = 4  # Han characters a subject needs to stand alone


def without_who(text: str) -> str:
    """The question without its who-asking clause: "X，谁来推进？" → X; "X由哪些单位负责？" → X;
    "谁负责X？" → 负责X. The text unchanged when too little would remain."""
    span = who_span(sentence(text))
    if span is None:
        return ""
    ends = [e.start() for e in CLAUSE_END.finditer(text)]
    start = max((e + 1 for e in ends if e < span[0]), default=0)
    end = min((e for e in ends if e >= span[1]), default=len(text))
    others = (text[:start].rstrip("，,；; ") + text[end:]).strip("，,？?。！!；;：: ")
    head = text[start : span[0]].rstrip(LINKING)
    if _han(head) < MIN_SUBJECT or names(sentence(head), "units"):  # "这项工作的", "方案里写的责任单位都有"
        head = ""
    if _han(others) >= MIN_SUBJECT:
        return f"{others}，{head}" if head else others
    if head:
        return head
    tail = text[span[1] : end].strip()
    return tail if _han(tail) >= MIN_SUBJECT else ""


def _han(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def language_of(text: str) -> Language:
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return "en" if latin > 2 * han else "zh"


def understand(asked: str, text: str, ctx: Context, docs: tuple[str, ...] = ()) -> Query:
    """Entities, then intent. ``text`` is the normalised question; ``docs`` the documents in scope."""
    language = language_of(text)
    search_text = expand_query(text)
    base = Query(asked, text, search_text, language, "fact", docs=docs)
    if INJECTION.search(text):
        return _refuse(base, "injection")
    if TASK_REQUEST.search(text):
        return _refuse(base, "not a question about the documents")
    place = foreign_place(text, ctx.vocabulary, ctx.places)
    if place:
        return _replace(_refuse(base, f"about {place}, which the documents do not cover"), elsewhere=place)
    mentions = tuple(m for m in find_units(text, ctx.units) if m.name or m.written not in ctx.vocabulary)
    clauses = tuple(find_clause_refs(text, max(ctx.clause_titles, default=0), ctx.clause_titles))
    sections = tuple(find_section_refs(text, tuple(ctx.section_titles))) or tuple(
        p for p, t in ctx.section_titles.items() if title_named(t, text, SECTION_SHARE)
    )
    pieces = tuple(p.strip() for p in SUBQUESTION.split(text) if len(p.strip()) >= 4)
    each = separately().search(text)
    if each and len(pieces) < 2:  # 郭勒木德镇和乌图美仁乡分别…: one question for each
        pieces = tuple(text.replace(each.group(0), f"{name}{each.group(3)}", 1) for name in (each.group(1), each.group(2)))
    q = Query(
        asked,
        text,
        search_text,
        language,
        "fact",
        mentions,
        clauses,
        sections,
        docs,
        quantity=quantity_kind(text),
        parts=pieces if len(pieces) > 1 else (),
    )
    q = _with_topic(q, ctx)
    attribute = unsupported_attribute(text, ctx.vocabulary)
    if attribute:
        return _refuse(q, f"asks for {attribute}, which the documents never mention")
    procedure = unknown_procedure(text, ctx.vocabulary)
    if procedure:
        return _refuse(q, f"asks how to get {procedure}, which the documents never mention")
    return _intent(q, ctx)


@cache
def separately() -> re.Pattern[str]:
    """Two names joined by a coordinator and followed by a distributive quantifier (郭勒木德镇和乌图美仁乡
    分别…), from the grammar's roles (polarity.coordinators, quantifier.each)."""
    coordinators, each = ("|".join(re.escape(w) for w in words(*role) if not w.isascii()) for role in (("polarity", "coordinators"), ("quantifier", "each")))
    return re.compile(rf"([\u4e00-\u9fff]{{2,8}}?)(?:{coordinators})([\u4e00-\u9fff]{{2,8}}?)(的?(?:{each}))")


def _refuse(q: Query, reason: str) -> Query:
    return Query(
        q.asked, q.text, q.search_text, q.language, "out_of_scope", q.mentions, q.clauses, q.sections, q.docs, q.topic, reason=reason
    )


def _replace(q: Query, **changes: Any) -> Query:
    import dataclasses

    return dataclasses.replace(q, **changes)


def _with_topic(q: Query, ctx: Context) -> Query:
    """The question's topic: its content words once entities and question-form words are taken away."""
    rest = q.text
    for m in sorted(q.mentions, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    for c in q.clauses:
        rest = rest.replace(c.written, " ")
    if mentions(sentence(rest)):  # 在方案里哪些地方提到: where, not what
        for where in words("ask", "where"):
            rest = re.sub(re.escape(where), " ", rest, flags=re.I)
    if q.language != "zh":  # an English question may still write the plan's terms (sponge city (海绵城市/海绵化))
        han = re.findall(r"[\u4e00-\u9fff]+", rest)
        return _replace(q, topic=" ".join(content_words(rest)), topics=tuple(r for h in han for r in topic_runs(h)))
    return _replace(q, topic="".join(content_words(rest)), topics=tuple(topic_runs(rest)))


def _asked_noun(text: str) -> Literal["units", "clauses", ""]:
    return asked_noun(sentence(text))  # type: ignore[return-value]


def _intent(q: Query, ctx: Context) -> Query:
    """Intent from the entities found plus the question's form."""
    text = q.text
    s = sentence(text)
    units, unknown = q.units, q.unknown_units
    doc_attribute = document_attribute(text)
    if unknown and not units and not q.clauses:
        return _refuse(q, f"{unknown[0].written} is not a responsible unit in the indexed documents")
    if LINEAGE.search(text):
        return _replace(q, intent="lineage")
    if units_noted(s) is False and not units and names(s, "clauses"):
        return _replace(q, intent="unassigned")
    ranked = extreme(s) and (_asked_noun(text) or ("units" if names(s, "units") else "clauses" if names(s, "clauses") else ""))
    if ranked and not q.clauses and (not units or s.has("polarity", "exclusion")):
        # 除了发改委以外，任务最多的是哪个单位 — the named units are left out of the ranking; a ranking is
        # over the records' nouns (最多能贷多少 ranks nothing).
        return _replace(q, intent="ranking", target=ranked, fewest=fewest(s))
    if q.clauses:
        return _replace(q, intent="clause")
    if len(units) > 1 and s.has("quantifier", "all"):
        return _replace(q, intent="shared")
    if units and not (q.asks_who and q.topic):
        return _replace(q, intent="by_unit")
    if counts(s) and not units and (_counts_table(q, ctx) or (q.sections and _asked_noun(text) == "clauses")):
        return _replace(q, intent="count", target=_asked_noun(text) or "clauses")
    if doc_attribute and _about_document(q, doc_attribute):
        return _replace(q, intent="metadata", attribute=doc_attribute)
    overview = _overview_kind(q, ctx)
    if overview == "whole" and q.quantity and len(q.parts) < 2:  # the plan's gist answers no lone question for a figure or date
        overview = ""
    if overview in ("section", "whole") and not q.asks_who:
        return _replace(q, intent="overview", overview=overview)
    # Which clauses: named (条款), or where in the document (在方案里哪些地方提到)
    where = names(s, "clauses") or (mentions(s) and s.has("ask", "where"))
    if q.topic and not q.asks_who and (listing(s) or mentions(s)) and where:
        return _replace(q, intent="topic")
    if q.asks_who:
        return _replace(q, intent="responsibility")
    if overview:
        return _replace(q, intent="overview", overview=overview)
    if (s.has("persona", "first_person") or s.polar() or "符合条件" in text) and not q.quantity:
        return _replace(q, intent="eligibility")
    return _replace(q, intent="fact")


def _counts_table(q: Query, ctx: Context) -> bool:
    """A count over the plan's own table (how many tasks / departments), not a figure in its text:
    none of the question's topic words occurs in the documents."""
    return bool(_asked_noun(q.text)) and not any(w in ctx.vocabulary for w in content_words(q.topic) if len(w) > 1)


def _about_document(q: Query, attribute: str) -> bool:
    """A metadata question asks about the document itself: little of substance is left once the
    attribute and the words naming the document are taken away."""
    rest = document_attribute_span(q.text)
    return len("".join(w for w in content_words(rest) if w not in DOCUMENT_WORDS)) <= 4 or attribute in (
        "issuer",
        "date",
        "number",
        "meeting",
        "parents",
    )


def _asks_basis(s: Sentence) -> bool:
    """依据是什么文件, 贯彻落实了什么, 依据哪两份上级文件: a basis verb (grammar relate.basis) with a question
    word that asks for documents or for nothing more (not 落实什么机制)."""
    verbs = [at for at, _ in s.find("relate", "basis")]
    for at, word in question_words(s):
        near = after_word(s, at, word)[len(word) :]
        same_clause = any(not CLAUSE_END.search(s.text[min(v, at) : max(v, at)]) for v in verbs)
        if same_clause and (not near.strip(FINAL_PARTICLES) or any(noun_in(n, near) for n in words("noun", "documents"))):
            return True
    return False


def _overview_kind(q: Query, ctx: Context) -> Literal["section", "basis", "whole", ""]:
    if any(title_named(t, q.text, SECTION_SHARE) for t in ctx.section_titles.values()) or q.sections:
        return "section"
    s = sentence(q.text)
    if PURPOSE.search(q.text) or _asks_basis(s):
        return "basis"
    if OVERVIEW.search(q.text) or (names(s, "parts") and question_words(s)):  # 五大行动是哪五个: the plan's parts
        return "whole"
    return ""
