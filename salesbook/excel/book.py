"""Small workbook helpers every part of the Excel edge uses: sheet names, finding or adding a
sheet, frame values as Excel takes them, consecutive-row runs, and the alerts a user acknowledged.

This module sits below the readers and writers (:mod:`.io`, the output sheets, :mod:`.store`),
so none of them has to import another to get these.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xlwings as xw

from .. import schema, vocab, words
from ..core.alerts_common import canonical_key
from ..core.parse import key_text
from ..core.pipeline import Result
from ..core.tables import Block

# what users type in an alert's decision column to mark it handled, in any language (casefolded)
ACKNOWLEDGED = {w.casefold() for ws in words.pairs("alert_decision")["acknowledged"] for w in ws}
ARCHIVED_ON = words.pairs("archive")["archived_on"]  # the archive's date header in every language


def sheet_names(book: xw.Book) -> list[str]:
    """The names of the workbook's sheets, in tab order."""
    return [s.name for s in book.sheets]


def ensure_sheet(book: xw.Book, name: str, after: str | None = None) -> xw.Sheet:
    """The sheet called ``name``; added after ``after`` (or at the end) when the book has none."""
    if name in sheet_names(book):
        return book.sheets[name]
    after_sheet = book.sheets[after] if after and after in sheet_names(book) else book.sheets[-1]
    return book.sheets.add(name=name, after=after_sheet)


def rename_sheet(book: xw.Book, key: str, lang: str) -> str:
    """Sheet ``key``'s name in ``lang``; a sheet of that key under another language's name is renamed to it
    (switching language renames instead of adding a second copy)."""
    name = schema.sheet_name(key, lang)
    names = sheet_names(book)
    if name not in names:
        other = next((n for n in schema.names_of_sheet(key) if n in names), None)
        if other is not None:
            book.sheets[other].name = name
    return name


def python_values(s: pd.Series) -> list[Any]:
    """A column's values as Excel takes them: None for missing, datetimes, periods as text."""
    if isinstance(s.dtype, pd.PeriodDtype):
        return [str(v) for v in s]
    if pd.api.types.is_datetime64_any_dtype(s):
        return [None if pd.isna(v) else v.to_pydatetime() for v in s]
    out = []
    for v in s.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            out.append(None)
        elif isinstance(v, pd.Period):
            out.append(str(v))
        elif isinstance(v, pd.Timestamp):
            out.append(v.to_pydatetime())
        else:
            out.append(v)
    return out


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive rows as (first, last) runs: ``[5, 3, 4, 9]`` → ``[(3, 5), (9, 9)]`` — one Range
    call per run instead of one per cell."""
    rows = sorted(rows)
    runs, start = [], rows[0]
    for prev, cur in zip(rows, rows[1:], strict=False):
        if cur != prev + 1:
            runs.append((start, prev))
            start = cur
    runs.append((start, rows[-1]))
    return runs


def read_user_columns(sheet: xw.Sheet, blocks: list[Block]) -> dict[str, dict[str, dict[str, Any]]]:
    """What users typed in the user-owned columns of an output sheet (main table and archive), by id."""
    wanted = [b for b in blocks if b.user_cols and b.id_col]
    if not wanted:
        return {}
    values = sheet.used_range.options(ndim=2).value or []
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for block in wanted:
        id_c = block.col(block.id_col)
        names = {c.key: {c.key, *(vocab.header(c.key, lang, block=block.key) for lang in vocab.LANGS)}
                 for c in (id_c, *block.user_cols)}
        names["_archived_on"] = set(ARCHIVED_ON)
        saved: dict[str, dict[str, Any]] = {}
        header: dict[str, int] | None = None
        for row in values:
            cells = ["" if v is None else str(v).strip() for v in row]
            if not any(cells):
                header = None  # a blank row ends a table
                continue
            found = {k: next((i for i, c in enumerate(cells) if c in hs), None) for k, hs in names.items()}
            if found[id_c.key] is not None and any(found[c.key] is not None for c in block.user_cols):
                header = {k: i for k, i in found.items() if i is not None}
                continue
            if header is None:
                continue
            ident = key_text(row[header[id_c.key]])
            if id_c.key == "key":  # an alert or problem key written by an older version: today's spelling
                ident = canonical_key(ident)
            typed = {k: row[i] for k, i in header.items() if k != id_c.key and row[i] not in (None, "")}
            if ident and any(k != "_archived_on" for k in typed):
                saved[ident] = typed
        out[block.key] = saved
    return out


def acknowledged_alerts(book: xw.Book, result: Result) -> set[str]:
    """Alert keys a user marked 已核实/忽略 (checked/ignore) in the Alerts sheet."""
    name = schema.find_sheet("alerts", sheet_names(book))
    if name is None:
        return set()
    saved = read_user_columns(book.sheets[name], result.sheets["alerts"]).get("alerts", {})
    return {k for k, v in saved.items() if str(v.get("decision", "")).strip().casefold() in ACKNOWLEDGED}


def _own_names(keys) -> dict[str, set[str]]:
    """language → the names of these sheets that language alone uses (RFM, the same in every language, is none's)."""
    names = {lang: {schema.sheet_name(k, lang) for k in keys} for lang in words.LANGS}
    return {lang: own - set().union(*(n for other, n in names.items() if other != lang)) for lang, own in names.items()}


_OWN_NAMES = (_own_names(schema.OUTPUT_SHEETS), _own_names(schema.SHEET_BY_KEY))


def from_sheet_names(names) -> str:
    """The language the sheet names show: the output sheets' (the language the results were last written in),
    else the input sheets'. Chinese when any of its own names of that kind is there, else the language with
    the most of its own names there (the first in :data:`words.LANGS` on a tie); Chinese when none is."""
    names = set(names)
    for own in _OWN_NAMES:
        found = {lang: len(mine & names) for lang, mine in own.items()}
        if found[words.REFERENCE]:
            return words.REFERENCE
        best = max(words.LANGS, key=lambda lang: found[lang])  # max keeps the first of equals
        if found[best]:
            return best
    return words.REFERENCE
