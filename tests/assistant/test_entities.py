"""assistant/entities.py: departments, clause references and unknown organisations in a question."""

from __future__ import annotations

import pytest

from assistant.entities import chinese_number, edit_distance, find_clause_refs, find_units, title_named
from index.units import default_unit_table

TABLE = default_unit_table()


def resolved(question: str) -> list[tuple[str, str]]:
    return [(m.name, m.how) for m in find_units(question, TABLE)]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("发改局和住建局共同负责哪些", [("市发展和改革委员会", "alias"), ("市住房和城乡建设局", "alias")]),
        ("市水立局负责什么", [("市水利局", "typo")]),  # same pinyin
        ("市自然资原局负责什么", [("市自然资源局", "typo")]),  # one edit in a longer name
        ("What does the Water Resources Bureau do?", [("市水利局", "english")]),
        ("人行负责什么", [("中国人民银行格尔木营业管理部", "alias")]),
    ],
)
def test_departments_resolve_by_name_abbreviation_english_and_misspelling(question, expected):
    assert resolved(question) == expected


def test_an_organisation_the_table_lacks_is_reported_as_unknown():
    (mention,) = find_units("请问市委组织部在方案中负责什么？", TABLE)
    assert (mention.written, mention.name, mention.how) == ("市委组织部", "", "unknown")


def test_a_ministry_is_not_read_as_a_misspelt_bureau():
    (mention,) = find_units("市教育部负责啥", TABLE)
    assert mention.how == "unknown" and mention.suggestions == ("市教育局",)
    assert [m.how for m in find_units("渔业局负责什么", TABLE)] == ["unknown"]  # a short name needs the same sound, not just one edit


@pytest.mark.parametrize("question", ["方案的总体布局是什么", "哪些部门负责", "全部任务有哪些", "方案一共部署了哪几大行动？"])
def test_words_that_only_end_like_organisations_are_not_departments(question):
    assert find_units(question, TABLE) == []


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("第十二条讲的是什么？", 12),
        ("第12项任务", 12),
        ("第十二项任务的责任单位", 12),
        ("（二十一）讲什么", 21),
        ("三（七）的内容是什么？", 7),
        ("五、（十八）提出了什么", 18),
        ("Clause 22: which departments are responsible?", 22),
        ("二十四条涉及哪些部门", 24),
    ],
)
def test_clause_references_in_their_common_forms(question, number):
    assert [r.number for r in find_clause_refs(question, 29, {})] == [number]


def test_numbers_that_are_not_clauses_are_ignored():
    assert find_clause_refs("第64次常务会议", 29, {}) == []
    assert find_clause_refs("第四十条", 29, {}) == []  # beyond the last clause


def test_a_clause_is_found_by_its_title():
    refs = find_clause_refs(
        "保障随迁子女在流入地受教育权利这一条讲了什么", 29, {7: "保障随迁子女在流入地受教育权利", 8: "完善农牧业转移人口多元化住房保障体系"}
    )
    assert [r.number for r in refs] == [7]


def test_helpers():
    assert chinese_number("二十九") == 29 and chinese_number("十") == 10 and chinese_number("12") == 12 and chinese_number("条") is None
    assert edit_distance("水立局", "水利局") == 1
    assert title_named("保障措施", "方案的保障措施有哪些") and not title_named("保障措施", "保障住房")
