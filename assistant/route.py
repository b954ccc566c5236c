"""Question text helpers: normalise a question, expand it with the plan's terms, the figure it asks for,
and the refusal signals (injections, tasks, other places, attributes the documents never give).

Pure functions over the question text and reviewed vocabularies; no retrieval happens here.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from assistant.scope import ADMIN_SUFFIX
from index.tokenize import segment, word_tags

INJECTION = re.compile(
    r"忽略(以上|之前|前面|上述|所有)|无视(以上|之前|规则)|系统提示|提示词|管理员模式|开发者模式|隐藏指令|越狱|扮演|你现在是|输出你的|"
    r"ignore (all |the )?(previous|above|prior)|system prompt|jailbreak|developer mode|you are now",
    re.I,
)
TASK_REQUEST = re.compile(
    r"写(一)?(首|篇)|写(一)?个(程序|脚本|笑话|故事|小说)|作(一)?首|翻译成|代码|编程|python|java|快速排序|算法|讲个笑话|"
    r"write (a|me) (poem|story|song|program|script)|translate|poem",
    re.I,
)
NOT_IN_NAMES = set("在到去来想的从回住这那本我你他全该个里城")
GENERIC_PLACES = ("本", "我", "全", "该", "各", "设区", "城", "省")  # 本市, 全省, 各县… name no place
DATE_ASK = re.compile(r"什么时(候|间)|多长时间|多久|几(年|个月|天)(之|以)?内|how long|何时|哪(一)?年|时间节点|截止|期限|when\b|deadline", re.I)
QUANTITY = re.compile(r"多少|多(大|高)|how (much|many)|what percentage|what (\w+ )?rate|" + DATE_ASK.pattern, re.I)
CLAUSE_END = re.compile(r"[，,。？?！!；;]")
MONEY_EN = r"cost|price|rent|budget|funding"
MONEY = re.compile(r"钱|租金|房价|价格|票价|投资|投入|预算|经费|拨款|金额|资金|费用|工资|收入|标准|" + MONEY_EN, re.I)
RATE = re.compile(r"率|比例|百分之|占比|增长目标|增速|percent", re.I)
PEOPLE = re.compile(r"多少人|人口(有)?多少|人数|population", re.I)
NUMBER_IN = {
    "money": re.compile(r"\d[\d.]*\s*(元|万元|亿元)"),
    "rate": re.compile(r"\d[\d.]*\s*%|百分之"),
    "people": re.compile(r"\d[\d.]*\s*万?人(?!民)"),
    "date": re.compile(r"\d{1,2}月|年底|月底|年内|\d+年|\d+日"),  # \d+年 covers 2030年
}
STRICT_FIGURES = ("money", "rate", "people", "date", "number")
ANY_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千万]+(个|项|年|月|日|分钟|倍|级|类|大)")


@cache
def _vocabulary() -> dict[str, Any]:
    """assistant/data/query_terms.toml, read once."""
    return tomllib.loads(resources.files("assistant").joinpath("data/query_terms.toml").read_text("utf-8"))


@cache
def _query_terms(table: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_vocabulary()[table].items(), key=lambda kv: -len(kv[0])))


@cache
def _english_terms() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(rf"\b{re.escape(en)}"), zh) for en, zh in _query_terms("english"))


@cache
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def question_bigrams() -> frozenset[str]:
    """Character pairs of question-shaping words; they never count as evidence."""
    words = _vocabulary()["question_words"]["words"].split()
    return frozenset(w[i : i + 2] for w in words for i in range(len(w) - 1))


@cache
def unsupported_attributes() -> tuple[str, ...]:
    return tuple(_vocabulary()["unsupported_attributes"]["words"].split())


def unsupported_attribute(question: str, vocabulary: str) -> str:
    """An attribute the question asks for (a phone number, an official's name…) that the corpus never mentions."""
    lower = question.lower()
    return next((w for w in unsupported_attributes() if w.lower() in lower and w not in vocabulary), "")


# How-to questions: a procedure (办理, 申请, 领取…) asked for by a how / where word.
PROCEDURE = re.compile(r"怎么|如何|怎样|哪")  # 咋 reads as 怎么 (colloquial); 哪 covers 哪里, 去哪
PROCEDURE_VERB = re.compile(r"办|申请|领|缴纳|开具")  # 办 covers 办理 and 补办; 领 covers 领取


def unknown_procedure(question: str, vocabulary: str) -> str:
    """What a how-to question wants done when the documents never name it (怎么办理护照？ → 护照): every
    word it asks about, beyond the procedure and the question form, is absent from the corpus."""
    if not (PROCEDURE.search(question) and PROCEDURE_VERB.search(question)):
        return ""
    content = set(content_words(question))
    things = [
        w for w, tag in word_tags(question) if w in content and len(w) >= 2 and tag.startswith("n") and tag != "ns" and not PROCEDURE_VERB.search(w)
    ]
    plan_terms = expand_query(question).partition(" \u2063")[2].split()  # 公租房 → 公共租赁住房
    words = [w for w in content if len(w) >= 2 and not PROCEDURE_VERB.search(w) and not PROCEDURE.search(w)]
    if not things or any(w in vocabulary for w in words + plan_terms):
        return ""
    return "、".join(things)


def normalise(question: str, limit: int) -> tuple[str, bool]:
    """Simplified characters, colloquial words in their standard form, no control characters, at
    most ``limit`` characters; says if it cut."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in question)
    text = re.sub(r"\s+", " ", text).strip()
    cut = len(text) > limit
    text = _t2s().convert(text[:limit])
    for word, standard in _query_terms("colloquial"):
        text = text.replace(word, standard)
    return text, cut


def expand_query(question: str) -> str:
    """The question plus the plan's own terms for the English phrases and everyday words in it: the
    glossary's for English phrases (through the lexicon), then the reviewed query_terms.toml entries."""
    lower = question.lower()
    extra = _english_extras(question) if question.isascii() or re.search(r"[a-z]", lower) else []
    extra += [official for word, official in _query_terms("synonyms") if word in question and official not in question]
    # An invisible separator marks where the plan's own terms start (see retrieve.dense_text).
    return question if not extra else question + " \u2063" + " ".join(extra)


# An English possessive, for the of-phrases of the glossary: migrant workers' children → children of migrant workers.
POSSESSIVE = re.compile(r"\b([A-Za-z]+(?: [A-Za-z]+)?)(?:'s|(?<=s)')\s+([A-Za-z]+)")


def _of_phrase(m: re.Match[str]) -> str:
    """A possessive as the glossary's of-phrase when the glossary has it (the owner's last word or two); else as written."""
    from index.lexical import glossary, sense_key

    words = m.group(1).split()
    for owner in (" ".join(words), words[-1]):
        phrase = f"{m.group(2)} of {owner}"
        if sense_key(phrase) in glossary():
            return " ".join(words[: len(words) - len(owner.split())] + [phrase])
    return m.group(0)


def _english_extras(question: str) -> list[str]:
    """The plan's terms for an English question's phrases: the reviewed glossary's (index/data/glossary.toml,
    matched by the lexicon: whole phrases, longest first, plurals too), then the few [english] entries
    of query_terms.toml the glossary lacks."""
    from assistant.lexicon import expand_english  # lexicon imports this module

    lower = question.lower()
    found = [e.term for e in expand_english(POSSESSIVE.sub(_of_phrase, question)).expansions]
    found += [zh for pattern, zh in _english_terms() if pattern.search(lower)]
    return list(dict.fromkeys(found))


# "What is the total budget …?": an English question that asks for an amount by naming it.
AMOUNT_ASK = re.compile(rf"\bwhat(?:'s| is| are| was)\b[^?]*\b({MONEY_EN})s?\b", re.I)


def quantity_kind(question: str) -> str:
    """'money', 'rate', 'people', 'date', 'number' or '' — what kind of figure the question asks for."""
    if AMOUNT_ASK.search(question):
        return "money"
    if not QUANTITY.search(question) and not asks_few(question):
        return ""
    if MONEY.search(question) and re.search(r"多少|how much", question, re.I):
        return "money"
    if PEOPLE.search(question):
        return "people"
    if RATE.search(question) and re.search(r"多少|多(大|高)|几|percentage", question):
        return "rate"
    if DATE_ASK.search(question):
        return "date"
    return "number"


def asks_few(question: str) -> str:
    """几 with a classifier, as jieba's numeral word (几个, 几项, 几年, 几点), asked in a question clause — one
    that ends with a question mark or ends the question ("有几项？"), not one that tells ("刚招了几个大学生，…")
    — and not 哪几 / 这几 (which, these) or 九几年 (a numeral before it); the word, or ''."""
    at = 0
    for word, tag in word_tags(question):
        start, at = at, at + len(word)
        if not (word.startswith("几") and len(word) > 1 and tag.startswith("m")):
            continue
        before = question[start - 1 : start]
        if before and (before in "哪这那" or before.isnumeric()):
            continue
        end = CLAUSE_END.search(question, at)
        if end is None or end.group(0) in "？?" or not question[end.end() :].strip():
            return word
    return ""


def asked_measure(question: str) -> str:
    """The measure word a question's 多少 or 几 asks for (多少亿 → 亿, 多少个 → 个, 几点 → 点, 几分钟 → 分钟),
    read by jieba's tagger (a numeral or classifier of one character after 多少; the classifier jieba
    joins to 几); '' when none."""
    tags = word_tags(question)
    for (word, _), (after, tag) in zip(tags, tags[1:]):
        if word == "多少" and len(after) == 1 and tag in ("m", "q"):
            return after
    return asks_few(question)[1:]


CHINESE_NUMERALS = "一二两三四五六七八九十百千"


def states_measure(text: str, measure: str) -> bool:
    """Whether a text states a number with that measure word (21个, 2万吨, 100亿, 三级)."""
    return bool(re.search(rf"[\d{CHINESE_NUMERALS}][\d.{CHINESE_NUMERALS}]*\s*[万亿千百]?{re.escape(measure)}", text))


def has_figure(text: str, kind: str) -> bool:
    """Whether a sentence states the kind of figure a question asks for."""
    if kind in NUMBER_IN:
        return bool(NUMBER_IN[kind].search(text))
    return bool(ANY_NUMBER.search(text)) if kind == "number" else True


def foreign_place(question: str, vocabulary: str, known: tuple[str, ...] = ()) -> str:
    """A city, prefecture, county or province the question is about that the corpus does not know:
    neither a place of its documents (the manifest's) nor a name its text uses.

    Places are jieba's place names (ns), and names jieba keeps apart from their administrative ending
    (海东 市, 果洛 州). A name with its ending is a place whatever follows (德令哈市贯彻…); one without
    only where the question is about it (深圳的…, 那上海呢？), not inside a phrase (满大街装…); and not
    when the question names a known place (我是海南州那边的户口，来格尔木打工…)."""
    suffixed, bare = [], []
    tags = word_tags(question)
    at = 0
    for i, (word, tag) in enumerate(tags):
        end = at + len(word)
        after = tags[i + 1][0] if i + 1 < len(tags) else ""
        name = word.lstrip("".join(NOT_IN_NAMES))  # 那西宁市 → 西宁市
        if ADMIN_SUFFIX.fullmatch(after) and len(name) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", name):
            suffixed.append((name, name + after))  # 海东 市 → 海东市
        elif tag == "ns" and ADMIN_SUFFIX.search(name):
            suffixed.append((ADMIN_SUFFIX.sub("", name), name))
        elif tag == "ns":
            bare.append((name, question[end : end + 1]))
        at = end
    for stem, name in suffixed:
        if len(stem) < 2 or any(ch in NOT_IN_NAMES for ch in stem) or stem.startswith(GENERIC_PLACES):
            continue
        if any(name.startswith(k) or k.startswith(stem) for k in known) or name in vocabulary:
            continue
        return name
    if any(k in question for k in known):  # the question is about a known place
        return ""
    for name, after in bare:
        if len(name) < 2 or name in vocabulary or any(name.startswith(k) or k.startswith(name) for k in known):
            continue
        if not after or after in PLACE_FOLLOWS:  # a place the question is about, not a word inside a phrase (满大街装…)
            return name
    return ""


PLACE_FOLLOWS = set("的呢有在是那这，,。？?！!、和与及市州县省区")


@cache
def _question_words() -> frozenset[str]:
    return frozenset(_vocabulary()["question_words"]["words"].split())


def content_words(text: str) -> list[str]:
    """The words of a question that carry its topic: not question-form words, particles or punctuation."""
    words = _question_words()
    out = []
    for word in segment(text):
        w = word.strip()
        if not w or w in words or not re.search(r"[\w]", w) or (len(w) == 1 and not w.isdigit()) or w.lower() in words:
            continue
        out.append(w)
    return out


def topic_runs(text: str) -> list[str]:
    """The question's topic phrases: runs of adjacent content words (海绵城市、海绵化改造 → 海绵城市, 海绵化改造)."""
    content = set(content_words(text))
    runs: list[str] = []
    current = ""
    for word in segment(text):
        if word.strip() in content:
            current += word.strip()
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


@cache
def _attributes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    table = _vocabulary()["document_attributes"]
    return tuple((key, re.compile(value, re.I)) for key, value in table.items())


def document_attribute(question: str) -> str:
    """Which attribute of a document itself the question asks for (issuer, date, number, …), or ''."""
    return next((key for key, pattern in _attributes() if pattern.search(question)), "")


def document_attribute_span(question: str) -> str:
    """The question with the words that ask for a document attribute taken out."""
    for _, pattern in _attributes():
        question = pattern.sub(" ", question)
    return question
