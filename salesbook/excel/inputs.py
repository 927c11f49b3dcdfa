"""Read the input sheets of an ``xw.Book`` (live Excel or a file) and append imported rows to them.

A sheet is read the way an export is imported (:mod:`salesbook.shapes`): the header may sit under
title rows, a title row may state the unit, and wide targets (one column per month) are read long.

What a :class:`~salesbook.core.pipeline.RawTable` holds for a sheet:

* ``df``: one column per recognised key, values as typed, ``_row`` = the Excel row of each row;
  for a wide targets sheet one row per (sheet row, period column) with ``_col`` = the Excel column
  of the cell the target came from (1-based), so a message or a flag can name the real cell;
* ``labels``: key → the header as typed with its column letter (``金额(万元) [I]``); for a wide
  sheet ``target`` names the span of period columns (``1月 … 12月 [B:M]``), ``period`` the header
  cells that name the periods (``1月 … 12月 [B3:M3]``);
* ``columns``: key → sheet column, only for keys that live in one column. A wide sheet's
  ``period`` and ``target`` have none, so writing back (Clean data) never lands on a wrong cell
  and a flag on such a row falls back to the row's first column;
* ``units``: key → unit from the header, else from a title row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import xlwings as xw
from openpyxl.utils import get_column_letter

from .. import schema, shapes
from ..core.coverage import Notice
from ..core.pipeline import RawTable
from ..errors import Problem, SchemaError
from ..messages import msg
from ..settings import Settings
from .book import python_values as _python_values
from .cellstate import put

BIG_READ = 2_000_000  # cells: a used range larger than this is read as header + table columns only
MAX_HEADER_COLUMNS = 256
HEADER_SCAN_ROWS = shapes.SCAN_ROWS


def _names(book: xw.Book) -> list[str]:
    return [s.name for s in book.sheets]


class Values(list):
    """Rows of a sheet read from A1; ``rows[i]`` is the Excel row of ``self[i]`` (gaps skipped)."""

    rows: list[int]


def _find_header(spec: schema.SheetSpec, values: list[list[Any]]) -> tuple[int, shapes.Shape | None]:
    """(index of the header row in ``values``, the table's shape) — see :func:`salesbook.shapes.detect`."""
    shape = shapes.detect(spec, values)
    return (shape.header, shape) if shape else (0, None)


def read_table(book: xw.Book, spec: schema.SheetSpec, problems: list[Problem],
               notes: list[Notice] | None = None) -> RawTable | None:
    """The sheet's data as typed (see the module docstring), or None with ``problems`` said.

    ``notes`` receives what the reader decided for the user to see: header under title rows, a unit
    taken from a title row, wide periods read long, total columns left out."""
    name = schema.find_sheet(spec.key, _names(book))
    if name is None:
        return None
    values, _top, left = table_values(book.sheets[name], spec)
    shape = shapes.detect(spec, values)
    if shape is None:
        for c in spec.columns:
            if c.required:
                problems.append(Problem(name, "header_not_found", column=f"{c.name('zh')} / {c.key}"))
        return None
    header_row = values.rows[shape.header]
    missing = shape.missing(spec)
    for c in missing:
        problems.append(Problem(name, "column_missing", column=f"{c.name('zh')} / {c.key}",
                                row=header_row))
    if missing:
        return None
    df = shapes.frame(values, shape, values.rows)
    header = values[shape.header]
    keyed = dict(shape.match.mapping)
    if shape.label is not None:
        keyed[shape.label] = shape.label_key
    if shape.wide:
        keyed = {i: k for i, k in keyed.items() if k not in ("period", "target")}
        df["_col"] = (df["_col"] + left).astype("int64")
    labels = {key: f"{header[i]} [{get_column_letter(left + i)}]" for i, key in keyed.items()}
    columns = {key: left + i for i, key in keyed.items()}
    if shape.wide:
        first, last = shape.periods[0], shape.periods[-1]
        a, b = get_column_letter(left + first.index), get_column_letter(left + last.index)
        labels["target"] = f"{first.header} … {last.header} [{a}:{b}]"
        labels["period"] = f"{first.header} … {last.header} [{a}{header_row}:{b}{header_row}]"
    if spec.key == "orders" and "customer_id" not in df:
        df["customer_id"] = None
    if notes is not None:
        notes.extend(Notice(msg("read.in_sheet", sheet=name, note=note)) for note in shape.notes)
    return RawTable(df, name, labels, dict(shape.units), columns)


def existing_rows(book: xw.Book, spec: schema.SheetSpec) -> pd.DataFrame | None:
    """The rows the sheet holds now, read like a refresh reads them (None if it holds no table)."""
    table = read_table(book, spec, [])
    return None if table is None else table.df


def table_values(sheet: xw.Sheet, spec: schema.SheetSpec) -> tuple[Values, int, int]:
    """The sheet's values, as (rows, top row, left column); ``rows.rows`` numbers each row.

    A stray value far from the table (XFD1048576, A1048576) makes the used range enormous;
    then only the header's columns are read, and only the runs of rows that hold something in
    a recognised column (found with Ctrl+Down jumps: a few Range calls, not a million cells)."""
    rng = sheet.used_range
    nrows, ncols = rng.shape
    if nrows * ncols <= BIG_READ:
        out = Values(rng.options(ndim=2, empty=None).value or [[]])
        out.rows = list(range(rng.row, rng.row + len(out)))
        return out, rng.row, rng.column
    width = min(ncols, MAX_HEADER_COLUMNS)
    head = sheet.range((1, 1), (min(nrows, HEADER_SCAN_ROWS), width)).options(ndim=2, empty=None).value
    idx, shape = _find_header(spec, head)
    if shape is None:
        out = Values(head)
        out.rows = list(range(1, len(head) + 1))
        return out, 1, 1
    header = head[idx]
    last_col = max(i + 1 for i, v in enumerate(header) if v not in (None, ""))
    runs: list[tuple[int, int]] = [(1, idx + 1)]
    last = 1048576
    watched = [*shape.match.mapping, *(p.index for p in shape.periods[:1])]
    if shape.label is not None:
        watched.append(shape.label)
    for i in watched:
        col = i + 1

        def filled(r: int, col: int = col) -> bool:
            return r <= last and sheet.range((r, col)).value not in (None, "")

        r = idx + 1  # the header row
        for _ in range(10_000):  # block by block down the column
            start = r + 1 if filled(r + 1) else sheet.range((r, col)).end("down").row
            if start > last or not filled(start):
                break
            stop = sheet.range((start, col)).end("down").row if filled(start + 1) else start
            runs.append((start, stop))
            if stop >= last:
                break
            r = stop
    merged: list[list[int]] = []
    for start, end in sorted(runs):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out = Values()
    out.rows = []
    for start, end in merged:
        block = sheet.range((start, 1), (end, last_col)).options(ndim=2, empty=None).value or []
        out.extend(block)
        out.rows.extend(range(start, start + len(block)))
    return out, 1, 1


def unknown_columns(book: xw.Book, spec: schema.SheetSpec) -> list[str]:
    """Headers of the sheet's table that name no column (period columns of a wide sheet are known)."""
    name = schema.find_sheet(spec.key, _names(book))
    if name is None:
        return []
    values, _, _ = table_values(book.sheets[name], spec)
    _idx, shape = _find_header(spec, values)
    if shape is None:
        return []
    known = {p.index for p in shape.periods} | {i for i, _ in shape.totals}
    return [h for i, h in shape.match.unknown if i not in known]


def read_tables(book: xw.Book, notes: list[Notice] | None = None) -> tuple[dict[str, RawTable], Any]:
    """All input tables, or a SchemaError listing every structural problem at once."""
    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    for spec in schema.INPUT_SHEETS:
        if spec.key == "settings":
            continue
        t = read_table(book, spec, problems, notes)
        if t is not None:
            tables[spec.key] = t
        elif spec.key in schema.REQUIRED_SHEETS and schema.find_sheet(spec.key, _names(book)) is None:
            problems.append(Problem(" / ".join(spec.names()), "sheet_missing"))
    orders = tables.get("orders")
    if orders is not None and _is_empty(orders.df):
        problems.append(Problem(orders.sheet, "no_orders"))
    if problems:
        raise SchemaError(problems)
    return tables, read_settings(book)


def _is_empty(df: pd.DataFrame) -> bool:
    """True when no data cell holds anything but spaces (stops at the first one that does)."""
    for col in df.columns:
        if col in ("_row", "_col"):
            continue
        for v in df[col]:
            if v is not None and not (isinstance(v, float) and v != v) and not (isinstance(v, str) and not v.strip()):
                return False
    return True


class WideSheetError(SchemaError):
    """Rows cannot be appended to a wide (one column per period) targets sheet: ``--replace`` it."""

    def __init__(self, sheet: str) -> None:
        super().__init__([Problem(sheet, "wide_sheet")])


DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
_DATE_WIDTH, _DATETIME_WIDTH = 12, 17


def _help_texts() -> set[str]:
    from .template import help_texts

    return help_texts()


def append_rows(book: xw.Book, spec: schema.SheetSpec, df: pd.DataFrame, *, replace: bool = False) -> dict:
    """Append (or, with ``replace``, replace) the data rows of an input sheet in one write.

    ``df`` has schema keys as columns; other columns keep their own header and are added at the
    right of the sheet, so nothing from an import is dropped. ``replace`` replaces the whole table:
    its header row becomes the template's headers (plus ``df``'s other columns) and every old data
    row and old column is cleared; rows above the header and the template's help note stay.
    Date columns get a date format and a width that shows them. Returns what was done.
    """
    name = schema.find_sheet(spec.key, _names(book))
    sheet = book.sheets[name] if name else book.sheets.add(name=spec.name("zh"), after=book.sheets[-1])
    lang = schema.lang_of_sheet(spec.key, sheet.name) or "zh"
    values, _top, left = table_values(sheet, spec)
    idx, shape = _find_header(spec, values)
    if shape is None:
        used = any(v not in (None, "") for row in values for v in row)
        header_row, left, headers = (max(values.rows) + 2 if used else 1), 1, []
    else:
        header_row = values.rows[idx]
        headers = list(values[idx])
    if shape is not None and shape.wide and not replace:
        raise WideSheetError(sheet.name)
    while headers and headers[-1] in (None, ""):
        headers.pop()
    helps = _help_texts()
    last_data = header_row
    if shape is not None:
        for i in range(len(values) - 1, idx, -1):
            if any(v not in (None, "") for v in values[i][: len(headers)]):
                last_data = values.rows[i]
                break
    known = set(spec.keys)
    if replace:
        width = max(len(headers), 1)
        kept = {left + i: h for i, h in enumerate(headers) if isinstance(h, str) and h in helps}
        sheet.range((header_row, left), (max(last_data, header_row), left + width - 1)).clear_contents()
        for pos, h in kept.items():
            put(sheet.range((header_row, pos)), h)
        new_headers = [spec.header(c.key, lang) for c in spec.columns]
        positions = {c.key: left + j for j, c in enumerate(spec.columns)}
        put(sheet.range((header_row, left)), [new_headers])
        occupied = set(positions.values()) | set(kept)
        last_data = header_row
    else:
        positions = {key: left + i for i, key in (shape.match.mapping.items() if shape else [])}
        occupied = {left + i for i, h in enumerate(headers) if h not in (None, "")}
    extra = []
    for col in df.columns:
        if col in positions:
            continue
        pos = max(occupied, default=left - 1) + 1
        header = spec.header(col, lang) if col in known else str(col)
        put(sheet.range((header_row, pos)), header)
        positions[col] = pos
        occupied.add(pos)
        if col not in known:
            extra.append(str(col))
    first_col, last_col = min(positions.values()), max(positions.values())
    block = [[None] * (last_col - first_col + 1) for _ in range(len(df))]
    for col, pos in positions.items():
        if col not in df.columns:
            continue
        for r, v in enumerate(_python_values(df[col])):
            block[r][pos - first_col] = v
    if block:
        put(sheet.range((last_data + 1, first_col)), block)
        _format_dates(sheet, spec, df, positions, last_data + 1)
    return {"sheet": sheet.name, "rows": len(df), "first_row": last_data + 1, "extra_columns": extra,
            "header_row": header_row}


def _format_dates(sheet: xw.Sheet, spec: schema.SheetSpec, df: pd.DataFrame, positions: dict[str, int],
                  first: int) -> None:
    """Date columns just written: a date format (with the time when any value has one) and a width
    that shows it — never ``###``. One format call and at most one width call per column."""
    last = first + len(df) - 1
    for c in spec.columns:
        if c.kind != "date" or c.key not in df.columns or c.key not in positions:
            continue
        stamps = pd.to_datetime(pd.Series([v for v in df[c.key] if hasattr(v, "year")], dtype="object"),
                                errors="coerce").dropna()
        if stamps.empty:
            continue
        timed = bool((stamps != stamps.dt.normalize()).any())
        pos = positions[c.key]
        sheet.range((first, pos), (last, pos)).number_format = DATETIME_FORMAT if timed else DATE_FORMAT
        need = _DATETIME_WIDTH if timed else _DATE_WIDTH
        col = sheet.range((1, pos))
        if (col.column_width or 0) < need:
            col.column_width = need


__all__ = ["BIG_READ", "HEADER_SCAN_ROWS", "MAX_HEADER_COLUMNS", "Values", "_find_header", "append_rows",
           "read_settings", "setting_cell", "write_setting",
           "read_table", "read_tables", "table_values", "unknown_columns"]


def read_settings(book: xw.Book) -> Settings:
    """The 参数 Settings sheet as a :class:`~salesbook.settings.Settings` (defaults without one)."""
    name = schema.find_sheet("settings", _names(book))
    if name is None:
        return Settings()
    problems: list[Problem] = []
    table = read_table(book, schema.SETTINGS, problems)
    if table is None:
        return Settings()
    rows = [(k, v, r) for k, v, r in zip(table.df["key"], table.df["value"], table.df["_row"], strict=True)]
    return Settings.from_rows(rows)


def setting_cell(book: xw.Book, key: str) -> tuple[xw.Sheet, int, int, int, Any] | None:
    """Where the 参数 row ``key`` is: (sheet, key column, value column, its row — or the first free row
    when there is none —, its value or None); None without a settings sheet."""
    name = schema.find_sheet("settings", _names(book))
    if name is None:
        return None
    table = read_table(book, schema.SETTINGS, [])
    if table is None or "key" not in table.columns or "value" not in table.columns:
        return None
    hit = table.df[table.df["key"].astype(str).str.strip() == key]
    if hit.empty:
        last = int(table.df["_row"].max()) if len(table.df) else 1
        return book.sheets[name], table.columns["key"], table.columns["value"], last + 1, None
    return (book.sheets[name], table.columns["key"], table.columns["value"], int(hit["_row"].iloc[0]),
            hit["value"].iloc[0])


def write_setting(book: xw.Book, key: str, value: Any) -> None:
    """Set the 参数 row ``key`` to ``value`` (a row is added under the last setting when missing)."""
    found = setting_cell(book, key)
    if found is None:
        return
    sheet, key_col, value_col, row, old = found
    if old is None:
        put(sheet.range((row, key_col)), key)
    put(sheet.range((row, value_col)), value)
