"""Read the input sheets and write the output sheets of an ``xw.Book``: live Excel or a file.

Only xlwings' front-end API is used here (Sheet, Range, .options, .value, .color,
.number_format), so the same code runs in Excel on Windows/macOS and, through
:mod:`salesbook.excel.engine`, on a file anywhere. Each table is read in one call and
written in one call; formats are set per column, so the number of Range calls of a refresh
does not grow with the number of rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import xlwings as xw

from .. import messages, schema, vocab, words
from ..core.parse import key_text
from ..core.tables import Block
from ..settings import Settings
from . import sheetstyle
from .cellstate import put
from .inputs import (  # noqa: F401  the reading side lives in inputs.py; these names stay importable here
    BIG_READ,
    HEADER_SCAN_ROWS,
    MAX_HEADER_COLUMNS,
    Values,
    _find_header,
    _is_empty,
    append_rows,
    read_table,
    read_tables,
    table_values,
    unknown_columns,
)

# the style table (look.py) and the sheet helpers (book.py) live below this module; still importable here
from .book import ACKNOWLEDGED, acknowledged_alerts, ensure_sheet, sheet_names  # noqa: E402,F401
from .book import python_values as _python_values  # noqa: E402
from .look import HEADER_FILL, TITLE_FILL  # noqa: E402
from .look import number_formats  # noqa: E402


def row_kinds(block: Block, col) -> list[str]:
    """Per-row kinds of a 'row' column: the frame's ``<key>_kind`` column, else its ``kind`` column."""
    name = f"{col.key}_kind" if f"{col.key}_kind" in block.df else "kind"
    return block.df[name].tolist() if name in block.df else []


from .inputs import read_settings  # noqa: E402,F401


# -- writing ------------------------------------------------------------------------------
def _header(block: Block, c, lang: str, settings: Settings) -> str:
    """A column's header in ``lang`` from the vocabulary; amounts name the display unit."""
    return vocab.header(c.key, lang, block=block.key, unit_of=settings.display_unit if c.kind == "amount" else None)


def _words(s: pd.Series, c, lang: str, unit: messages.Unit) -> pd.Series:
    """Codes of the column's vocabulary domain and rendered messages as words in ``lang``."""
    if c.domain:
        s = s.map(lambda v: vocab.label(c.domain, v, lang))
    if s.dtype == object and s.map(lambda v: isinstance(v, (messages.Msg, messages.Join))).any():
        s = s.map(lambda v: messages.text(v, lang, unit))
    return s


def _cell_values(block: Block, settings: Settings, lang: str,
                 saved: dict[str, dict[str, Any]] | None = None) -> tuple[list[str], list[list[Any]]]:
    headers, columns = [], []
    factor = settings.unit_factor
    unit = messages.unit_of(settings)
    ids = [key_text(v) for v in block.df[block.id_col]] if block.id_col else []
    for c in block.cols:
        headers.append(_header(block, c, lang, settings))
        if c.user:
            typed = [(saved or {}).get(i, {}).get(c.key) for i in ids] if ids else [None] * len(block.df)
            if c.key in block.df:  # a computed starting value (e.g. the latest follow-up), until the user types
                start = _python_values(_words(block.df[c.key], c, lang, unit))
                history = block.df["prefill_history"].tolist() if "prefill_history" in block.df else [()] * len(start)
                typed = [s if t in (None, "") or t in h else t for t, s, h in zip(typed, start, history, strict=True)]
            columns.append(typed)
            continue
        s = _words(block.df[c.key], c, lang, unit)
        if c.kind == "amount":
            s = s.astype("float64") / factor
        if c.kind == "flag":
            s = s.map(lambda v: vocab.label("flag", "yes", lang) if v is True or v == 1 else None)
        if c.kind == "row":
            kinds = pd.Series(row_kinds(block, c), index=block.df.index, dtype="object")
            numeric = pd.to_numeric(s.where(s.map(lambda v: not isinstance(v, str))), errors="coerce")
            scaled = numeric.where(kinds != "amount", numeric / factor).where(kinds != "pp", numeric * 100)
            s = s.where(s.map(lambda v: isinstance(v, str)), scaled).astype("object")
        if c.kind == "pp":
            s = s.astype("float64") * 100
        if c.kind in ("growth", "row"):  # the code for growth on an empty base, in the workbook's words
            s = s.map(lambda v: vocab.label("growth", vocab.parse("growth", v) or v, lang) if isinstance(v, str) else v)
        columns.append(_python_values(s))
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    return headers, rows


def _apply_formats(sheet: xw.Sheet, block: Block, first_row: int, n: int, lang: str = "zh") -> None:
    """One number-format call per column; 'row' columns get one call per run of equal row kinds."""
    formats = number_formats(lang)
    for j, c in enumerate(block.cols):
        if c.kind == "row":
            kinds = row_kinds(block, c)
            start = 0
            for i in range(1, len(kinds) + 1):
                if i == len(kinds) or kinds[i] != kinds[start]:
                    fmt = formats.get(kinds[start], "General")
                    sheet.range((first_row + start, j + 1), (first_row + i - 1, j + 1)).number_format = fmt
                    start = i
        elif c.kind in formats:
            sheet.range((first_row, j + 1), (first_row + n - 1, j + 1)).number_format = formats[c.kind]


def write_blocks(sheet: xw.Sheet, blocks: list[Block], *, settings: Settings, lang: str, start_row: int = 1,
                 preserved: dict[str, dict[str, dict[str, Any]]] | None = None,
                 today: dt.date | None = None, sheet_key: str | None = None) -> int:
    """Write blocks one under another; returns the next free row.

    ``preserved`` (block key → id → user column → value) is what users typed in the user-owned
    columns last time: it is written back by id, and ids that no longer have a row go to an
    archive block under the table instead of vanishing. ``sheet_key`` picks the sheet's
    presentation rules (:mod:`.sheetstyle`): internal keys at the far right, widths, colours,
    frozen header, filter and print setup."""
    rules = sheetstyle.rules_for(sheet_key)
    layout = sheetstyle.SheetLayout(rules)
    row = start_row
    for block in blocks:
        block = sheetstyle.keys_last(block, rules)
        saved = (preserved or {}).get(block.key, {})
        headers, rows = _cell_values(block, settings, lang, saved)
        ncols = max(len(headers), 1)
        put(sheet.range((row, 1)), messages.text(block.title, lang, messages.unit_of(settings)))
        title = sheet.range((row, 1), (row, ncols))
        title.color = TITLE_FILL
        title.font.bold = True
        head = sheet.range((row + 1, 1), (row + 1, ncols))
        put(sheet.range((row + 1, 1)), [headers, *rows] if rows else [headers])
        head.color = HEADER_FILL
        head.font.bold = True
        head.font.color = (255, 255, 255)
        written = sheetstyle.Written(block, row, row + 1, headers, rows)
        layout.written.append(written)
        if rows:
            _apply_formats(sheet, block, row + 2, len(rows), lang)
            sheetstyle.dress_block(sheet, written, rules)
        row += len(rows) + 3
        if block.user_cols and block.id_col:
            row = _write_archive(sheet, block, saved, row, lang, today or dt.date.today(), layout)
    sheetstyle.finish(sheet, layout, row - 2)
    return row


def _write_archive(sheet: xw.Sheet, block: Block, saved: dict[str, dict[str, Any]], row: int, lang: str,
                   today: dt.date, layout: sheetstyle.SheetLayout) -> int:
    """The archive under a table: each column in the table's own column (the date right of them)."""
    current = {key_text(v) for v in block.df[block.id_col]}
    gone = {i: v for i, v in saved.items() if i not in current}
    if not gone:
        return row
    where = {c.key: j for j, c in enumerate(block.cols)}
    width = len(block.cols) + 1
    date_col = width - 1
    header: list[Any] = [None] * width
    for c in (block.col(block.id_col), *block.user_cols):
        header[where[c.key]] = vocab.header(c.key, lang, block=block.key)
    header[date_col] = words.word(lang, "archive", "archived_on")
    body = []
    for i, v in sorted(gone.items()):
        line: list[Any] = [None] * width
        line[where[block.id_col]] = i
        for c in block.user_cols:
            line[where[c.key]] = v.get(c.key)
        line[date_col] = v.get("_archived_on") or dt.datetime.combine(today, dt.time())
        body.append(line)
    title = [words.word(lang, "archive", "title")] + [None] * (width - 1)
    put(sheet.range((row, 1)), [title, header, *body])
    sheet.range((row, 1), (row, width)).font.bold = True
    sheet.range((row + 1, 1), (row + 1, width)).color = TITLE_FILL
    sheet.range((row + 2, width), (row + 1 + len(body), width)).number_format = "yyyy-mm-dd"
    layout.extra[width] = max(layout.extra.get(width, 0), sheetstyle.MIN_WIDTH["date"])
    return row + len(body) + 3


from .book import read_user_columns  # noqa: E402,F401


def last_input_sheet(book: xw.Book) -> str | None:
    """The input sheet furthest right (output sheets go after it), or None when there is none."""
    names = sheet_names(book)
    found = [schema.find_sheet(s.key, names) for s in schema.INPUT_SHEETS]
    found = [n for n in found if n]
    return max(found, key=names.index) if found else None
