"""Markdown and text as PDF converters leave them: hand-made cases of each shape (issue #7).

Every case is small and made up here; it shows one mechanism (the real converted reports in
``../shared/corpus/real`` are checked in ``test_seeds.py``).
"""

from __future__ import annotations

import nianbao
from nianbao import formats

TITLE = "测试区2023年政府信息公开工作年度报告\n"
INTRO = "一、总体情况\n本年度共收到政府信息公开申请若干件。\n"
ACTIVE_MD = """| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
|---|---|---|---|
| 规章 | 0 | 0 | 2 |
| 行政规范性文件 | 3 | 1 | 40 |
| 信息内容 | 本年处理决定数量 |  |  |
| 行政许可 | 97 |  |  |
| 行政处罚 | 5 |  |  |
| 行政强制 | 0 |  |  |
| 信息内容 | 本年收费金额（单位：万元） |  |  |
| 行政事业性收费 | 0 |  |  |
"""
APPEALS_TEXT = """| 行政复议 | 行政诉讼 |
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
| 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
"""
ROWS = formats.request_rows("2021")
TAIL = "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"


def values(i: int) -> list[int]:
    """Made-up values for the i-th requests row: distinct enough that a row shifted by one is seen."""
    v = [i % 5 + (i == 0) * 10, i % 3, 0, 0, i % 2, 0]
    return [*v, sum(v)]


def md_row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def standard_requests() -> list[str]:
    return [md_row([r.label, *values(i)]) for i, r in enumerate(ROWS)]


def report_of(requests: list[str], *, headings: tuple[str, str, str] | None = None, active: str = ACTIVE_MD):
    h2, h3, h4 = headings or (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    )
    text = "\n".join(
        [
            TITLE + INTRO,
            h2,
            active,
            h3,
            "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
            "|---|---|---|---|---|---|---|---|",
            *requests,
            h4,
            APPEALS_TEXT,
            TAIL,
        ]
    )
    return nianbao.parse_bytes(text.encode(), "case.md")


def requests_of(report) -> dict[str, list[object]]:
    return {k: list(v.values()) for k, v in report.tables["requests"].items()}


def expected_requests() -> dict[str, list[object]]:
    return {r.key: values(i) for i, r in enumerate(ROWS)}


def rules(report) -> list[str]:
    return [f.rule for f in report.findings]


# ---------------------------------------------------------------- sections by their titles
def test_headings_numbered_differently_are_found_by_their_titles() -> None:
    """Extra sections, prose headings that name a table's subject, tables under renumbered headings."""
    prose = (
        "二、工作机制保障\n设立政务公开工作协调小组。\n三、主动公开工作情况\n当年发布政府信息393件。\n"
        "四、政府信息公开申请情况\n全年收到申请若干件。\n"
    )
    text = "\n".join(
        [
            TITLE + INTRO + prose,
            "一、主动公开政府信息情况",
            "## 表二：主动公开政府信息情况",
            ACTIVE_MD,
            "二、收到和处理政府信息公开申请情况",
            "## 表三",
            md_row(["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]),
            *standard_requests(),
            "三、政府信息公开行政复议、行政诉讼情况",
            APPEALS_TEXT,
            "（一）主要问题\n栏目更新不及时。\n五、其他需要报告的事项\n无。\n",
        ]
    )
    r = nianbao.parse_bytes(text.encode(), "renumbered.md")
    assert requests_of(r) == expected_requests()
    assert r.tables["active"]["normative_documents"] == {"issued": 3, "repealed": 1, "in_force": 40}
    assert r.tables["appeals"]["review"]["upheld"] == 1
    missing = {f.where for f in r.findings if f.rule == "structure.missing_section"}
    assert missing == set()  # 二 to 四 and 六 are there under other numbers; 五 lost its heading but not its text
    assert "structure.missing_table" not in rules(r)


def test_prose_of_an_extra_section_is_not_section_one() -> None:
    from nianbao.parse.sections import section_prose

    text = TITLE + INTRO + "二、工作机制保障\n设立协调小组。\n三、主动公开政府信息情况\n" + ACTIVE_MD
    assert section_prose(text)["一"] == "本年度共收到政府信息公开申请若干件。"


# ---------------------------------------------------------------- label-less rows by sequence
def floated(keys: set[str], *, stray: bool = False, below: bool = False) -> list[str]:
    """The requests rows with the rows of ``keys`` written as label-less number rows, their labels broken
    into fragments floating outside the table (above the number row, or below it)."""
    out: list[str] = []
    for i, r in enumerate(ROWS):
        if r.key not in keys:
            out.append(md_row([r.label, *values(i)]))
            continue
        label = [r.label[:5], r.label[5:]] if len(r.label) > 5 else [r.label]
        bare = [md_row(values(i)), "|---|---|---|---|---|---|---|"]
        pieces = ["", *label, *(["1"] if stray else []), *bare] if not below else [*bare, "", *label, ""]
        out += pieces
    return out


def test_label_less_rows_fill_the_rows_between_anchors_in_order() -> None:
    keys = {"partially_granted", "withheld_internal_affairs", "unavailable_not_held", "unavailable_needs_creation"}
    r = report_of(floated(keys, stray=True))
    assert requests_of(r) == expected_requests()
    assert not [f for f in r.findings if f.where.startswith("requests.") and f.rule.startswith("structure.")]


def test_labels_floating_below_their_numbers_do_not_take_the_next_row() -> None:
    keys = {"withheld_law_prohibited", "unavailable_unclear", "other_overdue_fee"}
    r = report_of(floated(keys, below=True))
    assert requests_of(r) == expected_requests()


def test_when_label_less_rows_do_not_match_the_missing_rows_they_are_null() -> None:
    """Two rows missing between anchors but one label-less row: which row it is cannot be told."""
    rows = floated({"withheld_process_info"})
    gone = ROWS.index(next(r for r in ROWS if r.key == "withheld_enforcement_file"))
    rows = [ln for ln in rows if not ln.startswith("| " + ROWS[gone].label)]
    r = report_of(rows)
    got = requests_of(r)
    assert got["withheld_process_info"] == [None] * 7
    assert got["withheld_enforcement_file"] == [None] * 7
    assert {k: v for k, v in got.items() if k not in ("withheld_process_info", "withheld_enforcement_file")} == {
        k: v for k, v in expected_requests().items() if k not in ("withheld_process_info", "withheld_enforcement_file")
    }
    flagged = {f.where: f.message for f in r.findings if f.rule == "structure.ambiguous_cells"}
    assert {"requests.withheld_process_info", "requests.withheld_enforcement_file"} <= set(flagged)
    assert "自然人" in flagged["requests.withheld_process_info"]  # cells named by their Chinese labels


# ---------------------------------------------------------------- converter debris
def test_split_header_words_generic_headers_and_a_header_pasted_mid_table() -> None:
    rows = standard_requests()
    debris = [
        "自然人总计",
        "商业企科研机社会公法律服",
        md_row(["业", "构", "益组织", "务机构", "", "", "", ""]),
        "|---|---|---|---|---|---|---|---|",
    ]
    generic = md_row(["", "数据1", "数据2", "数据3", "数据4", "数据5", "数据6", "数据7"])
    rows = debris + rows[:9] + [generic, "|---|---|---|---|---|---|---|---|"] + rows[9:]
    r = report_of(rows)
    assert requests_of(r) == expected_requests()


def test_a_table_split_into_one_mini_table_per_group() -> None:
    rows = standard_requests()
    out: list[str] = []
    for i, line in enumerate(rows):
        out.append(line)
        if i in (1, 3, 11, 14, 19, 22):  # after each group: a blank line and a new table
            out += ["", "（续表）" if i == 11 else ""]
        if i in (2, 4, 12, 15, 20, 23):
            out.append("|---|---|---|---|---|---|---|---|")
    assert requests_of(report_of(out)) == expected_requests()


def test_cells_of_a_dash_are_blank() -> None:
    rows = standard_requests()
    i = next(k for k, r in enumerate(ROWS) if r.key == "withheld_third_party")
    v = values(i)
    rows[i] = md_row([ROWS[i].label, *("-" if x == 0 else x for x in v)])
    got = requests_of(report_of(rows))
    assert got["withheld_third_party"] == [x if x else None for x in v]


def test_a_header_shorter_than_its_fifteen_values() -> None:
    appeals = """| 维持 | 纠正 | 结果 | 审结 | 结果 | 结果 | 其他 | 尚未 | 结果 | 结果 | 其他 | 尚未 |
|---|---|---|---|---|---|---|---|---|---|---|---|
| 2 | 1 | 0 | 0 | 3 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |
"""
    text = TITLE + INTRO + "二、主动公开政府信息情况\n" + ACTIVE_MD + "三、收到和处理政府信息公开申请情况\n"
    text += "\n".join(standard_requests()) + "\n四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼\n"
    text += "未经复议直接起诉复议后起诉\n结果结果其他尚未\n总计\n" + appeals + TAIL
    r = nianbao.parse_bytes(text.encode(), "appeals.md")
    a = r.tables["appeals"]
    assert [a["review"][k] for k in ("upheld", "corrected", "other", "pending", "total")] == [2, 1, 0, 0, 3]
    assert a["litigation_direct"]["corrected"] == 1


def test_a_value_with_a_remark_in_brackets_keeps_its_column() -> None:
    active = ACTIVE_MD.replace("| 行政规范性文件 | 3 | 1 | 40 |", "| 行政规范性文件 | 22 （其中修订 16 件） | 1 | 40 |")
    r = report_of(standard_requests(), active=active)
    assert r.tables["active"]["normative_documents"] == {"issued": 22, "repealed": 1, "in_force": 40}


# ---------------------------------------------------------------- broken rows, every reader
def tab_report(requests: list[str], active: str | None = None):
    active = active or (
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t2\n行政规范性文件\t3\t1\t40\n"
        "信息内容\t本年处理决定数量\n行政许可\t97\n行政处罚\t5\n行政强制\t0\n"
        "信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t0\n"
    )
    text = TITLE + INTRO + "二、主动公开政府信息情况\n" + active + "三、收到和处理政府信息公开申请情况\n"
    text += "申请人情况\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
    text += "\n".join(requests) + "\n四、政府信息公开行政复议、行政诉讼情况\n" + APPEALS_TEXT + TAIL
    return nianbao.parse_bytes(text.encode(), "case.txt")


def tab_rows() -> list[str]:
    return ["\t".join([r.label, *map(str, values(i))]) for i, r in enumerate(ROWS)]


def test_a_label_wrapped_with_its_numbers_on_the_first_fragment_names_the_whole_row() -> None:
    active = (
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t2\n行政规范\t13\t2\t101\n性文件\n"
        "信息内容\t本年处理决定数量\n行政许可\t97\n行政处罚\t5\n行政强制\t0\n"
        "信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t0\n"
    )
    rows = tab_rows()
    i = next(k for k, r in enumerate(ROWS) if r.key == "withheld_internal_affairs")
    rows[i] = "\t".join(["5.属于三类内部", *map(str, values(i))]) + "\n事务信息"
    r = tab_report(rows, active)
    assert r.tables["active"]["regulations"] == {"issued": 0, "repealed": 0, "in_force": 2}
    assert r.tables["active"]["normative_documents"] == {"issued": 13, "repealed": 2, "in_force": 101}
    assert requests_of(r) == expected_requests()


def test_a_row_missing_its_total_keeps_its_values_in_their_columns() -> None:
    rows = tab_rows()
    i = next(k for k, r in enumerate(ROWS) if r.key == "granted")
    v = values(i)
    rows[i] = "\t".join([ROWS[i].label, *map(str, v[:-1])])  # the 总计 cell absent
    got = requests_of(tab_report(rows))
    assert got["granted"][:6] == v[:6]
    assert got["granted"][6] in (None, v[6])


def test_a_markdown_row_missing_its_total_keeps_its_columns() -> None:
    rows = standard_requests()
    i = next(k for k, r in enumerate(ROWS) if r.key == "withheld_process_info")
    v = values(i)
    rows[i] = md_row([ROWS[i].label, *v[:-1]])
    got = requests_of(report_of(rows))["withheld_process_info"]
    assert got[:6] == v[:6] and got[6] in (None, v[6])


def test_html_row_missing_its_total_keeps_its_columns() -> None:
    head = "<tr><td>申请人情况</td>" + "".join(f"<td>{c.label}</td>" for c in formats.REQUEST_COLUMNS) + "</tr>"
    trs = []
    for i, r in enumerate(ROWS):
        v = values(i) if r.key != "granted" else values(i)[:-1]
        trs.append("<tr><td>" + r.label + "</td>" + "".join(f"<td>{x}</td>" for x in v) + "</tr>")
    page = (
        "<html><body><p>测试区2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>无。</p>"
        "<p>二、主动公开政府信息情况</p><table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td>"
        "<td>现行有效件数</td></tr><tr><td>规章</td><td>0</td><td>0</td><td>2</td></tr></table>"
        "<p>三、收到和处理政府信息公开申请情况</p><table>" + head + "".join(trs) + "</table>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p></body></html>"
    )
    r = nianbao.parse_bytes(page.encode(), "case.html")
    got = requests_of(r)["granted"]
    want = values(next(k for k, r in enumerate(ROWS) if r.key == "granted"))
    assert got[:6] == want[:6] and got[6] in (None, want[6])


# ---------------------------------------------------------------- real variants of the format
def test_a_2021_table_that_keeps_the_2019_row_other_handling() -> None:
    rows = []
    for i, r in enumerate(ROWS):
        if r.key == "other_overdue_correction":
            rows.append(md_row(["（六）其他处理", 0, 0, 0, 0, 0, 0, 0]))
        elif r.key not in ("other_overdue_fee", "other_other"):
            rows.append(md_row([r.label, *values(i)]))
    r = report_of(rows)
    got = requests_of(r)
    for key in ("other_overdue_correction", "other_overdue_fee", "other_other"):
        assert got[key] == [0] * 7
    assert "template.mixed" in rules(r) and "template.outdated" not in rules(r)
    assert not [f for f in r.findings if f.where in ("requests.other_overdue_fee", "requests.other_other")]
    assert r.template == "2021"


def test_the_2019_row_other_handling_with_values_leaves_the_2021_rows_null_where_not_zero() -> None:
    rows = [
        md_row(["（六）其他处理", 3, 0, 0, 0, 0, 0, 3])
        if r.key == "other_overdue_correction"
        else md_row([r.label, *values(i)])
        for i, r in enumerate(ROWS)
        if r.key not in ("other_overdue_fee", "other_other")
    ]
    got = requests_of(report_of(rows))
    for key in ("other_overdue_correction", "other_overdue_fee", "other_other"):
        assert got[key] == [None, 0, 0, 0, 0, 0, None]


def test_a_label_with_a_dropped_character_still_names_its_row() -> None:
    rows = standard_requests()
    i = next(k for k, r in enumerate(ROWS) if r.key == "withheld_law_prohibited")
    rows[i] = md_row(["2.其他法律行政止公开", *values(i)])
    assert requests_of(report_of(rows)) == expected_requests()


def test_2021_normative_documents_under_the_2019_label() -> None:
    active = ACTIVE_MD.replace("| 行政规范性文件 |", "| 规范性文件 |")
    r = report_of(standard_requests(), active=active)
    assert r.tables["active"]["normative_documents"] == {"issued": 3, "repealed": 1, "in_force": 40}


def test_a_section_really_missing_is_still_reported() -> None:
    r = report_of(standard_requests())
    assert not [f for f in r.findings if f.rule == "structure.missing_section"]
    text = TITLE + INTRO + "二、主动公开政府信息情况\n" + ACTIVE_MD + "三、收到和处理政府信息公开申请情况\n"
    text += "\n".join(standard_requests()) + "\n四、政府信息公开行政复议、行政诉讼情况\n" + APPEALS_TEXT
    text += "六、其他需要报告的事项\n无。\n"
    r = nianbao.parse_bytes(text.encode(), "no5.md")
    assert [f.where for f in r.findings if f.rule == "structure.missing_section"] == ["section.五"]


def test_active_label_less_row_with_its_label_floating_below() -> None:
    active = ACTIVE_MD.replace(
        "| 行政规范性文件 | 3 | 1 | 40 |\n", "\n| 3 | 1 | 40 |\n|---|---|---|\n\n行政规范\n性文件\n"
    )
    r = report_of(standard_requests(), active=active)
    assert r.tables["active"]["regulations"] == {"issued": 0, "repealed": 0, "in_force": 2}
    assert r.tables["active"]["normative_documents"] == {"issued": 3, "repealed": 1, "in_force": 40}
    assert r.tables["active"]["licensing"] == {"decisions": 97}


def test_a_near_label_that_also_carries_another_rows_key_names_no_row() -> None:
    """Two labels interleaved character by character (a bad text layer): the near match is not trusted."""
    rows = standard_requests()
    i = next(k for k, r in enumerate(ROWS) if r.key == "withheld_law_prohibited")
    rows[i] = md_row(["属其国他家法律秘密行政止公开", *values(i)])
    got = requests_of(report_of(rows))
    assert got["withheld_law_prohibited"] in ([None] * 7, values(i))
    assert got["withheld_state_secret"] == values(i - 1)


def test_a_near_label_must_read_as_the_rows_own_label() -> None:
    """``本年新`` is ``本年新收`` less a character, but ``本年新制作数量`` is a header, not that row."""
    from nianbao.parse.tables import match_rows, name_row

    match_rows([], "requests", formats.REQUEST_ROWS)
    assert name_row("2其他法律行政止公开", "requests") == "withheld_law_prohibited"
    assert name_row("信息内容本年新制作数量", "requests") is None
    assert name_row("1属于国家秘", "requests") == "withheld_state_secret"  # a label broken before its last character


def test_a_line_break_inside_a_markdown_cell() -> None:
    rows = standard_requests()
    i = next(k for k, r in enumerate(ROWS) if r.key == "withheld_law_prohibited")
    rows[i] = md_row(["2.其他法律行政法规禁<br>止公开", *values(i)])
    j = next(k for k, r in enumerate(ROWS) if r.key == "other_overdue_fee")
    rows[j] = md_row(["2.申请人逾期未按收费通知要求缴<br/>纳费用、行政机关不再处理其政府信息公开申请", *values(j)])
    assert requests_of(report_of(rows)) == expected_requests()


def test_a_column_lost_with_its_value_spilled_beside_the_row_gives_no_shifted_value() -> None:
    """``| 行政规范性文件 | 1 | 40 |`` with ``22 （其中修订 16 件）`` on a line of its own above or below: which
    column lost its value cannot be told, so no value is placed in the wrong column."""
    row = "| 行政规范性文件 | 3 | 1 | 40 |"
    for spilled in (
        "22 （其中修订 16 件）\n| 行政规范性文件 | 1 | 40 |",
        "| 行政规范性文件 | 1 | 40 |\n22 （其中修订 16 件）",
        "| 行政规范性文件 |  | 1 | 40 |\n\n22 （其中修订 16 件）\n",
    ):
        r = report_of(standard_requests(), active=ACTIVE_MD.replace(row, spilled))
        got = r.tables["active"]["normative_documents"]
        assert all(v is None or v == w for v, w in zip(got.values(), (22, 1, 40))), (spilled, got)
        assert r.tables["active"]["regulations"] == {"issued": 0, "repealed": 0, "in_force": 2}


def test_labels_set_apart_as_a_column_then_the_number_rows_in_order() -> None:
    """A converter that keeps the label column apart: all labels first, then one number row per label."""
    rows = [r.label for r in ROWS] + [md_row(values(i)) for i in range(len(ROWS))]
    assert requests_of(report_of(rows)) == expected_requests()


def test_labels_set_apart_with_a_number_row_missing_give_no_value() -> None:
    rows = [r.label for r in ROWS] + [md_row(values(i)) for i in range(len(ROWS)) if i != 5]
    got = requests_of(report_of(rows))
    assert all(v is None for vs in got.values() for v in vs)


def test_label_less_rows_of_space_separated_numbers_in_plain_text() -> None:
    """The same floating labels from a PDF-to-text converter: numbers separated by spaces, no cells."""
    keys = {"withheld_internal_affairs", "unavailable_not_held"}
    lines: list[str] = []
    for i, r in enumerate(ROWS):
        nums = " ".join(map(str, values(i)))
        lines += [nums, r.label[:4], r.label[4:]] if r.key in keys else [f"{r.label} {nums}"]  # label below
    text = TITLE + INTRO + "二、主动公开政府信息情况\n" + ACTIVE_MD + "三、收到和处理政府信息公开申请情况\n"
    text += "申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n"
    text += "\n".join(lines) + "\n四、政府信息公开行政复议、行政诉讼情况\n" + APPEALS_TEXT + TAIL
    r = nianbao.parse_bytes(text.encode(), "converted.txt")
    assert requests_of(r) == expected_requests()
