"""Hand-written cases of the shapes spec §1 names, each checked by hand (the generator covers them at scale)."""

from __future__ import annotations

import nianbao

HEAD = (
    "测试县2020年政府信息公开工作年度报告\n一、总体情况\n本年度共收到政府信息公开申请3件。\n二、主动公开政府信息情况\n"
)
ACTIVE = """第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t1\t1\t5
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t10\t-2\t8
其他对外管理服务事项\t0\t0\t0
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t3\t0\t3
行政强制\t0\t0\t0
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t0\t0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t2\t5.5万
"""
ROWS_2019 = [
    ("一、本年新收政府信息公开申请数量", "2 1 0 0 0 0 3"),
    ("二、上年结转政府信息公开申请数量", "0 0 0 0 0 0 0"),
    ("（一）予以公开", "1 1 0 0 0 0 2"),
    ("（二）部分公开", "0 0 0 0 0 0 0"),
    ("1.属于国家秘密", "0 0 0 0 0 0 0"),
    ("2.其他法律行政法规禁止公开", "0 0 0 0 0 0 0"),
    ("3.危及“三安全一稳定”", "0 0 0 0 0 0 0"),
    ("4.保护第三方合法权益", "0 0 0 0 0 0 0"),
    ("5.属于三类内部事务信息", "0 0 0 0 0 0 0"),
    ("6.属于四类过程性信息", "0 0 0 0 0 0 0"),
    ("7.属于行政执法案卷", "0 0 0 0 0 0 0"),
    ("8.属于行政查询事项", "0 0 0 0 0 0 0"),
    ("1.本机关不掌握相关政府信息", "1 0 0 0 0 0 1"),
    ("2.没有现成信息需要另行制作", "0 0 0 0 0 0 0"),
    ("3.补正后申请内容仍不明确", "0 0 0 0 0 0 0"),
    ("1.信访举报投诉类申请", "0 0 0 0 0 0 0"),
    ("2.重复申请", "0 0 0 0 0 0 0"),
    ("3.要求提供公开出版物", "0 0 0 0 0 0 0"),
    ("4.无正当理由大量反复申请", "0 0 0 0 0 0 0"),
    ("5.要求行政机关确认或重新出具已获取信息", "0 0 0 0 0 0 0"),
    ("（六）其他处理", "0 0 0 0 0 0 0"),
    ("（七）总计", "2 1 0 0 0 0 3"),
    ("四、结转下年度继续办理", "0 0 0 0 0 0 0"),
]
TAIL = """四、政府信息公开行政复议、行政诉讼情况
行政复议\t行政诉讼
结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉
结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计
1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0
五、存在的主要问题及改进情况
无。
六、其他需要报告的事项
无。
"""


def report_text(rows: list[tuple[str, str]], sep: str = "\t", tail: str = TAIL) -> str:
    table = "\n".join(label + sep + sep.join(nums.split()) if nums else label for label, nums in rows)
    return HEAD + ACTIVE + "三、收到和处理政府信息公开申请情况\n" + table + "\n" + tail


def parse(text: str, codec: str = "utf-8") -> nianbao.Report:
    return nianbao.parse_bytes(text.encode(codec), "case.txt")


def test_plain_tab_report_reads_every_cell_and_converts_money():
    r = parse(report_text(ROWS_2019))
    assert r.template == "2019" and r.meta.organ == "测试县" and r.meta.year == 2020
    assert r.tables["active"]["licensing"] == {"prev_items": 10, "change": -2, "decisions": 8}
    assert r.tables["active"]["procurement"] == {"projects": 2, "amount_yuan": 55000}
    assert r.tables["requests"]["unavailable_not_held"]["natural_person"] == 1
    assert r.tables["appeals"]["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    assert r.findings == ()


def test_space_separated_rows_as_pdftotext_leaves_them():
    r = parse(report_text(ROWS_2019, sep="   "))
    assert r.tables["requests"]["new_received"]["total"] == 3
    assert r.tables["active"]["licensing"]["change"] == -2
    assert not r.has_errors


def test_total_row_labelled_without_its_number():
    rows = [(label if label != "（七）总计" else "总计", nums) for label, nums in ROWS_2019]
    r = parse(report_text(rows))
    assert r.tables["requests"]["processed_total"]["total"] == 3
    assert not r.has_errors


def test_cells_run_together_are_resolved_by_the_row_total():
    rows = [(lab, "2100003" if lab.startswith("一、") else nums) for lab, nums in ROWS_2019]
    r = parse(report_text(rows))
    assert r.tables["requests"]["new_received"] == {
        "natural_person": 2,
        "commercial": 1,
        "research": 0,
        "social_welfare": 0,
        "legal_service": 0,
        "other_org": 0,
        "total": 3,
    }


def test_run_together_with_two_readings_is_null_with_a_finding():
    # 101000011 reads as 1,0,10,0,0,0,11 and as 10,1,0,0,0,0,11: both fit the row total
    rows = [(lab, "101000011" if lab.startswith("（一）") else nums) for lab, nums in ROWS_2019]
    r = parse(report_text(rows))
    assert all(v is None for v in r.tables["requests"]["granted"].values())
    assert ("structure.ambiguous_cells", "requests.granted") in {(f.rule, f.where) for f in r.findings}
    assert not any(f.rule.startswith("requests.") for f in r.findings)  # unknown cells are not summed


def test_run_together_with_no_reading_is_null_not_one_big_number():
    rows = [(lab, "11000011" if lab.startswith("（一）") else nums) for lab, nums in ROWS_2019]
    r = parse(report_text(rows))
    assert all(v is None for v in r.tables["requests"]["granted"].values())
    assert "structure.ambiguous_cells" in {f.rule for f in r.findings}


def test_number_split_in_two_inside_its_cell():
    rows = [(lab, nums) for lab, nums in ROWS_2019]
    text = report_text(rows).replace("行政许可\t10\t-2\t8", "行政许可\t1 0\t-2\t8")
    r = parse(text)
    assert r.tables["active"]["licensing"]["prev_items"] == 10


def test_page_number_and_running_header_inside_the_table():
    rows = list(ROWS_2019)
    rows.insert(10, ("- 3 -", ""))
    rows.insert(11, ("测试县2020年政府信息公开工作年度报告", ""))
    r = parse(report_text(rows))
    assert r.tables["requests"]["withheld_enforcement_file"]["total"] == 0
    assert r.tables["requests"]["processed_total"]["natural_person"] == 2
    assert not r.has_errors


def test_units_fullwidth_digits_and_minus():
    text = report_text(ROWS_2019).replace("行政许可\t10\t-2\t8", "行政许可\t１０项\t－２ 条\t８件")
    r = parse(text)
    assert r.tables["active"]["licensing"] == {"prev_items": 10, "change": -2, "decisions": 8}


def test_blank_cell_in_the_middle_stays_blank_not_shifted():
    text = report_text(ROWS_2019).replace("行政处罚\t3\t0\t3", "行政处罚\t3\t\t3")
    r = parse(text)
    assert r.tables["active"]["penalties"] == {"prev_items": 3, "change": None, "decisions": 3}


def test_gbk_file_and_traditional_script():
    import opencc

    trad = opencc.OpenCC("s2twp").convert(report_text(ROWS_2019))
    r = nianbao.parse_bytes(trad.encode("big5", errors="replace"), "case.txt")
    assert r.meta.script == "traditional"
    assert r.meta.organ == "测试县"
    assert r.tables["requests"]["new_received"]["total"] == 3
    r = parse(report_text(ROWS_2019), codec="gbk")
    assert r.tables["requests"]["granted"]["total"] == 2


def test_narrative_figure_that_disagrees_is_a_warning():
    text = report_text(ROWS_2019).replace("共收到政府信息公开申请3件", "共收到政府信息公开申请5件")
    r = parse(text)
    [f] = [f for f in r.findings if f.rule == "narrative.mismatch"]
    assert f.severity == "warning" and f.expected == 3 and f.found == 5


def test_wrong_template_for_the_year():
    text = report_text(ROWS_2019).replace("2020年政府信息公开", "2022年政府信息公开")
    r = parse(text)
    assert r.template == "2019" and r.meta.year == 2022
    assert "template.outdated" in {f.rule for f in r.findings if f.severity == "error"}


def test_money_unit_stays_with_its_value_when_a_number_is_split():
    text = report_text(ROWS_2019).replace("政府集中采购\t2\t5.5万", "政府集中采购\t2 31 个\t918万")
    r = parse(text)
    assert r.tables["active"]["procurement"] == {"projects": 231, "amount_yuan": 9180000}


def test_title_variants():
    from nianbao.parse.meta import find_title

    assert find_title(["某某市人民政府办公室关于2021年政府信息公开工作年度报告"]) == (
        "某某市人民政府办公室关于2021年政府信息公开工作年度报告",
        2021,
        "某某市人民政府办公室",
    )
    assert find_title(["某某县统计局政府信息公开工作年度报告(2022年度)"])[1:] == (2022, "某某县统计局")
    assert find_title(["某某县人民政府", "", "2020年政府信息公开工作年度报告"]) == (
        "某某县人民政府2020年政府信息公开工作年度报告",
        2020,
        "某某县人民政府",
    )
    assert find_title(["2020年某某镇政府信息公开工作年度报告"])[1:] == (2020, "某某镇")


def test_words_meaning_nothing_are_blank_cells():
    text = report_text(ROWS_2019).replace("行政处罚\t3\t0\t3", "行政处罚\t3\t无\t3")
    r = parse(text)
    assert r.tables["active"]["penalties"] == {"prev_items": 3, "change": None, "decisions": 3}


def test_narrative_figures_of_requests_and_appeals():
    prose = (
        "本年度共收到政府信息公开申请3件，上年结转0件，办结4件，结转下年度继续办理0件。"
        "因政府信息公开被申请行政复议2件，被提起行政诉讼0件。"
    )
    r = parse(report_text(ROWS_2019).replace("本年度共收到政府信息公开申请3件。", prose))
    wrong = {(f.where, f.expected, f.found) for f in r.findings if f.rule == "narrative.mismatch"}
    assert wrong == {("requests.processed_total.total", 3, 4), ("appeals.review.total", 1, 2)}
    none = "全年未发生因政府信息公开引起的行政复议、行政诉讼案件。"
    r = parse(report_text(ROWS_2019).replace("本年度共收到政府信息公开申请3件。", none))
    assert [(f.where, f.found) for f in r.findings if f.rule == "narrative.mismatch"] == [("appeals.review.total", 0)]


def test_title_wrapped_onto_a_second_line():
    from nianbao.parse.meta import find_title

    assert find_title(["南江市人民政府2022年政府信息公开工作年", "度报告", "一、总体情况"]) == (
        "南江市人民政府2022年政府信息公开工作年度报告",
        2022,
        "南江市人民政府",
    )


def test_a_line_above_a_whole_title_is_not_its_head():
    # a date or header line above a one-line title must not be joined to it as a title set on two lines
    from nianbao.parse.meta import find_title

    assert find_title(["发布时间:2021-01-20", "南江市2020年政府信息公开工作年度报告", "一、总体情况"]) == (
        "南江市2020年政府信息公开工作年度报告",
        2020,
        "南江市",
    )


def _td(v: str, span: int = 1) -> str:
    return f'<td colspan="{span}"><p align="center">{v}</p></td>' if span > 1 else f"<td><p>{v}</p></td>"


def test_html_table_whose_rows_span_columns_differently():
    # value cells span two grid columns in some rows and not in others, as exported by a site's editor
    active = (
        "<table border=1><tr>" + _td("第二十条第（一）项", 5) + "</tr>"
        "<tr>" + _td("信息内容") + _td("本年新制作数量") + _td("本年新公开数量", 2) + _td("对外公开总数量") + "</tr>"
        "<tr>" + _td("规章") + _td("13") + _td("13", 2) + _td("524") + "</tr>"
        "<tr>" + _td("规范性文件") + _td("60") + _td("60", 2) + _td("368") + "</tr>"
        "<tr>" + _td("第二十条第（五）项", 5) + "</tr>"
        "<tr>" + _td("行政许可") + _td("7", 2) + _td("&nbsp;") + _td("3") + "</tr>"
        "<tr>" + _td("第二十条第（八）项", 5) + "</tr>"
        "<tr>" + _td("行政事业性收费") + _td("0", 2) + _td("0", 2) + "</tr>"
        "<tr>" + _td("第二十条第（九）项", 5) + "</tr>"
        "<tr>" + _td("政府集中采购") + _td("6", 2) + _td("251000元", 2) + "</tr></table>"
    )
    appeals = (
        "<table border=1><tr>"
        + _td("行政复议", 5)
        + _td("行政诉讼", 10)
        + "</tr><tr>"
        + "".join(_td(x) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
        + _td("未经复议直接起诉", 5)
        + _td("复议后起诉", 5)
        + "</tr><tr>"
        + "".join(_td(x) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
        + "</tr><tr>"
        + "".join(f"<td>{x}</td>" for x in ["5", "&nbsp;", "&nbsp;", "2", "7", "8", "&nbsp;", "&nbsp;", "1", "9"])
        + "<td>&nbsp;</td>" * 5
        + "</tr></table>"
    )
    html = (
        "<html><body><p>某某市人民政府办公厅2019年政府信息公开工作年度报告</p><p>一、总体情况</p><p>略。</p>"
        "<p>二、主动公开政府信息情况</p>"
        + active
        + "<p><br/>四、政府信息公开行政复议、行政诉讼情况</p>"
        + appeals
        + "<p>五、政府信息公开工作存在的主要问题及改进情况</p><p>无。</p></body></html>"
    )
    r = nianbao.parse_bytes(html.encode(), "page.html")
    assert r.tables["active"]["regulations"] == {"made": 13, "published": 13, "total_public": 524}
    assert r.tables["active"]["licensing"] == {"prev_items": 7, "change": None, "decisions": 3}
    assert r.tables["active"]["procurement"] == {"projects": 6, "amount_yuan": 251000}
    assert r.tables["appeals"]["review"] == {"upheld": 5, "corrected": None, "other": None, "pending": 2, "total": 7}
    assert r.tables["appeals"]["litigation_direct"]["total"] == 9
    assert r.tables["appeals"]["litigation_after_review"]["total"] is None
    assert not any(f.rule == "appeals.group_total" for f in r.findings)


def test_a_number_after_the_next_sub_tables_caption_is_not_the_row_before_it():
    """pdftotext's default mode sets a table column by column: 规范性文件 is followed by the next sub-table's
    caption and header and then 914, which is 行政许可's (its label comes later).  The caption ends the row:
    914 split as 9|1|4 into 规范性文件 was a wrong value."""
    active = "\n".join(
        ["第二十条第（一）项", "信息内容", "规章", "本年新制作数量", "1", "规范性文件", "第二十条第（五）项",
         "信息内容", "处理决定数量", "914", "行政许可", "第二十条第（六）项", "信息内容", "行政处罚"]
    )  # fmt: skip
    r = parse(report_text(ROWS_2019).replace(ACTIVE, active + "\n"))
    assert r.tables["active"]["normative_documents"] == {"made": None, "published": None, "total_public": None}
    assert 914 not in r.tables["active"]["normative_documents"].values()


def test_a_table_set_column_by_column_gives_no_row_its_numbers():
    """pdftotext's default mode can set table 三 column by column: the row labels first, then each column's
    heading and its numbers.  The numbers after “(一)予以公开 (二)部分公开 自然人 商业企业 …” are a column's,
    not (二)'s: they stay null."""
    block = ["（一）予以公开", "（二）部分公开", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构"]
    numbers = ["63", "3", "0", "0", "0", "0", "66"]  # they even sum like a row
    rows = [*ROWS_2019[:2], *[(cell, "") for cell in block + numbers], *ROWS_2019[4:]]
    r = parse(report_text(rows, sep="\n"))
    assert set(r.tables["requests"]["partially_granted"].values()) == {None}
    assert set(r.tables["requests"]["granted"].values()) == {None}
    assert r.tables["requests"]["new_received"]["total"] == 3
