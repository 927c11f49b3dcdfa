"""What the ribbon buttons and the CLI commands do, on an ``xw.Book`` (live Excel or a file).

Each action reads the book, calls the pure core, writes the outputs and returns a short
summary. The ribbon passes ``xw.Book.caller()``; the CLI passes a book opened by
:func:`salesbook.excel.engine.open_book` and saves it afterwards. Same code either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import xlwings as xw

from . import messages, schema, vocab, words
from .core import coverage, pipeline
from .excel import changelog, cleanwrite, flags, io, language, outputs, store
from .excel.book import from_sheet_names
from .excel.inputs import existing_rows
from .importing import ID_KEYS, Imported, present_rows
from .messages import Day, Num, msg


@dataclass(frozen=True)
class RefreshSummary:
    """What a refresh did: as-of date, sheets written (key → name), orders analysed, rows left out,
    alerts, log entries, the full result, the notices, and the language it was written in."""
    as_of: dt.date
    sheets: dict[str, str]
    orders: int
    excluded_rows: int
    alerts: int
    log_entries: int
    result: pipeline.Result
    notices: tuple[coverage.Notice, ...] = ()  # missing columns that change the numbers, then reading notes
    lang: str = words.REFERENCE  # the language the workbook was written in

    def message(self, lang: str = words.REFERENCE) -> str:
        """The one-line summary in ``lang``, naming the workbook's own cleaning-log sheet."""
        log = self.sheets.get("cleaning_log") or vocab.label("sheet", "cleaning_log", lang)
        return messages.text(msg("summary.refresh", as_of=Day(self.as_of), orders=self.orders,
                                 excluded=self.excluded_rows, log=log, alerts=self.alerts), lang)

    def notice_lines(self, lang: str) -> list[str]:
        """The notices, then the rows left out, as sentences in ``lang`` (what the CLI prints)."""
        unit = messages.unit_of(self.result.settings)
        lines = [n.text(lang, unit) for n in self.notices]
        if self.excluded_rows:
            log = self.sheets.get("cleaning_log") or vocab.label("sheet", "cleaning_log", lang)
            lines.append(messages.text(msg("notice.left_out", n=Num(self.excluded_rows), log=log), lang))
        return lines


RFM_SHEETS = {"rfm", "tiers"}
STRATEGY_SHEETS = {"followup_plan", "problems"}


def book_lang(book: xw.Book) -> str:
    """The workbook's language, as recorded in it (see :mod:`.excel.language`)."""
    return language.infer(book)


def _step(key: str, sep: str = " ") -> str:
    """A step of an action as the status bar shows it, in every language (读取数据 reading): ``[progress]``."""
    return sep.join(str(words.word(lang, "progress", key)) for lang in words.LANGS)


def _say(book: xw.Book, progress: Callable[[str], None] | None) -> Callable[[str], None]:
    def say(msg: str) -> None:
        book.app.status_bar = f"salesbook: {msg}"
        if progress:
            progress(msg)

    return say


def analyse(book: xw.Book, *, as_of: dt.date | None = None, today: dt.date | None = None,
            progress: Callable[[str], None] | None = None) -> tuple[dict[str, pipeline.RawTable], pipeline.Result]:
    """Read the input sheets and run the pure pipeline (no writing).

    ``result.notices`` says what the user must know before trusting the numbers: the missing columns
    that change them (:func:`salesbook.core.coverage.missing_columns`), then what reading decided
    (header under title rows, unit from a title row, wide targets read long)."""
    say = _say(book, progress)
    say(_step("reading"))
    notes: list[coverage.Notice] = []
    tables, settings = io.read_tables(book, notes)
    if as_of is not None:
        settings = settings.replace(as_of=as_of)
    result = pipeline.run(tables, settings=settings, today=today or dt.date.today(),
                          progress=lambda step: say(_step(step)))
    result = result.with_notices(notes)
    return tables, result


def refresh(book: xw.Book, *, lang: str | None = None, as_of: dt.date | None = None, today: dt.date | None = None,
            now: dt.datetime | None = None, progress: Callable[[str], None] | None = None,
            only: set[str] | None = None) -> RefreshSummary:
    """Run every analysis and rewrite the output sheets (all, or ``only`` those keys).

    Input sheets are only read, except that an explicit ``lang`` other than the workbook's own is
    recorded in its 参数 row ``language``, so later refreshes keep it."""
    now = now or dt.datetime.now()
    _, result = analyse(book, as_of=as_of, today=today, progress=progress)
    # the recorded language came with the settings just read: no second read of 参数
    own = result.settings.language or from_sheet_names(io.sheet_names(book))
    if lang and lang != own:
        language.store(book, lang)
    lang = lang or own
    _say(book, progress)(_step("writing"))
    if only is None:  # first, so the meeting pack can show this refresh's changes
        changelog.record(book, result, lang=lang, now=now)
    written = outputs.write_results(book, result, lang=lang, now=now, only=only)
    book.app.status_bar = False
    return RefreshSummary(result.as_of, written, len(result.clean["orders"]), result.excluded_rows,
                          len(result.frames.alerts), len(result.log), result, tuple(result.notices), lang)


def flag(book: xw.Book, *, today: dt.date | None = None, progress: Callable[[str], None] | None = None) -> int:
    """Paint every located alert on its source cell, except those acknowledged; returns cells painted."""
    tables, result = analyse(book, today=today, progress=progress)
    _say(book, progress)(_step("flagging"))
    n = flags.paint(book, flags.cells_for(result, tables, skip_keys=io.acknowledged_alerts(book, result),
                                          lang=book_lang(book)))
    book.app.status_bar = False
    return n


def clear_flags(book: xw.Book) -> int:
    """Remove the fills and notes salesbook painted; returns cells restored."""
    return flags.clear(book)


def clean(book: xw.Book, *, today: dt.date | None = None, progress: Callable[[str], None] | None = None) -> int:
    """Write the normalised values into the input sheets (undoable); returns cells changed."""
    tables, result = analyse(book, today=today, progress=progress)
    _say(book, progress)(_step("cleaning"))
    n = cleanwrite.apply(book, cleanwrite.planned_changes(result, tables))
    outputs.write_results(book, result, lang=book_lang(book), only={"cleaning_log"})
    book.app.status_bar = False
    return n


def undo_clean(book: xw.Book) -> tuple[int, int]:
    """Restore the cells Clean changed; returns (restored, kept because edited since)."""
    return cleanwrite.undo(book)


REPORT_SHEETS = ("report", "dashboard", "meeting")


def report(book: xw.Book, *, pdf: str | None = None, lang: str | None = None, today: dt.date | None = None,
           progress: Callable[[str], None] | None = None) -> RefreshSummary:
    """Rebuild the report, dashboard and meeting pack; with ``pdf``, also print them to that file."""
    summary = refresh(book, lang=lang, today=today, progress=progress, only=set(REPORT_SHEETS))
    if pdf:
        _say(book, progress)(_step("pdf", " / "))
        book.to_pdf(pdf, include=[summary.sheets[k] for k in REPORT_SHEETS])
        book.app.status_bar = False
    return summary


def import_rows(book: xw.Book, spec: schema.SheetSpec, df: pd.DataFrame, *, replace: bool = False) -> dict:
    """Write imported rows into an input sheet (appended, or with ``replace`` the whole table replaced).

    Before a replace, salesbook's flags are taken off (the painted cells get back what they had) and
    Clean's undo records of that sheet are dropped: they describe cells of the old table, and Undo
    clean must not write old values into the new one. Returns what :func:`io.append_rows` did."""
    if replace:
        flags.clear(book)
        name = schema.find_sheet(spec.key, io.sheet_names(book))
        records = store.read(book, cleanwrite.UNDO, cleanwrite.UNDO_HEADER)
        kept = [r for r in records if r[0] != name]
        if len(kept) != len(records):
            if kept:
                store.write(book, cleanwrite.UNDO, cleanwrite.UNDO_HEADER, kept)
            else:
                store.drop(book, cleanwrite.UNDO)
    return io.append_rows(book, spec, df, replace=replace)


@dataclass(frozen=True)
class ImportDone:
    """One file imported: what was read (:class:`~.importing.Imported`), what was written
    (:func:`io.append_rows`' dict: sheet, rows, first_row), and the rows skipped as already present."""
    imported: Imported
    written: dict
    skipped: int
    skipped_by_id: bool


def import_files(book: xw.Book, imports: list[Imported], *, replace: bool = False) -> list[ImportDone]:
    """Write already-read exports (:func:`salesbook.importing.load`, one per input sheet) into the workbook.

    Appending skips the rows the sheet already holds (same ID, or an identical row when there is no
    ID: :func:`~.importing.present_rows`); ``replace`` replaces each table. The CLI's ``import`` and any
    other front end call this; reading and checking every file first is the caller's job, so that a
    refused file leaves the workbook untouched."""
    done = []
    for imp in imports:
        spec, df, skipped, by_id = imp.spec, imp.df, 0, False
        if not replace:
            present = present_rows(spec, df, existing_rows(book, spec))
            skipped = int(present.sum())
            id_key = ID_KEYS.get(spec.key)
            by_id = bool(skipped) and id_key in imp.df.columns and bool(imp.df.loc[present, id_key].notna().any())
            df = df[~present]
        done.append(ImportDone(imp, import_rows(book, spec, df, replace=replace), skipped, by_id))
    return done
