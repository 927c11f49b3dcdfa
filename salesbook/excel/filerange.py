"""Ranges of the file engine (see :mod:`.engine`): values, formats, notes and fonts of a rectangle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlwings import base_classes as base

from .cells import formula_of, style_of
from .filecoords import _is_empty, _jump, _to_rgb_hex
from .xmlsafe import col_letter

if TYPE_CHECKING:
    from .filebook import FileBook
    from .filesheet import FileSheet
    from .sheetxml import SheetPart


class FileNote:
    """A cell's note (comment) as xlwings' ``Note``: its text and author; deleting it removes it."""

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
