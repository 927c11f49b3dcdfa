"""The workbook's language, kept in the workbook: the 参数 Settings row ``language`` (zh / en / …).

Every command and the ribbon write in the workbook's language; ``salesbook refresh --lang`` is the one
way to switch it, and it records the new language in that row, so the next refresh (from the ribbon,
with no option) keeps it. The languages are the files of :mod:`salesbook.words`; the row takes a
language's code or its own name (``en``, ``English``). A workbook without the row (made before it
existed) is judged by its sheet names (:func:`.book.from_sheet_names`).
"""

from __future__ import annotations

import xlwings as xw

from .. import words
from ..core.settings import Settings
from .book import from_sheet_names, sheet_names
from .inputs import setting_cell, write_setting

KEY = "language"


def parse(value: object) -> str | None:
    """The language a 参数 value names: a code or a language's own name, in any case; None for neither."""
    text = " ".join(str(value if value is not None else "").split()).casefold()
    return next((lang for lang in words.LANGS if text in (lang.casefold(), words.name(lang).casefold())), None)


def stored(book: xw.Book) -> str | None:
    """The language recorded in 参数 (a code or a language's name, :func:`parse`), or None."""
    found = setting_cell(book, KEY)
    if found is None or found[4] is None or not str(found[4]).strip():
        return None
    lang = parse(found[4])
    if lang is not None:
        return lang
    try:  # the settings reader's own words for a language (英文, Chinese …)
        return Settings.from_rows([(KEY, found[4], found[3])]).language
    except Exception:  # noqa: BLE001 - an unreadable value is reported by the settings reader, not here
        return None


def infer(book: xw.Book) -> str:
    """The workbook's language: the 参数 row, else its sheet names (:func:`from_sheet_names`)."""
    return stored(book) or from_sheet_names(sheet_names(book))


def store(book: xw.Book, lang: str) -> None:
    """Record ``lang`` in the 参数 row ``language`` (added under the last setting when missing)."""
    if lang not in words.LANGS:
        raise ValueError(f"language must be one of {words.LANGS}: {lang!r}")
    write_setting(book, KEY, lang)
