"""The web application: server-rendered pages and the JSON API over one :class:`~nianbao.store.Corpus`.

Every page has a JSON twin under ``/api`` computed from the same function, so what the browser shows and
what a script reads cannot drift apart.  Errors of every kind go through one handler that answers JSON to
the API and a page to the browser, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Query, Request
from fastapi import Path as FastAPIPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from .. import __version__
from ..batch import FILE_TIMEOUT, ParsePool
from ..errors import NianbaoError, StoreError
from ..model import Report
from . import i18n
from .security import (
    Guard,
    LoginThrottle,
    WriteRefused,
    bearer_ok,
    check_csrf,
    csrf_token,
    require_write,
    session_secret,
)
from .uploads import Limits, UploadRefused, expand_uploads
from .views import MAX_PDF_PAGES, ChartSums, pdf_page_png, report_tables, source_view

HERE = Path(__file__).parent
PAGE_SIZE = 50
EXPORTS = {"json": "application/json", "csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}  # fmt: skip
SELECTION_EXPORTS = {"csv": EXPORTS["csv"], "jsonl": "application/x-ndjson", "xlsx": EXPORTS["xlsx"]}
log = logging.getLogger("nianbao.web")
MAX_ID = 2**63 - 1  # the databases' integer range: a larger number is a bad request, not a crash
MAX_PAGE = 10**9
ReportId = Annotated[int, FastAPIPath(ge=1, le=MAX_ID, description="the report's id")]


@dataclass(frozen=True)
class WebSettings:
    """How the server runs: ``token`` None means read-only; ``limits`` bound every upload; ``private`` makes
    reading need the token (or a login) too, for a corpus that is not for the public."""

    token: str | None = None
    limits: Limits = field(default_factory=Limits)
    title: str | None = None
    private: bool = False
    parse_timeout: float = FILE_TIMEOUT  # seconds an uploaded file may take to parse, in a worker process
    https_only: bool = False  # the login cookie is Secure: the server runs behind an HTTPS proxy


@dataclass(frozen=True)
class Filters:
    """The corpus filters shared by the list, the charts and the exports (the query string's fields)."""

    organ: str | None = None
    region: str | None = None
    year: int | None = None
    template: str | None = None
    rule: str | None = None
    has_errors: bool | None = None
    q: str | None = None

    def kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def query(self) -> str:
        pairs = {k: ("1" if v is True else "0" if v is False else v) for k, v in self.kwargs().items()}
        return urlencode(pairs)


def _blank(v: str | None) -> str | None:
    return v.strip() or None if v is not None else None


def filters_of(request: Request) -> Filters:
    """The filters of the query string; a malformed one is a clear 400, not a crash."""
    qp = request.query_params
    year = _blank(qp.get("year"))
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise HTTPException(400, f"year 应为四位年份，收到“{year[:40]}” (year must be a four-digit year)")
    he = _blank(qp.get("has_errors"))
    if he not in (None, "1", "0", "true", "false"):
        raise HTTPException(400, f"has_errors 应为 1/0/true/false，收到“{he}”")
    template = _blank(qp.get("template"))
    return Filters(
        organ=_blank(qp.get("organ")),
        region=_blank(qp.get("region")),
        year=int(year) if year else None,
        template=template,
        rule=_blank(qp.get("rule")),
        has_errors=None if he is None else he in ("1", "true"),
        q=_blank(qp.get("q")),
    )


def _ids(request: Request) -> list[int]:
    raw = [*request.query_params.getlist("id"), *",".join(request.query_params.getlist("ids")).split(",")]
    out = []
    for v in raw:
        v = v.strip()
        if not v:
            continue
        if not v.isdigit() or int(v) > MAX_ID:
            raise HTTPException(400, f"报告编号应为数字，收到“{v[:40]}” (report ids are numbers)")
        out.append(int(v))
    return list(dict.fromkeys(out))


def stored_dict(s: Any) -> dict[str, Any]:
    return dict(s.__dict__)


def make_app(corpus: Any, settings: WebSettings | None = None) -> FastAPI:
    """The ASGI application serving ``corpus`` (a :class:`nianbao.store.Corpus`)."""
    settings = settings or WebSettings()
    token = settings.token
    limits = settings.limits
    write_lock = threading.Lock()  # one writer at a time: SQLite allows no more, and ids stay in order
    chart_cache: dict[tuple[str, str], dict[str, Any]] = {}  # filtered charts, emptied on every write
    # The whole corpus's chart sums, kept up to date by uploads (reports with ids up to ``max_id`` are in).
    whole: dict[str, Any] = {"sums": None, "max_id": 0}
    charts_lock = threading.Lock()
    parser = ParsePool(timeout=settings.parse_timeout)
    # stored files are read for pages (their text, a PDF's pages) by workers of their own, so that a page
    # never waits behind a batch of uploads being parsed
    viewer = ParsePool(workers=2, timeout=settings.parse_timeout)
    throttle = LoginThrottle()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        parser.close()  # the workers go with the server
        viewer.close()

    app = FastAPI(
        lifespan=lifespan,
        title=settings.title or "nianbao",
        version=__version__,
        description="政府信息公开工作年度报告库：上传、检查、检索、图表、比较、汇总、导出。"
        " Writes need `Authorization: Bearer TOKEN`.",
        docs_url="/api/docs",
        redoc_url=None,
    )
    if settings.private:
        if not token:
            raise ValueError("a private server needs a token (--token or NIANBAO_TOKEN)")

        @app.middleware("http")
        async def private(request: Request, call_next: Any) -> Response:
            """Everything but the login page and the static files needs the token or a login session."""
            path = request.url.path
            if path in ("/login", "/favicon.ico") or path.startswith("/static/"):
                return await call_next(request)
            if bearer_ok(request, token) or request.session.get("auth"):
                return await call_next(request)
            if path.startswith("/api/") or path == "/openapi.json" or wants_json(request):
                msg = i18n.text("forbidden", lang_of(request))
                return JSONResponse({"error": msg, "status": 401}, 401, {"www-authenticate": "Bearer"})
            return RedirectResponse("/login", status_code=303)

    app.add_middleware(SessionMiddleware, secret_key=session_secret(token), session_cookie="nianbao_session",
                       same_site="strict", max_age=14 * 24 * 3600, https_only=settings.https_only)  # fmt: skip
    app.add_middleware(Guard, max_body=limits.max_request_bytes)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))

    # ------------------------------------------------------------------ helpers
    def lang_of(request: Request) -> str:
        chosen = request.query_params.get("lang")
        lang = i18n.pick_lang(chosen, request.session.get("lang"), request.headers.get("accept-language"))
        if chosen in i18n.LANGS:
            request.session["lang"] = chosen
        return lang

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = lang_of(request)

        def t(key: str, **fields: object) -> str:
            return i18n.text(key, lang, **fields)

        body = env.get_template(name).render(
            request=request, t=t, lang=lang, csrf=csrf_token(request), writable=bool(token),
            logged_in=bool(request.session.get("auth")), version=__version__, **ctx,
        )  # fmt: skip
        return HTMLResponse(body, status_code=status)

    def wants_json(request: Request) -> bool:
        accept = request.headers.get("accept", "")
        return request.url.path.startswith("/api/") or ("json" in accept and "html" not in accept)

    def error(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        return page(request, "error.html", status=status, message=message)

    def get_report(id: int) -> Report:
        report = corpus.get(id)
        if report is None:
            raise HTTPException(404, "not_found")
        return report

    def search(f: Filters, limit: int, offset: int) -> tuple[int, list[Any]]:
        return corpus.search(**f.kwargs(), limit=limit, offset=offset)

    def selection(request: Request) -> Iterator[Report]:
        """The reports picked by id, else every report matching the filters (streamed, in pages)."""
        ids = _ids(request)
        if ids:
            yield from corpus.reports(ids)
            return
        f = filters_of(request)
        if not f.kwargs():
            yield from corpus.reports()
            return
        chunk: list[int] = []
        for id in corpus.ids(**f.kwargs()):  # ids ascending: a write meanwhile cannot shift a page
            chunk.append(id)
            if len(chunk) == 1000:
                yield from corpus.reports(chunk)
                chunk = []
        if chunk:
            yield from corpus.reports(chunk)

    # ------------------------------------------------------------------ errors: one handler
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = str(exc.detail)
        lang = lang_of(request)
        message = i18n.text(detail, lang) if detail in i18n.STRINGS else detail
        resp = error(request, exc.status_code, message)
        resp.headers.update(exc.headers or {})  # Retry-After of a throttled login
        return resp

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return error(request, 400, i18n.text("bad_request", lang_of(request), detail=detail))

    @app.exception_handler(WriteRefused)
    async def write_refused(request: Request, exc: WriteRefused) -> Response:
        resp = error(request, exc.status, i18n.text(exc.key, lang_of(request)))
        if exc.status == 401:
            resp.headers["www-authenticate"] = "Bearer"
        return resp

    @app.exception_handler(NianbaoError)
    async def nianbao_error(request: Request, exc: NianbaoError) -> Response:
        status = 413 if isinstance(exc, UploadRefused) else 503 if isinstance(exc, StoreError) else 400
        return error(request, status, str(exc))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return error(request, 500, i18n.text("server_error", lang_of(request)))

    # ------------------------------------------------------------------ uploads
    def refuse_early(request: Request) -> None:
        """Refuse a write without credentials before its body is read (CSRF is checked once the form is)."""
        if not token:
            raise WriteRefused("read_only_refused", 403)
        if not bearer_ok(request, token) and not request.session.get("auth"):
            raise WriteRefused("forbidden", 401)

    async def read_files(request: Request) -> tuple[list[tuple[str, bytes]], str | None]:
        if getattr(request.state, "too_large", False):
            raise UploadRefused(f"请求体超过上限 {limits.max_request_bytes} 字节。", expected="a smaller upload")
        form = await request.form(max_files=limits.max_files, max_fields=50)
        files: list[tuple[str, bytes]] = []
        for value in form.getlist("files") + form.getlist("file"):
            if isinstance(value, UploadFile):
                data = await value.read()
                if value.filename or data:
                    files.append((value.filename or "upload", data))
        given = form.get("csrf")
        return files, given if isinstance(given, str) else None

    def store_files(files: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
        """Parse and store each file; a file that cannot be read is stored with its finding, like ingest."""
        from ..check import checked

        if not files:
            raise HTTPException(400, "没有收到文件 (no files in the upload: use the field 'files')")
        out = []
        for name, data in expand_uploads(files, limits):
            report = None
            if name.lower().endswith(".json"):
                try:
                    d = json.loads(data.decode("utf-8-sig"))
                    if isinstance(d, dict) and "tables" in d:
                        report = checked(Report.from_dict(d))
                except (ValueError, KeyError, TypeError, AttributeError):
                    report = None
            if report is None:  # parsed in a worker process, within the time limit
                report = parser.parse(data, name)
            with write_lock:
                id = corpus.add(report, data)  # the store files it under the region its organ's name states
                chart_cache.clear()
            with charts_lock:
                if whole["sums"] is not None and id > whole["max_id"]:  # new (an old id is a duplicate)
                    whole["sums"].add(report)
                    whole["max_id"] = id
            errors = sum(f.severity == "error" for f in report.findings)
            out.append({"id": id, "name": name, "organ": report.meta.organ, "year": report.meta.year,
                        "template": report.template, "errors": errors, "url": f"/reports/{id}"})  # fmt: skip
        return out

    @app.post("/api/reports", tags=["reports"], summary="Upload reports (files or a zip); needs the token")
    async def api_upload(request: Request) -> JSONResponse:
        """Multipart field ``files`` (one or many; zips are opened).  Answers the stored reports' ids."""
        refuse_early(request)
        files, given = await read_files(request)
        require_write(request, token, given)
        items = await run_in_threadpool(store_files, files)
        return JSONResponse({"ids": [i["id"] for i in items], "items": items}, status_code=201)

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_page(request: Request) -> HTMLResponse:
        return page(request, "upload.html", limits=limits, items=None)

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload_form(request: Request) -> HTMLResponse:
        refuse_early(request)
        files, given = await read_files(request)
        require_write(request, token, given)
        items = await run_in_threadpool(store_files, files)
        return page(request, "upload.html", limits=limits, items=items)

    @app.delete("/api/reports/{id}", tags=["reports"], summary="Delete a report; needs the token")
    def api_delete(request: Request, id: ReportId) -> dict[str, Any]:
        require_write(request, token)
        with write_lock:
            if not corpus.delete(id):
                raise HTTPException(404, "not_found")
            chart_cache.clear()
            with charts_lock:
                whole["sums"] = None
        return {"deleted": id}

    # ------------------------------------------------------------------ login
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return page(request, "login.html", failed=False)

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        check_csrf(request, str(form.get("csrf") or ""))
        if not token:
            raise WriteRefused("read_only_refused", 403)
        who = request.client.host if request.client else "?"
        if wait := throttle.wait(who):
            raise HTTPException(
                429,
                f"登录失败次数过多，请 {wait:.0f} 秒后再试 (too many failed logins: try again in {wait:.0f} s)",
                headers={"Retry-After": f"{wait:.0f}"},
            )
        given = str(form.get("token") or "")
        import hmac

        if not hmac.compare_digest(given.encode(), token.encode()):
            throttle.failed(who)
            return page(request, "login.html", status=401, failed=True)
        throttle.succeeded(who)
        request.session["auth"] = True
        request.session.pop("csrf", None)  # a new CSRF token for the logged-in session
        return RedirectResponse("/upload", status_code=303)

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        check_csrf(request, str(form.get("csrf") or ""))
        request.session.pop("auth", None)
        return RedirectResponse("/", status_code=303)

    # ------------------------------------------------------------------ corpus
    def corpus_data(request: Request) -> dict[str, Any]:
        f = filters_of(request)
        try:
            pg = max(1, int(request.query_params.get("page") or 1))
            if pg > MAX_PAGE:
                raise ValueError(pg)
            size = min(500, max(1, int(request.query_params.get("limit") or PAGE_SIZE)))
        except ValueError:
            raise HTTPException(400, "page/limit 应为数字 (page and limit are numbers)") from None
        total, items = search(f, size, (pg - 1) * size)
        return {"filters": f, "total": total, "items": items, "page": pg, "limit": size,
                "pages": max(1, -(-total // size))}  # fmt: skip

    @app.get("/api/reports", tags=["reports"], summary="Search the corpus")
    def api_list(
        request: Request,
        organ: str | None = Query(None, description="substring of the organ's name"),
        region: str | None = Query(None, description="province, city or county"),
        year: int | None = Query(None, ge=1900, le=9999),
        template: str | None = Query(None, description="2019 or 2021"),
        rule: str | None = Query(None, description="a rule id, or a prefix ending in '.'"),
        has_errors: bool | None = None,
        q: str | None = None,
        page: int = Query(1, ge=1, le=MAX_PAGE),
        limit: int = Query(PAGE_SIZE, ge=1, le=500),
    ) -> dict[str, Any]:
        """``{"total": N, "items": [...]}``: one page of the matching reports, ordered by organ, year, id."""
        d = corpus_data(request)
        return {"total": d["total"], "page": d["page"], "limit": d["limit"],
                "items": [stored_dict(s) for s in d["items"]]}  # fmt: skip

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def corpus_page(request: Request) -> HTMLResponse:
        d = corpus_data(request)
        from ..check import ALL_RULES

        base = d["filters"].query()
        return page(request, "corpus.html", **d, rules=ALL_RULES, base=base)

    def whole_corpus_sums() -> ChartSums:
        """The whole corpus summed once in SQL (up to the highest id then stored); uploads then add to it
        (see store_files)."""
        with charts_lock:
            if whole["sums"] is None:
                data = corpus.chart_data()
                whole["sums"], whole["max_id"] = ChartSums.of_store(data), data["max_id"]
            return whole["sums"]

    def charts(request: Request) -> dict[str, Any]:
        f = filters_of(request)
        lang = lang_of(request)
        ids = _ids(request)
        if not f.kwargs() and not ids:
            return whole_corpus_sums().to_dict(lang)
        key = (f.query() + "&" + ",".join(map(str, ids)), lang)
        if key not in chart_cache:  # emptied on every write, so a cached figure is never stale
            if len(chart_cache) > 64:
                chart_cache.clear()
            data = corpus.chart_data(ids=ids) if ids else corpus.chart_data(**f.kwargs())
            chart_cache[key] = ChartSums.of_store(data).to_dict(lang)
        return chart_cache[key]

    @app.get("/api/charts", tags=["corpus"], summary="The figures of the corpus charts, over the filters")
    def api_charts(request: Request) -> dict[str, Any]:
        return charts(request)

    @app.get("/charts", response_class=HTMLResponse, include_in_schema=False)
    def charts_page(request: Request) -> HTMLResponse:
        from ..check import ALL_RULES

        f = filters_of(request)
        return page(request, "charts.html", filters=f, data=charts(request), rules=ALL_RULES)

    @app.get("/api/stats", tags=["corpus"], summary="Headline figures of the whole corpus")
    def api_stats() -> dict[str, Any]:
        return corpus.stats()

    # ------------------------------------------------------------------ one report
    @app.get("/api/reports/{id}", tags=["reports"], summary="One report's canonical JSON")
    def api_report(id: ReportId) -> dict[str, Any]:
        return get_report(id).to_dict()

    @app.get("/reports/{id}", response_class=HTMLResponse, include_in_schema=False)
    def report_page(request: Request, id: ReportId) -> HTMLResponse:
        report = get_report(id)
        tables, general = report_tables(report)
        src = corpus.source(id)
        source = source_view(*src, viewer.call) if src else None
        return page(request, "report.html", id=id, report=report, tables=tables, general=general, source=source,
                    max_pages=MAX_PDF_PAGES, exports=list(EXPORTS))  # fmt: skip

    @app.get("/reports/{id}/pages/{n}.png", include_in_schema=False)
    def pdf_page(id: ReportId, n: int) -> Response:
        src = corpus.source(id)
        pdf = src is not None and src[1][:5] == b"%PDF-" and 0 < n <= MAX_PDF_PAGES
        png = viewer.call(pdf_page_png, src[1], n - 1) if pdf else None
        if png is None:
            raise HTTPException(404, "not_found")
        return Response(png, media_type="image/png", headers={"cache-control": "max-age=86400"})

    @app.get("/reports/{id}/source", tags=["reports"], summary="The original file, as a download")
    def source_download(id: ReportId) -> Response:
        src = corpus.source(id)
        if src is None:
            raise HTTPException(404, "not_found")
        name, data = src
        # Always an attachment of an inert type: a stored HTML report must never run on this origin.
        return Response(data, media_type="application/octet-stream", headers=_attachment(Path(name).name))

    @app.get("/reports/{id}/export.{fmt}", tags=["reports"], summary="One report as JSON, CSV, XLSX or DOCX")
    def report_export(id: ReportId, fmt: str) -> Response:
        if fmt not in EXPORTS:
            raise HTTPException(400, f"不支持的格式 {fmt}，可选 {', '.join(EXPORTS)}")
        report = get_report(id)
        data = _report_bytes(report, fmt, _prose(id) if fmt == "docx" else None)
        return Response(data, media_type=EXPORTS[fmt], headers=_attachment(f"report-{id}.{fmt}"))

    def _source_text(id: int) -> str | None:
        """The stored source's text, read in a viewing worker (within the parse time limit: a stored file
        may be one whose parse was given up), for the pages that show or carry the prose."""
        src = corpus.source(id)
        return viewer.text(src[1], src[0]) if src else None

    def _prose(id: int) -> dict[str, str] | None:
        """The prose sections of the stored source, so a DOCX carries them as ``nianbao render`` does."""
        from ..parse.sections import section_prose

        text = _source_text(id)
        return None if text is None else section_prose(text)

    # ------------------------------------------------------------------ selections
    def comparison(request: Request) -> Any:
        from ..compare import Side, compare_reports

        ids = _ids(request)
        if len(ids) != 2:
            raise HTTPException(400, "pick_two")
        sides = [Side(f"#{i}", get_report(i), _sections(i)) for i in ids]
        return ids, compare_reports(*sides)

    def _sections(id: int) -> dict[str, str] | None:
        """The text of each section of the stored source, so the comparison covers the prose too."""
        from ..compare import section_texts

        text = _source_text(id)
        return None if text is None else section_texts(text)

    @app.get("/api/compare", tags=["corpus"], summary="Compare two reports (?id=A&id=B)")
    def api_compare(request: Request) -> dict[str, Any]:
        return comparison(request)[1].to_dict()

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(request: Request) -> HTMLResponse:
        from ..compare import fmt_absolute, fmt_number, fmt_relative, prose_text, section_title

        ids, cmp = comparison(request)
        return page(request, "compare.html", ids=ids, cmp=cmp, fmt_number=fmt_number, fmt_absolute=fmt_absolute,
                    fmt_relative=fmt_relative, prose_text=prose_text, section_title=section_title)  # fmt: skip

    def aggregation(request: Request) -> tuple[Report, list[Any]]:
        try:
            from ..aggregate import aggregate
        except ImportError:
            raise HTTPException(501, "aggregate_unavailable") from None
        ids = _ids(request)
        if not ids:
            raise HTTPException(400, "pick_some")
        organ = _blank(request.query_params.get("organ")) or "汇总"
        year_s = _blank(request.query_params.get("year"))
        children = list(corpus.reports(ids))
        year = next((r.meta.year for r in children if r.meta.year), None)
        if year_s and year_s.isdigit():
            year = int(year_s)
        if year is None:
            raise HTTPException(400, "汇总需要年度：所选报告都没有年度，请在地址中给出 year (aggregation needs a year)")
        parent, findings = aggregate(children, organ, year)
        return parent, list(findings)

    @app.get("/api/aggregate", tags=["corpus"], summary="Sum the picked reports (?id=..&organ=..&year=..)")
    def api_aggregate(request: Request) -> dict[str, Any]:
        parent, findings = aggregation(request)
        return {"report": parent.to_dict(), "findings": [f.to_dict() for f in findings]}

    @app.get("/aggregate", response_class=HTMLResponse, include_in_schema=False)
    def aggregate_page(request: Request) -> HTMLResponse:
        parent, _findings = aggregation(request)
        tables, general = report_tables(parent)  # its findings include the aggregation's
        return page(request, "report.html", id=None, report=parent, tables=tables, general=general, source=None,
                    max_pages=0, exports=list(EXPORTS), ids=_ids(request),
                    export_base=f"/aggregate/export.{{fmt}}?{request.url.query}")  # fmt: skip

    @app.get("/aggregate/export.{fmt}", tags=["corpus"], summary="The aggregated report as JSON, CSV, XLSX or DOCX")
    def aggregate_export(request: Request, fmt: str) -> Response:
        if fmt not in EXPORTS:
            raise HTTPException(400, f"不支持的格式 {fmt}，可选 {', '.join(EXPORTS)}")
        parent, _findings = aggregation(request)
        return Response(_report_bytes(parent, fmt, None), media_type=EXPORTS[fmt],
                        headers=_attachment(f"aggregate-{parent.meta.organ}-{parent.meta.year}.{fmt}"))  # fmt: skip

    @app.get("/export", tags=["corpus"], summary="Export the picked reports, or all matching the filters")
    def export(request: Request, format: str = "csv") -> Response:
        """``?format=csv|jsonl|xlsx`` with ``id=..`` repeated, or with the corpus filters."""
        if format not in SELECTION_EXPORTS:
            raise HTTPException(400, f"不支持的格式 {format}，可选 {', '.join(SELECTION_EXPORTS)}")
        _ids(request), filters_of(request)  # a bad id or filter is a 400 before anything is sent
        reports = selection(request)
        headers = _attachment(f"nianbao.{format}")
        if format == "xlsx":
            return Response(_xlsx(reports), media_type=SELECTION_EXPORTS[format], headers=headers)
        # CSV and JSON lines stream: memory stays flat however many reports are exported
        lines = _csv_lines(reports) if format == "csv" else (json.dumps(r.to_dict(), ensure_ascii=False) + "\n"
                                                                 for r in reports)  # fmt: skip
        return StreamingResponse((line.encode() for line in lines), media_type=SELECTION_EXPORTS[format],
                                 headers=headers)  # fmt: skip

    return app


def _attachment(name: str) -> dict[str, str]:
    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in name) or "download"
    return {"content-disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"}


def _report_bytes(report: Report, fmt: str, sections: dict[str, str] | None) -> bytes:
    """One report as a download: canonical JSON, its flat CSV row, or the standard layout in XLSX/DOCX."""
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode()
    if fmt == "csv":
        from ..export import to_csv

        return to_csv([report]).encode("utf-8-sig")
    from ..render import render

    rendered = render(report, fmt, sections=sections)
    return rendered if isinstance(rendered, bytes) else rendered.encode()


def _csv_lines(reports: Iterator[Report]) -> Iterator[str]:
    """The flat form as CSV, a line at a time (with a BOM, so Excel reads the Chinese headers right)."""
    import csv

    from ..export import flat_columns, flat_row

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=flat_columns(), lineterminator="\n")
    writer.writeheader()
    yield "\ufeff" + buf.getvalue()
    for r in reports:
        buf.seek(0)
        buf.truncate()
        writer.writerow(flat_row(r))
        yield buf.getvalue()


def _xlsx(reports: Iterator[Report]) -> bytes:
    """The flat form as one sheet (spec §4), written in streaming mode so memory stays flat."""
    from openpyxl import Workbook

    from ..export import flat_columns, flat_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("reports")
    cols = flat_columns()
    ws.append(cols)
    for r in reports:
        row = flat_row(r)
        ws.append([row.get(c) for c in cols])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
