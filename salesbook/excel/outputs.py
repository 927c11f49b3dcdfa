"""The output sheets, one writer each, behind one registry: a new sheet is one module and one line here.

:func:`write_results` walks :data:`salesbook.schema.OUTPUT_SHEETS` in order, renames a sheet when the
workbook's language changes (instead of adding a second copy), and hands each sheet to its writer.
Sheets of plain tables (业绩分析, RFM, 异常预警, …) share :func:`tables`; the dashboard, report and
meeting pack have their own modules. Input sheets are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import xlwings as xw

from .. import schema, words
from ..core.pipeline import Result
from . import changelog, dashboard, meeting_sheet, report_sheet
from .book import acknowledged_alerts, ensure_sheet, read_user_columns, rename_sheet, sheet_names
from .io import last_input_sheet, write_blocks


@dataclass(frozen=True)
class Context:
    """What a sheet writer needs besides the sheet and the result."""
    key: str
    lang: str
    now: dt.datetime | None


def tables(sheet: xw.Sheet, result: Result, ctx: Context) -> None:
    """A sheet of blocks (:func:`.io.write_blocks`); what users typed in its own columns is kept by id."""
    preserved = read_user_columns(sheet, result.sheets.get(ctx.key, []))
    sheet.clear()
    write_blocks(sheet, result.sheets[ctx.key], settings=result.settings, lang=ctx.lang, preserved=preserved,
                 today=result.as_of, sheet_key=ctx.key)


def _dashboard(sheet: xw.Sheet, result: Result, ctx: Context) -> None:
    dashboard.clear(sheet)  # its charts, widths and page setup are the template's: cells only
    dashboard.write(sheet, result, lang=ctx.lang, now=ctx.now)


def _report(sheet: xw.Sheet, result: Result, ctx: Context) -> None:
    typed_review = report_sheet.read_review(sheet)  # the manager's 审核 block survives the rewrite
    report_sheet.write(sheet, result, lang=ctx.lang, review=typed_review)


def _meeting(sheet: xw.Sheet, result: Result, ctx: Context) -> None:
    book = sheet.book
    sheet.clear()
    meeting_sheet.write(sheet, result, changelog.latest(book), acknowledged_alerts(book, result), lang=ctx.lang)


Writer = Callable[[xw.Sheet, Result, Context], None]
WRITERS: dict[str, Writer] = {"dashboard": _dashboard, "report": _report, "meeting": _meeting}  # else: tables


def write_results(book: xw.Book, result: Result, *, lang: str = words.REFERENCE, now: dt.datetime | None = None,
                  only: set[str] | None = None) -> dict[str, str]:
    """Rewrite the output sheets (all, or the keys in ``only``); returns {sheet key: sheet name}."""
    app = book.app
    written = {}
    previous = last_input_sheet(book)
    for key in schema.OUTPUT_SHEETS:
        name = rename_sheet(book, key, lang)
        if only is not None and key not in only:
            previous = name if name in sheet_names(book) else previous
            continue
        if key not in result.sheets and key not in WRITERS:
            continue
        app.status_bar = "salesbook: " + words.word(lang, "status_bar", "writing").format(sheet=name)
        sheet = ensure_sheet(book, name, after=previous)
        previous = name
        WRITERS.get(key, tables)(sheet, result, Context(key, lang, now))
        written[key] = name
    app.status_bar = False
    return written
