"""The one store for salesbook's hidden state: its hidden bookkeeping sheets.

Flags painted (:mod:`.flags`), cells cleaned (:mod:`.cleanwrite`), the last refresh's state
(:mod:`.changelog`) and the report's review block (:mod:`.report_sheet`) each live in a hidden
sheet holding one table: a header row, then records. Only this module reads, writes, hides and
removes those sheets. Reading checks the header, so a sheet a user renamed or emptied reads as
"no records" instead of garbage. Every text cell is written through :func:`~.cellstate.as_text`,
so nothing read back from here can have turned into a formula or a number.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from .book import ensure_sheet, sheet_names
from .cellstate import as_text

names = sheet_names


def exists(book: xw.Book, sheet: str) -> bool:
    """Whether the hidden table ``sheet`` is in the workbook (an empty one counts)."""
    return sheet in names(book)


def read(book: xw.Book, sheet: str, header: list[str]) -> list[list[Any]]:
    """The records of a hidden table (rows whose first cell is empty are skipped)."""
    if not exists(book, sheet):
        return []
    values = book.sheets[sheet].used_range.options(ndim=2).value or []
    if not values or [str(v) if v is not None else "" for v in values[0][: len(header)]] != header:
        return []
    return [list(r[: len(header)]) + [None] * (len(header) - len(r)) for r in values[1:] if r and r[0] is not None]


def write(book: xw.Book, sheet: str, header: list[str], records: list[list[Any]]) -> None:
    """Replace the hidden table by ``records`` (one write); an empty table leaves only the header."""
    target = ensure_sheet(book, sheet)
    target.clear()
    target.range("A1").value = [header, *[[as_text(v) for v in r] for r in records]]
    target.visible = False


def drop(book: xw.Book, sheet: str) -> None:
    """Remove a hidden table that has nothing left to remember (the workbook is as it was before)."""
    if exists(book, sheet):
        book.sheets[sheet].delete()
