"""Random, internally consistent reports, the rule checks they satisfy, and deliberate breakage.

The generator exists so that parser and checks can be tested on thousands of reports whose true
content is known exactly; every number it writes obeys REPORT_FORMAT.md §3 unless
:func:`inject_errors` breaks it on purpose.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..formats import (
    APPEAL_FIELDS,
    APPEAL_GROUPS,
    OUTCOME_ROWS,
    REQUEST_APPLICANT_COLUMNS,
    SIGNED_FIELDS,
    TEMPLATES,
    active_rows,
    empty_tables,
    request_rows,
)
from ..model import Meta, Report, Tables

YEARS: dict[str, tuple[int, ...]] = {"2019": (2019, 2020), "2021": (2021, 2022, 2023, 2024, 2025)}

# Invented place-name syllables: combinations give plausible, mostly fictional names.
_P1 = "青云安平永清长新兴宁丰河桂松泉石柳凤龙白金阳东西南北和德华春嘉茂临昌"
_P2 = "川溪山阳江源宁安城平林水桥原州丘台湖岭泽峰田坪口"
_DEPTS = (
    "自然资源局",
    "教育局",
    "财政局",
    "卫生健康局",
    "市场监督管理局",
    "住房和城乡建设局",
    "交通运输局",
    "民政局",
    "司法局",
    "农业农村局",
    "生态环境局",
    "人力资源和社会保障局",
    "水利局",
    "统计局",
    "应急管理局",
)


def _place(rng: random.Random) -> str:
    return rng.choice(_P1) + rng.choice(_P2)


def random_organ(rng: random.Random) -> str:
    """An invented organ name built from parts, in the forms titles use (县, 县人民政府, 镇, 局 …)."""
    level = rng.choice("县县市区")
    p = _place(rng)
    form = rng.randrange(6)
    if form == 0:
        return f"{p}{level}"
    if form == 1:
        return f"{p}{level}人民政府"
    if form == 2:
        return f"{p}{level}人民政府" + ("办公厅" if level == "市" and rng.random() < 0.5 else "办公室")
    if form == 3:
        return f"{p}{level}{rng.choice(_DEPTS)}"
    town = _place(rng)
    if form == 4:
        return f"{town}{rng.choice(['镇', '乡', '镇人民政府', '乡人民政府'])}"
    return f"{p}{level}{town}" + rng.choice(["镇人民政府", "街道办事处", "街道"])


def _title(rng: random.Random, organ: str, year: int) -> str:
    suffix = rng.choices(["政府信息公开工作年度报告", "政府信息公开年度报告", "政府信息公开工作年报"], [6, 2, 1])[0]
    return f"{organ}{year}年{suffix}"


# ------------------------------------------------------------------ tables
def _magnitude(rng: random.Random, weights: Iterable[float], spans: Iterable[tuple[int, int]]) -> int:
    lo, hi = rng.choices(list(spans), list(weights))[0]
    return rng.randint(lo, hi)


# Per applicant column: (weights, ranges).  natural_person dominates, most organisations never apply.
_APPLICANT_SCALE: dict[str, tuple[tuple[float, ...], tuple[tuple[int, int], ...]]] = {
    "natural_person": ((15, 40, 30, 15), ((0, 0), (1, 15), (16, 150), (151, 3000))),
    "commercial": ((55, 35, 10), ((0, 0), (1, 10), (11, 80))),
    "research": ((88, 12), ((0, 0), (1, 3))),
    "social_welfare": ((85, 15), ((0, 0), (1, 4))),
    "legal_service": ((70, 25, 5), ((0, 0), (1, 12), (13, 60))),
    "other_org": ((75, 25), ((0, 0), (1, 10))),
}

# Outcome row -> (base weight, chance the row is used at all in a report).
_OUTCOME_WEIGHTS: dict[str, tuple[float, float]] = {
    "granted": (10, 1.0),
    "partially_granted": (3, 0.6),
    "withheld_state_secret": (0.3, 0.1),
    "withheld_law_prohibited": (0.5, 0.2),
    "withheld_security_stability": (0.3, 0.1),
    "withheld_third_party": (0.8, 0.3),
    "withheld_internal_affairs": (0.8, 0.3),
    "withheld_process_info": (0.8, 0.3),
    "withheld_enforcement_file": (0.4, 0.2),
    "withheld_admin_query": (0.6, 0.2),
    "unavailable_not_held": (4, 0.7),
    "unavailable_needs_creation": (1, 0.4),
    "unavailable_unclear": (0.6, 0.3),
    "not_processed_petition": (1, 0.4),
    "not_processed_duplicate": (1, 0.4),
    "not_processed_publication": (0.3, 0.15),
    "not_processed_excessive": (0.3, 0.15),
    "not_processed_confirmation": (0.4, 0.2),
    "other_handling": (1.5, 0.5),
    "other_overdue_correction": (0.8, 0.4),
    "other_overdue_fee": (0.2, 0.1),
    "other_other": (1, 0.4),
}


def _requests(rng: random.Random, template: str) -> dict[str, dict[str, int]]:
    rows = [r.key for r in request_rows(template)]
    outcomes = OUTCOME_ROWS[template]
    table = {r: dict.fromkeys(REQUEST_APPLICANT_COLUMNS, 0) for r in rows}
    weights = [w if (rng.random() < p) else 0.0 for w, p in (_OUTCOME_WEIGHTS[o] for o in outcomes)]
    quiet = rng.random() < 0.15
    for col in REQUEST_APPLICANT_COLUMNS:
        w, spans = _APPLICANT_SCALE[col]
        new = 0 if quiet else _magnitude(rng, w, spans)
        over = 0 if quiet or rng.random() < 0.6 else rng.randint(0, max(1, new // 8))
        avail = new + over
        forward = 0 if rng.random() < 0.6 else rng.randint(0, avail // 6)
        processed = avail - forward
        counts = dict.fromkeys(outcomes, 0)
        for o in rng.choices(outcomes, weights, k=processed):
            counts[o] += 1
        table["new_received"][col] = new
        table["carried_over"][col] = over
        table["carried_forward"][col] = forward
        table["processed_total"][col] = processed
        for o, v in counts.items():
            table[o][col] = v
    for cols in table.values():
        cols["total"] = sum(cols[c] for c in REQUEST_APPLICANT_COLUMNS)
    return {r: table[r] for r in rows}


def _count(rng: random.Random, zero: float, hi: int) -> int:
    return 0 if rng.random() < zero else rng.randint(1, rng.choice([max(1, hi // 50), max(1, hi // 5), hi]))


def _amount_yuan(rng: random.Random, projects: int) -> int | float:
    if projects == 0:
        return 0
    style = rng.randrange(3)
    if style == 0:
        return rng.randint(1, 3000) * 10_000  # round 万, often written "960 万"
    base = rng.randint(1_000, 60_000_000)
    return base + 0.5 if style == 1 else base


def _active(rng: random.Random, template: str) -> dict[str, dict[str, int | float]]:
    out: dict[str, dict[str, int | float]] = {}
    for row in active_rows(template):
        k = row.key
        if template == "2019":
            if k in ("regulations", "normative_documents"):
                made = _count(rng, 0.85 if k == "regulations" else 0.3, 6 if k == "regulations" else 150)
                pub = made if rng.random() < 0.7 else rng.randint(0, made)
                out[k] = {"made": made, "published": pub, "total_public": pub + _count(rng, 0.2, 900)}
            elif k == "procurement":
                projects = _count(rng, 0.3, 400)
                out[k] = {"projects": projects, "amount_yuan": _amount_yuan(rng, projects)}
            else:
                prev = _count(rng, 0.3, 60 if k == "fees" else 3000)
                change = 0 if rng.random() < 0.4 else rng.randint(-prev, prev // 2 + 20)
                out[k] = {"prev_items": prev, "change": change}
                if k != "fees":
                    out[k]["decisions"] = _count(rng, 0.2, 12_000)
        else:
            if k in ("regulations", "normative_documents"):
                issued = _count(rng, 0.85 if k == "regulations" else 0.3, 5 if k == "regulations" else 90)
                repealed = _count(rng, 0.7, 30)
                out[k] = {"issued": issued, "repealed": repealed, "in_force": issued + _count(rng, 0.2, 700)}
            elif k == "fees":
                if rng.random() < 0.4:
                    amount: int | float = 0
                elif rng.random() < 0.15:
                    amount = rng.randint(1, 900)
                else:
                    amount = round(rng.uniform(0.01, 3000), rng.choice([1, 2]))
                    amount = int(amount) if amount == int(amount) else amount
                out[k] = {"amount_wan_yuan": amount}
            else:
                out[k] = {"decisions": _count(rng, 0.2, 15_000)}
    return out


def _appeals(rng: random.Random) -> dict[str, dict[str, int]]:
    quiet = rng.random() < 0.55
    out: dict[str, dict[str, int]] = {}
    for g in APPEAL_GROUPS:
        cols = {f.key: 0 for f in APPEAL_FIELDS}
        if not quiet and rng.random() < 0.7:
            for f in ("upheld", "corrected", "other", "pending"):
                cols[f] = 0 if rng.random() < 0.55 else rng.randint(1, 25 if f == "upheld" else 6)
        cols["total"] = cols["upheld"] + cols["corrected"] + cols["other"] + cols["pending"]
        out[g.key] = cols
    return out


def random_report(rng: random.Random, template: str, *, year: int | None = None, organ: str | None = None) -> Report:
    """A report of ``template`` whose tables satisfy every arithmetic rule of spec §3."""
    if template not in TEMPLATES:
        raise ValueError(f"template must be one of {TEMPLATES}, not {template!r}")
    year = year if year is not None else rng.choice(YEARS[template])
    organ = organ or random_organ(rng)
    published = None
    if rng.random() < 0.6:
        published = dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28)).isoformat()
    tables: Tables = empty_tables(template)
    tables["active"] = _active(rng, template)  # type: ignore[assignment]
    tables["requests"] = _requests(rng, template)  # type: ignore[assignment]
    tables["appeals"] = _appeals(rng)  # type: ignore[assignment]
    meta = Meta(title=_title(rng, organ, year), organ=organ, year=year, published=published, script="simplified")
    return Report(template=template, meta=meta, tables=tables)


# ------------------------------------------------------------------ rules
def _v(x: int | float | None) -> int | float:
    return 0 if x is None else x


def violations(report: Report) -> set[str]:
    """The arithmetic rule ids of spec §3 that ``report`` breaks (blank cells count as 0)."""
    t = report.template or "2019"
    req, app, act = report.tables["requests"], report.tables["appeals"], report.tables["active"]
    out: set[str] = set()
    for c in (*REQUEST_APPLICANT_COLUMNS, "total"):
        if _v(req["new_received"][c]) + _v(req["carried_over"][c]) != _v(req["processed_total"][c]) + _v(
            req["carried_forward"][c]
        ):
            out.add("requests.balance")
        if _v(req["processed_total"][c]) != sum(_v(req[o][c]) for o in OUTCOME_ROWS[t]):
            out.add("requests.outcome_sum")
    for cols in req.values():
        if _v(cols["total"]) != sum(_v(cols[c]) for c in REQUEST_APPLICANT_COLUMNS):
            out.add("requests.row_total")
    for cols in app.values():
        if _v(cols["total"]) != sum(_v(cols[f]) for f in ("upheld", "corrected", "other", "pending")):
            out.add("appeals.group_total")
    negative = any(_v(v) < 0 for tbl in (req, app) for cols in tbl.values() for v in cols.values())
    negative |= any(_v(v) < 0 for cols in act.values() for f, v in cols.items() if f not in SIGNED_FIELDS)
    if negative:
        out.add("values.negative")
    return out


# ------------------------------------------------------------------ breakage
INJECTABLE_RULES = (
    "requests.balance",
    "requests.outcome_sum",
    "requests.row_total",
    "appeals.group_total",
    "values.negative",
)


@dataclass(frozen=True)
class Injection:
    """One deliberate error: the rule it breaks and the flat paths whose values were changed."""

    rule: str
    paths: tuple[str, ...]


def _bump(tables: Tables, path: str, delta: int) -> None:
    t, r, c = path.split(".")
    tables[t][r][c] = _v(tables[t][r][c]) + delta


def _inject_one(tables: Tables, template: str, rule: str, rng: random.Random) -> Injection:
    """Break exactly ``rule``: each edit keeps every other arithmetic rule true."""
    d = rng.randint(1, 9)
    col = rng.choice(REQUEST_APPLICANT_COLUMNS)
    if rule == "requests.balance":  # carried_forward grows, row still adds up, outcomes untouched
        paths: tuple[str, ...] = (f"requests.carried_forward.{col}", "requests.carried_forward.total")
    elif rule == "requests.outcome_sum":  # processed_total and new_received grow together: balance still holds
        paths = (
            f"requests.processed_total.{col}",
            "requests.processed_total.total",
            f"requests.new_received.{col}",
            "requests.new_received.total",
        )
    elif rule == "requests.row_total":  # two totals grow on both sides of the balance
        paths = ("requests.new_received.total", "requests.carried_forward.total")
    elif rule == "appeals.group_total":
        paths = (f"appeals.{rng.choice(APPEAL_GROUPS).key}.total",)
    elif rule == "values.negative":
        row = rng.choice(active_rows(template))
        field = rng.choice([f for f in row.fields if f not in SIGNED_FIELDS])
        path = f"active.{row.key}.{field}"
        t, r, c = path.split(".")
        tables[t][r][c] = -abs(_v(tables[t][r][c])) or -d
        return Injection(rule, (path,))
    else:
        raise ValueError(f"cannot inject {rule!r}; choose from {INJECTABLE_RULES}")
    for p in paths:
        _bump(tables, p, d)
    return Injection(rule, paths)


def inject_errors_detailed(
    report: Report, rng: random.Random, n: int = 1, rules: Iterable[str] | None = None
) -> tuple[Report, list[Injection]]:
    """Like :func:`inject_errors`, but also says which flat paths each injection changed."""
    pool = tuple(rules) if rules is not None else INJECTABLE_RULES
    tables = copy.deepcopy(report.tables)
    done = [_inject_one(tables, report.template or "2019", rng.choice(pool), rng) for _ in range(n)]
    broken = replace(report, tables=tables)
    want = {i.rule for i in done}
    got = violations(broken)
    if not want <= got:  # pragma: no cover - a bug in the injector, never in the data
        raise AssertionError(f"injection {done} did not break {want - got}")
    return broken, done


def inject_errors(report: Report, rng: random.Random, n: int = 1) -> tuple[Report, list[str]]:
    """Change table values so that ``n`` known rules fail; return the sorted rule ids that now fire.

    Each injection edits a few cells chosen so that only its own rule breaks (the paths changed are
    available from :func:`inject_errors_detailed`); the rule ids returned are exactly
    ``violations(report)`` after the change, so a checker must report all of them.
    """
    broken, _ = inject_errors_detailed(report, rng, n)
    return broken, sorted(violations(broken))
