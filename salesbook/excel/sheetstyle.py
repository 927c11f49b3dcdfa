"""How each output sheet is presented: widths, wrapping, colours, the frozen header, the filter, printing.

The writer (:func:`salesbook.excel.io.write_blocks`) writes the blocks' values; this module
decides how the sheet reads and prints, from per-sheet rules (:data:`RULES`) and the values
just written:

* column widths from the content (CJK characters count two), capped at :data:`MAX_WIDTH`;
  text longer than that wraps;
* internal keys (预警编号 ``completion_low|2025-06 刘洋``) at the far right, narrow and grey —
  the column stays, because what users type is matched back by it;
* severity, status bands and log actions as cell fills, one Range call per colour and
  chunk of runs (a multi-area address such as ``C3:C5,C9:C12``), never one per row;
* the main table's title and header frozen, an autofilter on its header, its header rows
  repeated on every printed page, fit to one page wide, landscape.

What does not depend on the data (orientation, fit, the frozen header and printed header rows of
a table that starts at the top, the printed columns) is built into the template (:func:`build`);
:mod:`.printing` gives a file the same settings again after the file engine's clear, and runs in
Excel only what moves with the data. Everything else is xlwings' front-end API.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xlwings as xw

from .. import vocab
from ..core.tables import Block
from . import printing
from .xmlsafe import col_letter


@dataclass(frozen=True)
class SheetRules:
    """Presentation of one output sheet.

    ``main``: the block whose header gets the filter and is repeated on printed pages (None:
    a sheet of small tables, no filter); ``freeze``: freeze the rows down to that header (only
    when the table starts near the top, else the frozen part would fill the screen);
    ``keys``: column keys of internal keys; ``fixed``: the main table is the sheet's first block
    (title row 1, header row 2), so its frozen and printed rows are the template's."""

    main: str | None
    freeze: bool = True
    keys: tuple[str, ...] = ()
    fixed: bool = True


RULES: dict[str, SheetRules] = {
    "performance": SheetRules("performance"),
    "breakdown": SheetRules(None, freeze=False, fixed=False),  # seven small tables, each with its own header
    "funnel": SheetRules(None, freeze=False, fixed=False),  # summary, stages, stalled leads, lost reasons
    "rfm": SheetRules("rfm"),
    "tiers": SheetRules("tiers"),
    "portrait": SheetRules(None, freeze=False, fixed=False),  # the matrix, then the tag counts
    "followup_plan": SheetRules("plan"),
    "problems": SheetRules("problems", keys=("key",)),
    "alerts": SheetRules("alerts", keys=("key",)),
    "cleaning_log": SheetRules("cleaning_log", freeze=False, fixed=False),  # under a summary of varying length
}
DEFAULT_RULES = SheetRules(None, freeze=False, fixed=False)

RED, AMBER, GREEN, BLUE, GREY = (255, 199, 206), (255, 235, 156), (198, 239, 206), (221, 235, 247), (237, 237, 237)
FILLS: dict[str, dict[str, tuple[int, int, int]]] = {  # column key → code (salesbook.vocab) → fill
    "severity": {"high": RED, "medium": AMBER, "low": BLUE},
    "band": {"met": GREEN, "near": AMBER, "below": RED},
    "pace": {"behind": AMBER, "ahead": GREEN},
    "action": {"excluded": RED, "flagged": AMBER, "fixed": GREY},  # the cleaning log and its summary
}
KEY_FONT, KEY_HEADER = (128, 128, 128), (166, 166, 166)
MAX_WIDTH = 42  # wider text wraps
LINE_HEIGHT = 16  # points per line of wrapped text (12-point font, CJK glyphs)
KEY_WIDTH = 10
MIN_WIDTH = {"date": 11, "amount": 10, "row": 12, "pct": 7, "growth": 8, "pp": 12, "int": 6, "num": 7, "text": 6,
             "flag": 5}
FILTER_BUTTON = 2.5  # a header cell with a filter button needs this much more room
HEADER_WIDTH = 12  # a longer header over narrow values wraps instead of widening its column
MAX_ADDRESS = 250  # Excel's Range("…") takes at most 255 characters
MAX_FREEZE_ROW = 12  # freeze only when the main header is within the first rows
_WIDE = re.compile(r"[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA960-\uA97F"
                   r"\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]")


def rules_for(sheet_key: str | None) -> SheetRules:
    """The presentation rules of an output sheet (none for sheets the writer does not know)."""
    return RULES.get(sheet_key or "", DEFAULT_RULES)


def keys_last(block: Block, rules: SheetRules) -> Block:
    """The block with its internal-key columns moved to the far right (same frame, same id)."""
    keys = [c for c in block.cols if c.key in rules.keys]
    if not keys:
        return block
    from dataclasses import replace

    return replace(block, cols=tuple(c for c in block.cols if c.key not in rules.keys) + tuple(keys))


def text_width(s: str) -> int:
    """Display width of a text in column-width units: CJK and full-width characters count two;
    a multi-line text is as wide as its longest line."""
    return max((len(line) + len(_WIDE.findall(line)) for line in s.split("\n")), default=0)


SMALL = 5_000  # below this many values a plain loop beats pandas' per-call overhead


def column_width(values: Sequence, kind: str) -> float:
    """The widest value of one column as Excel would show it (an estimate in width units)."""
    values = list(values)
    if len(values) < SMALL:
        return _column_width_small(values, kind)
    distinct = pd.unique(np.asarray(values, dtype="object"))  # a log column repeats itself
    kinds = pd.Series([type(v) for v in distinct], dtype="object")
    s = pd.Series(distinct, dtype="object")
    width = 0.0
    text = s[(kinds == str).to_numpy()]
    if not text.empty:
        width = float(text_widths(text).max())
    dates = s[kinds.isin([dt.date, dt.datetime, pd.Timestamp]).to_numpy()]
    if not dates.empty:
        timed = any(isinstance(v, dt.datetime) and (v.hour or v.minute or v.second) for v in dates)
        width = max(width, 16.0 if timed else 10.0)
    numeric = kinds.map(lambda t: issubclass(t, (int, float, np.number)) and not issubclass(t, (bool, np.bool_)))
    nums = pd.to_numeric(s[numeric.to_numpy(dtype=bool)], errors="coerce").dropna()
    if not nums.empty:
        big = float(nums.abs().max())
        shown = {"pct": f"{big * 100:.1f}%", "growth": f"+{big * 100:.1f}%", "int": f"{big:.0f}",
                 "num": f"{big:,.1f}", "pp": f"+{big:.1f}个百分点", "amount": f"{big:,.2f}"}
        width = max(width, float(text_width(shown.get(kind, f"{big:,.2f}"))) + (1 if (nums < 0).any() else 0))
    return width


def _shown_number(big: float, kind: str) -> str:
    return {"pct": f"{big * 100:.1f}%", "growth": f"+{big * 100:.1f}%", "int": f"{big:.0f}",
            "num": f"{big:,.1f}", "pp": f"+{big:.1f}个百分点", "amount": f"{big:,.2f}"}.get(kind, f"{big:,.2f}")


def _column_width_small(values: list, kind: str) -> float:
    """:func:`column_width` for a short column, value by value (same rules)."""
    width, big, negative, timed, dated = 0.0, None, False, False, False
    for v in {v for v in values if not isinstance(v, (list, dict))}:
        if isinstance(v, str):
            width = max(width, text_width(v))
        elif isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
            dated = True
            timed = timed or (isinstance(v, dt.datetime) and bool(v.hour or v.minute or v.second))
        elif isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)) and v == v:
            big = abs(float(v)) if big is None else max(big, abs(float(v)))
            negative = negative or v < 0
    if dated:
        width = max(width, 16.0 if timed else 10.0)
    if big is not None and np.isfinite(big):
        width = max(width, float(text_width(_shown_number(big, kind))) + (1 if negative else 0))
    return width


def text_widths(text: pd.Series) -> pd.Series:
    """:func:`text_width` of each text of a Series (vectorised; multi-line texts by their longest line)."""
    lines = text.str.split("\n").explode()
    per_line = lines.str.len() + lines.str.count(_WIDE.pattern)
    return per_line.groupby(level=0).max().reindex(text.index)


@dataclass
class Written:
    """Where one block landed on the sheet and what it holds (filled in by the writer)."""

    block: Block
    title_row: int
    header_row: int
    headers: list[str]
    rows: list[list]
    _content: list[float] | None = None

    @property
    def first(self) -> int:
        return self.header_row + 1

    @property
    def last(self) -> int:
        return self.header_row + len(self.rows)

    @property
    def content(self) -> list[float]:
        """The widest value of each column (computed once)."""
        if self._content is None:
            self._content = [column_width([r[j] for r in self.rows], c.kind) for j, c in enumerate(self.block.cols)]
        return self._content


@dataclass
class SheetLayout:
    """The blocks written on one sheet, collected to size and dress the sheet once at the end."""

    rules: SheetRules
    written: list[Written] = field(default_factory=list)
    extra: dict[int, float] = field(default_factory=dict)  # column → width asked for by other tables

    def widths(self) -> dict[int, float]:
        out: dict[int, float] = dict(self.extra)
        for w in self.written:
            main = w.block.key == self.rules.main
            for j, (h, c) in enumerate(zip(w.headers, w.block.cols, strict=True)):
                if c.key in self.rules.keys:
                    out[j + 1] = max(out.get(j + 1, 0), KEY_WIDTH)
                    continue
                content = w.content[j] + 2
                head = text_width(str(h)) * 1.1 + 1.5 + (FILTER_BUTTON if main else 0)
                want = max(content, min(head, max(content, HEADER_WIDTH)), MIN_WIDTH.get(c.kind, 8))
                out[j + 1] = min(max(out.get(j + 1, 0), want), MAX_WIDTH)
        return out

    def wrapped(self) -> list[tuple[Written, int]]:
        """(block, column) pairs whose text is wider than the column: wrapped."""
        out = []
        for w in self.written:
            for j, c in enumerate(w.block.cols):
                if c.kind in ("text", "row") and c.key not in self.rules.keys and w.content[j] + 2 > MAX_WIDTH:
                    out.append((w, j + 1))
        return out


def lines(value, width: float) -> int:
    """How many lines a wrapped text takes in a column ``width`` units wide (an estimate that
    errs on the tall side: Excel breaks Latin text at spaces, and other fonts set Latin wider)."""
    if not isinstance(value, str) or not value:
        return 1
    room = max(width - 1.0, 1.0)

    def one(part: str) -> int:
        if text_width(part) <= room:
            return 1
        wide = len(_WIDE.findall(part))
        return math.ceil((2.0 * wide + 1.2 * (len(part) - wide)) * 1.05 / room)

    return sum(one(part) for part in value.split("\n"))


def column_lines(values: Sequence, width: float) -> list[int]:
    """:func:`lines` of each value of a column (worked out once per distinct value)."""
    known: dict = {}
    out = []
    for v in values:
        n = known.get(v)
        if n is None:
            n = known[v] = lines(v, width)
        out.append(n)
    return out


def paint_values(sheet: xw.Sheet, column: int, first_row: int, values: Sequence,
                 palette: dict[str, tuple[int, int, int]]) -> None:
    """Fill each cell of a column by its value: one Range call per colour and chunk of runs."""
    runs: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    arr = np.asarray(list(values), dtype="object")
    if not len(arr):
        return
    starts = np.flatnonzero(np.r_[True, arr[1:] != arr[:-1]])  # where a run of equal values begins
    ends = np.r_[starts[1:], len(arr)] - 1
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        colour = palette.get(str(arr[a]).strip()) if arr[a] is not None else None
        if colour is not None:
            runs.setdefault(colour, []).append((first_row + a, first_row + b))
    letter = col_letter(column)
    for colour, spans in runs.items():
        for address in _addresses(letter, spans):
            sheet.range(address).color = colour


def _addresses(letter: str, spans: list[tuple[int, int]]) -> list[str]:
    """Multi-area addresses ('C3:C5,C9,C12:C20') of at most MAX_ADDRESS characters each."""
    out, parts, size = [], [], 0
    for a, b in spans:
        part = f"{letter}{a}" if a == b else f"{letter}{a}:{letter}{b}"
        if parts and size + len(part) + 1 > MAX_ADDRESS:
            out.append(",".join(parts))
            parts, size = [], 0
        parts.append(part)
        size += len(part) + 1
    if parts:
        out.append(",".join(parts))
    return out


def dress_block(sheet: xw.Sheet, w: Written, rules: SheetRules) -> None:
    """Colours of one block just written: value fills, internal keys grey."""
    if not w.rows:
        return
    for j, c in enumerate(w.block.cols):
        if c.key in FILLS:  # painted by code (the frame), whatever the language of the words written
            codes = [vocab.parse(c.domain, v) or v for v in w.block.df[c.key]] if c.domain else [r[j] for r in w.rows]
            paint_values(sheet, j + 1, w.first, codes, FILLS[c.key])
        if c.key in rules.keys:
            sheet.range((w.first, j + 1), (w.last, j + 1)).font.color = KEY_FONT
            sheet.range((w.header_row, j + 1)).color = KEY_HEADER


def finish(sheet: xw.Sheet, layout: SheetLayout, last_row: int) -> None:
    """Widths, wrapping, frozen header, filter and print setup, once all blocks are written."""
    widths = layout.widths()
    cols = sorted(widths)
    start = 0
    for i in range(1, len(cols) + 1):  # one call per run of adjacent columns of equal width
        if i == len(cols) or cols[i] != cols[i - 1] + 1 or round(widths[cols[i]], 1) != round(widths[cols[start]], 1):
            sheet.range((1, cols[start]), (1, cols[i - 1])).column_width = round(widths[cols[start]], 1)
            start = i
    heights: dict[int, float] = {}
    for w, col in layout.wrapped():
        sheet.range((w.first, col), (w.last, col)).wrap_text = True
        for i, n in enumerate(column_lines([r[col - 1] for r in w.rows], widths[col])):
            if n > 1:
                heights[w.first + i] = max(heights.get(w.first + i, 0), n * LINE_HEIGHT + 2)
    for w in layout.written:  # a header wider than its column wraps
        room = FILTER_BUTTON if w.block.key == layout.rules.main else 0
        n = max((lines(str(h), widths[j + 1] - room) for j, h in enumerate(w.headers)
                 if w.block.cols[j].key not in layout.rules.keys), default=1)
        if n > 1:
            sheet.range((w.header_row, 1), (w.header_row, len(w.headers))).wrap_text = True
            heights[w.header_row] = n * LINE_HEIGHT + 2
    if heights:
        printing.fit_row_heights(sheet, 1, max(last_row, max(heights)), heights)
    main = next((w for w in layout.written if w.block.key == layout.rules.main), None)
    ncols = max((len(w.headers) for w in layout.written), default=1)
    printed = ncols - sum(1 for w in ([main] if main else []) for c in w.block.cols if c.key in layout.rules.keys)
    # set or reset each time: in Excel a cleared sheet keeps its panes, filter and titles
    # (a file's; Excel keeps the template's, see printing) and the filter, reset each time
    frozen = main is not None and layout.rules.freeze and main.header_row <= MAX_FREEZE_ROW
    printing.freeze_rows(sheet, main.header_row if frozen else 0)
    printing.autofilter(sheet, None if main is None else
                        f"A{main.header_row}:{col_letter(len(main.headers))}{max(main.last, main.header_row)}")
    printing.print_titles(sheet, None if main is None else f"{main.title_row}:{main.header_row}",
                          in_excel=main is not None and not layout.rules.fixed)
    if printed < ncols:  # internal keys are not printed
        printing.set_print_area(sheet, printed_area(printed))
    printing.fit_to_width(sheet, landscape=True)


def printed_area(columns: int) -> str:
    """The print area of a sheet whose first ``columns`` columns print: whole columns (Excel and
    LibreOffice print the rows that hold something), so it does not move with the data."""
    return f"A1:{col_letter(columns)}1048576"


def build(ws, sheet_key: str, blocks: list[Block]) -> None:
    """The fixed print setup of an output sheet in the template (openpyxl worksheet): A4 landscape,
    one page wide; for a table that starts at the top, its title and header frozen and printed on
    every page, and the printed columns when internal keys are not printed."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    rules = rules_for(sheet_key)
    main = next((b for b in blocks if b.key == rules.main), None)
    if main is None or not rules.fixed:
        return
    if rules.freeze:
        ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    printed = len(main.cols) - sum(1 for c in main.cols if c.key in rules.keys)
    if printed < len(main.cols):
        ws.print_area = printed_area(printed)
