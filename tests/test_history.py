"""Cross-report rules on a generated multi-year corpus: consistent, no finding; each break, exactly its own."""

from __future__ import annotations

import copy
import random
from dataclasses import replace
from pathlib import Path

import pytest

from nianbao.aggregate import aggregate
from nianbao.check import check
from nianbao.formats import REQUEST_APPLICANT_COLUMNS
from nianbao.history import cross_check, cross_check_indexed
from nianbao.model import Report, Source
from nianbao.regions import parse_parents
from nianbao.synth import random_report

YEARS = (2021, 2022, 2023, 2024)
_VOCABULARY = (
    "深入贯彻 条例要求 加强组织领导 完善制度建设 推进重点领域 信息公开 政策解读 回应关切 平台建设 门户网站 "
    "依申请公开 办理质量 监督保障 培训考核 社会评议 责任追究 基层政务 标准化规范化 数据开放 便民服务 专栏建设 "
    "新闻发布会 主动公开 栏目调整 内容更新 审核机制 保密审查 公众参与 意见征集 答复规范 工作机制 队伍建设 "
    "考核评估 存在不足 形式单一 深度不够 下一步 持续改进 加大力度 提升实效 优化栏目 强化培训 健全机制 落实责任"
)
_WORDS = _VOCABULARY.split()


def _totals(table: dict, row: str) -> None:
    table[row]["total"] = sum(table[row][c] for c in REQUEST_APPLICANT_COLUMNS)


def follow(prev: Report, rng: random.Random, organ: str | None = None) -> Report:
    """The same organ's report of the next year: 上年结转 and 现行有效件数 carry on from ``prev``."""
    year = (prev.meta.year or 0) + 1
    r = random_report(rng, "2021", year=year, organ=organ or prev.meta.organ)
    tables = copy.deepcopy(r.tables)
    req, before = tables["requests"], prev.tables["requests"]
    for col in REQUEST_APPLICANT_COLUMNS:
        req["carried_over"][col] = before["carried_forward"][col]
        forward = req["new_received"][col] + req["carried_over"][col] - req["processed_total"][col]
        if forward < 0:
            req["new_received"][col] -= forward
            forward = 0
        req["carried_forward"][col] = forward
    for row in ("carried_over", "new_received", "carried_forward"):
        _totals(req, row)
    for row in ("regulations", "normative_documents"):
        now, was = tables["active"][row], prev.tables["active"][row]["in_force"]
        now["repealed"] = min(now["repealed"], was + now["issued"])
        now["in_force"] = was + now["issued"] - now["repealed"]
    return replace(r, tables=tables, source=Source(path=f"{r.meta.organ}{year}.json"))


def chain(organ: str, rng: random.Random, names: dict[int, str] | None = None) -> list[Report]:
    first = random_report(rng, "2021", year=YEARS[0], organ=(names or {}).get(YEARS[0], organ))
    out = [replace(first, source=Source(path=f"{first.meta.organ}{YEARS[0]}.json"))]
    for y in YEARS[1:]:
        out.append(follow(out[-1], rng, (names or {}).get(y, organ)))
    return out


def prose_of(rng: random.Random) -> dict[str, str]:
    return {n: "，".join(rng.choice(_WORDS) for _ in range(40)) + "。" for n in ("一", "五")}


PARENTS = parse_parents("丙县教育局,丙县\n丙县财政局,丙县人民政府\n")


def history_corpus(seed: int = 1) -> tuple[list[Report], dict[int, dict[str, str]]]:
    """Organs 甲县 (named two ways), 乙县, 丁县, and 丙县 whose reports are the sums of its two units."""
    rng = random.Random(seed)
    reports = [
        *chain("甲县", rng, {2022: "甲县人民政府", 2024: "甲县人民政府"}),
        *chain("乙县", rng),
        *chain("丁县", rng),
    ]
    edu, fin = chain("丙县教育局", rng), chain("丙县财政局", rng)
    for a, b in zip(edu, fin):
        total, _ = aggregate([a, b], "丙县人民政府", a.meta.year)
        parent = replace(total, source=Source(path=f"丙县{a.meta.year}.json"), findings=())
        reports += [a, b, parent]
    prose = {i: prose_of(rng) for i in range(len(reports))}
    return reports, prose


def at(reports: list[Report], path: str) -> int:
    return next(i for i, r in enumerate(reports) if r.source.path == path)


def bump(report: Report, changes: dict[str, int]) -> Report:
    tables = copy.deepcopy(report.tables)
    for path, d in changes.items():
        t, r, c = path.split(".")
        tables[t][r][c] += d
    return replace(report, tables=tables)


def found(reports, prose=None) -> set[tuple[str, str]]:
    return {(f.rule, reports[i].source.path) for i, f in cross_check_indexed(reports, PARENTS, prose)}


def test_consistent_corpus_gives_no_finding():
    reports, prose = history_corpus()
    assert all(check(r) == [] for r in reports)
    assert cross_check(reports, PARENTS, prose) == []


def test_carry_mismatch():
    reports, prose = history_corpus()
    i = at(reports, "甲县人民政府2024.json")
    col = max(REQUEST_APPLICANT_COLUMNS, key=lambda c: reports[i].tables["requests"]["new_received"][c])
    # one more carried over, one fewer new: the report still balances, but not with last year's
    reports[i] = bump(reports[i], {f"requests.carried_over.{col}": 1, "requests.carried_over.total": 1,
                                   f"requests.new_received.{col}": -1, "requests.new_received.total": -1})  # fmt: skip
    assert check(reports[i]) == []
    got = [f for _, f in cross_check_indexed(reports, PARENTS, prose)]
    assert sorted(f.where for f in got) == sorted(
        f"甲县人民政府2024.json · requests.carried_over.{c}" for c in (col, "total")
    )
    assert all(f.rule == "history.carry_mismatch" and f.severity == "warning" for f in got)
    f = next(f for f in got if f.where.endswith(col))
    assert f.found == f.expected + 1
    assert "上年结转" in f.message and "结转下年度继续办理" in f.message
    assert "甲县2023.json" in f.message  # last year's report, though it named the organ 甲县 rather than 甲县人民政府


def test_blank_totals_are_not_compared():
    reports, prose = history_corpus()
    for path in ("甲县人民政府2024.json", "丙县2022.json"):
        i = at(reports, path)
        tables = copy.deepcopy(reports[i].tables)
        for row in tables["requests"].values():
            row["total"] = None
        tables["requests"]["processed_total"] = dict.fromkeys(tables["requests"]["processed_total"])
        reports[i] = replace(reports[i], tables=tables)
    assert cross_check(reports, PARENTS, prose) == []


def test_in_force_mismatch():
    reports, prose = history_corpus()
    i = at(reports, "乙县2024.json")
    reports[i] = bump(reports[i], {"active.normative_documents.in_force": 3})
    got = cross_check(reports, PARENTS, prose)
    assert [(f.rule, f.where) for f in got] == [
        ("history.in_force_mismatch", "乙县2024.json · active.normative_documents.in_force")
    ]
    assert got[0].found == got[0].expected + 3 and "行政规范性文件" in got[0].message


def test_parent_differs_from_sum_of_units():
    reports, prose = history_corpus()
    i = at(reports, "丙县2022.json")
    # 予以公开 one more, with 总计 and 本年新收 so that the parent's own report still adds up
    rows = ("granted", "processed_total", "new_received")
    reports[i] = bump(reports[i], {f"requests.{r}.{c}": 1 for r in rows for c in ("natural_person", "total")})
    assert check(reports[i]) == []
    got = cross_check(reports, PARENTS, prose)
    assert sorted(f.where for f in got) == sorted(f"丙县2022.json · requests.{r}" for r in rows)
    assert {f.rule for f in got} == {"hierarchy.sum_mismatch"}
    f = next(f for f in got if f.where.endswith("granted"))
    assert set(f.found) == {"natural_person", "total"}
    assert f.found["total"] == f.expected["total"] + 1
    assert "予以公开" in f.message and "丙县教育局" in f.message and "丙县财政局" in f.message
    # without the organ -> parent map there is nothing to compare with
    assert cross_check(reports, None, prose) == []


def test_duplicated_prose_is_flagged_on_both_reports():
    reports, prose = history_corpus()
    a, b = at(reports, "乙县2023.json"), at(reports, "丁县2023.json")
    # 丁县 copied 乙县's section 五, changing the name and the figures only
    prose[b] = {**prose[b], "五": prose[a]["五"].replace("信息公开", "丁县信息公开") + "共办理12件。"}
    prose[a] = {**prose[a], "五": prose[a]["五"] + "共办理7件。"}
    got = cross_check_indexed(reports, PARENTS, prose)
    assert sorted((reports[i].source.path, f.rule) for i, f in got) == [
        ("丁县2023.json", "prose.duplicate"),
        ("乙县2023.json", "prose.duplicate"),
    ]
    assert all("第五部分" in f.message and "雷同" in f.message for _, f in got)
    # the same organ's prose repeated the next year is not 雷同 between organs
    prose[at(reports, "乙县2024.json")] = dict(prose[a])
    assert len(cross_check(reports, PARENTS, prose)) == 2


def test_a_cluster_of_copies_gives_one_finding_per_report():
    reports, prose = history_corpus()
    idx = [at(reports, f"{o}2022.json") for o in ("甲县人民政府", "乙县", "丁县")]
    for i in idx:
        prose[i] = {**prose[i], "一": prose[idx[0]]["一"]}
    got = cross_check_indexed(reports, PARENTS, prose)
    assert sorted(i for i, _ in got) == sorted(idx)
    assert all("第一部分" in f.message and "另与1份报告相似" in f.message and len(f.found) == 2 for _, f in got)


def test_short_prose_is_not_compared():
    reports, prose = history_corpus()
    for i in prose:
        prose[i] = {"一": "无。", "五": "本年度无。"}
    assert cross_check(reports, PARENTS, prose) == []


def test_missing_year():
    reports, _ = history_corpus()
    gone = at(reports, "丁县2023.json")
    del reports[gone]
    got = cross_check(reports, PARENTS, None)
    assert [(f.rule, f.where) for f in got] == [("history.missing_year", "丁县 · 2023年")]
    assert "2022" in got[0].message and "2024" in got[0].message


def test_two_reports_of_one_year_are_not_guessed_between():
    reports, _ = history_corpus()
    i = at(reports, "甲县人民政府2024.json")
    twin = bump(reports[i], {"requests.carried_over.total": 5})
    reports.append(replace(twin, source=Source(path="甲县2024-copy.json")))
    assert cross_check(reports, PARENTS) == []


@pytest.mark.parametrize("seed", [2, 3])
def test_all_breaks_at_once(seed):
    reports, prose = history_corpus(seed)
    keep = [i for i in range(len(reports)) if i != at(reports, "丁县2022.json")]
    reports, prose = [reports[i] for i in keep], {j: prose[i] for j, i in enumerate(keep)}
    reports[at(reports, "乙县2024.json")] = bump(reports[at(reports, "乙县2024.json")],
                                                {"active.regulations.in_force": 1})  # fmt: skip
    assert found(reports, prose) == {
        ("history.missing_year", "丁县2023.json"),
        ("history.in_force_mismatch", "乙县2024.json"),
    }


# ------------------------------------------------------------------ over the store, through the CLI
def stored(tmp_path, reports):
    from nianbao.store import open_corpus

    db = str(tmp_path / "corpus.db")
    with open_corpus(db) as c:
        for r in reports:
            c.add(r)
    return db


def test_check_db_prints_cross_findings_with_own(tmp_path):
    import json

    from click.testing import CliRunner

    from nianbao.cli import cli

    reports, _ = history_corpus()
    reports[at(reports, "乙县2024.json")] = bump(reports[at(reports, "乙县2024.json")],
                                                {"active.regulations.in_force": 2})  # fmt: skip
    db = stored(tmp_path, reports)
    (tmp_path / "parents.csv").write_text("organ,parent\n丙县教育局,丙县\n丙县财政局,丙县\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", "--db", db, "--json", "--parents", str(tmp_path / "parents.csv")])
    assert res.exit_code == 0, res.output  # warnings only
    lines = [json.loads(line) for line in res.output.splitlines()]
    assert len(lines) == len(reports)
    flagged = {(line["path"], f["rule"]) for line in lines for f in line["findings"]}
    assert flagged == {("乙县2024.json", "history.in_force_mismatch")}
    # a stored report that breaks its own arithmetic makes the exit status 1, as check does
    broken = bump(reports[0], {"requests.carried_forward.total": 1})
    (tmp_path / "b").mkdir()
    db2 = stored(tmp_path / "b", [replace(broken, findings=tuple(check(broken)))])
    res = CliRunner().invoke(cli, ["check", "--db", db2])
    assert res.exit_code == 1 and "requests.row_total" in res.output and "Traceback" not in res.output


def test_aggregate_from_db(tmp_path):
    from click.testing import CliRunner

    from nianbao.cli import cli
    from nianbao.model import load_json

    reports, _ = history_corpus()
    db = stored(tmp_path, reports)
    (tmp_path / "parents.csv").write_text("丙县教育局,丙县\n丙县财政局,丙县\n", encoding="utf-8")
    out = tmp_path / "sum.json"
    args = ["aggregate", "--db", db, "--parents", str(tmp_path / "parents.csv"), "--organ", "丙县人民政府"]
    res = CliRunner().invoke(cli, [*args, "--year", "2023", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert load_json(out).flat() == reports[at(reports, "丙县2023.json")].flat()
    res = CliRunner().invoke(cli, [*args, "--year", "2019", "--out", str(out)])
    assert res.exit_code == 1 and "没有" in res.output
    res = CliRunner().invoke(cli, ["aggregate", "--db", db, "--organ", "丙县", "--year", "2023", "--out", str(out)])
    assert res.exit_code == 1 and "--parents" in res.output


def test_check_db_finds_copied_prose_in_stored_documents(tmp_path):
    """Sources stored as Markdown documents (nianbao's own rendering, with prose): 丁县 copied 乙县's 五."""
    from nianbao.history import check_corpus
    from nianbao.render import render_markdown
    from nianbao.store import open_corpus

    rng = random.Random(9)
    copied = prose_of(rng)["五"]
    with open_corpus(str(tmp_path / "c.db")) as c:
        for organ, five in (("乙县", copied), ("丁县", copied.replace("信息公开", "丁县信息公开")), ("甲县", None)):
            r = replace(random_report(rng, "2021", year=2023, organ=organ), source=Source(path=f"{organ}.md"))
            sections = {"一": prose_of(rng)["一"], "五": five or prose_of(rng)["五"]}
            c.add(r, render_markdown(r, sections).encode("utf-8"), name=f"{organ}.md")
        got = {(r.source.path, f.rule) for r, fs in check_corpus(c) for f in fs}
        assert got == {("乙县.md", "prose.duplicate"), ("丁县.md", "prose.duplicate")}
        assert all(fs == [] for _, fs in check_corpus(c, prose=False))


def test_check_corpus_on_every_backend(corpus):
    """SQLite file, SQLite in memory and a real PostgreSQL server: the same findings, in id order."""
    from nianbao.history import check_corpus

    reports, _ = history_corpus()
    i = at(reports, "甲县人民政府2024.json")
    reports[i] = bump(reports[i], {"requests.carried_over.total": 1, "requests.new_received.total": -1,
                                   "requests.carried_over.natural_person": 1,
                                   "requests.new_received.natural_person": -1})  # fmt: skip
    del reports[at(reports, "乙县2022.json")]
    for r in reports:
        corpus.add(r)
    got = [(r.source.path, f.rule) for r, fs in check_corpus(corpus, PARENTS) for f in fs]
    assert sorted(got) == [
        ("乙县2023.json", "history.missing_year"),
        ("甲县人民政府2024.json", "history.carry_mismatch"),
        ("甲县人民政府2024.json", "history.carry_mismatch"),
    ]
    assert [r.source.path for r, _ in check_corpus(corpus, prose=False)] == [r.source.path for r in reports]


def test_check_cross_over_files(tmp_path):
    """`check --cross` on documents (nianbao's own Markdown rendering, with prose): the same rules as --db."""
    import json

    from click.testing import CliRunner

    from nianbao.cli import cli
    from nianbao.render import render_markdown

    rng = random.Random(4)
    reports = chain("甲县", rng)[:3] + chain("乙县", rng)[:3]
    i = at(reports, "甲县2023.json")
    reports[i] = bump(reports[i], {"requests.carried_over.total": 2, "requests.carried_forward.total": 2,
                                   "requests.carried_over.natural_person": 2,
                                   "requests.carried_forward.natural_person": 2})  # fmt: skip
    copied = prose_of(rng)["五"]
    for r in reports:
        five = copied if r.meta.year == 2022 else prose_of(rng)["五"]
        name = r.source.path.replace(".json", ".md")
        (tmp_path / name).write_text(render_markdown(r, {"一": prose_of(rng)["一"], "五": five}), encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(tmp_path), "--cross", "--json"])
    assert res.exit_code == 0, res.output
    got = sorted((Path(line["path"]).name, f["rule"], f["where"].split(" · ")[-1])
                 for line in map(json.loads, res.output.splitlines()) for f in line["findings"])  # fmt: skip
    assert got == [
        ("乙县2022.md", "prose.duplicate", "第五部分 ≈ " + str(tmp_path / "甲县2022.md")),
        ("甲县2022.md", "prose.duplicate", "第五部分 ≈ " + str(tmp_path / "乙县2022.md")),
        ("甲县2023.md", "history.carry_mismatch", "requests.carried_over.natural_person"),
        ("甲县2023.md", "history.carry_mismatch", "requests.carried_over.total"),
    ]
    res = CliRunner().invoke(cli, ["check", str(tmp_path), "--cross", "--no-prose", "--json"])
    assert "prose.duplicate" not in res.output and "history.carry_mismatch" in res.output
    res = CliRunner().invoke(cli, ["check", str(tmp_path), "--parents", str(tmp_path / "x.csv")])
    assert res.exit_code != 0 and "Traceback" not in res.output
