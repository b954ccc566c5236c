"""Parent documents in one index: scoped answers, lineage links, and honesty about missing documents.

Uses the synthetic parent documents (tests/fixtures/synthetic), added as GBK text, DOCX and PDF.
"""

from __future__ import annotations

import shutil

import pytest

from tests.multidoc import corpus_copy, make_files

pytestmark = pytest.mark.slow
PLAN, PROVINCIAL, NATIONAL, REGULATION = "格政办发〔2025〕25号", "青政〔2024〕48号", "国发〔2024〕17号", "格试〔2026〕1号"


@pytest.fixture(scope="module")
def multi(tmp_path_factory, settings):
    from assistant.service import Assistant, index_corpus
    from assistant.settings import Settings
    from index.corpus import add_document

    tmp = tmp_path_factory.mktemp("multidoc")
    corpus = corpus_copy(tmp / "corpus")
    files = make_files(tmp / "in")
    add_document(corpus, files["provincial"])
    add_document(corpus, files["national"])
    add_document(corpus, files["regulation"], number=REGULATION, level="municipal", title="格尔木市公共租赁住房管理办法（合成）")
    (tmp / "data").mkdir()
    shutil.copy(settings.vector_cache, tmp / "data" / "vectors.sqlite")
    s = Settings(corpus_dir=corpus, data_dir=tmp / "data")
    report = index_corpus(s)
    assert set(report.documents) == {PLAN, PROVINCIAL, NATIONAL, REGULATION} and not report.errors
    return Assistant.from_settings(s)


def test_parsed_paths_and_lead_support_units_of_the_provincial_plan(multi):
    part = multi.knowledge.part_at(PROVINCIAL, "二（二）")
    assert part.title == "保障随迁子女在流入地受教育权利"
    assert [(u.name, u.role) for u in part.units] == [("省教育厅", "lead"), ("省委编办", "support"), ("省财政厅", "support")]
    assert multi.knowledge.part_at(NATIONAL, "一（一）1").title == "保障随迁子女受教育权利"
    assert multi.knowledge.part_at(REGULATION, "第二章第三条") is not None


def test_lineage_links_the_plan_clause_to_its_parent_clauses(multi):
    plan7 = multi.knowledge.part_at(PLAN, "三（七）")
    links = {(link.doc, link.path) for link in multi.knowledge.parents[plan7.id]}
    assert links == {(PROVINCIAL, "二（二）"), (NATIONAL, "一（一）1")}
    # A clause with no counterpart in the parents gets no link (weak matches are not shown).
    plan22 = multi.knowledge.part_at(PLAN, "五（二十二）")
    assert multi.knowledge.parents.get(plan22.id, ()) == ()


def test_lineage_question_returns_the_parent_clauses(multi):
    answer = multi.ask("随迁子女教育这项任务的上级依据是什么？")
    cited = [(c.doc, c.path) for c in answer.citations]
    assert cited[0] == (PLAN, "三（七）")
    assert set(cited[1:]) == {(PROVINCIAL, "二（二）"), (NATIONAL, "一（一）1")}
    assert answer.citations[0].parents and "上级依据" in answer.text


def test_provincial_question_is_answered_from_the_provincial_plan(multi):
    answer = multi.ask("省里对随迁子女教育有什么要求？")
    assert not answer.refused
    assert {c.doc for c in answer.citations} == {PROVINCIAL}
    assert answer.citations[0].path == "二（二）"


def test_national_scope_by_phrase_and_by_option(multi):
    by_phrase = multi.ask("只看国家文件：随迁子女在流入地参加中考怎么规定？")
    assert {c.doc for c in by_phrase.citations} == {NATIONAL}
    by_option = multi.ask("随迁子女中考", docs=(NATIONAL,))
    assert {c.doc for c in by_option.citations} == {NATIONAL}


def test_short_document_numbers_are_understood(multi):
    answer = multi.ask("青政48号里谁牵头户籍制度改革？")
    assert answer.citations[0].doc == PROVINCIAL and "省公安厅" in answer.text


def test_the_regulation_from_a_pdf_answers_with_its_article(multi):
    answer = multi.ask("外来务工人员可以申请公共租赁住房吗？", docs=(REGULATION,))
    assert answer.citations[0].path == "第二章第三条"


def test_plan_answers_do_not_change_with_parents_present(multi):
    answer = multi.ask("谁负责随迁子女教育？", docs=(PLAN,))
    assert [c.clause for c in answer.citations] == [7]
    water = multi.ask("市水利局负责哪些工作？")
    assert sorted(c.clause for c in water.citations) == [3, 16, 20, 21, 23, 24]


def test_unknown_document_option_is_refused_with_its_number(multi):
    answer = multi.ask("随迁子女", docs=("不存在〔2020〕1号",))
    assert answer.refused and "不存在〔2020〕1号" in answer.text
