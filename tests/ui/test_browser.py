"""The chat UI in Debian's Chromium, driven by playwright against the real server.

Gradio keeps a request open, so these tests wait for elements and text, never for network idle.
Each step leaves a screenshot under test-artifacts/ui/.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from ui.departments import read_csv

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUBMIT_TO_ANSWER_TARGET_S = 1.0
LAUNCH_TO_PAGE_CEILING_S = 30.0  # a regression guard; the figure itself is recorded in timings.json
HRSS_CLAUSES = ["二（一）", "三（六）", "三（八）", "三（九）", "四（十五）", "六（二十四）", "六（二十五）", "六（二十六）"]
ANSWER_DONE = "#pq-chat .pq-complete, #pq-chat .pq-status.pq-error"


def ask(page: Any, question: str) -> tuple[Any, float]:
    """Send a question and wait for its complete answer; returns the answer element and the seconds it took."""
    before = page.locator(ANSWER_DONE).count()
    box = page.locator("#pq-question textarea")
    box.fill(question)
    t0 = time.perf_counter()
    box.press("Enter")
    page.locator(ANSWER_DONE).nth(before).wait_for(state="visible")
    return page.locator(ANSWER_DONE).nth(before), time.perf_counter() - t0


def test_answer_names_the_department_and_its_source_card_opens_to_the_clause(page: Any, artifacts: Path, timings: dict[str, Any]) -> None:
    answer, seconds = ask(page, "谁负责随迁子女教育？")
    timings["submit_to_complete_answer_s"] = round(seconds, 3)
    assert "市教育局" in answer.locator(".pq-text").inner_text()
    card = answer.locator("details.pq-source", has_text="三（七）")
    assert card.count() == 1
    clause = card.locator("blockquote.pq-clause")
    assert not clause.is_visible()  # collapsed until opened
    card.locator("summary").click()
    clause.wait_for(state="visible")
    assert "以公办学校为主将随迁子女纳入我市义务教育保障范围" in clause.inner_text()
    assert clause.locator("mark").count() >= 1
    assert card.locator(".pq-tag", has_text="市教育局").count() == 1
    card.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "01-chat-source-card.png", full_page=True)
    assert seconds <= SUBMIT_TO_ANSWER_TARGET_S, f"answer took {seconds:.2f} s"


def test_copy_button_puts_the_answer_and_its_sources_on_the_clipboard(page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ask(page, "谁负责随迁子女教育？")
    page.locator("#pq-copy").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.includes('依据：'))")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "市教育局" in copied and "[1] 《" in copied and "三（七）" in copied
    assert "<" not in copied  # plain text, not the chat's HTML


def test_departments_tab_lists_the_8_clauses_of_hrss_and_exports_them(page: Any, artifacts: Path) -> None:
    page.get_by_role("tab", name="分工查询").click()
    page.locator("#pq-dept-query textarea").fill("人社局")
    page.locator("#pq-dept-search").click()
    page.locator("#pq-dept-status", has_text="市人力资源和社会保障局 在 8 项任务中").wait_for()
    paths = page.locator('#pq-dept-table [role="gridcell"][data-col="1"]')
    paths.nth(7).wait_for()
    assert paths.all_inner_texts() == HRSS_CLAUSES
    page.screenshot(path=artifacts / "02-departments.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#pq-dept-csv").click()
    saved = artifacts / "分工-人社局.csv"
    download.value.save_as(saved)
    table = read_csv(saved)
    assert table.headers == ("文号", "条款", "标题", "其他责任单位")
    assert [row[1] for row in table.rows] == HRSS_CLAUSES
    assert all(row[0] == "格政办发〔2025〕25号" and "市人力资源和社会保障局" not in row[3] for row in table.rows)


def test_html_in_a_question_is_shown_as_text_and_never_runs(page: Any, browser: Any, artifacts: Path) -> None:
    attack = "<img src=x onerror=alert(1)>"
    ask(page, attack)
    page.wait_for_timeout(500)  # time for an onerror handler to fire, were there one
    assert browser.dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("#pq-chat .pq-question", has_text=attack).count() == 1
    page.screenshot(path=artifacts / "03-html-injection.png", full_page=True)


def test_out_of_scope_question_is_visibly_refused(page: Any, artifacts: Path) -> None:
    answer, _ = ask(page, "格尔木今年的财政收入是多少？")
    assert "pq-refused" in (answer.get_attribute("class") or "")
    assert answer.locator(".pq-refusal-label").inner_text() == "未找到依据"
    assert answer.locator(".pq-source").count() == 0
    page.screenshot(path=artifacts / "04-refusal.png", full_page=True)


def test_blank_input_is_ignored_long_input_is_cut_with_a_notice_and_clear_empties_the_chat(page: Any, artifacts: Path) -> None:
    page.locator("#pq-question textarea").fill("   ")
    page.locator("#pq-send").click()
    page.wait_for_timeout(300)
    assert page.locator("#pq-chat .pq-question").count() == 0
    answer, _ = ask(page, "随迁子女" * 150)
    assert "500" in answer.locator(".pq-notice").inner_text()
    page.screenshot(path=artifacts / "05-long-question.png", full_page=True)
    page.locator("#pq-clear").click()
    page.locator("#pq-chat .pq-question").wait_for(state="detached")
    assert page.locator("#pq-chat .pq-answer").count() == 0


def test_thumbs_down_with_a_comment_is_appended_to_the_feedback_file(page: Any, server: Any, artifacts: Path) -> None:
    feedback = server.data_dir / "feedback.jsonl"
    lines_before = len(feedback.read_text("utf-8").splitlines()) if feedback.exists() else 0
    ask(page, "户籍制度改革由哪些部门负责？")
    page.locator("#pq-chat button[aria-label='踩'], #pq-chat button[aria-label='Dislike']").last.click()  # zh-CN: 踩
    page.locator("#pq-feedback-status", has_text="已记录您的评价").wait_for()
    page.locator("#pq-feedback").click()
    page.locator("#pq-comment textarea").fill("希望列出牵头单位")
    page.locator("#pq-comment-send").click()
    page.locator("#pq-feedback-status", has_text="已记录您的意见").wait_for()
    records = [json.loads(line) for line in feedback.read_text("utf-8").splitlines()[lines_before:]]
    assert [(r["rating"], r["comment"]) for r in records] == [("down", ""), ("down", "希望列出牵头单位")]
    assert records[0]["question"] == "户籍制度改革由哪些部门负责？" and records[0]["citations"]
    page.screenshot(path=artifacts / "06-feedback.png", full_page=True)


def test_documents_tab_shows_the_outline_and_which_documents_are_indexed(page: Any, artifacts: Path) -> None:
    page.get_by_role("tab", name="文件").click()
    clause = page.locator('#pq-outline details.pq-outline-clause[data-path="三（七）"]')
    clause.locator("summary").click()
    assert "以公办学校为主" in clause.locator(".pq-outline-text").inner_text()
    statuses = page.locator("#pq-documents .pq-status-tag").all_inner_texts()
    assert statuses == ["已索引", "已列入清单，未提供正文", "已列入清单，未提供正文"]
    assert "planqa corpus add FILE --number 文号" in page.locator("#pq-documents").inner_text()
    page.screenshot(path=artifacts / "07-documents.png")


def test_launch_to_interactive_page(browser: Any, launch_server: Any, artifacts: Path, timings: dict[str, Any]) -> None:
    server, t0 = launch_server("launch")  # polls the port cheaply; a browser polling would slow the start
    context = browser.browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        page.goto(server.url)
        page.locator("#pq-question textarea").wait_for(state="visible")
        seconds = time.perf_counter() - t0
        timings["launch_to_interactive_page_s"] = round(seconds, 2)
        page.screenshot(path=artifacts / "00-start.png")
    finally:
        context.close()
    assert seconds <= LAUNCH_TO_PAGE_CEILING_S


def test_behind_a_password_the_browser_asks_once_and_the_chat_works(browser: Any, launch_server: Any, artifacts: Path) -> None:
    """With PLANQA_UI_AUTH the page, its assets and the chat's event streams all take the browser's
    basic-auth credentials; without them the page is a 401."""
    server, _ = launch_server("auth-browser", env={"PLANQA_UI_AUTH": "planqa:test-password"})
    anonymous = browser.browser.new_context()
    try:
        assert anonymous.request.get(server.url).status == 401  # a page load ends in ERR_INVALID_AUTH_CREDENTIALS
    finally:
        anonymous.close()
    context = browser.browser.new_context(viewport={"width": 1280, "height": 1000}, http_credentials={"username": "planqa", "password": "test-password"})
    try:
        page = context.new_page()
        page.goto(server.url)
        page.locator("#pq-question textarea").wait_for(state="visible")
        answer, _ = ask(page, "谁负责随迁子女教育？")
        assert "市教育局" in answer.locator(".pq-text").inner_text()
        page.screenshot(path=artifacts / "09-behind-a-password.png")
    finally:
        context.close()
