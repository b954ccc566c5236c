"""Answers that answer first: a short lead line from the exact words of the plan, then the evidence.

The lead is the shortest run of fragments (text between ，；。：) of the cited sentences that carries
what was asked — the figure or date, the topic words, for eligibility what is allowed or required —
found by the same lexical and figure ranking that picks sentences, at fragment level. It is a verbatim
span of the cited clause (checked like every quote), followed by a compact source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import prompts
from assistant.knowledge import Knowledge
from assistant.retrieve import lexical_coverage, topic_bigrams
from assistant.route import has_figure
from assistant.understand import Query
from index.records import Part, Sentence

FRAGMENT = re.compile(r"[^，；。：！？,;:]+[，；。：！？,;:]?")
MAX_LEAD = 64  # characters of plan text in a lead
LENGTH_COST = 0.004  # coverage a character must buy to join the lead
FIGURE_BONUS = 1.0
MODAL_BONUS = 0.3
LIST_BONUS = 0.05  # per enumerated item (、), for questions that ask which / what
MIN_LIST = 2  # 、 in a lead that lists what a which / what question asks for
MAX_LIST_BONUS = 0.2
YES_NO = re.compile(r"[吗么][？?]?$|是否|是不是|会不会|要不要|能不能|可不可以|\b(can|may|must|do|does|is|are|will)\b.*\?$", re.I)
ASKS_CONTENT = re.compile(r"哪些|哪几|什么|哪个|哪种|如何|怎么|怎样|which|what|how", re.I)
# What a rule allows or requires: the words eligibility answers turn on.
MODAL = re.compile(r"不得|可以|可|允许|应当|须|需|纳入|享有|享受|放开|取消|按规定|符合条件|同等")
WINDOW = 1  # fragments of context before the lead in the evidence quote (what the lead answers about)
AFTER = 1  # fragments after it (what the lead's subject is asked to do)
MAX_CONTEXT = 48  # characters of that context
MAX_EVIDENCE = 60  # characters of evidence quoted from another sentence than the lead's
LEAD_SENTENCES = 6  # best sentences of a part the lead is looked for in
TITLE_WEIGHT = 0.6  # weight kept by question words the clause title holds


@dataclass(frozen=True)
class Span:
    """A verbatim stretch of one sentence: its text and offsets in the document's clean text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Lead:
    """The lead of one sentence: one run of fragments, or two (subject … answer) when they are apart."""

    spans: tuple[Span, ...]
    sentence: Sentence

    @property
    def text(self) -> str:
        return "…".join(trimmed(s.text) for s in self.spans)


def fragments(sentence: Sentence) -> list[Span]:
    """The sentence's fragments between punctuation, with offsets (punctuation kept on the left piece)."""
    out = []
    for m in FRAGMENT.finditer(sentence.text):
        if m.group(0).strip():
            out.append(Span(m.group(0), sentence.start + m.start(), sentence.start + m.end()))
    return out


# The answer slot of a question: the verb before its question word and the noun after it
# (坚持什么原则 → 坚持, 原则; 打造成什么类型的城镇 → 打造, 城镇): the fragment that holds them holds the answer.
SLOT = re.compile(
    r"([\u4e00-\u9fff]{1,2})?(?:什么|哪些|哪几个|哪几|哪个|哪种|多少|几个|何种|啥)(?:样的|类型的|方面的|的)?([\u4e00-\u9fff]{0,8})"
)
SLOT_BONUS = 0.4
SHORT_TAIL = 12  # characters: a closing fragment this short joins the lead


def slot_words(question: str) -> list[str]:
    """Words around the question word that the answer sentence repeats (the verb and the asked noun's head)."""
    m = SLOT.search(question)
    if not m:
        return []
    verb, noun = m.group(1) or "", _noun_head(m)
    words = [verb] if len(verb) == 2 and verb not in ("提出", "要求", "方案", "规定") else []
    if noun:
        words.append(noun)
    return words


def _noun_head(m: re.Match[str]) -> str:
    return re.sub(r"[要是有和与及在了的吗呢]+$", "", m.group(2) or "")[-2:]


def asked_noun(question: str) -> str:
    """The head of the noun a question asks for (什么方式供应 → 供应, 什么类型的城镇 → 城镇), two characters or ''."""
    m = SLOT.search(question)
    noun = _noun_head(m) if m else ""
    return noun if len(noun) == 2 else ""


def _score(text: str, weights: dict[str, float], q: Query, slots: list[str], answer: str | None = None) -> float:
    """How well a candidate lead answers; ``answer`` is the piece that answers in a two-piece lead (the
    list bonus counts its items, not the subject's)."""
    score = lexical_coverage(weights, text)
    if q.quantity and has_figure(text, q.quantity):
        score += FIGURE_BONUS
    if (q.intent == "eligibility" or YES_NO.search(q.text)) and MODAL.search(text):
        score += MODAL_BONUS
    if ASKS_CONTENT.search(q.text):
        items = (text if answer is None else answer).count("、")
        score += min(MAX_LIST_BONUS, LIST_BONUS * items) if items >= MIN_LIST else 0.0  # one 、 joins two words, not a list
    score += SLOT_BONUS * sum(w in text for w in slots) / max(1, len(slots))
    return score - LENGTH_COST * len(text)


def lead_span(knowledge: Knowledge, q: Query, sentences: list[Sentence], title: str = "") -> Lead | None:
    """The best lead in the sentences: a run of fragments (at most MAX_LEAD characters), or a run
    with the subject and another with the answer when they stand apart in one sentence.

    The clause's title sentence only echoes the question, so it is never the lead. A run that ends
    with a colon takes in what the colon introduces.
    """
    weights = topic_bigrams(knowledge, q.search_text)  # the question with the plan's own terms for its words
    if title:  # words the clause's title shares with the question say which clause, not which sentence
        weights = {b: w * TITLE_WEIGHT if b in title else w for b, w in weights.items()}
    slots = slot_words(q.text)
    best: tuple[float, Lead] | None = None
    candidates = [s for s in sentences if trimmed(s.text) != trimmed(title)] or sentences
    for sentence in candidates:
        pieces = fragments(sentence)
        runs = [(i, j) for i in range(len(pieces)) for j in range(i, len(pieces)) if j == i or pieces[j].end - pieces[i].start <= MAX_LEAD]
        for i, j in runs:
            lead = Lead((_run(sentence, pieces, i, j),), sentence)
            score = _score(lead.text, weights, q, slots)
            if best is None or score > best[0]:
                best = (score, lead)
        singles = [(_score(p.text, weights, q, slots), k) for k, p in enumerate(pieces)]
        for (_, a), (_, b) in ((x, y) for x in singles for y in singles if x[1] + 1 < y[1]):
            pair = Lead((pieces[a], pieces[b]), sentence)
            if len(pair.text) <= MAX_LEAD:
                score = _score(pair.text, weights, q, slots, pieces[b].text)
                if score > best[0]:
                    best = (score, pair)
    if best is None:
        return None
    lead = best[1]
    last = lead.spans[-1]
    pieces = fragments(lead.sentence)
    k = next(n for n, p in enumerate(pieces) if p.start == last.start)
    j = next(n for n, p in enumerate(pieces) if p.end == last.end)
    # A short closing fragment finishes the thought (…参加城乡居民医保政策，同等享受政府补助).
    while j + 1 < len(pieces) and len(trimmed(pieces[j + 1].text)) <= SHORT_TAIL and pieces[j + 1].end - last.start <= MAX_LEAD:
        j += 1
    if j != next(n for n, p in enumerate(pieces) if p.end == last.end):
        lead = Lead((*lead.spans[:-1], _run(lead.sentence, pieces, k, j)), lead.sentence)
        last = lead.spans[-1]
    # A lead that only names the task (深化农村低保专项治理工作) takes the fragment that says what it requires.
    if len(lead.spans) == 1 and ASKS_CONTENT.search(q.text) and not lead_answers(q, lead.text):
        pieces = fragments(lead.sentence)
        j = next(n for n, p in enumerate(pieces) if p.end == last.end)
        if j + 1 < len(pieces) and pieces[j + 1].end - last.start <= MAX_LEAD:
            k = next(n for n, p in enumerate(pieces) if p.start == last.start)
            lead = Lead((_run(lead.sentence, pieces, k, j + 1),), lead.sentence)
            last = lead.spans[-1]
    if last.text.endswith(("：", ":")):
        pieces = fragments(lead.sentence)
        k = next(n for n, p in enumerate(pieces) if p.start == last.start)
        j = k
        while j + 1 < len(pieces) and pieces[j + 1].end - last.start <= MAX_LEAD:
            j += 1
        lead = Lead((*lead.spans[:-1], _run(lead.sentence, pieces, k, j)), lead.sentence)
    return lead


def _run(sentence: Sentence, pieces: list[Span], i: int, j: int) -> Span:
    return Span(sentence.text[pieces[i].start - sentence.start : pieces[j].end - sentence.start], pieces[i].start, pieces[j].end)


def trimmed(text: str) -> str:
    """A span without its trailing punctuation."""
    return text.rstrip("，；。：！？,;: ")


def evidence_window(lead: Lead, weights: dict[str, float] | None = None, answered: bool = True) -> str:
    """The lead's sentence cut to the lead and the fragment before it (what the lead answers about);
    given the question's ``weights``, a fragment before that shares none of its words is not context.
    A lead that does not show what was asked (``answered`` false) takes the fragment after it too: the
    plan names a task first and says what it requires next (深化农村低保专项治理工作，坚决防止“漏保、错保”)."""
    # A two-piece lead (subject … answer) quotes both pieces already: the window is around the first.
    sentence, start, end = lead.sentence, lead.spans[0].start, lead.spans[0].end if len(lead.spans) > 1 else lead.spans[-1].end
    pieces = fragments(sentence)
    inside = [i for i, p in enumerate(pieces) if p.start < end and p.end > start]
    if not inside:
        return sentence.text
    i, j = max(0, inside[0] - WINDOW), min(len(pieces) - 1, inside[-1] + (0 if answered else AFTER))
    if j > inside[-1] and pieces[j].end - pieces[inside[-1]].end > MAX_CONTEXT:
        j = inside[-1]
    while i < inside[0] and (
        pieces[inside[0]].start - pieces[i].start > MAX_CONTEXT or (weights is not None and not lexical_coverage(weights, pieces[i].text))
    ):
        i += 1
    return sentence.text[pieces[i].start - sentence.start : pieces[j].end - sentence.start]


WHICH_CLAUSE = re.compile(r"哪(一)?(条|项|款)")
BODY = re.compile(r"[\u4e00-\u9fff]{2,}(局|委|办|室|中心|部|政府|管委会|支队)")


def lead_answers(q: Query, lead: str) -> bool:
    """Whether a lead shows what the question asks: the asked figure, or the asked noun (什么方式 → 方式)."""
    if q.quantity:
        return has_figure(lead, q.quantity)
    if WHICH_CLAUSE.search(q.text):  # 是哪一条提出的: the lead's source names the clause
        return True
    if q.asks_who and BODY.search(lead):  # 谁负责…: the lead names who (市政府督查室…)
        return True
    asked = asked_noun(q.text)
    return bool(asked) and asked in lead


def supporting_quotes(knowledge: Knowledge, q: Query, leads: list[Lead], others: list[Sentence]) -> list[str]:
    """The evidence under a lead: the lead in its sentence (with the fragment before it), then another
    sentence cut to the fragments that matter (those that share the question's words, hold the asked
    figure or the answer slot); what is cut becomes …. Nothing that only repeats the lead."""
    texts = [lead.text for lead in leads]
    answered = lead_answers(q, "".join(texts))
    # A which / what question whose lead lists (体检、养老、保险) needs nothing after it either.
    listed = answered or (bool(ASKS_CONTENT.search(q.text)) and "".join(texts).count("、") >= MIN_LIST)
    quotes: list[str] = []
    spans = {trimmed(s.text) for lead in leads for s in lead.spans}
    for lead in leads:
        window = evidence_window(lead, topic_bigrams(knowledge, q.search_text), listed)
        if trimmed(window) not in texts and trimmed(window) not in spans and window not in quotes:
            quotes.append(window)
    shown = "".join(texts + quotes)
    windows = len(quotes)  # the budget below is for what another sentence adds
    weights = topic_bigrams(knowledge, q.search_text)
    slots = slot_words(q.text)
    figure = bool(q.quantity) and not has_figure(shown, q.quantity)
    if answered:
        # The lead shows what was asked (the figure, the asked noun): another sentence must add question words it leaves out.
        weights = {b: w for b, w in weights.items() if b not in shown}
        slots = [w for w in slots if w not in shown]
    used = {lead.sentence for lead in leads}
    for sentence in others:
        if sentence in used:
            continue
        pieces = fragments(sentence)
        keep = [
            p
            for p in pieces
            if lexical_coverage(weights, p.text) > 0 or (figure and has_figure(p.text, q.quantity)) or any(w in p.text for w in slots)
        ]
        runs: list[list[Span]] = []
        for p in keep:
            if runs and pieces.index(runs[-1][-1]) + 1 == pieces.index(p):
                runs[-1].append(p)
            else:
                runs.append([p])
        for run in runs:
            text = sentence.text[run[0].start - sentence.start : run[-1].end - sentence.start]
            if trimmed(text) not in texts and sum(len(x) for x in quotes[windows:]) + len(text) <= MAX_EVIDENCE:
                quotes.append(text)
        break  # one more sentence at most
    return quotes


def compact_source(part: Part) -> str:
    """（文号 path）"""
    path = part.path if part.kind in ("clause", "section") else part.title
    return prompts.LEAD_SOURCE.format(doc=part.doc, path=path)


def lead_line(knowledge: Knowledge, q: Query, part: Part, sentences: list[Sentence]) -> tuple[str, tuple[str, ...], list[str]] | None:
    """(lead line, its verbatim span(s), the evidence quotes) for a passage answer, or None.

    ``sentences`` come best first. The lead is the best of the best two sentences (one per part of a
    question that asks several things, joined by ；); the evidence is each of the best two sentences cut
    to a window around its own lead, unless the window only repeats the lead.
    """
    import dataclasses

    from assistant.route import expand_query, quantity_kind

    body = [s for s in sentences if trimmed(s.text) != trimmed(part.title)] or sentences
    asks = [dataclasses.replace(q, text=p, search_text=expand_query(p), quantity=quantity_kind(p), parts=()) for p in q.parts] or [q]
    leads: list[Lead] = []
    for sub in asks:
        found = lead_span(knowledge, sub, body[:LEAD_SENTENCES], part.title)
        if found is not None and found.text not in [lead.text for lead in leads]:
            leads.append(found)
    if not leads:
        return None
    texts = [lead.text for lead in leads]
    quotes = supporting_quotes(knowledge, q, leads, body[:2])
    spans = tuple(trimmed(s.text) for lead in leads for s in lead.spans)
    return prompts.LEAD.format(lead="；".join(texts), source=compact_source(part)), spans, quotes
