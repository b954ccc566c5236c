"""Messages that tell a story: a long message is split into the situation (statements about the asker)
and the question (the clauses that ask); the question decides the plan, the situation only adds facts
about the asker. A message that asks nothing is a statement: it is acknowledged, not answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.reading.grammar import Sentence

CLAUSES = re.compile(r"[^，,。！!？?；;\n]+[，,。！!？?；;\n]?")
ASKS = re.compile(r"[？?]")


@dataclass(frozen=True)
class Story:
    """A message as its situation (what the asker says of themselves) and its question ('' when none)."""

    situation: str
    question: str

    @property
    def statement(self) -> bool:
        """A message that asks nothing (我是外地来的)."""
        return not self.question


def asks(clause: str) -> bool:
    """Whether a clause asks something: a question mark, a question word, the yes/no form or a request."""
    s = Sentence.of(clause)
    return bool(
        ASKS.search(clause)
        or s.has("ask", "who")
        or s.has("ask", "which", prefix=True)
        or s.has("ask", "count", prefix=True)
        or s.polar()
        or s.has("ask", "request")
    )


def split_story(text: str) -> Story:
    """The situation (the clauses before the first that asks, when they speak of the asker) and the question."""
    clauses = [c for c in (m.group(0) for m in CLAUSES.finditer(text)) if c.strip(" ，,。！!？?；;\n")]
    if not clauses:
        return Story("", text)
    first = next((i for i, c in enumerate(clauses) if asks(c)), None)
    if first is None:
        personal = Sentence.of(text).has("persona", "first_person")
        return Story(text, "") if personal else Story("", text)
    situation = "".join(clauses[:first]).strip()
    if situation and not Sentence.of(situation).has("persona", "first_person"):
        return Story("", text)  # context that is not about the asker belongs to the question
    return Story(situation, "".join(clauses[first:]).strip())
