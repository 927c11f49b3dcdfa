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
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import math
import numbers
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import xlwings as xw
from xlwings import base_classes as base

from ..errors import WorkbookError
from . import saving
from .cells import formula_of, style_of
from .package import Package
from .sheetxml import SheetPart
from .workbookxml import WorkbookModel
from .xmlsafe import col_index, col_letter

ENGINE_NAME = "salesbook-file"
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COLUMN_ONLY = re.compile(r"^\$?([A-Za-z]{1,3})$")


def _parse_cell(ref: str) -> tuple[int, int]:
    m = _A1.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1).upper())


def _parse_address(address: str) -> tuple[int, int, int, int]:
    """'A1' or 'A1:C3' or 'A:C' -> (row1, col1, row2, col2), 1-based, inclusive."""
    if "!" in address:
        address = address.split("!", 1)[1]
    parts = address.split(":")
    if len(parts) == 2 and _COLUMN_ONLY.match(parts[0]) and _COLUMN_ONLY.match(parts[1]):
        c1 = col_index(parts[0].strip("$").upper())
        c2 = col_index(parts[1].strip("$").upper())
        return 1, c1, 1048576, c2
    r1, c1 = _parse_cell(parts[0])
    r2, c2 = _parse_cell(parts[-1])
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _to_rgb_hex(color: Any) -> str:
    if isinstance(color, str):
        return color.lstrip("#").upper()[-6:]
    r, g, b = color
    return f"{int(r):02X}{int(g):02X}{int(b):02X}"


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


class FileEngine:
    """The engine object xlwings' converters ask for data cleaning (``c.engine.impl``)."""

    @property
    def apps(self) -> FileApps:
        return FileApps()

    @property
    def name(self) -> str:
        return ENGINE_NAME

    @property
    def type(self) -> str:
        return "file"

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any = None) -> Any:
        if x is None:
            return None
        if isinstance(x, float) and math.isnan(x):
            return None
        try:
            import pandas as pd

            if x is pd.NaT or (not isinstance(x, (str, bytes, list, tuple)) and pd.isna(x)):
                return None
            if isinstance(x, pd.Timestamp):
                return x.to_pydatetime()
        except (TypeError, ValueError):
            pass
        try:
            import numpy as np

            if isinstance(x, np.bool_):
                return bool(x)
            if isinstance(x, np.integer):
                return int(x)
            if isinstance(x, np.floating):
                return float(x)
            if isinstance(x, np.datetime64):
                return __import__("pandas").Timestamp(x).to_pydatetime()
        except ImportError:  # pragma: no cover - numpy is a dependency
            pass
        return x

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        # mirror what Excel's Range.Value gives the Windows engine: numbers are floats,
        # dates are datetimes built by the requested handler
        if datetime_builder is dt.datetime and empty_as is None and number_builder is None:
            return data  # FileRange.raw_value already gives exactly that
        def clean(v: Any) -> Any:
            t = type(v)
            if t is str:
                return v if v else empty_as
            if t is float:
                return v if number_builder is None else number_builder(v)
            if v is None:
                return empty_as
            if t is dt.datetime:
                return v if datetime_builder is dt.datetime else datetime_builder(
                    year=v.year, month=v.month, day=v.day, hour=v.hour, minute=v.minute, second=v.second,
                    microsecond=v.microsecond)
            if t is dt.date:
                return datetime_builder(year=v.year, month=v.month, day=v.day)
            if isinstance(v, (bool, dt.time)):
                return v
            if isinstance(v, numbers.Number):
                v = float(v)
                return number_builder(v) if number_builder is not None else v
            return v

        return [[clean(v) for v in row] for row in data]


_ENGINE = FileEngine()


class FileApps:
    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def keys(self) -> list[int]:
        return []

    @property
    def active(self):
        return None


class FileApp:
    """The 'application' of one file: status bar and alerts go to a callback."""

    def __init__(self, book: FileBook) -> None:
        self._book = book
        self._status_bar: str | bool = False
        self.screen_updating = True
        self.calculation = "automatic"
        self.display_alerts = False
        self.enable_events = True

    @property
    def engine(self) -> FileEngine:
        return _ENGINE

    @property
    def books(self):
        return FileBooks([self._book])

    @property
    def pid(self) -> int:
        return os.getpid()

    @property
    def version(self) -> str:
        return "salesbook file engine"

    @property
    def status_bar(self):
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value):
        self._status_bar = value
        if self._book.on_status and value:
            self._book.on_status(str(value))

    def calculate(self) -> None:
        pass

    def alert(self, prompt, title, buttons, mode, callback):
        self._book.alerts.append((title, prompt))
        return "ok"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileApp) and other._book is self._book

    def __hash__(self) -> int:
        return id(self._book)


class FileBooks:
    def __init__(self, books: list[FileBook]) -> None:
        self._books = books

    def __iter__(self):
        return iter(self._books)

    def __len__(self) -> int:
        return len(self._books)

    def __call__(self, name_or_index):
        if isinstance(name_or_index, int):
            return self._books[name_or_index - 1]
        for b in self._books:
            if b.name == name_or_index:
                return b
        raise KeyError(name_or_index)

    @property
    def active(self):
        return self._books[0] if self._books else None


class FileBook(base.Book):
    """One workbook file, held as its parts."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.calls: collections.Counter[str] = collections.Counter()
        self.alerts: list[tuple[str, str]] = []
        self.on_status = None
        self.generation = 0
        self.model = _load(self.path, self.calls)
        self._app = FileApp(self)

    def count(self, what: str, n: int = 1) -> None:
        self.calls[what] += n

    @property
    def api(self) -> WorkbookModel:
        return self.model

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def fullname(self) -> str:
        return str(self.path)

    @property
    def sheets(self) -> FileSheets:
        return FileSheets(self)

    @property
    def app(self) -> FileApp:
        return self._app

    @property
    def names(self):
        raise NotImplementedError("defined names are not used by salesbook")

    def activate(self) -> None:
        pass

    def close(self) -> None:
        pass

    def part(self, key: int) -> SheetPart:
        for s in self.model.sheets:
            if id(s) == key:
                return s
        raise KeyError("the sheet no longer exists")

    def _bytes(self) -> bytes:
        self.model.finish()
        buf = io.BytesIO()
        self.model.pkg.save(buf)
        return buf.getvalue()

    def to_pdf(self, path, quality=None) -> None:
        """Print the visible sheets to a PDF with headless LibreOffice (Excel does this itself)."""
        import shutil
        import subprocess
        import tempfile

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise WorkbookError("no_pdf", detail="soffice not found")
        self.count("book.to_pdf")
        hidden = [s for s in self.model.sheets if self.model.sheet_state(s) != "visible"]
        data = self._bytes()
        self._reload(data)
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "print.xlsx"
            src.write_bytes(_printable(data, {s.name for s in hidden}))
            done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                                   "--convert-to", "pdf", "--outdir", tmp, str(src)], capture_output=True,
                                  timeout=600)
            pdf = Path(tmp) / "print.pdf"
            if not pdf.exists():
                raise WorkbookError("no_pdf", detail=done.stderr.decode(errors="replace")[-300:] or "no output")
            shutil.move(str(pdf), path)

    def save(self, path=None, password=None) -> None:
        if self.read_only:
            raise WorkbookError("read_only", path=str(self.path))
        target = Path(path) if path else self.path
        self.count("save")
        data = self._bytes()
        written = saving.atomic_write(target, lambda fh: fh.write(data))
        self.path = Path(target) if path else self.path
        self._reload(data)
        return written

    def _reload(self, data: bytes) -> None:
        """After a save the file's bytes are the new starting point (edits are now in them)."""
        self.model = WorkbookModel(Package(data, str(self.path)), calls=self.calls)
        self.generation += 1


def _printable(data: bytes, hidden: set[str]) -> bytes:
    """The workbook with hidden sheets emptied, so LibreOffice neither lays out nor prints them."""
    model = WorkbookModel(Package(data))
    for s in model.sheets:
        if s.name in hidden:
            s.clear()
    model.finish()
    buf = io.BytesIO()
    model.pkg.save(buf)
    return buf.getvalue()


def _load(path: Path, calls) -> WorkbookModel:
    if not path.exists():
        raise WorkbookError("not_found", path=str(path))
    try:
        data = path.read_bytes()
    except PermissionError as e:
        raise WorkbookError("locked", path=str(path)) from e
    except IsADirectoryError as e:
        raise WorkbookError("not_workbook", path=str(path), detail="a folder") from e
    try:
        return WorkbookModel(Package(data, str(path)), calls=calls)
    except WorkbookError:
        raise
    except (ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, AttributeError, IndexError) as e:
        raise WorkbookError("not_workbook", path=str(path), detail=str(e)) from e


class FileSheets:
    def __init__(self, book: FileBook) -> None:
        self.book = book

    @property
    def api(self):
        return self.book.model.sheets

    @property
    def active(self) -> FileSheet:
        return FileSheet(self.book, self.book.model.sheets[0])

    def __call__(self, name_or_index):
        sheets = self.book.model.sheets
        if isinstance(name_or_index, int):
            return FileSheet(self.book, sheets[name_or_index - 1])
        for s in sheets:
            if s.name == name_or_index:
                return FileSheet(self.book, s)
        raise KeyError(name_or_index)

    def __contains__(self, name: str) -> bool:
        return any(s.name == name for s in self.book.model.sheets)

    def __len__(self) -> int:
        return len(self.book.model.sheets)

    def __iter__(self):
        for s in list(self.book.model.sheets):
            yield FileSheet(self.book, s)

    def add(self, before=None, after=None, name=None) -> FileSheet:
        sheets = self.book.model.sheets
        if before is not None:
            index = sheets.index(before.part)
        elif after is not None:
            index = sheets.index(after.part) + 1
        else:
            index = len(sheets)
        if name is None:
            n = len(sheets) + 1
            while any(s.name == f"Sheet{n}" for s in sheets):
                n += 1
            name = f"Sheet{n}"
        part = self.book.model.add_sheet(name, index)
        self.book.count("sheet.add")
        return FileSheet(self.book, part)


class FileSheet(base.Sheet):
    def __init__(self, book: FileBook, part: SheetPart) -> None:
        self.book_impl = book
        self._part = part
        self._generation = book.generation
        self._name = part.name

    @property
    def part(self) -> SheetPart:
        """The sheet's part model (found again by name after a save reloaded the book)."""
        if self._generation != self.book_impl.generation:
            self._part = next(s for s in self.book_impl.model.sheets if s.name == self._name)
            self._generation = self.book_impl.generation
        return self._part

    @property
    def api(self) -> SheetPart:
        return self.part

    @property
    def name(self) -> str:
        return self.part.name

    @name.setter
    def name(self, value: str) -> None:
        self.part.name = value
        self._name = value

    @property
    def book(self) -> FileBook:
        return self.book_impl

    @property
    def index(self) -> int:
        return self.book_impl.model.sheets.index(self.part) + 1

    def range(self, arg1, arg2=None) -> FileRange:
        if isinstance(arg1, str) and "," in arg1 and arg2 is None:
            return FileAreas(self, [_parse_address(a) for a in arg1.split(",")])
        r1, c1, r2, c2 = self._coords(arg1)
        if arg2 is not None:
            s1, d1, s2, d2 = self._coords(arg2)
            r1, c1, r2, c2 = min(r1, s1), min(c1, d1), max(r2, s2), max(c2, d2)
        return FileRange(self, r1, c1, r2, c2)

    def _coords(self, arg) -> tuple[int, int, int, int]:
        if isinstance(arg, FileRange):
            return arg.r1, arg.c1, arg.r2, arg.c2
        if isinstance(arg, tuple) and len(arg) == 4:  # (row, column, rows, columns), as xlwings slices
            return arg[0], arg[1], arg[0] + max(arg[2], 1) - 1, arg[1] + max(arg[3], 1) - 1
        if isinstance(arg, tuple):
            return arg[0], arg[1], arg[0], arg[1]
        if isinstance(arg, str):
            return _parse_address(arg)
        raise TypeError(f"unsupported range argument {arg!r}")

    @property
    def cells(self) -> FileRange:
        return FileRange(self, 1, 1, 1048576, 16384)

    @property
    def used_range(self) -> FileRange:
        """A1 to the last row and column that hold a value. (Excel's UsedRange also counts cells
        that are only formatted; a fill on row 1,048,576 would make every read a million rows.)"""
        lr, lc = self.part.extent()
        return FileRange(self, 1, 1, max(lr, 1), max(lc, 1))

    @property
    def visible(self) -> bool:
        return self.book_impl.model.sheet_state(self.part) == "visible"

    @visible.setter
    def visible(self, value: bool) -> None:
        self.book_impl.model.set_state(self.part, "visible" if value else "hidden")

    def activate(self) -> None:
        pass

    def select(self) -> None:
        pass

    def clear_contents(self) -> None:
        self.used_range.clear_contents()

    def clear(self) -> None:
        """Everything goes: the sheet is written whole from what is set next (salesbook's sheets)."""
        self.book_impl.count("sheet.clear")
        self.part.clear()

    def delete(self) -> None:
        self.book_impl.count("sheet.delete")
        self.book_impl.model.delete_sheet(self.part)

    def autofit(self, axis=None) -> None:
        pass

    # -- page layout and charts of salesbook's sheets (files only; Excel has its own API) ---------
    def page_setup(self, *, landscape: bool, fit_width: int = 1, fit_height: int = 0) -> None:
        self.book_impl.count("sheet.page_setup")
        self.part.page.update(orientation="landscape" if landscape else "portrait", paper=9, fit=True,
                              fit_width=fit_width, fit_height=fit_height)

    def add_row_break(self, row: int) -> None:
        self.part.breaks.append(row - 1)

    def clear_row_breaks(self) -> None:
        self.part.breaks.clear()

    def set_print_area(self, address: str) -> None:
        self.part.print_area = address.replace("$", "")

    def set_row_heights(self, heights: dict[int, float]) -> None:
        """Several rows' heights in points at once (Excel autofits instead; see printing.fit_row_heights)."""
        self.book_impl.count("sheet.row_heights")
        self.part.row_heights.update(heights)

    def set_print_titles(self, rows: str | None) -> None:
        """Rows repeated at the top of each printed page, e.g. '1:2' (None: none)."""
        self.book_impl.count("sheet.print_titles")
        self.part.print_titles = rows.replace("$", "") if rows else None

    def set_autofilter(self, address: str | None) -> None:
        """Filter buttons on the first row of ``address`` (header row to last data row)."""
        self.book_impl.count("sheet.autofilter")
        self.part.autofilter = address.replace("$", "") if address else None

    @property
    def freeze_panes(self) -> FileFreezePanes:
        """xlwings' ``sheet.freeze_panes`` interface: ``freeze_at("1:2")``, ``freeze_at("B3")``."""
        return FileFreezePanes(self)

    def set_charts(self, charts: list[tuple[bytes, bytes]]) -> None:
        """Charts as (chart part XML, drawing anchor XML); the sheet must have been cleared."""
        self.book_impl.count("chart.add", len(charts))
        self.part.charts = list(charts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileSheet) and other.part is self.part

    def __hash__(self) -> int:
        return id(self.part)


class FileFreezePanes:
    """Frozen rows and columns of a salesbook sheet, as xlwings' ``FreezePanes`` does it in Excel."""

    def __init__(self, sheet: FileSheet) -> None:
        self.sheet = sheet

    def freeze_at(self, frozen_range: str) -> None:
        """'1:2' freezes rows 1–2, 'A:B' columns A–B, 'C3' the rows above and columns left of C3."""
        self.sheet.book_impl.count("sheet.freeze_panes")
        a = frozen_range.replace("$", "").split("!")[-1].upper()
        rows_only = re.fullmatch(r"(\d+):(\d+)", a)
        cols_only = re.fullmatch(r"([A-Z]{1,3}):([A-Z]{1,3})", a)
        if rows_only:
            frozen = (int(rows_only.group(2)), 0)
        elif cols_only:
            frozen = (0, col_index(cols_only.group(2)))
        else:
            r, c = _parse_cell(a)
            frozen = (r - 1, c - 1)
        self.sheet.part.frozen = frozen

    def unfreeze(self) -> None:
        self.sheet.book_impl.count("sheet.freeze_panes")
        self.sheet.part.frozen = (0, 0)


class FileNote:
    def __init__(self, rng: FileRange) -> None:
        self.rng = rng

    @property
    def api(self):
        return self.rng.part.notes()

    @property
    def text(self) -> str:
        return self.rng.part.notes().text(self.rng.r1, self.rng.c1) or ""

    @text.setter
    def text(self, value: str) -> None:
        self.rng.note = value

    @property
    def author(self) -> str | None:
        return self.rng.part.notes().author(self.rng.r1, self.rng.c1)

    def delete(self) -> None:
        self.rng.note = None


class FileRange(base.Range):
    """A rectangle r1:r2 × c1:c2 (1-based, inclusive) of one sheet."""

    def __init__(self, sheet: FileSheet, r1: int, c1: int, r2: int, c2: int) -> None:
        self.sheet_impl = sheet
        self.r1, self.c1, self.r2, self.c2 = r1, c1, r2, c2
        self.options = {}

    # -- geometry -------------------------------------------------------------------
    @property
    def part(self) -> SheetPart:
        return self.sheet_impl.part

    @property
    def _book(self) -> FileBook:
        return self.sheet_impl.book_impl

    @property
    def api(self):
        return self

    @property
    def sheet(self) -> FileSheet:
        return self.sheet_impl

    @property
    def coords(self):
        return self.sheet.name, self.r1, self.c1, *self.shape

    def __len__(self) -> int:
        return (self.r2 - self.r1 + 1) * (self.c2 - self.c1 + 1)

    def __iter__(self):
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                yield FileRange(self.sheet_impl, r, c, r, c)

    @property
    def row(self) -> int:
        return self.r1

    @property
    def column(self) -> int:
        return self.c1

    @property
    def shape(self) -> tuple[int, int]:
        return self.r2 - self.r1 + 1, self.c2 - self.c1 + 1

    @property
    def has_array(self) -> bool:
        return False

    def __call__(self, row: int, col: int | None = None) -> FileRange:
        if col is None:  # linear index, row-major like Excel
            nrows, ncols = self.shape
            row, col = divmod(row - 1, ncols)
            row, col = row + 1, col + 1
        r, c = self.r1 + row - 1, self.c1 + col - 1
        return FileRange(self.sheet_impl, r, c, r, c)

    def get_address(self, row_absolute=True, col_absolute=True, external=False) -> str:
        def cell(r, c):
            col = col_letter(c)
            return f"{'$' if col_absolute else ''}{col}{'$' if row_absolute else ''}{r}"

        addr = cell(self.r1, self.c1)
        if (self.r1, self.c1) != (self.r2, self.c2):
            addr += ":" + cell(self.r2, self.c2)
        if external:
            addr = f"[{self._book.name}]{self.sheet.name}!{addr}"
        return addr

    @property
    def address(self) -> str:
        return self.get_address()

    def _cells(self):
        lr, lc = self.r2, self.c2
        for r in range(self.r1, lr + 1):
            for c in range(self.c1, lc + 1):
                yield r, c

    def end(self, direction: str) -> FileRange:
        """Excel's Ctrl+arrow: to the edge of the current block, or to the next block."""
        self._book.count("range.end")
        dr, dc = {"down": (1, 0), "up": (-1, 0), "right": (0, 1), "left": (0, -1)}[direction]
        part = self.part
        if dr:
            return FileRange(self.sheet_impl, _jump(part.column_rows(self.c1), self.r1, dr), self.c1,
                             _jump(part.column_rows(self.c1), self.r1, dr), self.c1)
        max_r, max_c = (max(x, 1) for x in part.extent())
        r, c = self.r1, self.c1

        def empty(rr, cc):
            return _is_empty(part.value(rr, cc))

        def inside(rr, cc):
            return 1 <= rr <= max_r and 1 <= cc <= max_c

        if not empty(r, c) and inside(r + dr, c + dc) and not empty(r + dr, c + dc):
            while inside(r + dr, c + dc) and not empty(r + dr, c + dc):
                r, c = r + dr, c + dc
        else:
            r, c = r + dr, c + dc
            if dr == -1 and r > max_r:
                r = max_r
            if dc == -1 and c > max_c:
                c = max_c
            while inside(r, c) and empty(r, c):
                r, c = r + dr, c + dc
            if not inside(r, c):  # ran off the used area: Excel stops at the sheet edge
                r = {1: 1048576, -1: 1}.get(dr, self.r1) if dr else self.r1
                c = {1: 16384, -1: 1}.get(dc, self.c1) if dc else self.c1
        return FileRange(self.sheet_impl, r, c, r, c)

    # -- values ---------------------------------------------------------------------
    @property
    def raw_value(self):
        self._book.count("range.read")
        part = self.part
        lr, _ = part.extent()
        ncols = self.c2 - self.c1 + 1
        last = min(self.r2, max(lr, self.r1))
        rows = part.read(self.r1, self.c1, last, self.c2)
        rows += [[None] * ncols for _ in range(self.r2 - last)]
        if self.shape == (1, 1):
            return rows[0][0]
        return rows

    @raw_value.setter
    def raw_value(self, data) -> None:
        self._book.count("range.write")
        if not isinstance(data, (list, tuple)):
            data = [[data] * self.shape[1]] * self.shape[0]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [data]
        self.part.write_block(self.r1, self.c1, [list(r) for r in data])

    def clear_contents(self) -> None:
        self._book.count("range.clear_contents")
        self.part.clear_contents(self.r1, self.c1, self.r2, self.c2)

    def clear(self) -> None:
        self._book.count("range.clear")
        self.part.delete_cells(self.r1, self.c1, self.r2, self.c2)

    def clear_formats(self) -> None:
        self._book.count("range.clear_formats")
        part = self.part
        for r, c in self._clipped():
            if part.style(r, c):
                part.set_style(r, c, reset=True)

    def _clipped(self):
        lr, lc = self.part.extent(with_styles=True)
        for r in range(self.r1, min(self.r2, lr) + 1):
            for c in range(self.c1, min(self.c2, lc) + 1):
                yield r, c

    # -- formats --------------------------------------------------------------------
    def _style(self, **changes) -> None:
        self.part.set_styles(self._cells(), **changes)

    @property
    def number_format(self) -> str:
        return self.part.book.styles().number_format(self.part.style(self.r1, self.c1))

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._book.count("range.number_format")
        self._style(number_format=value)

    @property
    def color(self):
        self._book.count("range.color.read")
        rgb = self.part.book.styles().fill_rgb(self.part.style(self.r1, self.c1))
        return None if rgb is None else (int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16))

    @color.setter
    def color(self, color) -> None:
        self._book.count("range.color")
        self._style(fill=None if color is None else _to_rgb_hex(color))

    @property
    def note(self):
        return FileNote(self) if self.part.notes().text(self.r1, self.c1) is not None else None

    @note.setter
    def note(self, text: str | None) -> None:
        self._book.count("range.note")
        notes = self.part.notes()
        for r, c in self._cells():
            if text:
                notes.set(r, c, text)
            else:
                notes.delete(r, c)

    def add_note(self, text: str) -> FileNote:
        self.note = text
        return FileNote(self)

    # the exact state of one cell, for restoring it later (see cellstate.py)
    def snapshot(self) -> dict:
        part = self.part
        comment, shape = part.notes().snapshot(self.r1, self.c1)
        return {"cell": part.cell_xml(self.r1, self.c1).decode("utf-8"), "note": [comment, shape]}

    def fill_of(self, state: dict) -> int:
        return self.part.book.styles().fill_id(style_of(state["cell"].encode()))

    def restore_fill(self, state: dict) -> None:
        self._book.count("range.restore")
        self.part.set_style(self.r1, self.c1, fill_of=style_of(state["cell"].encode()))

    def restore(self, state: dict, *, cell: bool = True, note: bool = True) -> None:
        self._book.count("range.restore")
        if cell:
            self.part.restore_xml(self.r1, self.c1, state["cell"])
        if note:
            self.part.notes().restore(self.r1, self.c1, *state["note"])

    @property
    def row_height(self) -> float | None:
        return self.part.row_heights.get(self.r1)

    @row_height.setter
    def row_height(self, value: float) -> None:
        self._book.count("range.row_height")
        for r in range(self.r1, self.r2 + 1):
            self.part.row_heights[r] = value

    @property
    def wrap_text(self) -> bool:
        return self.part.book.styles().wrap(self.part.style(self.r1, self.c1))

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self._book.count("range.wrap_text")
        self._style(wrap=bool(value))

    @property
    def font(self) -> FileFont:
        return FileFont(self)

    @property
    def column_width(self) -> float:
        return self.part.col_width(self.c1) or 8.43

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._book.count("range.column_width")
        for c in range(self.c1, self.c2 + 1):
            self.part.col_widths[c] = value
        self.part.cols_changed = True

    @property
    def formula(self):
        """Like Excel: a formula cell gives '=…', any other cell its value."""
        if self.shape == (1, 1):
            formula = formula_of(self.part.cell_xml(self.r1, self.c1))
            if formula is not None:
                return formula
        return self.raw_value

    @formula.setter
    def formula(self, value) -> None:
        self.raw_value = value

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, FileRange) and other.sheet_impl == self.sheet_impl
                and (other.r1, other.c1, other.r2, other.c2) == (self.r1, self.c1, self.r2, self.c2))

    def __hash__(self) -> int:
        return hash((id(self.part), self.r1, self.c1, self.r2, self.c2))


class FileAreas(FileRange):
    """Several rectangles as one range, like Excel's ``Range("C3:C5,C9:C12")``: formats are set on
    every cell of every area in one call. Values are read and written per area, not here."""

    def __init__(self, sheet: FileSheet, areas: list[tuple[int, int, int, int]]) -> None:
        super().__init__(sheet, min(a[0] for a in areas), min(a[1] for a in areas),
                         max(a[2] for a in areas), max(a[3] for a in areas))
        self.areas = areas

    def _cells(self):
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    def __len__(self) -> int:
        return sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in self.areas)

    def __iter__(self):
        for r, c in self._cells():
            yield FileRange(self.sheet_impl, r, c, r, c)

    def get_address(self, row_absolute=True, col_absolute=True, external=False) -> str:
        return ",".join(FileRange(self.sheet_impl, *a).get_address(row_absolute, col_absolute, external)
                        for a in self.areas)

    @property
    def raw_value(self):
        raise NotImplementedError("values of a multi-area range are read per area")

    @raw_value.setter
    def raw_value(self, data) -> None:
        raise NotImplementedError("values of a multi-area range are written per area")


class FileFont:
    """Bold, italic, size and colour of a range's font (one call per property set)."""

    def __init__(self, rng: FileRange) -> None:
        self.rng = rng

    @property
    def api(self):
        return self.rng.part.book.styles().font(self.rng.part.style(self.rng.r1, self.rng.c1))

    def _set(self, **changes) -> None:
        self.rng._book.count("range.font")  # noqa: SLF001
        self.rng._style(font=changes)  # noqa: SLF001

    bold = property(lambda self: self.api.bold, lambda self, v: self._set(bold=bool(v)))
    italic = property(lambda self: self.api.italic, lambda self, v: self._set(italic=bool(v)))
    size = property(lambda self: self.api.size, lambda self, v: self._set(size=v))
    name = property(lambda self: self.api.name, lambda self, v: self._set(name=v))

    @property
    def color(self):
        rgb = self.api.color
        return (int(rgb[-6:-4], 16), int(rgb[-4:-2], 16), int(rgb[-2:], 16)) if rgb else None

    @color.setter
    def color(self, value) -> None:
        self._set(color="FF" + _to_rgb_hex(value))


def _jump(rows: list[int], r: int, step: int) -> int:
    """Ctrl+Up/Down over the sorted non-empty rows of a column."""
    import bisect

    i = bisect.bisect_left(rows, r)
    here = i < len(rows) and rows[i] == r
    if here and 0 <= i + step < len(rows) and rows[i + step] == r + step:  # inside a block: to its edge
        while 0 <= i + step < len(rows) and rows[i + step] == rows[i] + step:
            i += step
        return rows[i]
    if step > 0:
        j = bisect.bisect_right(rows, r)
        return rows[j] if j < len(rows) else 1048576
    j = bisect.bisect_left(rows, r) - 1
    return rows[j] if j >= 0 else 1


def open_book(path: str | os.PathLike[str], *, read_only: bool = False) -> xw.Book:
    """Open a workbook file as an ``xw.Book`` driven by this engine."""
    return xw.Book(impl=FileBook(path, read_only=read_only))


def calls(book: xw.Book) -> collections.Counter[str]:
    """Range operations this book has issued (each one a round trip in live Excel)."""
    impl = book.impl
    return impl.calls if isinstance(impl, FileBook) else collections.Counter()
