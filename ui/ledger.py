"""The 台账 tab: pick a department and/or a document, preview its task ledger, download XLSX / DOCX / CSV."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.export_ledger import HEADERS, Format, render, table_rows, title_for
from assistant.ledger import rows_for
from index.errors import PlanqaError
from ui.departments import export_failure, named_units, safe_filename
from ui.render import esc

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge

log = logging.getLogger(__name__)

# The tab's labels and messages (HTML; what is put into them is escaped first).
TAB = "台账"
HEAD = "#### 任务台账\n按部门或文件列出每项任务的量化指标、时间节点和重点项目，均摘自条款原文；可下载 Excel、Word 或 CSV 台账，“进展情况”一栏留给填报。"
UNIT_LABEL = "责任单位"
UNIT_ALL = "全部部门"
DOC_LABEL = "文件"
DOC_ALL = "全部文件"
BUILD = "生成台账"
TABLE_LABEL = "台账预览"
FOUND = "<b>{scope}</b>：{rows} 项任务，{targets} 项量化指标，{deadlines} 个时间节点，{projects} 个重点项目。"
NONE = "<b>{scope}</b>：没有任务。"
ERROR = "生成台账时出错：{message}"
DOWNLOAD_XLSX = "下载 Excel"
DOWNLOAD_DOCX = "下载 Word"
DOWNLOAD_CSV = "下载 CSV"
STEM = "台账-{scope}"
PREVIEW_BREAK = "；"
PREVIEW_COLUMNS = 8  # 序号 … 重点项目; 进展情况 and 备注 are empty until filled in
FILES: tuple[tuple[Format, bool], ...] = (("xlsx", False), ("docx", False), ("csv", True))  # format, CSV byte-order mark for Excel


class LedgerHandlers:
    """Builds the ledger for the chosen department and document, and writes its files.

    ``knowledge`` returns the index loaded now; each event reads it once.
    """

    def __init__(self, knowledge: Callable[[], Knowledge], exports: Path) -> None:
        self.current = knowledge
        self.exports = exports

    @property
    def knowledge(self) -> Knowledge:
        return self.current()

    def unit_choices(self) -> list[tuple[str, str]]:
        """Every department named on some clause, after 全部部门."""
        clauses = [p for p in self.knowledge.parts if p.kind == "clause"]
        return [(UNIT_ALL, "")] + [(u, u) for u in named_units(clauses, self.knowledge.units)]

    def doc_choices(self) -> list[tuple[str, str]]:
        """Every indexed document by 文号 and short title, after 全部文件."""
        choices = [(DOC_ALL, "")]
        for number in dict.fromkeys(p.doc for p in self.knowledge.parts):
            meta = self.knowledge.documents.get(number)
            choices.append((f"{number} {meta.short_title}" if meta else number, number))
        return choices

    def build(self, unit: str | None, doc: str | None) -> tuple[str, Any, Any, Any, Any]:
        """Status line, preview table and the three download buttons for a department and/or document."""
        hidden = gr.update(value=None, visible=False)
        knowledge = self.knowledge
        try:
            canonical, rows = rows_for(knowledge, unit or None, doc or None)
        except PlanqaError as exc:
            return ERROR.format(message=esc(str(exc))), gr.update(value=None), hidden, hidden, hidden
        scope = "·".join(x for x in (doc, canonical) if x) or DOC_ALL
        if not rows:
            return NONE.format(scope=esc(scope)), gr.update(value=None), hidden, hidden, hidden
        stem = safe_filename(STEM.format(scope=scope))
        title = title_for(knowledge, canonical, doc or None)
        buttons = []
        try:
            for fmt, bom in FILES:
                path = _write(self.exports / f"{stem}.{fmt}", render(rows, fmt, title, canonical, bom))
                buttons.append(gr.update(value=str(path), visible=True))
        except OSError as exc:
            log.exception("could not write the ledger files under %s", self.exports)
            return ERROR.format(message=esc(export_failure(exc))), gr.update(value=None), hidden, hidden, hidden
        # The preview table shows no line breaks; items are separated as a sentence would list them.
        preview = [[cell.replace("\n", PREVIEW_BREAK) for cell in r[:PREVIEW_COLUMNS]] for r in table_rows(rows, canonical)]
        status = FOUND.format(
            scope=esc(scope),
            rows=len(rows),
            targets=sum(len(r.ledger.targets) for r in rows),
            deadlines=sum(len(r.ledger.deadlines) for r in rows),
            projects=sum(len(r.ledger.projects) for r in rows),
        )
        return status, gr.update(value=preview, headers=list(HEADERS[:PREVIEW_COLUMNS])), *buttons

    def build_safely(self, unit: str | None, doc: str | None) -> tuple[str, Any, Any, Any, Any]:
        """build(), with an internal error shown as a short message and logged in full."""
        try:
            return self.build(unit, doc)
        except Exception:
            log.exception("ledger failed for unit=%r doc=%r", unit, doc)
            hidden = gr.update(value=None, visible=False)
            return ERROR.format(message="内部错误，已记录在服务器日志中"), gr.update(value=None), hidden, hidden, hidden


def _write(path: Path, data: bytes) -> Path:
    """Write through a temporary file in the same folder, then rename: a download never gets half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def ledger_tab(handlers: LedgerHandlers) -> None:
    """The tab's components and events; call inside a gr.Tab."""
    gr.Markdown(HEAD)
    with gr.Row():
        unit = gr.Dropdown(
            choices=handlers.unit_choices(), value="", label=UNIT_LABEL, elem_id="pq-ledger-unit", allow_custom_value=True, scale=3
        )
        doc = gr.Dropdown(choices=handlers.doc_choices(), value="", label=DOC_LABEL, elem_id="pq-ledger-doc", scale=3)
        build = gr.Button(BUILD, variant="primary", elem_id="pq-ledger-build", scale=1)
    status = gr.HTML(elem_id="pq-ledger-status")
    with gr.Row():
        xlsx = gr.DownloadButton(DOWNLOAD_XLSX, visible=False, elem_id="pq-ledger-xlsx", size="sm")
        docx = gr.DownloadButton(DOWNLOAD_DOCX, visible=False, elem_id="pq-ledger-docx", size="sm")
        csv = gr.DownloadButton(DOWNLOAD_CSV, visible=False, elem_id="pq-ledger-csv", size="sm")
    table = gr.Dataframe(
        label=TABLE_LABEL,
        interactive=False,
        wrap=True,
        elem_id="pq-ledger-table",
        headers=list(HEADERS[:PREVIEW_COLUMNS]),
        value=None,
        column_widths=["5%", "12%", "8%", "13%", "17%", "16%", "17%", "12%"],
        max_height=700,
    )
    build.click(handlers.build_safely, [unit, doc], [status, table, xlsx, docx, csv], api_visibility="private")
