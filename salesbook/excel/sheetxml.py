"""One worksheet part: values read fast, cells edited as splices, owned sheets written whole.

Two kinds of sheet, one class:

* a **user sheet** (orders, targets, …) is read — values through python-calamine, which
  returns formulas' saved results — and edited cell by cell: at save, only the ``<row>``
  elements holding an edited cell are re-spliced, and in them only the edited ``<c>``
  elements; every other byte of the part is copied as it was.
* a **salesbook sheet** is cleared (:meth:`SheetPart.clear`) and written whole from the
  cells, widths, heights, page setup and charts set on it.

Edits are kept per cell as ``[value, style, xml]``: a new value with its style index, or the
exact element (``xml``) when a cell keeps its content and only its style changes, or when
an element saved earlier is put back.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import Any

from . import cells as cx
from . import package as pk
from .notes import Notes
from .xmlsafe import MAIN, REL, col_index, col_letter, escape_attr, ref

BASE = object()  # the cell's value is the one read from the file
PARSE = object()  # the cell's value is read from its ``xml``
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


class SheetPart:
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
        self.charts: list[tuple[bytes, bytes]] = []  # (chart part XML, anchor XML with {rid})
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
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not quoted:
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
                    elif v[0] in "=+-@":
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
        self.charts.clear()
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

    def _render_row(self, r: int, edits: dict[int, list], p: str) -> bytes:
        parts = []
        for c in sorted(edits):
            e = edits[c]
            parts.append(e[2] if e[2] is not None else cx.render(r, c, e[0], e[1], p).encode())
        return b"".join(parts)

    def _splice(self) -> bytes:
        idx = self.index()
        data = idx.data
        p = idx.prefix.decode()
        out: list[bytes] = []
        pos = idx.open_end
        if idx.self_closed:
            out.append(data[:idx.open_start])
            out.append(f"<{p}sheetData>".encode())
            pos = idx.close_end
        else:
            out.append(data[:idx.open_end])
        for r in sorted(self.rows):
            edits = self.rows[r]
            i = idx.where.get(r)
            if i is not None:
                start, end = idx.spans[i]
                out.append(data[pos:start])
                out.append(self._splice_row(idx, i, r, edits, p))
                pos = end
            else:
                body = self._render_row(r, edits, p)
                if not body:
                    continue
                k = bisect.bisect_left(idx.nums, r)
                at = idx.spans[k][0] if k < len(idx.nums) else idx.close_start
                if idx.self_closed:
                    at = pos
                out.append(data[pos:at])
                ht = self.row_heights.get(r)
                attrs = f' ht="{ht}" customHeight="1"' if ht else ""
                out.append(f'<{p}row r="{r}"{attrs}>'.encode() + body + f"</{p}row>".encode())
                pos = at
        if idx.self_closed:
            out.append(f"</{p}sheetData>".encode())
        out.append(data[pos:])
        result = b"".join(out)
        result = self._update_dimension(result)
        if self.cols_changed:
            result = self._replace_cols(result)
        return result

    def _splice_row(self, idx: RowIndex, i: int, r: int, edits: dict[int, list], p: str) -> bytes:
        start, end = idx.spans[i]
        tag = idx.tags[i]
        existing = idx.cells(r)
        pieces: list[tuple[int, bytes]] = []
        for c, (s, e) in existing.items():
            if c not in edits:
                pieces.append((c, idx.data[s:e]))
        for c, e in edits.items():
            xml = e[2] if e[2] is not None else cx.render(r, c, e[0], e[1], p).encode()
            if xml:
                pieces.append((c, xml))
        pieces.sort(key=lambda x: x[0])
        if not existing:
            inner_start = start + len(tag)
        else:
            inner_start = min(s for s, _ in existing.values())
        body_end = max((e for _, e in existing.values()), default=start + len(tag))
        head = idx.data[start:inner_start] if existing else tag
        tail = idx.data[body_end:end] if existing else b""
        if head.endswith(b"/>"):  # <row .../> becomes <row ...>cells</row>
            head, tail = head[:-2] + b">", f"</{p}row>".encode()
        elif not existing and not tag.endswith(b"/>"):
            tail = idx.data[start + len(tag):end]
        head = _fix_spans(head, [c for c, _ in pieces])
        return head + b"".join(x for _, x in pieces) + tail

    def _update_dimension(self, data: bytes) -> bytes:
        m = re.search(rb'<(?:\w+:)?dimension\b[^>]*\bref="([^"]*)"', data[:4096])
        if not m:
            return data
        lr, lc = self.extent()
        if not lr:
            return data
        old = m.group(1).decode()
        last = old.split(":")[-1]
        mm = re.match(r"([A-Z]+)(\d+)", last)
        if mm and col_index(mm.group(1)) >= lc and int(mm.group(2)) >= lr:
            return data
        first = old.split(":")[0] if ":" in old else "A1"
        ol = (col_index(mm.group(1)), int(mm.group(2))) if mm else (1, 1)
        new = f"{first}:{col_letter(max(lc, ol[0]))}{max(lr, ol[1])}".encode()
        return data[:m.start(1)] + new + data[m.end(1):]

    def _cols_xml(self, p: str = "") -> str:
        merged: dict[int, dict[str, str]] = {}
        for lo, hi, a in self.cols():
            for c in range(lo, min(hi, lo + 16384) + 1):
                merged[c] = dict(a)
        for c, w in self.col_widths.items():
            a = merged.setdefault(c, {})
            a["width"] = _num(w)
            a["customWidth"] = "1"
        if not merged:
            return ""
        runs = []
        for c in sorted(merged):
            a = {k: v for k, v in merged[c].items() if k not in ("min", "max")}
            if runs and runs[-1][1] == c - 1 and runs[-1][2] == a:
                runs[-1][1] = c
            else:
                runs.append([c, c, a])
        body = "".join(f'<{p}col min="{lo}" max="{hi}"' + "".join(f' {k}="{escape_attr(v)}"' for k, v in a.items())
                       + "/>" for lo, hi, a in runs)
        return f"<{p}cols>{body}</{p}cols>"

    def _replace_cols(self, data: bytes) -> bytes:
        p = self.prefix
        new = self._cols_xml(p).encode()
        m = re.search(rb"<(?:\w+:)?cols\b[^>]*>.*?</(?:\w+:)?cols>", data, re.S)
        if m:
            return data[:m.start()] + new + data[m.end():]
        at = re.search(rb"<(?:\w+:)?sheetData\b", data).start()
        return data[:at] + new + data[at:]

    def _generate(self) -> bytes:
        """The whole part for a salesbook sheet."""
        lr, lc = self.extent(with_styles=True)
        dim = f"A1:{ref(max(lr, 1), max(lc, 1))}" if lr else "A1"
        pr = ""
        if self.tab_color:
            pr += f'<tabColor rgb="{self.tab_color}"/>'
        if self.page.get("fit"):
            pr += '<pageSetUpPr fitToPage="1"/>'
        out = [pk.XML_DECL.decode(), f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">']
        if pr:
            out.append(f"<sheetPr>{pr}</sheetPr>")
        out.append(f'<dimension ref="{dim}"/>')
        out.append(f"<sheetViews>{_sheet_view(*self.frozen)}</sheetViews>")
        out.append('<sheetFormatPr defaultRowHeight="15"/>')
        out.append(self._cols_xml())
        out.append("<sheetData>")
        for r in sorted(set(self.rows) | set(self.row_heights)):
            edits = self.rows.get(r, {})
            body = self._render_row(r, edits, "").decode()
            ht = self.row_heights.get(r)
            attrs = f' ht="{_num(ht)}" customHeight="1"' if ht else ""
            if body or attrs:
                out.append(f'<row r="{r}"{attrs}>{body}</row>')
        out.append("</sheetData>")
        if self.autofilter:  # CT_Worksheet order: after sheetData (and sheetProtection), before pageMargins
            out.append(f'<autoFilter ref="{self.autofilter}"/>')
        out.append('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>')
        if self.page:
            attrs = f' paperSize="{self.page.get("paper", 9)}"'
            if self.page.get("fit"):
                attrs += f' fitToWidth="{self.page.get("fit_width", 1)}" fitToHeight="{self.page.get("fit_height", 0)}"'
            attrs += f' orientation="{self.page.get("orientation", "portrait")}"'
            out.append(f"<pageSetup{attrs}/>")
        if self.breaks:
            brks = "".join(f'<brk id="{b}" max="16383" man="1"/>' for b in sorted(set(self.breaks)))
            n = len(set(self.breaks))
            out.append(f'<rowBreaks count="{n}" manualBreakCount="{n}">{brks}</rowBreaks>')
        if self.charts:
            out.append('<drawing r:id="{drawing_rid}"/>')
        out.append("</worksheet>")
        return "".join(out).encode()


def _sheet_view(rows: int, cols: int) -> str:
    """A ``<sheetView>`` with the top ``rows`` and left ``cols`` frozen (a plain view when both are 0)."""
    if not rows and not cols:
        return '<sheetView workbookViewId="0"/>'
    top_left = ref(rows + 1, cols + 1)
    pane = "bottomRight" if rows and cols else ("bottomLeft" if rows else "topRight")
    split = (f' xSplit="{cols}"' if cols else "") + (f' ySplit="{rows}"' if rows else "")
    return (f'<sheetView workbookViewId="0"><pane{split} topLeftCell="{top_left}" activePane="{pane}" '
            f'state="frozen"/><selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/></sheetView>')


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


def _fix_spans(tag: bytes, cols: list[int]) -> bytes:
    m = re.search(rb'\sspans="(\d+):(\d+)"', tag)
    if not m or not cols:
        return tag
    lo, hi = int(m.group(1)), int(m.group(2))
    if min(cols) >= lo and max(cols) <= hi:
        return tag
    return tag[:m.start()] + b' spans="%d:%d"' % (min(lo, min(cols)), max(hi, max(cols))) + tag[m.end():]


def _tab_color(data: bytes) -> str | None:
    m = re.search(rb'<(?:\w+:)?tabColor\b[^>]*\brgb="([0-9A-Fa-f]{6,8})"', data[:4096])
    return m.group(1).decode() if m else None


def _num(v) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:.6g}"
