"""Entities in a question, resolved against the index: departments (by name, abbreviation, English name,
or a misspelling of one), clause references in their common written forms, and organisation names the
documents never list. Pure functions over the question text and the index's records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from index.parse import cn_number
from index.tokenize import segment
from index.units import UnitTable

How = Literal["exact", "alias", "english", "typo"]

# Organisation names end in one of these; misspellings of listed names are looked for before them.
ORG_SUFFIX = re.compile(
    r"(?:委员会|管委会|办公室|联合会|中心|支队|(?<![布格结大全当时开终])局|(?<![党村居])委|(?<![网通举创开承兴包代督])办|(?<![大餐客])厅|(?<![全内局干东西南北中外底头顶])部|银行)(?![门分件长份署])"
)
# A name the unit table does not know counts as a department only with a government body's ending
# (养老服务中心 is a facility, 市委组织部 a department).
STRONG_SUFFIX = ("委员会", "管委会", "办公室", "局", "厅", "支队")
BODY_SUFFIX = (*STRONG_SUFFIX, "委", "办", "部")
PLACE_PREFIX = ("市", "州", "县", "省", "区", "国家", "格尔木")
# Characters that never start a department name: question words, verbs and particles before one.
NOT_NAME_START = set("的是在和与及或跟同把被让给对向从由请问哪谁那这其各该我你他它们么吗呢啊了都也还就负承参管全有些个")
SECTION_NUMERALS = "一二三四五六七八九十"
NUMERAL = r"[零〇一二两三四五六七八九十百\d]+"
# 第十二条 / 第12项 / 第十二项任务 / 第4点; （二十一） / (21); 三（七） / 五、（十八）; clause 22 / item 4.
_CLAUSE_WORD = r"(?:条|项|款|点|个任务|项任务|条任务)(?!任务[^的])"
# A bare number (no 第) counts, not names, when what follows says so: 29项任务中, 26项列了责任单位的任务.
CLAUSE_ORDINAL = re.compile(
    rf"第\s*({NUMERAL})\s*{_CLAUSE_WORD}|(?:^|(?<=[，,。；\s]))({NUMERAL})\s*{_CLAUSE_WORD}(?!(?:任务)?(?:中|里|当中|之中|列))"
)
# Arabic numbers count only in full-width brackets: (1) in alert(1) is no clause.
CLAUSE_PAREN = re.compile(r"(?:([一二三四五六七八九十])\s*、?\s*)?(?:[（(]\s*([零〇一二两三四五六七八九十百]+)\s*[）)]|（\s*(\d+)\s*）)")
CLAUSE_ENGLISH = re.compile(r"\b(?:clause|item|article|task|point|no\.?|number|#)\s*\(?(\d{1,3})\)?(?![\d–-])", re.I)
SECTION_ORDINAL = re.compile(rf"第\s*({NUMERAL})\s*(?:部分|章|节|大项|个行动|项行动|方面)|\b(?:part|section|chapter)\s+(\d)\b", re.I)


@dataclass(frozen=True)
class UnitMention:
    """A department as written in the question and what it resolved to ('' when the table lacks it)."""

    written: str
    name: str
    how: How | Literal["unknown"]
    start: int
    end: int
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClauseRef:
    """A clause the question names by number (or by its title)."""

    number: int
    written: str
    section: str = ""


def chinese_number(text: str) -> int | None:
    """二十一 → 21, 12 → 12; None when it is not a number."""
    try:
        return cn_number(text) if text else None
    except KeyError:
        return None


@cache
def numeral(n: int) -> str:
    """21 → 二十一 (how clause numbers are written)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


@cache
def _forms(table: UnitTable) -> tuple[tuple[str, str, How], ...]:
    """Every Chinese written form → canonical name, longest first."""
    out: dict[str, tuple[str, How]] = {}
    for unit in table.units:
        out.setdefault(unit.name, (unit.name, "exact"))
    for form, name in table.alias_map().items():
        out.setdefault(form, (name, "alias"))
    return tuple(sorted(((f, n, h) for f, (n, h) in out.items()), key=lambda x: -len(x[0])))


@cache
def _forms_pattern(table: UnitTable) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(form) for form, _, _ in _forms(table)))


@cache
def _english_forms(table: UnitTable) -> tuple[tuple[re.Pattern[str], str], ...]:
    pairs = [(form, unit.name) for unit in table.units for form in unit.english]
    pairs.sort(key=lambda x: -len(x[0]))
    return tuple((re.compile(rf"(?<![a-z]){re.escape(form)}(?![a-z])", re.I if not form.isupper() else 0), name) for form, name in pairs)


@cache
def _pinyin(text: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(text))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _close_forms(written: str, table: UnitTable) -> list[tuple[float, str, str]]:
    """(distance, form, canonical name) of the table's forms near a written name, nearest first.

    Same pinyin counts as distance 0.5: 水立局 reads as 水利局.
    """
    out = []
    chars = set(written)
    for form, name, _ in _forms(table):
        if abs(len(form) - len(written)) > 2 or len(form) < 3 or len(chars & set(form)) < len(form) - 2:
            continue
        d = float(edit_distance(written, form))
        if d and len(form) == len(written) and _pinyin(form) == _pinyin(written):
            d = 0.5
        out.append((d, form, name))
    out.sort()
    return out


def _typo_limit(written: str) -> float:
    """How many edits still read as a misspelling: a short name only a same-sounding character
    (渔业局 is not 林业局), a longer one one edit, a long one two."""
    return 2 if len(written) >= 8 else 1 if len(written) >= 4 else 0.5


def find_units(text: str, table: UnitTable) -> list[UnitMention]:
    """Departments in a question: exact names and abbreviations, English names, misspellings of a
    listed name, and organisation names the table does not know (how='unknown')."""
    taken = [False] * len(text)
    found: list[UnitMention] = []

    def take(start: int, end: int) -> bool:
        if any(taken[start:end]):
            return False
        taken[start:end] = [True] * (end - start)
        return True

    forms = {form: (name, how) for form, name, how in _forms(table)}
    for m in _forms_pattern(table).finditer(text):  # one pass; at each place the longest form wins
        if take(m.start(), m.end()):
            name, how = forms[m.group(0)]
            found.append(UnitMention(m.group(0), name, how, m.start(), m.end()))
    for pattern, name in _english_forms(table):
        for m in pattern.finditer(text):
            if take(m.start(), m.end()):
                found.append(UnitMention(m.group(0), name, "english", m.start(), m.end()))
    for m in ORG_SUFFIX.finditer(text):
        mention = _org_name(text, m.end(), taken, table)
        if mention is not None and take(mention.start, mention.end):
            found.append(mention)
    found.sort(key=lambda u: u.start)
    return found


def _org_name(text: str, end: int, taken: list[bool], table: UnitTable) -> UnitMention | None:
    """The organisation name ending at ``end``: a misspelt table name, or an unknown one."""
    if any(taken[end - 1 : end]):
        return None
    best: tuple[float, int, str] | None = None
    for start in range(max(0, end - 14), end - 2):
        written = text[start:end]
        if any(taken[start:end]) or not all("\u4e00" <= ch <= "\u9fff" for ch in written):
            continue
        # A misspelling keeps the body's ending unless it sounds the same: 教育部 is a ministry, not 教育局.
        close = [c for c in _close_forms(written, table) if c[1][-1] == written[-1] or c[0] < 1]
        if close and close[0][0] <= _typo_limit(written) and (best is None or close[0][0] < best[0]):
            best = (close[0][0], start, close[0][2])
    if best is not None:
        return UnitMention(text[best[1] : end], best[2], "typo", best[1], end)
    # The name runs back from its ending to a question word, particle or verb (请问市委组织部 → 市委组织部).
    start = end - 1
    while (
        start > 0
        and not taken[start - 1]
        and "\u4e00" <= text[start - 1] <= "\u9fff"
        and text[start - 1] not in NOT_NAME_START
        and end - start < 12
    ):
        start -= 1
    head = text[start:end]
    if len(head) < 3 or head in GENERIC_ORGS or not head.endswith(BODY_SUFFIX):
        return None
    if not head.endswith(STRONG_SUFFIX) and not head.startswith(PLACE_PREFIX):
        return None  # 组织部 alone is too vague to judge; 市委组织部 is a department
    if end not in word_ends(text):
        return None  # the ending is inside a word: 格尔木上公办学校 names a school, not a 办
    suggestions = tuple(dict.fromkeys(n for d, _, n in _close_forms(head, table) if d <= (2 if len(head) >= 5 else 1)))[:3]
    return UnitMention(head, "", "unknown", end - len(head), end, suggestions)


@lru_cache(maxsize=4096)
def word_ends(text: str) -> frozenset[int]:
    """Offsets where jieba's words end in a text."""
    ends, at = set(), 0
    for word in segment(text):
        found = text.find(word, at)
        if found < 0:
            continue
        at = found + len(word)
        ends.add(at)
    return frozenset(ends)


# Words that end like an organisation but name none.
GENERIC_ORGS = frozenset(
    {"各部门", "有关部门", "相关部门", "责任部门", "哪个部门", "哪些部门", "什么部门", "职能部门", "行业部门", "主管部门", "政府部门"}
)


def find_clause_refs(text: str, max_clause: int, titles: dict[int, str]) -> list[ClauseRef]:
    """Clauses named by number in their common forms, or by (most of) their title."""
    refs: list[ClauseRef] = []

    def add(number: int | None, written: str, section: str = "") -> None:
        if number is not None and 1 <= number <= max_clause and number not in [r.number for r in refs]:
            refs.append(ClauseRef(number, written, section))

    for m in CLAUSE_ORDINAL.finditer(text):
        add(chinese_number(m.group(1) or m.group(2)), m.group(0))
    for m in CLAUSE_PAREN.finditer(text):
        add(chinese_number(m.group(2) or m.group(3)), m.group(0).strip(), m.group(1) or "")
    for m in CLAUSE_ENGLISH.finditer(text):
        add(int(m.group(1)), m.group(0))
    if not refs:
        for number, title in titles.items():
            if title_named(title, text):
                add(number, title)
    return refs


def title_named(title: str, text: str, share: float = 0.8) -> bool:
    """Whether the text names a heading: most of the title's character pairs (all of a short one's) occur in it."""
    core = re.sub(r"[“”\"，、。\s]", "", title)
    pairs = {core[i : i + 2] for i in range(len(core) - 1)}
    if len(pairs) < 4:
        return len(pairs) >= 2 and all(p in text for p in pairs)
    return sum(p in text for p in pairs) / len(pairs) >= share


def find_section_refs(text: str, sections: tuple[str, ...]) -> list[str]:
    """Sections named by ordinal (第三部分 → 三)."""
    out = []
    for m in SECTION_ORDINAL.finditer(text):
        n = chinese_number(m.group(1) or m.group(2))
        if n is not None and 1 <= n <= len(SECTION_NUMERALS) and SECTION_NUMERALS[n - 1] in sections:
            out.append(SECTION_NUMERALS[n - 1])
    return out
