"""Find the cells of tables in prompts: SQL ``INSERT … VALUES`` rows, CSV/TSV and markdown.

The name and address detectors read cells by their column (``name``, ``address``, …).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

__all__ = ["table_cells"]

_SQL_VALUES = re.compile(r"\)[ \t\r\n]{0,20}(?i:values)[ \t\r\n]{0,20}\(")
_SQL_ITEM = re.compile(
    r"[ \t\r\n]*(?:'(?P<sq>(?:[^'\\\n]|\\.|''){0,500}+)'|\"(?P<dq>[^\"\\\n]{0,500}+)\""
    r"|(?P<bare>[^\s,()'\"]{1,100}+))[ \t\r\n]*(?P<sep>[,)]?)"
)
_SQL_NEXT_TUPLE = re.compile(r"[ \t\r\n]*,[ \t\r\n]*\(")
_COLUMN = re.compile(r"[a-z][a-z0-9_]{0,39}")
_TABLE_DELIMITERS = ("|", "\t", ",", ";")
# One cell; the blanks around it leave out the delimiter (a tab in TSV).
_CELL = {
    d: re.compile(
        blank
        + r"*(?:\"(?P<q>[^\"\r\n]{0,300}+)\"|(?P<u>[^"
        + re.escape(d)
        + r"\r\n]{0,300}+))"
        + blank
        + "*"
    )
    for d, blank in (("|", r"[ \t]"), ("\t", "[ ]"), (",", r"[ \t]"), (";", r"[ \t]"))
}
_RULE_CELL = re.compile(r":?-{2,}:?")
# A header line: short column names between delimiters (prose lines fail within a few words).
_HEADER_LINE = re.compile(
    r"[ \t|]*[A-Za-z_\"'`][\w\"'` \-]{0,39}+(?:[ \t]*[,;\t|][ \t]*[A-Za-z_\"'`][\w\"'` \-]{0,39}+)+"
    r"[ \t|]*"
)
_MAX_TABLE_LINE = 400
_MAX_ROWS = 200
_MAX_SQL_TUPLES = 200


def _column_key(cell: str) -> str:
    """Return a header cell as a column key: ``"Full Name"`` and ```full_name``` → ``full_name``."""
    return cell.strip(" \t\"'`[]*").lower().replace(" ", "_").replace("-", "_")


def _sql_cells(text: str) -> Iterator[tuple[int, int, str, frozenset[str]]]:
    """Yield the string cells of ``INSERT ... (columns) VALUES (...)`` statements."""
    for match in _SQL_VALUES.finditer(text):
        close = match.start()
        open_ = text.rfind("(", max(0, close - 600), close)
        if open_ == -1:
            continue
        columns = [_column_key(c) for c in text[open_ + 1 : close].split(",")]
        if not all(_COLUMN.fullmatch(c) for c in columns):
            continue
        names = frozenset(columns)
        pos = match.end()
        for _ in range(_MAX_SQL_TUPLES):
            index = 0
            while True:
                item = _SQL_ITEM.match(text, pos)
                if item is None:
                    break
                pos = item.end()
                group = "sq" if item.start("sq") != -1 else "dq" if item.start("dq") != -1 else ""
                if group and index < len(columns):
                    yield item.start(group), item.end(group), columns[index], names
                index += 1
                if item.group("sep") == ")":
                    break
            following = _SQL_NEXT_TUPLE.match(text, pos)
            if following is None:
                break
            pos = following.end()


def _cells(text: str, start: int, end: int, delimiter: str) -> list[tuple[int, int]]:
    """Split the line ``text[start:end]`` into stripped cell spans (quotes removed)."""
    if delimiter == "|":
        while start < end and text[start] in " \t":
            start += 1
        while end > start and text[end - 1] in " \t":
            end -= 1
        start += text.startswith("|", start)
        end -= end > start and text[end - 1] == "|"
    pattern = _CELL[delimiter]
    cells: list[tuple[int, int]] = []
    pos = start
    while pos <= end:
        cell = pattern.match(text, pos, end)
        if cell is None:  # pragma: no cover - the pattern matches the empty string
            break
        group = "q" if cell.start("q") != -1 else "u"
        c_start, c_end = cell.span(group)
        while c_end > c_start and text[c_end - 1] in " \t":
            c_end -= 1
        cells.append((c_start, c_end))
        pos = cell.end()
        if pos >= end or text[pos] != delimiter:
            break
        pos += 1
    return cells


def _delimited_cells(text: str) -> Iterator[tuple[int, int, str, frozenset[str]]]:
    """Yield the cells of CSV, TSV and markdown tables under a header of column names."""
    line_start = 0
    size = len(text)
    while line_start < size:
        line_end = text.find("\n", line_start)
        if line_end == -1:
            line_end = size
        line = text[line_start:line_end]
        if len(line) > _MAX_TABLE_LINE or _HEADER_LINE.fullmatch(line) is None:
            line_start = line_end + 1
            continue
        delimiter = next(d for d in _TABLE_DELIMITERS if d in line)
        spans = _cells(text, line_start, line_end, delimiter)
        columns = [_column_key(text[a:b]) for a, b in spans]
        if len(columns) < 2 or not all(_COLUMN.fullmatch(c) for c in columns):
            line_start = line_end + 1
            continue
        names = frozenset(columns)
        row_start = line_end + 1
        for _ in range(_MAX_ROWS):
            if row_start >= size:
                break
            row_end = text.find("\n", row_start)
            if row_end == -1:
                row_end = size
            if delimiter not in text[row_start:row_end] or row_end - row_start > _MAX_TABLE_LINE:
                break
            row = _cells(text, row_start, row_end, delimiter)
            if not all(_RULE_CELL.fullmatch(text[a:b]) for a, b in row):
                for (a, b), column in zip(row, columns, strict=False):
                    if b > a:
                        yield a, b, column, names
            row_start = row_end + 1
        line_start = row_start


@functools.lru_cache(maxsize=8)
def table_cells(text: str) -> tuple[tuple[int, int, str, frozenset[str]], ...]:
    """Return the cells of SQL ``VALUES`` lists and CSV, TSV or markdown tables in ``text``.

    The person and address detectors both read the same text's tables, so the last few
    results are kept.

    Returns:
        ``(start, end, column, columns)`` per cell: its span, its column key (``full_name``) and
        every column key of its table, so a caller can judge a column by its neighbours.
    """
    cells: list[tuple[int, int, str, frozenset[str]]] = []
    if ")" in text:
        cells.extend(_sql_cells(text))
    if "\n" in text:
        cells.extend(_delimited_cells(text))
    return tuple(cells)


# A name token: initials ("J." or "J.R.R."), or a word with up to two hyphen/apostrophe parts
# (O'Brien, Jean-Luc). Each part is one bounded, possessive letter run.
