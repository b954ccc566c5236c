"""Routing: normalise a question, say what kind it is, and catch what the documents cannot answer.

Pure functions over the question text and reviewed vocabularies; no retrieval happens here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from assistant.records import Route
from index.units import UnitTable

WHO = re.compile(r"谁|(哪|几)(几)?(个|些|家)?(局|委|部门|单位|机构|家)|哪家|由哪|归哪|找哪|部门管|单位管|责任单位|责任部门|牵头|归口|主管|who\b|which (units|departments|agencies|bureaus)|responsible", re.I)
WHAT_UNIT_DOES = re.compile(
    r"负责(哪些|什么|哪几|哪项|哪方面)|承担(了)?(哪些|什么)|(哪些|什么)(工作|任务|职责|事项|条款)|职责|分工|任务有|参与(了)?(哪些|什么)|"
    r"涉及(哪些|什么)|管(哪些|什么)|干什么|做什么|(哪些|什么)事|有什么(工作|任务|职责)|被列为|列为责任单位|名下|点名|条目|哪几项|哪些项|多少项|"
    r"tasks?|duties|items|assigned|responsible for what|what is .* responsible for|as a responsible unit|list .* as",
    re.I,
)
LINEAGE = re.compile(r"上级依据|上级(文件)?(的)?(哪|什么|对应)|依据(的)?是(上级)?(哪|什么)(一)?(条|项|款)|对应(的)?(省|国家|上级)|来源(于)?(哪|什么)|落实(的)?是(省|国家)|parent clause|which (provincial|national) clause", re.I)
OVERVIEW = re.compile(r"依据|上级文件|制定.*(目的|背景)|为什么制定|发挥什么作用|总体目标|总体要求|主要内容|主要任务|几大行动|哪些行动|五大行动|哪五个|概括|概述|保障措施|指导思想|什么思想为指导|为了贯彻|贯彻落实什么|目标是什么|达到什么|要实现哪些目标|打造什么|什么思路|overview|summar|aim|by 2030", re.I)
ELIGIBILITY = re.compile(r"我|能不能|可不可以|能否|可以.*吗|能.*吗|有没有|是否可以|有.*吗|符合条件|can i\b|am i\b|eligible|can (new|migrant|flexible)", re.I)
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
PLACE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(市|州|县|省|自治区)(?=的|新型|城镇化|贯彻|城市|$|里|有|对|在)")
NOT_IN_NAMES = set("在到去来想的从回住这那本我你他全该个里城")
HOME_PLACES = ("格尔木", "青海", "本", "我", "全", "该", "各", "设区", "城", "省")
# "哪几个" lists things; "多少" asks for a figure.
# "几个" asks a figure after 有/是/共… or at the end ("有几个？"), not in "刚招了几个大学生".
QUANTITY = re.compile(r"多少|(?:有|是|共|要|分别|到底|达到)几(个|项|年|月|天|成|倍|万|亿|次|所|家|处|号)|(?<!哪)几(个|项|年|月|天|成|倍|万|亿|次|所|家|处|号)[^，,。；\u4e00-\u9fff]*[？?]?$|什么时(候|间)|何时|哪(一)?年|截止|期限|how (much|many)|what percentage|when\b|deadline", re.I)
MONEY = re.compile(r"钱|租金|房价|价格|票价|投资|金额|资金|费用|工资|收入|标准|cost|price|rent", re.I)
RATE = re.compile(r"率|比例|百分之|占比|增长目标|增速|percent", re.I)
PEOPLE = re.compile(r"多少人|人口(有)?多少|人数|population", re.I)
NUMBER_IN = {
    "money": re.compile(r"\d[\d.]*\s*(元|万元|亿元)"),
    "rate": re.compile(r"\d[\d.]*\s*%|百分之"),
    "people": re.compile(r"\d[\d.]*\s*万?人(?!民)"),
    "date": re.compile(r"\d{4}年|\d{1,2}月|年底|月底|年内|\d+年|\d+日"),
}
DATE_ASK = re.compile(r"什么时(候|间)|何时|哪(一)?年|时间节点|截止|期限|when\b|deadline", re.I)
STRICT_FIGURES = ("money", "rate", "people", "date")
ANY_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千万]+(个|项|年|月|日|分钟|倍|级|类|大)")


@dataclass(frozen=True)
class Routed:
    """What the router decided about a question."""

    question: str
    search_text: str
    route: Route
    units: tuple[str, ...] = ()
    reason: str = ""
    quantity: str = ""
    docs: tuple[str, ...] = ()


@cache
def _vocabulary() -> dict[str, Any]:
    """assistant/data/query_terms.toml, read once."""
    return tomllib.loads(resources.files("assistant").joinpath("data/query_terms.toml").read_text("utf-8"))


@cache
def _query_terms(table: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_vocabulary()[table].items(), key=lambda kv: -len(kv[0])))


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


def normalise(question: str, limit: int) -> tuple[str, bool]:
    """Simplified characters, colloquial words in their standard form, no control characters, at
    most ``limit`` characters; says if it cut."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in question)
    text = re.sub(r"\s+", " ", text).strip()
    cut = len(text) > limit
    text = _t2s().convert(text[:limit])
    for word, standard in _query_terms("colloquial"):
        text = text.replace(word, standard)
    text = re.sub(r"(\w)不[？?]?$", r"\1吗？", text) if re.search(r"(能|可以|有|会|行|给|交|领|管)不[？?]?$", text) else text
    return text, cut


def expand_query(question: str) -> str:
    """The question plus the plan's own terms for the English phrases and everyday words in it."""
    lower = question.lower()
    extra = [zh for en, zh in _query_terms("english") if re.search(rf"\b{re.escape(en)}", lower)]
    extra += [official for word, official in _query_terms("synonyms") if word in question and official not in question]
    # An invisible separator marks where the plan's own terms start (see retrieve.dense_text).
    return question if not extra else question + " \u2063" + " ".join(extra)


def quantity_kind(question: str) -> str:
    """'money', 'rate', 'people', 'date', 'number' or '' — what kind of figure the question asks for."""
    if not QUANTITY.search(question):
        return ""
    if MONEY.search(question) and re.search(r"多少|how much", question, re.I):
        return "money"
    if PEOPLE.search(question):
        return "people"
    if RATE.search(question) and re.search(r"多少|几|percentage", question):
        return "rate"
    if DATE_ASK.search(question):
        return "date"
    return "number"


def has_figure(text: str, kind: str) -> bool:
    """Whether a sentence states the kind of figure a question asks for."""
    if kind in NUMBER_IN:
        return bool(NUMBER_IN[kind].search(text))
    return bool(ANY_NUMBER.search(text)) if kind == "number" else True


def foreign_place(question: str, vocabulary: str) -> str:
    """A city, prefecture, county or province the question is about that the documents never name."""
    for m in PLACE.finditer(question):
        name = m.group(1) + m.group(2)
        stem = m.group(1)
        if any(stem.startswith(h) or stem.endswith(h) for h in HOME_PLACES) or any(ch in NOT_IN_NAMES for ch in stem):
            continue
        if name not in vocabulary:
            return name
    return ""


DUTY_WORDS = re.compile(
    r"负责|承担|职责|任务|工作|条目|事项|事情|点名|列为|列出来|列出|涉及|参与|分工|分到|摊上|挂了|挂|有活|活|管|做|干|项|条|"
    r"哪些|哪几|什么|多少|几|方案|计划|文件|这回|这里面|里面|这里|那边|这边|格尔木|一共|总共|都|它|这|那|没|"
    r"中|里|在|的|了|要|是|有|被|和|与|及|吗|呢|吧|啊|？|\?|，|。|\s"
)


def only_about_units(question: str, units: UnitTable) -> bool:
    """True when, the unit names and duty words taken away, nothing of the question is left."""
    rest = question
    for form in sorted(units.alias_map(), key=len, reverse=True):
        rest = rest.replace(form, "")
    rest = DUTY_WORDS.sub("", rest)
    return len(re.sub(r"[^\u4e00-\u9fff]", "", rest)) <= 1


def route(question: str, units: UnitTable, vocabulary: str) -> Routed:
    """Classify a normalised question. Hard refusals come first; everything else is answerable."""
    search_text = expand_query(question)
    if INJECTION.search(question):
        return Routed(question, search_text, "out_of_scope", reason="injection")
    if TASK_REQUEST.search(question):
        return Routed(question, search_text, "out_of_scope", reason="not a question about the documents")
    place = foreign_place(question, vocabulary)
    if place:
        return Routed(question, search_text, "out_of_scope", reason=f"about {place}, which the documents do not cover")
    attribute = unsupported_attribute(question, vocabulary)
    if attribute:
        return Routed(question, search_text, "out_of_scope", reason=f"asks for {attribute}, which the documents never mention")
    named = tuple(units.find_in(search_text))
    quantity = quantity_kind(question)
    asks_who = bool(re.search(r"谁|哪些部门|哪个部门|哪些单位|哪几家|who|which (units|departments)", search_text, re.I))
    if LINEAGE.search(search_text):
        return Routed(question, search_text, "lineage", named, quantity=quantity)
    if named and not asks_who and (WHAT_UNIT_DOES.search(search_text) or only_about_units(search_text, units)):
        return Routed(question, search_text, "by_unit", named, quantity=quantity)
    if WHO.search(search_text):
        return Routed(question, search_text, "responsibility", named, quantity=quantity)
    if OVERVIEW.search(search_text):
        return Routed(question, search_text, "overview", named, quantity=quantity)
    if ELIGIBILITY.search(search_text) and not quantity:
        return Routed(question, search_text, "eligibility", named, quantity=quantity)
    return Routed(question, search_text, "fact", named, quantity=quantity)
