"""End to end in a real headless Chromium (Debian's, driven by Playwright): `nianbao serve` on a loopback port,
upload through the page, see a highlighted failing cell, filter the corpus, draw charts, download exports.

Screenshots of the main pages go to out/screenshots/.  The five real seeds are uploaded when ../shared is
present; generated reports (one with a known arithmetic error) are uploaded always.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

from nianbao.synth import corpus as synth  # noqa: E402
from nianbao.synth import inject_errors, random_report, render  # noqa: E402

from .conftest import SEEDS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
TOKEN = "browser-test-token"
SHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
BROKEN_YEAR = 2023

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """The files to upload: generated ones (one broken on purpose), plus the seeds when available."""
    folder = tmp_path_factory.mktemp("upload")
    files: dict[str, Path] = {}
    for r in synth(4, seed=33):
        (folder / r.name).write_bytes(r.data)
        files[r.name] = folder / r.name
    rng = random.Random(12)
    bad, _ = inject_errors(random_report(rng, "2021", year=BROKEN_YEAR, organ="测试镇人民政府"), rng, 2)
    (folder / "broken.txt").write_bytes(render(bad, "text_tabs", rng).data)
    files["broken.txt"] = folder / "broken.txt"
    html = render(random_report(rng, "2019", year=2020, organ="网页县人民政府"), "html_table", rng).data
    hostile = html.replace(b"<body>", b'<body onload="alert(1)"><script>alert(2)</script>'
                           b'<img src="http://evil.example/t.png" onerror="alert(3)">', 1)  # fmt: skip
    assert hostile != html
    (folder / "hostile.html").write_bytes(hostile)
    files["hostile.html"] = folder / "hostile.html"
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
        files[seed.name] = folder / seed.name
    return files


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`nianbao serve` as a user starts it, on a free loopback port; stopped after the module."""
    db = tmp_path_factory.mktemp("db") / "corpus.db"
    port = _free_port()
    env = {**os.environ, "NIANBAO_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/reports", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"nianbao serve did not start: {proc.stderr.read().decode(errors='replace')}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def page(server):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        blocked: list[str] = []
        # Nothing may load from outside the server: any such request fails the test.
        pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
                 else (blocked.append(route.request.url), route.abort()))  # fmt: skip
        pg.blocked = blocked  # type: ignore[attr-defined]
        dialogs: list[str] = []  # any alert() means a report's script ran
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.dialogs = dialogs  # type: ignore[attr-defined]
        yield pg
        browser.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_end_to_end(server, page, reports):
    # log in with the token, then upload every file through the page (one request per file, progress shown)
    page.goto(f"{server}/login")
    page.fill('input[name="token"]', TOKEN)
    page.click('form[action="/login"] button[type="submit"]')
    page.wait_for_url(f"{server}/upload")
    page.set_input_files("#files", [str(p) for p in reports.values()])
    page.click('#upload-form button[type="submit"]')
    page.wait_for_selector('#upload-form[data-done="1"]', timeout=120_000)
    rows = page.locator("#result-rows tr")
    assert rows.count() == len(reports)
    assert page.locator("#progress-text").inner_text() == f"{len(reports)} / {len(reports)}"
    shot(page, "upload")

    # the broken report's page: a failing cell highlighted, its message beside the table
    page.click("#result-rows a:text-is('broken.txt')")
    page.wait_for_selector("#parsed")
    flagged = page.locator("td.nb-flag-error.nb-flag-primary")
    assert flagged.count() >= 1 and flagged.first.is_visible()
    number = flagged.first.get_attribute("data-findings").split()[0]
    finding = page.locator(f"ol.findings li[value='{number}']")
    assert finding.is_visible() and finding.inner_text().strip()
    finding.hover()
    assert "nb-hover" in (flagged.first.get_attribute("class") or "")
    assert page.locator("pre.source-text").is_visible()
    shot(page, "report")

    # download exports from the report page
    with page.expect_download() as dl:
        page.click("#downloads a[href$='export.xlsx']")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    assert wb.sheetnames
    with page.expect_download() as dl:
        page.click("#downloads a[href$='export.json']")
    assert b'"tables"' in Path(dl.value.path()).read_bytes()

    # a hostile web page: shown cleaned, its tables intact, nothing of it runs or loads
    page.goto(f"{server}/")
    page.locator("table.list tbody tr", has_text="hostile.html").locator("a").first.click()
    page.wait_for_selector(".source-html table")
    page.wait_for_load_state("networkidle")
    assert page.locator(".source-html img, .source-html script").count() == 0
    assert page.locator(".source-html td").count() > 50
    shot(page, "report-html")

    # a real seed's page, when the seeds are here
    page.goto(f"{server}/")
    seed_row = page.locator("table.list tbody tr", has_text="fuzhou_office_2020.txt")
    if seed_row.count():
        seed_row.locator("a").first.click()
        page.wait_for_selector("#parsed")
        shot(page, "report-seed")

    # the corpus: filter by year, see only that year's reports, export the selection
    page.goto(f"{server}/")
    assert page.locator("#total").inner_text().startswith(f"共 {len(reports)} 份")
    shot(page, "corpus")
    page.fill('#filters input[name="year"]', str(BROKEN_YEAR))
    page.click('#filters button[type="submit"]')
    page.wait_for_url(f"**/?*year={BROKEN_YEAR}*")
    years = page.locator("table.list tbody tr td:nth-child(4)").all_inner_texts()
    assert years and set(years) == {str(BROKEN_YEAR)}
    page.locator('table.list input[name="id"]').first.check()
    with page.expect_download() as dl:
        page.click("#do-export")
    csv = Path(dl.value.path()).read_bytes().decode("utf-8-sig").splitlines()
    assert len(csv) == 2 and "requests.new_received.total" in csv[0]

    # compare two of the picked reports, then sum all of them into a parent's report
    page.goto(f"{server}/?year={BROKEN_YEAR}&template=2021")
    boxes = page.locator('table.list input[name="id"]')
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#do-compare")
    page.wait_for_url("**/compare?*")
    assert page.locator("h2").first.inner_text().startswith("变化的单元格")
    shot(page, "compare")
    page.go_back()
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.fill('#selection input[name="organ"]', "测试市")
    page.click("#do-aggregate")
    page.wait_for_url("**/aggregate?*")
    assert page.locator("h1").inner_text().startswith(f"测试市{BROKEN_YEAR}年")
    assert page.locator("table.nb-requests").is_visible()
    shot(page, "aggregate")

    # the charts: drawn by the vendored ECharts onto canvases that are not blank
    page.goto(f"{server}/charts")
    for chart in ("outcome", "applicant", "trend", "rules"):
        page.wait_for_selector(f'#chart-{chart}[data-drawn="1"] canvas')
    painted = page.evaluate(
        """() => { const c = document.querySelector('#chart-outcome canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    assert painted > 1000
    shot(page, "charts")

    # English on request
    page.goto(f"{server}/?lang=en")
    assert page.locator("header nav").inner_text().count("Corpus") == 1
    assert page.locator("#total").inner_text().startswith(f"{len(reports)} reports")
    shot(page, "corpus-en")
    assert page.blocked == []  # nothing was requested from outside the server
    assert page.dialogs == []  # no script of a report ever ran
