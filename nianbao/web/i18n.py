"""Every string of the web interface, in Chinese (the default) and English, kept as data in one place."""

from __future__ import annotations

LANGS = ("zh", "en")

# key -> (中文, English)
STRINGS: dict[str, tuple[str, str]] = {
    "app": ("政府信息公开工作年度报告库", "Annual disclosure reports"),
    "corpus": ("报告库", "Corpus"),
    "charts": ("图表", "Charts"),
    "upload": ("上传", "Upload"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "api": ("接口文档", "API"),
    "read_only": (
        "只读模式：服务器未配置令牌，不能上传或修改。",
        "Read-only: no token is configured on the server, so nothing can be uploaded or changed.",
    ),
    "need_login": ("上传需要先登录。", "Log in to upload."),
    "token": ("令牌", "Token"),
    "login_failed": ("令牌不正确。", "Wrong token."),
    "logged_in": ("已登录", "Logged in"),
    "organ": ("单位", "Organ"),
    "region": ("地区", "Region"),
    "year": ("年度", "Year"),
    "template": ("模板", "Template"),
    "rule": ("规则", "Rule"),
    "has_errors": ("有错误", "Has errors"),
    "any": ("不限", "Any"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "search": ("检索", "Search"),
    "q": ("关键词", "Keywords"),
    "status": ("状态", "Status"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "total": ("共 {n} 份", "{n} reports"),
    "page": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "none_found": ("没有符合条件的报告。", "No report matches."),
    "selected": ("所选报告", "Selected reports"),
    "compare": ("比较两份", "Compare two"),
    "aggregate": ("汇总为上级报告", "Aggregate into a parent report"),
    "aggregate_unavailable": ("汇总功能尚未安装（nianbao.aggregate）。", "Aggregation is not available yet."),
    "export": ("导出", "Export"),
    "export_all": ("导出全部符合条件的报告", "Export every matching report"),
    "parent_organ": ("上级单位名称", "Parent organ"),
    "pick_two": ("比较需要恰好选择两份报告。", "Pick exactly two reports to compare."),
    "pick_some": ("请先选择报告。", "Pick some reports first."),
    "source": ("原文", "Source"),
    "tables": ("解析出的表格", "Parsed tables"),
    "findings": ("检查发现", "Findings"),
    "no_findings": ("没有发现问题。", "No findings."),
    "meta": ("基本信息", "About"),
    "title": ("标题", "Title"),
    "published": ("发布日期", "Published"),
    "kind": ("文件类型", "File type"),
    "file": ("文件", "File"),
    "download": ("下载", "Download"),
    "source_missing": ("没有保存原文件。", "The source file is not stored."),
    "source_html_note": (
        "网页原文已清理：脚本、样式和外部资源均已去除。",
        "The web page is shown cleaned: scripts, styles and remote resources removed.",
    ),
    "source_pages": ("PDF 共 {n} 页", "PDF, {n} pages"),
    "source_pages_cut": ("只显示前 {n} 页。", "Only the first {n} pages are shown."),
    "upload_help": (
        "选择一个或多个报告文件（txt、html、pdf、docx、xlsx、json……）或 zip 压缩包。",
        "Pick one or more report files (txt, html, pdf, docx, xlsx, json...) or a zip archive.",
    ),
    "upload_limits": (
        "每次最多 {files} 个文件，单次上传不超过 {mb} MB。",
        "At most {files} files and {mb} MB per upload.",
    ),
    "send": ("上传并解析", "Upload and parse"),
    "uploaded": ("已保存的报告", "Stored reports"),
    "progress": ("进度", "Progress"),
    "failed": ("失败", "Failed"),
    "chart_outcome": ("申请处理结果", "Requests by outcome"),
    "chart_applicant": ("申请人类型（本年新收）", "New requests by applicant type"),
    "chart_trend": ("历年趋势", "Trends across years"),
    "chart_rules": ("各规则出错比例", "Error rate by rule"),
    "reports_n": ("报告数", "Reports"),
    "requests_n": ("新收申请", "New requests"),
    "processed_n": ("办结申请", "Processed"),
    "share": ("占报告比例", "Share of reports"),
    "charts_of": ("以下图表统计所选条件下的 {n} 份报告。", "The charts count the {n} reports matching the filters."),
    "comparison": ("两份报告比较", "Comparison of two reports"),
    "changes": ("变化的单元格：比较 {n} 个，{k} 个不同", "Changed cells: {k} of {n} compared"),
    "position": ("位置", "Cell"),
    "delta": ("变化", "Change"),
    "rate": ("变化率", "Rate"),
    "note": ("说明", "Note"),
    "same": ("比较的单元格全部相同。", "Every compared cell is the same."),
    "template_notes": ("模板差异", "Template differences"),
    "prose": ("正文相似度（按章节）", "Prose similarity by section"),
    "section": ("章节", "Section"),
    "similarity": ("相似度", "Similarity"),
    "aggregated": ("汇总报告", "Aggregated report"),
    "units": ("参与汇总的单位", "Units summed"),
    "error": ("出错了", "Something went wrong"),
    "back": ("返回报告库", "Back to the corpus"),
    "not_found": ("找不到这份报告。", "No such report."),
    "forbidden": ("需要登录或令牌才能执行此操作。", "This needs a login or a token."),
    "read_only_refused": ("服务器为只读模式，不能写入。", "The server is read-only."),
    "csrf": ("表单已过期，请刷新页面后重试。", "The form expired; reload the page and try again."),
    "too_large": ("上传超过大小限制（{mb} MB）。", "The upload is larger than the limit ({mb} MB)."),
    "too_many": ("上传文件数超过限制（{n} 个）。", "Too many files in the upload (limit {n})."),
    "bad_request": ("请求有误：{detail}", "Bad request: {detail}"),
    "server_error": ("服务器内部错误，已记录。", "Internal server error; it has been logged."),
    "lang_switch": ("English", "中文"),
    "id": ("编号", "ID"),
}


def pick_lang(query: str | None, cookie: str | None, accept: str | None) -> str:
    """?lang= wins, then the remembered choice, then the browser's first preference; Chinese otherwise."""
    for choice in (query, cookie):
        if choice in LANGS:
            return choice
    first = (accept or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


def text(key: str, lang: str, **fields: object) -> str:
    """The string ``key`` in ``lang``, with ``{field}`` placeholders filled."""
    zh, en = STRINGS[key]
    s = en if lang == "en" else zh
    return s.format(**fields) if fields else s
