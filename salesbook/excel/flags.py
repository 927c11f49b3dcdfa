"""Paint alerts on the source cells (fill by severity + a note that says why), and take them off again.

Every cell salesbook paints is recorded in a hidden sheet (``_salesbook_flags``) with the fill
and note it had before. 清除标记 Clear flags restores exactly those cells, and only where the
fill and note are still the ones salesbook set — a colour or note the user added afterwards
stays. A user's existing note is kept: salesbook's text is appended below it.

Adjacent flagged cells of one column and severity are filled with one Range call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
import xlwings as xw

from ..core.pipeline import RawTable, Result
from . import io

REGISTRY = "_salesbook_flags"
COLORS = {"高": (255, 199, 206), "中": (255, 235, 156), "低": (221, 235, 247)}
_RANK = {"高": 0, "中": 1, "低": 2}
MARK = "[salesbook]"
REGISTRY_HEADER = ["sheet", "row", "column", "color_before", "note_before", "note", "color", "keys"]


@dataclass
class Cell:
    sheet: str
    row: int
    column: int
    severity: str
    lines: list[str]
    keys: list[str]


def _hex(rgb) -> str | None:
    return None if rgb is None else "#{:02X}{:02X}{:02X}".format(*rgb)


def _rgb(hexstr):
    if not isinstance(hexstr, str) or not hexstr:
        return None
    h = str(hexstr).lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def cells_for(result: Result, tables: dict[str, RawTable], skip_keys: set[str] = frozenset()) -> list[Cell]:
    """The cells to paint: one per source cell, notes of several alerts joined, worst severity wins."""
    alerts = result.frames["alerts"]
    located = alerts[alerts["sheet"].notna() & alerts["row"].notna()]
    by_cell: dict[tuple[str, int, int], Cell] = {}
    for a in located.itertuples(index=False):
        if a.key in skip_keys or a.sheet not in tables:
            continue
        t = tables[a.sheet]
        col = t.columns.get(a.column) if isinstance(a.column, str) else None
        col = col or min(t.columns.values(), default=1)
        where = (t.sheet, int(a.row), int(col))
        text = f"【{a.rule_name}·{a.severity}】{a.message}\n建议：{a.action}"
        cell = by_cell.get(where)
        if cell is None:
            by_cell[where] = Cell(t.sheet, int(a.row), int(col), a.severity, [text], [a.key])
        else:
            cell.lines.append(text)
            cell.keys.append(a.key)
            if _RANK[a.severity] < _RANK[cell.severity]:
                cell.severity = a.severity
    return list(by_cell.values())


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    rows = sorted(rows)
    runs, start = [], rows[0]
    for prev, cur in zip(rows, rows[1:], strict=False):
        if cur != prev + 1:
            runs.append((start, prev))
            start = cur
    runs.append((start, rows[-1]))
    return runs


def paint(book: xw.Book, cells: list[Cell]) -> int:
    """Paint ``cells`` (after clearing earlier flags); returns how many cells were painted."""
    clear(book)
    if not cells:
        return 0
    records = []
    for c in cells:
        rng = book.sheets[c.sheet].range((c.row, c.column))
        before_color = rng.color
        note = rng.note
        before_note = note.text if note is not None else None
        ours = f"{MARK}\n" + "\n".join(c.lines)
        text = f"{before_note}\n\n{ours}" if before_note else ours
        if note is not None:
            note.text = text
        else:
            rng.add_note(text)
        records.append([c.sheet, c.row, c.column, _hex(before_color), before_note, text, _hex(COLORS[c.severity]),
                        ";".join(c.keys)])
    groups: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for c in cells:
        groups[(c.sheet, c.column, c.severity)].append(c.row)
    for (sheet, column, severity), rows in groups.items():
        for first, last in _runs(rows):
            book.sheets[sheet].range((first, column), (last, column)).color = COLORS[severity]
    reg = io.ensure_sheet(book, REGISTRY)
    reg.clear()
    reg.range("A1").value = [REGISTRY_HEADER, *records]
    reg.visible = False
    return len(records)


def registry(book: xw.Book) -> pd.DataFrame:
    if REGISTRY not in io.sheet_names(book):
        return pd.DataFrame(columns=REGISTRY_HEADER)
    values = book.sheets[REGISTRY].used_range.options(ndim=2).value
    if not values or values[0][: len(REGISTRY_HEADER)] != REGISTRY_HEADER or len(values) < 2:
        return pd.DataFrame(columns=REGISTRY_HEADER)
    df = pd.DataFrame([r[: len(REGISTRY_HEADER)] for r in values[1:]], columns=REGISTRY_HEADER, dtype=object)
    return df.where(df.notna(), None)  # empty cells are None, never NaN (NaN is truthy)


def clear(book: xw.Book) -> int:
    """Remove salesbook's fills and notes, restoring what each cell had; returns cells restored."""
    reg = registry(book)
    if reg.empty:
        return 0
    names = io.sheet_names(book)
    restored = 0
    for r in reg.itertuples(index=False):
        if r.sheet not in names:
            continue
        rng = book.sheets[r.sheet].range((int(r.row), int(r.column)))
        if _hex(rng.color) == r.color:  # still our fill: put the user's back
            rng.color = _rgb(r.color_before)
        note = rng.note
        if note is not None and note.text == r.note:  # still our note: restore the user's (or none)
            if r.note_before:
                note.text = r.note_before
            else:
                note.delete()
        restored += 1
    sheet = book.sheets[REGISTRY]
    sheet.clear()
    return restored
