"""One worksheet part: values read fast, cells edited as splices, owned sheets written whole.

Two kinds of sheet, one class:

* a **user sheet** (orders, targets, …) is read — values through python-calamine, which
  returns formulas' saved results — and edited cell by cell: at save, only the ``<row>``
  elements holding an edited cell are re-spliced, and in them only the edited ``<c>``
  elements; every other byte of the part is copied as it was.
* a **salesbook sheet** is cleared (:meth:`SheetPart.clear`) and written whole from the
  cells, widths, heights and page setup set on it.

Edits are kept per cell as ``[value, style, xml]``: a new value with its style index, or the
exact element (``xml``) when a cell keeps its content and only its style changes, or when
an element saved earlier is put back.

Reading the file's XML lives in :mod:`.sheetsource`, saving (splice or generate) in
:mod:`.sheetwrite`; this module holds the cells and their edits.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import cells as cx
from . import package as pk
from .cellstate import FORMULA_START
from .notes import Notes
from .sheetsource import Grid, RowIndex
from .sheetwrite import SheetSaving

BASE = object()  # the cell's value is the one read from the file
PARSE = object()  # the cell's value is read from its ``xml``


class SheetPart(SheetSaving):
    """The cells and sheet-level settings of one worksheet."""

    def __init__(self, book, name: str, part: str, *, source_name: str | None = None, new: bool = False) -> None:
        self.book = book  # the WorkbookModel
        self.name = name
        self.part = part
        self.source_name = source_name  # the sheet's name in the file as opened (calamine reads by it)
        self.cleared = new
        self.rows: dict[int, dict[int, list]] = {}
        self._grid: Grid | None = None
        self._index: RowIndex | None = None
        self._notes: Notes | None = None
        self.col_widths: dict[int, float] = {}
        self.row_heights: dict[int, float] = {}
        self.page: dict[str, Any] = {}
        self.breaks: list[int] = []
        self.print_area: str | None = None
        self.print_titles: str | None = None  # rows repeated on each printed page, e.g. "1:2"
        self.frozen: tuple[int, int] = (0, 0)  # (rows, columns) frozen at the top left
        self.autofilter: str | None = None  # the filtered range, header row included, e.g. "A2:H98"
        self._cols: list[tuple[int, int, dict[str, str]]] | None = None
        self._xml: bytes | None = None
        self.cols_changed = False
        self.tab_color: str | None = None
        self._ext: dict[bool, tuple[int, int]] = {}
        self._colrows: dict[int, list[int]] = {}

    def _mutated(self) -> None:
        self._ext.clear()
        self._colrows.clear()

    def column_rows(self, c: int) -> list[int]:
        """The rows of column ``c`` that hold a value, in order (for Ctrl+Up/Down)."""
        hit = self._colrows.get(c)
        if hit is not None:
            return hit
        g = self.grid()
        if g.sparse is not None:
            rows = {r for (r, cc), v in g.sparse.items() if cc == c and v not in (None, "")}
        else:
            j = c - g.left
            rows = {g.top + i for i, row in enumerate(g.rows) if 0 <= j < len(row) and row[j] is not None} \
                if j >= 0 else set()
        for r, row in self.rows.items():
            if c in row:
                (rows.add if self.value(r, c) is not None else rows.discard)(r)
        out = self._colrows[c] = sorted(rows)
        return out

    # -- source -------------------------------------------------------------------------
    def xml(self) -> bytes:
        """The part as it is in the file (inflated once)."""
        if self._xml is None:
            self._xml = self.book.pkg.read(self.part)
        return self._xml

    def index(self) -> RowIndex:
        if self._index is None:
            self._index = RowIndex(self.xml())
        return self._index

    def grid(self) -> Grid:
        if self._grid is None:
            self._grid = Grid() if self.cleared else self.book.read_grid(self)
        return self._grid

    def notes(self) -> Notes:
        if self._notes is None:
            self._notes = Notes(self.book.pkg, self.part)
        return self._notes

    @property
    def prefix(self) -> str:
        if self.cleared:
            return ""
        return self.index().prefix.decode()

    # -- cells ----------------------------------------------------------------------------
    def _edit(self, r: int, c: int) -> list | None:
        row = self.rows.get(r)
        return row.get(c) if row else None

    def original_xml(self, r: int, c: int) -> bytes | None:
        if self.cleared:
            return None
        return self.index().cell_xml(r, c)

    def cell_xml(self, r: int, c: int) -> bytes:
        """The cell's element as it would be saved now (b'' when it has none)."""
        e = self._edit(r, c)
        if e is None:
            return self.original_xml(r, c) or b""
        if e[2] is not None:
            return e[2]
        return cx.render(r, c, e[0], e[1], self.prefix).encode()

    def style(self, r: int, c: int) -> int:
        e = self._edit(r, c)
        if e is not None:
            return e[1] if e[2] is None else cx.style_of(e[2])
        xml = self.original_xml(r, c)
        if xml is not None:
            return cx.style_of(xml)
        return self._default_style(r, c)

    def _default_style(self, r: int, c: int) -> int:
        """What a new value in an empty cell is formatted with: the row's, else the column's style."""
        if self.cleared:
            return 0
        idx = self.index()
        i = idx.where.get(r)
        if i is not None:
            tag = idx.tags[i]
            if b'customFormat="1"' in tag:
                m = re.search(rb'\ss="(\d+)"', tag)
                if m:
                    return int(m.group(1))
        for lo, hi, a in self.cols():
            if lo <= c <= hi and "style" in a:
                return int(a["style"])
        return 0

    def value(self, r: int, c: int):
        e = self._edit(r, c)
        if e is None:
            return self.grid().get(r, c)
        v = e[0]
        if v is BASE:
            return self.grid().get(r, c)
        if v is PARSE:
            v = cx.value_of(e[2], self.book.shared_strings(), self.book.styles().is_date)
            e[0] = v if not isinstance(v, str) or v else None
            return e[0]
        return v

    def read(self, r1: int, c1: int, r2: int, c2: int) -> list[list]:
        """Values as Excel's Range.Value gives them: None, str, float, bool, datetime, time."""
        out = self.grid().block(r1, c1, r2, c2)
        for r in range(r1, r2 + 1) if len(self.rows) > (r2 - r1) else sorted(self.rows):
            row = self.rows.get(r)
            if not row or not r1 <= r <= r2:
                continue
            target = out[r - r1]
            for c in row:
                if c1 <= c <= c2:
                    target[c - c1] = _excel_value(self.value(r, c))
        return out

    def write(self, r: int, c: int, value) -> None:
        """Set a value as Excel's Range.Value does: the cell keeps its format; "'x" is text x."""
        styles = self.book.styles()
        s = self.style(r, c)
        quoted = False
        if isinstance(value, str):
            if value.startswith("'"):
                value, quoted = value[1:], True
            if value == "":
                value = None
        xf = styles.xf(s)
        has_quote = xf is not None and xf.get("quotePrefix") in ("1", "true")
        if quoted != has_quote and (quoted or value is not None):
            s = styles.derive(s, quote=quoted)
        if isinstance(value, (dt.datetime, dt.date)) and not styles.is_date(s):
            timed = isinstance(value, dt.datetime) and (value.hour or value.minute or value.second)
            s = styles.derive(s, number_format="yyyy-mm-dd hh:mm" if timed else "yyyy-mm-dd")
        if isinstance(value, str) and value[:1] in FORMULA_START and not quoted:
            self.book.count("text.unprotected")  # Excel would try to make this a formula
        self.rows.setdefault(r, {})[c] = [value, s, None]
        self._mutated()

    def write_block(self, r1: int, c1: int, data: list[list]) -> None:
        if not self.cleared:
            for i, row in enumerate(data):
                for j, v in enumerate(row):
                    self.write(r1 + i, c1 + j, v)
            return
        # a salesbook sheet being written: the same rules as write(), with the styles cached
        styles = self.book.styles()
        derived: dict[tuple[int, str], int] = {}

        def style(base: int, kind: str) -> int:
            hit = derived.get((base, kind))
            if hit is None:
                if kind == "quote":
                    hit = styles.derive(base, quote=True)
                elif styles.is_date(base):
                    hit = base
                else:
                    hit = styles.derive(base, number_format="yyyy-mm-dd hh:mm" if kind == "time" else "yyyy-mm-dd")
                derived[(base, kind)] = hit
            return hit

        unprotected = 0
        for i, row in enumerate(data):
            target = self.rows.setdefault(r1 + i, {})
            for j, v in enumerate(row):
                c = c1 + j
                old = target.get(c)
                s = 0 if old is None else (old[1] if old[2] is None else cx.style_of(old[2]))
                t = type(v)
                if t is str:
                    if not v:
                        v = None
                    elif v[0] == "'":
                        v, s = v[1:] or None, style(s, "quote")
                    elif v[0] in FORMULA_START:
                        unprotected += 1
                elif t is dt.datetime:
                    s = style(s, "time" if v.hour or v.minute or v.second else "date")
                elif t is dt.date:
                    s = style(s, "date")
                target[c] = [v, s, None]
        if unprotected:
            self.book.count("text.unprotected", unprotected)
        self._mutated()

    def set_style(self, r: int, c: int, **changes) -> None:
        """Change a cell's format (fill, number format, font, wrap), keeping its content."""
        styles = self.book.styles()
        e = self._edit(r, c)
        if e is not None and e[2] is None:
            e[1] = styles.derive(e[1], **changes)
        else:
            xml = e[2] if e is not None else self.original_xml(r, c)
            if xml:
                new = cx.with_style(xml, styles.derive(cx.style_of(xml), **changes))
                self.rows.setdefault(r, {})[c] = [e[0] if e is not None else BASE, cx.style_of(new), new]
            else:
                self.rows.setdefault(r, {})[c] = [None, styles.derive(self._default_style(r, c), **changes), None]
        self._mutated()

    def set_styles(self, cells, **changes) -> None:
        """:meth:`set_style` on many cells; a cell holding a new value derives its format once per
        distinct starting format (a column of 100,000 cells costs a dict lookup each)."""
        styles = self.book.styles()
        derived: dict[int, int] = {}
        for r, c in cells:
            e = self._edit(r, c)
            if e is None or e[2] is not None:
                self.set_style(r, c, **changes)
                continue
            new = derived.get(e[1])
            if new is None:
                new = derived[e[1]] = styles.derive(e[1], **changes)
            e[1] = new
        self._mutated()

    def restore_xml(self, r: int, c: int, xml: str) -> None:
        """Put a cell's element back exactly as it was saved (an empty string: no element)."""
        self.rows.setdefault(r, {})[c] = [PARSE if xml else None, cx.style_of(xml.encode()) if xml else 0,
                                          xml.encode()]
        self._mutated()

    def clear_contents(self, r1: int, c1: int, r2: int, c2: int) -> None:
        lr, lc = self.extent()
        for r in range(r1, min(r2, lr) + 1):
            for c in range(c1, min(c2, lc) + 1):
                if self.value(r, c) is not None:
                    self.write(r, c, None)

    def delete_cells(self, r1: int, c1: int, r2: int, c2: int) -> None:
        lr, lc = self.extent(with_styles=True)
        for r in range(r1, min(r2, lr) + 1):
            for c in range(c1, min(c2, lc) + 1):
                if self.cell_xml(r, c):
                    self.rows.setdefault(r, {})[c] = [None, 0, b""]
        self._mutated()

    def extent(self, *, with_styles: bool = False) -> tuple[int, int]:
        hit = self._ext.get(with_styles)
        if hit is None:
            hit = self._ext[with_styles] = self._extent(with_styles)
        return hit

    def _extent(self, with_styles: bool) -> tuple[int, int]:
        lr, lc = self.grid().extent()
        if with_styles and not self.cleared:
            idx = self.index()
            if idx.nums:
                lr = max(lr, idx.nums[-1])
                lc = max(lc, max((max(idx.cells(r), default=0) for r in idx.nums[-50:]), default=0))
        for r, row in self.rows.items():
            for c, e in row.items():
                if e[2] is not None:
                    keep = e[2] != b""
                else:
                    keep = e[0] is not None or bool(with_styles and e[1])
                if keep:
                    lr, lc = max(lr, r), max(lc, c)
        return lr, lc

    # -- columns ----------------------------------------------------------------------
    def cols(self) -> list[tuple[int, int, dict[str, str]]]:
        if self._cols is None:
            self._cols = []
            if not self.cleared:
                data = self.xml()
                block = re.search(rb"<(?:\w+:)?cols\b[^>]*>(.*?)</(?:\w+:)?cols>", data[:data.find(b"sheetData")],
                                  re.S)
                if block:
                    for m in re.finditer(rb"<(?:\w+:)?col\b[^>]*/?>", block.group(1)):
                        a = pk.attrs(m.group())
                        self._cols.append((int(a.get("min", 1)), int(a.get("max", 1)), a))
        return self._cols

    def col_width(self, c: int) -> float | None:
        if c in self.col_widths:
            return self.col_widths[c]
        for lo, hi, a in self.cols():
            if lo <= c <= hi and "width" in a:
                return float(a["width"])
        return None

    # -- sheet-level --------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every cell and setting: the sheet will be written whole from what is set next."""
        if not self.cleared:
            self.tab_color = _tab_color(self.xml())
            self.book.drop_owned_parts(self)
        self.cleared = True
        self.rows.clear()
        self._grid = Grid()
        self._index = None
        self._notes = None
        self._cols = []
        self.col_widths.clear()
        self.row_heights.clear()
        self.page.clear()
        self.breaks.clear()
        self.print_area = None
        self.print_titles = None
        self.frozen = (0, 0)
        self.autofilter = None
        self._mutated()

    # -- saving -------------------------------------------------------------------------
    def to_bytes(self) -> bytes | None:
        """The part's new bytes, or None when nothing changed."""
        if self.cleared:
            data = self._generate()
        elif self.rows or self.cols_changed:
            data = self._splice()
        else:
            data = None
        if self._notes is not None and self._notes.dirty:
            data = self._notes.finish(data if data is not None else self.xml())
        return data


def _excel_value(v):
    t = type(v)
    if t is int:
        return float(v)
    if t is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    if t is str and not v:
        return None
    if t is float and v != v:
        return None
    return v



def _tab_color(data: bytes) -> str | None:
    m = re.search(rb'<(?:\w+:)?tabColor\b[^>]*\brgb="([0-9A-Fa-f]{6,8})"', data[:4096])
    return m.group(1).decode() if m else None
