"""The 文件 tab: add a document (upload a file or give a web address), check the header read from it,
index it and ask about it at once; remove one; see every document's status and the plans' outline.

Adding and removing rebuild the index (index/build.py publishes it whole) and then swap the live
assistant (assistant/service.LiveAssistant.reload): questions in flight finish on the old index, the
next ones use the new. One change at a time; with PLANQA_UI_AUTH set, only a signed-in user may make one.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from index.corpus import Origin, Preview, add_document, preview_document, remove_document
from index.errors import IndexLockedError, PlanqaError
from index.fetch import MAX_BYTES, fetch_document, is_web_address
from index.load import FORMATS
from index.manifest import load_manifest
from ui import texts
from ui.outline import LEVELS, documents_html, outline_html
from ui.render import esc

if TYPE_CHECKING:
    from assistant.service import LiveAssistant
    from assistant.settings import Settings

log = logging.getLogger(__name__)

# The tab's labels and messages (HTML; what is put into them is escaped first).
ADD_HEAD = "#### 添加文件\n上传文件或输入网址，核对从文件头读出的文号、标题等信息（可修改），再点“添加并索引”。添加后即可在问答中提问，无需重启服务。"
UPLOAD_LABEL = "选择文件（PDF、DOCX、HTML、TXT，最大 {mb} MB；扫描版 PDF 会自动进行文字识别）"
URL_LABEL = "或输入网址（政府网站的文件页面，或 PDF / DOCX 的下载地址）"
URL_PLACEHOLDER = "https://www.gov.cn/zhengce/content/…"
FETCH = "读取网址"
NUMBER_LABEL = "文号"
TITLE_LABEL = "标题"
ISSUER_LABEL = "发文机关"
LEVEL_LABEL = "层级"
DATE_LABEL = "成文日期（YYYY-MM-DD）"
ADD = "添加并索引"
REMOVE_LABEL = "移除文件"
REMOVE = "移除"
UPLOADS = "uploads"
STAGED_FOR_S = 86400

READ_OK = "已读取 <b>{name}</b>（{kind}，{chars} 字，{clauses} 条条款）。请核对下面的信息，再点“添加并索引”。"
READ_FROM = "来源：<code>{url}</code>"
READ_OCR = "扫描件：已用文字识别（OCR）读取 {pages} 页，平均置信度 {confidence:.1%}。"
READ_PARENTS = "文中引用的上级文件：{numbers}。"
READ_FILLS = "将补上已列入清单、尚未提供正文的 <b>{number}</b>。"
READ_EXISTS = "<b>{number}</b> 已收录；如需替换，请先在下面移除。"
READ_NO_NUMBER = "未在文件头找到文号，请填写。"
REFUSED = "无法添加：{reason}"
TOO_BIG = "{name} 有 {size:.1f} MB，超过 {mb} MB 的上限。"
NO_STRUCTURE = "{name} 中没有找到“一、”“（一）”“第X条”等编号标题，无法按条款索引。"
NOTHING_READ = "请先选择文件或输入网址。"
NEED_NUMBER = "请填写文号。"
BUSY = "另一个文件正在添加或移除，请稍候再试。"
SIGN_IN = "请先登录，再添加或移除文件。"
ADDED = "已添加 <b>{number}</b>《{title}》并完成索引（{seconds:.1f} 秒），现在即可提问。"
ADDED_OCR = "正文由文字识别读取：{pages} 页，平均置信度 {confidence:.1%}。"
NOT_INDEXED = "<b>{number}</b> 未能索引：{reason}。已撤回添加。"
REMOVED = "已移除 <b>{number}</b>，索引已更新。"
REMOVE_NONE = "请先选择要移除的文件。"
REMOVE_LAST = "这是唯一提供了正文的文件，不能移除；请先添加其他文件。"
FAILED = "操作未能完成，已记录在服务器日志中。"
PROGRESS_OCR = "文字识别：第 {done}/{total} 页"
PROGRESS_FETCH = "正在下载网址…"
PROGRESS_READ = "正在读取文件…"
PROGRESS_INDEX = "建立索引：{done}/{total} 个片段"
PROGRESS_SWAP = "载入新索引…"
LEVEL_CHOICES = [(name, value) for value, name in LEVELS.items()]


@dataclass(frozen=True)
class Staged:
    """A file read and waiting to be added: where it is kept, its name, and where it came from."""

    path: str
    name: str
    url: str = ""
    fetched: str = ""


class FileHandlers:
    """The 文件 tab's events over the live assistant and the corpus folder."""

    def __init__(self, live: LiveAssistant, settings: Settings, scope_choices: Callable[[], list[tuple[str, str]]]) -> None:
        self.live = live
        self.settings = settings
        self.scope_choices = scope_choices
        self.staging = settings.data_dir / UPLOADS
        self._change = threading.Lock()  # one add or remove at a time

    # Reading a file or a web address ------------------------------------------------------------

    def read_upload(self, file: str | None, request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        """An uploaded file → its header in the form, or a message saying why it is refused."""
        if not file:
            return self._form(None, "")
        try:
            self._check_user(request)
            source = Path(file)
            size = source.stat().st_size
            if size > MAX_BYTES:
                raise PlanqaError(TOO_BIG.format(name=source.name, size=size / 2**20, mb=MAX_BYTES // 2**20))
            staged = self._stage(source)
            progress(0, desc=PROGRESS_READ)
            return self._read(Staged(str(staged), source.name), progress)
        except PlanqaError as exc:
            return self._form(None, _error(REFUSED.format(reason=esc(str(exc)))))
        except Exception:
            log.exception("reading the upload %s failed", file)
            return self._form(None, _error(FAILED))

    def read_url(self, url: str, request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        """A web address → the document it points to, fetched, with its header in the form."""
        url = (url or "").strip()
        if not url:
            return self._form(None, _error(NOTHING_READ))
        try:
            self._check_user(request)
            if not is_web_address(url):
                raise PlanqaError(f"{url}: not a web address (give one starting with http:// or https://)")
            progress(0, desc=PROGRESS_FETCH)
            fetched = fetch_document(url, self._staging_folder())
            return self._read(Staged(str(fetched.path), fetched.path.name, fetched.url, fetched.fetched), progress)
        except PlanqaError as exc:
            return self._form(None, _error(REFUSED.format(reason=esc(str(exc)))))
        except Exception:
            log.exception("fetching %s failed", url[:300])
            return self._form(None, _error(FAILED))

    def _read(self, staged: Staged, progress: gr.Progress) -> tuple[Any, ...]:
        def pages(done: int, total: int) -> None:
            progress(done / total, desc=PROGRESS_OCR.format(done=done, total=total))

        preview = preview_document(Path(staged.path), staged.name, pages)
        if not preview.numbered:
            raise PlanqaError(NO_STRUCTURE.format(name=staged.name))
        return self._form(staged, self._read_message(staged, preview), preview)

    def _read_message(self, staged: Staged, preview: Preview) -> str:
        kind = FORMATS.get(Path(staged.name).suffix.lower(), "")
        lines = [READ_OK.format(name=esc(staged.name), kind=kind, chars=f"{preview.chars:,}", clauses=preview.clauses)]
        if staged.url:
            lines.append(READ_FROM.format(url=esc(staged.url)))
        if preview.ocr:
            lines.append(READ_OCR.format(pages=preview.ocr.pages, confidence=preview.ocr.confidence))
        if preview.references:
            lines.append(READ_PARENTS.format(numbers=esc("、".join(r.number for r in preview.references))))
        number = preview.header.number
        existing = next((d for d in load_manifest(self.settings.corpus_dir) if d.number == number), None) if number else None
        if not number:
            lines.append(READ_NO_NUMBER)
        elif existing and existing.file:
            lines.append(READ_EXISTS.format(number=esc(number)))
        elif existing:
            lines.append(READ_FILLS.format(number=esc(number)))
        return '<div class="pq-file-read">' + "<br>".join(lines) + "</div>"

    def _form(self, staged: Staged | None, message: str, preview: Preview | None = None) -> tuple[Any, ...]:
        """Outputs of a read: message, the staged file, the five header fields, the add button."""
        guess = preview.header if preview else None
        return (
            message,
            staged,
            gr.update(value=(guess.number or "") if guess else ""),
            gr.update(value=(guess.title or "") if guess else ""),
            gr.update(value=(guess.issuer or "") if guess else ""),
            gr.update(value=(guess.level or "municipal") if guess else None),
            gr.update(value=(guess.date or "") if guess else ""),
            gr.update(interactive=staged is not None),
        )

    def _stage(self, source: Path) -> Path:
        """A copy of the upload in the data folder, kept until it is added (its OCR is cached beside it)."""
        folder = self._staging_folder()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / source.name
        shutil.copyfile(source, target)
        return target

    def _staging_folder(self) -> Path:
        """A new folder for one file read; files read but never added are dropped after a day."""
        if self.staging.exists():
            for old in self.staging.iterdir():
                if time.time() - old.stat().st_mtime > STAGED_FOR_S:
                    shutil.rmtree(old, ignore_errors=True)
        return self.staging / uuid.uuid4().hex

    # Adding and removing ------------------------------------------------------------------------

    def add(
        self,
        staged: Staged | None,
        number: str,
        title: str,
        issuer: str,
        level: str,
        date: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),
    ) -> tuple[Any, ...]:
        """Add the staged file with the header as confirmed, index, swap; then the tab shows it."""
        if staged is None:
            return self._after(_error(NOTHING_READ), keep=True)
        if not (number or "").strip():
            return self._after(_error(NEED_NUMBER), keep=True)
        try:
            self._check_user(request)
            if not self._change.acquire(blocking=False):
                return self._after(_error(BUSY), keep=True)
            try:
                message = self._add(staged, number.strip(), title, issuer, level, date, progress)
            finally:
                self._change.release()
        except IndexLockedError:
            return self._after(_error(BUSY), keep=True)
        except PlanqaError as exc:
            return self._after(_error(REFUSED.format(reason=esc(str(exc)))), keep=True)
        except Exception:
            log.exception("adding %s failed", staged.name)
            return self._after(_error(FAILED), keep=True)
        shutil.rmtree(Path(staged.path).parent, ignore_errors=True)
        return self._after(message)

    def _add(self, staged: Staged, number: str, title: str, issuer: str, level: str, date: str, progress: gr.Progress) -> str:
        def pages(done: int, total: int) -> None:
            progress(done / total, desc=PROGRESS_OCR.format(done=done, total=total))

        origin = Origin(staged.url, staged.fetched) if staged.url else None
        fields = {k: (v or "").strip() or None for k, v in (("title", title), ("issuer", issuer), ("level", level), ("date", date))}
        entry, _ = add_document(self.settings.corpus_dir, Path(staged.path), number, origin=origin, progress=pages, **fields)
        try:
            report = self._reindex(progress)
        except PlanqaError:
            remove_document(self.settings.corpus_dir, entry.number)
            raise
        failed = next((e for e in report.errors if e.startswith(entry.number)), None)
        if failed:
            remove_document(self.settings.corpus_dir, entry.number)
            self._reindex(progress)
            return _error(NOT_INDEXED.format(number=esc(entry.number), reason=esc(failed.split(": ", 1)[-1])))
        message = ADDED.format(number=esc(entry.number), title=esc(entry.title), seconds=report.seconds)
        if entry.ocr_pages:
            message += "<br>" + ADDED_OCR.format(pages=entry.ocr_pages, confidence=entry.ocr_confidence)
        return _ok(message)

    def remove(self, number: str | None, request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        """Remove a document from the corpus and the index, then swap."""
        if not number:
            return self._after(_error(REMOVE_NONE), keep=True)
        try:
            self._check_user(request)
            provided = [d.number for d in load_manifest(self.settings.corpus_dir) if d.file]
            if provided == [number]:
                return self._after(_error(REMOVE_LAST), keep=True)
            if not self._change.acquire(blocking=False):
                return self._after(_error(BUSY), keep=True)
            try:
                entry = remove_document(self.settings.corpus_dir, number)
                self._reindex(progress)
            finally:
                self._change.release()
        except IndexLockedError:
            return self._after(_error(BUSY), keep=True)
        except PlanqaError as exc:
            return self._after(_error(REFUSED.format(reason=esc(str(exc)))), keep=True)
        except Exception:
            log.exception("removing %s failed", number)
            return self._after(_error(FAILED), keep=True)
        return self._after(_ok(REMOVED.format(number=esc(entry.number))), removed=True)

    def _reindex(self, progress: gr.Progress) -> Any:
        """Build the index for the corpus as it is now, then answer from it."""
        from assistant.service import index_corpus

        def chunks(done: int, total: int) -> None:
            progress(done / total, desc=PROGRESS_INDEX.format(done=done, total=total))

        report = index_corpus(self.settings, chunks)
        progress(1.0, desc=PROGRESS_SWAP)
        self.live.reload()
        return report

    def _after(self, message: str, keep: bool = False, removed: bool = False) -> tuple[Any, ...]:
        """Outputs of an add or remove: its message; unless ``keep``, the read message and the form
        emptied; the document list, outline and remove list as they are now; the chat's scope selector
        (back to all documents after a removal); the upload box emptied."""
        documents, outline, removable = self.refresh()
        skip = gr.skip()
        form: tuple[Any, ...] = (skip,) * 8 if keep else ("", None, "", "", "", None, "", gr.update(interactive=False))
        scope = gr.update(choices=self.scope_choices(), **({"value": ""} if removed else {}))
        return (message, *form, documents, outline, removable, scope, skip if keep else None)

    def refresh(self) -> tuple[str, str, Any]:
        """The document list, the outline and the remove list from the index loaded now."""
        knowledge = self.live.current().knowledge
        provided = [(f"{meta.number} {meta.short_title}", number) for number, meta in knowledge.documents.items() if meta.provided]
        return (
            documents_html(knowledge.documents, {p.doc for p in knowledge.parts}),
            outline_html(knowledge.parts, knowledge.documents),
            gr.update(choices=provided, value=None),
        )

    def _check_user(self, request: gr.Request | None) -> None:
        if self.settings.ui_auth and not getattr(request, "username", None):
            raise PlanqaError(SIGN_IN)


def _ok(message: str) -> str:
    return f'<div class="pq-file-ok">{message}</div>'


def _error(message: str) -> str:
    return f'<div class="pq-file-error">{message}</div>'


def files_tab(files: FileHandlers, app: gr.Blocks, scope: gr.Dropdown) -> None:
    """The 文件 tab's components and events; ``scope`` is the chat's 检索范围 selector to keep current."""
    private: dict[str, Any] = {"api_visibility": "private"}
    documents_now, outline_now, removable_now = files.refresh()
    gr.Markdown(texts.CORPUS_HEAD)
    documents = gr.HTML(documents_now, elem_id="pq-documents")
    gr.Markdown(ADD_HEAD)
    with gr.Row():
        upload = gr.File(
            label=UPLOAD_LABEL.format(mb=MAX_BYTES // 2**20),
            file_types=sorted(FORMATS),
            file_count="single",
            type="filepath",
            elem_id="pq-upload",
            scale=3,
        )
        with gr.Column(scale=2):
            url = gr.Textbox(label=URL_LABEL, placeholder=URL_PLACEHOLDER, elem_id="pq-url", lines=1)
            fetch = gr.Button(FETCH, elem_id="pq-fetch", size="sm")
    read_status = gr.HTML(elem_id="pq-read-status")
    staged = gr.State(None)
    with gr.Row():
        number = gr.Textbox(label=NUMBER_LABEL, elem_id="pq-new-number", scale=2)
        title = gr.Textbox(label=TITLE_LABEL, elem_id="pq-new-title", scale=5)
    with gr.Row():
        issuer = gr.Textbox(label=ISSUER_LABEL, elem_id="pq-new-issuer", scale=3)
        level = gr.Dropdown(choices=LEVEL_CHOICES, value=None, label=LEVEL_LABEL, elem_id="pq-new-level", scale=1)
        date = gr.Textbox(label=DATE_LABEL, elem_id="pq-new-date", scale=2)
    add = gr.Button(ADD, variant="primary", interactive=False, elem_id="pq-add")
    status = gr.HTML(elem_id="pq-add-status")
    with gr.Row():
        remove_choice = gr.Dropdown(label=REMOVE_LABEL, choices=removable_now["choices"], value=None, elem_id="pq-remove-doc", scale=4)
        remove = gr.Button(REMOVE, variant="stop", elem_id="pq-remove", scale=1)
    gr.Markdown(texts.OUTLINE_HEAD)
    outline = gr.HTML(outline_now, elem_id="pq-outline")

    form = [read_status, staged, number, title, issuer, level, date, add]
    upload.upload(files.read_upload, [upload], form, **private)
    for trigger in (fetch.click, url.submit):
        trigger(files.read_url, [url], form, **private)
    after = [status, read_status, staged, number, title, issuer, level, date, add, documents, outline, remove_choice, scope, upload]
    add.click(files.add, [staged, number, title, issuer, level, date], after, **private)
    remove.click(files.remove, [remove_choice], after, **private)
    # A page opened (or reloaded) after another user's change shows the corpus as it is now.
    app.load(files.refresh, None, [documents, outline, remove_choice], queue=False, **private)
    app.load(lambda: gr.update(choices=files.scope_choices()), None, [scope], queue=False, **private)
