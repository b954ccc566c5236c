"""The chat in Debian's Chromium against the real server: a follow-up answered in its conversation, and
the answer's lead line shown first and in bold on a desktop and a phone (screenshots in test-artifacts/).

Gradio keeps a request open, so these tests wait for elements and text, never for network idle.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWER_DONE = "#pq-chat .pq-complete, #pq-chat .pq-status.pq-error"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# True when the first non-blank text inside the element lies inside its .pq-lead.
LEAD_IS_FIRST_TEXT = """(answer) => {
  const walker = document.createTreeWalker(answer, NodeFilter.SHOW_TEXT, { acceptNode: (n) => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP });
  const first = walker.nextNode();
  const lead = answer.querySelector('.pq-lead');
  return Boolean(first && lead && lead.contains(first));
}"""


def ask(page: Any, question: str) -> Any:
    """Send a question and wait for its complete answer; returns the answer element."""
    before = page.locator(ANSWER_DONE).count()
    box = page.locator("#pq-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator(ANSWER_DONE).nth(before).wait_for(state="visible")
    return page.locator(ANSWER_DONE).nth(before)


@pytest.fixture
def open_page(browser: Any, server: Any) -> Iterator[Any]:
    """A factory for chat pages at a given viewport (phone: touch, mobile layout), closed afterwards."""
    contexts: list[Any] = []

    def open_at(viewport: dict[str, int], mobile: bool = False) -> Any:
        context = browser.browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=mobile, has_touch=mobile, device_scale_factor=2 if mobile else 1)
        contexts.append(context)
        page = context.new_page()
        page.goto(server.url)
        page.locator("#pq-question textarea").wait_for(state="visible")
        page.evaluate("document.fonts.ready.then(() => true)")
        return page

    try:
        yield open_at
    finally:
        for context in contexts:
            context.close()


def test_follow_up_is_answered_in_its_conversation_with_the_clause_card_and_what_was_understood(page: Any, artifacts: Path) -> None:
    first = ask(page, "谁负责随迁子女教育？")
    assert first.locator("details.pq-source", has_text="三（七）").count() == 1
    assert first.locator(".pq-understood").count() == 0  # it said what it meant
    answer = ask(page, "那公租房呢？")
    card = answer.locator("details.pq-source", has_text="三（八）")
    assert card.count() == 1
    understood = answer.locator(".pq-understood")
    understood.wait_for(state="visible")
    assert understood.inner_text().startswith("理解为：") and "公租房" in understood.inner_text()
    card.locator("summary").click()
    assert "公共租赁住房" in card.locator("blockquote.pq-clause").inner_text()
    answer.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "09-follow-up.png", full_page=True)


@pytest.mark.parametrize(("name", "viewport", "mobile"), [("desktop", DESKTOP, False), ("phone", PHONE, True)])
def test_the_lead_line_is_the_first_thing_the_answer_says_in_bold(open_page: Any, artifacts: Path, name: str, viewport: dict[str, int], mobile: bool) -> None:
    page = open_page(viewport, mobile)
    answer = ask(page, "老旧管网更新率要达到多少？")
    lead = answer.locator(".pq-lead")
    assert lead.count() == 1 and lead.is_visible()
    assert "50%" in lead.inner_text()
    assert answer.evaluate(LEAD_IS_FIRST_TEXT)
    assert int(lead.evaluate("(el) => parseInt(getComputedStyle(el).fontWeight)")) >= 600
    box = lead.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]  # wraps inside the screen
    answer.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    page.screenshot(path=artifacts.parent / f"lead-{name}.png")
