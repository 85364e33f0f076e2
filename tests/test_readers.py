"""Readers: encodings detected, HTML tables laid on a grid, Traditional script converted."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.readers import SPAN, read_bytes
from nianbao.readers.normalize import to_simplified

from .conftest import compare, needs_shared, seed

LINGQIU = seed("lingqiu")


@needs_shared
@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected(codec, load_expected):
    text = LINGQIU.read_text(encoding="utf-8")
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        data = text.replace("“", '"').replace("”", '"').encode(codec)
    report = nianbao.parse_bytes(data, "lingqiu.txt")
    assert compare(report.to_dict(), load_expected(LINGQIU)) == []


def test_html_grid_expands_merged_cells():
    html = """<html><body><table border=1>
      <tr><td rowspan="2" colspan="2">信息内容</td><td>甲</td></tr>
      <tr><td><p><span>1</span></p></td></tr>
      <tr><td>规章</td><td>&nbsp;</td><td>3</td></tr></table></body></html>"""
    doc = read_bytes(html.encode(), "t.html")
    assert doc.kind == "html" and doc.grid
    # a cell spanning columns goes on as SPAN; positions under a cell spanning rows are blank
    assert doc.text.split("\n") == [f"信息内容\t{SPAN}\t甲", "\t\t1", "规章\t\t3"]


def test_html_nested_layout_table_is_not_data():
    html = "<table><tr><td><p>标题</p><table><tr><td>规章</td><td>1</td></tr></table></td></tr></table>"
    doc = read_bytes(html.encode("gb18030"), "t.htm")
    assert "规章\t1" in doc.text.split("\n")
    assert "标题" in doc.text


def test_traditional_script_detected_and_converted():
    text, script = to_simplified("規範性檔案，政府資訊公開工作年度報告，行政許可，處理決定數量")
    assert script == "traditional"
    assert "规范性文件" in text  # s2twp swaps 文件 for 檔案; the reader swaps it back
    assert to_simplified("规范性文件 行政许可")[1] == "simplified"
