"""The workbook's language, kept in the workbook: the 参数 Settings row ``language`` (zh / en).

Every command and the ribbon write in the workbook's language; ``salesbook refresh --lang`` is the one
way to switch it, and it records the new language in that row, so the next refresh (from the ribbon,
with no option) keeps it. A workbook without the row (made before it existed) is judged by its sheet
names: English output or input sheet names and no Chinese ones mean English.
"""

from __future__ import annotations

import xlwings as xw

from .. import schema
from ..core.settings import Settings
from ..errors import Problem
from .book import sheet_names
from .cellstate import put
from .inputs import read_table

KEY = "language"
LANGS = ("zh", "en")


def _row(book: xw.Book) -> tuple[xw.Sheet, int, int, int, object] | None:
    """(settings sheet, key column, value column, row of ``language`` or the first free row, value)."""
    name = schema.find_sheet("settings", sheet_names(book))
    if name is None:
        return None
    problems: list[Problem] = []
    table = read_table(book, schema.SETTINGS, problems)
    if table is None or "key" not in table.columns or "value" not in table.columns:
        return None
    keys = table.df["key"].astype(str).str.strip()
    hit = table.df[keys == KEY]
    if hit.empty:
        last = int(table.df["_row"].max()) if len(table.df) else 1
        return book.sheets[name], table.columns["key"], table.columns["value"], last + 1, None
    return book.sheets[name], table.columns["key"], table.columns["value"], int(hit["_row"].iloc[0]), \
        hit["value"].iloc[0]


def stored(book: xw.Book) -> str | None:
    """The language recorded in 参数 (zh / en; 中文 / English accepted), or None."""
    found = _row(book)
    if found is None or found[4] is None or not str(found[4]).strip():
        return None
    try:
        return Settings.from_rows([(KEY, found[4], found[3])]).language
    except Exception:  # noqa: BLE001 - an unreadable value is reported by the settings reader, not here
        return None


def infer(book: xw.Book) -> str:
    """The workbook's language: the 参数 row, else its sheet names (English only when no Chinese ones)."""
    lang = stored(book)
    if lang:
        return lang
    names = set(sheet_names(book))
    specs = [(s.zh, s.en) for s in schema.INPUT_SHEETS] + [(zh, en) for _, zh, en in schema.OUTPUT_SHEETS]
    zh = sum(1 for z, e in specs if z in names and z != e)
    en = sum(1 for z, e in specs if e in names and z != e)
    return "en" if en and not zh else "zh"


def store(book: xw.Book, lang: str) -> None:
    """Record ``lang`` in the 参数 row ``language`` (added under the last setting when missing)."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}: {lang!r}")
    found = _row(book)
    if found is None:
        return
    sheet, key_col, value_col, row, value = found
    if value is None:
        put(sheet.range((row, key_col)), KEY)
    put(sheet.range((row, value_col)), lang)
