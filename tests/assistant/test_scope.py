"""Parent documents in one index: scoped answers, lineage links, and honesty about missing documents.

Uses the synthetic parent documents (tests/fixtures/synthetic), added as GBK text, DOCX and PDF.
"""

from __future__ import annotations

import shutil

import pytest

from tests.multidoc import corpus_copy, make_files

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


@pytest.mark.slow
def test_parsed_paths_and_lead_support_units_of_the_provincial_plan(multi):
    part = multi.knowledge.part_at(PROVINCIAL, "二（二）")
    assert part.title == "保障随迁子女在流入地受教育权利"
    assert [(u.name, u.role) for u in part.units] == [("省教育厅", "lead"), ("省委编办", "support"), ("省财政厅", "support")]
    assert multi.knowledge.part_at(NATIONAL, "一（一）1").title == "保障随迁子女受教育权利"
    assert multi.knowledge.part_at(REGULATION, "第二章第三条") is not None


@pytest.mark.slow
def test_lineage_links_the_plan_clause_to_its_parent_clauses(multi):
    plan7 = multi.knowledge.part_at(PLAN, "三（七）")
    links = {(link.doc, link.path) for link in multi.knowledge.parents[plan7.id]}
    assert links == {(PROVINCIAL, "二（二）"), (NATIONAL, "一（一）1")}
    # A clause with no counterpart in the parents gets no link (weak matches are not shown).
    plan22 = multi.knowledge.part_at(PLAN, "五（二十二）")
    assert multi.knowledge.parents.get(plan22.id, ()) == ()


@pytest.mark.slow
def test_lineage_question_returns_the_parent_clauses(multi):
    answer = multi.ask("随迁子女教育这项任务的上级依据是什么？")
    cited = [(c.doc, c.path) for c in answer.citations]
    assert cited[0] == (PLAN, "三（七）")
    assert set(cited[1:]) == {(PROVINCIAL, "二（二）"), (NATIONAL, "一（一）1")}
    assert answer.citations[0].parents and "上级依据" in answer.text


@pytest.mark.slow
def test_provincial_question_is_answered_from_the_provincial_plan(multi):
    answer = multi.ask("省里对随迁子女教育有什么要求？")
    assert not answer.refused
    assert {c.doc for c in answer.citations} == {PROVINCIAL}
    assert answer.citations[0].path == "二（二）"


@pytest.mark.slow
def test_national_scope_by_phrase_and_by_option(multi):
    by_phrase = multi.ask("只看国家文件：随迁子女在流入地参加中考怎么规定？")
    assert {c.doc for c in by_phrase.citations} == {NATIONAL}
    by_option = multi.ask("随迁子女中考", docs=(NATIONAL,))
    assert {c.doc for c in by_option.citations} == {NATIONAL}


@pytest.mark.slow
def test_short_document_numbers_are_understood(multi):
    answer = multi.ask("青政48号里谁牵头户籍制度改革？")
    assert answer.citations[0].doc == PROVINCIAL and "省公安厅" in answer.text


@pytest.mark.slow
def test_the_regulation_from_a_pdf_answers_with_its_article(multi):
    answer = multi.ask("外来务工人员可以申请公共租赁住房吗？", docs=(REGULATION,))
    assert answer.citations[0].path == "第二章第三条"


@pytest.mark.slow
def test_plan_answers_do_not_change_with_parents_present(multi):
    answer = multi.ask("谁负责随迁子女教育？", docs=(PLAN,))
    assert [c.clause for c in answer.citations] == [7]
    water = multi.ask("市水利局负责哪些工作？")
    assert sorted(c.clause for c in water.citations) == [3, 16, 20, 21, 23, 24]


@pytest.mark.slow
def test_unknown_document_option_is_refused_with_its_number(multi):
    answer = multi.ask("随迁子女", docs=("不存在〔2020〕1号",))
    assert answer.refused and "不存在〔2020〕1号" in answer.text


# --- Scope by place and level, primary documents (issue 12) ----------------------------------------
# A manifest held in memory: the plan (primary), its two parents, a provincial document under a new
# 文号 and two SYNTHETIC plans of made-up cities (tests/synthetic_plans.py).

NEW_PROVINCIAL = "青政〔2025〕7号"


@pytest.fixture(scope="module")
def documents():
    import dataclasses

    from index.manifest import load_manifest
    from index.records import DocumentMeta
    from tests.conftest import CORPUS
    from tests.synthetic_plans import generate_plans

    docs = {d.number: d for d in load_manifest(CORPUS)}
    docs[NEW_PROVINCIAL] = DocumentMeta(
        NEW_PROVINCIAL,
        "青海省推进新型城镇化若干措施",
        "若干措施",
        "青海省人民政府",
        "provincial",
        "2025-03-06",
        "x.txt",
        (NATIONAL,),
        "青海省",
    )
    for i, plan in enumerate(generate_plans(2)):
        docs[plan.number] = plan.meta(f"s{i}.txt")
    docs[PLAN] = dataclasses.replace(docs[PLAN], primary=True)
    return docs


def cities(documents):
    return [m for m in documents.values() if m.number.endswith(("政办〔2025〕1号", "政办〔2025〕2号"))]


def test_primary_documents_are_marked_in_the_manifest_else_the_lowest_level(documents):
    import dataclasses

    from assistant.scope import primary_documents

    indexed = tuple(documents)
    assert primary_documents(documents, indexed) == (PLAN,)
    unmarked = {n: dataclasses.replace(m, primary=False) for n, m in documents.items()}
    assert set(primary_documents(unmarked, indexed)) == {PLAN, *(m.number for m in cities(documents))}
    assert primary_documents(unmarked, (NEW_PROVINCIAL, NATIONAL)) == (NEW_PROVINCIAL,)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("格尔木市谁负责随迁子女教育？", {PLAN}),
        ("格尔木的老旧小区改造谁负责？", {PLAN}),
        ("本市谁负责随迁子女教育？", {PLAN}),
        ("青海省对随迁子女有什么要求？", {NEW_PROVINCIAL}),
        ("省里对随迁子女教育有什么要求？", {NEW_PROVINCIAL}),
        ("省级文件对随迁子女在公办学校就读的比例有什么要求？", {NEW_PROVINCIAL}),
        ("只看国家文件：随迁子女中考怎么规定？", {NATIONAL}),
        ("国务院对户籍制度改革有什么要求？", {NATIONAL}),
        ("谁负责随迁子女教育？", set()),
    ],
)
def test_a_place_or_level_in_the_question_selects_its_indexed_documents(documents, question, expected):
    from assistant.scope import scoped_documents

    indexed = tuple(n for n in documents if n != PROVINCIAL)  # 青政〔2024〕48号 stays listed only
    assert set(scoped_documents(question, documents, indexed)) == expected


def test_a_made_up_citys_name_selects_that_citys_plan(documents):
    from assistant.scope import scoped_documents

    for meta in cities(documents):
        assert scoped_documents(f"{meta.place}谁负责随迁子女教育？", documents, tuple(documents)) == (meta.number,)
        assert scoped_documents(f"{meta.place[:-1]}的户籍制度改革由哪些部门负责？", documents, tuple(documents)) == (meta.number,)
        assert scoped_documents(f"{meta.place}的分工方案里谁负责户籍制度改革？", documents, tuple(documents)) == (meta.number,)


def test_known_places_come_from_the_manifest(documents):
    from assistant.scope import known_places

    places = known_places(documents)
    assert {"格尔木市", "格尔木", "青海省", "青海"} <= set(places)
    assert {m.place for m in cities(documents)} <= set(places)
    assert "西宁市" not in places and "" not in places


def test_place_names_include_short_forms():
    from assistant.scope import place_names

    assert place_names("格尔木市") == ("格尔木市", "格尔木")
    assert place_names("海西蒙古族藏族自治州") == ("海西蒙古族藏族自治州", "海西州", "海西")
    assert place_names("") == ()


def test_a_missing_document_named_by_number_blocks_but_one_reached_by_level_does_not(documents):
    from assistant.scope import missing_document_asked

    indexed = tuple(n for n, m in documents.items() if m.provided)
    named = missing_document_asked("青政〔2024〕48号对随迁子女有什么要求？", documents, indexed)
    assert named is not None and named.number == PROVINCIAL and named.blocks
    by_level = missing_document_asked("省级文件对随迁子女在公办学校就读的比例有什么要求？", documents, indexed)
    assert by_level is not None and by_level.number == PROVINCIAL and not by_level.blocks and by_level.instead == (NEW_PROVINCIAL,)
    national = missing_document_asked("国家文件对随迁子女有什么要求？", documents, indexed)
    assert national is not None and national.number == NATIONAL and national.blocks  # no national document indexed
    assert missing_document_asked("青政〔2024〕48号是什么文件？", documents, indexed) is None  # identity, not content
    assert missing_document_asked("格尔木要打造青海省什么示范区？", documents, indexed) is None  # a place, not a document
    assert missing_document_asked("青海省的实施方案是哪个文件？", documents, indexed) is None  # which document it is
    by_place = missing_document_asked("青海省那个实施方案对随迁子女有什么要求？", documents, indexed)
    assert by_place is not None and by_place.number == PROVINCIAL  # a place, then a word the manifest's titles end with


def test_a_place_names_its_documents_by_the_words_their_titles_end_with(documents):
    from assistant.scope import names_document

    assert names_document("的实施方案是哪个文件", documents) and names_document("这个方案", documents)
    assert names_document("的分工方案里谁负责户籍制度改革", documents) and names_document("的文件", documents)
    assert not names_document("什么示范区", documents) and not names_document("的老旧小区改造", documents)


# --- Scratch corpora, indexed: the plan with a provincial document, and with generated plans -------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, settings):
    """The plan (parents listed), a provincial-style document under a new 文号 added as a user would,
    and three SYNTHETIC plans of made-up cities."""
    from assistant.service import Assistant, index_corpus
    from assistant.settings import Settings
    from index.corpus import add_document
    from tests.synthetic_plans import generate_plans, provincial_measures, write_corpus

    tmp = tmp_path_factory.mktemp("scratch")
    plans = generate_plans(3)
    corpus = write_corpus(tmp / "corpus", plans)
    source = tmp / "measures.txt"
    source.write_text(provincial_measures(), "utf-8")
    add_document(corpus, source)
    (tmp / "data").mkdir()
    shutil.copy(settings.vector_cache, tmp / "data" / "vectors.sqlite")
    s = Settings(corpus_dir=corpus, data_dir=tmp / "data")
    report = index_corpus(s)
    assert not report.errors and len(report.documents) == 5
    return Assistant.from_settings(s), plans


@pytest.mark.slow
def test_the_city_in_the_question_answers_from_the_citys_plan(scratch):
    assistant, _ = scratch
    answer = assistant.ask("格尔木市谁负责随迁子女教育？")
    assert [(c.doc, c.path) for c in answer.citations] == [(PLAN, "三（七）")]
    assert "市教育局" in answer.text


@pytest.mark.slow
def test_unscoped_questions_answer_from_the_primary_plan(scratch):
    assistant, _ = scratch
    answer = assistant.ask("谁负责随迁子女教育？")
    assert [(c.doc, c.path) for c in answer.citations] == [(PLAN, "三（七）")]


@pytest.mark.slow
def test_provincial_question_answers_from_the_indexed_provincial_document(scratch):
    assistant, _ = scratch
    answer = assistant.ask("省级文件对随迁子女在公办学校就读的比例有什么要求？")
    assert not answer.refused, answer.text
    assert answer.citations[0].doc == NEW_PROVINCIAL and "90%" in answer.text


@pytest.mark.slow
def test_made_up_cities_answer_from_their_own_plans(scratch):
    """'X市谁负责…' for generated cities: X's clause, X's units."""
    assistant, plans = scratch
    for plan in plans:
        for clause in plan.clauses[:3]:
            answer = assistant.ask(f"{plan.city}谁负责{clause.topic}？")
            assert not answer.refused, (plan.city, clause.topic, answer.text)
            assert (answer.citations[0].doc, answer.citations[0].path) == (plan.number, clause.path)
            assert all(unit in answer.text for unit in clause.units)


def test_place_names_are_no_topic_once_they_chose_the_documents(documents):
    from assistant.scope import strip_places

    city = cities(documents)[0].place
    assert strip_places(f"{city}谁负责随迁子女教育？", documents) == "谁负责随迁子女教育？"
    assert strip_places("格尔木的老旧小区改造谁负责？", documents) == "的老旧小区改造谁负责？"
    assert strip_places("西宁市的老旧小区改造谁负责？", documents) == "西宁市的老旧小区改造谁负责？"  # not a manifest place
