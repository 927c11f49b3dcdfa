"""Sheets of the file engine (see :mod:`.engine`): the sheet collection, one sheet, frozen panes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from xlwings import base_classes as base

from .filecoords import _parse_address, _parse_cell
from .filerange import FileAreas, FileRange
from .xmlsafe import col_index

if TYPE_CHECKING:
    from .filebook import FileBook
    from .sheetxml import SheetPart


class FileSheets:
    """A workbook's sheets as xlwings' ``Sheets``: by name or 1-based index, ``add``, ``in``."""

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
    """One worksheet as xlwings' ``Sheet``: ranges, visibility, and (files only) page layout and charts."""

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
