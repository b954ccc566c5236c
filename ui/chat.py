"""The chat's event handlers: take a question, stream the answer, record feedback.

History is kept in a gr.State of message dicts the UI renders itself (the chatbot only displays
it), and answers by their message index so that 👍/👎 on a message finds its question.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from html import unescape
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant import prompts
from assistant.records import Answer
from ui import texts
from ui.feedback import Feedback, FeedbackLog, rating_of
from ui.render import answer_html, plain_text, question_html, split_notice, status_html, stream_points, text_block

if TYPE_CHECKING:
    from assistant.service import LiveAssistant

log = logging.getLogger(__name__)

Message = dict[str, str]
STREAM_DELAY_S = 0.02


def answer_record(answer: Answer) -> dict[str, Any]:
    """What feedback keeps of an answer: the `planqa ask --json` object with the citations' labels."""
    record = answer.to_json()
    record["citations"] = [{**c.to_json(), "doc_title": c.doc_title} for c in answer.citations]
    return record


class ChatHandlers:
    """Handlers bound to the live assistant and one feedback log; shared by every browser session.

    Each event reads ``live.current()`` once, so an answer comes from one index even while a new one is
    swapped in.
    """

    def __init__(self, live: LiveAssistant, feedback: FeedbackLog, stream_delay_s: float = STREAM_DELAY_S) -> None:
        self.live = live
        self.feedback = feedback
        self.stream_delay_s = stream_delay_s
        self.limit = live.settings.max_question_chars
        self.notice = prompts.TRUNCATED.format(limit=self.limit)

    def submit(self, question: str, history: list[Message]) -> tuple[Any, Any, str]:
        """Put the question in the chat and clear the box; blank input changes nothing."""
        question = (question or "").strip()
        if not question:
            return gr.skip(), gr.skip(), ""
        shown = question if len(question) <= self.limit else question[: self.limit] + texts.QUESTION_CUT
        history = [*history, {"role": "user", "content": question_html(shown)}]
        return "", history, question

    def scope_choices(self) -> list[tuple[str, str]]:
        """The scope selector's entries: every document, then each listed document (missing ones marked)."""
        knowledge = self.live.current().knowledge
        indexed = set(getattr(knowledge, "indexed_docs", ()))
        choices = [(texts.SCOPE_ALL, "")]
        for number, meta in knowledge.documents.items():
            missing = "" if number in indexed else texts.SCOPE_MISSING
            choices.append((f"{meta.short_title}（{number}）{missing}", number))
        return choices

    def respond(self, question: str, history: list[Message], answers: dict[int, Any], scope: str = "") -> Iterator[tuple[Any, ...]]:
        """Stream the answer to the pending question (only from the chosen document, when one is) into the chat, then its source cards."""
        if not question:
            return
        index = len(history)
        asked = [*history]

        def with_reply(content: str) -> list[Message]:
            return [*asked, {"role": "assistant", "content": content}]

        shown = with_reply(status_html(texts.THINKING))
        yield shown, shown, answers, gr.skip()
        try:
            assistant = self.live.current()
            titles = {number: meta.title for number, meta in assistant.knowledge.documents.items()}
            answer: Answer | None = None
            for item in assistant.ask_stream(question, docs=(scope,) if scope else None, history=conversation(history[:-1])):
                if isinstance(item, Answer):
                    answer = item
                elif assistant.settings.llm_base_url:
                    # LLM mode: the model's text as it arrives, each piece already checked.
                    shown = with_reply(f'<div class="pq-answer">{text_block(item)}</div>')
                    yield shown, shown, answers, gr.skip()
            if answer is None:
                raise RuntimeError("the assistant returned no answer")
            _, body = split_notice(answer.text, self.notice)
            partial = [answer_html(answer, shown=point, notice=self.notice) for point in stream_points(body)[:-1]]
            final = answer_html(answer, notice=self.notice, titles=titles)
            record, copy_text = answer_record(answer), plain_text(answer)
        except Exception:
            log.exception("answering failed for question %r", question[:200])
            shown = with_reply(status_html(texts.ERROR_MESSAGE, "error"))
            yield shown, shown, answers, gr.skip()
            return
        for html in partial:
            shown = with_reply(html)
            yield shown, shown, answers, gr.skip()
            time.sleep(self.stream_delay_s)
        shown = with_reply(final)
        yield shown, shown, {**answers, index: record}, copy_text

    def like(self, answers: dict[int, Any], data: gr.LikeData) -> tuple[str, Any]:
        """Record 👍/👎 on one answer; remember it so that a comment can follow."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        record = answers.get(index)
        if record is None:
            return texts.FEEDBACK_NOTHING, None
        rating = rating_of(data.liked)
        if rating is None:
            return texts.FEEDBACK_RETRACTED, None
        self._write(record, rating, "")
        return texts.FEEDBACK_THANKS, {"index": index, "rating": rating}

    def comment(self, comment: str, rated: dict[str, Any] | None, answers: dict[int, Any]) -> tuple[str, Any]:
        """Record a comment on the answer last rated (or else the latest answer)."""
        comment = (comment or "").strip()
        if not comment:
            return texts.FEEDBACK_EMPTY_COMMENT, gr.skip()
        if not answers:
            return texts.FEEDBACK_NOTHING, gr.skip()
        index = rated["index"] if rated and rated.get("index") in answers else max(answers)
        rating = rated["rating"] if rated and rated.get("index") == index else None
        self._write(answers[index], rating, comment[:2000])
        return texts.FEEDBACK_COMMENT_THANKS, ""

    def _write(self, record: dict[str, Any], rating: Any, comment: str) -> None:
        try:
            self.feedback.append(Feedback(record["question"], record["answer"], tuple(record["citations"]), rating, comment))
        except OSError:
            log.exception("could not write feedback to %s", self.feedback.path)
            raise gr.Error(texts.FEEDBACK_FAILED, print_exception=False) from None

    def ask_json(self, question: str) -> dict[str, Any]:
        """The /ask API: the same object as `planqa ask --json`."""
        try:
            return self.live.current().ask(question or "").to_json()
        except Exception:
            log.exception("API answering failed for question %r", (question or "")[:200])
            raise gr.Error(texts.ERROR_MESSAGE, print_exception=False) from None

    @staticmethod
    def clear() -> tuple[list[Message], list[Message], dict[int, Any], str, None, str]:
        """Empty chat, answers, copy text, rating and feedback status."""
        return [], [], {}, "", None, ""


def conversation(history: list[Message]) -> list[dict[str, str]]:
    """The chat so far as plain-text messages, for resolving a follow-up (the chat holds HTML)."""
    out = []
    for message in history:
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", "")
        content = message.get("content") if isinstance(message, dict) else getattr(message, "content", "")
        if role in ("user", "assistant") and isinstance(content, str):
            out.append({"role": role, "content": unescape(re.sub(r"<[^>]+>", " ", content))})
    return out
