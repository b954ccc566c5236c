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

from assistant.entities import chinese_number
from assistant.route import normalise
from assistant.understand import Query, _numeral

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge
    from assistant.settings import Settings

History = Sequence[Any]  # earlier user questions (str) or OpenAI-style messages ({"role", "content"})

NEW_SUBJECT = re.compile(r"换个(话题|问题)|另外问|另一个问题|new question|another question|change the subject", re.I)
UNIT_PRONOUN = re.compile(r"该(部门|单位|局|委)|这(个|些)?(部门|单位)|那(个|些)?(部门|单位)|它们|他们|它|\b(it|they|them|this (department|bureau|unit))\b", re.I)
CLAUSE_DEIXIS = re.compile(r"(这|那|该|上面|上述|前面|刚才)(一)?(那)?(条|项|款|个任务|项任务|条任务)|上一条|这里面|这里|里面|\bthis (clause|item|task)\b|\bthat (clause|item|task)\b", re.I)
ORDINAL_PICK = re.compile(r"第([一二三四五六七八九十\d]+)个|\b(first|second|third|fourth|fifth) one\b", re.I)
ELLIPSIS = re.compile(r"^(那|那么|还有|另外|and|what about|how about)?\s*(?P<x>.{1,30}?)\s*(呢|怎么样|如何|\?)?\s*[？?]?$", re.I)
MORE = re.compile(r"^(还有|其他|其它|别的)(的|呢|吗|哪些)*[？?]?$|^(anything else|what else|more)\??$", re.I)
CLAUSE_PATH = re.compile(r"[一二三四五六七八九十]+（([一二三四五六七八九十]+)）")
ENGLISH_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


class HistoryError(ValueError):
    """A history that is not a list of questions or messages; the message says what is wrong."""


@dataclass(frozen=True)
class Turn:
    """One earlier exchange: the question as understood and the clauses its answer cited."""

    query: Query
    cited: tuple[int, ...]


def user_turns(history: History, max_turns: int, max_chars: int) -> list[tuple[str, str]]:
    """(question, answer text) of the last turns, bounded; answer text '' when the client sent none."""
    if not isinstance(history, list | tuple):
        raise HistoryError("history must be a list of earlier questions or of {role, content} messages")
    turns: list[tuple[str, str]] = []
    for i, item in enumerate(history):
        if isinstance(item, str):
            turns.append((item, ""))
            continue
        if not isinstance(item, dict) or item.get("role") not in ("user", "assistant", "system") or not isinstance(item.get("content", ""), str | list):
            raise HistoryError(f"history[{i}] must be a string or a message with role user/assistant/system and text content")
        content = item.get("content") or ""
        text = content if isinstance(content, str) else "".join(p.get("text", "") for p in content if isinstance(p, dict))
        if item["role"] == "user":
            turns.append((text, ""))
        elif item["role"] == "assistant" and turns:
            turns[-1] = (turns[-1][0], text)
    turns = turns[-max_turns:] if max_turns else []
    while turns and sum(len(q) + len(a) for q, a in turns) > max_chars:
        turns.pop(0)
    return turns


def resolve_followup(knowledge: Knowledge, question: str, history: History | None, docs: tuple[str, ...] | None, settings: Settings) -> tuple[Query | None, str]:
    """The question as a standalone one in its conversation: (its Query, its text); (None, '') when
    there is no history to resolve against."""
    from assistant.chain import answer_question, understand_question

    turns = user_turns(list(history or ()), settings.history_turns, settings.history_chars)
    if not turns:
        return None, ""
    state: list[Turn] = []
    for asked, said in turns:
        query, _ = understand_question(knowledge, asked, docs)
        if said:
            cited = tuple(chinese_number(m) or 0 for m in CLAUSE_PATH.findall(said))
        else:
            cited = tuple(c.clause for c in answer_question(knowledge, asked, docs=docs).citations if c.clause is not None)
        state.append(Turn(query, tuple(dict.fromkeys(c for c in cited if c))))
    standalone = standalone_question(question, state, knowledge, docs)
    query, _ = understand_question(knowledge, standalone, docs)
    return query, standalone


def standalone_question(question: str, state: list[Turn], knowledge: Knowledge, docs: tuple[str, ...] | None) -> str:
    """Rewrite a follow-up with the entities of the turns before it."""
    from assistant.chain import understand_question

    text, _ = normalise(question, knowledge.settings.max_question_chars)
    if not state or NEW_SUBJECT.search(text):
        return NEW_SUBJECT.sub("", text).strip(" ，,。") or text
    alone, _ = understand_question(knowledge, text, docs)
    last = state[-1]
    units = next((t.query.units for t in reversed(state) if t.query.units), ())
    if alone.intent == "out_of_scope" and alone.reason.startswith("about "):
        return text  # another place: refused as it stands
    pick = ORDINAL_PICK.search(text)
    if pick and last.cited:
        n = chinese_number(pick.group(1)) if pick.group(1) else ENGLISH_ORDINALS[pick.group(2).lower()]
        if n and n <= len(last.cited):
            return text.replace(pick.group(0), f"第{_numeral(last.cited[n - 1])}条")
    if CLAUSE_DEIXIS.search(text) and last.cited:
        return CLAUSE_DEIXIS.sub(f"第{_numeral(last.cited[0])}条", text, count=1)
    if UNIT_PRONOUN.search(text) and (last.query.units or (units and not last.cited)):
        return UNIT_PRONOUN.sub("和".join(last.query.units or units), text, count=1)
    if UNIT_PRONOUN.search(text) and last.cited:  # "it" after a question about a task: the clause its answer cited
        return UNIT_PRONOUN.sub(f"第{_numeral(last.cited[0])}条", text, count=1)
    if MORE.match(text):
        return last.query.text
    ellipsis = ELLIPSIS.match(text)
    if ellipsis and re.search(r"呢|what about|how about|^(那|and)", text, re.I) and len(ellipsis.group("x")) <= 20:
        return _ask_again(last.query, ellipsis.group("x").strip(" ，,的"), alone)
    if _stands_alone(alone):
        return text
    subject = f"第{_numeral(last.cited[0])}条" if len(last.cited) == 1 and not last.query.units else _subject(last.query)
    return f"{subject}{text}" if subject else text


def _stands_alone(q: Query) -> bool:
    """A question that names its own subject (a department, a clause, a topic) needs no history."""
    return bool(q.mentions or q.clauses or q.intent in ("count", "ranking", "unassigned", "metadata", "overview") or len(q.topic) >= 2)


def _subject(q: Query) -> str:
    """What a turn was about, as words to put in front of a follow-up that names nothing."""
    if q.clauses:
        return f"第{_numeral(q.clauses[0].number)}条"
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
        return last.text.replace(next(m.written for m in last.mentions if m.name), x, 1) if last.mentions else f"{x}负责哪些任务？"
    if alone.mentions:
        return f"{x}负责哪些任务？"
    if alone.clauses and last.clauses:
        return last.text.replace(last.clauses[0].written, x, 1)
    span = _topic_span(last)
    if span and span in last.text:
        return last.text.replace(span, x, 1)
    return f"{x}{last.text}"
