"""index/ocr.py: scanned PDFs (image-only pages rendered from a known SYNTHETIC text) read by OCR,
cleaned and parsed into the same clauses and responsible units as their source."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from eval.ocr_bench import character_accuracy
from index.corpus import add_document, corpus_status, preview_document, remove_document
from index.load import extract_document
from index.manifest import load_manifest
from index.ocr import cache_path, fix_line, group_lines
from index.parse import parse_document
from tests.multidoc import corpus_copy
from tests.scans import render_scan, write_text_pdf
from tests.synthetic_plans import generate_plan

pytest.importorskip("rapidocr_onnxruntime", reason="OCR's wheels exist for Python ≤ 3.12")
CITY = "芷川市"  # a made-up city whose plan lays out on three pages


def test_fix_line_puts_right_what_ocr_misreads_on_official_documents():
    assert fix_line("琨峰政办【2025】1号") == "琨峰政办〔2025〕1号"
    assert fix_line("国发〔2024]17号") == "国发〔2024〕17号"
    assert fix_line("（责任单位:市教育局、·市财政局)") == "（责任单位：市教育局、市财政局）"
    assert fix_line("Version 2.0: see (a), (b)") == "Version 2.0: see (a), (b)"  # Latin text keeps its punctuation


def test_group_lines_joins_boxes_on_one_line_left_to_right():
    def box(left: float, top: float, right: float, bottom: float) -> list[list[float]]:
        return [[left, top], [right, top], [right, bottom], [left, bottom]]

    boxes = [(box(600, 102, 900, 130), "第二段", 0.9), (box(100, 100, 500, 132), "第一段", 0.9), (box(100, 160, 500, 190), "下一行", 0.9)]
    assert group_lines(boxes) == ["第一段 第二段", "下一行"]


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory):
    """A synthetic plan rendered as a 3-page image-only PDF, read once (then from its OCR cache)."""
    plan = generate_plan(CITY, 1)
    path = tmp_path_factory.mktemp("scan") / "scan.pdf"
    pages = render_scan(plan.text, path)
    seen: list[tuple[int, int]] = []
    extracted = extract_document(path, progress=lambda done, total: seen.append((done, total)))
    return plan, path, pages, extracted, seen


@pytest.mark.slow
def test_a_scanned_plan_parses_into_the_same_clauses_and_units_as_its_source(scan):
    plan, path, pages, extracted, seen = scan
    assert pages >= 3
    assert seen == [(i, pages) for i in range(1, pages + 1)]  # progress per page
    assert extracted.ocr is not None and extracted.ocr.pages == pages and extracted.ocr.confidence > 0.95
    assert character_accuracy(plan.text, extracted.text) >= 0.98
    meta = plan.meta(path.name)
    source, read = parse_document(plan.text, meta), parse_document(extracted.text, meta)
    assert [(c.path, c.title, c.unit_names) for c in read.clauses] == [(c.path, c.title, c.unit_names) for c in source.clauses]
    assert not re.search(r"—\s*\d+\s*—", "".join(p.text for p in read.parts))  # page numbers cleaned away


@pytest.mark.slow
def test_a_scan_is_read_once_then_from_its_cache(scan):
    _, path, _, extracted, _ = scan
    assert cache_path(path).exists()
    t0 = time.perf_counter()
    again = extract_document(path)
    assert time.perf_counter() - t0 < 1.0 and again == extracted


@pytest.mark.slow
def test_only_pages_without_a_text_layer_are_read_by_ocr(tmp_path):
    from pypdf import PdfReader, PdfWriter

    write_text_pdf("第一页有文字层。\n一、总体要求\n（一）加强组织领导。", tmp_path / "text.pdf")
    render_scan("（二）保障随迁子女受教育权利。（责任单位：市教育局）", tmp_path / "scan.pdf")
    writer = PdfWriter()
    for name in ("text.pdf", "scan.pdf"):
        for page in PdfReader(tmp_path / name).pages:
            writer.add_page(page)
    writer.write(tmp_path / "mixed.pdf")
    extracted = extract_document(tmp_path / "mixed.pdf")
    assert extracted.ocr is not None and extracted.ocr.pages == 1
    assert "第一页有文字层" in extracted.text and "（责任单位：市教育局）" in extracted.text


@pytest.mark.slow
def test_adding_a_scan_records_its_ocr_in_the_manifest_and_status(scan, tmp_path):
    plan, path, pages, extracted, _ = scan
    corpus = corpus_copy(tmp_path / "corpus")
    preview = preview_document(path, "扫描件.pdf")
    assert (preview.header.number, preview.header.date) == (plan.number, plan.date)
    assert preview.ocr == extracted.ocr and preview.name == "扫描件.pdf"
    entry, notes = add_document(corpus, path)
    assert (entry.ocr_pages, entry.ocr_confidence) == (pages, extracted.ocr.confidence)
    assert any(n.startswith("text: read by OCR") for n in notes)
    assert cache_path(corpus / entry.file).exists()  # indexing will not read the scan again
    recorded = next(d for d in load_manifest(corpus) if d.number == plan.number)
    assert recorded.ocr_pages == pages and recorded.ocr_confidence == entry.ocr_confidence
    status = dict((m.number, s) for m, s in corpus_status(corpus, tmp_path / "no-index"))
    assert f"OCR: {pages} page(s), mean confidence" in status[plan.number]
    remove_document(corpus, plan.number)
    assert not cache_path(corpus / entry.file).exists()


def test_an_image_only_pdf_with_nothing_to_read_is_named(tmp_path):
    from PIL import Image

    from index.errors import CorpusError

    Image.new("L", (400, 560), 255).save(tmp_path / "blank.pdf", "PDF", resolution=50.0)
    with pytest.raises(CorpusError, match="blank.pdf: no text found"):
        extract_document(tmp_path / "blank.pdf")
    assert Path(tmp_path / "blank.pdf").exists()
