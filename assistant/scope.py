"""Which documents a question is about, and whether they are in the corpus."""

from __future__ import annotations

import re

from index.records import DocumentMeta

LEVEL_PHRASES = {
    "national": re.compile(r"国务院|国家(层面|文件|的?行动计划|的?规定|的?政策)|全国(的)?(行动计划|目标)|national", re.I),
    "provincial": re.compile(r"省里|省级(文件|方案)|省政府|青海省(的)?(实施)?方案|省(的)?实施方案|provincial", re.I),
}
ASKS_CONTENT = re.compile(r"要求|规定|提出|目标|内容|说了|说什么|怎么说|部署|任务|措施|哪些|什么|多少|是否|say|what", re.I)
ASKS_IDENTITY = re.compile(r"是什么文件|哪个文件|全称|名称|标题|叫什么|哪(一|个)年(发布|印发)|是哪个|依据(的)?(是)?哪|贯彻(落实)?(了)?(哪|什么)")


def normalise_number(text: str) -> str:
    """Bracket and character variants of a 文号 → the canonical 〔〕 form."""
    return re.sub(r"[\[［【(（](\d{4})[\]］】)）]", r"〔\1〕", text).replace("號", "号")


def mentioned_documents(question: str, documents: dict[str, DocumentMeta]) -> list[DocumentMeta]:
    """Documents the question names by 文号, title, or level ('国家文件', '省里')."""
    text = normalise_number(question)
    found: list[DocumentMeta] = []
    for meta in documents.values():
        if meta.number in text or meta.title in text or meta.short_title in text:
            found.append(meta)
    for level, pattern in LEVEL_PHRASES.items():
        if pattern.search(text):
            found.extend(m for m in documents.values() if m.level == level and m not in found)
    return found


def missing_document_asked(question: str, documents: dict[str, DocumentMeta]) -> DocumentMeta | None:
    """A listed-but-not-provided document whose content the question asks about."""
    if ASKS_IDENTITY.search(question):
        return None
    for meta in mentioned_documents(question, documents):
        if not meta.provided and ASKS_CONTENT.search(question):
            return meta
    return None
