"""Saving a worksheet part (see :mod:`.sheetxml`): a user sheet's edited rows spliced into its XML,
a salesbook sheet generated whole."""

from __future__ import annotations

import bisect
import re

from . import cells as cx
from . import package as pk
from .sheetsource import RowIndex
from .xmlsafe import MAIN, REL, col_index, col_letter, escape_attr, ref


class SheetSaving:
    """The saving half of :class:`.sheetxml.SheetPart` (a mixin: it works on the part's ``rows``,
    ``row_heights``, ``col_widths``, page settings and source index)."""

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



def _fix_spans(tag: bytes, cols: list[int]) -> bytes:
    m = re.search(rb'\sspans="(\d+):(\d+)"', tag)
    if not m or not cols:
        return tag
    lo, hi = int(m.group(1)), int(m.group(2))
    if min(cols) >= lo and max(cols) <= hi:
        return tag
    return tag[:m.start()] + b' spans="%d:%d"' % (min(lo, min(cols)), max(hi, max(cols))) + tag[m.end():]



def _num(v) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:.6g}"
