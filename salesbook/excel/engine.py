"""An xlwings engine backed by openpyxl, so ``xw.Book`` code runs on a file without Excel.

xlwings' front end (``xlwings.main``: Book, Sheet, Range, the value converters) talks to
Excel through an *engine* implementing ``xlwings.base_classes``. On Windows and macOS that
engine drives Excel; on Linux none exists. This module supplies one that reads and writes
a workbook file with openpyxl, so the ribbon functions, the CLI and the tests all run the
same ``xw.Book`` code, and only the engine differs.

Every operation that would be a round trip in live Excel (a value read or write, a fill, a
note, a number format) is counted in ``FileBook.calls``: that count is the
machine-independent proxy for how fast a refresh is in Excel.

Only what salesbook uses is implemented; anything else raises ``NotImplementedError`` from
xlwings' base classes, which is the honest answer for a file.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import math
import numbers
import os
import re
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from xlwings import base_classes as base

from ..errors import WorkbookError
from . import saving

ENGINE_NAME = "salesbook-file"
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COLUMN_ONLY = re.compile(r"^\$?([A-Za-z]{1,3})$")


def _parse_cell(ref: str) -> tuple[int, int]:
    m = _A1.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), column_index_from_string(m.group(1).upper())


def _parse_address(address: str) -> tuple[int, int, int, int]:
    """'A1' or 'A1:C3' or 'A:C' -> (row1, col1, row2, col2), 1-based, inclusive."""
    if "!" in address:
        address = address.split("!", 1)[1]
    parts = address.split(":")
    if len(parts) == 2 and _COLUMN_ONLY.match(parts[0]) and _COLUMN_ONLY.match(parts[1]):
        c1 = column_index_from_string(parts[0].strip("$").upper())
        c2 = column_index_from_string(parts[1].strip("$").upper())
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
        def clean(v: Any) -> Any:
            # mirror what Excel's Range.Value gives the Windows engine: numbers are floats,
            # dates are datetimes built by the requested handler
            if v is None or v == "":
                return empty_as
            if isinstance(v, dt.datetime):
                return datetime_builder(year=v.year, month=v.month, day=v.day, hour=v.hour, minute=v.minute,
                                        second=v.second, microsecond=v.microsecond)
            if isinstance(v, dt.date):
                return datetime_builder(year=v.year, month=v.month, day=v.day)
            if isinstance(v, dt.time):
                return v
            if isinstance(v, bool):
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
        return f"openpyxl {openpyxl.__version__}"

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
    """One workbook file held in memory by openpyxl."""

    def __init__(self, path: str | os.PathLike[str], *, wb: openpyxl.Workbook | None = None,
                 read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.calls: collections.Counter[str] = collections.Counter()
        self.alerts: list[tuple[str, str]] = []
        self.on_status = None
        if wb is None:
            wb = _load(self.path)
        self.wb = wb
        self._values_wb = None
        self._app = FileApp(self)

    def computed(self, sheet: str, r1: int, c1: int, rows: list[list]) -> list[list]:
        """Replace formula text by the value Excel cached for it, as Range.Value does.

        openpyxl keeps either formulas or cached values; the cached ones are loaded once,
        lazily, only when a read meets a formula. A formula never calculated by Excel (a
        file written by a library) has no cached value and reads as empty.
        """
        ws = self.wb[sheet]
        if self._values_wb is None:
            self._values_wb = openpyxl.load_workbook(self.path, data_only=True, read_only=False)
        vws = self._values_wb[sheet] if sheet in self._values_wb.sheetnames else None
        out = []
        for i, row in enumerate(rows):
            new = list(row)
            for j, v in enumerate(row):
                if isinstance(v, str) and v.startswith("=") and ws.cell(r1 + i, c1 + j).data_type == "f":
                    new[j] = vws.cell(r1 + i, c1 + j).value if vws is not None else None
            out.append(new)
        return out

    def count(self, what: str, n: int = 1) -> None:
        self.calls[what] += n

    @property
    def api(self) -> openpyxl.Workbook:
        return self.wb

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
        self.wb.close()

    def to_pdf(self, path, quality=None) -> None:
        """Print the visible sheets to a PDF with headless LibreOffice (Excel does this itself)."""
        import shutil
        import subprocess
        import tempfile

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise WorkbookError("no_pdf", detail="soffice not found")
        self.count("book.to_pdf")
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "print.xlsx"
            # a plain .xlsx of just the visible sheets (xlwings' to_pdf hides the others), so a
            # 100k-row orders sheet is neither written nor read again for printing
            wb = self.wb
            sheets, active, vba = wb._sheets, wb._active_sheet_index, wb.vba_archive  # noqa: SLF001
            try:
                wb._sheets = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]  # noqa: SLF001
                wb._active_sheet_index, wb.vba_archive = 0, None  # noqa: SLF001
                wb.save(src)
            finally:
                wb._sheets, wb._active_sheet_index, wb.vba_archive = sheets, active, vba  # noqa: SLF001
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
        saving.save_workbook(self.wb, target)
        self.path = target


def _load(path: Path) -> openpyxl.Workbook:
    if not path.exists():
        raise WorkbookError("not_found", path=str(path))
    keep_vba = path.suffix.lower() in (".xlsm", ".xltm", ".xlam")
    try:
        return openpyxl.load_workbook(path, keep_vba=keep_vba, rich_text=False)
    except PermissionError as e:
        raise WorkbookError("locked", path=str(path)) from e
    except Exception as e:  # openpyxl raises many types for a non-workbook
        raise WorkbookError("not_workbook", path=str(path), detail=str(e)) from e


class FileSheets:
    def __init__(self, book: FileBook) -> None:
        self.book = book

    @property
    def api(self):
        return self.book.wb.worksheets

    @property
    def active(self) -> FileSheet:
        return FileSheet(self.book, self.book.wb.active)

    def __call__(self, name_or_index):
        wb = self.book.wb
        if isinstance(name_or_index, int):
            return FileSheet(self.book, wb.worksheets[name_or_index - 1])
        if name_or_index in wb.sheetnames:
            return FileSheet(self.book, wb[name_or_index])
        raise KeyError(name_or_index)

    def __contains__(self, name: str) -> bool:
        return name in self.book.wb.sheetnames

    def __len__(self) -> int:
        return len(self.book.wb.worksheets)

    def __iter__(self):
        for ws in self.book.wb.worksheets:
            yield FileSheet(self.book, ws)

    def add(self, before=None, after=None, name=None) -> FileSheet:
        wb = self.book.wb
        if before is not None:
            index = wb.worksheets.index(before.ws)
        elif after is not None:
            index = wb.worksheets.index(after.ws) + 1
        else:
            index = len(wb.worksheets)
        ws = wb.create_sheet(title=name, index=index)
        self.book.count("sheet.add")
        return FileSheet(self.book, ws)


class FileSheet(base.Sheet):
    def __init__(self, book: FileBook, ws) -> None:
        self.book_impl = book
        self.ws = ws

    @property
    def api(self):
        return self.ws

    @property
    def name(self) -> str:
        return self.ws.title

    @name.setter
    def name(self, value: str) -> None:
        self.ws.title = value

    @property
    def book(self) -> FileBook:
        return self.book_impl

    @property
    def index(self) -> int:
        return self.book_impl.wb.worksheets.index(self.ws) + 1

    def range(self, arg1, arg2=None) -> FileRange:
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
        keys = [k for k, cell in self.ws._cells.items() if cell.value is not None]  # noqa: SLF001
        if not keys:
            return FileRange(self, 1, 1, 1, 1)
        return FileRange(self, 1, 1, max(r for r, _ in keys), max(c for _, c in keys))

    @property
    def visible(self) -> bool:
        return self.ws.sheet_state == "visible"

    @visible.setter
    def visible(self, value: bool) -> None:
        self.ws.sheet_state = "visible" if value else "hidden"

    def activate(self) -> None:
        self.book_impl.wb.active = self.ws

    def select(self) -> None:
        self.activate()

    def clear_contents(self) -> None:
        self.used_range.clear_contents()

    def clear(self) -> None:
        # Output sheets are rebuilt from scratch. openpyxl has no public "clear all
        # cells", and deleting rows one by one is quadratic on large sheets.
        self.book_impl.count("sheet.clear")
        self.ws._cells.clear()  # noqa: SLF001
        self.ws.conditional_formatting = type(self.ws.conditional_formatting)()
        self.ws.data_validations.dataValidation = []
        self.ws.merged_cells.ranges = set()

    def delete(self) -> None:
        self.book_impl.count("sheet.delete")
        self.book_impl.wb.remove(self.ws)

    def autofit(self, axis=None) -> None:
        pass

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileSheet) and other.ws is self.ws

    def __hash__(self) -> int:
        return id(self.ws)


class FileNote:
    def __init__(self, rng: FileRange) -> None:
        self.rng = rng

    @property
    def api(self):
        return self.rng.ws.cell(self.rng.r1, self.rng.c1).comment

    @property
    def text(self) -> str:
        c = self.api
        return c.text if c else ""

    @text.setter
    def text(self, value: str) -> None:
        self.rng.note = value

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
    def ws(self):
        return self.sheet_impl.ws

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
            col = get_column_letter(c)
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

    def end(self, direction: str) -> FileRange:
        """Excel's Ctrl+arrow: to the edge of the current block, or to the next block."""
        self._book.count("range.end")
        dr, dc = {"down": (1, 0), "up": (-1, 0), "right": (0, 1), "left": (0, -1)}[direction]
        max_r, max_c = max(self.ws.max_row, 1), max(self.ws.max_column, 1)
        r, c = self.r1, self.c1

        def empty(rr, cc):
            return _is_empty(self.ws._cells.get((rr, cc)) and self.ws._cells[(rr, cc)].value)  # noqa: SLF001

        def inside(rr, cc):
            return 1 <= rr <= max_r and 1 <= cc <= max_c

        if not empty(r, c) and inside(r + dr, c + dc) and not empty(r + dr, c + dc):
            while inside(r + dr, c + dc) and not empty(r + dr, c + dc):
                r, c = r + dr, c + dc
        else:
            r, c = r + dr, c + dc
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
        cells = self.ws._cells  # noqa: SLF001 - sparse: reading must not create empty cells
        columns = range(self.c1, self.c2 + 1)
        rows = [[None if (cell := cells.get((r, c))) is None else cell.value for c in columns]
                for r in range(self.r1, min(self.r2, max(self.ws.max_row, 1)) + 1)]
        rows += [[None] * len(columns) for _ in range(self.r2 - self.r1 + 1 - len(rows))]
        if any(isinstance(v, str) and v.startswith("=") for row in rows for v in row):
            rows = self._book.computed(self.ws.title, self.r1, self.c1, rows)
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
        ws = self.ws
        for i, row in enumerate(data):
            r = self.r1 + i
            for j, v in enumerate(row):
                _set_cell(ws, r, self.c1 + j, v)

    def clear_contents(self) -> None:
        self._book.count("range.clear_contents")
        for row in self.ws.iter_rows(min_row=self.r1, max_row=min(self.r2, self.ws.max_row),
                                     min_col=self.c1, max_col=min(self.c2, self.ws.max_column)):
            for cell in row:
                cell.value = None

    def clear(self) -> None:
        self._book.count("range.clear")
        cells = self.ws._cells  # noqa: SLF001
        for key in [k for k in cells if self.r1 <= k[0] <= self.r2 and self.c1 <= k[1] <= self.c2]:
            del cells[key]

    def clear_formats(self) -> None:
        self._book.count("range.clear_formats")
        from openpyxl.styles.cell_style import StyleArray

        for (r, c), cell in list(self.ws._cells.items()):  # noqa: SLF001
            if self.r1 <= r <= self.r2 and self.c1 <= c <= self.c2:
                cell._style = StyleArray()  # noqa: SLF001

    # -- formats --------------------------------------------------------------------
    def _cells(self):
        ws = self.ws
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                yield ws.cell(r, c)

    @property
    def number_format(self) -> str:
        return self.ws.cell(self.r1, self.c1).number_format

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._book.count("range.number_format")
        for cell in self._cells():
            cell.number_format = value

    @property
    def color(self):
        self._book.count("range.color.read")
        fill = self.ws.cell(self.r1, self.c1).fill
        if fill is None or fill.fill_type != "solid":
            return None
        rgb = fill.fgColor.rgb
        if not isinstance(rgb, str):
            return None
        rgb = rgb[-6:]
        return int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)

    @color.setter
    def color(self, color) -> None:
        self._book.count("range.color")
        if color is None:
            fill = PatternFill(fill_type=None)
        else:
            hexrgb = _to_rgb_hex(color)
            fill = PatternFill(fill_type="solid", fgColor="FF" + hexrgb, bgColor="FF" + hexrgb)
        for cell in self._cells():
            cell.fill = fill

    @property
    def note(self):
        c = self.ws._cells.get((self.r1, self.c1))  # noqa: SLF001
        return FileNote(self) if c is not None and c.comment is not None else None

    @note.setter
    def note(self, text: str | None) -> None:
        self._book.count("range.note")
        for cell in self._cells():
            cell.comment = Comment(text, "salesbook", width=320, height=140) if text else None

    def add_note(self, text: str) -> FileNote:
        self.note = text
        return FileNote(self)

    @property
    def row_height(self) -> float | None:
        return self.ws.row_dimensions[self.r1].height

    @row_height.setter
    def row_height(self, value: float) -> None:
        self._book.count("range.row_height")
        for r in range(self.r1, self.r2 + 1):
            self.ws.row_dimensions[r].height = value

    @property
    def wrap_text(self) -> bool:
        return bool(self.ws.cell(self.r1, self.c1).alignment.wrap_text)

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        self._book.count("range.wrap_text")
        for cell in self._cells():
            align = copy.copy(cell.alignment)
            align.wrap_text = bool(value)
            cell.alignment = align

    @property
    def font(self) -> FileFont:
        return FileFont(self)

    @property
    def column_width(self) -> float:
        return self.ws.column_dimensions[get_column_letter(self.c1)].width

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._book.count("range.column_width")
        for c in range(self.c1, self.c2 + 1):
            self.ws.column_dimensions[get_column_letter(c)].width = value

    @property
    def formula(self):
        return self.raw_value

    @formula.setter
    def formula(self, value) -> None:
        self.raw_value = value

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, FileRange) and other.sheet_impl == self.sheet_impl
                and (other.r1, other.c1, other.r2, other.c2) == (self.r1, self.c1, self.r2, self.c2))

    def __hash__(self) -> int:
        return hash((id(self.ws), self.r1, self.c1, self.r2, self.c2))


class FileFont:
    """Bold, italic, size and colour of a range's font (one call per property set)."""

    def __init__(self, rng: FileRange) -> None:
        self.rng = rng

    @property
    def api(self):
        return self.rng.ws.cell(self.rng.r1, self.rng.c1).font

    def _get(self, attr):
        return getattr(self.api, attr)

    def _set(self, **changes) -> None:
        self.rng._book.count("range.font")  # noqa: SLF001
        for cell in self.rng._cells():  # noqa: SLF001
            font = copy.copy(cell.font)
            for k, v in changes.items():
                setattr(font, k, v)
            cell.font = font

    bold = property(lambda self: self._get("b"), lambda self, v: self._set(b=bool(v)))
    italic = property(lambda self: self._get("i"), lambda self, v: self._set(i=bool(v)))
    size = property(lambda self: self._get("sz"), lambda self, v: self._set(sz=v))
    name = property(lambda self: self._get("name"), lambda self, v: self._set(name=v))

    @property
    def color(self):
        c = self.api.color
        rgb = c.rgb if c is not None and isinstance(c.rgb, str) else None
        return (int(rgb[2:4], 16), int(rgb[4:6], 16), int(rgb[6:8], 16)) if rgb else None

    @color.setter
    def color(self, value) -> None:
        self._set(color="FF" + _to_rgb_hex(value))



def _set_cell(ws, r: int, c: int, v: Any) -> None:
    """Write like Excel's Range.Value: '=…' is a formula, a leading apostrophe forces text."""
    v = FileEngine.prepare_xl_data_element(v)
    if isinstance(v, str) and v.startswith("'"):
        cell = ws.cell(r, c)
        cell.value = v[1:]
        cell.data_type = "s"
        cell.quotePrefix = True
        return
    if v is None:
        existing = ws._cells.get((r, c))  # noqa: SLF001
        if existing is not None:
            existing.value = None
        return
    ws.cell(r, c).value = v


def open_book(path: str | os.PathLike[str], *, read_only: bool = False) -> xw.Book:
    """Open a workbook file as an ``xw.Book`` driven by this engine."""
    return xw.Book(impl=FileBook(path, read_only=read_only))


def new_book(path: str | os.PathLike[str], wb: openpyxl.Workbook) -> xw.Book:
    return xw.Book(impl=FileBook(path, wb=wb))


def calls(book: xw.Book) -> collections.Counter[str]:
    """Range operations this book has issued (each one a round trip in live Excel)."""
    impl = book.impl
    return impl.calls if isinstance(impl, FileBook) else collections.Counter()
