"""Excel workbooks (.xlsx/.xlsm): every visible sheet's rows as tab-separated lines, merged cells expanded.

openpyxl rather than a faster reader, because three things matter here that only it gives: merged
ranges (a merged area's continuation positions become empty cells, so a column keeps its index), the
formulas themselves (a workbook written by a program has no cached results — nianbao's own fill-in
template among them) and internal hyperlinks.  A formula with a cached value is read as that value;
without one, ``SUM``, ``+``, ``-`` and ``&`` over cells and literals are computed here and anything else
is left blank, which the parser reads as null: a blank is never a wrong number.

A cell that links to another sheet of the workbook (``#'二、主动公开'!A1``, as nianbao's 正文 sheet links
to its table sheets) has that sheet's lines inlined after its row, so that the text reads in the order
of the document; sheets nobody links to follow in workbook order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from ..errors import MissingDependency, UnreadableFile, UnsupportedFormat
from . import sniff

XLSX_SUFFIXES = ("xlsx", "xlsm", "xltx", "xltm")
INSTALL = "pip install 'nianbao[xlsx]'"
_WS = re.compile(r"\s+")
# A quoted literal at the end of a number format: General"元", 0.00"万元".
_UNIT = re.compile(r'"([^"]{1,4})"\s*(?:;.*)?$')
_SHEET_LINK = re.compile(r"^#?'?(?P<sheet>[^'!]+)'?!")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise MissingDependency(
            f"读取 Excel 工作簿需要安装 openpyxl：{INSTALL} (reading XLSX needs openpyxl: {INSTALL})",
            expected="openpyxl",
        ) from None
    return openpyxl


class XlsxReader:
    """Reads Excel 2007+ workbooks; legacy .xls/.et (OLE2) are not read."""

    kinds = ("xlsx",)

    def accepts(self, data: bytes, suffix: str) -> bool:
        kind = sniff.sniff(data)
        return kind == sniff.XLSX or (suffix in XLSX_SUFFIXES and kind in (None, sniff.ZIP))

    def read(self, data: bytes, suffix: str) -> tuple[str, bool, tuple[str, ...]]:
        return xlsx_text(data), True, ()


def _load(data: bytes) -> tuple[Any, Any]:
    """The workbook twice: with formulas, and with the values Excel cached for them."""
    openpyxl = _openpyxl()
    if not data.startswith(b"PK"):
        raise UnsupportedFormat(
            f"文件不是 Excel (XLSX) 工作簿，内容看起来是 {sniff.describe(sniff.sniff(data))} "
            "(the file is not an XLSX workbook)",
            expected="an Excel workbook (.xlsx, a ZIP package)",
        )
    try:
        formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
        values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError, TypeError, IndexError) as e:
        raise UnreadableFile(
            f"Excel 工作簿已损坏，无法打开 (the XLSX is damaged and cannot be opened: {type(e).__name__})",
            expected="a complete .xlsx file",
        ) from None
    return formulas, values


def xlsx_text(data: bytes) -> str:
    """The workbook's text: one line per non-empty row, sheets in reading order."""
    formulas, values = _load(data)
    ev = _Evaluator(formulas, values)
    visible = [ws.title for ws in formulas.worksheets if ws.sheet_state == "visible"]
    done: set[str] = set()
    lines: list[str] = []

    def emit(name: str) -> None:
        done.add(name)
        for cells, links in _sheet_rows(formulas[name], ev):
            if any(cells):
                lines.append("\t".join(cells))
            for target in links:
                if target in visible and target not in done:
                    emit(target)

    for name in visible:
        if name not in done:
            emit(name)
    return "\n".join(lines)


def _sheet_rows(ws: Any, ev: _Evaluator) -> list[tuple[list[str], list[str]]]:
    """Each row's cell texts (trimmed to the sheet's used width) and the sheets its cells link to."""
    rows: list[tuple[list[str], list[str]]] = []
    width = 0
    for row in ws.iter_rows():
        texts: list[str] = []
        links: list[str] = []
        for cell in row:
            if getattr(cell, "hyperlink", None) is not None:
                target = cell.hyperlink.location or cell.hyperlink.target or ""
                m = _SHEET_LINK.match(target)
                if m:
                    links.append(m.group("sheet"))
            texts.append(ev.text(ws.title, cell))
        used = max((i + 1 for i, t in enumerate(texts) if t), default=0)
        width = max(width, used)
        rows.append((texts, links))
    return [(texts[:width], links) for texts, links in rows]


class _Evaluator:
    """Cell values as text, computing the simple formulas a workbook written by a program leaves uncached."""

    def __init__(self, formulas: Any, values: Any) -> None:
        self.formulas = formulas
        self.values = values
        self.memo: dict[tuple[str, int, int], Any] = {}

    def text(self, sheet: str, cell: Any) -> str:
        if cell.__class__.__name__ == "MergedCell":
            return ""
        value = self.value(sheet, cell.row, cell.column)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int | float):
            m = _UNIT.search(cell.number_format or "")
            return f"{value}{m.group(1) if m else ''}"
        return _WS.sub(" ", str(value)).strip()

    def value(self, sheet: str, row: int, col: int) -> Any:
        key = (sheet, row, col)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # a circular reference reads as blank
        raw = self.formulas[sheet].cell(row=row, column=col).value
        if isinstance(raw, str) and raw.startswith("="):
            cached = self.values[sheet].cell(row=row, column=col).value
            result = cached if cached is not None else self._compute(sheet, raw[1:])
        else:
            result = None if raw.__class__.__name__ in ("ArrayFormula", "DataTableFormula") else raw
        self.memo[key] = result
        return result

    # ------------------------------------------------------------ a small formula language
    _TOKEN = re.compile(
        r"\s*(?:(?P<str>\"(?:[^\"]|\"\")*\")|(?P<sum>SUM\()|(?P<ref>(?:'[^']+'!|[^\s'!()\",:&+\-]+!)?"
        r"\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)|(?P<num>\d+(?:\.\d+)?)|(?P<op>[-+&,)]))",
        re.I,
    )

    def _compute(self, sheet: str, formula: str) -> Any:
        """SUM(...), + - between numbers, & between texts; None for anything else."""
        tokens: list[tuple[str, str]] = []
        pos = 0
        formula = formula.strip()
        while pos < len(formula):
            m = self._TOKEN.match(formula, pos)
            if not m or m.end() == pos:
                return None
            kind = m.lastgroup or ""
            tokens.append((kind, m.group(kind)))
            pos = m.end()
        try:
            result, rest = self._expr(sheet, tokens)
        except _Unsupported:
            return None
        return result if not rest else None

    def _expr(self, sheet: str, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        result, tokens = self._term(sheet, tokens)
        while tokens and tokens[0][0] == "op" and tokens[0][1] in "+-&":
            op = tokens[0][1]
            right, tokens = self._term(sheet, tokens[1:])
            if op == "&":
                result = _concat(result) + _concat(right)
            elif result is not None or right is not None:  # blank + blank stays blank; blank + 3 is 3
                a, b = _number(result), _number(right)
                result = a + b if op == "+" else a - b
        return result, tokens

    def _term(self, sheet: str, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        if not tokens:
            raise _Unsupported
        kind, text = tokens[0]
        if kind == "str":
            return text[1:-1].replace('""', '"'), tokens[1:]
        if kind == "num":
            return (float(text) if "." in text else int(text)), tokens[1:]
        if kind == "op" and text == "-":
            value, rest = self._term(sheet, tokens[1:])
            return (None if value is None else -_number(value)), rest
        if kind == "ref":
            cells = self._cells(sheet, text)
            if len(cells) != 1:
                raise _Unsupported
            return self.value(*cells[0]), tokens[1:]
        if kind == "sum":
            total: int | float | None = None  # SUM over blanks only stays blank: no 0 the unit did not write
            tokens = tokens[1:]
            while tokens and tokens[0] != ("op", ")"):
                if tokens[0][0] == "ref":
                    for c in self._cells(sheet, tokens[0][1]):
                        v = self.value(*c)
                        if isinstance(v, int | float) and not isinstance(v, bool):  # SUM skips text and blanks
                            total = (total or 0) + v
                    tokens = tokens[1:]
                else:
                    value, tokens = self._expr(sheet, tokens)
                    if value is not None:
                        total = (total or 0) + _number(value)
                if tokens and tokens[0] == ("op", ","):
                    tokens = tokens[1:]
            if not tokens:
                raise _Unsupported
            return total, tokens[1:]
        raise _Unsupported

    def _cells(self, sheet: str, ref: str) -> list[tuple[str, int, int]]:
        from openpyxl.utils.cell import range_boundaries

        if "!" in ref:
            sheet, ref = ref.rsplit("!", 1)
            sheet = sheet.strip("'").replace("''", "'")
        if sheet not in self.formulas.sheetnames:
            raise _Unsupported
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        if (max_row - min_row + 1) * (max_col - min_col + 1) > 10_000:
            raise _Unsupported
        return [(sheet, r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


class _Unsupported(Exception):
    """A formula outside the small language computed here: its cell stays blank."""


def _number(value: Any) -> int | float:
    if value is None:
        return 0  # Excel reads a blank cell as 0 in arithmetic
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Unsupported  # Excel gives #VALUE!; we give a blank, never a guess
    return value


def _concat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)
