"""The report format as data: templates, sections, tables, rows, columns and their labels.

Everything that knows what an annual report looks like reads it from here: the parser (to match
labels), the checks (which rows add up to what), the generator and the renderers (to write the
official labels).  Labels carry ``keys``: regular expressions matched against *normalised* label text
(Simplified script, NFKC, no whitespace or punctuation; see :func:`nianbao.readers.normalize.label_key`).
They are deliberately short and distinctive so that labels broken across lines, cells and pages, the
Traditional-script round trip (档案 for 文件) and the variants seen in the wild all match.
"""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATES = ("2019", "2021")


@dataclass(frozen=True)
class Row:
    """One table row: its canonical key, its official label and the patterns that recognise it."""

    key: str
    label: str
    keys: tuple[str, ...]
    fields: tuple[str, ...] = ()
    templates: tuple[str, ...] = TEMPLATES


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    keys: tuple[str, ...]


# The six sections, in order.  ``keys`` match the normalised heading text after the number.
SECTIONS: tuple[Section, ...] = (
    Section("一", "总体情况", ("总体情况", "概述", "基本情况")),
    Section("二", "主动公开政府信息情况", ("主动公开",)),
    Section("三", "收到和处理政府信息公开申请情况", ("收到和处理", "处理政府信息公开申请", "依申请公开", "申请情况")),
    Section("四", "政府信息公开行政复议、行政诉讼情况", ("行政复议", "行政诉讼")),
    Section("五", "存在的主要问题及改进情况", ("存在的主要问题", "存在问题", "主要问题", "问题及改进", "改进情况")),
    Section("六", "其他需要报告的事项", ("其他需要报告", "其他事项")),
)

# ---------------------------------------------------------------- section 二: active disclosure
FIELD_LABELS: dict[str, str] = {
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_public": "对外公开总数量",
    "prev_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "projects": "采购项目数量",
    "amount_yuan": "采购总金额",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "amount_wan_yuan": "本年收费金额(单位:万元)",
}

# Column headings the 2021 table words differently from the 2019 one.
FIELD_LABELS_2021: dict[str, str] = {"decisions": "本年处理决定数量"}


def field_label(template: str | None, field: str) -> str:
    """A section 二 column heading as the template prints it."""
    if template == "2021" and field in FIELD_LABELS_2021:
        return FIELD_LABELS_2021[field]
    return FIELD_LABELS[field]


ACTIVE_2019: tuple[Row, ...] = (
    Row("regulations", "规章", ("规章",), ("made", "published", "total_public")),
    Row("normative_documents", "规范性文件", ("规范性(文件|档案)",), ("made", "published", "total_public")),
    Row("licensing", "行政许可", ("行政许可",), ("prev_items", "change", "decisions")),
    Row(
        "other_services",
        "其他对外管理服务事项",
        ("其他对外管理服务", "对外管理服务事项"),
        ("prev_items", "change", "decisions"),
    ),
    Row("penalties", "行政处罚", ("行政处罚",), ("prev_items", "change", "decisions")),
    Row("coercion", "行政强制", ("行政强制",), ("prev_items", "change", "decisions")),
    Row("fees", "行政事业性收费", ("事业性收费",), ("prev_items", "change")),
    Row("procurement", "政府集中采购", ("集中采购",), ("projects", "amount_yuan")),
)

ACTIVE_2021: tuple[Row, ...] = (
    Row("regulations", "规章", ("规章",), ("issued", "repealed", "in_force")),
    Row("normative_documents", "行政规范性文件", ("规范性(文件|档案)",), ("issued", "repealed", "in_force")),
    Row("licensing", "行政许可", ("行政许可",), ("decisions",)),
    Row("penalties", "行政处罚", ("行政处罚",), ("decisions",)),
    Row("coercion", "行政强制", ("行政强制",), ("decisions",)),
    Row("fees", "行政事业性收费", ("事业性收费",), ("amount_wan_yuan",)),
)

# Which 2019 active groups sit under which 第二十条 item (the official table's sub-headings).
ACTIVE_GROUPS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2019": (
        ("第二十条第(一)项", ("regulations", "normative_documents")),
        ("第二十条第(五)项", ("licensing", "other_services")),
        ("第二十条第(六)项", ("penalties", "coercion")),
        ("第二十条第(八)项", ("fees",)),
        ("第二十条第(九)项", ("procurement",)),
    ),
    "2021": (
        ("第二十条第(一)项", ("regulations", "normative_documents")),
        ("第二十条第(五)项", ("licensing",)),
        ("第二十条第(六)项", ("penalties", "coercion")),
        ("第二十条第(八)项", ("fees",)),
    ),
}

# Fields that may legitimately be negative (本年增/减).
SIGNED_FIELDS = frozenset({"change"})
# Fields that hold money rather than counts, and the unit the canonical value is in.
MONEY_FIELDS: dict[str, str] = {"amount_yuan": "元", "amount_wan_yuan": "万元"}

# ---------------------------------------------------------------- section 三: requests
REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
REQUEST_APPLICANT_COLUMNS = tuple(c.key for c in REQUEST_COLUMNS[:-1])

_R19 = ("2019",)
_R21 = ("2021",)
REQUEST_ROWS: tuple[Row, ...] = (
    Row("new_received", "一、本年新收政府信息公开申请数量", ("本年新收", "新收政府信息公开申请")),
    Row("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Row("granted", "(一)予以公开", ("予以公开",)),
    Row("partially_granted", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", ("部分公开",)),
    Row("withheld_state_secret", "1.属于国家秘密", ("国家秘密",)),
    Row("withheld_law_prohibited", "2.其他法律行政法规禁止公开", ("禁止公开",)),
    Row("withheld_security_stability", "3.危及“三安全一稳定”", ("三安全", "一稳定")),
    Row("withheld_third_party", "4.保护第三方合法权益", ("第三方",)),
    Row("withheld_internal_affairs", "5.属于三类内部事务信息", ("内部事务",)),
    Row("withheld_process_info", "6.属于四类过程性信息", ("过程性",)),
    Row("withheld_enforcement_file", "7.属于行政执法案卷", ("执法案卷",)),
    Row("withheld_admin_query", "8.属于行政查询事项", ("行政查询",)),
    Row("unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",)),
    Row("unavailable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成")),
    Row("unavailable_unclear", "3.补正后申请内容仍不明确", ("仍不明确", "内容不明确")),
    Row("not_processed_petition", "1.信访举报投诉类申请", ("信访",)),
    Row("not_processed_duplicate", "2.重复申请", ("重复申请",)),
    Row("not_processed_publication", "3.要求提供公开出版物", ("出版物",)),
    Row("not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复",)),
    Row("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", ("确认或重新出具", "重新出具")),
    Row("other_handling", "(六)其他处理", ("六其他处理", "^其他处理"), templates=_R19),
    Row(
        "other_overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正",),
        templates=_R21,
    ),
    Row(
        "other_overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("逾期未按收费", "缴纳费用"),
        templates=_R21,
    ),
    Row("other_other", "3.其他", ("3其他$", "3其他[^处]"), templates=_R21),
    Row("processed_total", "(七)总计", ("七总计", "^总计$")),
    Row("carried_forward", "四、结转下年度继续办理", ("结转下年",)),
)

# Group headings inside the requests table (labels only; no numbers of their own).
REQUEST_GROUP_LABELS: dict[str, str] = {
    "outcomes": "三、本年度办理结果",
    "withheld": "(三)不予公开",
    "unavailable": "(四)无法提供",
    "not_processed": "(五)不予处理",
    "other": "(六)其他处理",
}

# The note the official requests table carries in its top-left cell.
BALANCE_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"


def request_group(key: str) -> str | None:
    """The merged group cell (a REQUEST_GROUP_LABELS key) a requests row sits under, if any."""
    for prefix, group in (
        ("withheld_", "withheld"),
        ("unavailable_", "unavailable"),
        ("not_processed_", "not_processed"),
    ):
        if key.startswith(prefix):
            return group
    return "other" if key.startswith("other_") and key != "other_handling" else None


# Outcome rows summed into processed_total, per template.
OUTCOME_ROWS: dict[str, tuple[str, ...]] = {
    t: tuple(
        r.key
        for r in REQUEST_ROWS
        if t in r.templates and r.key not in ("new_received", "carried_over", "processed_total", "carried_forward")
    )
    for t in TEMPLATES
}

# ---------------------------------------------------------------- section 四: appeals
APPEAL_GROUPS: tuple[Column, ...] = (
    Column("review", "行政复议"),
    Column("litigation_direct", "未经复议直接起诉"),
    Column("litigation_after_review", "复议后起诉"),
)
APPEAL_FIELDS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

# ---------------------------------------------------------------- template detection
# Normalised header words that only one template's tables carry.
TEMPLATE_MARKERS: dict[str, tuple[str, ...]] = {
    "2019": ("本年新制作数量", "本年新公开数量", "上一年项目数量", "对外公开总数量", "采购总金额", "六其他处理"),
    "2021": (
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "本年收费金额",
        "逾期不补正",
        "逾期未按收费",
    ),
}

# Units a number may carry, and what they multiply it by.
UNITS: dict[str, float] = {
    "件": 1,
    "条": 1,
    "个": 1,
    "项": 1,
    "家": 1,
    "次": 1,
    "人次": 1,
    "份": 1,
    "宗": 1,
    "起": 1,
    "元": 1,
    "万元": 10_000,
    "万": 10_000,
    "亿元": 100_000_000,
}


def active_rows(template: str) -> tuple[Row, ...]:
    return ACTIVE_2021 if template == "2021" else ACTIVE_2019


def request_rows(template: str) -> tuple[Row, ...]:
    return tuple(r for r in REQUEST_ROWS if template in r.templates)


def empty_tables(template: str | None) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """Every table key of ``template`` (2019 when unknown) with ``None`` values."""
    t = template if template in TEMPLATES else "2019"
    return {
        "active": {r.key: {f: None for f in r.fields} for r in active_rows(t)},
        "requests": {r.key: {c.key: None for c in REQUEST_COLUMNS} for r in request_rows(t)},
        "appeals": {g.key: {f.key: None for f in APPEAL_FIELDS} for g in APPEAL_GROUPS},
    }


def flat_paths(template: str | None) -> list[str]:
    """The flat-form column names (spec §4) of a template, in table order."""
    out: list[str] = []
    for table, rows in empty_tables(template).items():
        for row, fields in rows.items():
            out.extend(f"{table}.{row}.{f}" for f in fields)
    return out


# ---------------------------------------------------------------- labels in messages
_PART_OF = {"active": "第二部分", "requests": "第三部分", "appeals": "第四部分"}


def row_label(template: str | None, table: str, row: str) -> str:
    """A row's official label (a group's, in table 四); the key itself only for a row no template has."""
    if table == "active":
        rows: tuple[Row, ...] = ACTIVE_2019 + ACTIVE_2021 if template is None else active_rows(template)
        return next((r.label for r in rows if r.key == row), row)
    if table == "requests":
        return next((r.label for r in REQUEST_ROWS if r.key == row), row)
    return next((g.label for g in APPEAL_GROUPS if g.key == row), row)


def column_label(template: str | None, table: str, col: str) -> str:
    """A column's official heading."""
    if table == "active":
        return field_label(template, col) if col in FIELD_LABELS else col
    cols = REQUEST_COLUMNS if table == "requests" else APPEAL_FIELDS
    return next((c.label for c in cols if c.key == col), col)


def cell_label(template: str | None, table: str, row: str, col: str) -> str:
    """How a message names one cell: 第三部分表格“(一)予以公开”一行“总计”列 · 第四部分表格“行政复议·结果维持”."""
    r, c = row_label(template, table, row), column_label(template, table, col)
    if table == "requests":
        return f"{_PART_OF[table]}表格“{r}”一行“{c}”列"
    return f"{_PART_OF.get(table, table)}表格“{r}·{c}”"


def path_label(template: str | None, path: str) -> str:
    """:func:`cell_label` of a flat path (``requests.granted.total``), or of a row (``requests.granted``)."""
    table, row, col = [*path.split("."), "", ""][:3]
    if not row:
        return f"{_PART_OF.get(table, table)}表格"
    if not col:
        return f"{_PART_OF.get(table, table)}表格“{row_label(template, table, row)}”一行"
    return cell_label(template, table, row, col)
