"""index/corpus.py and index/load.py: adding, listing and removing documents of every format."""

from __future__ import annotations

import pytest

from index.corpus import add_document, corpus_status, infer_header, remove_document
from index.errors import CorpusError
from index.load import read_document
from index.manifest import load_manifest
from tests.multidoc import SYNTHETIC, corpus_copy, make_files


def test_infer_header_of_the_real_plan(plan_meta):
    from tests.conftest import CORPUS

    guess = infer_header((CORPUS / plan_meta.file).read_text("utf-8"))
    assert guess.number == "格政办发〔2025〕25号"
    assert guess.date == "2025-04-17"
    assert guess.issuer == "格尔木市人民政府办公室"
    assert guess.level == "municipal"
    assert guess.title.endswith("分工方案的通知")


def test_infer_header_of_national_and_provincial_documents():
    national = infer_header((SYNTHETIC / "national_plan.txt").read_text("utf-8"))
    assert (national.number, national.level, national.date, national.issuer) == ("国发〔2024〕17号", "national", "2024-07-28", "国务院")
    provincial = infer_header((SYNTHETIC / "provincial_plan.txt").read_text("utf-8"))
    assert (provincial.number, provincial.level, provincial.issuer) == ("青政〔2024〕48号", "provincial", "青海省人民政府")


def test_every_format_reads_to_the_same_text(tmp_path):
    files = make_files(tmp_path / "in")
    assert "随迁子女" in read_document(files["provincial"])  # GBK text
    assert "保障随迁子女受教育权利" in read_document(files["national"])  # DOCX
    assert "第三条" in read_document(files["regulation"])  # PDF
    html = tmp_path / "page.html"
    html.write_text(
        "<html><head><script>var x=1;</script></head><body><nav>首页 | 政务公开</nav>"
        "<div id='zoom'><p>第一条 为了规范管理，制定本办法。</p></div><footer>版权所有</footer></body></html>",
        "utf-8",
    )
    text = read_document(html)
    assert "第一条" in text and "首页" not in text and "版权所有" not in text and "var x" not in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.pdf", b"%PDF-1.4 not a pdf", "broken.pdf"),
        ("empty.txt", b"", "empty.txt"),
        ("bad.txt", b"\xff\xfe\x00\x81" * 50, "bad.txt"),
    ],
)
def test_unreadable_files_are_named(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        read_document(path)


def test_add_fills_a_listed_parent_and_remove_lists_it_again(tmp_path):
    corpus = corpus_copy(tmp_path / "corpus")
    files = make_files(tmp_path / "in")
    entry, notes = add_document(corpus, files["provincial"])
    assert entry.number == "青政〔2024〕48号" and entry.file and (corpus / entry.file).exists()
    assert any("number" in n for n in notes)
    docs = {d.number: d for d in load_manifest(corpus)}
    assert docs["青政〔2024〕48号"].level == "provincial" and docs["青政〔2024〕48号"].file == entry.file
    with pytest.raises(CorpusError, match="already in the corpus"):
        add_document(corpus, files["provincial"])
    remove_document(corpus, "青政〔2024〕48号")
    docs = {d.number: d for d in load_manifest(corpus)}
    assert docs["青政〔2024〕48号"].file is None  # a parent of the plan stays listed
    assert not (corpus / entry.file).exists()


def test_add_a_new_document_with_given_metadata_and_remove_it(tmp_path):
    corpus = corpus_copy(tmp_path / "corpus")
    files = make_files(tmp_path / "in")
    entry, _ = add_document(
        corpus, files["regulation"], number="格试〔2026〕1号", level="municipal", title="格尔木市公共租赁住房管理办法（合成）"
    )
    assert entry.file.endswith(".pdf")
    assert [d.number for d in load_manifest(corpus)][-1] == "格试〔2026〕1号"
    remove_document(corpus, "格试〔2026〕1号")
    assert "格试〔2026〕1号" not in [d.number for d in load_manifest(corpus)]
    with pytest.raises(CorpusError, match="not in the manifest"):
        remove_document(corpus, "格试〔2026〕1号")


def test_a_document_without_a_number_needs_one(tmp_path):
    corpus = corpus_copy(tmp_path / "corpus")
    files = make_files(tmp_path / "in")
    with pytest.raises(CorpusError, match="--number"):
        add_document(corpus, files["regulation"])


def test_status_lists_every_document(tmp_path):
    corpus = corpus_copy(tmp_path / "corpus")
    status = dict((m.number, s) for m, s in corpus_status(corpus, tmp_path / "no-index"))
    assert status["国发〔2024〕17号"] == "listed, not provided"
    assert status["格政办发〔2025〕25号"].startswith("not indexed")


# --- Document metadata of every shape (issue 12) -------------------------------------------------

NOTICE = "\n".join(
    [
        "{title}",
        "{number}",
        "各市、自治州人民政府，省政府各委、办、厅、局：",
        "现将《测试实施方案》印发给你们，请认真贯彻执行。（合成测试文本）",
        "{issuer}",
        "{date}",
        "测试实施方案",
        "为深入贯彻《上级行动计划》（国发〔2024〕17号），制定本方案。",
        "一、总体要求",
        "（一）加强领导。按照《另一个文件》（国办发〔2020〕1号）执行。（省发展改革委牵头）",
    ]
)


@pytest.mark.parametrize(
    ("number_line", "number"),
    [
        ("青政〔2025〕7号", "青政〔2025〕7号"),
        ("青政[2025]7号", "青政〔2025〕7号"),
        ("青政（2025）7号", "青政〔2025〕7号"),
        ("青政〔2025〕 7 号", "青政〔2025〕7号"),
        ("发文字号：青政〔2025〕7号", "青政〔2025〕7号"),
        ("青海省人民政府文件 青政〔2025〕7号", "青政〔2025〕7号"),
    ],
)
def test_own_number_in_every_written_form(number_line, number):
    text = NOTICE.format(title="青海省人民政府关于印发测试实施方案的通知", number=number_line, issuer="青海省人民政府", date="2025年3月6日")
    guess = infer_header(text)
    assert (guess.number, guess.issuer, guess.level, guess.date) == (number, "青海省人民政府", "provincial", "2025-03-06")


def test_a_parent_cited_in_the_preamble_is_never_the_documents_own_number():
    text = NOTICE.format(title="某某办法", number="", issuer="", date="")
    assert infer_header(text).number is None


def test_chinese_numeral_dates_and_the_signature_give_date_and_issuer():
    text = NOTICE.format(title="测试城市公共服务办法", number="测政〔2025〕3号", issuer="测试市人民政府", date="二〇二五年十二月三十一日")
    guess = infer_header(text)
    assert (guess.date, guess.issuer, guess.level) == ("2025-12-31", "测试市人民政府", "municipal")


def test_the_provincial_style_document_under_a_new_number_reads_right():
    from index.corpus import referenced_documents
    from tests.synthetic_plans import PROVINCIAL_NUMBER, provincial_measures

    text = provincial_measures()
    guess = infer_header(text)
    assert (guess.number, guess.level, guess.issuer, guess.date) == (PROVINCIAL_NUMBER, "provincial", "青海省人民政府", "2025-03-06")
    refs = referenced_documents(text, guess.number)
    assert [(r.number, r.title) for r in refs] == [
        ("国发〔2024〕17号", "深入实施以人为本的新型城镇化战略五年行动计划"),
        ("青政〔2024〕48号", "青海省深入实施以人为本的新型城镇化战略五年行动计划的实施方案"),  # wrapped over two lines
    ]


def test_references_come_from_the_notice_and_preamble_only_and_never_the_document_itself():
    from index.corpus import referenced_documents

    text = NOTICE.format(
        title="青海省人民政府关于印发测试实施方案的通知", number="青政〔2025〕7号", issuer="青海省人民政府", date="2025年3月6日"
    )
    text += "\n本方案即《测试实施方案》（青政〔2025〕7号）。"
    assert [r.number for r in referenced_documents(text, "青政〔2025〕7号")] == ["国发〔2024〕17号"]  # not 国办发 (a clause), not itself


def test_the_real_plan_implements_its_two_parents(plan_meta):
    from index.corpus import referenced_documents
    from tests.conftest import CORPUS

    refs = referenced_documents((CORPUS / plan_meta.file).read_text("utf-8"), plan_meta.number)
    assert {r.number for r in refs} == set(plan_meta.implements)


def test_adding_a_provincial_document_under_a_new_number_records_its_parents(tmp_path):
    corpus = corpus_copy(tmp_path / "corpus")
    source = tmp_path / "qinghai-new.txt"
    source.write_text((SYNTHETIC / "provincial_plan.txt").read_text("utf-8").replace("青政〔2024〕48号", "青政〔2025〕9号"), "utf-8")
    entry, _ = add_document(corpus, source)
    assert (entry.number, entry.level, entry.place, entry.implements) == (
        "青政〔2025〕9号",
        "provincial",
        "青海省",
        (),
    )  # no glued 「的通知青政…」

    from tests.synthetic_plans import provincial_measures

    source = tmp_path / "measures.txt"
    source.write_text(provincial_measures(), "utf-8")
    entry, notes = add_document(corpus, source)
    assert entry.implements == ("国发〔2024〕17号", "青政〔2024〕48号") and entry.number not in entry.implements
    numbers = [d.number for d in load_manifest(corpus)]
    assert numbers.count("国发〔2024〕17号") == 1 and numbers.count("青政〔2024〕48号") == 1  # already listed: not added twice
    assert any(n.startswith("implements:") for n in notes)


def test_parents_missing_from_the_manifest_are_listed_without_files(tmp_path):
    from tests.synthetic_plans import generate_plans, provincial_measures, write_corpus

    corpus = write_corpus(tmp_path / "corpus", generate_plans(1), with_plan=False)
    source = tmp_path / "measures.txt"
    source.write_text(provincial_measures(), "utf-8")
    add_document(corpus, source)
    docs = {d.number: d for d in load_manifest(corpus)}
    national, provincial = docs["国发〔2024〕17号"], docs["青政〔2024〕48号"]
    assert (national.file, national.level, national.title) == (None, "national", "深入实施以人为本的新型城镇化战略五年行动计划")
    assert (provincial.file, provincial.level) == (None, "provincial")


def test_place_and_primary_survive_a_manifest_rewrite(tmp_path):
    corpus = corpus_copy(tmp_path / "corpus")
    files = make_files(tmp_path / "in")
    add_document(corpus, files["national"])  # rewrites the manifest
    docs = {d.number: d for d in load_manifest(corpus)}
    assert docs["格政办发〔2025〕25号"].primary and docs["格政办发〔2025〕25号"].place == "格尔木市"
    assert docs["青政〔2024〕48号"].place == "青海省" and docs["国发〔2024〕17号"].place == ""


@pytest.mark.parametrize(
    ("issuer", "place"),
    [
        ("格尔木市人民政府办公室", "格尔木市"),
        ("青海省人民政府", "青海省"),
        ("国务院", ""),
        ("国务院办公厅", ""),
        ("中共青海省委", "青海省"),
        ("海西蒙古族藏族自治州人民政府", "海西蒙古族藏族自治州"),
    ],
)
def test_place_of_issuer(issuer, place):
    from index.manifest import place_of_issuer

    assert place_of_issuer(issuer) == place


def test_generated_plans_read_like_the_real_one():
    """The SYNTHETIC plans (tests/synthetic_plans.py): header inferred right, every clause parsed with its units."""
    from index.corpus import referenced_documents
    from index.parse import parse_document
    from tests.synthetic_plans import generate_plans

    plans = generate_plans(50)
    assert len({p.city for p in plans}) == 50 and generate_plans(3) == plans[:3]
    for plan in plans[:5]:
        guess = infer_header(plan.text)
        assert (guess.number, guess.issuer, guess.date, guess.level) == (plan.number, plan.issuer, plan.date, "municipal")
        assert [r.number for r in referenced_documents(plan.text, plan.number)] == ["国发〔2024〕17号"]
        parsed = parse_document(plan.text, plan.meta("x.txt"))
        assert [(c.path, c.unit_names) for c in parsed.clauses] == [(c.path, c.units) for c in plan.clauses]
