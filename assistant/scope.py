"""Which documents a question is about, and whether they are in the corpus."""

from __future__ import annotations

import re

from index.corpus import normalise_number
from index.records import DocumentMeta

LEVEL_PHRASES = {
    "national": re.compile(r"国务院|国家(层面|文件|的?行动计划|的?规定|的?政策|的?要求)|全国(的)?(行动计划|目标)|national", re.I),
    "provincial": re.compile(r"省里|省级(文件|方案)|省政府|青海省(的)?(实施)?方案|省(的)?实施方案|provincial", re.I),
    "municipal": re.compile(r"市里|市级(文件|方案)|本市(的)?方案|格尔木(的|市)?(分工)?方案|municipal", re.I),
}
ASKS_CONTENT = re.compile(r"只看|仅看|只查|怎么|如何|要求|规定|提出|目标|内容|说了|说什么|怎么说|部署|任务|措施|哪些|什么|多少|是否|say|what", re.I)
ASKS_IDENTITY = re.compile(r"是什么文件|哪个文件|全称|名称|标题|叫什么|哪(一|个)年(发布|印发)|是哪个|依据(的)?(是)?哪|贯彻(落实)?(了)?(哪|什么)")


def short_numbers(number: str) -> tuple[str, ...]:
    """How people shorten a 文号: 国发〔2024〕17号 → 国发17号, 国发2024年17号, 国发〔2024〕17号文."""
    m = re.match(r"^(.+?)〔(\d{4})〕(\d+)号$", number)
    if not m:
        return ()
    prefix, year, n = m.groups()
    return (f"{prefix}{n}号", f"{prefix}{year}年{n}号", f"{prefix}〔{year}〕{n}号文", f"{prefix}[{year}]{n}号")


def mentioned_documents(question: str, documents: dict[str, DocumentMeta]) -> list[DocumentMeta]:
    """Documents the question names by 文号 (full or shortened), title, or level ('国家文件', '省里')."""
    text = normalise_number(question)
    found: list[DocumentMeta] = []
    for meta in documents.values():
        names = (meta.number, meta.title, meta.short_title, *short_numbers(meta.number))
        if any(name and name in text for name in names):
            found.append(meta)
    for level, pattern in LEVEL_PHRASES.items():
        if pattern.search(text):
            found.extend(m for m in documents.values() if m.level == level and m not in found)
    return found


def scoped_documents(question: str, documents: dict[str, DocumentMeta], indexed: tuple[str, ...]) -> tuple[str, ...]:
    """The indexed documents a question restricts itself to ("只看国家文件", a 文号), or () for all."""
    named = [m.number for m in mentioned_documents(question, documents) if m.number in indexed]
    if not named or set(named) == set(indexed):
        return ()
    if ASKS_IDENTITY.search(question):
        return ()
    return tuple(named)


def missing_document_asked(question: str, documents: dict[str, DocumentMeta]) -> DocumentMeta | None:
    """A listed-but-not-provided document whose content the question asks about."""
    if ASKS_IDENTITY.search(question):
        return None
    for meta in mentioned_documents(question, documents):
        if not meta.provided and ASKS_CONTENT.search(question):
            return meta
    return None
