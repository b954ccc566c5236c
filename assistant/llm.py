"""LLM answer mode: an OpenAI-compatible chat model rewrites the extractive answer from numbered
evidence blocks, and what it writes is checked before anyone sees it.

Checks, in order: [n] markers that point at no block are dropped; sentences that no marker covers
are dropped; a sentence whose quotation (「…」 or “…”) is not verbatim in a block it cites is
dropped; the fixed refusal phrase makes a refusal; an answer left with no citation falls back to
the extractive answer. For structured routes (who is responsible, what a unit does, parent
clauses) the exact lists from the parsed records stay: the model only writes a lead before them.
A failing, slow or unreachable endpoint gives the extractive answer with a one-line notice.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from assistant import prompts
from assistant.records import Answer, Citation
from index.errors import SettingsError

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge
    from assistant.settings import Settings

log = logging.getLogger(__name__)

STRUCTURED_ROUTES = ("responsibility", "by_unit", "lineage", "count", "ranking", "unassigned", "topic", "metadata")
MAX_BLOCKS = 8
ANY_MARKER = re.compile(r"[\[【［]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】］]")
MARKER = re.compile(r"\[(\d+)\]")
MARKER_RUN = re.compile(r"(?:[ \t]*\[\d+\])+")
QUOTATION = re.compile(r"「([^「」]+)」|“([^“”]+)”")
THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)  # reasoning models (qwen3, deepseek-r1) think aloud first
DATA_TAGS = re.compile(r"</?\s*(?:文件|问题)\s*>")
TERMINATORS = "。！？!?；;"
OPENING, CLOSING = "「“", "」”"
TRAILING_PUNCTUATION = "。；，、,.;：:！？!?"


def make_chat_model(settings: Settings) -> Any:
    """A LangChain ChatOpenAI for the configured endpoint: no retries, the configured timeout."""
    if not settings.llm_model:
        raise SettingsError("PLANQA_LLM_BASE_URL is set but PLANQA_LLM_MODEL is not: name the chat model, e.g. PLANQA_LLM_MODEL=qwen2.5:7b")
    from langchain_openai import ChatOpenAI

    # Local servers accept any key; the client refuses to start without one.
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or SecretStr("not-needed"),
        timeout=settings.llm_timeout,
        max_retries=0,
        temperature=0,
    )


def evidence_blocks(knowledge: Knowledge, answer: Answer) -> list[Citation]:
    """What the model may cite: the extractive answer's clauses, then the other retrieved parts."""
    from assistant.cite import citation

    blocks = {(c.doc, c.path): c for c in answer.citations}
    if answer.route not in STRUCTURED_ROUTES:
        for hit in answer.hits:
            blocks.setdefault((hit.part.doc, hit.part.path), citation(knowledge, hit.part))
    return list(blocks.values())[:MAX_BLOCKS]


def _data(text: str) -> str:
    """Text placed inside a data tag, unable to close it."""
    return DATA_TAGS.sub("", text)


def build_messages(question: str, blocks: list[Citation], listing: str = "") -> list[Any]:
    """System rules, then the numbered evidence blocks and the question, both tagged as data."""
    from langchain_core.messages import HumanMessage, SystemMessage

    rendered = "\n\n".join(
        prompts.LLM_BLOCK.format(n=i, doc=c.doc, path=c.path, title=_data(c.title), text=_data(c.text)) for i, c in enumerate(blocks, 1)
    )
    note = prompts.LLM_STRUCTURED_NOTE.format(listing=_data(listing)) if listing else ""
    return [SystemMessage(prompts.LLM_SYSTEM), HumanMessage(prompts.LLM_USER.format(blocks=rendered, question=_data(question), note=note))]


@dataclass(frozen=True)
class Checked:
    """A generation after the checks: kept text with markers renumbered 1..m in citation order."""

    text: str
    cited: tuple[int, ...]  # block indices (0-based), in the order of the new numbers
    quotes: dict[int, tuple[str, ...]]  # block index → quotations verified in it
    refused: bool


def _clean_markers(text: str, count: int) -> str:
    """Every marker as [n] for blocks that exist; markers pointing at no block are removed."""

    def keep(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"\s*[,，、]\s*", match.group(1))]
        return "".join(f"[{n}]" for n in dict.fromkeys(numbers) if 1 <= n <= count)

    return ANY_MARKER.sub(keep, text)


def split_sentences(line: str) -> list[str]:
    """Sentences of one line, each with the markers right after it; never split inside a quotation."""
    out: list[str] = []
    start = depth = i = 0
    while i < len(line):
        ch = line[i]
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(0, depth - 1)
        elif ch in TERMINATORS and depth == 0:
            j = i + 1
            while j < len(line) and line[j] in TERMINATORS:
                j += 1
            run = MARKER_RUN.match(line, j)
            j = run.end() if run else j
            out.append(line[start:j])
            start = i = j
            continue
        i += 1
    out.append(line[start:])
    return [s for s in out if s.strip()]


def _verified(sentence: str, cited: list[int], blocks: list[Citation]) -> tuple[str, list[tuple[int, str]]] | None:
    """The sentence with its quotations checked against the cited blocks, or None if one is not verbatim.

    A quotation that differs from the block only by trailing punctuation is trimmed to the verbatim part.
    """
    found: list[tuple[int, str]] = []
    for match in QUOTATION.finditer(sentence):
        quoted = match.group(1) or match.group(2)
        candidates = (quoted, quoted.rstrip(TRAILING_PUNCTUATION))
        hit = next(((b, q) for q in candidates if q for b in cited if q in blocks[b].text), None)
        if hit is None:
            log.info("dropped an LLM sentence whose quotation is not in its cited block: %s", quoted[:60])
            return None
        if hit[1] != quoted:
            sentence = sentence.replace(match.group(0), match.group(0)[0] + hit[1] + match.group(0)[-1], 1)
        found.append(hit)
    return sentence, found


def check_generation(raw: str, blocks: list[Citation]) -> Checked:
    """Apply every check to a model's text (see the module docstring)."""
    text = _clean_markers(THINKING.sub("", raw).strip(), len(blocks))
    kept_lines: list[str] = []
    quotes: dict[int, list[str]] = {}
    for line in text.split("\n"):
        kept: list[str] = []
        pending: list[str] = []
        for sentence in split_sentences(line.strip()):
            pending.append(sentence)
            cited = [int(n) - 1 for n in MARKER.findall(sentence)]
            if not cited:
                continue  # covered by the next marker in this line, or dropped
            group, pending = pending, []
            checked = [_verified(s, cited, blocks) for s in group]
            if checked[-1] is None:
                continue  # the sentence carrying the markers fails: the whole claim goes
            for result in checked:
                if result is not None:
                    kept.append(result[0])
                    for block, q in result[1]:
                        quotes.setdefault(block, []).append(q)
        if kept:
            kept_lines.append("".join(kept).strip())
    body = "\n".join(kept_lines)
    order = list(dict.fromkeys(int(n) - 1 for n in MARKER.findall(body)))
    new_number = {block: i for i, block in enumerate(order, 1)}
    body = MARKER.sub(lambda m: f"[{new_number[int(m.group(1)) - 1]}]", body)
    body = re.sub(r"(\[\d+\])\1+", r"\1", body)
    bare = re.sub(r"\s|\[\d+\]", "", MARKER.sub("", text)).rstrip("。.")
    phrase = prompts.LLM_REFUSAL.rstrip("。")
    refused = phrase in bare and (not order or bare == phrase)
    return Checked(body, tuple(order), {b: tuple(dict.fromkeys(q)) for b, q in quotes.items() if b in new_number}, refused)


def finish(answer: Answer, blocks: list[Citation], raw: str) -> Answer:
    """The answer the user gets from a model's complete text (the extractive one when it fails the checks)."""
    if not THINKING.sub("", raw).strip():
        return dataclasses.replace(answer, notice=prompts.LLM_EMPTY)
    checked = check_generation(raw, blocks)
    structured = answer.route in STRUCTURED_ROUTES
    if checked.refused and not structured:
        return Answer(answer.question, prompts.REFUSAL, (), True, "out_of_scope", mode="llm", hits=answer.hits)
    if checked.refused or not checked.cited:
        # The parsed records answer structured questions whatever the model says.
        return answer if structured and checked.refused else dataclasses.replace(answer, notice=prompts.LLM_UNVERIFIED)
    citations = [dataclasses.replace(blocks[b], quotes=checked.quotes.get(b, ())) for b in checked.cited]
    text = checked.text
    if structured:
        text = f"{checked.text}\n{answer.text}"
        extractive = {(c.doc, c.path): c for c in answer.citations}
        citations = [
            dataclasses.replace(c, quotes=tuple(dict.fromkeys(extractive[(c.doc, c.path)].quotes + c.quotes)))
            if (c.doc, c.path) in extractive
            else c
            for c in citations
        ]
        cited = {(c.doc, c.path) for c in citations}
        citations += [c for c in answer.citations if (c.doc, c.path) not in cited]
    return dataclasses.replace(answer, text=text, citations=tuple(citations), mode="llm", notice="")


def partial_text(raw: str, blocks: list[Citation]) -> str:
    """What may be shown while the model is still writing: the checked text of its finished sentences."""
    last = max(raw.rfind(ch) for ch in TERMINATORS + "\n")
    return check_generation(raw[: last + 1], blocks).text if last >= 0 else ""


def _content(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content or [])


def _unavailable(answer: Answer, exc: BaseException) -> Answer:
    # The exception's class and message only: the key is never part of either.
    log.warning("LLM endpoint failed (%s: %s); showing the extractive answer", type(exc).__name__, str(exc)[:200])
    return dataclasses.replace(answer, notice=prompts.LLM_UNAVAILABLE)


def _prepare(knowledge: Knowledge, answer: Answer, chat: Any = None) -> tuple[Any, list[Citation], list[Any]]:
    blocks = evidence_blocks(knowledge, answer)
    listing = answer.text if answer.route in STRUCTURED_ROUTES else ""
    chat = chat if chat is not None else make_chat_model(knowledge.settings)
    return chat, blocks, build_messages(answer.question, blocks, listing)


def generate(knowledge: Knowledge, answer: Answer, chat: Any = None) -> Answer:
    """The LLM-mode answer for a non-refused extractive answer. Never raises."""
    if answer.refused or not answer.citations:
        return answer
    try:
        chat, blocks, messages = _prepare(knowledge, answer, chat)
        raw = _content(chat.invoke(messages))
    except Exception as exc:
        return _unavailable(answer, exc)
    return finish(answer, blocks, raw)


def stream_answer(knowledge: Knowledge, answer: Answer, chat: Any = None) -> Iterator[str | Answer]:
    """Checked partial texts while the model writes, then the final Answer. Never raises."""
    if answer.refused or not answer.citations:
        yield answer
        return
    raw, shown = "", ""
    try:
        chat, blocks, messages = _prepare(knowledge, answer, chat)
        for chunk in chat.stream(messages):
            raw += _content(chunk)
            partial = partial_text(raw, blocks)
            if partial and partial != shown:
                shown = partial
                yield partial
    except Exception as exc:
        yield _unavailable(answer, exc)
        return
    yield finish(answer, blocks, raw)


def answer_with_llm(knowledge: Knowledge, answer: Answer, on_text: Callable[[str], None] | None = None, chat: Any = None) -> Answer:
    """The chain's hook: ``generate``, or ``stream_answer`` feeding partial texts to ``on_text``."""
    if on_text is None:
        return generate(knowledge, answer, chat)
    final = answer
    for item in stream_answer(knowledge, answer, chat):
        if isinstance(item, Answer):
            final = item
        else:
            on_text(item)
    return final
