"""A worksheet part as read from the file: its values (:class:`Grid`) and where each row and cell
element sits in its XML (:class:`RowIndex`), so edits can be spliced in (see :mod:`.sheetxml`)."""

from __future__ import annotations

import re
from typing import Any

from .xmlsafe import col_index

_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(/?)>")
_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?(/?)>")
_R_ATTR = re.compile(rb'\sr="(\d+)"')
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')


class Grid:
    """Values of a sheet as read from the file (1-based rows and columns; an empty cell is None)."""

    def __init__(self, rows: list[list] | None = None, top: int = 1, left: int = 1,
                 sparse: dict[tuple[int, int], Any] | None = None) -> None:
        self.rows, self.top, self.left, self.sparse = rows or [], top, left, sparse
        self._extent: tuple[int, int] | None = None

    def get(self, r: int, c: int):
        if self.sparse is not None:
            return self.sparse.get((r, c))
        i, j = r - self.top, c - self.left
        if 0 <= i < len(self.rows) and 0 <= j:
            row = self.rows[i]
            if j < len(row):
                return row[j]
        return None

    def block(self, r1: int, c1: int, r2: int, c2: int) -> list[list]:
        if self.sparse is not None:
            return [[self.sparse.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        width = c2 - c1 + 1
        out = []
        j1, j2 = c1 - self.left, c2 - self.left + 1
        pad_left = max(0, -j1)
        for r in range(r1, r2 + 1):
            i = r - self.top
            if 0 <= i < len(self.rows) and j2 > 0:
                seg = self.rows[i][max(j1, 0):j2]
                vals = [None] * pad_left + seg
                vals += [None] * (width - len(vals))
                out.append(vals)
            else:
                out.append([None] * width)
        return out

    def extent(self) -> tuple[int, int]:
        """(last row, last column) that hold a value; (0, 0) when empty."""
        if self._extent is None:
            if self.sparse is not None:
                keys = [k for k, v in self.sparse.items() if v is not None]
                self._extent = (max((r for r, _ in keys), default=0), max((c for _, c in keys), default=0))
            else:
                last_r = last_c = 0
                for i in range(len(self.rows) - 1, -1, -1):
                    if any(v is not None for v in self.rows[i]):
                        last_r = self.top + i
                        break
                for row in self.rows:
                    j = len(row)
                    while j > 0 and row[j - 1] is None:
                        j -= 1
                    last_c = max(last_c, j)
                self._extent = (last_r, self.left + last_c - 1 if last_c else 0)
        return self._extent


class RowIndex:
    """Where each ``<row>`` of a sheet's XML starts and ends, and its cells."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        m = re.search(rb"<(?:\w+:)?sheetData\b[^>]*?(/?)>", data)
        if m is None:
            raise ValueError("worksheet without sheetData")
        self.self_closed = bool(m.group(1))
        self.open_start, self.open_end = m.start(), m.end()
        if self.self_closed:
            self.close_start = self.close_end = m.end()
        else:
            close = re.compile(rb"</(?:\w+:)?sheetData\s*>").search(data, m.end())
            self.close_start, self.close_end = close.start(), close.end()
        self.prefix = re.match(rb"<(\w+:)?", m.group()).group(1) or b""
        self.nums: list[int] = []
        self.spans: list[tuple[int, int]] = []
        self.tags: list[bytes] = []
        last = 0
        end_tag = b"</" + self.prefix + b"row>"
        pos = self.open_end
        while True:
            m = _ROW.search(data, pos, self.close_start)
            if m is None:
                break
            tag = m.group()
            r = _R_ATTR.search(tag)
            num = int(r.group(1)) if r else last + 1
            if m.group(1):
                end = m.end()
            else:
                end = data.index(end_tag, m.end()) + len(end_tag)
            self.nums.append(num)
            self.spans.append((m.start(), end))
            self.tags.append(tag)
            last = num
            pos = end
        self.where = {n: i for i, n in enumerate(self.nums)}
        self._cells: dict[int, dict[int, tuple[int, int]]] = {}

    def cells(self, r: int) -> dict[int, tuple[int, int]]:
        """Column → (start, end) of each ``<c>`` in row ``r`` (absolute offsets)."""
        hit = self._cells.get(r)
        if hit is not None:
            return hit
        out: dict[int, tuple[int, int]] = {}
        i = self.where.get(r)
        if i is not None:
            start, end = self.spans[i]
            end_tag = b"</" + self.prefix + b"c>"
            pos, last = start + len(self.tags[i]), 0
            while True:
                m = _CELL.search(self.data, pos, end)
                if m is None:
                    break
                cr = _CELL_REF.search(m.group())
                col = col_index(cr.group(1).decode()) if cr else last + 1
                cend = m.end() if m.group(1) else self.data.index(end_tag, m.end()) + len(end_tag)
                out[col] = (m.start(), cend)
                last, pos = col, cend
        self._cells[r] = out
        return out

    def cell_xml(self, r: int, c: int) -> bytes | None:
        span = self.cells(r).get(c)
        return None if span is None else self.data[span[0]:span[1]]
