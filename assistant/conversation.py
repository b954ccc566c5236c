"""Follow-up questions: the conversation state (entities of earlier turns, clauses of earlier answers)
turns a new message into a standalone question, without a model. Stateless: the client sends the history.

Resolved, in order: a new subject (换个话题, or a question that stands on its own) starts afresh;
pronouns and deixis (它 / 该部门 / 这一条 / 第二个) take the last department or the clauses the last
answer cited; ellipsis (那X呢？ / X呢？) asks the last question again about X; a question that names
nothing (由哪些部门负责？ / 要多久实现？) borrows the last turn's subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant import prompts
from assistant.entities import chinese_number, find_units, numeral
from assistant.reading.grammar import Sentence
from assistant.route import normalise
from assistant.scope import mentioned_documents
from assistant.understand import Query

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge
    from assistant.settings import Settings

History = Sequence[Any]  # earlier user questions (str) or OpenAI-style messages ({"role", "content"})

NEW_SUBJECT = re.compile(r"换个(话题|问题)|另外问|另一个问题|new question|another question|change the subject", re.I)
UNIT_PRONOUN = re.compile(
    r"两者|二者|两个部门|两个单位|该(部门|单位|局|委)|这(个|些)?(部门|单位)|那(个|些)?(部门|单位)|他们俩|它们|他们|它|\b(it|they|them|this (department|bureau|unit))\b",
    re.I,
)
AMONG_UNITS = re.compile(r"(他们|它们|这些部门|这些单位|上述部门|上述单位)(当中|之中|中|里)的?")
WITHIN = re.compile(
    r"^(其中|这其中|在这些(条款|任务|条)?(里|中|当中)|这些(条款|任务|条)(里|中|当中))[，,]?|\b(among them|of these|among these)\b[,]?", re.I
)
SECTION_DEIXIS = re.compile(r"(这|那|该|上述)(一)?(个)?部分|\b(this|that) (part|section)\b", re.I)
DOC_DEIXIS = re.compile(r"(那个|这个|该|上述|那份|这份)(文件|方案|通知|计划|实施方案)|\b(that|this) (document|plan)\b", re.I)
BOTH_CLAUSES = re.compile(r"(这|那|上面|上述|前面)(两|俩|2)(条|项|个任务|个)")
ASKS = re.compile(r"哪|什么|谁|多少|几|吗|怎么|如何|\b(what|which|who|how)\b", re.I)
CLAUSE_DEIXIS = re.compile(
    r"(这|那|该|上面|上述|前面|刚才)(一)?(那)?(条|项|款|个任务|项任务|条任务)|上一条|这里面|里面|\bthis (clause|item|task)\b|\bthat (clause|item|task)\b",
    re.I,
)
ORDINAL_PICK = re.compile(
    r"第([一二三四五六七八九十\d]+)个|(?<=其中)第([一二三四五六七八九十\d]+)(?:条|项)|\b(first|second|third|fourth|fifth) one\b", re.I
)
ELLIPSIS = re.compile(r"^(那|那么|还有|另外|and|what about|how about)?\s*(?P<x>.{1,30}?)\s*(呢|怎么样|如何|\?)?\s*[？?]?$", re.I)
MORE = re.compile(r"^(还有|其他|其它|别的)(的|呢|吗|哪些)*[？?]?$|^(anything else|what else|more)\??$", re.I)
CLAUSE_PATH = re.compile(r"[一二三四五六七八九十]+（([一二三四五六七八九十]+)）")
ENGLISH_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


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
    for asked in turns:
        resolved = standalone_question(asked, state, knowledge, docs)
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
    if not state or NEW_SUBJECT.search(text):
        return Resolved(NEW_SUBJECT.sub("", text).strip(" ，,。") or text)
    alone, _ = understand_question(knowledge, text, docs)
    last = state[-1]
    if alone.intent == "out_of_scope" and alone.reason.startswith("about "):
        return Resolved(text)  # another place: refused as it stands
    pick = ORDINAL_PICK.search(text)
    if pick and last.cited:
        n = chinese_number(pick.group(1) or pick.group(2) or "") if not pick.group(3) else ENGLISH_ORDINALS[pick.group(3).lower()]
        if n and n <= len(last.cited):
            return Resolved(WITHIN.sub("", text).replace(pick.group(0), f"第{numeral(last.cited[n - 1])}条"))
    within = last.cited if WITHIN.search(text) and len(last.cited) > 1 else ()
    text = WITHIN.sub("", text) if within else text
    said = Sentence.of(text)
    if not within and len(last.cited) > 1 and said.has("scope", "previous"):  # 这几条 / those: the last answer's clauses
        within = last.cited
    both = BOTH_CLAUSES.search(text)
    if both:
        recent = _recent_clauses(state, 2)
        if len(recent) == 2:
            return Resolved(text.replace(both.group(0), "和".join(f"第{numeral(n)}条" for n in recent)))
    part_deixis = SECTION_DEIXIS.search(text)
    if part_deixis and not alone.sections:  # 这部分 / this part: the part the last turn was about
        sections = last.query.sections or tuple(dict.fromkeys(_section_of(knowledge, n) for n in last.cited))
        if len(sections) == 1 and sections[0]:
            return Resolved(text.replace(part_deixis.group(0), f"第{sections[0]}部分", 1), within)
    doc_deixis = DOC_DEIXIS.search(text)
    # 那个文件: the document the last turn named carries over, unless the question names its own (青海省那个实施方案)
    if doc_deixis and not mentioned_documents(text, knowledge.documents):
        named = mentioned_documents(last.query.text, knowledge.documents)
        if named:
            return Resolved(text.replace(doc_deixis.group(0), named[0].number, 1), within)
    if CLAUSE_DEIXIS.search(text) and last.cited:
        return Resolved(CLAUSE_DEIXIS.sub(f"第{numeral(last.cited[0])}条", text, count=1), within)
    among = AMONG_UNITS.search(text)
    if among and alone.units:  # 他们当中的公安局…: the department is named; the phrase only points at it
        return Resolved(text.replace(among.group(0), ""), within)
    pronoun = UNIT_PRONOUN.search(text)
    if pronoun:
        units = _units_for(pronoun.group(0), last, state)
        if units:
            return Resolved(text.replace(pronoun.group(0), "和".join(units), 1), within)
        if last.cited:  # "it" after a question about a task: the clause its answer cited
            return Resolved(text.replace(pronoun.group(0), f"第{numeral(last.cited[0])}条", 1), within)
    if MORE.match(text):
        return Resolved(last.query.text)
    bare = not (alone.units or alone.clauses or alone.sections or _stands_alone_topic(alone, knowledge))
    if last.cited and bare and _counts(said):  # 一共几个？: how many of what the last answer listed
        if last.query.asks_who and len(last.cited) == 1:
            return Resolved(f"第{numeral(last.cited[0])}条有几个责任单位？")
        return Resolved(text, within or last.cited)
    if last.cited and alone.units and not (alone.clauses or alone.sections) and said.polar() and not _stands_alone_topic(alone, knowledge):
        return Resolved(text, within or last.cited)  # 应急管理局呢，也在吗？: among the clauses just answered
    ellipsis = ELLIPSIS.match(text)
    x = ellipsis.group("x").strip(" ，,的") if ellipsis else ""
    if (
        x
        and re.search(r"呢|what about|how about|^(那|还有|and)", text, re.I)
        and len(x) <= 20
        and not ASKS.search(x)
        and not Sentence.of(x).polar()
    ):
        return Resolved(_ask_again(last.query, x, alone), within)
    if _stands_alone(alone, knowledge) or within:
        return Resolved(text, within)
    subject = f"第{numeral(last.cited[0])}条" if len(last.cited) == 1 and not last.query.units else _subject(last.query)
    return Resolved(f"{subject}{re.sub(r'^(那么|那)', '', text)}" if subject else text)


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


def _units_for(pronoun: str, turn: Turn, state: list[Turn] | None = None) -> tuple[str, ...]:
    """它 / it: the department the last turn was about, or the first its answer named; 他们 / they /
    两者: every department its answer named (or the question's), or the last two turns' departments."""
    plural = bool(re.search(r"们|俩|两|二|these|they|them|both", pronoun, re.I))
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
    if alone.clauses and last.clauses:
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

    content = set(content_words(q.text))
    run: list[str] = []
    for word in segment(q.text):
        if word in content:
            run.append(word)
        elif run:
            break
    return "".join(run) or _topic_span(q)
