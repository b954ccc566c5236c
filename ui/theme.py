"""Look of the UI: a Gradio theme with local fonts only (the page loads nothing from the internet) and CSS."""

from __future__ import annotations

from typing import Any

FONTS = ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "ui-sans-serif", "system-ui", "sans-serif")
MONO = ("ui-monospace", "Consolas", "monospace")

CSS = """
.pq-answer { line-height: 1.7; }
.pq-text { white-space: normal; }
.pq-cursor { opacity: .6; }
.pq-lead { font-weight: 700; }
.pq-lead-source { font-weight: 400; font-size: .88em; color: #5f6b7a; }
.pq-nobr { white-space: nowrap; }
.pq-understood { margin-top: 6px; font-size: .9em; color: #5f6b7a; }
.pq-notice { color: #4e3b00; background: #fff8e1; border-left: 4px solid #f0a800; padding: 6px 10px; margin-bottom: 8px; border-radius: 4px; }
.pq-refused { color: #3b0a0a; border-left: 4px solid #c62828; background: #fdecea; padding: 8px 12px; border-radius: 6px; }
.pq-refusal-label { display: inline-block; font-weight: 700; color: #fff; background: #c62828; border-radius: 4px; padding: 0 8px; margin-bottom: 6px; font-size: .85em; }
.pq-status { color: #555; font-style: italic; }
.pq-status.pq-error { color: #b71c1c; font-style: normal; border-left: 4px solid #b71c1c; padding-left: 8px; }
.pq-sources { margin-top: 10px; }
.pq-sources-head { font-weight: 700; font-size: .9em; color: #444; margin-bottom: 4px; }
.pq-source { color: #222; border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; background: #fafbfc; }
.pq-source > summary { cursor: pointer; padding: 6px 10px; font-weight: 600; }
.pq-source[open] > summary { border-bottom: 1px solid #d0d7de; }
.pq-source-body { padding: 8px 12px; }
.pq-row { display: flex; gap: 8px; margin: 2px 0; font-size: .92em; }
.pq-key { flex: 0 0 4.5em; color: #666; }
.pq-val { flex: 1; }
.pq-tag { display: inline-block; background: #e3f2fd; color: #0d47a1; border-radius: 10px; padding: 0 8px; margin: 2px 4px 2px 0; font-size: .85em; }
.pq-muted { color: #888; }
.pq-clause { margin: 8px 0 0 0; padding: 8px 12px; border-left: 3px solid #90a4ae; background: #fff; color: #222; }
.pq-clause mark { background: #fff176; padding: 0 1px; }
/* 上级依据: the parent clauses beside the cited clause on a wide screen, below it on a narrow one. */
.pq-clause-pair { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
.pq-clause-pair > .pq-clause { flex: 1 1 320px; }
.pq-parents { flex: 1 1 280px; margin-top: 8px; font-size: .92em; }
.pq-parents-head { font-weight: 700; color: #444; }
.pq-parent-ref { color: #37474f; margin-top: 4px; }
.pq-parent-clause { margin: 4px 0 0 0; padding: 6px 10px; border-left: 3px solid #a5d6a7; background: #f6fbf6; color: #333; }
.pq-table { border-collapse: collapse; width: 100%; font-size: .92em; }
.pq-table th, .pq-table td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
.pq-status-tag { border-radius: 4px; padding: 0 6px; white-space: nowrap; }
.pq-ok { background: #e8f5e9; color: #1b5e20; }
.pq-missing { background: #fff3e0; color: #e65100; }
.pq-howto { margin-top: 10px; }
.pq-provenance { font-size: .85em; color: #5f6b7a; margin-top: 2px; word-break: break-all; }
.pq-file-read { color: #263238; line-height: 1.7; }
.pq-file-ok { color: #1b5e20; background: #e8f5e9; border-left: 4px solid #2e7d32; padding: 6px 10px; border-radius: 4px; }
.pq-file-error { color: #b71c1c; background: #fdecea; border-left: 4px solid #c62828; padding: 6px 10px; border-radius: 4px; }
.pq-outline-doc { margin: 8px 0; }
.pq-outline-section { margin: 6px 0; border-left: 3px solid #90a4ae; padding-left: 8px; }
.pq-outline-section > summary { font-weight: 700; cursor: pointer; }
.pq-outline-clause, .pq-outline-other { margin: 4px 0 4px 12px; }
.pq-outline-clause > summary, .pq-outline-other > summary { cursor: pointer; }
.pq-outline-text { margin: 4px 0 8px 0; color: #333; line-height: 1.7; }
.pq-tags-line { margin-top: 4px; }
/* Phones: answers take the chat's whole width (Gradio keeps 20 px gutters and 60 px of air beside a bubble). */
@media (max-width: 640px) {
  #pq-chat .message-row.bot-row { margin-left: 4px; margin-right: 4px; max-width: calc(100% - 8px); }
}
"""


def make_theme() -> Any:
    """A soft blue theme with CJK fonts available offline."""
    import gradio as gr

    return gr.themes.Soft(primary_hue="blue", font=list(FONTS), font_mono=list(MONO))
