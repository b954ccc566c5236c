"""index/clean.py: undoing PDF-extraction artefacts."""

from __future__ import annotations

from index.clean import clean_text

RAW = """ 换领、居住登记“全程网办”等便民新举措。（责任单位：市公安局、数据局）

（五）健全常住地提供基本公共服务制度。按照常住人口

规模和服务半径统筹优化，打造“城市社区 15分钟服务圈”，

—— 5 ——

促进便利化。（责任单位：市委机

构编制委员会办公室）
"""


def test_page_markers_and_page_head_spaces_are_removed():
    text = clean_text(RAW)
    assert "——" not in text and not text.startswith(" ")


def test_hard_line_breaks_inside_words_are_joined():
    text = clean_text(RAW)
    assert "按照常住人口规模和服务半径" in text
    assert "市委机构编制委员会办公室" in text


def test_spaces_next_to_chinese_are_dropped_but_latin_spacing_kept():
    assert "社区15分钟服务圈" in clean_text(RAW)
    assert clean_text("使用 GIS 技术\n") == "使用GIS技术"
    assert clean_text("the smart city plan\n") == "the smart city plan"


def test_a_heading_starts_a_new_line():
    lines = clean_text(RAW).split("\n")
    assert any(line.startswith("（五）") for line in lines)
