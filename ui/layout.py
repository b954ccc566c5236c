"""The Gradio Blocks: chat, 分工查询 (departments) and documents tabs, and the /ask API endpoint."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from ui import texts
from ui.chat import ChatHandlers
from ui.departments import CLAUSE_HEADERS, Table, clauses_of, export, export_failure, resolve_unit, responsibility_matrix, unit_suggestions
from ui.feedback import FEEDBACK_FILE, FeedbackLog
from ui.files import FileHandlers, files_tab
from ui.ledger import TAB as LEDGER_TAB
from ui.ledger import LedgerHandlers, ledger_tab
from ui.render import esc

if TYPE_CHECKING:
    from assistant.service import LiveAssistant
    from assistant.settings import Settings

log = logging.getLogger(__name__)

EXPORTS = "exports"
COPY_JS = """(text) => {
  if (!text) return;
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text); return; }
  const area = document.createElement("textarea");
  area.value = text; area.style.position = "fixed"; area.style.left = "-9999px";
  document.body.appendChild(area); area.select(); document.execCommand("copy"); area.remove();
}"""


class DepartmentHandlers:
    """The 分工查询 tab: look a department up (in the index loaded now), export its clauses."""

    def __init__(self, live: LiveAssistant, exports: Path) -> None:
        self.live = live
        self.exports = exports

    def _clauses(self) -> tuple[list[Any], Any]:
        knowledge = self.live.current().knowledge
        return [p for p in knowledge.parts if p.kind == "clause"], knowledge.units

    def matrix(self) -> tuple[Table, Path | None, Path | None]:
        """The whole responsibility matrix and its CSV and XLSX files (None when they cannot be written)."""
        parts, table = self._clauses()
        matrix = responsibility_matrix(parts, table)
        try:
            csv_path, xlsx_path = export(matrix, self.exports, texts.MATRIX_STEM)
        except OSError:  # a full disk must not keep the server from starting
            log.exception("could not write the responsibility matrix under %s", self.exports)
            return matrix, None, None
        return matrix, csv_path, xlsx_path

    def lookup(self, query: str) -> tuple[str, Any, Any, Any]:
        """Status line, clause table and the two download buttons for a department query."""
        query = (query or "").strip()
        hidden = gr.update(value=None, visible=False)
        if not query:
            return texts.DEPARTMENT_EMPTY, gr.update(value=None), hidden, hidden
        parts, units = self._clauses()
        unit = resolve_unit(query, parts, units)
        if unit is None:
            message = texts.DEPARTMENT_UNKNOWN.format(query=esc(query))
            suggestions = unit_suggestions(query, parts, units)
            if suggestions:
                message += texts.DEPARTMENT_SUGGEST.format(names=esc("、".join(suggestions)))
            return message, gr.update(value=None), hidden, hidden
        table = clauses_of(unit, parts)
        if not table.rows:
            return texts.DEPARTMENT_NONE.format(unit=esc(unit)), gr.update(value=None), hidden, hidden
        status = texts.DEPARTMENT_FOUND.format(unit=esc(unit), count=len(table.rows))
        try:
            csv_path, xlsx_path = export(table, self.exports, texts.CLAUSES_STEM.format(unit=unit))
        except OSError as exc:
            log.exception("could not write the export for %s under %s", unit, self.exports)
            csv_update = xlsx_update = hidden
            status += texts.EXPORT_FAILED.format(reason=esc(export_failure(exc)))
        else:
            csv_update = gr.update(value=str(csv_path), visible=True)
            xlsx_update = gr.update(value=str(xlsx_path), visible=True)
        return status, gr.update(value=table.as_lists(), headers=list(table.headers)), csv_update, xlsx_update

    def lookup_safely(self, query: str) -> tuple[str, Any, Any, Any]:
        """lookup(), with any internal error shown as a short message and logged in full."""
        try:
            return self.lookup(query)
        except Exception:
            log.exception("department lookup failed for %r", (query or "")[:200])
            hidden = gr.update(value=None, visible=False)
            return texts.ERROR_MESSAGE, gr.update(value=None), hidden, hidden


def _chat_tab(chat: ChatHandlers) -> gr.Dropdown:
    history = gr.State([])
    answers = gr.State({})
    pending = gr.State("")
    rated = gr.State(None)
    chatbot = gr.Chatbot(
        label=texts.CHAT_LABEL,
        show_label=False,
        elem_id="pq-chat",
        height=600,
        buttons=[],
        sanitize_html=True,
        render_markdown=True,
        feedback_options=("Like", "Dislike"),
    )
    with gr.Row():
        question = gr.Textbox(
            label=texts.QUESTION_LABEL,
            placeholder=texts.QUESTION_PLACEHOLDER.format(limit=chat.limit),
            elem_id="pq-question",
            scale=6,
            lines=1,
            max_lines=6,
            autofocus=True,
        )
        send = gr.Button(texts.SEND, variant="primary", elem_id="pq-send", scale=1)
    scope = gr.Dropdown(choices=chat.scope_choices(), value="", label=texts.SCOPE_LABEL, elem_id="pq-scope", interactive=True)
    with gr.Row():
        copy = gr.Button(texts.COPY, elem_id="pq-copy", size="sm")
        clear = gr.Button(texts.CLEAR, elem_id="pq-clear", size="sm")
    copy_text = gr.Textbox(visible="hidden", elem_id="pq-copy-text")
    with gr.Row():
        gr.Examples([[q] for q in texts.EXAMPLE_QUESTIONS_OFFICIALS], inputs=[question], label=texts.EXAMPLES_OFFICIALS)
        gr.Examples([[q] for q in texts.EXAMPLE_QUESTIONS_CITIZENS], inputs=[question], label=texts.EXAMPLES_CITIZENS)
    with gr.Accordion(texts.FEEDBACK_LABEL, open=False, elem_id="pq-feedback"):
        gr.Markdown(texts.FEEDBACK_HINT)
        with gr.Row():
            comment = gr.Textbox(label=texts.COMMENT_LABEL, placeholder=texts.COMMENT_PLACEHOLDER, scale=6, elem_id="pq-comment")
            comment_send = gr.Button(texts.COMMENT_SEND, scale=1, elem_id="pq-comment-send")
    feedback_status = gr.Markdown(elem_id="pq-feedback-status")

    private: dict[str, Any] = {"api_visibility": "private"}
    for trigger in (question.submit, send.click):
        trigger(chat.submit, [question, history], [question, history, pending], queue=False, **private).then(
            chat.respond, [pending, history, answers, scope], [chatbot, history, answers, copy_text], show_progress="hidden", **private
        )
    copy.click(None, [copy_text], None, js=COPY_JS, **private)
    clear.click(chat.clear, None, [chatbot, history, answers, copy_text, rated, feedback_status], queue=False, **private)
    chatbot.clear(chat.clear, None, [chatbot, history, answers, copy_text, rated, feedback_status], queue=False, **private)
    chatbot.like(chat.like, [answers], [feedback_status, rated], **private)
    comment_send.click(chat.comment, [comment, rated, answers], [feedback_status, comment], **private)
    return scope


def _departments_tab(departments: DepartmentHandlers) -> None:
    with gr.Row():
        query = gr.Textbox(label=texts.DEPARTMENT_LABEL, placeholder=texts.DEPARTMENT_PLACEHOLDER, elem_id="pq-dept-query", scale=5)
        search = gr.Button(texts.DEPARTMENT_SEARCH, variant="primary", elem_id="pq-dept-search", scale=1)
    gr.Examples([[d] for d in texts.DEPARTMENT_EXAMPLES], inputs=[query], label=texts.DEPARTMENT_EXAMPLES_LABEL)
    status = gr.HTML(elem_id="pq-dept-status")
    clauses = gr.Dataframe(
        label=texts.CLAUSES_LABEL,
        interactive=False,
        wrap=True,
        elem_id="pq-dept-table",
        headers=list(CLAUSE_HEADERS),
        value=None,
        column_widths=["17%", "11%", "27%", "45%"],
    )
    with gr.Row():
        csv_button = gr.DownloadButton(texts.DOWNLOAD_CSV, visible=False, elem_id="pq-dept-csv", size="sm")
        xlsx_button = gr.DownloadButton(texts.DOWNLOAD_XLSX, visible=False, elem_id="pq-dept-xlsx", size="sm")
    for trigger in (query.submit, search.click):
        trigger(departments.lookup_safely, [query], [status, clauses, csv_button, xlsx_button], api_visibility="private")
    gr.Markdown(texts.MATRIX_HEAD)
    matrix, matrix_csv, matrix_xlsx = departments.matrix()
    with gr.Row():
        gr.DownloadButton(texts.DOWNLOAD_CSV, value=str(matrix_csv) if matrix_csv else None, visible=matrix_csv is not None, elem_id="pq-matrix-csv", size="sm")
        gr.DownloadButton(texts.DOWNLOAD_XLSX, value=str(matrix_xlsx) if matrix_xlsx else None, visible=matrix_xlsx is not None, elem_id="pq-matrix-xlsx", size="sm")
    gr.Dataframe(
        value=matrix.as_lists(),
        headers=list(matrix.headers),
        label=texts.MATRIX_LABEL,
        interactive=False,
        elem_id="pq-matrix",
        pinned_columns=1,
        max_height=600,
    )


def build_app(live: LiveAssistant, settings: Settings) -> gr.Blocks:
    """The whole UI over the live assistant. Nothing is launched here.

    Questions, department lookups and ledgers read the index loaded at the time of each event; the
    outline, document list, matrix and selectors show the index the server started with.
    """
    exports = settings.data_dir / EXPORTS
    chat = ChatHandlers(live, FeedbackLog(settings.data_dir / FEEDBACK_FILE))
    departments = DepartmentHandlers(live, exports)
    # Downloads are copied into Gradio's cache; drop copies older than a day, checking daily.
    with gr.Blocks(title=texts.TITLE, analytics_enabled=False, delete_cache=(86400, 86400)) as app:
        gr.Markdown(texts.INTRO)
        with gr.Tabs():
            with gr.Tab(texts.CHAT_TAB, id="chat", elem_id="pq-tab-chat"):
                scope = _chat_tab(chat)
            with gr.Tab(texts.DEPARTMENTS_TAB, id="departments", elem_id="pq-tab-departments"):
                _departments_tab(departments)
            with gr.Tab(LEDGER_TAB, id="ledger", elem_id="pq-tab-ledger"):
                ledger_tab(LedgerHandlers(lambda: live.current().knowledge, exports))
            with gr.Tab(texts.DOCUMENTS_TAB, id="documents", elem_id="pq-tab-documents"):
                files_tab(FileHandlers(live, settings, chat.scope_choices), app, scope)
        gr.api(chat.ask_json, api_name="ask", api_description="Answer one question; returns the `planqa ask --json` object.")
    return app
