"""What a question asks for, read from its grammar: who (谁, 哪些部门, 责任单位是哪些), how many (几项,
多少个部门), the most or fewest, which clauses mention something, the noun a question word asks about.
One reading, used by the question model (understand.py) and the planner alike."""

from __future__ import annotations

import re

from assistant.reading.grammar import A_NOT_A, FINAL_PARTICLES, Sentence, names, words

AFTER = 10  # characters after 哪 / 几 / 多少 in which the noun it asks about stands (多少个不同的责任单位)
BEFORE = 8  # characters before it in which a subject noun stands (责任单位是哪些)
ONLY_ONE = re.compile(r"只.{0,4}(一|1)(项|条|个|次)|\bonly (one|once)\b", re.I)


def noun_in(noun: str, text: str) -> bool:
    return bool(re.search(rf"\b{noun}", text)) if noun.isascii() else noun in text


def _nearest(before: str) -> str:
    """The records noun nearest the end of a stretch: 'units', 'clauses' or ''."""
    last = {kind: max((before.rfind(n) for n in words("noun", kind)), default=-1) for kind in ("units", "clauses")}
    kind = max(last, key=lambda k: last[k])
    return kind if last[kind] >= 0 else ""


def question_words(s: Sentence) -> list[tuple[int, str]]:
    """哪 / 几 / 多少 / which / how many: where the question words that ask for something stand."""
    return sorted(s.find("ask", "which", prefix=True) + s.find("ask", "count", prefix=True))


def after_word(s: Sentence, at: int, word: str) -> str:
    """What follows a question word: a few characters, or three English words."""
    if word.isascii():
        return " ".join(w.rstrip("s?.,") for w in s.lower[at:].split()[: 3 + word.count(" ")])
    return re.split(r"[，,。？?！!；;]", s.text[at : at + len(word) + AFTER])[0]  # within its clause


def asked_noun_in(near: str) -> str:
    """The first records noun in what follows a question word: 'units', 'clauses' or ''."""
    found = {k: min((near.find(n) for n in words("noun", k) if noun_in(n, near)), default=-1) for k in ("units", "clauses")}
    found = {k: v for k, v in found.items() if v >= 0}
    return min(found, key=lambda k: found[k]) if found else ""


def asked_noun(s: Sentence) -> str:
    """The records noun a question word asks about: 'units' (哪些部门, 多少个单位, 责任单位是哪些),
    'clauses' (哪几条, 多少项任务) or ''."""
    for at, word in question_words(s):
        found = asked_noun_in(after_word(s, at, word))
        if found:
            return found
        if not word.isascii():
            before = _nearest(s.text[max(0, at - BEFORE) : at])
            if before:
                return before
    return ""


def who_span(s: Sentence) -> tuple[int, int] | None:
    """Where the question asks who is responsible, or None: 谁 (not 跟谁), a question word over the
    units noun (哪些部门, 责任单位是哪些), or a question that ends on the units noun (…责任单位？)."""
    for at, word in s.find("ask", "who"):
        if word.isascii():
            return at, at + len(word)
    for m in re.finditer("谁", s.text):  # 归谁管, 由谁负责 (jieba may join 谁 to its neighbours)
        if s.text[m.start() - 1 : m.start()] not in words("ask", "partner"):
            return m.start(), m.end()
    for at, word in question_words(s):
        near = after_word(s, at, word)
        rest = near[len(word) :].lstrip("一几个些")
        if not word.isascii() and any(rest.startswith(c) and not _other_noun(rest[len(c) :]) for c in words("ask", "org_classifier")):
            return at, at + len(word) + 2  # 哪家, 哪几家, 哪个局; not 哪家公司
        after = asked_noun_in(near)
        if after == "units":
            return at, at + len(near) if not word.isascii() else at + len(word)
        before = s.text[max(0, at - BEFORE) : at]
        if not after and not word.isascii() and _nearest(before) == "units":  # 几项 asks for tasks whatever precedes
            noun = max(before.rfind(n) for n in words("noun", "units"))
            return at - len(before) + noun, at + len(word)
    m = re.search(r"责任(单位|部门)[呢是为有]?[？?\s]*$", s.text)
    return (m.start(), m.end()) if m else None


def _other_noun(text: str) -> bool:
    """Whether the text opens with a noun that names no unit (哪家公司, 哪家医院): then 哪家 asks for that."""
    from index.tokenize import word_tags

    tags = [(w, t) for w, t in word_tags(text) if w.strip()]
    if not tags:
        return False
    first, tag = tags[0]
    return tag.startswith("n") and len(first) > 1 and not any(n in first for n in words("noun", "units"))


def asks(s: Sentence) -> bool:
    """Whether a sentence asks: the yes/no form, who, or a question word (哪 / 几 / 多少 / which)."""
    return bool(s.polar() or s.has("ask", "who") or question_words(s))


def asks_who(s: Sentence) -> bool:
    return who_span(s) is not None


def counts(s: Sentence) -> bool:
    """几 / 多少 / how many, not 哪几 (which) or 这几 (these)."""
    return any(s.text[max(0, at - 1) : at] not in ("哪", "这", "那") for at, _ in s.find("ask", "count", prefix=True))


def extreme(s: Sentence) -> bool:
    """最多 / 最少 / only one: a ranking."""
    return s.has("ask", "extreme") or bool(ONLY_ONE.search(s.text))


def fewest(s: Sentence) -> bool:
    return any(w in ("最少", "fewest", "least") for _, w in s.find("ask", "extreme")) or bool(ONLY_ONE.search(s.text)) or "只" in s.text


def listing(s: Sentence) -> bool:
    """A question that asks for a list: a question word, a request (列出), or all / every."""
    plural = any(t.startswith(("哪些", "哪几")) for t in s.tokens) or re.search(r"\b(which|list|all)\b", s.lower)
    return bool(plural) or counts(s) or s.has("ask", "request") or any(w in s.text for w in ("所有", "全部"))


def mentions(s: Sentence) -> bool:
    return s.has("relate", "mention")


def negations(s: Sentence) -> list[tuple[int, str]]:
    """Where the question negates: negation words outside a yes/no A-not-A form (有没有 asks, it does
    not deny), and words made of a negation and a verb of the records (不管, 没管)."""
    polar = [range(m.start(), m.end()) for m in A_NOT_A.finditer(s.text)]
    found = [(at, w) for at, w in s.find("polarity", "negation") + s.find("polarity", "exclusion") if not any(at in r for r in polar)]
    for token, at in zip(s.tokens, s.starts):
        verbs = words("relate", "verbs") + words("relate", "belong")
        if len(token) > 1 and token[0] in "不没未" and token[1:] in verbs and not any(at in r for r in polar):
            found.append((at, token[0]))
    return sorted(set(found))


def units_noted(s: Sentence, unit_named: bool = False) -> bool | None:
    """有（列了）责任单位的任务 → True; 没有（列）责任单位的任务 → False; None when the question says
    neither. The units noun counts with 责任 or beside a task noun (没有固定单位 is an employer); with a
    unit named, only with 责任 (有责任单位的任务里，发改委没参与的)."""
    negs = negations(s)
    for noun in words("noun", "units"):
        for m in re.finditer(noun, s.text):
            head = s.text[max(0, m.start() - 6) : m.start()]
            if "责任" not in head and (unit_named or not names(s, "clauses")):
                continue
            near = [at for at, _ in negs if m.start() - 6 <= at < m.start()]
            if near:
                return False
            # 列有责任单位的任务, 只算有责任单位的: the noun qualifies the tasks (not 都有的责任单位是哪些)
            tail = s.text[m.end() : m.end() + 6]
            ends = not tail.strip("。？?！!，, ") or not tail[1:].strip("。？?！!，, ")  # …有没有列明责任单位？ / 只算有责任单位的。
            if any(v in head for v in ("有", "列")) and (
                tail.startswith("的") and any(n in tail for n in words("noun", "clauses")) or ends
            ):
                return True
            if not unit_named and "责任" in head and s.polar() and not tail.strip(FINAL_PARTICLES):  # 写了责任单位吗: whatever the verb, a yes/no about the units noun
                return True
    return None


NOUNISH = ("n", "vn", "nz", "x", "j", "l")  # the tags of a noun phrase's words (x: a run jieba does not know)
SKIPPED = ("v", "d", "m", "t", "q", "uj", "p", "a", "f", "r")  # 有, 最, 一个月, 一学期, 的…: between a noun and 多少
MAX_SKIPPED = 3
DEGREE = "大高长久远"  # 多大, 多高, 多长, 多久, 多远: 多 before an adjective of degree asks a figure


def measured(text: str) -> str:
    """The noun whose figure a question asks for: the noun after 多少 / 几 when one follows (能拿多少奖励),
    else the head of the noun phrase before it, across a few verbs, adverbs or time words (保育费多少,
    房租一个月多少钱, 电站装机容量有多大 → 装机容量); '' when the question asks no figure or names nothing."""
    from index.tokenize import word_tags

    tags = [(w, t) for w, t in word_tags(text) if w.strip()]
    for i, (word, _) in enumerate(tags):
        asks = word in words("ask", "count") or (word.startswith(words("ask", "count")) and not word.startswith("几乎"))
        following = tags[i + 1][0] if i + 1 < len(tags) else ""
        asks = asks or (word == "多" and following in DEGREE) or (len(word) == 2 and word[0] == "多" and word[1] in DEGREE)
        if not asks or text[max(0, text.find(word) - 1) : text.find(word)] in ("哪", "这", "那"):
            continue
        after = tags[i + 1] if i + 1 < len(tags) else ("", "")
        if word == "多":
            after = ("", "")
        if len(after[0]) > 1 and after[1].startswith(NOUNISH):
            return after[0]
        run: list[str] = []
        skipped = 0
        for j in range(i - 1, -1, -1):
            w, t = tags[j]
            if re.fullmatch(r"[，,。？?！!；;、]", w):
                break
            counted = j > 0 and tags[j - 1][1] == "m" and len(tags[j - 1][0]) == 1  # 一学期: a measure, not what is measured
            glued = len(w) == 1 and not run and j > 0 and tags[j - 1][1].startswith(NOUNISH)  # 保育|费
            if t.startswith(NOUNISH) and not counted and (len(w) > 1 or run or glued):
                run.insert(0, w)
            elif run:
                break
            elif (t.startswith(SKIPPED) or len(w) == 1) and skipped < MAX_SKIPPED:  # 交 in 押金要交多少
                skipped += 1
            else:
                break
        head = "".join(run[-2:]) if run and len(run[-1]) == 1 else (run[-1] if run else "")  # 小区物业费 → 物业费
        if len(head) > 1:
            return head
    return ""
