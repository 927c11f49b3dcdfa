"""清洗数据 Clean data writes normalised values into the input sheets; 撤销清洗 Undo clean puts them back.

Clean changes only the cells the cleaning log lists as ``fixed`` (a trimmed name, ``¥1,234`` →
1234, a text date → a date, a status synonym → its canonical form, a generated order ID).
Before writing, each such cell's exact state (:mod:`.cellstate`) goes to a hidden undo sheet
(``_salesbook_undo``, kept through :mod:`.store`); Undo restores it exactly — value, format, quote
prefix, rich text. A cell the user edited after Clean is left as the user typed it, and reported. Excluded rows (unreadable values) are never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import xlwings as xw

from ..core import parse
from ..core.pipeline import RawTable, Result
from . import cellstate, store
from .book import row_runs

UNDO = "_salesbook_undo"
UNDO_HEADER = ["sheet", "row", "column", "before", "after", "new_value", "rule"]


@dataclass(frozen=True)
class Change:
    """One cell Clean data rewrites: where it is, the value as typed, the cleaned value and the rule that cleaned it."""

    sheet: str
    row: int
    column: int
    old: object
    new: object
    rule: str


def planned_changes(result: Result, tables: dict[str, RawTable]) -> list[Change]:
    """The cells Clean data would rewrite: the cleaning log's ``fixed`` rows mapped back to sheet cells, one per cell
    (the last rule's value wins); a value in a column that has no single sheet column is left out."""
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


def _is_formula(rng: xw.Range) -> bool:
    f = rng.formula
    return isinstance(f, str) and f.startswith("=")


def apply(book: xw.Book, changes: list[Change]) -> int:
    """Snapshot then write ``changes``; returns the number of cells changed.

    A cell holding a formula is never overwritten (its value is the formula's business)."""
    if not changes:
        return 0
    records = []
    groups: dict[tuple[str, int], dict[int, Change]] = defaultdict(dict)
    for c in changes:
        groups[(c.sheet, c.column)][c.row] = c
    for (sheet_name, col), by_row in groups.items():
        sheet = book.sheets[sheet_name]
        for r in [r for r in by_row if _is_formula(sheet.range((r, col)))]:
            del by_row[r]
        if not by_row:
            continue
        for first, last in row_runs(list(by_row)):
            rng = sheet.range((first, col), (last, col))
            befores = [cellstate.capture(sheet.range((r, col))) for r in range(first, last + 1)]
            rng.value = [[cellstate.as_text(by_row[r].new)] for r in range(first, last + 1)]
            if any(by_row[r].rule == "date" for r in range(first, last + 1)):
                rng.number_format = "yyyy-mm-dd"
            for r, before in zip(range(first, last + 1), befores, strict=True):
                after = cellstate.capture(sheet.range((r, col)))
                records.append([sheet_name, r, col, cellstate.dumps(before), cellstate.dumps(after), by_row[r].new,
                                by_row[r].rule])
    store.write(book, UNDO, UNDO_HEADER, [*store.read(book, UNDO, UNDO_HEADER), *records])
    return len(records)


def _same(a, b) -> bool:
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        return parse.parse_date(a) == parse.parse_date(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def undo(book: xw.Book) -> tuple[int, int]:
    """Restore every cell Clean changed; returns (restored, kept because the user edited them since)."""
    records = store.read(book, UNDO, UNDO_HEADER)
    restored = kept = 0
    seen: set[tuple] = set()
    user_edited: set[tuple] = set()
    names = store.names(book)
    for sheet_name, row, col, before, after, new, _rule in reversed(records):  # newest first
        where = (sheet_name, int(row), int(col))
        state, after_state = cellstate.loads(before), cellstate.loads(after)
        if sheet_name not in names or where in user_edited or state is None:
            continue
        rng = book.sheets[sheet_name].range((int(row), int(col)))
        if where not in seen and not _same(rng.value, new):
            kept += 1  # edited after Clean: the user's value wins
            user_edited.add(where)
            continue
        now = cellstate.current(rng)
        cellstate.restore(rng, state, note=False)
        if after_state is not None and cellstate.fill_of(rng, now) != cellstate.fill_of(rng, after_state):
            cellstate.restore_fill(rng, now)  # the fill changed since Clean (flags painted or cleared): keep it
        if where not in seen:
            restored += 1
        seen.add(where)
    store.drop(book, UNDO)
    return restored, kept
