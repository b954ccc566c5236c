"""Answers the parsed records hold outright: a clause by number, counts and rankings over the
responsibility table, shared tasks, clauses without units, topic listings and document metadata.

No retrieval ranks these: they are computed from the clause records, and each still cites the
clauses it rests on (quotes verified like every other answer).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from assistant import prompts
from assistant.cite import citation, evidence_intro, quote, short_title, source, unit_label
from assistant.knowledge import Knowledge
from assistant.lead import compact_source, lead_line
from assistant.reading.form import counts
from assistant.reading.grammar import sentence as read_sentence
from assistant.records import Answer, Citation
from assistant.route import document_attribute
from assistant.understand import Query
from index.records import Part

MAX_LISTED_QUOTES = 2


def doc_clauses(knowledge: Knowledge, docs: tuple[str, ...], within: tuple[int, ...] = ()) -> list[Part]:
    """The numbered clauses of the documents in scope (only those numbered ``within``, when given), in document order."""
    return [p for p in knowledge.parts if p.kind == "clause" and (not docs or p.doc in docs) and (not within or p.number in within)]


def _answer(q: Query, lines: list[str], citations: list[Citation] | tuple[Citation, ...]) -> Answer:
    return Answer(q.question, "\n".join(lines), tuple(citations), False, q.route)


def clause_lookup(knowledge: Knowledge, q: Query, docs: tuple[str, ...]) -> Answer | None:
    """A clause named by number or title: its title, units and opening sentences (or only its units
    when the question asks who)."""
    by_number = {p.number: p for p in doc_clauses(knowledge, docs)}
    parts = [by_number[c.number] for c in q.clauses if c.number in by_number]
    if not parts:
        return None
    if len(parts) > 1 and read_sentence(q.text).has("quantifier", "all"):  # 这两条共同的责任单位: the units every one of them names
        common = [u for u in parts[0].unit_names if all(u in p.unit_names for p in parts[1:])]
        paths = "、".join(p.path for p in parts)
        line = (
            prompts.CLAUSES_SHARED.format(paths=paths, units="、".join(unit_label(knowledge, u, q.language) for u in common))
            if common
            else prompts.CLAUSES_SHARED_NONE.format(paths=paths)
        )
        return _answer(q, [line], [citation(knowledge, p) for p in parts])
    lines: list[str] = []
    citations = []
    lead_spans: tuple[str, ...] = ()
    for part in parts:
        units = (", " if q.language == "en" else "、").join(unit_label(knowledge, u, q.language) for u in part.unit_names)
        if q.asks_who and not _asks_more_than_units(knowledge, q, part):
            if units:  # the unit list leads, then which clause it is
                english = q.language == "en"
                where = compact_source(part) if not english else f"{part.doc} {part.path}"
                lines.append((prompts.RESPONSIBLE_LEAD_EN if english else prompts.RESPONSIBLE_LEAD).format(units=units, source=where))
                body = prompts.CLAUSE_UNITS_BODY_EN if english else prompts.CLAUSE_UNITS_BODY
                lines.append(body.format(doc_title=short_title(knowledge, part), path=part.path, title=part.title, count=len(part.units)))
            else:
                lines.append(prompts.CLAUSE_NO_UNITS.format(source=source(knowledge, part), title=part.title))
            sentences = list(part.sentences[1:2] or part.sentences[:1]) if not units else []
            if sentences:
                lines.append(prompts.QUOTE_INTRO + quote(sentences))
        else:
            evidence = evidence_intro(knowledge, part, q.language)
            found = (
                lead_line(knowledge, q, part, _sentences_about(knowledge, q, part))
                if len(parts) == 1 and _asks_about_content(knowledge, q, part)
                else None
            )
            if found is not None:  # a question about something in the clause: the fragment that answers, first
                lead, spans, quotes = found
                lead_spans = spans
                # The question named this clause: when the lead is all the evidence, the lead's source says where it stands.
                lines += [lead] + ([evidence + "…".join(f"「{x}」" for x in quotes)] if quotes else [])
                shown: tuple[str, ...] = (*spans, *quotes)
                if q.asks_who:
                    lines.append(
                        prompts.CLAUSE_UNITS.format(units=units, count=len(part.units)) if units else prompts.CLAUSE_NO_UNITS_SHORT
                    )
            else:  # the clause itself: its title leads, then the opening of each of its tasks (the whole clause is in the citation)
                openings = task_openings(part)
                lines.append(prompts.CLAUSE_LEAD.format(path=part.path, title=part.title, source=f"（{part.doc}）"))
                if document_attribute(q.text) == "title":  # 这一条的标题是什么: the title is the answer
                    citations.append(citation(knowledge, part, (part.title,)))
                    lead_spans = lead_spans or (part.title,)
                    continue
                if openings:
                    lines.append(
                        evidence + "…".join(f"「{x}」" for x in openings) + ("…" if len(openings) < len(_task_sentences(part)) else "")
                    )
                lines.append(prompts.CLAUSE_UNITS.format(units=units, count=len(part.units)) if units else prompts.CLAUSE_NO_UNITS_SHORT)
                shown = tuple(openings)
                lead_spans = lead_spans or (part.title,)
            citations.append(citation(knowledge, part, tuple(x for x in shown if x in part.text)))
            continue
        citations.append(citation(knowledge, part, tuple(s.text for s in sentences)))
    answer = _answer(q, lines, citations)
    return dataclasses.replace(answer, lead=lines[0], lead_spans=lead_spans) if lead_spans else answer


MAX_OPENINGS = 48  # characters of task openings quoted under a clause looked up whole
MIN_OPENING = 6  # an opening fragment shorter than this takes the next one too


def _task_sentences(part: Part) -> list:
    return [s for s in part.sentences if s.text.rstrip("。") != part.title] or list(part.sentences)


def task_openings(part: Part) -> list[str]:
    """The first fragment of each sentence of a clause (提升县域内外交通承载能力, 持续完善配套服务业):
    the plan states each task first and its details after."""
    from assistant.lead import fragments, trimmed

    out: list[str] = []
    for sentence in _task_sentences(part):
        pieces = fragments(sentence)
        if not pieces:
            continue
        end = pieces[0].end
        for piece in pieces[1:]:
            if end - pieces[0].start >= MIN_OPENING:
                break
            end = piece.end
        text = trimmed(sentence.text[pieces[0].start - sentence.start : end - sentence.start])
        if out and sum(len(x) for x in out) + len(text) > MAX_OPENINGS:
            break
        out.append(text)
    return out


def _asks_about_content(knowledge: Knowledge, q: Query, part: Part) -> bool:
    """Whether a question about a clause asks about something the clause says (向谁覆盖), not about the
    clause itself (its title, what it is about) or only its units: its topic words occur in the clause."""
    from assistant.lead import asked_noun
    from assistant.retrieve import lexical_coverage, topic_bigrams

    noun = asked_noun(q.text)
    if noun and noun in part.title:  # 讲的是什么政策 → …市民化配套政策: the title answers
        return False
    return _asks_more_than_units(knowledge, q, part) and lexical_coverage(topic_bigrams(knowledge, q.topic), part.text) > 0


def _asks_more_than_units(knowledge: Knowledge, q: Query, part: Part) -> bool:
    """Whether a question about a clause asks about its content (向谁覆盖), not only who is responsible;
    words of the clause's own title only name the clause (第16条保障土地财政等要素，责任单位？)."""
    from assistant.retrieve import topic_bigrams

    return any(b not in part.title for b in topic_bigrams(knowledge, q.topic)) if q.topic else False


def _sentences_about(knowledge: Knowledge, q: Query, part: Part) -> list:
    """The clause's sentences about the question's topic (its opening ones when it names none),
    in document order; the title sentence is not repeated."""
    from assistant.retrieve import lexical_coverage, topic_bigrams
    from assistant.route import has_figure

    body = [s for s in part.sentences if s.text.rstrip("。") != part.title] or list(part.sentences)
    weights = topic_bigrams(knowledge, q.topic) if q.topic else {}
    if not weights:
        return body[:2]
    scored = sorted(
        body, key=lambda s: -(lexical_coverage(weights, s.text) + (0.5 if q.quantity and has_figure(s.text, q.quantity) else 0))
    )
    best = [s for s in scored[:2] if lexical_coverage(weights, s.text) > 0] or scored[:1]
    return sorted(best, key=lambda s: s.start)


def unit_counts(knowledge: Knowledge, docs: tuple[str, ...]) -> Counter[str]:
    """How many clauses name each unit."""
    return Counter(u for p in doc_clauses(knowledge, docs) for u in p.unit_names)


def ranking(knowledge: Knowledge, q: Query, docs: tuple[str, ...]) -> Answer | None:
    """Which department has the most (or fewest) tasks, or which clause names the most (fewest) units;
    among the clauses of a named part or of the last answer (这部分的三项任务里, 其中) when the question sets one."""
    clauses = [p for p in doc_clauses(knowledge, docs, q.within) if not q.sections or any(p.path.startswith(f"{s}（") for s in q.sections)]
    if q.target == "units":
        counts = unit_counts(knowledge, docs)
        for unit in q.units:  # 除了…以外
            counts.pop(unit, None)
        if not counts:
            return None
        extreme = min(counts.values()) if q.fewest else max(counts.values())
        winners = [u for u, n in counts.items() if n == extreme]
        cited = [p for p in clauses if any(u in p.unit_names for u in winners)]
        order = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]) if q.fewest else (-kv[1], kv[0]))
        lines = [
            prompts.RANK_UNITS.format(
                which="最少" if q.fewest else "最多",
                units="、".join(unit_label(knowledge, u, q.language) for u in winners),
                each="各" if len(winners) > 1 else "共",
                count=extreme,
            )
        ]
        for unit in winners[:3]:
            lines.append(
                prompts.RANK_UNIT_CLAUSES.format(
                    unit=unit, clauses="、".join(f"{p.path}{p.title}" for p in clauses if unit in p.unit_names)
                )
            )
        lines.append(prompts.RANK_TABLE.format(table="；".join(f"{u} {n}项" for u, n in order[:8])))
        return _answer(q, lines, [citation(knowledge, p) for p in cited])
    named = [p for p in clauses if p.units]
    if not named:
        return None
    extreme = min(len(p.units) for p in named) if q.fewest else max(len(p.units) for p in named)
    winners = [p for p in named if len(p.units) == extreme]
    lines = [prompts.RANK_CLAUSES.format(which="最少" if q.fewest else "最多", count=extreme)]
    lines += [f"{p.path}「{p.title}」：{'、'.join(p.unit_names)}" for p in winners]
    return _answer(q, lines, [citation(knowledge, p) for p in winners])


def count(knowledge: Knowledge, q: Query, docs: tuple[str, ...]) -> Answer | None:
    """How many tasks (clauses) the plan sets, or how many departments it names."""
    clauses = [p for p in doc_clauses(knowledge, docs) if not q.sections or any(p.path.startswith(f"{s}（") for s in q.sections)]
    if not clauses:
        return None
    if q.target == "units":
        counts = Counter(u for p in clauses for u in p.unit_names)
        lines = [prompts.COUNT_UNITS.format(count=len(counts), units="、".join(counts))]
        return _answer(q, lines, [citation(knowledge, p) for p in clauses if p.units])
    with_units = [p for p in clauses if p.units]
    lines = [prompts.COUNT_CLAUSES.format(count=len(clauses), with_units=len(with_units), without=len(clauses) - len(with_units))]
    sections: dict[str, list[Part]] = {}
    for p in clauses:
        sections.setdefault(p.section, []).append(p)
    if len(sections) > 1:
        lines += [f"{name}：{'、'.join(p.path for p in members)}（{len(members)}项）" for name, members in sections.items()]
    else:
        lines += [f"{p.path}「{p.title}」" for p in clauses]
    return _answer(q, lines, [citation(knowledge, p) for p in clauses])


def unassigned(knowledge: Knowledge, q: Query, docs: tuple[str, ...]) -> Answer | None:
    """Clauses that list no responsible unit."""
    clauses = doc_clauses(knowledge, docs)
    if not clauses:
        return None
    bare = [p for p in clauses if not p.units]
    if not bare:
        return _answer(q, [prompts.UNASSIGNED_NONE.format(count=len(clauses))], [])
    lines = [prompts.UNASSIGNED_HEAD.format(count=len(bare))]
    lines += [f"{p.path}「{p.title}」" for p in bare]
    return _answer(q, lines, [citation(knowledge, p) for p in bare])


def shared(knowledge: Knowledge, q: Query, docs: tuple[str, ...]) -> Answer:
    """Clauses that name every one of the question's units."""
    units = q.units
    parts = [p for p in doc_clauses(knowledge, docs, q.within) if all(u in p.unit_names for u in units)]
    names = "、".join(unit_label(knowledge, u, q.language) for u in units)
    if not parts:
        return Answer(q.question, prompts.SHARED_NONE.format(units=names), (), True, "by_unit")
    one_doc = len({p.doc for p in parts}) == 1
    lines = [prompts.SHARED_HEAD.format(units=names, count=len(parts), doc=f"（{parts[0].doc}）" if one_doc else "")]
    for i, part in enumerate(parts, 1):
        others = "、".join(n for n in part.unit_names if n not in units)
        template = prompts.BY_UNIT_ITEM if others else prompts.BY_UNIT_ITEM_ALONE
        lines.append(template.format(i=i, doc="" if one_doc else f"{part.doc} ", path=part.path, title=part.title, others=others))
    return _answer(q, lines, [citation(knowledge, p) for p in parts])


def by_unit(knowledge: Knowledge, q: Query, docs: tuple[str, ...]) -> Answer:
    """What a unit is responsible for: every clause whose 责任单位 names it, from the parsed records."""
    lines: list[str] = []
    cited: dict[str, Part] = {}
    counting = counts(read_sentence(q.text))
    for unit in q.units:
        parts = [p for p in knowledge.parts_naming(unit, docs) if not q.within or p.number in q.within]
        label = unit_label(knowledge, unit, q.language)
        if not parts:
            lines.append(prompts.BY_UNIT_NONE.format(unit=label))
            continue
        one_doc = len({p.doc for p in parts}) == 1  # one document: its 文号 once, in the head
        lines.append(prompts.BY_UNIT_HEAD.format(unit=label, count=len(parts), doc=f"（{parts[0].doc}）" if one_doc else ""))
        for i, part in enumerate(parts, 1):
            # How many tasks a department has: the tasks, without who else shares each
            others = "" if counting else "、".join(n for n in part.unit_names if n != unit)
            template = prompts.BY_UNIT_ITEM if others else prompts.BY_UNIT_ITEM_ALONE
            lines.append(template.format(i=i, doc="" if one_doc else f"{part.doc} ", path=part.path, title=part.title, others=others))
            cited[part.id] = part
    if not cited:
        return Answer(q.question, "\n".join(lines), (), True, "by_unit")
    return _answer(q, lines, [citation(knowledge, p) for p in cited.values()])


def unknown_unit(q: Query) -> Answer:
    """A department the documents do not list: say so plainly, with near names when it looks misspelt."""
    mention = q.unknown_units[0]
    text = prompts.UNKNOWN_UNIT.format(unit=mention.written)
    if mention.suggestions:
        text += prompts.UNKNOWN_UNIT_SUGGEST.format(names="、".join(mention.suggestions))
    return Answer(q.question, text, (), True, "out_of_scope")


TOPIC_SENTENCE = re.compile(r"[^。；]*")


def topic_terms(knowledge: Knowledge, q: Query) -> list[str]:
    """What a topic listing matches: the topic as written, else its specific words (rarer than most)."""
    from assistant.route import content_words, expand_query

    runs = [r for r in q.topics if len(r) >= 4 or _specific(knowledge, r)]  # 改造 alone matches half the plan
    terms = runs or ([q.topic] if q.topic and q.language == "zh" else [])
    expansion = expand_query(q.text).partition(" \u2063")[2]
    terms += [w for w in expansion.split() if w]
    return [t for t in dict.fromkeys(terms) if t] or content_words(q.topic)


# Parts of speech that say what is done or how, not what about: 提出, 达到, 开工, 很, 快.
NOT_A_SUBJECT = ("v", "vd", "vi", "d", "a", "ad", "ag", "p", "c", "u", "r")


def specific_words(knowledge: Knowledge, q: Query) -> tuple[str, ...]:
    """The topic's words rarer in the documents than most that name a thing (算电, 百亿), not an action:
    what a question is about."""
    from assistant.route import content_words
    from index.tokenize import word_tags

    actions = {w for w, tag in word_tags(q.topic) if tag in NOT_A_SUBJECT}
    return tuple(w for w in content_words(q.topic) if len(w) > 1 and w not in actions and _specific(knowledge, w))


def _specific(knowledge: Knowledge, word: str) -> bool:
    """A word rarer in the documents than most (its first character pair's IDF)."""
    return knowledge.bigram_idf.get(word[:2], knowledge.idf_cap) >= knowledge.idf_cap * 0.6


def topic_listing(knowledge: Knowledge, q: Query, docs: tuple[str, ...]) -> Answer | None:
    from assistant.route import content_words

    """Every clause that mentions the topic, each with the sentence that mentions it most: the topic as
    written (or the plan's own term for it), or all of its specific words within one clause."""
    whole, specific = _term_sets(knowledge, q)
    clauses = [(p, _body(p)) for p in doc_clauses(knowledge, docs)]
    found = [(p, b) for p, b in clauses if any(t in b for t in whole) or (len(specific) > 1 and all(w in b for w in specific))]
    if not found:  # nothing names the whole topic: any of its specific words (any word, when none is rare)
        anywhere = specific or [w for w in content_words(q.topic) if len(w) > 1 and w not in whole]
        found = [(p, b) for p, b in clauses if any(w in b for w in anywhere)]
    if not found:
        return None
    terms = [*whole, *specific]
    matched: list[tuple[Part, list[str]]] = []
    for part, _ in found:
        ranked = sorted(part.sentences, key=lambda s: -sum(t in _body_of(part, s.text) for t in terms))
        matched.append((part, [ranked[0].text] if ranked and any(t in ranked[0].text for t in terms) else []))
    lines = [prompts.TOPIC_HEAD.format(topic=q.topic or "该主题", count=len(matched))]
    citations = []
    for i, (part, shown) in enumerate(matched, 1):
        lines.append(prompts.TOPIC_ITEM.format(i=i, path=part.path, title=part.title, quote=quote_text(shown)))
        citations.append(citation(knowledge, part, tuple(shown)))
    return _answer(q, lines, citations)


def _body(part: Part) -> str:
    """A clause's text without its 责任单位 note (a unit's name is not a mention of its topic)."""
    return part.text.replace(part.unit_note, "") if part.unit_note else part.text


def _body_of(part: Part, sentence: str) -> str:
    return sentence.replace(part.unit_note, "") if part.unit_note else sentence


def quote_text(sentences: list[str]) -> str:
    return "".join(f"「{s}」" for s in sentences)


def _term_sets(knowledge: Knowledge, q: Query) -> tuple[list[str], list[str]]:
    """The topic as written with the plan's terms for it, and its specific words (those rarer in the
    documents than most, so 处理 or 建设 alone never match)."""
    from assistant.route import content_words

    whole = topic_terms(knowledge, q)
    words = [w for w in content_words(q.topic) if w not in whole and len(w) > 1]
    specific = [w for w in words if _specific(knowledge, w)]
    return whole, specific


def metadata(knowledge: Knowledge, q: Query, docs: tuple[str, ...]) -> Answer | None:
    """Issuer, date, 文号, meeting, target year, parents or title of a document, from the manifest and its text."""
    doc = (docs or knowledge.indexed_docs or ("",))[0]
    meta = knowledge.doc_meta(doc)
    parts = [p for p in knowledge.parts if p.doc == doc]
    if meta is None or not parts:
        return None
    notice = next((p for p in parts if p.kind == "notice"), None)
    preamble = next((p for p in parts if p.kind == "preamble"), None)
    general = next((p for p in parts if p.kind == "section"), None)
    head = f"本方案（{meta.number}）"

    def finding(part: Part | None, pattern: str, whole: bool = False) -> tuple[Part, list[str]] | None:
        """The sentences that state it, each cut to the fragment that does (and the next, when that one is short)."""
        if part is None:
            return None
        found = list(dict.fromkeys(s.text if whole else _stating(s.text, pattern) for s in part.sentences if re.search(pattern, s.text)))
        return (part, found) if found else None

    attribute = q.attribute
    if attribute == "recipients":  # the notice's salutation line: the bodies it is addressed to
        evidence = finding(notice, r"[：:]$", whole=True)
        lines = (
            [prompts.META_RECIPIENTS.format(recipients=evidence[1][0].rstrip("：:"), source=f"（{meta.number} 通知）")] if evidence else []
        )
    elif attribute == "issuer":
        lines, evidence = [prompts.META_ISSUER.format(head=head, issuer=meta.issuer)], finding(notice, re.escape(meta.issuer))
    elif attribute == "date":
        lines, evidence = (
            [prompts.META_DATE.format(head=head, date=_chinese_date(meta.date))],
            finding(notice, r"\d{4}年\s*\d{1,2}月\s*\d{1,2}日"),
        )
    elif attribute == "number":
        lines, evidence = [prompts.META_NUMBER.format(title=meta.title, number=meta.number)], finding(notice, re.escape(meta.number))
    elif attribute == "meeting":
        evidence = finding(notice, r"会议")
        fragment = re.search(r"[^，。；]*会议[^，。；]*", evidence[1][0]) if evidence else None
        lines = [prompts.META_MEETING.format(fragment=fragment.group(0).strip(), source=f"（{meta.number} 通知）")] if fragment else []
    elif attribute == "target_year":
        evidence = finding(general, r"到\s*\d{4}\s*年")
        years = re.findall(r"到\s*(\d{4})\s*年", " ".join(evidence[1]) if evidence else "")
        lines = [prompts.META_TARGET.format(head=head, year=years[0])] if years else []
    elif attribute == "parents":
        names = [f"《{m.short_title}》（{m.number}）" if (m := knowledge.doc_meta(n)) else n for n in meta.implements]
        evidence = finding(preamble, r"〔\d{4}〕")
        lines = [prompts.META_PARENTS.format(head=head, parents="；".join(names))] if names else []
    else:
        lines, evidence = [prompts.META_TITLE.format(title=meta.title, number=meta.number)], finding(notice, re.escape(meta.number))
    if not lines:
        return None
    citations = []
    if evidence is not None:
        part, sentences = evidence
        if not all(x.rstrip("：:。，") in lines[0] for x in sentences[:2]):  # nothing that only repeats the lead
            lines.append(prompts.QUOTE_INTRO + quote_text(sentences[:2]))
        citations.append(citation(knowledge, part, tuple(sentences[:2])))
    return _answer(q, lines, citations)


FRAGMENT_END = re.compile(r"[^，；。]+[，；。]?")
MIN_STATING = 12  # characters: a stating fragment shorter than this takes the next one too


def _stating(sentence: str, pattern: str) -> str:
    """The fragment of a sentence that matches a pattern (到2030年，全市常住人口城镇化率稳步提升)."""
    pieces = [m.group(0) for m in FRAGMENT_END.finditer(sentence) if m.group(0).strip()]
    for i, piece in enumerate(pieces):
        if re.search(pattern, piece):
            end = i + 1 if len(piece) >= MIN_STATING or i + 1 == len(pieces) else i + 2
            return "".join(pieces[i:end]).rstrip("，；")
    return sentence


def _chinese_date(iso: str) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日" if m else iso
