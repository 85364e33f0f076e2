"""Fixed-width text dumps (``pdftotext -layout``): read as the page they were printed from (issue 7).

Split by runs of spaces such a dump loses its columns: a number wrapped in a narrow cell (248 above its row's
label, 3 below) read as two stray rows, and the row it belonged to took the stray numbers as its own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import nianbao
from nianbao.readers import read_bytes
from nianbao.readers.fixed import is_fixed_width
from tests.conftest import REAL, compare, needs_shared


def _dump(rows: list[str]) -> bytes:
    return "\n".join(rows).encode()


PROSE = [
    "  一、总体情况",
    "  2024 年，本机关坚持以公开为常态、不公开为例外，全年主动公开政府信息 2428 条。",
]
LABEL_WIDTH, CELL = 36, 7  # a dump sets each column at one character position on every line


def _row(label: str, *values: object) -> str:
    """A table row as a dump sets it: the label, then each value right-aligned in its column."""
    return label.ljust(LABEL_WIDTH) + "".join(str(v).rjust(CELL) if v != "" else " " * CELL for v in values)


HEADER = [
    _row("", "", "", "", "", "申请人情况"),
    _row("", "自然人", "商业", "科研", "社会", "法律", "其他", "总计"),
    _row("", "", "企业", "机构", "公益", "服务"),
]
MORE_ROWS = [  # the table goes on, as a dump of a whole report does
    _row(label, 0, 0, 0, 0, 0, 0, 0)
    for label in (
        "（一）予以公开", "（三）不予公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
        "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
    )
]  # fmt: skip


def test_a_number_wrapped_around_its_row_line_is_one_number() -> None:
    """2483 set as 248 above the row's line and 3 below it, as a dump sets a cell centred on a two-line number."""
    lines = [
        *PROSE,
        "  三、收到和处理政府信息公开申请情况",
        *HEADER,
        _row("", 248, "", "", "", "", "", 250),
        _row("一、本年新收政府信息公开申请数量", "", 9, 2, 0, 0, 10, ""),
        _row("", "3  ", "", "", "", "", "", "4  "),
        _row("二、上年结转政府信息公开申请数量", 177, 0, 0, 0, 0, 0, 177),
        *MORE_ROWS,
        "  四、政府信息公开行政复议、行政诉讼情况",
    ]
    text = read_bytes(_dump(lines), "dump.txt").text
    assert "一、本年新收政府信息公开申请数量\t2483\t9\t2\t0\t0\t10\t2504" in text.split("\n")
    assert "2024 年，本机关" in text  # a number in prose stays in its sentence, not a cell of its own
    r = nianbao.parse_bytes(_dump(lines), "dump.txt")
    assert r.tables["requests"]["new_received"]["natural_person"] == 2483
    assert r.tables["requests"]["new_received"]["total"] == 2504
    assert r.tables["requests"]["carried_over"]["total"] == 177


def test_numbers_on_the_next_line_are_the_next_row_not_a_piece() -> None:
    """A dump has no gaps between rows: 0 under 0 on the very next line is the next row's value."""
    lines = [
        *PROSE,
        "  三、收到和处理政府信息公开申请情况",
        *HEADER,
        _row("一、本年新收政府信息公开申请数量", 1, 0, 0, 0, 0, 0, 1),
        _row("", 0, 0, 0, 0, 0, 0, 0),
        _row("二、上年结转政府信息公开申请数量"),
        _row("（一）予以公开", 1, 0, 0, 0, 0, 0, 1),
        *MORE_ROWS[1:],
    ]
    r = nianbao.parse_bytes(_dump(lines), "dump.txt")
    assert r.tables["requests"]["new_received"]["total"] == 1
    assert r.tables["requests"]["carried_over"]["total"] == 0
    assert r.tables["requests"]["granted"]["natural_person"] == 1


def test_text_with_its_cells_is_not_a_dump() -> None:
    tabs = "\n".join(f"行{i}\t{i}\t{i + 1}" for i in range(40))
    assert not is_fixed_width(tabs)
    assert not is_fixed_width("\n".join(["一、总体情况", "本机关主动公开信息 12 条。"] * 30))
    assert is_fixed_width("\n".join(["  行政许可          366         -308        1499"] * 30))


@needs_shared
def test_real_wps_pdf_through_pdftotext_layout(tmp_path: Path) -> None:
    """The WPS-made hongze report, as `pdftotext -layout` dumps it: every cell and the title exact."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    out = tmp_path / "hongze.txt"
    subprocess.run(["pdftotext", "-layout", str(REAL / "hongze_2024.pdf"), str(out)], check=True, timeout=60)
    want = json.loads((REAL / "hongze_2024.expected.json").read_text(encoding="utf-8"))
    got = nianbao.parse_bytes(out.read_bytes(), out.name).to_dict()
    assert compare(got, want) == []


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext is not installed: apt-get install poppler-utils"
)
def test_generated_pdfs_through_pdftotext_layout(tmp_path: Path) -> None:
    """LibreOffice PDFs of generated reports (ruled and borderless, some in Traditional script), dumped by
    `pdftotext -layout`: read as pages, against the same dumps split by runs of spaces."""
    from nianbao.parse import parse_document
    from nianbao.readers import Document
    from tests.office_fixtures import convert_many, office_cases, soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    cases = office_cases(tmp_path, 8, seed=31, borderless_every=2)
    pdfs = convert_many([c.docx for c in cases], "pdf", tmp_path)
    cells = 0
    missed = {"as pages": 0, "split by spaces": 0}
    wrong = dict.fromkeys(missed, 0)
    for case, pdf in zip(cases, pdfs):
        dump = pdf.with_suffix(".txt")
        subprocess.run(["pdftotext", "-layout", str(pdf), str(dump)], check=True, timeout=60)
        cells += sum(len(c) for rows in case.expected["tables"].values() for c in rows.values())
        plain = Document(dump.read_text(encoding="utf-8"), "txt")
        for how, got in (
            ("as pages", nianbao.parse_bytes(dump.read_bytes(), dump.name)),
            ("split by spaces", nianbao.checked(parse_document(plain))),
        ):
            diffs = [d for d in compare(got.to_dict(), case.expected) if not d[0].startswith(("meta.", "template"))]
            missed[how] += len(diffs)
            wrong[how] += sum(1 for _, have, _ in diffs if have is not None)
    for how in missed:
        print(f"\npdftotext -layout, {how}: {len(cases)} reports, {cells} cells, {1 - missed[how] / cells:.2%} right, "
              f"{wrong[how]} wrong")  # fmt: skip
    assert 1 - missed["as pages"] / cells >= 0.975
    # wrong values left: a number wrapped across a page break, and rows whose label is set vertically beside
    # another's (三/、/本 as a column) -- far fewer than when the dump is split by its spaces
    assert wrong["as pages"] * 4 <= wrong["split by spaces"]


def test_digit_soup_as_wide_as_a_dump_may_be_is_no_hang() -> None:
    """The most a dump may hold (the size and width limits of readers/fixed.py), all numbers: read in seconds."""
    import time

    from nianbao.readers.fixed import MAX_CHARS, MAX_WIDTH

    line = ("0  1   " * (MAX_WIDTH // 7)).rstrip()
    data = "\n".join([line] * (MAX_CHARS // (len(line) + 1))).encode()
    assert is_fixed_width(data.decode())
    start = time.perf_counter()
    report = nianbao.parse_bytes(data, "soup.txt")
    assert time.perf_counter() - start < 10
    assert report.findings  # no report in it: said, not guessed
