"""ui/files.py without a server: what the 文件 tab says about files it reads, refuses, and who may add."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.service import LiveAssistant
from assistant.settings import Settings
from index.build import parse_corpus
from index.units import default_unit_table
from tests.multidoc import SYNTHETIC, corpus_copy, write_docx
from ui import files

ANONYMOUS = SimpleNamespace(username=None)


@pytest.fixture
def handlers(tmp_path: Path) -> files.FileHandlers:
    """FileHandlers over a stub assistant (the plan parsed, no index) and a corpus copy."""
    corpus = corpus_copy(tmp_path / "corpus")
    docs, _, _ = parse_corpus(corpus)
    knowledge = SimpleNamespace(
        parts=[p for d in docs for p in d.parts], units=default_unit_table(), documents={d.meta.number: d.meta for d in docs}
    )
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus)
    live = LiveAssistant.of(SimpleNamespace(knowledge=knowledge, settings=settings))  # type: ignore[arg-type]
    return files.FileHandlers(live, settings, lambda: [("全部文件", "")])


def message(outputs: tuple[Any, ...]) -> str:
    return outputs[0]


def test_an_upload_fills_the_form_from_its_header_and_enables_adding(handlers: files.FileHandlers, tmp_path: Path) -> None:
    docx = write_docx((SYNTHETIC / "provincial_plan.txt").read_text("utf-8"), tmp_path / "青海省实施方案.docx")
    out = handlers.read_upload(str(docx), ANONYMOUS)
    assert "已读取 <b>青海省实施方案.docx</b>（DOCX" in message(out) and "5 条条款" in message(out)
    assert "将补上已列入清单、尚未提供正文的 <b>青政〔2024〕48号</b>" in message(out)
    staged, number, title, issuer, level, date, add = out[1:]
    assert Path(staged.path).parent.parent == handlers.staging  # kept in the data folder until added
    assert (number["value"], issuer["value"], level["value"], date["value"]) == (
        "青政〔2024〕48号",
        "青海省人民政府",
        "provincial",
        "2024-12-14",
    )
    assert title["value"].startswith("青海省人民政府关于印发") and add["interactive"] is True


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("通知.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old Word format"),
        ("table.xlsx", b"PK\x03\x04" + b"\0" * 100, "a spreadsheet"),
        ("fake.pdf", b"<html>not a pdf</html>", "its content is not a PDF file"),
        ("empty.txt", b"", "the file is empty"),
        ("notes.txt", "今天开会，讨论了很多事情。".encode(), "没有找到“一、”“（一）”“第X条”等编号标题"),
        ("<img src=x onerror=alert(1)>.txt", "今天开会。".encode(), "没有找到"),
    ],
)
def test_a_refused_upload_is_named_with_the_reason_and_nothing_can_be_added(
    handlers: files.FileHandlers, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(content)
    out = handlers.read_upload(str(path), ANONYMOUS)
    assert "pq-file-error" in message(out) and expected in message(out) and "Traceback" not in message(out)
    assert "<img" not in message(out)  # a file name is text, never markup
    assert out[1] is None and out[-1]["interactive"] is False


def test_an_upload_over_the_size_limit_is_refused(handlers: files.FileHandlers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("一、总体要求\n" * 50, "utf-8")
    assert "超过 0 MB 的上限" in message(handlers.read_upload(str(path), ANONYMOUS))


def test_a_web_address_that_is_not_one_is_refused(handlers: files.FileHandlers) -> None:
    assert "not a web address" in message(handlers.read_url("国发〔2024〕17号", ANONYMOUS))
    assert files.NOTHING_READ in message(handlers.read_url("  ", ANONYMOUS))


def test_with_ui_auth_only_a_signed_in_user_may_read_add_or_remove(handlers: files.FileHandlers, tmp_path: Path) -> None:
    handlers.settings = Settings(data_dir=tmp_path / "data", corpus_dir=handlers.settings.corpus_dir, ui_auth="clerk:secret")
    docx = write_docx((SYNTHETIC / "provincial_plan.txt").read_text("utf-8"), tmp_path / "p.docx")
    assert files.SIGN_IN in message(handlers.read_upload(str(docx), ANONYMOUS))
    staged = files.Staged(str(docx), docx.name)
    assert files.SIGN_IN in message(handlers.add(staged, "青政〔2024〕48号", "", "", "provincial", "", ANONYMOUS))
    assert files.SIGN_IN in message(handlers.remove("格政办发〔2025〕25号", ANONYMOUS))
    assert "已读取" in message(handlers.read_upload(str(docx), SimpleNamespace(username="clerk")))


def test_the_only_provided_document_cannot_be_removed(handlers: files.FileHandlers) -> None:
    assert files.REMOVE_LAST in message(handlers.remove("格政办发〔2025〕25号", ANONYMOUS))
    assert files.REMOVE_NONE in message(handlers.remove(None, ANONYMOUS))


def test_a_web_address_is_fetched_read_and_added_with_its_source(handlers: files.FileHandlers, monkeypatch: pytest.MonkeyPatch) -> None:
    from index.manifest import load_manifest
    from tests.fixture_server import Route, serve

    page = (Path(__file__).resolve().parents[1] / "fixtures" / "web" / "article.html").read_bytes()
    with serve({"/zhengce/content/article.htm": Route(page)}) as portal:
        url = portal.url("/zhengce/content/article.htm")
        out = handlers.read_url(url, ANONYMOUS)
    assert f"来源：<code>{url}</code>" in message(out)
    staged, number, _, issuer, level, _, add = out[1:]
    assert (staged.url, number["value"], issuer["value"], level["value"], add["interactive"]) == (
        url,
        "国发〔2024〕17号",
        "国务院",
        "national",
        True,
    )
    monkeypatch.setattr(handlers, "_reindex", lambda progress: SimpleNamespace(errors=(), seconds=0.1))  # no index in this test
    done = handlers.add(staged, number["value"], "", issuer["value"], level["value"], "", ANONYMOUS)
    assert "已添加 <b>国发〔2024〕17号</b>" in message(done)
    recorded = next(d for d in load_manifest(handlers.settings.corpus_dir) if d.number == "国发〔2024〕17号")
    assert recorded.source == url and recorded.fetched and recorded.file.endswith(".html")
    assert not Path(staged.path).exists()  # the staged copy is gone once added


def test_a_document_that_fails_to_index_is_taken_back_out(
    handlers: files.FileHandlers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.manifest import load_manifest

    docx = write_docx((SYNTHETIC / "provincial_plan.txt").read_text("utf-8"), tmp_path / "p.docx")
    staged = handlers.read_upload(str(docx), ANONYMOUS)[1]
    report = SimpleNamespace(errors=("青政〔2024〕48号: p.docx has no recognisable structure",), seconds=0.1)
    monkeypatch.setattr(handlers, "_reindex", lambda progress: report)
    out = handlers.add(staged, "青政〔2024〕48号", "", "", "provincial", "2024-12-14", ANONYMOUS)
    assert "未能索引" in message(out) and "已撤回添加" in message(out)
    assert next(d for d in load_manifest(handlers.settings.corpus_dir) if d.number == "青政〔2024〕48号").file is None
