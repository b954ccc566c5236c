"""Undo PDF-extraction artefacts: page markers, page-head spaces and hard line breaks.

Text in, text out: paragraphs are joined back into one line each, and a line break is kept only
where a paragraph really ends (a short line) or a structural heading starts.
"""

from __future__ import annotations

import re
import statistics

PAGE_MARKER = re.compile(r"^\s*[—–\-－]{1,3}\s*\d+\s*[—–\-－]{1,3}\s*$|^\s*-\s*\d+\s*-\s*$|^\s*第\s*\d+\s*页.*$")
CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’—…·"
SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}])[ \t\u3000\xa0]+|[ \t\u3000\xa0]+(?=[{CJK}])")
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|（[一二三四五六七八九十百]+）|\(?[一二三四五六七八九十百]+\)|"
    r"\d{1,2}[.．、](?!\d)|（\d{1,2}）|\(\d{1,2}\)|第[一二三四五六七八九十百零〇\d]+[章节条])"
)
STOP_ENDINGS = tuple("。；！？：）”")


def normalize_spaces(line: str) -> str:
    """Drop the spaces a PDF puts next to Chinese characters; keep spaces between Latin words."""
    return SPACE_NEAR_CJK.sub("", line).strip()


def clean_lines(raw: str) -> list[str]:
    """Non-empty lines with page markers removed and spacing normalised."""
    lines = []
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n"):
        if PAGE_MARKER.match(line):
            continue
        line = normalize_spaces(line)
        if line:
            lines.append(line)
    return lines


def reflow(lines: list[str]) -> str:
    """Join hard-wrapped lines into paragraphs, one paragraph per output line."""
    if not lines:
        return ""
    full = statistics.median(len(line) for line in lines)
    out: list[str] = []
    current = ""
    for line in lines:
        if current and HEADING.match(line):
            out.append(current)
            current = ""
        current += line
        if _unclosed(current):
            continue  # a bracket or quotation never spans paragraphs
        if len(line) < full - 2 or (len(line) < full and line.endswith(STOP_ENDINGS)):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return "\n".join(out)


def _unclosed(text: str) -> bool:
    return text.count("（") > text.count("）") or text.count("“") > text.count("”") or text.count("《") > text.count("》")


def clean_text(raw: str) -> str:
    """The whole cleaning step: raw extracted text → reflowed clean text."""
    return reflow(clean_lines(raw))
