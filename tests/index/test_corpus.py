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
    [("broken.pdf", b"%PDF-1.4 not a pdf", "broken.pdf"), ("empty.txt", b"", "empty.txt"), ("bad.txt", b"\xff\xfe\x00\x81" * 50, "bad.txt")],
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
    entry, _ = add_document(corpus, files["regulation"], number="格试〔2026〕1号", level="municipal", title="格尔木市公共租赁住房管理办法（合成）")
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
