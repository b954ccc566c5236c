"""index/fetch.py and `planqa corpus add URL`: documents fetched from a local server shaped like a
government portal (tests/fixtures/web), never from the internet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.cli import main
from index.corpus import infer_header
from index.errors import CorpusError
from index.fetch import fetch, fetch_document, is_web_address
from index.load import read_document
from index.manifest import load_manifest
from index.parse import parse_document
from tests.fixture_server import Route, serve
from tests.multidoc import SYNTHETIC, corpus_copy
from tests.scans import write_text_pdf

WEB = Path(__file__).resolve().parents[1] / "fixtures" / "web"
HTML = "text/html; charset=utf-8"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    """A portal with an article page, a list page, the provincial plan as a PDF, and pages that fail."""
    pdf = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    write_text_pdf((SYNTHETIC / "provincial_plan.txt").read_text("utf-8"), pdf)
    routes = {
        "/zhengce/content/article.htm": Route((WEB / "article.html").read_bytes(), HTML),
        "/zhengce/gbk.htm": Route(
            (WEB / "article.html").read_text("utf-8").replace("utf-8", "gbk").encode("gbk"), "text/html; charset=gbk"
        ),
        "/zhengce/list.htm": Route((WEB / "list.html").read_bytes(), HTML),
        "/files/qinghai.pdf": Route(pdf.read_bytes(), "application/pdf"),
        "/download?id=7": Route(pdf.read_bytes(), "application/octet-stream"),
        "/files/download.pdf": Route(pdf.read_bytes(), "application/octet-stream"),
        "/old/article": Route(status=301, location="/zhengce/content/article.htm"),
        "/loop": Route(status=302, location="/loop"),
        "/gone": Route(b"<html><body>page removed</body></html>", HTML, status=410),
        "/error": Route(b"oops", "text/plain", status=500),
        "/stream": Route((WEB / "article.html").read_bytes(), HTML, send_length=False),
        "/slow": Route((WEB / "article.html").read_bytes(), HTML, delay_s=3),
        "/logo.png": Route(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png"),
        "/huge.pdf": Route(b"%PDF-1.4\n", "application/pdf", headers={"Content-Length": str(200 * 2**20)}),
    }
    with serve(routes) as server:
        yield server


def test_an_article_page_is_read_to_its_main_text_with_its_number_line(portal, tmp_path):
    fetched = fetch_document(portal.url("/zhengce/content/article.htm"), tmp_path)
    assert fetched.path.suffix == ".html" and fetched.content_type == "text/html"
    text = read_document(fetched.path)
    header = infer_header(text)
    assert (header.number, header.issuer, header.level, header.date) == ("国发〔2024〕17号", "国务院", "national", "2024-07-28")
    for chrome in ("首页", "请输入关键词", "相关文件", "版权所有", "网站地图", "分享到", "索引号"):
        assert chrome not in text  # navigation, metadata table, related links and footer stay out
    assert "1.保障随迁子女受教育权利" in text


def test_a_gbk_page_is_decoded(portal, tmp_path):
    text = read_document(fetch(portal.url("/zhengce/gbk.htm"), tmp_path).path)
    assert "国发〔2024〕17号" in text and "保障随迁子女受教育权利" in text


def test_a_redirect_is_followed_and_the_final_address_kept(portal, tmp_path):
    fetched = fetch(portal.url("/old/article"), tmp_path)
    assert fetched.url.endswith("/old/article") and fetched.final_url.endswith("/zhengce/content/article.htm")


def test_a_pdf_and_a_download_named_pdf_are_kept_as_pdf(portal, tmp_path):
    for path in ("/files/qinghai.pdf", "/files/download.pdf"):
        fetched = fetch_document(portal.url(path), tmp_path / path.strip("/").replace("/", "_"))
        assert fetched.path.suffix == ".pdf"
        assert infer_header(read_document(fetched.path)).number == "青政〔2024〕48号"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "answered 404"),
        ("/gone", "answered 410"),
        ("/error", "answered 500"),
        ("/loop", "redirects"),
        ("/logo.png", "not a document but image/png"),
        ("/download?id=7", "not a document but application/octet-stream"),
        ("/huge.pdf", "over the 50 MB limit"),
        ("/zhengce/list.htm", "no document text"),
    ],
)
def test_a_failed_fetch_says_why(portal, tmp_path, path, message):
    with pytest.raises(CorpusError, match=message) as error:
        fetch_document(portal.url(path), tmp_path)
    assert portal.url(path) in str(error.value)


def test_a_slow_server_times_out_and_a_download_over_the_limit_is_stopped(portal, tmp_path):
    with pytest.raises(CorpusError, match="no answer within 1 s"):
        fetch(portal.url("/slow"), tmp_path, timeout_s=1)
    with pytest.raises(CorpusError, match="the file is 4 KB, over the 1 KB limit"):
        fetch(portal.url("/zhengce/content/article.htm"), tmp_path, max_bytes=1024)
    with pytest.raises(CorpusError, match="passed the 1 KB limit and was stopped"):
        fetch(portal.url("/stream"), tmp_path, max_bytes=1024)


def test_only_web_addresses_are_fetched(tmp_path):
    assert is_web_address("https://www.gov.cn/zhengce/content/202407/content_6965542.htm")
    assert not is_web_address("国发〔2024〕17号.pdf")
    with pytest.raises(CorpusError, match="not a web address"):
        fetch("ftp://example.org/a.pdf", tmp_path)
    with pytest.raises(CorpusError, match="cannot be fetched"):
        fetch("http://127.0.0.1:9/nothing-listens-here", tmp_path, timeout_s=2)


def test_corpus_add_url_records_the_address_and_fetch_date(portal, tmp_path, capsys):
    corpus = corpus_copy(tmp_path / "corpus")
    common = ["--corpus-dir", str(corpus), "--data-dir", str(tmp_path / "data"), "corpus", "add"]
    article, pdf = portal.url("/zhengce/content/article.htm"), portal.url("/files/qinghai.pdf")
    assert main([*common, article, "--no-index"]) == 0
    assert main([*common, pdf, "--no-index"]) == 0
    out = capsys.readouterr().out
    assert "added 国发〔2024〕17号" in out and "added 青政〔2024〕48号" in out and f"source: {article}" in out
    docs = {d.number: d for d in load_manifest(corpus)}
    today = dt.date.today().isoformat()
    assert (docs["国发〔2024〕17号"].source, docs["国发〔2024〕17号"].fetched) == (article, today)
    assert (docs["青政〔2024〕48号"].source, docs["青政〔2024〕48号"].fetched) == (pdf, today)
    assert docs["国发〔2024〕17号"].file.endswith(".html") and docs["青政〔2024〕48号"].file.endswith(".pdf")
    national = parse_document(read_document(corpus / docs["国发〔2024〕17号"].file), docs["国发〔2024〕17号"])
    source = parse_document((SYNTHETIC / "national_plan.txt").read_text("utf-8"), docs["国发〔2024〕17号"])
    assert [(p.path, p.text) for p in national.clauses] == [(p.path, p.text) for p in source.clauses]  # the page reads as its source
    provincial = parse_document(read_document(corpus / docs["青政〔2024〕48号"].file), docs["青政〔2024〕48号"])
    assert provincial.clauses[0].unit_names[0] == "省公安厅"


def test_corpus_add_url_failure_is_one_line(portal, tmp_path, capsys):
    corpus = corpus_copy(tmp_path / "corpus")
    code = main(["--corpus-dir", str(corpus), "--data-dir", str(tmp_path / "data"), "corpus", "add", portal.url("/zhengce/list.htm")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("planqa: ") and "no document text" in err[-1]
    assert len(load_manifest(corpus)) == 3  # nothing recorded
