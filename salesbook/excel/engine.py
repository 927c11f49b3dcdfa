"""An xlwings engine over a workbook file's parts, so ``xw.Book`` code runs without Excel.

xlwings' front end (``xlwings.main``: Book, Sheet, Range, the value converters) talks to
Excel through an *engine* implementing ``xlwings.base_classes``. On Windows and macOS that
engine drives Excel; on Linux none exists. This module supplies one that works on the
file's parts (:mod:`.package`, :mod:`.workbookxml`, :mod:`.sheetxml`): values are read with
python-calamine (formulas give their saved results), salesbook's own sheets are written
whole, and the user's sheets are edited cell by cell — every part nobody changed is saved
as the very same bytes. The ribbon functions, the CLI and the tests all run the same
``xw.Book`` code; only the engine differs.

Every operation that would be a round trip in live Excel (a value read or write, a fill, a
note, a number format) is counted in ``FileBook.calls``: that count is the
machine-independent proxy for how fast a refresh is in Excel.

Only what salesbook uses is implemented; anything else raises ``NotImplementedError`` from
xlwings' base classes, which is the honest answer for a file.

The engine is split by level: :mod:`.filecoords` (addresses), :mod:`.filerange` (ranges,
notes, fonts), :mod:`.filesheet` (sheets) and :mod:`.filebook` (book, app, engine); this
module is the entry point and re-exports their names.
"""

from __future__ import annotations

import collections
import os

import xlwings as xw

from .filebook import _ENGINE, ENGINE_NAME, FileApp, FileApps, FileBook, FileBooks, FileEngine, _load, _printable  # noqa: F401
from .filecoords import _A1, _COLUMN_ONLY, _is_empty, _jump, _parse_address, _parse_cell, _to_rgb_hex  # noqa: F401
from .filerange import FileAreas, FileFont, FileNote, FileRange
from .filesheet import FileFreezePanes, FileSheet, FileSheets

__all__ = ["ENGINE_NAME", "FileApp", "FileApps", "FileAreas", "FileBook", "FileBooks", "FileEngine",
           "FileFont", "FileFreezePanes", "FileNote", "FileRange", "FileSheet", "FileSheets", "calls",
           "open_book"]
# the private helpers above stay importable from here, as before the split


def open_book(path: str | os.PathLike[str], *, read_only: bool = False) -> xw.Book:
    """Open a workbook file as an ``xw.Book`` driven by this engine."""
    return xw.Book(impl=FileBook(path, read_only=read_only))


def calls(book: xw.Book) -> collections.Counter[str]:
    """Range operations this book has issued (each one a round trip in live Excel)."""
    impl = book.impl
    return impl.calls if isinstance(impl, FileBook) else collections.Counter()
