"""Which documents a question is about, and whether they are in the corpus.

A question names documents by 文号 or title, by level (省里, 国家文件, 本市) or by place (格尔木, 青海省,
any city the manifest knows). Places come from the manifest (each document's place, or its issuer's),
never from code; the home city and province are those of the primary documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.corpus import normalise_number
from index.manifest import LEVELS
from index.records import DocumentMeta

# Words for a level, and for "our own" city or province; no place names.
LEVEL_PHRASES = {
    "national": re.compile(r"国务院|国家(层面|级文件|文件|的?行动计划|的?规定|的?政策|的?要求)|全国(的)?(行动计划|目标)|national", re.I),
    "provincial": re.compile(r"省里|省级|省政府|省(的)?(实施)?方案|省(的)?文件|本省|我省|provincial", re.I),
    "municipal": re.compile(r"市里|市级(文件|方案)|本市|我市|市政府|市(的)?(分工)?方案|municipal", re.I),
}
ADMIN_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|省|市|州|盟|县|旗|区)$")
ETHNIC = re.compile(r"^(?P<stem>[\u4e00-\u9fff]{2,}?)(?:[\u4e00-\u9fff]{1,3}?族)+$")
LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}  # national 0 … municipal 2: higher is lower


@dataclass(frozen=True)
class MissingDocument:
    """A listed-but-not-indexed document whose content a question asks about.

    ``instead``: indexed documents of its level (and place) that may answer in its place; empty when
    none does, or when the question named the missing document itself (then it is refused).
    """

    meta: DocumentMeta
    instead: tuple[str, ...] = ()

    @property
    def blocks(self) -> bool:
        """True when the question can only be refused (nothing indexed stands in for the document)."""
        return not self.instead

    @property
    def number(self) -> str:
        return self.meta.number

    @property
    def title(self) -> str:
        return self.meta.title


def asks_identity(question: str) -> bool:
    """Whether a question asks which document a document is (青海省的实施方案是哪个文件？, 国发〔2024〕17号是什么文件？),
    its full title or the documents it rests on (document attributes), not what it says: a question word
    over the grammar's document noun."""
    from assistant.reading.form import after_word, noun_in, question_words
    from assistant.reading.grammar import sentence, words
    from assistant.route import document_attribute

    if document_attribute(question) in ("title", "parents"):
        return True
    s = sentence(question)
    return any(noun_in(n, after_word(s, at, w)) for at, w in question_words(s) for n in words("noun", "documents"))


def short_numbers(number: str) -> tuple[str, ...]:
    """How people shorten a 文号: 国发〔2024〕17号 → 国发17号, 国发2024年17号, 国发〔2024〕17号文."""
    m = re.match(r"^(.+?)〔(\d{4})〕(\d+)号$", number)
    if not m:
        return ()
    prefix, year, n = m.groups()
    return (f"{prefix}{n}号", f"{prefix}{year}年{n}号", f"{prefix}〔{year}〕{n}号文", f"{prefix}[{year}]{n}号")


def place_names(place: str) -> tuple[str, ...]:
    """How a question may write a place: 格尔木市 → 格尔木市, 格尔木; 海西蒙古族藏族自治州 → …, 海西州, 海西."""
    if not place:
        return ()
    names = [place]
    m = ADMIN_SUFFIX.search(place)
    stem = place[: m.start()] if m else place
    ethnic = ETHNIC.match(stem)
    if ethnic and m:
        short = ethnic.group("stem")
        names += [short + m.group(0)[-1], short]
    elif len(stem) >= 2 and stem != place:
        names.append(stem)
    return tuple(dict.fromkeys(names))


def known_places(documents: dict[str, DocumentMeta]) -> tuple[str, ...]:
    """Every place the manifest knows (each document's place, from its place field or its issuer),
    with its short forms (格尔木市, 格尔木, 青海省, 青海, …), longest first."""
    names = {name for meta in documents.values() for name in place_names(meta.place)}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def coverage(documents: dict[str, DocumentMeta], indexed: tuple[str, ...]) -> str:
    """The places the indexed documents govern, for a refusal: 格尔木市、青海省、全国."""
    return "、".join(dict.fromkeys(documents[n].place or NATIONAL for n in indexed if n in documents)) or "无"


NATIONAL = "全国"


def primary_documents(documents: dict[str, DocumentMeta], indexed: tuple[str, ...]) -> tuple[str, ...]:
    """The indexed documents answered from first: those the manifest marks ``primary = true``, else
    the indexed documents of the lowest level (a city's plan before its province's)."""
    marked = tuple(n for n in indexed if (m := documents.get(n)) and m.primary)
    if marked:
        return marked
    levels = [documents[n].level for n in indexed if n in documents]
    if not levels:
        return tuple(indexed)
    lowest = max(levels, key=LEVEL_ORDER.__getitem__)
    return tuple(n for n in indexed if n in documents and documents[n].level == lowest)


def home_places(documents: dict[str, DocumentMeta], indexed: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Level → the places "本市 / 本省" stand for: the primary documents' own places, and the places of
    the documents they implement."""
    homes: dict[str, list[str]] = {level: [] for level in LEVELS}
    todo = [documents[n] for n in primary_documents(documents, indexed) if n in documents]
    seen: set[str] = set()
    while todo:
        meta = todo.pop(0)
        if meta.number in seen:
            continue
        seen.add(meta.number)
        if meta.place and meta.place not in homes[meta.level]:
            homes[meta.level].append(meta.place)
        todo.extend(documents[n] for n in meta.implements if n in documents)
    return {level: tuple(places) for level, places in homes.items()}


def places_in(question: str, documents: dict[str, DocumentMeta]) -> list[tuple[str, int, int]]:
    """The manifest's places a question names, as (place, start, end), longest names first, no overlaps."""
    by_name = {name: meta.place for meta in documents.values() for name in place_names(meta.place)}
    taken = [False] * len(question)
    found = []
    for name in sorted(by_name, key=len, reverse=True):
        for m in re.finditer(re.escape(name), question):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            found.append((by_name[name], m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


def strip_places(text: str, documents: dict[str, DocumentMeta]) -> str:
    """The text without the manifest's place names: once a place has chosen the documents, its name
    is no topic (every passage of a city's plan is about that city, and its notice names it most)."""
    spans = places_in(text, documents)
    for _, start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


def _named(question: str, documents: dict[str, DocumentMeta]) -> list[DocumentMeta]:
    """Documents the question names by 文号 (full or shortened, or in pinyin: Guo Fa [2024] No. 17) or title."""
    text = normalise_number(question)
    return [
        m
        for m in documents.values()
        if any(n and n in text for n in (m.number, m.title, m.short_title, *short_numbers(m.number)))
        or ((latin := latin_number(m.number)) is not None and latin.search(question))
    ]


@lru_cache(maxsize=256)
def latin_number(number: str) -> re.Pattern[str] | None:
    """How an English question writes a 文号: 国发〔2024〕17号 → Guo Fa [2024] No. 17 (also GuoFa 2024 17)."""
    m = re.match(r"^(.+?)〔(\d{4})〕(\d+)号$", number)
    if not m:
        return None
    from pypinyin import lazy_pinyin

    prefix, year, n = m.groups()
    syllables = r"\s*".join(re.escape(s) for s in lazy_pinyin(prefix))
    return re.compile(rf"\b{syllables}\W*{year}\W*(no\.?|number)?\s*{n}\b", re.I)


def _by_level(question: str, documents: dict[str, DocumentMeta], homes: dict[str, tuple[str, ...]]) -> list[DocumentMeta]:
    """Documents a level phrase points at: 国家 → national; 省里, 本市 → the home province's or city's.
    A named place's own words (霁浦市的分工方案) are the place's, not a level phrase."""
    unplaced = strip_places(question, documents)
    found = []
    for level, pattern in LEVEL_PHRASES.items():
        if pattern.search(unplaced):
            home = homes.get(level, ())
            found += [m for m in documents.values() if m.level == level and (not home or not m.place or m.place in home)]
    return found


def names_document(text: str, documents: dict[str, DocumentMeta]) -> bool:
    """Whether a text (what follows a place) begins by naming a document: 的, a demonstrative (这个, 那份) or
    words of the documents' titles (分工, 实施) before the grammar's document noun (文件) or a word the
    manifest's titles end with (方案, 行动计划, 通知): 青海省的实施方案, 格尔木这个方案; not 青海省什么示范区."""
    from assistant.reading.grammar import words
    from index.tokenize import segment

    titles = [segment(t) for m in documents.values() for t in (m.title, m.short_title) if t]
    ends = tuple({t[-1] for t in titles if t})
    title_words = {w for t in titles for w in t}
    for word in segment(text)[:4]:
        if word in words("noun", "documents") or word.endswith(ends):
            return True
        if word != "的" and not word.startswith(words("scope", "demonstratives")) and word not in title_words:
            return False
    return False


def mentioned_documents(question: str, documents: dict[str, DocumentMeta], indexed: tuple[str, ...] = ()) -> list[DocumentMeta]:
    """Documents the question refers to as documents: by 文号 or title, by level ('国家文件', '省里',
    '本市'), or by place followed by a document word ('青海省的方案')."""
    homes = home_places(documents, indexed or tuple(documents))
    found = _named(question, documents) + _by_level(question, documents, homes)
    for place, _, end in places_in(question, documents):
        if names_document(question[end:], documents):
            found += [m for m in documents.values() if m.place == place]
    return list(dict.fromkeys(found))


def scoped_documents(question: str, documents: dict[str, DocumentMeta], indexed: tuple[str, ...]) -> tuple[str, ...]:
    """The indexed documents a question restricts itself to, or () for all.

    A 文号 or title, a level ("只看国家文件", "省里", "本市") or a place (格尔木, 青海省, any city the
    manifest knows) selects the indexed documents of that document, level or place.
    """
    if asks_identity(question):
        return ()
    homes = home_places(documents, indexed)
    selected = _named(question, documents) + _by_level(question, documents, homes)
    places = {place for place, _, _ in places_in(question, documents)}
    selected += [m for m in documents.values() if m.place in places]
    scoped = [n for n in indexed if n in {m.number for m in selected}]
    if not scoped or set(scoped) == set(indexed):
        return ()
    return tuple(scoped)


def missing_document_asked(
    question: str, documents: dict[str, DocumentMeta], indexed: tuple[str, ...] | None = None
) -> MissingDocument | None:
    """A listed-but-not-provided document (not indexed, when ``indexed`` is given) whose content the
    question asks about, with the indexed documents of its level that can answer instead.

    A document named by 文号 or title blocks (``instead`` is empty); one reached by level or place
    ("省级文件…") does not block when another indexed document of that level and place is there.
    """
    if asks_identity(question):
        return None
    available = tuple(indexed) if indexed is not None else tuple(n for n, m in documents.items() if m.provided)
    named = {m.number for m in _named(question, documents)}
    for meta in mentioned_documents(question, documents, available):
        if meta.number in available or (indexed is None and meta.provided):
            continue
        if meta.number in named:
            return MissingDocument(meta)
        instead = tuple(
            n
            for n in available
            if (o := documents.get(n)) and o.level == meta.level and (not meta.place or not o.place or o.place == meta.place)
        )
        return MissingDocument(meta, instead)
    return None
