"""What a searched question is about, and whether the documents — or the passage found — speak of it.

A question's focus is its most specific concept word (rarest in general Chinese, assistant.lexicon).
A question that asks several things has a focus per part; a part with no specific concept of its own
(规划里有没有说要多建几个) is about what the message is about (公共厕所). The documents address the
question when one part's focus is theirs; the passage answers when it speaks of one part's focus.

A focus the passage lacks is a detail, not the topic, when the passage holds SUPPORT other specific
words of the question (their own form or what the lexicon maps them to): 包工头 in 包工头老拖工资，
方案管不管农民工讨薪 is the story's word; the clause on 农民工工资支付 answers it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.english_concepts import english_concepts
from assistant.lexicon import NOT_EXPANDED, SPECIFIC, Expansion, Expansions, expand
from assistant.reading.form import asks, measured
from assistant.reading.grammar import sentence
from assistant.reading.story import split_story
from index.lexical import general_frequency
from index.tokenize import segment, word_tags

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge
    from assistant.records import Answer, Hit
    from assistant.understand import Query

SEARCHED = ("fact", "eligibility")  # the intents answered from a passage, whose focus is checked
ASKING = ("多", "几", "哪", "什么", "怎")  # 多长时间, 几年: words that ask, not what is asked about
NOUN_SUFFIXES = "子儿头"  # 巷子, 车子, 馒头: a noun suffix that leaves the root's meaning
SUPPORT = 2  # other specific words of the question a passage must hold to answer without its focus
# A supporting word may be commoner than a focus (培训 4676, 工资 4976 in jieba's counts), not as common
# as the words that frame any question (政府 23452, 城市 25084, 方式 16797).
SUPPORTING = 10000


def _read(knowledge: Knowledge, text: str) -> Expansions:
    return expand(split_story(text).question or text, knowledge)


def _specific(found: Expansions) -> bool:
    return bool(found.focus) and general_frequency(found.focus) < SPECIFIC and not found.focus.startswith(ASKING)


def _readings(knowledge: Knowledge, q: Query) -> list[Expansions]:
    """The question read once per part; a part without a specific concept of its own reads as the whole."""
    whole = expand(q.text, knowledge) if len(q.parts) > 1 else _read(knowledge, q.text)
    if len(q.parts) < 2:
        return [whole]
    readings = [_read(knowledge, p) for p in q.parts]
    return [r if _specific(r) else whole for r in readings]


def _close(found: Expansions, word: str) -> list[Expansion]:
    """The expansions that say the word in the corpus's terms; a word of the same kind (词林's # group:
    中考 for 高考) names another thing, and covers nothing."""
    return [e for e in found.of(word) if e.kind != "related"]


def _absent(knowledge: Knowledge, found: Expansions) -> str:
    """The focus when the documents never use it and the lexicon maps it to nothing they use (a word of
    the same kind does not count: 房价 is not the plan's 市情); else ''."""
    focus = found.focus
    close = _close(found, focus)
    only_related = not close and bool(found.of(focus)) and focus not in knowledge.vocabulary
    if not _specific(found) or (not only_related and (focus not in found.unknown or close)):
        return ""
    root = focus[:-1] if len(focus) > 2 or focus[-1] in NOUN_SUFFIXES else focus
    return "" if focus[-1] in NOUN_SUFFIXES and root in knowledge.vocabulary else focus  # 巷子 is the plan's 巷


def unaddressed(knowledge: Knowledge, q: Query, hits: list[Hit]) -> str:
    """The question's focus when the documents never speak of it (校车, 物业费) and the best passage
    found does not answer the rest of a question (a request such as 帮我写一份申请书 has no rest) — for
    a question of several parts, when that holds of every part — else ''."""
    if q.intent not in SEARCHED or q.units or q.clauses:
        return ""
    best = hits[0].part.text if hits else ""
    if q.language == "en":
        return _english_gap(knowledge, q, best)
    texts = q.parts if len(q.parts) > 1 else (q.text,)
    unmeasured = [_unmeasured(knowledge, t) for t in texts]
    if all(unmeasured):
        return unmeasured[0]
    asking = _asks(q)
    readings = _readings(knowledge, q)
    gaps = [m for m, r in ((_absent(knowledge, r), r) for r in readings) if m and (not asking or len(_support(r, best)) < SUPPORT)]
    return gaps[0] if len(gaps) == len(readings) else ""


def _unmeasured(knowledge: Knowledge, text: str) -> str:
    """The noun whose figure the text asks for (保育费多少, 装机容量有多大) when the documents never
    speak of it — they cannot give its figure — else ''."""
    noun = measured(split_story(text).question or text)
    if not noun or noun in knowledge.vocabulary:
        return ""
    found = expand(noun, knowledge)  # a word for the whole noun; its parts' words (保育→托育) name other things
    return "" if any(e.word == noun for e in found.expansions) else noun


def _english_gap(knowledge: Knowledge, q: Query, text: str) -> str:
    """An English question's first concept the corpus has no word for (subway, public toilet), when the
    passage holds fewer than SUPPORT of its other concepts (rail → 铁路); else ''."""
    concepts = english_concepts(q.text, knowledge.vocabulary)
    unknown = [c.phrase for c in concepts if not c.terms]
    held = [c for c in concepts if c.terms and any(holds(text, t) for t in c.terms)]
    return unknown[0] if unknown and len(held) < SUPPORT else ""


def _asks(q: Query) -> bool:
    """Whether the message asks (a question word, the yes/no form, a question mark); a request such
    as 帮我写一份申请书 does not, and is answered only by its focus."""
    return asks(sentence(q.text)) or bool(re.search(r"[？?]", q.text))


def _support(found: Expansions, text: str) -> list[str]:
    """The question's specific words other than its focus (nouns and verbs alike: 培训, 入股) that the
    text holds, in their own form or as a word the lexicon maps them to."""
    tags = dict(word_tags(" ".join(found.words)))
    held = []
    for w in found.words:
        if w == found.focus or w in found.unknown or general_frequency(w) >= SUPPORTING or NOT_EXPANDED.match(tags.get(w, "n")):
            continue
        if holds(text, w) or any(holds(text, e.term) for e in found.of(w) if e.word == w):
            held.append(w)
    return held


def _silent_on(found: Expansions, cited: str, asking: bool = True) -> str:
    focus = found.focus
    if not _specific(found):
        return ""
    forms = {focus, *(e.term for e in _close(found, focus))}
    if focus[-1] in NOUN_SUFFIXES:
        forms.add(focus[:-1])
    if any(holds(cited, f) for f in forms) or pairs_in(focus, cited) or (asking and len(_support(found, cited)) >= SUPPORT):
        return ""
    return focus


def off_focus(knowledge: Knowledge, q: Query, answer: Answer) -> str:
    """The question's focus when the clauses the answer cites say nothing of it — not the word, its
    root, nor any of the documents' words the lexicon maps it to (for each part of a question of
    several); else ''."""
    if q.intent not in SEARCHED or q.units or q.clauses or not answer.citations:
        return ""
    cited = "".join(c.text for c in answer.citations)
    if q.language == "en":
        return _english_gap(knowledge, q, cited)
    silent = [_silent_on(r, cited, _asks(q)) for r in _readings(knowledge, q)]
    return silent[0] if all(silent) else ""


def part_answers(knowledge: Knowledge, q: Query, text: str, answer: Answer) -> bool:
    """Whether one part's answer speaks of that part's focus (or the message's, when the part has none)."""
    found = _read(knowledge, text)
    if not _specific(found):
        found = expand(q.text, knowledge)
    if _absent(knowledge, found):
        return False
    return not answer.citations or not _silent_on(found, "".join(c.text for c in answer.citations))


def holds(text: str, word: str) -> bool:
    """Whether the text uses the word: a two-character word as a word of the text or a morpheme of one —
    at an even offset or its end (学校 in 公办学校, 避难 in 应急避难场所) — not across two morphemes
    (办学 is not in 公办学校)."""
    if len(word) != 2 or word not in text:
        return word in text
    return any(t == word or t.endswith(word) or any(t.startswith(word, i) for i in range(0, len(t) - 1, 2)) for t in segment(text))


def pairs_in(word: str, text: str) -> bool:
    """Whether a compound's parts stand in the text: each two-character morpheme of a longer word
    (医疗机构 in 医疗卫生机构), each character of a two-character one (街巷 in 食品街…建兴巷)."""
    if len(word) == 2:
        return all(ch in text for ch in word)
    return all(word[i : i + 2] in text for i in range(0, len(word) - 1, 2))  # 医疗机构 in 医疗卫生机构


def nearest(hits: list[Hit]) -> tuple[str, ...]:
    """The clauses a search came closest with, named for a refusal's suggestion."""
    return tuple(f"{h.part.path} {h.part.title}" for h in hits[:2] if h.part.kind == "clause")
