"""The corpus charts summed in SQL by the store equal the same charts summed report by report (#9)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nianbao.model import Finding, Meta, Report, Source
from tests.test_store import generated

pytest.importorskip("nh3")
from nianbao.web.views import ChartSums, chart_data


def _unreadable() -> Report:
    """A stored file that is no report: it counts in the total and in the rules, in no sum."""
    finding = Finding("source.unreadable", "error", "source", "无法读取该文件")
    return Report(template=None, meta=Meta(), tables={}, findings=[finding],
                  source=Source("gen/bad.txt", "f" * 64, "txt"))  # fmt: skip


def _odd(reports: list[Report]) -> list[Report]:
    """Cells the charts must leave out: a report of no known template that has request figures, and a
    2019 report carrying a row only the 2021 template has (as a hand-edited canonical JSON can)."""
    no_template = Report(template=None, meta=Meta(organ="某县", year=2022), findings=[],
                         tables={"requests": {"granted": {"total": 5}, "new_received": {"natural_person": 3}}},
                         source=Source("gen/odd.json", "e" * 64, "json"))  # fmt: skip
    r2019 = next(r for r in reports if r.template == "2019")
    req = {**r2019.tables["requests"], "other_overdue_fee": {"total": 7}}
    extra = replace(r2019, tables={**r2019.tables, "requests": req}, source=Source("gen/x.txt", "d" * 64, "txt"))
    return [no_template, extra]


def _stored(corpus, n: int = 40) -> list[Report]:
    reports = generated(n, seed=91)
    # a few reports with no year, and repeated years, so that every grouping has more than one member
    reports = [replace(r, meta=replace(r.meta, year=None)) if i % 13 == 5 else r for i, r in enumerate(reports)]
    reports = [*reports, *_odd(reports)]
    for r in [*reports, _unreadable()]:
        corpus.add(r)
    return reports  # all but the unreadable one


def _sql(corpus, **filters) -> dict:
    return ChartSums.of_store(corpus.chart_data(**filters)).to_dict()


def test_whole_corpus_charts_equal_the_sums_over_every_report(corpus) -> None:
    reports = _stored(corpus)
    got = _sql(corpus)
    assert got == chart_data(corpus.reports())
    assert got["reports"] == len(reports) + 1 and got["outcome"] and got["years"] and got["applicant"]
    # one figure checked by hand, independently of both: new requests of natural persons
    persons = sum(r.cell("requests.new_received.natural_person") or 0 for r in reports if r.template)
    assert next(a["value"] for a in got["applicant"] if a["key"] == "natural_person") == persons
    assert {"rule": "source.unreadable", "reports": 1, "rate": round(1 / (len(reports) + 1), 4)} in got["rules"]
    assert sum(y["reports"] for y in got["years"]) == sum(
        r.meta.year is not None and r.template is not None for r in reports
    )
    assert "other_overdue_fee" not in {o["key"] for o in got["outcome"]} or any(
        (r.template == "2021" and r.cell("requests.other_overdue_fee.total")) for r in reports
    )


@pytest.mark.parametrize(
    "filters",
    [{"template": "2021"}, {"has_errors": True}, {"has_errors": False}, {"rule": "requests."}, {"organ": "县"}],
    ids=str,
)
def test_filtered_charts_equal_the_sums_over_the_filtered_reports(corpus, filters) -> None:
    _stored(corpus)
    picked = list(corpus.ids(**filters))
    assert picked, "the filter picks some reports"
    assert _sql(corpus, **filters) == chart_data(corpus.reports(picked))


def test_charts_of_chosen_ids_and_up_to_an_id(corpus) -> None:
    _stored(corpus, 20)
    ids = list(corpus.ids())
    chosen = ids[1::3]
    assert _sql(corpus, ids=chosen) == chart_data(corpus.reports(chosen))
    data = corpus.chart_data(upto=ids[9])
    assert data["max_id"] == ids[9]
    assert ChartSums.of_store(data).to_dict() == chart_data(corpus.reports(ids[:10]))


def test_an_empty_corpus_has_empty_charts(corpus) -> None:
    assert _sql(corpus) == {"reports": 0, "outcome": [], "applicant": [], "years": [], "rules": []}
