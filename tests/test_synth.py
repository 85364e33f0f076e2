"""The generator is the parser's oracle: its reports must be consistent and its renderings faithful."""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from nianbao.formats import (
    OUTCOME_ROWS,
    REQUEST_APPLICANT_COLUMNS,
    SECTIONS,
    SIGNED_FIELDS,
    TEMPLATES,
    active_rows,
    empty_tables,
    flat_paths,
    request_rows,
)
from nianbao.model import Report
from nianbao.synth import (
    INJECTABLE_RULES,
    SHAPES,
    TRAITS,
    Rendering,
    corpus,
    decode,
    inject_errors,
    inject_errors_detailed,
    random_report,
    readings,
    render,
    violations,
    write_samples,
)

_T2S = opencc.OpenCC("t2s")  # tw2sp would turn 查詢 into 查找


def _norm(s: str) -> str:
    """Label-comparison form: NFKC, no whitespace, no punctuation."""
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFKC", s))


def _plain_text(r: Rendering) -> str:
    text = decode(r)
    if r.shape.startswith("html"):
        text = lxml_html.fromstring(text.encode("utf-8")).text_content()
    if "traditional" in r.traits:
        text = _T2S.convert(text)
    return _norm(text)


# ------------------------------------------------------------------ generated data
def _check_rules_by_hand(rep: Report) -> None:
    """Spec §3 spelled out again, independently of synth.violations."""
    t = rep.template
    req, app = rep.tables["requests"], rep.tables["appeals"]
    for c in (*REQUEST_APPLICANT_COLUMNS, "total"):
        assert req["new_received"][c] + req["carried_over"][c] == req["processed_total"][c] + req["carried_forward"][c]
        assert req["processed_total"][c] == sum(req[o][c] for o in OUTCOME_ROWS[t])
    for cols in req.values():
        assert cols["total"] == sum(cols[c] for c in REQUEST_APPLICANT_COLUMNS)
        assert all(v >= 0 for v in cols.values())
    for cols in app.values():
        assert cols["total"] == cols["upheld"] + cols["corrected"] + cols["other"] + cols["pending"]
        assert all(v >= 0 for v in cols.values())
    for cols in rep.tables["active"].values():
        assert all(v >= 0 for f, v in cols.items() if f not in SIGNED_FIELDS)


@settings(max_examples=120, deadline=None)
@given(seed=st.integers(0, 2**32), template=st.sampled_from(TEMPLATES))
def test_random_report_is_consistent(seed: int, template: str) -> None:
    rep = random_report(random.Random(seed), template)
    assert violations(rep) == set()
    _check_rules_by_hand(rep)
    shape = empty_tables(template)
    assert {t: {r: set(c) for r, c in rows.items()} for t, rows in rep.tables.items()} == {
        t: {r: set(c) for r, c in rows.items()} for t, rows in shape.items()
    }
    assert all(v is not None for v in rep.flat().values())
    assert set(rep.flat()) == set(flat_paths(template))
    years = (2019, 2020) if template == "2019" else tuple(range(2021, 2026))
    assert rep.meta.year in years
    assert rep.meta.title and rep.meta.organ and rep.meta.title.startswith(f"{rep.meta.organ}{rep.meta.year}年")
    assert re.search(r"政府信息公开(工作)?(年度报告|年报)$", rep.meta.title)
    if rep.meta.published:
        assert rep.meta.published.startswith(f"{rep.meta.year + 1}-0")
    if template == "2021":
        fee = rep.tables["active"]["fees"]["amount_wan_yuan"]
        assert round(fee, 2) == fee


def test_random_report_respects_arguments() -> None:
    rep = random_report(random.Random(1), "2021", year=2023, organ="测试县人民政府")
    assert rep.meta.year == 2023 and rep.meta.organ == "测试县人民政府"
    assert rep.template == "2021"
    assert "other_other" in rep.tables["requests"] and "other_handling" not in rep.tables["requests"]


def test_reports_are_realistic_on_average() -> None:
    reps = [random_report(random.Random(s), TEMPLATES[s % 2]) for s in range(300)]
    cells = [v for r in reps for v in r.flat().values()]
    assert sum(1 for v in cells if v == 0) / len(cells) > 0.4  # many zeros
    assert any(v >= 1000 for v in cells)  # and some big numbers
    people = sum(r.tables["requests"]["new_received"]["natural_person"] for r in reps)
    firms = sum(r.tables["requests"]["new_received"][c] for r in reps for c in REQUEST_APPLICANT_COLUMNS[1:])
    assert people > firms
    amounts = [r.tables["active"]["procurement"]["amount_yuan"] for r in reps if r.template == "2019"]
    assert any(isinstance(a, float) and a % 1 == 0.5 for a in amounts)
    assert any(isinstance(a, int) and a and a % 10_000 == 0 for a in amounts)


# ------------------------------------------------------------------ injected errors
@pytest.mark.parametrize("rule", INJECTABLE_RULES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_inject_breaks_exactly_the_named_rule(rule: str, template: str) -> None:
    for seed in range(25):
        rep = random_report(random.Random(seed), template)
        broken, done = inject_errors_detailed(rep, random.Random(seed), 1, rules=[rule])
        assert violations(broken) == {rule}
        assert [i.rule for i in done] == [rule]
        for path in done[0].paths:
            assert broken.cell(path) != rep.cell(path)
        assert rep.flat() != broken.flat() and violations(rep) == set()  # the original is untouched


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), template=st.sampled_from(TEMPLATES), n=st.integers(1, 4))
def test_inject_errors_returns_the_rules_that_fire(seed: int, template: str, n: int) -> None:
    rng = random.Random(seed)
    rep = random_report(rng, template)
    broken, rules = inject_errors(rep, rng, n)
    assert rules and set(rules) <= set(INJECTABLE_RULES)
    assert set(rules) == violations(broken)


# ------------------------------------------------------------------ renderings
def _cases() -> list[tuple[str, str]]:
    return [(shape, trait) for shape in SHAPES for trait in ("", *TRAITS[shape])]


@pytest.mark.parametrize(("shape", "trait"), _cases())
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_shape_and_trait_renders_every_label(shape: str, trait: str, template: str) -> None:
    seed = hash((shape, trait, template)) % 10_000
    rep = random_report(random.Random(seed), template)
    r = render(rep, shape, random.Random(seed), traits=[trait] if trait else [])
    assert r.shape == shape and set(r.traits) <= set(TRAITS[shape])
    assert r.name.endswith(".html" if shape.startswith("html") else ".md" if shape == "md_converter" else ".txt")
    if trait == "encoding_utf8_bom":
        assert r.data.startswith(b"\xef\xbb\xbf")
    elif trait == "encoding_utf16":
        assert r.data[:2] in (b"\xff\xfe", b"\xfe\xff")
    elif trait == "encoding_gb18030":
        with pytest.raises(UnicodeDecodeError):
            r.data.decode("utf-8")
    text = _plain_text(r)
    traditional = "traditional" in r.traits
    assert r.expected.meta.script == ("traditional" if traditional else "simplified")
    assert r.expected.meta.title == rep.meta.title and r.expected.meta.organ == rep.meta.organ
    for row in (*active_rows(template), *request_rows(template)):
        if "old_other_row" in r.traits and row.key.startswith("other_"):
            continue  # the 2019 row (六)其他处理 stands for the three 2021 rows
        if traditional:  # machine conversion swaps words; the format's recognition keys must still match
            assert any(re.search(k, text) for k in row.keys), row.label
        else:
            assert _norm(row.label) in text, row.label
    for sec in SECTIONS:
        assert any(_norm(k) in text for k in sec.keys), sec.title
    if not traditional:
        assert _norm(rep.meta.title or "") in text
    # the expectation is the report, except cells the rendering made blank or absent
    for path, value in r.expected.flat().items():
        assert value is None or value == rep.cell(path), path
    nones = [p for p, v in r.expected.flat().items() if v is None]
    if trait in ("blank_zeros", "missing_total") and trait in r.traits:
        assert nones
    if trait == "blank_zeros":
        assert all(rep.cell(p) == 0 for p in nones)
    if trait == "missing_total":
        assert all(p.startswith("requests.") and p.endswith(".total") for p in nones)
    if trait == "dash_cells":
        assert all(rep.cell(p) == 0 for p in nones)
    if trait == "old_other_row":
        assert all(p.split(".")[1].startswith("other_") for p in nones)
    # missing_middle_cell: null where the text does not decide a lost cell's placement (tests/test_broken_rows.py)
    if (
        trait not in ("blank_zeros", "missing_total", "dash_cells", "old_other_row", "missing_middle_cell")
        and shape != "text_oneline"
    ):
        assert not nones  # (one-line text: null exactly where the run-together digits allow several readings)


def test_prose_figures_agree_with_tables() -> None:
    for seed in range(40):
        rep = random_report(random.Random(seed), TEMPLATES[seed % 2])
        text = decode(render(rep, "text_lines", random.Random(seed)))
        new = rep.tables["requests"]["new_received"]["total"]
        if new:
            assert f"共收到政府信息公开申请{new}件" in text
        m = re.search(r"主动公开政府信息(\d+)条，其中(.*?)。", text)
        assert m
        assert int(m.group(1)) == sum(int(x) for x in re.findall(r"(\d+)条", m.group(2)))


def test_readings_agree_with_brute_force() -> None:
    rng = random.Random(3)
    for _ in range(200):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 9)))
        parts = 4
        brute = set()
        for cuts in itertools.combinations(range(1, len(digits)), parts - 1):
            bounds = (0, *cuts, len(digits))
            pieces = [digits[a:b] for a, b in itertools.pairwise(bounds)]
            if any(len(p) > 1 and p[0] == "0" for p in pieces):
                continue
            vals = tuple(int(p) for p in pieces)
            if sum(vals[:-1]) == vals[-1]:
                brute.add(vals)
        assert set(readings(digits, parts)) == brute


def test_run_together_rows_have_a_unique_reading() -> None:
    seen = 0
    for seed in range(60):
        rep = random_report(random.Random(seed), TEMPLATES[seed % 2])
        r = render(rep, "text_tabs", random.Random(seed), traits=["run_together", "fullwidth"])
        if "run_together" not in r.traits:
            continue
        rows = {
            tuple(cols[c] for c in (*REQUEST_APPLICANT_COLUMNS, "total")) for cols in rep.tables["requests"].values()
        }
        text = decode(r)
        section = text[text.index("三、收到和处理") : text.index("四、", text.index("四、结转") + 3)]
        runs = [c for line in section.splitlines() for c in line.split("\t")]
        runs = [unicodedata.normalize("NFKC", c) for c in runs]
        runs = [c for c in runs if c.isdigit() and len(c) >= 7]
        assert len(runs) == 1
        for digits in runs:
            found = readings(digits)
            assert len(found) == 1 and found[0] in rows
        seen += 1
    assert seen > 20


def test_corpus_is_deterministic_and_covers_every_shape(tmp_path: Path) -> None:
    a = list(corpus(24, seed=5))
    b = list(corpus(24, seed=5))
    assert [r.data for r in a] == [r.data for r in b]
    assert {r.shape for r in a} == set(SHAPES)
    assert {r.expected.template for r in a} == set(TEMPLATES)
    assert [r.data for r in corpus(4, seed=6)] != [r.data for r in a[:4]]
    paths = write_samples(tmp_path, n=6, seed=1)
    assert len(paths) == 6
    for p in paths:
        assert p.exists()
        exp = json.loads((p.parent / f"{p.name}.expected.json").read_text(encoding="utf-8"))
        assert exp["source"]["path"] == p.name and exp["template"] in TEMPLATES


# ------------------------------------------------------------------ the numbers sit where the table says
def _expand(table: Any) -> list[list[str]]:
    """An HTML table as a rectangular grid, merged cells repeated in every position they cover."""
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.xpath("./tbody/tr|./tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            text = td.text_content().replace("\xa0", " ").strip()
            for dr in range(int(td.get("rowspan", 1))):
                for dc in range(int(td.get("colspan", 1))):
                    grid[(r + dr, c + dc)] = text
            c += int(td.get("colspan", 1))
    rows = 1 + max(r for r, _ in grid)
    width = 1 + max(c for _, c in grid)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(rows)]


def _num(s: str) -> int | float | None:
    s = unicodedata.normalize("NFKC", s).strip()
    return None if not s else (float(s) if "." in s else int(s))


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("traits", [(), ("blank_zeros",)])
def test_html_table_spans_put_every_value_in_its_column(template: str, traits: tuple[str, ...]) -> None:
    for seed in range(8):
        rep = random_report(random.Random(seed), template)
        r = render(rep, "html_table", random.Random(seed), traits=traits)
        doc = lxml_html.fromstring(r.data)
        tables = [_expand(t) for t in doc.xpath("//table[not(@class='layout')]")]
        active, req, app = tables
        assert {len(row) for row in req} == {10} and {len(row) for row in app} == {15}
        keys = [row.key for row in request_rows(template)]
        cols = [*REQUEST_APPLICANT_COLUMNS, "total"]
        assert len(req) == 3 + len(keys)
        for key, row in zip(keys, req[3:], strict=True):
            assert [_num(x) for x in row[3:]] == [r.expected.tables["requests"][key][c] for c in cols]
        assert [_num(x) for x in app[3]] == [v for g in r.expected.tables["appeals"].values() for v in g.values()]
        assert len(active) == len(active_rows(template)) + 2 * (5 if template == "2019" else 4)


@pytest.mark.parametrize("template", TEMPLATES)
def test_text_tabs_rows_end_with_their_values(template: str) -> None:
    for seed in range(8):
        rep = random_report(random.Random(seed), template)
        r = render(rep, "text_tabs", random.Random(seed))
        text = decode(r)
        lines = text[text.index("三、收到和处理") :].splitlines()
        for row in request_rows(template):
            line = next(ln for ln in lines if "\t" in ln and _norm(row.label) in _norm(ln))
            want = [rep.tables["requests"][row.key][c] for c in (*REQUEST_APPLICANT_COLUMNS, "total")]
            assert [_num(x) for x in line.split("\t")[-7:]] == want
