"""ui/chat.py and ui/feedback.py with a stand-in assistant: streaming, blank and long input, errors, feedback."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest

from assistant import prompts
from assistant.records import Answer, Citation
from assistant.service import LiveAssistant
from assistant.settings import Settings
from index.errors import SettingsError
from ui import texts
from ui.app import parse_auth
from ui.chat import ChatHandlers
from ui.feedback import FeedbackLog, rating_of

# Test fixture: a fixed answer citing clause 三（七）.
CITATION = Citation(
    "格政办发〔2025〕25号",
    7,
    "三（七）",
    "保障随迁子女在流入地受教育权利",
    ("确保随迁子女就读。",),
    ("市教育局",),
    "分工方案",
    "三、",
    "（七）确保随迁子女就读。",
)
ANSWER = Answer("谁负责随迁子女教育？", "责任单位是：市教育局。\n原文：「确保随迁子女就读。」", (CITATION,), False, "responsibility", 12.0)


class StubAssistant:
    """Stands in for assistant.service.Assistant: answers every question with ANSWER, or raises."""

    def __init__(self, fail: bool = False, limit: int = 500, llm: bool = False, pieces: tuple[str, ...] = ()) -> None:
        self.settings = Settings(max_question_chars=limit, llm_base_url="http://127.0.0.1:9/v1" if llm else None, llm_model="m" if llm else None)
        self.pieces = pieces
        self.scopes: list = []
        self.knowledge = SimpleNamespace(documents={})
        self.fail = fail
        self.asked: list[str] = []

    def ask(self, question: str) -> Answer:
        self.asked.append(question)
        if self.fail:
            raise RuntimeError("index exploded at /secret/path")
        if len(question) > self.settings.max_question_chars:
            notice = prompts.TRUNCATED.format(limit=self.settings.max_question_chars)
            return Answer(question[: self.settings.max_question_chars], notice + "\n" + ANSWER.text, ANSWER.citations, False, "fact")
        return ANSWER

    def ask_stream(self, question: str, docs=None, history=None):  # mirrors Assistant.ask_stream: texts, then the Answer
        self.scopes.append(docs)
        answer = self.ask(question)
        yield from self.pieces or [answer.text]
        yield answer


def handlers(tmp_path: Path, **kwargs: Any) -> ChatHandlers:
    return ChatHandlers(LiveAssistant.of(StubAssistant(**kwargs)), FeedbackLog(tmp_path / "feedback.jsonl"), stream_delay_s=0)  # type: ignore[arg-type]


def run(chat: ChatHandlers, question: str) -> tuple[list[dict[str, str]], dict[int, Any], list[tuple[Any, ...]]]:
    """Submit a question and drain the answer stream; returns history, answers and every update."""
    _, history, pending = chat.submit(question, [])
    updates = list(chat.respond(pending, history, {}))
    _, history, answers, _ = updates[-1]
    return history, answers, updates


def test_blank_input_is_ignored(tmp_path: Path) -> None:
    chat = handlers(tmp_path)
    box, history, pending = chat.submit("   \n ", [])
    assert (box, history, pending) == (gr.skip(), gr.skip(), "")
    assert list(chat.respond(pending, [], {})) == []
    assert chat.live.current().asked == []


def test_answer_streams_in_then_ends_with_source_cards(tmp_path: Path) -> None:
    history, answers, updates = run(handlers(tmp_path), "谁负责随迁子女教育？")
    contents = [u[0][-1]["content"] for u in updates]
    assert texts.THINKING in contents[0]
    assert len(contents) >= 3 and "pq-cursor" in contents[1]
    assert "pq-source" in contents[-1] and "pq-cursor" not in contents[-1]
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert answers[1]["question"] == "谁负责随迁子女教育？"
    assert updates[-1][3].startswith(ANSWER.text)


def test_long_question_is_cut_with_the_assistants_notice(tmp_path: Path) -> None:
    chat = handlers(tmp_path, limit=20)
    history, _, _ = run(chat, "随" * 30)
    assert history[0]["content"].count("随") == 20 and texts.QUESTION_CUT in history[0]["content"]
    assert f'<div class="pq-notice">{prompts.TRUNCATED.format(limit=20)}</div>' in history[1]["content"]


def test_question_markup_is_escaped_in_the_chat(tmp_path: Path) -> None:
    history, _, _ = run(handlers(tmp_path), "<img src=x onerror=alert(1)>")
    assert "<img" not in history[0]["content"]


def test_internal_error_is_a_short_message_and_the_details_go_to_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="ui.chat"):
        history, answers, _ = run(handlers(tmp_path, fail=True), "谁负责随迁子女教育？")
    shown = history[-1]["content"]
    assert texts.ERROR_MESSAGE in shown
    assert "Traceback" not in shown and "/secret/path" not in shown and "RuntimeError" not in shown
    assert answers == {}
    assert "index exploded" in caplog.text


def test_like_and_comment_append_feedback_without_anything_about_the_user(tmp_path: Path) -> None:
    chat = handlers(tmp_path)
    _, answers, _ = run(chat, "谁负责随迁子女教育？")
    status, rated = chat.like(answers, gr.LikeData(None, {"index": 1, "value": "…", "liked": False}))
    assert status == texts.FEEDBACK_THANKS and rated == {"index": 1, "rating": "down"}
    status, box = chat.comment("引用的条款不对", rated, answers)
    assert status == texts.FEEDBACK_COMMENT_THANKS and box == ""
    lines = [json.loads(line) for line in (tmp_path / "feedback.jsonl").read_text("utf-8").splitlines()]
    assert [(r["rating"], r["comment"]) for r in lines] == [("down", ""), ("down", "引用的条款不对")]
    assert set(lines[0]) == {"question", "answer", "citations", "rating", "comment", "timestamp"}
    assert lines[0]["question"] == "谁负责随迁子女教育？" and lines[0]["answer"] == ANSWER.text
    assert lines[0]["citations"][0]["path"] == "三（七）"


def test_comment_without_an_answer_or_text_writes_nothing(tmp_path: Path) -> None:
    chat = handlers(tmp_path)
    assert chat.comment("有意见", None, {})[0] == texts.FEEDBACK_NOTHING
    assert chat.comment("  ", None, {1: {}})[0] == texts.FEEDBACK_EMPTY_COMMENT
    assert not (tmp_path / "feedback.jsonl").exists()


@pytest.mark.parametrize(
    ("liked", "rating"), [(True, "up"), (False, "down"), ("Like", "up"), ("Dislike", "down"), (None, None), ("", None)]
)
def test_rating_of_reads_gradios_like_values(liked: Any, rating: str | None) -> None:
    assert rating_of(liked) == rating


def test_api_returns_the_ask_json_object_and_hides_errors(tmp_path: Path) -> None:
    assert handlers(tmp_path).ask_json("谁负责随迁子女教育？") == ANSWER.to_json()
    with pytest.raises(gr.Error) as error:
        handlers(tmp_path, fail=True).ask_json("谁负责随迁子女教育？")
    assert "secret" not in str(error.value)


def test_auth_setting_is_user_colon_password() -> None:
    assert parse_auth(None) is None
    assert parse_auth("admin:s3:cret") == ("admin", "s3:cret")
    for bad in ("admin", ":pw", "admin:"):
        with pytest.raises(SettingsError):
            parse_auth(bad)


def test_llm_mode_streams_the_models_checked_text_as_it_arrives(tmp_path: Path) -> None:
    chat = handlers(tmp_path, llm=True, pieces=("责任单位是", "责任单位是：市教育局。<b>x</b>"))
    history, answers, updates = run(chat, "谁负责随迁子女教育？")
    streamed = [u[1][-1]["content"] for u in updates[1:-1]]
    assert any("责任单位是" in html and "市教育局" not in html for html in streamed)
    assert any("&lt;b&gt;" in html for html in streamed)  # escaped, never raw HTML
    assert "市教育局" in history[-1]["content"] and answers


def test_scope_selector_restricts_the_question_to_one_document(tmp_path: Path) -> None:
    chat = handlers(tmp_path)
    _, history, pending = chat.submit("谁负责随迁子女教育？", [])
    list(chat.respond(pending, history, {}, "国发〔2024〕17号"))
    list(chat.respond(pending, history, {}, ""))
    assert chat.live.current().scopes == [("国发〔2024〕17号",), None]


@pytest.mark.slow
def test_scope_choices_and_a_missing_parent_with_the_real_assistant(tmp_path: Path, assistant: Any) -> None:
    chat = ChatHandlers(LiveAssistant.of(assistant), FeedbackLog(tmp_path / "feedback.jsonl"), stream_delay_s=0)
    choices = dict((value, label) for label, value in chat.scope_choices())
    assert choices[""] == texts.SCOPE_ALL
    assert texts.SCOPE_MISSING in choices["国发〔2024〕17号"] and texts.SCOPE_MISSING not in choices["格政办发〔2025〕25号"]
    _, history, pending = chat.submit("随迁子女教育有什么要求？", [])
    final = list(chat.respond(pending, history, {}, "国发〔2024〕17号"))[-1][1][-1]["content"]
    assert "planqa corpus add" in final
