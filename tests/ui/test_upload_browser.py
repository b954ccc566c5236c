"""The 文件 tab in Debian's Chromium: upload a SYNTHETIC provincial plan (DOCX), check its header, add it,
ask about it at once (no restart), see it beside a Golmud clause as 上级依据, remove it again.

The server runs on a copy of the corpus and of the session's built index, so the repository's corpus
is never changed. Gradio keeps a request open: the test waits for elements, never for network idle.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.multidoc import SYNTHETIC, corpus_copy, write_docx
from tests.ui.conftest import REPO, Server, copy_sqlite, free_port, stop_server, wait_until_up
from tests.ui.test_browser import ANSWER_DONE, ask

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROVINCIAL = "青政〔2024〕48号"
INDEX_WAIT_MS = 240_000  # parsing, embedding the new clauses and swapping the index, on 2 busy cores


@pytest.fixture(scope="module")
def own_server(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Server]:
    """`planqa serve` on a corpus copy and a copy of the built index (nothing rebuilt at start)."""
    root = tmp_path_factory.mktemp("upload")
    corpus = corpus_copy(root / "corpus")
    data = root / "data"
    shutil.copytree(built_data_dir, data, ignore=shutil.ignore_patterns("*.sqlite3", "*.sqlite", "index.lock", "exports"))
    for name in ("chroma/chroma.sqlite3", "vectors.sqlite"):
        copy_sqlite(built_data_dir / name, data / name)
    port = free_port()
    log = artifacts / "server-upload.log"
    with open(log, "wb") as handle:
        command = [
            sys.executable,
            "-m",
            "assistant.cli",
            "--corpus-dir",
            str(corpus),
            "--data-dir",
            str(data),
            "serve",
            "--port",
            str(port),
        ]
        process = subprocess.Popen(command, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}/", process, data, log)
    try:
        wait_until_up(server)
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def upload_page(browser: Any, own_server: Server) -> Iterator[Any]:
    context = browser.browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(own_server.url)
    page.locator("#pq-question textarea").wait_for(state="visible")
    try:
        yield page
    finally:
        context.close()


def field(page: Any, elem_id: str) -> Any:
    return page.locator(f"#{elem_id}").locator("input, textarea").first


def choose_scope(page: Any, label_part: str) -> None:
    page.locator("#pq-scope input").click()
    page.get_by_role("option").filter(has_text=label_part).first.click()


def test_upload_a_provincial_plan_ask_about_it_at_once_then_remove_it(
    upload_page: Any, own_server: Server, tmp_path: Path, artifacts: Path
) -> None:
    page = upload_page
    docx = write_docx((SYNTHETIC / "provincial_plan.txt").read_text("utf-8"), tmp_path / "青海省实施方案.docx")
    page.get_by_role("tab", name="文件").click()
    page.locator("#pq-upload input[type=file]").set_input_files(str(docx))
    page.locator("#pq-read-status", has_text="已读取").wait_for()
    assert "将补上已列入清单" in page.locator("#pq-read-status").inner_text()
    assert field(page, "pq-new-number").input_value() == PROVINCIAL
    assert field(page, "pq-new-issuer").input_value() == "青海省人民政府"
    assert field(page, "pq-new-date").input_value() == "2024-12-14"
    assert field(page, "pq-new-level").input_value() == "省级"
    assert field(page, "pq-new-title").input_value().startswith("青海省人民政府关于印发")
    page.evaluate("window.scrollTo(0, 0)")
    top = {"x": 0, "y": 0, "width": 1280, "height": 1070}  # the corpus table and the form: the README's picture (docs/files-tab.png)
    page.screenshot(path=artifacts / "10-files-tab-upload.png", full_page=True, clip=top)

    page.locator("#pq-add").click()
    page.locator("#pq-add-status", has_text=f"已添加 {PROVINCIAL}").wait_for(timeout=INDEX_WAIT_MS)
    statuses = dict(
        zip(page.locator("#pq-documents td:first-child").all_inner_texts(), page.locator("#pq-documents .pq-status-tag").all_inner_texts())
    )
    assert statuses[PROVINCIAL] == "已索引"
    page.screenshot(path=artifacts / "11-files-tab-added.png", full_page=True)

    # Asked at once, in the same page, without a restart: answered from the new document with its own 文号 and clause.
    page.get_by_role("tab", name="问答").click()
    choose_scope(page, PROVINCIAL)
    answer, _ = ask(page, "随迁子女教育由哪个部门牵头？")
    assert "省教育厅" in answer.locator(".pq-text").inner_text()
    assert answer.locator("details.pq-source", has_text=f"{PROVINCIAL}） 二（二）").count() == 1

    # A Golmud clause now shows the provincial clause it implements beside it, with its text.
    choose_scope(page, "全部文件")
    answer, _ = ask(page, "谁负责随迁子女教育？")
    card = answer.locator("details.pq-source", has_text="三（七）")
    card.locator("summary").click()
    parents = card.locator(".pq-parents")
    parents.wait_for(state="visible")
    assert "上级依据" in parents.inner_text() and f"{PROVINCIAL} 二（二）" in parents.inner_text()
    assert "以公办学校为主将随迁子女纳入流入地义务教育保障范围" in parents.locator(".pq-parent-clause").first.inner_text()
    card.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "12-parent-clause.png", full_page=True)

    # Removed the same way: it leaves the answers.
    page.get_by_role("tab", name="文件").click()
    page.locator("#pq-remove-doc input").click()
    page.get_by_role("option").filter(has_text=PROVINCIAL).first.click()
    page.locator("#pq-remove").click()
    page.locator("#pq-add-status", has_text=f"已移除 {PROVINCIAL}").wait_for(timeout=INDEX_WAIT_MS)
    page.get_by_role("tab", name="问答").click()
    before = page.locator(ANSWER_DONE).count()
    answer, _ = ask(page, "青海省的方案里随迁子女教育由哪个部门牵头？")
    assert page.locator(ANSWER_DONE).count() == before + 1
    assert answer.locator("details.pq-source", has_text=PROVINCIAL).count() == 0
    assert "省教育厅" not in answer.locator(".pq-text").inner_text()
