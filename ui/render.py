"""Pure HTML rendering of answers and their source cards. Every piece of text is escaped here.

The chat shows these strings as HTML, so nothing from a question or a document may reach the page
unescaped. The output never contains a newline: a blank line would end the chatbot's HTML block
and let Markdown reinterpret what follows.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from assistant.records import Answer, Citation
from ui.texts import PARENTS_LABEL, REFUSAL_LABEL, SOURCES_LABEL

CURSOR = '<span class="pq-cursor">…</span>'


def esc(text: str) -> str:
    """Escape text for HTML content and attribute values."""
    return html.escape(text or "", quote=True)


def text_block(text: str) -> str:
    """Escaped text with its line breaks kept as <br>."""
    return "<br>".join(esc(line) for line in (text or "").splitlines())


def question_html(question: str) -> str:
    """The user's question as it appears in the chat: plain text, escaped."""
    return f'<div class="pq-question">{text_block(question)}</div>'


def highlight(text: str, quotes: Iterable[str]) -> str:
    """Escaped text with every occurrence of the quoted sentences wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        if not quote:
            continue
        start = text.find(quote)
        while start != -1:
            spans.append((start, start + len(quote)))
            start = text.find(quote, start + len(quote))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(text_block(text[pos:start]))
        out.append(f"<mark>{text_block(text[start:end])}</mark>")
        pos = end
    out.append(text_block(text[pos:]))
    return "".join(out)


def unit_tags(units: Sequence[str]) -> str:
    """Responsible departments as tags; a note when the clause names none."""
    if not units:
        return '<span class="pq-muted">未列出责任单位</span>'
    return "".join(f'<span class="pq-tag">{esc(u)}</span>' for u in units)


def citation_label(citation: Citation) -> str:
    """One line naming a citation: 《short title》（文号） path 「title」."""
    title = citation.doc_title or citation.doc
    clause = f"「{citation.title}」" if citation.title else ""
    return f"《{title}》（{citation.doc}） {citation.path}{clause}"


def source_card(citation: Citation, number: int, full_title: str = "") -> str:
    """A collapsed <details> card: document, section, clause, departments and highlighted clause text."""
    doc_title = full_title or citation.doc_title or citation.doc
    rows = [
        ("文件", f"《{esc(doc_title)}》"),
        ("文号", esc(citation.doc)),
        ("章节", esc(citation.section) or '<span class="pq-muted">—</span>'),
        ("条款", f"{esc(citation.path)} {esc(citation.title)}"),
        ("责任单位", unit_tags(citation.units)),
    ]
    meta = "".join(f'<div class="pq-row"><span class="pq-key">{k}</span><span class="pq-val">{v}</span></div>' for k, v in rows)
    body = highlight(citation.text, citation.quotes) if citation.text else '<span class="pq-muted">（无条款原文）</span>'
    return (
        '<details class="pq-source">'
        f'<summary><span class="pq-ref">[{number}]</span> {esc(citation_label(citation))}</summary>'
        f'<div class="pq-source-body">{meta}<div class="pq-clause-pair"><blockquote class="pq-clause">{body}</blockquote>'
        f"{parents_html(citation)}</div></div>"
        "</details>"
    )


def parents_html(citation: Citation) -> str:
    """上级依据: the parent clauses a clause implements, each named and with its text; '' when none."""
    if not citation.parents:
        return ""
    texts = citation.parent_texts or ("",) * len(citation.parents)
    items = "".join(
        f'<div class="pq-parent"><div class="pq-parent-ref">{esc(doc)} {esc(path)} {esc(title)}</div>'
        + (f'<blockquote class="pq-parent-clause">{text_block(text)}</blockquote>' if text else "")
        + "</div>"
        for (doc, path, title), text in zip(citation.parents, texts)
    )
    return f'<div class="pq-parents"><div class="pq-parents-head">{PARENTS_LABEL}</div>{items}</div>'


def split_notice(text: str, notice: str) -> tuple[str, str]:
    """Separate a leading notice line (such as 'question was cut') from the answer text."""
    if notice and text.startswith(notice):
        return notice, text[len(notice) :].lstrip("\n")
    return "", text


# The compact source a lead line ends with (prompts.LEAD_SOURCE, LEAD_EN, RESPONSIBLE_LEAD_EN).
LEAD_SOURCE = re.compile(r"(?:（[^（）\s]+ \S+）|\(Source: [^()]+\)|Source: \S+ \S+)$")


def lead_html(lead: str) -> str:
    """The lead line in bold; its compact source after it in a lighter style, broken only between
    文号 and clause path, so that a phone does not split 五（十八） across lines."""
    found = LEAD_SOURCE.search(lead)
    if found is None:
        return f'<strong class="pq-lead">{esc(lead)}</strong>'
    words = " ".join(f'<span class="pq-nobr">{esc(w)}</span>' for w in found.group(0).split(" "))
    return f'<strong class="pq-lead">{esc(lead[: found.start()])}<span class="pq-lead-source">{words}</span></strong>'


UNDERSTOOD_LABEL = "理解为："


def understood_line(answer: Answer) -> str:
    """What the question was resolved to, when that is not what it literally said: the standalone
    question of a follow-up, or the names and clause numbers a typo, abbreviation or ordinal stood for."""
    if answer.standalone:
        return answer.standalone
    query = answer.query
    return query.restatement() if query is not None and hasattr(query, "restatement") else ""


def answer_html(
    answer: Answer,
    shown: int | None = None,
    notice: str = "",
    titles: dict[str, str] | None = None,
) -> str:
    """An answer as chat HTML. ``shown`` limits the text (while streaming) and omits the sources.

    ``notice`` is a known leading line of the text to show as a notice; ``titles`` maps 文号 to
    full document titles for the source cards.
    """
    lead, text = split_notice(answer.text, notice)
    lead = answer.notice or lead
    final = shown is None
    body = text if final else text[:shown]
    classes = ["pq-answer", "pq-complete" if final else "pq-streaming"] + (["pq-refused"] if answer.refused else [])
    parts = [f'<div class="{" ".join(classes)}">']
    if lead:
        parts.append(f'<div class="pq-notice">{text_block(lead)}</div>')
    if answer.refused:
        parts.append(f'<div class="pq-refusal-label">{REFUSAL_LABEL}</div>')
    cursor = "" if final else CURSOR
    lead_text = answer.lead if final and answer.lead and body.startswith(answer.lead) else ""
    if lead_text:  # the line that answers, first and in bold; the evidence below it
        rest = body[len(lead_text) :].lstrip("\n")
        parts.append(f'<div class="pq-text">{lead_html(lead_text)}{"<br>" + text_block(rest) if rest else ""}</div>')
    else:
        parts.append(f'<div class="pq-text">{text_block(body)}{cursor}</div>')
    understood = understood_line(answer)
    if final and understood:
        parts.append(f'<div class="pq-understood">{UNDERSTOOD_LABEL}{html.escape(understood)}</div>')
    if final and answer.citations:
        titles = titles or {}
        cards = "".join(source_card(c, i, titles.get(c.doc, "")) for i, c in enumerate(answer.citations, 1))
        parts.append(f'<div class="pq-sources"><div class="pq-sources-head">{SOURCES_LABEL}（{len(answer.citations)}）</div>{cards}</div>')
    parts.append("</div>")
    return "".join(parts)


def status_html(message: str, kind: str = "thinking") -> str:
    """A short status line in the chat: 'thinking' while answering, 'error' when something failed."""
    return f'<div class="pq-status pq-{esc(kind)}">{text_block(message)}</div>'


def plain_text(answer: Answer) -> str:
    """The answer and its sources as plain text, for the copy button."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append(f"{SOURCES_LABEL}：")
        lines.extend(f"[{i}] {citation_label(c)}" for i, c in enumerate(answer.citations, 1))
    return "\n".join(lines)


def stream_points(text: str, frames: int = 4) -> list[int]:
    """Where to cut the text while streaming it: at most ``frames`` sentence ends, then the whole text."""
    ends = [i + 1 for i, ch in enumerate(text) if ch in "。；！？\n" and i + 1 < len(text)]
    if len(ends) > frames - 1:
        step = len(ends) / (frames - 1)
        ends = [ends[int(step * (k + 1)) - 1] for k in range(frames - 1)]
    return [*ends, len(text)]
