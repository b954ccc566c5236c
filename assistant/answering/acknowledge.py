"""A message that asks nothing (我是外地来的): a short acknowledgement and the plan's tasks for that
situation, found by the same search as any question, offered as questions to ask next."""

from __future__ import annotations

from assistant import prompts
from assistant.cite import citation
from assistant.knowledge import Knowledge
from assistant.records import Answer
from assistant.retrieve import search
from assistant.route import expand_query
from assistant.scope import primary_documents

SUGGESTED = 3  # tasks offered for a situation


def acknowledge(knowledge: Knowledge, text: str, language: str, docs: tuple[str, ...] = ()) -> Answer:
    """The acknowledgement of a statement, with the tasks that bear on it as suggested questions."""
    scope = docs or primary_documents(knowledge.documents, knowledge.indexed_docs)
    hits = [h for h in search(knowledge, expand_query(text), 2 * SUGGESTED, docs=scope or None) if h.part.kind == "clause"][:SUGGESTED]
    english = language == "en"
    if not hits:
        return Answer(text, prompts.ACKNOWLEDGE_NONE, (), False, "acknowledge")
    parts = [h.part for h in hits]
    template = prompts.SUGGEST_QUESTION_EN if english else prompts.SUGGEST_QUESTION
    suggestions = tuple(template.format(title=p.title) for p in parts)
    lines = [prompts.ACKNOWLEDGE_EN if english else prompts.ACKNOWLEDGE]
    lines += [prompts.ACKNOWLEDGE_ITEM.format(path=p.path, title=p.title) for p in parts]
    lines.append((prompts.ACKNOWLEDGE_ASK_EN if english else prompts.ACKNOWLEDGE_ASK).format(questions=" / ".join(suggestions)))
    return Answer(
        text, "\n".join(lines), tuple(citation(knowledge, p) for p in parts), False, "acknowledge", lead=lines[0], suggestions=suggestions
    )
