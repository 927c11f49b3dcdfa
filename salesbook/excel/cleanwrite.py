"""清洗数据 Clean data writes normalised values into the input sheets; 撤销清洗 Undo clean puts them back.

Clean changes only the cells the cleaning log lists as ``fixed`` (a trimmed name, ``¥1,234`` →
1234, a text date → a date, a status synonym → its canonical form, a generated order ID).
Before writing, each such cell's value and number format go to a hidden undo sheet
(``_salesbook_undo``); Undo restores them exactly. A cell the user edited after Clean is left
as the user typed it, and reported. Excluded rows (unreadable values) are never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import xlwings as xw

from ..core import parse
from ..core.pipeline import RawTable, Result
from . import io

UNDO = "_salesbook_undo"
UNDO_HEADER = ["sheet", "row", "column", "old_value", "old_format", "new_value", "rule"]


@dataclass(frozen=True)
class Change:
    sheet: str
    row: int
    column: int
    old: object
    new: object
    rule: str


def planned_changes(result: Result, tables: dict[str, RawTable]) -> list[Change]:
    log = result.log
    fixed = log[(log["action"] == "fixed") & log["new_value"].notna()]
    by_sheet = {t.sheet: t for t in tables.values()}
    out = []
    for r in fixed.itertuples(index=False):
        t = by_sheet.get(r.sheet)
        if t is None:
            continue
        key = next((k for k, label in t.labels.items() if label == r.column), None)
        col = t.columns.get(key) if key else None
        if col is None:
            continue
        new = r.new_value
        if r.rule == "date":
            new = parse.parse_date(new)
        elif r.rule == "amount":
            new = float(new)
        out.append(Change(r.sheet, int(r.row), int(col), r.old_value, new, r.rule))
    # one change per cell: the last rule's value is the cleaned value (e.g. trimmed, then alias)
    last = {(c.sheet, c.row, c.column): c for c in out}
    return list(last.values())


def _runs(rows):
    rows = sorted(rows)
    start = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            yield start, prev
            start = r
        prev = r
    yield start, prev


def apply(book: xw.Book, changes: list[Change]) -> int:
    """Snapshot then write ``changes``; returns the number of cells changed."""
    if not changes:
        return 0
    records = []
    groups: dict[tuple[str, int], dict[int, Change]] = defaultdict(dict)
    for c in changes:
        groups[(c.sheet, c.column)][c.row] = c
    for (sheet_name, col), by_row in groups.items():
        sheet = book.sheets[sheet_name]
        for first, last in _runs(list(by_row)):
            rng = sheet.range((first, col), (last, col))
            old = rng.options(ndim=2).value
            formats = [sheet.range((r, col)).number_format if by_row[r].rule == "date" else None
                       for r in range(first, last + 1)]
            for i, r in enumerate(range(first, last + 1)):
                records.append([sheet_name, r, col, old[i][0], formats[i], by_row[r].new, by_row[r].rule])
            rng.value = [[_cell(by_row[r].new)] for r in range(first, last + 1)]
            if any(by_row[r].rule == "date" for r in range(first, last + 1)):
                rng.number_format = "yyyy-mm-dd"
    reg = io.ensure_sheet(book, UNDO)
    existing = _registry(book)
    reg.clear()
    reg.range("A1").value = [UNDO_HEADER, *existing, *records]
    reg.visible = False
    return len(records)


def _cell(v):
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def _registry(book: xw.Book) -> list[list]:
    if UNDO not in io.sheet_names(book):
        return []
    values = book.sheets[UNDO].used_range.options(ndim=2).value
    if not values or values[0][: len(UNDO_HEADER)] != UNDO_HEADER:
        return []
    return [r[: len(UNDO_HEADER)] for r in values[1:] if r[0]]


def _same(a, b) -> bool:
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        return parse.parse_date(a) == parse.parse_date(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def undo(book: xw.Book) -> tuple[int, int]:
    """Restore every cell Clean changed; returns (restored, kept because the user edited them since)."""
    records = _registry(book)
    restored = kept = 0
    seen: set[tuple] = set()
    user_edited: set[tuple] = set()
    names = io.sheet_names(book)
    for sheet_name, row, col, old, old_format, new, _rule in reversed(records):  # newest first
        where = (sheet_name, int(row), int(col))
        if sheet_name not in names or where in user_edited:
            continue
        rng = book.sheets[sheet_name].range((int(row), int(col)))
        if where not in seen and not _same(rng.value, new):
            kept += 1  # edited after Clean: the user's value wins
            user_edited.add(where)
            continue
        rng.value = _cell(old)
        if old_format:
            rng.number_format = old_format
        if where not in seen:
            restored += 1
        seen.add(where)
    if UNDO in names:
        book.sheets[UNDO].clear()
    return restored, kept
