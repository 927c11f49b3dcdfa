"""Paint alerts on the source cells (fill by severity + a note that says why), and take them off again.

Every cell salesbook paints is recorded in a hidden sheet (``_salesbook_flags``) with its exact
state before and after painting (:mod:`.cellstate`). 清除标记 Clear flags restores exactly
those cells, and only the parts (fill, note) still as salesbook left them — a colour or note
the user changed afterwards stays. A user's existing note is kept: salesbook's text is
appended below it while the flag is on, and the note comes back as it was (author included).

Adjacent flagged cells of one column and severity are filled with one Range call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
import xlwings as xw

from .. import messages
from ..core.pipeline import RawTable, Result
from ..messages import Code, msg
from . import cellstate, store
from .book import row_runs
from .look import AMBER, BLUE, RED

REGISTRY = "_salesbook_flags"
COLORS = {"high": RED, "medium": AMBER, "low": BLUE}  # by severity code
_RANK = {"high": 0, "medium": 1, "low": 2}
MARK = "[salesbook]"
REGISTRY_HEADER = ["sheet", "row", "column", "before", "after", "keys"]


@dataclass
class Cell:
    """One source cell to paint: its severity (the worst of its alerts), its note lines and the alert keys behind them."""

    sheet: str
    row: int
    column: int
    severity: str
    lines: list[str]
    keys: list[str]


def cells_for(result: Result, tables: dict[str, RawTable], skip_keys: set[str] = frozenset(),
              lang: str = "zh") -> list[Cell]:
    """The cells to paint: one per source cell, notes of several alerts joined, worst severity wins.
    Notes are written in ``lang`` (the workbook's language).

    A grouped alert (one per rule and column, or per owner) lists its cells in ``cells`` as
    (row, note) pairs: each of them is painted with its own note."""
    alerts = result.frames.alerts
    located = alerts[alerts["sheet"].notna() & alerts["row"].notna()]
    by_cell: dict[tuple[str, int, int], Cell] = {}
    for a in located.to_dict("records"):
        if a["key"] in skip_keys or a["sheet"] not in tables:
            continue
        t = tables[a["sheet"]]
        col = t.columns.get(a["column"]) if isinstance(a["column"], str) else None
        col = col or min(t.columns.values(), default=1)
        spots = a.get("cells")
        spots = spots if isinstance(spots, tuple) and spots else ((int(a["row"]), a["message"]),)
        for row, message in spots:
            where = (t.sheet, int(row), int(col))
            text = messages.text(msg("flag.note", rule=Code("rule", a["rule"]), severity=Code("severity", a["severity"]),
                                     message=message, action=a["action"]), lang, messages.unit_of(result.settings))
            cell = by_cell.get(where)
            if cell is None:
                by_cell[where] = Cell(t.sheet, int(row), int(col), a["severity"], [text], [a["key"]])
            else:
                cell.lines.append(text)
                cell.keys.append(a["key"])
                if _RANK[a["severity"]] < _RANK[cell.severity]:
                    cell.severity = a["severity"]
    return list(by_cell.values())


def paint(book: xw.Book, cells: list[Cell]) -> int:
    """Paint ``cells`` (after clearing earlier flags); returns how many cells were painted.

    Each cell's state before and after painting goes to the registry, so Clear flags can put
    back exactly what was there — and only where the cell still looks as salesbook left it."""
    clear(book)
    if not cells:
        return 0
    before = []
    for c in cells:
        rng = book.sheets[c.sheet].range((c.row, c.column))
        before.append(cellstate.capture(rng))
        note = rng.note
        user_note = note.text if note is not None else None
        ours = f"{MARK}\n" + "\n".join(c.lines)
        text = f"{user_note}\n\n{ours}" if user_note else ours
        if note is not None:
            note.text = text
        else:
            rng.add_note(text)
    groups: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for c in cells:
        groups[(c.sheet, c.column, c.severity)].append(c.row)
    for (sheet, column, severity), rows in groups.items():
        for first, last in row_runs(rows):
            book.sheets[sheet].range((first, column), (last, column)).color = COLORS[severity]
    records = []
    for c, b in zip(cells, before, strict=True):
        after = cellstate.capture(book.sheets[c.sheet].range((c.row, c.column)))
        records.append([c.sheet, c.row, c.column, cellstate.dumps(b), cellstate.dumps(after), ";".join(c.keys)])
    store.write(book, REGISTRY, REGISTRY_HEADER, records)
    return len(records)


def registry(book: xw.Book) -> pd.DataFrame:
    """The flags now painted, one row per cell (sheet, row, column, state before and after, alert keys)."""
    return pd.DataFrame(store.read(book, REGISTRY, REGISTRY_HEADER), columns=REGISTRY_HEADER, dtype=object)


def clear(book: xw.Book) -> int:
    """Remove salesbook's fills and notes, restoring what each cell had; returns cells restored.

    A part of a cell the user changed since (a new colour, an edited note) is left as it is."""
    records = store.read(book, REGISTRY, REGISTRY_HEADER)
    if not records:
        return 0
    names = store.names(book)
    restored = 0
    for sheet, row, column, before_text, after_text, _keys in records:
        before, after = cellstate.loads(before_text), cellstate.loads(after_text)
        if sheet not in names or before is None or after is None:
            continue
        rng = book.sheets[sheet].range((int(row), int(column)))
        now = cellstate.current(rng)  # as stored: tuples become lists
        same_cell, same_note = now["cell"] == after["cell"], now["note"] == after["note"]
        if same_cell or same_note:
            cellstate.restore(rng, before, cell=same_cell, note=same_note)
        our_fill = not same_cell and cellstate.fill_of(rng, now) == cellstate.fill_of(rng, after)
        if our_fill:
            cellstate.restore_fill(rng, before)  # the value changed since (Clean data), our fill did not
        restored += bool(same_cell or same_note or our_fill)
    store.drop(book, REGISTRY)
    return restored
