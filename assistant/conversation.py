"""Follow-up questions: the conversation state (entities of earlier turns, clauses of earlier answers)
turns a new message into a standalone question, without a model. Stateless: the client sends the history.

Resolved, in order: a new subject (换个话题, or a question that stands on its own) starts afresh;
pronouns and deixis (它 / 该部门 / 这一条 / 第二个) take the last department or the clauses the last
answer cited; ellipsis (那X呢？ / X呢？) asks the last question again about X; a question that names
nothing (由哪些部门负责？ / 要多久实现？) borrows the last turn's subject. What the follow-up points with is
read by the grammar (assistant/reading/pointing.py); what it points at is decided here, from the turns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant import prompts
from assistant.entities import find_units, numeral
from assistant.reading import pointing
from assistant.reading.grammar import Sentence
from assistant.route import normalise
from assistant.scope import mentioned_documents
from assistant.understand import Query

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge
    from assistant.settings import Settings

History = Sequence[Any]  # earlier user questions (str) or OpenAI-style messages ({"role", "content"})


class HistoryError(ValueError):
    """A history that is not a list of questions or messages; the message says what is wrong."""


@dataclass(frozen=True)
class Turn:
    """One earlier exchange: the question as understood (its standalone form), the clauses its answer
    cited and the departments its answer named, in order."""

    query: Query
    cited: tuple[int, ...]
    answer_units: tuple[str, ...] = ()


def user_turns(history: History, max_turns: int, max_chars: int) -> list[str]:
    """The user questions of the last turns, bounded in turns and characters. Assistant messages are
    checked but not kept: earlier answers are recomputed, never read from the client's copy."""
    if not isinstance(history, list | tuple):
        raise HistoryError("history must be a list of earlier questions or of {role, content} messages")
    questions: list[str] = []
    for i, item in enumerate(history):
        if isinstance(item, str):
            questions.append(item)
            continue
        if (
            not isinstance(item, dict)
            or item.get("role") not in ("user", "assistant", "system")
            or not isinstance(item.get("content", ""), str | list)
        ):
            raise HistoryError(f"history[{i}] must be a string or a message with role user/assistant/system and text content")
        content = item.get("content") or ""
        if item["role"] == "user":
            questions.append(content if isinstance(content, str) else "".join(p.get("text", "") for p in content if isinstance(p, dict)))
    questions = questions[-max_turns:] if max_turns else []
    while questions and sum(len(q) for q in questions) > max_chars:
        questions.pop(0)
    return questions


def resolve_followup(
    knowledge: Knowledge, question: str, history: History | None, docs: tuple[str, ...] | None, settings: Settings
) -> tuple[Query | None, str]:
    """The question as a standalone one in its conversation: (its Query, its text); (None, '') when
    there is no history to resolve against. Earlier turns are resolved in order, each against the ones
    before it, so that 那X呢？ after 那Y呢？ still knows what was asked."""
    import dataclasses

    from assistant.chain import answer_question, understand_question

    turns = user_turns(list(history or ()), settings.history_turns, settings.history_chars)
    if not turns:
        return None, ""
    state: list[Turn] = []
    for i, asked in enumerate(turns):
        resolved = standalone_question(_ours(asked, turns[:i], knowledge), state, knowledge, docs)
        query = _within(understand_question(knowledge, resolved.text, docs)[0], resolved.within)
        # The earlier answer is recomputed (deterministic, and cheap): the client's copy of it is data,
        # never trusted for what it cited.
        answer = answer_question(knowledge, resolved.text, docs=docs, query=query)
        cited = tuple(dict.fromkeys(c.clause for c in answer.citations if c.clause is not None))
        first = answer.text.split("\n", 1)[0]
        named = tuple(dict.fromkeys(m.name for m in find_units(first, knowledge.units) if m.name))
        state.append(Turn(query, cited, named))
    resolved = standalone_question(_ours(question, turns, knowledge), state, knowledge, docs)
    query = _within(understand_question(knowledge, resolved.text, docs)[0], resolved.within)
    shown = (
        resolved.text
        if not resolved.within
        else prompts.WITHIN.format(clauses="、".join(f"（{numeral(n)}）" for n in resolved.within), question=resolved.text)
    )
    return dataclasses.replace(query, asked=question), shown


@dataclass(frozen=True)
class Resolved:
    """A follow-up as a standalone question, and the clauses it is limited to (其中 / 这些条款里)."""

    text: str
    within: tuple[int, ...] = ()


def _within(q: Query, within: tuple[int, ...]) -> Query:
    import dataclasses

    return dataclasses.replace(q, within=within) if within else q


def standalone_question(question: str, state: list[Turn], knowledge: Knowledge, docs: tuple[str, ...] | None) -> Resolved:
    """Rewrite a follow-up with the entities of the turns before it."""
    from assistant.chain import understand_question

    text, _ = normalise(question, knowledge.settings.max_question_chars)
    said = Sentence.of(text)
    if not state or pointing.fresh(said):
        return Resolved(pointing.fresh(said) or text)
    alone, _ = understand_question(knowledge, text, docs)
    last = state[-1]
    if alone.intent == "out_of_scope" and alone.reason.startswith("about "):
        return Resolved(text)  # another place: refused as it stands
    scope = pointing.leading_scope(said)
    pick = pointing.ordinal(said)
    if pick and last.cited:
        words, n = pick
        if n and n <= len(last.cited):
            plain = text[: scope[0]] + text[scope[1] :] if scope else text
            return Resolved(plain.replace(words, f"第{numeral(last.cited[n - 1])}条"))
    within = last.cited if scope and len(last.cited) > 1 else ()
    if within and scope:
        text = text[: scope[0]] + text[scope[1] :]
        said = Sentence.of(text)
    if not within and len(last.cited) > 1 and said.has("scope", "previous"):  # 这几条 / those: the last answer's clauses
        within = last.cited
    pointed = pointing.pointers(said)
    both = next((p for p in pointed if p.kind == "clause" and p.count == 2), None)
    if both:
        recent = _recent_clauses(state, 2)
        if len(recent) == 2:
            return Resolved(text.replace(both.span(text), "和".join(f"第{numeral(n)}条" for n in recent)))
    part = next((p for p in pointed if p.kind == "part"), None)
    if part and not alone.sections:  # 这部分 / this part: the part the last turn was about
        sections = last.query.sections or tuple(dict.fromkeys(_section_of(knowledge, n) for n in last.cited))
        if len(sections) == 1 and sections[0]:
            return Resolved(text.replace(part.span(text), f"第{sections[0]}部分", 1), within)
    document = next((p for p in pointed if p.kind == "document"), None)
    # 那个文件: the document the last turn named carries over, unless the question names its own (青海省那个实施方案)
    if document and not mentioned_documents(text, knowledge.documents):
        named = mentioned_documents(last.query.text, knowledge.documents)
        if named:
            return Resolved(text.replace(document.span(text), named[0].number, 1), within)
    clause = next((p for p in pointed if p.kind == "clause" and not p.plural), None) or pointing.inside(said)
    if clause and last.cited:
        # 第五部分的那项任务: the clause of the last answer that stands in the part named
        cited = [n for n in last.cited if not alone.sections or _section_of(knowledge, n) in alone.sections] or last.cited
        return Resolved(text[: clause.start] + f"第{numeral(cited[0])}条" + text[clause.end :], within)
    among = pointing.among(said)
    if among and alone.units:  # 他们当中的公安局…: the department is named; the phrase only points at it
        return Resolved(text[: among.start] + text[among.end :], within)
    pronoun = next((p for p in pointed if p.kind == "unit"), None) or pointing.pronoun(said)
    if pronoun:
        units = _units_for(pronoun, last, state)
        at = pronoun.span(text)
        if units:
            return Resolved(text.replace(at, "和".join(units), 1), within)
        if last.cited:  # "it" after a question about a task: the clause its answer cited
            return Resolved(text.replace(at, f"第{numeral(last.cited[0])}条", 1), within)
    if pointing.more(said):
        return Resolved(last.query.text)
    bare = not (alone.units or alone.clauses or alone.sections or _stands_alone_topic(alone, knowledge))
    if last.cited and bare and _counts(said):  # 一共几个？: how many of what the last answer listed
        if last.query.asks_who and len(last.cited) == 1:
            return Resolved(f"第{numeral(last.cited[0])}条有几个责任单位？")
        return Resolved(text, within or last.cited)
    if last.cited and alone.units and not (alone.clauses or alone.sections) and said.polar() and not _stands_alone_topic(alone, knowledge):
        return Resolved(text, within or last.cited)  # 应急管理局呢，也在吗？: among the clauses just answered
    x = pointing.ellipsis(said)
    if x and _short(x) and not pointing.asks(x):
        return Resolved(_ask_again(last.query, x, alone), within)
    if _stands_alone(alone, knowledge) or within:
        return Resolved(text, within)
    subject = f"第{numeral(last.cited[0])}条" if len(last.cited) == 1 and not last.query.units else _subject(last.query)
    return Resolved(f"{subject}{pointing.without_openers(text)[0]}" if subject else text)


def _short(x: str) -> bool:
    """Short enough to be the new subject of 那X呢？ rather than a question of its own: 20 characters of
    Chinese, twelve words of English (what about the one on migrant children's education)."""
    return len(x.split()) <= 12 if x.isascii() else len(x) <= 20


def _counts(s: Sentence) -> bool:
    """A question that only asks how many (一共几个？, how many?)."""
    return s.has("ask", "count", prefix=True) and not s.has("ask", "which", prefix=True)


def _stands_alone_topic(q: Query, knowledge: Knowledge) -> bool:
    """Whether a question names a subject of its own besides its units (a specific topic word)."""
    from assistant.reading.planner import topic_of
    from assistant.route import content_words

    words = [w for w in content_words(topic_of(q)) if len(w) > 1]  # the topic, less what the grammar read (几个, 其中)
    return any(knowledge.bigram_idf.get(w[:2], knowledge.idf_cap) >= knowledge.idf_cap * 0.6 for w in words)


def _section_of(knowledge: Knowledge, number: int) -> str:
    """The part (一…七) a clause of the primary document stands in."""
    part = next((p for p in knowledge.parts if p.kind == "clause" and p.number == number), None)
    return part.path.split("（")[0] if part is not None else ""


OURS = re.compile(r"(?:我们|咱们|我家|咱)(?:的|这个|那个)?([\u4e00-\u9fff]?[乡镇村区县委局办会])")
PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}(?:乡|镇|村|街道|社区)")


def _ours(question: str, earlier: list[str], knowledge: Knowledge) -> str:
    """我们行委 / 我们乡 / 咱们镇: the asker's own body or place, as an earlier message told it (我是东城区
    行政委员会的工作人员 → 东城区行政委员会; 我是大格勒乡种枸杞的 → 大格勒乡): a name that holds the
    word's characters in order, its last one near the name's end."""
    m = OURS.search(question)
    if not m:
        return question
    word = m.group(1)
    for text in reversed(earlier):
        names = [u.name for u in find_units(text, knowledge.units) if u.name]
        names += [p.lstrip("我是在从住来的家") for p in PLACE.findall(text)]
        for name in names:
            if len(name) > len(word) and _in_order(word, name) and word[-1] in name[-4:]:
                return question[: m.start()] + name + question[m.end() :]
    return question


def _in_order(word: str, name: str) -> bool:
    at = 0
    for ch in word:
        at = name.find(ch, at) + 1
        if not at:
            return False
    return True


def _units_for(pronoun: pointing.Pointer, turn: Turn, state: list[Turn] | None = None) -> tuple[str, ...]:
    """它 / it: the department the last turn was about, or the first its answer named; 他们 / they /
    两者: every department its answer named (or the question's), or the last two turns' departments."""
    plural = pronoun.plural
    if plural and len(turn.query.units) == 1 and state and len(state) > 1 and state[-2].query.units:
        return tuple(dict.fromkeys(state[-2].query.units + turn.query.units))
    if turn.query.units:
        return turn.query.units
    if turn.answer_units:
        return turn.answer_units if plural else turn.answer_units[:1]
    return ()


def _recent_clauses(state: list[Turn], n: int) -> tuple[int, ...]:
    """The clauses of the last turns' answers, most recent last: the last answer's own when it cited
    several, else one from each of the last turns."""
    if len(state[-1].cited) >= n:
        return state[-1].cited[:n]
    picked = [t.cited[0] for t in state[-n:] if t.cited]
    return tuple(dict.fromkeys(picked))


def _stands_alone(q: Query, knowledge: Knowledge) -> bool:
    """A question that names its own subject (a department, a clause, a specific topic) needs no history;
    words the documents use everywhere (落实, 工作) name no subject."""
    from assistant.route import content_words

    specific = [
        w for w in content_words(q.topic) if len(w) > 1 and knowledge.bigram_idf.get(w[:2], knowledge.idf_cap) >= knowledge.idf_cap * 0.6
    ]
    return bool(q.mentions or q.clauses or q.intent in ("count", "ranking", "unassigned", "metadata", "overview") or specific)


def _subject(q: Query) -> str:
    """What a turn was about, as words to put in front of a follow-up that names nothing."""
    if q.clauses:
        return f"第{numeral(q.clauses[0].number)}条"
    if q.units:
        return "和".join(q.units)
    return _topic_span(q)


def _topic_span(q: Query) -> str:
    """The stretch of the question that holds its topic words."""
    words = [w for w in re.findall(r"\w+", q.topic)] if q.language == "en" else []
    if q.language == "zh" and q.topic:
        from assistant.route import content_words

        words = content_words(q.text)
    spans = [(q.text.find(w), q.text.find(w) + len(w)) for w in words if q.text.find(w) >= 0]
    if not spans:
        return q.topic
    return q.text[min(s for s, _ in spans) : max(e for _, e in spans)]


def _ask_again(last: Query, x: str, alone: Query) -> str:
    """那X呢？ — the last question, asked about X instead of its subject."""
    if alone.mentions and last.units:
        named = [m for m in last.mentions if m.name]
        if len(named) > 1 and len([m for m in alone.mentions if m.name]) > 1:  # 那公安局和数据局呢？ after two others
            return last.text[: named[0].start] + x + last.text[named[-1].end :]
        return last.text.replace(next(m.written for m in last.mentions if m.name), x, 1) if last.mentions else f"{x}负责哪些任务？"
    if alone.mentions:
        return f"{x}负责哪些任务？"
    if last.clauses and last.clauses[0].written in last.text:  # 第四条由谁负责？ 那随迁子女教育呢？: X takes the clause's place
        return last.text.replace(last.clauses[0].written, x, 1)
    span = _subject_run(last)
    if span and span in last.text:
        return last.text.replace(span, x, 1)
    return f"{x}{last.text}"


def _subject_run(q: Query) -> str:
    """The last question's subject: its first run of adjacent topic words (唐古拉山镇 in
    唐古拉山镇的发展定位是什么, 随迁子女教育 in 谁负责随迁子女教育)."""
    from assistant.route import content_words
    from index.tokenize import segment

    if q.language == "en":  # English words are the topic's own, in order
        return _topic_span(q)
    content = set(content_words(q.text))
    run: list[str] = []
    for word in segment(q.text):
        if word in content:
            run.append(word)
        elif run:
            break
    return "".join(run) or _topic_span(q)
