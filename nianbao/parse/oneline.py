"""One-line text -> lines: a report whose sections, tables and rows all sit on one line.

Crawler dumps and text copied from a web page lose every line break: the six sections, the table
headers, every row label and its numbers follow each other on one line (``…申请数量640020470二、上年结转…``).
Line breaks cannot be trusted there, so the line is cut by the format's own words instead: the section
headings of :data:`formats.SECTIONS`, the row labels of the tables, and the runs of digits between them.
Each row then stands on a line of its own (label, then its number run as one cell), which is the shape
every other reader already produces; the digits of a run are cut into cells later, by the table solver
(:mod:`nianbao.parse.solve`).  Crawler headers (``标题:``, ``发布时间:``, ``==== 正文 ====``) and page chrome
(``当前位置：首页…``, ``微信 微博``) are not report text and are dropped; the crawler's title is kept only
when the report carries no heading of its own, its date only as the publication date.

Only lines of that shape are touched (very long, holding several section headings or row labels), so
reports with their own line breaks come out unchanged.
"""

from __future__ import annotations

import re

from .. import formats
from ..readers.normalize import label_key

# A line this long holding several headings or row labels is a whole report (or table) on one line.
MIN_LENGTH = 300
_MIN_HEADINGS = 3
_MIN_ROWS = 4

_NUMERALS = "一二三四五六"
# 二、主动公开… — a numeral opening a heading, not the tail of 十一、 or the inside of （二）.
_HEADING_START = re.compile(rf"(?<![（(一二三四五六七八九十A-Za-z\u4e00-\u9fff])([{_NUMERALS}])\s*[、.．]")
_HEADING_END = re.compile(r"情况|事项|方向")
_HEADING_LAST = re.compile(r"问题")
_ROW_KEYS = re.compile("|".join(f"(?:{k})" for r in formats.REQUEST_ROWS for k in r.keys if not k.startswith("^")))
_TABLE_WORDS = re.compile(
    "|".join(
        f"(?:{k})"
        for r in (*formats.REQUEST_ROWS, *formats.ACTIVE_2019, *formats.ACTIVE_2021)
        for k in r.keys
        if not k.startswith("^")
    )
    + "|结果维持|结果纠正|其他结果|尚未审结"
)
# digits running straight into a label, no unit or punctuation between (…0000000二、上年结转…, 000行政规范性文件)
_GLUED = re.compile(r"\d([\u4e00-\u9fff])")
_LABEL_THEN_RUN = re.compile(r"(?:总计|审结|结果|数量|件数|金额|采购|收费)\d")
_UNIT_CHARS = set("件条个项家次份宗起元万亿年月日号时分秒人余多倍")
# A run of numbers: signs, decimals, money units and the spaces between cells of the run.
_UNIT = "|".join(sorted(formats.UNITS, key=len, reverse=True))
_NUM = rf"[+-]?\d+(?:\.\d+)?(?:\s*(?:{_UNIT}))?"
_RUN = re.compile(rf"{_NUM}(?:[ \u3000]*{_NUM})*")
# Where the label text between runs is cut into cells: before numbered items and the tables' header words.
_HEADER_WORDS = sorted(
    {c.label for c in (*formats.REQUEST_COLUMNS, *formats.APPEAL_GROUPS, *formats.APPEAL_FIELDS)}
    | {"申请人情况", "法人或其他组织", "信息内容", "行政诉讼", "第二十条"}
    | set(formats.FIELD_LABELS.values())
    | set(formats.FIELD_LABELS_2021.values()),
    key=len,
    reverse=True,
)
_HEADER_SPLIT = re.compile("(" + "|".join(map(re.escape, _HEADER_WORDS)) + ")")
_LABEL_CUT = re.compile(
    r"(?=[（(][一二三四五六七八九十][)）])|(?=(?<![（(\w])[一二三四五六七八九十]、)|(?=\d[.．、])|(?<=[)）])(?=\S)"
)
# Crawler headers: ``key: value`` lines before the ``==== 正文 ====`` marker.
_CRAWLER_FIELD = re.compile(
    r"^\s*(标题|发布时间|发布日期|文号|发文字号|索引号|发布机构|发文机关|信息来源|来源|作者|栏目|所属栏目|"
    r"原文链接|原文地址|网址|本地目录|抓取时间|采集时间|浏览次数|页面链接\S*)\s*[:：](.*)$"
)
_BODY_MARK = re.compile(r"^\s*[=\-—*#【\[]+\s*正文(?:内容)?\s*[=\-—*#】\]]*\s*$")
# Page chrome of government sites: breadcrumbs, share buttons, font-size and print links.
_CHROME = re.compile(
    r"当前位置\s*[:：]\s*(?:\S+\s*[>›»/]\s*)*\S+|来源\s*[:：]\s*\S+|(?<!\S)时间\s*[:：]\s*[\d\-: ]{8,19}|"
    r"微信|微博|QQ空间|全真版|文字版|文件下载|相关链接\s*[:：]?|-->|【?打印(?:本页)?】?|【?关闭(?:窗口)?】?|"
    r"【?字[号体]\s*[:：]?\s*大?\s*中?\s*小?】?|附件下载|分享到\s*[:：]?|扫一扫在手机打开当前页|"
    r"(?:浏览|阅读|访问)次数\s*[:：]\s*\d+"
)
_TITLE = re.compile(r"\S{2,40}?(?:19|20)\d{2}\s*年度?\s*(?:政府|政务)?信息公开(?:工作)?(?:年度报告|年报)")


def is_oneline(line: str) -> bool:
    """A line holding several section headings or table rows: a report (or a table) whose line breaks were lost.

    A whole report is a long line with several headings or request rows; a table alone on its line (a page
    that kept its paragraphs but flattened its tables) is a line of several row labels with digits running
    straight into the next label.
    """
    if len(line) < 40:
        return False
    if len(line) >= MIN_LENGTH and (
        len(headings(line)) >= _MIN_HEADINGS or len({m.group(0) for m in _ROW_KEYS.finditer(line)}) >= _MIN_ROWS
    ):
        return True
    if "\t" in line or "|" in line:
        return False
    glued = sum(1 for m in _GLUED.finditer(line) if m.group(1) not in _UNIT_CHARS)
    if glued < 3:
        # a table section alone on its line: its heading, the header words, the numbers right after them
        opens = headings(line) if line.lstrip()[:1] in "二三四" else []
        if not (opens and opens[0][0] == 0 and opens[0][2] in "二三四" and _LABEL_THEN_RUN.search(line)):
            return False
    return len({m.group(0) for m in _TABLE_WORDS.finditer(line)}) >= 3


def headings(line: str) -> list[tuple[int, int, str]]:
    """(start, end, number) of the section headings of a line, in the format's order.

    Chosen from the end: a preamble that lists the six parts (本报告包括：一、总体情况；二、…) names every
    heading once before the report does, and the headings are the last of each number, in order.
    """
    cands: list[tuple[int, int, int]] = []
    for m in _HEADING_START.finditer(line):
        k = _NUMERALS.index(m.group(1))
        after = line[m.end() : m.end() + 30]
        end = _HEADING_END.search(after) or _HEADING_LAST.search(after)
        title = after[: end.end()] if end else after[:10]
        # a heading holds no digits (…继续办理0000000四、… is a row, not section 四) and names its section
        if re.search(r"\d", title) or not any(re.search(w, label_key(title)) for w in formats.SECTIONS[k].keys):
            continue
        cands.append((m.start(), m.end() + len(title), k))
    out: list[tuple[int, int, str]] = []
    below = len(_NUMERALS)
    for start, stop, k in reversed(cands):
        if k < below:
            out.append((start, stop, _NUMERALS[k]))
            below = k
    return out[::-1]


def unfold(text: str) -> str:
    """The text with every one-line report (or table) cut into lines; other text is returned as it is."""
    lines = text.split("\n")
    if not any(is_oneline(ln) for ln in lines):
        return text
    crawler: dict[str, str] = {}
    # the crawler's header: everything before its ``==== 正文 ====`` marker, else its leading ``key: value`` lines
    mark = next((i for i, ln in enumerate(lines[:40]) if _BODY_MARK.match(ln)), None)
    head_end = mark + 1 if mark is not None else 0
    if mark is None:
        while head_end < len(lines) and (_CRAWLER_FIELD.match(lines[head_end]) or not lines[head_end].strip()):
            head_end += 1
    for line in lines[:head_end]:
        m = _CRAWLER_FIELD.match(line)
        if m:
            crawler.setdefault(m.group(1), m.group(2).strip())
    body = lines[head_end:]
    out: list[str] = []
    before_first_heading = True
    for line in body:
        opens = headings(line.strip())
        if is_oneline(line):
            out.extend(expand(line))
        elif opens and opens[0][0] == 0:
            out.extend(expand(line.strip()))  # a heading with its section run on: heading, then its text
        elif before_first_heading and _TITLE.search(line[:300]):
            out.extend(_preamble(line))  # the title run into the text before 一、 (a page that kept paragraphs)
        else:
            out.append(line)
        before_first_heading = before_first_heading and not opens
    head: list[str] = []
    if not _own_title(out) and crawler.get("标题"):
        head.append(crawler["标题"])
    date = crawler.get("发布时间") or crawler.get("发布日期")
    if date:
        head.append(f"发布时间：{date.split()[0]}")
    return "\n".join([*head, *out])


def _own_title(lines: list[str]) -> bool:
    return any(_TITLE.fullmatch(re.sub(r"\s+", "", ln)) for ln in lines[:5])


def expand(line: str) -> list[str]:
    """One line cut at the section headings; the table sections (二 to 四) cut into labels and number runs."""
    marks = headings(line)
    out: list[str] = []
    first = marks[0][0] if marks else len(line)
    out.extend(_preamble(line[:first]))
    if not marks:
        return out or _table(line)
    for i, (start, stop, number) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(line)
        out.append(line[start:stop].strip())
        rest = line[stop:end]
        out.extend(_table(rest) if number in "二三四" else _prose(rest))
    return [ln for ln in out if ln.strip()]


def _preamble(text: str) -> list[str]:
    """The text before 一、: the report's own title (when it opens the text) on a line, chrome dropped."""
    text = _CHROME.sub(" ", text)
    m = _TITLE.search(text[:300])
    if m:
        return [m.group(0).strip(), *_prose(text[: m.start()]), *_prose(text[m.end() :])]
    return _prose(text)


def _prose(text: str) -> list[str]:
    """Prose, one sentence a line (so that no prose line is mistaken for a heading or a table row)."""
    return [s.strip() for s in re.split(r"(?<=[。；])", text) if s.strip()]


def _table(text: str) -> list[str]:
    """A table's text: each label on a line, each run of numbers on a line of its own after its label."""
    out: list[str] = []
    pos = 0
    for m in _RUN.finditer(text):
        start, end = m.start(), m.end()
        run = m.group(0)
        # a digit before "." + text is the next label's item number (…00000002.其他法律…), not a cell
        tail = text[end : end + 2]
        if re.match(r"[.．、][^\d\s]", tail):
            run, end = run[:-1], end - 1
        elif text[start - 1 : start] in ("(", "（") and text[end : end + 1] in (")", "）"):
            continue  # (1) numbers a label
        if not run.strip():
            continue
        out.extend(_labels(text[pos:start]))
        out.append(run.strip())
        pos = end
    out.extend(_labels(text[pos:]))
    return out


def _labels(text: str) -> list[str]:
    """Label text cut before numbered items and header words, so that no piece reads as prose."""
    pieces: list[str] = []
    for chunk in _LABEL_CUT.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if len(chunk) <= 40:
            pieces.append(chunk)
            continue
        pieces.extend(p for p in _HEADER_SPLIT.split(chunk) if p.strip())
    return pieces
