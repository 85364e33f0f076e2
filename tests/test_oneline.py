"""One-line text (crawler dumps, web copy-paste) and cells run together, solved as a whole table (#7).

Every case is hand-made to show the shape: a whole report on one line after a crawler header, table
rows whose digits run together, and what the table's rules decide (or not) about where to cut them.
"""

from __future__ import annotations

import random
import time

import nianbao
from nianbao.parse import solve
from nianbao.parse.numbers import parts
from nianbao.parse.oneline import unfold

from .conftest import Tally

CRAWLER = """标题: 测试县2021年度政府信息公开工作年度报告
发布时间: 2022-01-25 09:30
文号:
栏目: 政府信息公开年报
==================== 正文 ====================
"""
ZERO = "0000000"
ROWS_2021 = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果(一)予以公开",
    "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "(三)不予公开1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "(四)无法提供1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "(五)不予处理1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "(六)其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "(七)总计",
    "四、结转下年度继续办理",
]


def one_line(
    runs: dict[int, str] | None = None,
    active: tuple[str, str, str, str, str, str] = ("000", "5520", "12", "3", "0", "1.5"),
    appeals: str = "101020000000000",
    chrome: bool = True,
    title: str = "测试县2021年度政府信息公开工作年度报告",
) -> bytes:
    """A 2021 report on one line; ``runs`` replaces the digits of requests rows (by index in ROWS_2021)."""
    runs = {0: "8000008", 2: "5000005", 12: "3000003", 23: "8000008", **(runs or {})}
    table3 = "".join(label + runs.get(i, ZERO) for i, label in enumerate(ROWS_2021))
    reg, norm, lic, pen, coe, fee = active
    body = (
        ("当前位置：首页 > 政务公开 > 年报 " if chrome else "")
        + f"{title} 本报告依据《条例》编制。一、总体情况本年度共收到申请8件。"
        "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        f"规章{reg}行政规范性文件{norm}第二十条第（五）项信息内容本年处理决定数量行政许可{lic}"
        f"第二十条第（六）项信息内容本年处理决定数量行政处罚{pen}行政强制{coe}"
        f"第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费{fee}"
        "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织"
        f"法律服务机构其他{table3}"
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
        f"{appeals}五、存在的主要问题及改进情况公开形式还不够丰富。六、其他需要报告的事项无。"
        + (" 微信 微博 【打印】" if chrome else "")
    )
    return (CRAWLER + body + "\n").encode()


def parse(data: bytes) -> nianbao.Report:
    return nianbao.parse_bytes(data, "crawler.txt")


def test_a_report_on_one_line_reads_like_any_other():
    r = parse(one_line())
    assert r.template == "2021"
    assert (r.meta.title, r.meta.organ, r.meta.year) == ("测试县2021年度政府信息公开工作年度报告", "测试县", 2021)
    assert r.meta.published == "2022-01-25"  # the crawler's date: the page's own publication date
    req = r.tables["requests"]
    assert list(req["new_received"].values()) == [8, 0, 0, 0, 0, 0, 8]
    assert list(req["granted"].values()) == [5, 0, 0, 0, 0, 0, 5]
    assert list(req["unavailable_not_held"].values()) == [3, 0, 0, 0, 0, 0, 3]
    assert list(req["processed_total"].values()) == [8, 0, 0, 0, 0, 0, 8]
    assert r.tables["appeals"]["review"] == {"upheld": 1, "corrected": 0, "other": 1, "pending": 0, "total": 2}
    act = r.tables["active"]
    assert act["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}  # 3 digits into 3 cells: one reading
    assert act["licensing"]["decisions"] == 12 and act["fees"]["amount_wan_yuan"] == 1.5
    assert not [f for f in r.findings if f.severity == "error"]
    infos = [f for f in r.findings if f.rule == "structure.ambiguous_cells" and f.severity == "info"]
    assert {f.where for f in infos} == {"requests", "appeals", "active"}  # says the cells were cut by the rules


def test_the_crawler_title_is_used_only_when_the_report_has_none():
    assert parse(one_line(title="")).meta.title == "测试县2021年度政府信息公开工作年度报告"  # from 标题:
    own = parse(one_line(title="测试县2021年政府信息公开工作年度报告")).meta.title
    assert own == "测试县2021年政府信息公开工作年度报告"  # the report's own heading, not the crawler's


def test_a_preamble_listing_the_six_parts_is_not_taken_for_the_headings():
    toc = "本报告包括：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；"
    toc += "四、政府信息公开行政复议、行政诉讼情况；五、存在的主要问题及改进情况；六、其他需要报告的事项。"
    data = one_line().replace("本报告依据《条例》编制。".encode(), toc.encode())
    r = parse(data)
    assert list(r.tables["requests"]["granted"].values()) == [5, 0, 0, 0, 0, 0, 5]
    assert not [f for f in r.findings if f.severity == "error"]


def test_other_crawler_headers_and_chrome():
    other = "标题：测试县2021年度政府信息公开工作年度报告\n索引号：000000-01-2022-0001\n"
    other += "发布日期：2022-01-25\n----- 正文 -----\n"
    data = (
        one_line()
        .decode()
        .split("\n", 5)[-1]
        .replace("当前位置：首页 > 政务公开 > 年报", "【字体：大 中 小】 浏览次数：321")
    )
    r = parse((other + data).encode())
    assert (r.meta.title, r.meta.published) == ("测试县2021年度政府信息公开工作年度报告", "2022-01-25")
    assert list(r.tables["requests"]["granted"].values()) == [5, 0, 0, 0, 0, 0, 5]
    assert not [f for f in r.findings if f.severity == "error"]


def test_multi_line_text_is_untouched():
    text = "测试县2021年度政府信息公开工作年度报告\n一、总体情况\n本年度共收到申请8件。\n二、主动公开政府信息情况\n"
    assert unfold(text) == text
    assert unfold(CRAWLER + text) == CRAWLER + text  # a crawler header alone is no reason to rewrite the text


def test_column_sums_decide_a_row_its_own_total_cannot():
    # 101000011 alone reads as 1·0·10·0·0·0·11 and as 10·1·0·0·0·0·11 (both sum to 11);
    # 新收 and 总计 (cells spaced) say the 自然人 column holds 10 and 商业企业 1: only the second fits
    runs = {0: "10 1 0 0 0 0 11", 2: "101000011", 12: ZERO, 23: "10 1 0 0 0 0 11"}
    r = parse(one_line(runs))
    assert list(r.tables["requests"]["granted"].values()) == [10, 1, 0, 0, 0, 0, 11]
    assert not [f for f in r.findings if f.severity != "info" and f.where.startswith("requests")]


def test_cells_several_table_readings_fit_are_null_with_a_warning_naming_them():
    # two rows each read both ways, and swapping them keeps every column sum: the table cannot tell
    # (1·0·10… and 10·1·0…, in either order, both give the columns 11·1·10)
    runs = {0: "11 1 10 0 0 0 22", 2: "101000011", 12: "101000011", 23: "11 1 10 0 0 0 22"}
    r = parse(one_line(runs))
    granted = r.tables["requests"]["granted"]
    assert granted["natural_person"] is None and granted["commercial"] is None and granted["research"] is None
    assert granted["total"] == 11 and granted["social_welfare"] == 0  # every reading agrees on these
    warn = next(f for f in r.findings if f.where == "requests.granted")
    assert warn.rule == "structure.ambiguous_cells" and warn.severity == "warning"
    assert "自然人" in warn.message and "商业企业" in warn.message and "予以公开" in warn.message
    assert not [f for f in r.findings if f.severity == "error"]  # unknown cells are not summed


def test_a_table_no_reading_satisfies_keeps_only_what_each_row_decides():
    runs = {2: "101000011"}  # 11 granted, but 总计 says 8: no reading of the table fits
    r = parse(one_line(runs))
    assert all(v is None for v in r.tables["requests"]["granted"].values())
    assert list(r.tables["requests"]["new_received"].values()) == [8, 0, 0, 0, 0, 0, 8]


def test_section_two_runs_are_kept_only_where_the_text_decides():
    r = parse(one_line(active=("000", "5520", "12", "3", "0", "1.5")))
    act = r.tables["active"]
    assert act["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}  # 5·5·20, 55·2·0…
    warn = next(f for f in r.findings if f.where == "active.normative_documents")
    assert warn.rule == "structure.ambiguous_cells" and "本年制发件数" in warn.message
    r = parse(one_line(active=("1000", "000", "12", "3", "0", "1.5")))
    # 1000 in three cells: 10·0·0 is the only reading (1·0·00 and 1·00·0 write a number with a leading zero)
    assert r.tables["active"]["regulations"] == {"issued": 10, "repealed": 0, "in_force": 0}
    assert r.tables["active"]["normative_documents"] == {"issued": 0, "repealed": 0, "in_force": 0}


def test_leading_zeros_decide_a_cut():
    ok = lambda _i, v: isinstance(v, int) and v >= 0  # noqa: E731
    row = parts("100")
    assert solve.readings(row, 2, ok) == [(10, 0)]  # 1·00 is no reading: no number starts with 0
    row = parts("2648-18538")
    signed = lambda i, v: isinstance(v, int) and (v >= 0 or i == 1)  # noqa: E731
    assert solve.readings(row, 3, signed) == [(2648, -1, 8538), (2648, -18, 538), (2648, -185, 38), (2648, -1853, 8)]
    row = parts("230 000023")  # a space is a cell's edge
    total = lambda v: len(v) < 7 or sum(v[:6]) == v[6]  # noqa: E731
    assert solve.readings(row, 7, ok, total) == [(23, 0, 0, 0, 0, 0, 23)]


def test_table_four_as_one_run_is_cut_by_its_three_groups():
    r = parse(one_line(appeals="10203120001200000"))
    app = r.tables["appeals"]
    assert app["review"] == {"upheld": 1, "corrected": 0, "other": 2, "pending": 0, "total": 3}
    assert app["litigation_direct"] == {"upheld": 12, "corrected": 0, "other": 0, "pending": 0, "total": 12}
    assert app["litigation_after_review"]["total"] == 0


def test_hostile_runs_of_many_digits_are_fast_null_and_said():
    runs = {i: "1" * 90 for i in range(25)}
    t = time.perf_counter()
    r = parse(one_line(runs, appeals="7" * 200, active=("1" * 80,) * 5 + ("1.5",)))
    assert time.perf_counter() - t < 5
    assert all(v is None for row in r.tables["requests"].values() for v in row.values())
    assert all(v is None for row in r.tables["appeals"].values() for v in row.values())
    assert any(f.rule == "structure.ambiguous_cells" and f.severity == "warning" for f in r.findings)


def test_mutated_one_line_reports_never_raise_or_stall():
    rng = random.Random(7)
    base = one_line().decode()
    for _ in range(25):
        text = list(base)
        for _ in range(rng.randint(1, 30)):
            i = rng.randrange(len(text))
            if rng.random() < 0.5:
                text.insert(i, "".join(rng.choice("0123456789 -.元") for _ in range(rng.randint(1, 40))))
            else:
                del text[i]
        t = time.perf_counter()
        r = parse("".join(text).encode())
        assert time.perf_counter() - t < 3
        assert r.to_dict()["tables"]  # a report comes back, every table key present


def test_a_row_of_more_numbers_than_cells_with_a_long_run_is_fast():
    # eight numbers for seven cells, one of them 40 digits long: the ways to read it are bounded, not enumerated
    text = one_line().decode().replace("8000008", "1 2 3 4 5 6 7 " + "1" * 40, 1)
    t = time.perf_counter()
    r = parse(text.encode())
    assert time.perf_counter() - t < 3
    assert all(v is None for v in r.tables["requests"]["new_received"].values())


def test_a_2019_report_on_one_line_negative_changes_and_money_run_together():
    from nianbao import formats

    labels = [r.label for r in formats.request_rows("2019")]
    runs = {"new_received": "3 0 0 0 0 0 3", "granted": "2000002", "unavailable_not_held": "1000001"}
    runs["processed_total"] = "3000003"
    keys = [r.key for r in formats.request_rows("2019")]
    table3 = "".join(lab + runs.get(k, "0000000") for k, lab in zip(keys, labels))
    text = (
        "测试镇2019年政府信息公开工作年度报告 一、总体情况本年度共收到申请3件。二、主动公开政府信息情况"
        "第二十条第(一)项信息内容本年新制作数量本年新公开数量对外公开总数量规章000规范性文件100"
        "第二十条第(五)项信息内容上一年项目数量本年增/减处理决定数量行政许可12-340其他对外管理服务事项000"
        "第二十条第(六)项信息内容上一年项目数量本年增/减处理决定数量行政处罚5 -2 3行政强制000"
        "第二十条第(八)项信息内容上一年项目数量本年增/减行政事业性收费00"
        "第二十条第(九)项信息内容采购项目数量采购总金额政府集中采购21500.5元"
        f"三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计{table3}"
        "四、政府信息公开行政复议、行政诉讼情况行政复议结果维持结果纠正其他结果尚未审结总计"
        "行政诉讼未经复议直接起诉复议后起诉000000000000000五、存在的主要问题及改进情况无。六、其他需要报告的事项无。"
    )
    r = parse(text.encode())
    assert r.template == "2019" and r.meta.year == 2019
    act = r.tables["active"]
    assert act["regulations"] == {"made": 0, "published": 0, "total_public": 0}
    assert act["normative_documents"] == {"made": 1, "published": 0, "total_public": 0}  # 100: only 1·0·0
    # 12·-34·0 and 12·-3·40 (only 本年增/减 may be negative): the text decides 12 and nothing else
    assert act["licensing"] == {"prev_items": 12, "change": None, "decisions": None}
    assert act["penalties"] == {"prev_items": 5, "change": -2, "decisions": 3}  # spaced: as written
    assert act["fees"] == {"prev_items": 0, "change": 0}
    assert act["procurement"] == {"projects": None, "amount_yuan": None}  # 2·1500.5, 21·500.5, 215·00.5…
    assert list(r.tables["requests"]["granted"].values()) == [2, 0, 0, 0, 0, 0, 2]
    assert list(r.tables["requests"]["other_handling"].values()) == [0] * 7
    assert all(v == 0 for g in r.tables["appeals"].values() for v in g.values())
    assert not [f for f in r.findings if f.severity == "error"]


def test_generated_one_line_reports_are_exact_where_the_text_decides():
    from nianbao.synth import random_report, render

    rng = random.Random(17)
    tally = Tally()
    for i in range(120):
        rendering = render(random_report(rng, ("2019", "2021")[i % 2]), "text_oneline", rng)
        report = nianbao.parse_bytes(rendering.data, rendering.name)
        tally.add(rendering.name, report.to_dict(), rendering.expected.to_dict())
    print(
        f"\ntext_oneline: 120 reports, {tally.cells} cells, null where a value was expected {tally.unsure}, "
        f"wrong {len(tally.wrong)}"
    )
    assert tally.wrong == []
    assert not tally.meta, tally.meta
    assert tally.errors == []
    assert tally.unsure / tally.cells <= 0.001


def test_findings_name_cells_by_their_chinese_labels():
    from .test_shapes import ROWS_2019, report_text

    # 予以公开 with five numbers for seven cells (no blank marks where): its cells are named as the table names them
    rows = [(lab, "1 1 0 0 2" if lab.startswith("（一）") else nums) for lab, nums in ROWS_2019]
    r = nianbao.parse_bytes(report_text(rows).encode(), "case.txt")
    said = next(f.message for f in r.findings if f.where == "requests.granted")
    assert "natural_person" not in said and "total" not in said and "：无" not in said
    assert any(
        label in said for label in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    )
