"""The web interface in process (FastAPI's TestClient over a real SQLite corpus): API, pages and defences."""

from __future__ import annotations

import io
import json
import random
import re
import time
import zipfile

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("nh3")

from fastapi.testclient import TestClient

from nianbao.store import open_corpus
from nianbao.synth import corpus as synth
from nianbao.synth import inject_errors, random_report, render
from nianbao.web.app import WebSettings, make_app
from nianbao.web.uploads import Limits

TOKEN = "test-token-1234"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def corpus(tmp_path):
    c = open_corpus(str(tmp_path / "web.db"))
    yield c
    c.close()


def client_for(corpus, token: str | None = TOKEN, limits: Limits | None = None, private: bool = False) -> TestClient:
    app = make_app(corpus, WebSettings(token=token, limits=limits or Limits(), private=private))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client(corpus):
    return client_for(corpus)


def upload(client: TestClient, files: list[tuple[str, bytes]], headers=AUTH):
    return client.post("/api/reports", files=[("files", (n, d)) for n, d in files], headers=headers)


# ---------------------------------------------------------------------------------------------- API
def test_upload_list_get_roundtrip(client):
    files = [(r.name, r.data) for r in synth(4, seed=11)]
    resp = upload(client, files)
    assert resp.status_code == 201, resp.text
    ids = resp.json()["ids"]
    assert len(ids) == 4 and len(set(ids)) == 4
    listed = client.get("/api/reports").json()
    assert listed["total"] == 4 and {i["id"] for i in listed["items"]} == set(ids)
    # idempotent by content: the same files again give the same ids and nothing new
    assert upload(client, files).json()["ids"] == ids
    assert client.get("/api/reports").json()["total"] == 4
    one = client.get(f"/api/reports/{ids[0]}").json()
    assert one["template"] in ("2019", "2021") and "requests" in one["tables"]
    assert one["source"]["path"] == files[0][0]


def test_filters_and_paging(client):
    rng = random.Random(5)
    files = []
    for i, year in enumerate((2020, 2021, 2022, 2022, 2023)):
        rep = random_report(rng, "2021" if year >= 2021 else "2019", year=year)
        if i == 2:
            rep, _ = inject_errors(rep, rng, 1)
        files.append((f"r{i}.txt", render(rep, "text_tabs", rng).data))
    ids = upload(client, files).json()["ids"]
    assert client.get("/api/reports?year=2022").json()["total"] == 2
    assert client.get("/api/reports?template=2019").json()["total"] == 1
    errs = client.get("/api/reports?has_errors=true").json()
    assert errs["total"] >= 1 and ids[2] in {i["id"] for i in errs["items"]}
    page1 = client.get("/api/reports?limit=2&page=1").json()
    page3 = client.get("/api/reports?limit=2&page=3").json()
    assert page1["total"] == 5 and len(page1["items"]) == 2 and len(page3["items"]) == 1
    # the HTML list filters the same way and pages
    html = client.get("/?year=2022").text
    assert len(re.findall(r'name="id" value="\d+"', html)) == 2
    assert client.get("/api/reports?year=abc").status_code == 400
    assert client.get("/?year=abc").status_code == 400


def test_report_page_highlights_failing_cell(client):
    rng = random.Random(7)
    rep = random_report(rng, "2021", year=2022)
    rep, _ = inject_errors(rep, rng, 1)
    data = render(rep, "text_tabs", rng).data
    rid = upload(client, [("broken.txt", data)]).json()["ids"][0]
    stored = client.get(f"/api/reports/{rid}").json()
    errors = [f for f in stored["findings"] if f["severity"] == "error"]
    assert errors, "the injected error should be found"
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200
    flagged = re.findall(r'<td class="[^"]*nb-flag-error nb-flag-primary[^"]*"[^>]*data-path="([^"]+)"', page.text)
    assert flagged, "a cell named by an error is highlighted"
    # the finding's message is on the page, beside the table it belongs to
    assert errors[0]["message"] in page.text
    # the source is shown beside the tables, escaped
    assert 'class="source-text"' in page.text


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "docx"])
def test_report_exports(client, fmt):
    r = next(iter(synth(1, seed=2)))
    rid = upload(client, [(r.name, r.data)]).json()["ids"][0]
    resp = client.get(f"/reports/{rid}/export.{fmt}")
    assert resp.status_code == 200
    assert "attachment" in resp.headers["content-disposition"]
    if fmt == "json":
        assert resp.json() == client.get(f"/api/reports/{rid}").json()
    elif fmt == "csv":
        assert "requests.new_received.total" in resp.content.decode("utf-8-sig").splitlines()[0]
    else:
        names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
        assert ("xl/workbook.xml" if fmt == "xlsx" else "word/document.xml") in names


def test_selection_export_compare_and_aggregate(client):
    rng = random.Random(9)
    units = [random_report(rng, "2021", year=2022) for _ in range(3)]
    ids = upload(client, [(f"u{i}.txt", render(u, "text_tabs", rng).data) for i, u in enumerate(units)]).json()["ids"]
    q = "&".join(f"id={i}" for i in ids)
    lines = client.get(f"/export?format=jsonl&{q}").text.strip().splitlines()
    assert len(lines) == 3 and {json.loads(x)["meta"]["organ"] for x in lines} == {u.meta.organ for u in units}
    assert client.get("/export?format=csv&year=2022").text.count("\n") == 4  # header + 3
    cmp = client.get(f"/api/compare?id={ids[0]}&id={ids[1]}").json()
    assert cmp["compared"] > 0
    assert cmp["prose"] and all(0 <= v <= 1 for v in cmp["prose"].values() if v is not None)
    assert 'id="prose"' in client.get(f"/compare?id={ids[0]}&id={ids[1]}").text
    assert client.get(f"/compare?id={ids[0]}").status_code == 400
    agg = client.get(f"/api/aggregate?{q}&organ=某县").json()["report"]
    stored = [client.get(f"/api/reports/{i}").json() for i in ids]
    want = sum(s["tables"]["requests"]["new_received"]["total"] or 0 for s in stored)
    assert agg["tables"]["requests"]["new_received"]["total"] == want
    assert agg["meta"]["organ"] == "某县" and agg["meta"]["year"] == 2022
    assert "某县" in client.get(f"/aggregate?{q}&organ=某县").text
    got = client.get(f"/aggregate/export.json?{q}&organ=某县").json()
    assert got["tables"]["requests"]["new_received"]["total"] == want
    docx = client.get(f"/aggregate/export.docx?{q}&organ=某县")
    assert docx.status_code == 200 and "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx.content)).namelist()


def test_charts_api_and_page(client, corpus):
    files = [(r.name, r.data) for r in synth(6, seed=4)]
    upload(client, files)
    data = client.get("/api/charts").json()
    assert data["reports"] == 6
    assert data["outcome"] and data["applicant"] and data["years"]
    # an upload updates the whole corpus's charts in place; they equal the charts summed afresh
    more = [(r.name, r.data) for r in synth(3, seed=44)]
    upload(client, more)
    upload(client, more[:1])  # a duplicate changes nothing
    updated = client.get("/api/charts").json()
    assert updated["reports"] == 9
    assert updated == client_for(corpus).get("/api/charts").json()
    assert client.delete("/api/reports/1", headers=AUTH).status_code == 200
    assert client.get("/api/charts").json()["reports"] == 8
    page = client.get("/charts").text
    assert "/static/echarts.common.min.js" in page and 'id="chart-data"' in page
    js = client.get("/static/echarts.common.min.js")
    assert js.status_code == 200 and len(js.content) > 100_000


def test_pdf_source_pages_as_images(client):
    Image = pytest.importorskip("PIL.Image")
    from concurrent.futures import ThreadPoolExecutor

    buf = io.BytesIO()
    pages = [Image.new("RGB", (600, 800), c) for c in ("white", "gray", "black")]
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:])
    rid = upload(client, [("scan.pdf", buf.getvalue())]).json()["ids"][0]
    page = client.get(f"/reports/{rid}").text
    assert all(f"/reports/{rid}/pages/{n}.png" in page for n in (1, 2, 3))
    # the browser fetches pages in parallel; PDFium is not thread-safe: the pages are drawn in worker processes
    with ThreadPoolExecutor(6) as pool:
        got = list(pool.map(lambda n: client.get(f"/reports/{rid}/pages/{n % 3 + 1}.png"), range(18)))
    assert all(r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n" for r in got)
    assert client.get(f"/reports/{rid}/pages/4.png").status_code == 404


# ---------------------------------------------------------------------------------------------- security
HOSTILE = """<html><head><title>x</title><script>alert('pwned')</script>
<link rel="stylesheet" href="http://evil.example/s.css"><style>body{background:url(http://evil.example/bg.png)}</style>
</head><body onload="alert(2)"><h1>某某县人民政府2022年政府信息公开工作年度报告</h1>
<img src="http://evil.example/track.png" onerror="alert(3)"><iframe src="http://evil.example/"></iframe>
<a href="javascript:alert(4)">链接</a><p style="background:url(http://evil.example/p.png)">一、总体情况</p>
<svg><script>alert(5)</script></svg><object data="http://evil.example/x.swf"></object>
<table><tr><td onclick="alert(6)">本年新收政府信息公开申请数量</td><td>3</td></tr></table></body></html>"""


def test_hostile_html_renders_inert(client):
    rid = upload(client, [("hostile.html", HOSTILE.encode())]).json()["ids"][0]
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200
    body = page.text
    source = body[body.index('id="source"') : body.index('id="parsed"')]
    assert "某某县人民政府" in source and "本年新收政府信息公开申请数量" in source  # the text survives
    for bad in ("alert(", "evil.example", "onload", "onerror", "onclick", "javascript:", "<iframe", "<object",
                "<img", "<link", "<style", "<svg"):  # fmt: skip
        assert bad not in source, bad
    # only the app's own scripts load, and the browser is told to load nothing from elsewhere
    assert re.findall(r"<script[^>]*src=\"([^\"]+)\"", body) == ["/static/report.js"]
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    # the original is only ever a download of an inert type, never served as a page on this origin
    src = client.get(f"/reports/{rid}/source")
    assert src.headers["content-type"] == "application/octet-stream"
    assert src.headers["content-disposition"].startswith("attachment")
    assert src.headers["x-content-type-options"] == "nosniff"


def test_writes_refuse_without_credentials(corpus):
    client = client_for(corpus)
    files = [("a.txt", next(iter(synth(1, seed=1))).data)]
    assert upload(client, files, headers={}).status_code == 401
    assert upload(client, files, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/upload", files=[("files", files[0])]).status_code == 401
    assert client.delete("/api/reports/1").status_code == 401
    assert client.get("/api/reports").json()["total"] == 0
    # read-only: no token configured at all
    ro = client_for(corpus, token=None)
    resp = upload(ro, files, headers={"Authorization": "Bearer anything"})
    assert resp.status_code == 403 and "只读" in resp.json()["error"]
    assert "只读模式" in ro.get("/").text
    assert ro.get("/?lang=en").text.count("Read-only") >= 1


def test_login_session_and_csrf(client):
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"token": "wrong", "csrf": csrf}).status_code == 401
    assert client.post("/login", data={"token": TOKEN}).status_code == 403  # no CSRF token: refused
    resp = client.post("/login", data={"token": TOKEN, "csrf": csrf}, follow_redirects=False)
    assert resp.status_code == 303
    old, csrf = csrf, re.search(r'name="csrf" value="([^"]+)"', client.get("/upload").text).group(1)
    assert csrf != old  # a new CSRF token once logged in
    r = next(iter(synth(1, seed=8)))
    assert client.post("/upload", files=[("files", (r.name, r.data))], data={"csrf": old}).status_code == 403
    # logged in, but a form post without the session's CSRF token (a cross-site post) is refused
    assert client.post("/upload", files=[("files", (r.name, r.data))]).status_code == 403
    assert client.post("/api/reports", files=[("files", (r.name, r.data))]).status_code == 403
    ok = client.post("/upload", files=[("files", (r.name, r.data))], data={"csrf": csrf})
    assert ok.status_code == 200 and "/reports/1" in ok.text
    ok = client.post("/api/reports", files=[("files", (r.name, r.data))], headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201


@pytest.mark.parametrize("https_only", [False, True])
def test_login_cookie_is_secure_behind_https(corpus, https_only):
    """--https-only marks the login cookie Secure, so a browser never sends it over plain HTTP."""
    app = make_app(corpus, WebSettings(token=TOKEN, https_only=https_only))
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    resp = client.post("/login", data={"token": TOKEN, "csrf": csrf}, follow_redirects=False)
    cookie = resp.headers["set-cookie"].lower()
    assert resp.status_code == 303 and "nianbao_session=" in cookie and "samesite=strict" in cookie
    assert ("; secure" in cookie) is https_only


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_upload(client):
    members = {f"年报/{r.name}": r.data for r in synth(3, seed=21)}
    resp = upload(client, [("batch.zip", _zip(members))])
    assert resp.status_code == 201 and len(resp.json()["ids"]) == 3


@pytest.mark.parametrize(
    "members, why",
    [
        ({"ok.txt": b"x" * 100, "../../etc/evil.txt": b"x"}, "路径"),
        ({"/abs.txt": b"x"}, "路径"),
        ({"bomb.txt": b"\0" * (8 * 1024 * 1024)}, "压缩炸弹"),
        ({"inner.zip": _zip({"a.txt": b"x"})}, "嵌套"),
        ({f"f{i}.txt": b"x" for i in range(12)}, "上限"),
    ],
)
def test_malicious_zips_refused(corpus, members, why):
    client = client_for(corpus, limits=Limits(max_files=10, max_file_bytes=4 * 1024 * 1024))
    resp = upload(client, [("evil.zip", _zip(members))])
    assert resp.status_code == 413
    assert why in resp.json()["error"]
    assert client.get("/api/reports").json()["total"] == 0  # nothing of it stored


def test_oversized_upload_refused_before_reading(corpus):
    client = client_for(corpus, limits=Limits(max_request_bytes=64 * 1024))
    resp = upload(client, [("big.txt", b"a" * (200 * 1024))])
    assert resp.status_code == 413 and "上限" in resp.json()["error"]
    html = client.post("/upload", files=[("files", ("big.txt", b"a" * (200 * 1024)))], headers=AUTH)
    assert html.status_code == 413 and "<html" in html.text and "Traceback" not in html.text


# ---------------------------------------------------------------------------------------------- errors, language
def test_one_error_handler_html_and_json(client):
    api = client.get("/api/reports/999")
    assert api.status_code == 404 and api.json()["error"]
    page = client.get("/reports/999")
    assert page.status_code == 404 and "找不到这份报告" in page.text and "Traceback" not in page.text
    assert client.get("/reports/999?lang=en").text.count("No such report") == 1
    bad = client.get("/reports/abc")
    assert bad.status_code in (400, 404, 422) and "Traceback" not in bad.text
    assert client.get("/reports/1/export.exe").status_code in (400, 404)
    huge = "9" * 30  # beyond the databases' integers: a bad request, never a crash
    for path in (f"/reports/{huge}", f"/api/reports/{huge}", f"/compare?id={huge}&id=1", f"/?page={huge}",
                 f"/export?id={huge}", f"/?year={huge}", f"/api/reports?year={huge}"):  # fmt: skip
        assert client.get(path).status_code == 400, path


def test_languages(client):
    assert "报告库" in client.get("/").text
    assert "Corpus" in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert "Corpus" in client.get("/?lang=en").text
    assert "Corpus" in client.get("/charts").text  # the choice is remembered in the session


def test_openapi_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/reports"]) and "get" in paths["/api/reports/{id}"]
    for p in ("/api/charts", "/api/compare", "/api/aggregate", "/export"):
        assert p in paths


def test_uploads_get_their_region(client):
    rng = random.Random(14)
    rep = random_report(rng, "2021", year=2022, organ="福建省三明市清流县人民政府")
    other = random_report(rng, "2021", year=2022, organ="某某单位")
    upload(client, [("a.txt", render(rep, "text_tabs", rng).data), ("b.txt", render(other, "text_tabs", rng).data)])
    found = client.get("/api/reports?region=三明市").json()
    assert found["total"] == 1 and found["items"][0]["county"] == "清流县"


def test_broken_database_gives_an_error_page_not_a_traceback(tmp_path):
    db = tmp_path / "broken.db"
    corpus = open_corpus(str(db))
    client = client_for(corpus)
    corpus.close()
    db.write_bytes(b"not a database " * 1000)  # the file is damaged under the running server
    page = client.get("/reports/1")
    api = client.get("/api/reports")
    assert page.status_code >= 500 and api.status_code >= 500
    assert "出错了" in page.text and api.json()["error"]
    for body in (page.text, api.text):
        assert "Traceback" not in body and "sqlite3" not in body and 'File "' not in body


def test_unreadable_upload_is_stored_with_its_reason(client):
    resp = upload(client, [("corrupt.pdf", b"%PDF-1.7 this is not really a pdf \x00\x01\x02")])
    assert resp.status_code == 201
    rid = resp.json()["ids"][0]
    findings = client.get(f"/api/reports/{rid}").json()["findings"]
    reason = next(f for f in findings if f["rule"].startswith("source.") and f["severity"] == "error")
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200 and reason["message"] in page.text
    assert client.get(f"/reports/{rid}/pages/1.png").status_code == 404  # no page to draw, and no error
    assert client.get(f"/api/reports?rule={reason['rule']}").json()["total"] == 1


@pytest.mark.parametrize("backend", ["sqlite-file", "postgresql"])
def test_serves_either_database(backend, tmp_path):
    from .conftest import store_url

    corpus = open_corpus(store_url(backend, tmp_path))
    try:
        client = client_for(corpus)
        files = [(r.name, r.data) for r in synth(4, seed=51)]
        ids = upload(client, files).json()["ids"]
        assert client.get("/api/reports").json()["total"] == 4
        year = client.get(f"/api/reports/{ids[0]}").json()["meta"]["year"]
        assert ids[0] in {i["id"] for i in client.get(f"/api/reports?year={year}").json()["items"]}
        assert client.get(f"/reports/{ids[0]}").status_code == 200
        assert client.get("/api/charts").json()["reports"] == 4
    finally:
        corpus.close()


def test_private_server_needs_credentials_to_read(corpus):
    client = client_for(corpus, private=True)
    rid = upload(client, [("a.txt", next(iter(synth(1, seed=61))).data)]).json()["ids"][0]
    for path in ("/api/reports", f"/api/reports/{rid}", "/openapi.json"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=AUTH).status_code == 200
    page = client.get(f"/reports/{rid}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert client.get("/login").status_code == 200 and client.get("/static/app.css").status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"token": TOKEN, "csrf": csrf})
    assert client.get(f"/reports/{rid}").status_code == 200


def test_serve_command_refuses_clearly(tmp_path, monkeypatch):
    import socket

    from click.testing import CliRunner

    from nianbao.cli import cli

    monkeypatch.delenv("NIANBAO_TOKEN", raising=False)
    runner = CliRunner()
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        busy = runner.invoke(cli, ["serve", "--db", str(tmp_path / "c.db"), "--port", str(port)])
    cases = [
        (runner.invoke(cli, ["serve", "--db", str(tmp_path / "no" / "such" / "c.db"), "--port", "0"]), "不存在"),
        (runner.invoke(cli, ["serve", "--db", str(bad), "--port", "0"]), "不是"),
        (runner.invoke(cli, ["serve", "--db", str(tmp_path / "c.db"), "--private"]), "--private"),
        (busy, "无法在"),
    ]
    for result, words in cases:
        assert result.exit_code == 1 and result.output.startswith("Error: ") and words in result.output, result.output
        assert "Traceback" not in result.output


def test_an_upload_that_parses_too_long_is_given_up_and_stored_with_its_reason(corpus):
    """Uploads are parsed in worker processes with a time limit: a file over it is stored with a finding
    saying so, the request answers, and the server goes on parsing the next upload."""
    app = make_app(corpus, WebSettings(token=TOKEN, limits=Limits(), parse_timeout=0.5))
    with TestClient(app, raise_server_exceptions=False) as client:  # `with`: the workers stop with the app
        slow = ("行政许可\t12\t3\t4\n" * 200_000).encode()  # some seconds of parsing
        resp = upload(client, [("slow.txt", slow)])
        assert resp.status_code == 201, resp.text
        rid = resp.json()["ids"][0]
        findings = client.get(f"/api/reports/{rid}").json()["findings"]
        assert any(f["rule"] == "source.unreadable" and "0.5" in f["message"] for f in findings), findings
        page = client.get(f"/reports/{rid}")  # its source is read in a worker too, within the same limit
        assert page.status_code == 200 and "行政许可" in page.text
        ok = upload(client, [(r.name, r.data) for r in synth(1, seed=12)])
        assert ok.status_code == 201 and ok.json()["items"][0]["errors"] == 0


def test_a_report_page_does_not_wait_behind_uploads(corpus):
    """Stored files are read for pages by workers of their own: while every upload worker is parsing a slow
    file, a report page still answers at once."""
    from concurrent.futures import ThreadPoolExecutor

    app = make_app(corpus, WebSettings(token=TOKEN, limits=Limits()))
    with TestClient(app, raise_server_exceptions=False) as client:
        r = next(iter(synth(1, seed=21)))
        rid = upload(client, [(r.name, r.data)]).json()["ids"][0]
        assert client.get(f"/reports/{rid}").status_code == 200  # the viewing workers are started
        slow = ("行政许可\t12\t3\t4\n" * 200_000).encode()  # some seconds of parsing each
        with ThreadPoolExecutor(4) as pool:
            busy = [pool.submit(upload, client, [(f"slow{i}.txt", slow + bytes([48 + i]))]) for i in range(4)]
            time.sleep(1.0)  # every upload worker is parsing one
            start = time.perf_counter()
            page = client.get(f"/reports/{rid}")
            waited = time.perf_counter() - start
            assert all(f.result().status_code == 201 for f in busy)
        assert page.status_code == 200 and r.expected.meta.organ in page.text
        assert waited < 2.0, f"the report page waited {waited:.1f} s behind the uploads"


def test_failed_logins_are_throttled_per_address(client):
    """Five wrong tokens from one address: the sixth try, even with the right token, waits (429, Retry-After)."""
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    for _ in range(5):
        assert client.post("/login", data={"token": "guess", "csrf": csrf}).status_code == 401
    resp = client.post("/login", data={"token": TOKEN, "csrf": csrf}, follow_redirects=False)
    assert resp.status_code == 429 and 0 < int(resp.headers["Retry-After"]) <= 300
    assert "登录失败次数过多" in resp.text


def test_login_throttle_forgets_old_failures():
    from nianbao.web.security import LoginThrottle

    t = LoginThrottle(tries=3, window=60)
    for at in (0, 1, 2):
        t.failed("a", now=at)
    assert t.wait("a", now=3) == 57 and t.wait("b", now=3) == 0
    assert t.wait("a", now=61) == 0  # the first failure is out of the window
    t.succeeded("a")
    assert t.wait("a", now=3) == 0
