"""HTML for the documents tab: each plan's outline with clause texts, and the corpus document list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from index.records import DocumentMeta, Part
from ui.render import esc, text_block, unit_tags

LEVELS = {"national": "国家", "provincial": "省级", "municipal": "市级"}
ADD_COMMAND = "planqa corpus add FILE --number 文号"


def document_status(meta: DocumentMeta, indexed: Iterable[str]) -> str:
    """'已索引', '已列入清单，未提供正文' or '已提供，未索引' for one manifest entry."""
    if meta.number in set(indexed):
        return "已索引"
    if not meta.provided:
        return "已列入清单，未提供正文"
    return "已提供，未索引（请运行 planqa index）"


def provenance_html(meta: DocumentMeta) -> str:
    """How a provided document's text came in: read by OCR (with its confidence), fetched from a web address."""
    notes = []
    if meta.provided and meta.ocr_pages:
        notes.append(f"扫描件，文字识别 {meta.ocr_pages} 页，平均置信度 {meta.ocr_confidence:.1%}")
    if meta.provided and meta.source:
        fetched = f"（{esc(meta.fetched)} 获取）" if meta.fetched else ""
        link = meta.source.lower().startswith(("http://", "https://"))  # a hand-edited manifest may hold anything
        where = f'<a href="{esc(meta.source)}" target="_blank" rel="noopener noreferrer">{esc(meta.source)}</a>' if link else esc(meta.source)
        notes.append(f"来自 {where}{fetched}")
    return "".join(f'<div class="pq-provenance">{note}</div>' for note in notes)


def documents_html(documents: Mapping[str, DocumentMeta], indexed: Iterable[str]) -> str:
    """The corpus document list with each document's status, and how to add one."""
    indexed = set(indexed)
    rows = []
    for meta in documents.values():
        status = document_status(meta, indexed)
        css = "pq-ok" if meta.number in indexed else "pq-missing"
        rows.append(
            f"<tr><td>{esc(meta.number)}</td><td>{esc(meta.title)}</td><td>{esc(meta.issuer)}</td>"
            f"<td>{esc(LEVELS.get(meta.level, meta.level))}</td><td>{esc(meta.date)}</td>"
            f'<td><span class="pq-status-tag {css}">{esc(status)}</span>{provenance_html(meta)}</td></tr>'
        )
    table = (
        '<table class="pq-table"><thead><tr><th>文号</th><th>标题</th><th>发文机关</th><th>层级</th><th>日期</th><th>状态</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    how = (
        '<div class="pq-howto"><b>添加文件：</b>在下面上传文件（PDF、DOCX、HTML、TXT）或输入网址；'
        f"在服务器上也可运行 <code>{esc(ADD_COMMAND)}</code>（FILE 可以是网址）。"
        "“已列入清单，未提供正文”的上级文件，添加后即补上正文，无需重启服务。</div>"
    )
    return f'<div class="pq-documents">{table}{how}</div>'


def _clause_html(part: Part) -> str:
    return (
        f'<details class="pq-outline-clause" data-path="{esc(part.path)}">'
        f"<summary>{esc(part.path)} {esc(part.title)}</summary>"
        f'<div class="pq-outline-body"><div class="pq-tags-line">{unit_tags(part.unit_names)}</div>'
        f'<div class="pq-outline-text">{text_block(part.text)}</div></div></details>'
    )


def outline_html(parts: Sequence[Part], documents: Mapping[str, DocumentMeta]) -> str:
    """Every indexed document as sections and clauses; each clause opens to its text and departments."""
    out = ['<div class="pq-outline">']
    for doc in dict.fromkeys(p.doc for p in parts):
        meta = documents.get(doc)
        out.append(f'<h3 class="pq-outline-doc">{esc(meta.title if meta else doc)}（{esc(doc)}）</h3>')
        doc_parts = [p for p in parts if p.doc == doc]
        for part in doc_parts:
            if part.kind == "section":
                clauses = "".join(_clause_html(c) for c in doc_parts if c.kind == "clause" and c.section == part.section)
                out.append(
                    f'<details class="pq-outline-section" open><summary>{esc(part.section or part.title)}</summary>'
                    f'<div class="pq-outline-text">{text_block(part.text)}</div>{clauses}</details>'
                )
            elif part.kind == "clause" and not any(s.kind == "section" and s.section == part.section for s in doc_parts):
                out.append(_clause_html(part))
            elif part.kind != "clause":
                out.append(
                    f'<details class="pq-outline-other"><summary>{esc(part.title or part.path)}</summary>'
                    f'<div class="pq-outline-text">{text_block(part.text)}</div></details>'
                )
    out.append("</div>")
    return "".join(out)
