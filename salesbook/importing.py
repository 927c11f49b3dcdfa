"""Reading CRM/ERP exports for ``salesbook import``: text as exported, numbers and dates typed.

``read_export(path)`` reads the cells of a ``.csv``/``.txt`` (UTF-8 with or without BOM, GBK/GB18030;
comma, tab or semicolon separated) or of an ``.xlsx``/``.xlsm``/``.xls`` (python-calamine) as a grid,
and strips control characters from every text value — a stray ``\\x07`` pasted into a customer name
would otherwise make the workbook unsavable or unreadable to Excel. ``load(spec, path)`` finds the
table in that grid the way a sheet is read (:mod:`salesbook.shapes`: header under title rows, unit
from a title row, wide periods read long) and types what parses (:func:`typed_import`: amounts in
元, dates as dates); everything else stays exactly as exported, so cleaning can flag it.

An export that lacks a required column is refused (:class:`ImportColumnsError`, exit 2) with the
headers it has and the closest known name; nothing is written. :func:`present_rows` tells which
imported rows the sheet already holds (same ID, or the same row when there is no ID).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema, shapes, words
from .messages import InputHeader, Msg, msg
from .core import parse
from .errors import SalesbookError, WorkbookError

# Characters a cell of an .xlsx cannot hold, or should not: C0 controls except tab, newline and
# carriage return (XML 1.0 forbids them; openpyxl raises IllegalCharacterError), DEL and the C1
# controls 0x80–0x9F (legal XML, but invisible garbage from a mis-decoded export), and the
# code points XML 1.0 excludes outright: lone surrogates and U+FFFE/U+FFFF (Excel refuses the file).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Stripped:
    """How many control characters were removed, and where the first one was (file row, column header)."""

    count: int = 0
    row: int | None = None
    column: str | None = None

    def note(self) -> str | None:
        if not self.count:
            return None
        return (f"已删除 {self.count} 个控制字符 / {self.count} control characters removed "
                f"(first at row {self.row}, column {self.column})")


def strip_control_chars(df: pd.DataFrame) -> tuple[pd.DataFrame, Stripped]:
    """``df`` with :data:`CONTROL_CHARS` removed from headers and text cells, and what was removed.

    Rows are counted as in the file: the header is row 1, the first data row is row 2. A column
    whose text is all printable (``str.isprintable``, a C loop: every control character is
    unprintable) is neither scanned by the regex nor copied, so a clean export of a million rows
    and a dozen columns costs about half a second.
    """
    count = 0
    first: tuple[int, int, str] | None = None  # (file row, column position, header) of the first hit
    headers = []
    for j, h in enumerate(df.columns):
        if isinstance(h, str) and CONTROL_CHARS.search(h):
            n = len(CONTROL_CHARS.findall(h))
            count += n
            h = CONTROL_CHARS.sub("", h)
            if first is None or (1, j) < first[:2]:
                first = (1, j, h)
        headers.append(h)
    out = df
    if count:
        out = df.copy()
        out.columns = headers
    for j in range(out.shape[1]):
        col = out.iloc[:, j]
        if _all_printable(col.to_numpy()):
            continue
        is_text = col.map(type).eq(str).to_numpy()
        texts = col[is_text]
        if not any(map(CONTROL_CHARS.search, texts)):  # only tabs, newlines, other harmless non-printables
            continue
        hits = texts.str.count(CONTROL_CHARS.pattern)
        count += int(hits.sum())
        pos = int(is_text.nonzero()[0][(hits.to_numpy() > 0).argmax()])  # first hit in this column
        where = (pos + 2, j, str(headers[j]))
        if first is None or where[:2] < first[:2]:
            first = where
        if out is df:
            out = df.copy()
            out.columns = headers
        cleaned = col.copy()
        cleaned[is_text] = texts.str.replace(CONTROL_CHARS.pattern, "", regex=True)
        out.isetitem(j, cleaned)
    if not count:
        return df, Stripped()
    return out, Stripped(count, first[0], first[2])


def _all_printable(values) -> bool:
    """True if every text value is printable (so none holds a control character); non-text is skipped."""
    try:
        return all(map(str.isprintable, values))  # a CSV read as text: every cell is a str
    except TypeError:  # numbers, dates, NaN from an .xlsx
        return all(v.isprintable() for v in values if isinstance(v, str))




def strip_grid(rows: list[list[Any]]) -> tuple[list[list[Any]], int, tuple[int, int] | None]:
    """``rows`` with :data:`CONTROL_CHARS` removed from every text cell, how many were removed, and
    (row index, column index) of the first one. Rows without any are not copied."""
    count, first = 0, None
    out = rows
    for r, row in enumerate(rows):
        if all(not isinstance(v, str) or v.isprintable() for v in row):
            continue
        new = None
        for c, v in enumerate(row):
            if isinstance(v, str) and CONTROL_CHARS.search(v):
                count += len(CONTROL_CHARS.findall(v))
                first = first or (r, c)
                new = new or list(row)
                new[c] = CONTROL_CHARS.sub("", v)
        if new is not None:
            out = list(rows) if out is rows else out
            out[r] = new
    return out, count, first


TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def read_export(path: Path) -> list[tuple[str | None, list[list[Any]]]]:
    """(sheet name, rows) of every visible sheet of a workbook, or [(None, rows)] of a text file.

    File row ``i + 1`` is ``rows[i]``; an empty cell is None. A missing file is
    ``WorkbookError("not_found")``, an unreadable one ``WorkbookError("bad_import")``."""
    try:
        if path.suffix.lower() in TEXT_SUFFIXES:
            return [(None, _read_text(path.read_bytes()))]
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        out = []
        for meta in wb.sheets_metadata:
            if str(meta.visible).rsplit(".", 1)[-1].lower() != "visible":
                continue
            grid = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            out.append((meta.name, [[None if v == "" else v for v in row] for row in grid]))
        return out or [(None, [])]
    except FileNotFoundError as e:
        raise WorkbookError("not_found", path=str(path)) from e
    except Exception as e:  # calamine raises its own error types; a bad CSV raises csv.Error/ValueError
        raise WorkbookError("bad_import", path=str(path), detail=str(e) or type(e).__name__) from e


ENCODINGS = ("utf-8-sig", "gb18030")


def _read_text(data: bytes) -> list[list[Any]]:
    """A CSV's rows: UTF-8 (BOM or not), else GB18030 (a superset of GBK: what Chinese Excel saves);
    the separator is the one of comma, tab and semicolon that splits most lines alike."""
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("unknown text encoding (not UTF-8 or GBK)")
    lines = text.splitlines()
    if lines and re.fullmatch(r"sep=(.)", lines[0].strip()):  # Excel's own separator hint
        sep, text = lines[0].strip()[4], "\n".join(lines[1:])
    else:
        sep = _separator(lines[:60])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    return [[None if v == "" else v for v in row] for row in rows]


def _separator(lines: list[str]) -> str:
    best, best_score = ",", (-1, -1)
    sample = "\n".join(lines)
    for sep in (",", "\t", ";"):
        counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=sep) if any(c.strip() for c in r)]
        if not counts:
            continue
        score = (int(statistics.median(counts)), max(counts))
        if score > best_score:
            best, best_score = sep, score
    return best


class ImportColumnsError(SalesbookError):
    """An export without a column the sheet needs: names the column, the headers seen, the closest name
    (the words: ``[error.import_columns]``)."""

    def __init__(self, path: Path, spec: schema.SheetSpec, missing: list[schema.Column], headers: list[str],
                 header_row: int | None) -> None:
        self.path, self.spec, self.header_row = path, spec, header_row
        self.missing = missing
        self.headers = headers
        super().__init__(str(self))

    def message(self, lang: str) -> str:
        """The message in ``lang``: the missing columns, the headers seen, for each missing column the closest
        header or the accepted ones, and that the workbook was not changed."""
        def say(key: str, **values: object) -> str:
            return str(words.word(lang, "error", "import_columns", key)).format(**values)

        def listed(items) -> str:
            return say("sep").join(say("quoted", text=t) for t in items)

        spec = self.spec
        where = say("seen_row", row=self.header_row) if self.header_row else say("seen_top")
        lines = [say("head", file=self.path.name, sheet=spec.name(lang),
                     columns=listed(f"{c.name(words.REFERENCE)} / {c.key}" for c in self.missing)),
                 say("seen", where=where, headers=listed(self.headers) if self.headers else say("none"))]
        for c in self.missing:
            near = schema.closest(spec, c.key, self.headers)
            if near:
                lines.append(say("closest", name=c.name(lang), found=near[0], alias=near[1]))
            else:
                lines.append(say("accepted", name=c.name(lang), names=say("sep").join([c.name(lang), *c.aliases[:5]])))
        for c in self.missing:
            stand_in = schema.STAND_INS.get((spec.key, c.key))
            if stand_in:
                lines.append(say("stand_in", other=spec.column(stand_in).name(lang), name=c.name(lang)))
        return "\n".join([*lines, say("unchanged")])


@dataclass
class Imported:
    """An export read for one input sheet: ``df`` keyed like the sheet (other columns under their own
    header), typed; ``notes`` (messages) for the user; what was not used."""

    spec: schema.SheetSpec
    path: Path
    df: pd.DataFrame
    shape: shapes.Shape
    sheet: str | None = None
    notes: list[Msg] = field(default_factory=list)

    @property
    def unknown(self) -> list[str]:
        skip = {p.index for p in self.shape.periods} | {i for i, _ in self.shape.totals}
        if self.shape.label is not None:
            skip.add(self.shape.label)
        return [h for i, h in self.shape.match.unknown if i not in skip]

    @property
    def unused(self) -> list[str]:
        return [h for _, h in self.shape.match.unused]

    @property
    def duplicates(self) -> list[tuple[str, str]]:
        return [(h, k) for _, h, k in self.shape.match.duplicates]


def _score(spec: schema.SheetSpec, shape: shapes.Shape | None) -> tuple[int, int]:
    if shape is None:
        return (-99, 0)
    return (-len(shape.missing(spec)), len(shape.keys))


def load(spec: schema.SheetSpec, path: Path) -> Imported:
    """Read the export at ``path`` for ``spec``: find the table (any visible sheet of a workbook),
    refuse it without a required column, type its values. Writes nothing."""
    candidates = []
    for sheet, rows in read_export(path):
        rows, count, first = strip_grid(rows)
        candidates.append((sheet, rows, count, first, shapes.detect(spec, rows)))
    sheet, rows, count, first, shape = max(candidates, key=lambda c: _score(spec, c[4]))
    if shape is None or shape.missing(spec):
        row = shape.header + 1 if shape else None
        headers = [str(v).strip() for v in (rows[shape.header] if shape else _first_filled(rows))
                   if v is not None and str(v).strip()]
        raise ImportColumnsError(path, spec, shape.missing(spec) if shape else
                                 [c for c in spec.columns if c.required], headers, row)
    df = shapes.frame(rows, shape, list(range(1, len(rows) + 1)), extras=True)
    df = df.drop(columns=[c for c in ("_col",) if c in df])
    notes = list(shape.notes)
    if sheet is not None and len(candidates) > 1:
        notes.insert(0, msg("read.sheet", sheet=sheet))
    if count:
        r, c = first
        header = rows[shape.header][c] if c < len(rows[shape.header]) else None
        notes.append(msg("read.control_chars", count=count, row=r + 1, column=header or c + 1))
    df, typed_notes = typed_import(spec, df.drop(columns="_row"), shape.units)
    return Imported(spec, path, df, shape, sheet, notes + typed_notes)


def _first_filled(rows: list[list[Any]]) -> list[Any]:
    return next((r for r in rows if any(v is not None and str(v).strip() for v in r)), [])


def typed_import(spec: schema.SheetSpec, df: pd.DataFrame, units: dict[str, str]
                 ) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Numbers and dates in an export become numbers and dates in the sheet (in 元).

    ``df`` has the schema keys as column names; ``units`` maps a key to the unit its header or a
    title row named (``万元``: amounts are multiplied by 10,000 and a note says so). Text that does
    not parse stays exactly as exported, so cleaning can flag it with its row; empty strings become
    empty cells. Returns the typed copy and the notes."""
    df = df.copy()
    notes = []
    for col in spec.columns:
        if col.key not in df:
            continue
        if col.kind == "amount":
            unit = units.get(col.key) or ""
            factor = 1e8 if "亿" in unit else 1e4 if "万" in unit else 1e3 if "千" in unit else 1.0
            df[col.key] = [raw if (v := parse.parse_amount(raw)) is None else v * factor for raw in df[col.key]]
            if factor != 1:
                notes.append(msg("read.unit_scaled", column=InputHeader(spec.key, col.key), unit=unit,
                                 factor=f"{factor:,.0f}"))
        elif col.kind == "date":
            df[col.key] = [raw if (v := parse.parse_date(raw)) is None else _with_time(raw, v) for raw in df[col.key]]
    return df.replace({"": None}), notes


_TIME = re.compile(r"[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$")


def _with_time(raw: Any, day: dt.datetime) -> dt.datetime:
    """The parsed day with the time of day the text carried ('2025-03-01 10:30' keeps its 10:30)."""
    m = _TIME.search(raw.strip()) if isinstance(raw, str) else None
    if m is None or day.hour or day.minute or day.second:
        return day
    h, mi, sec = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    return day.replace(hour=h, minute=mi, second=sec) if h < 24 and mi < 60 and sec < 60 else day


ID_KEYS = {"orders": "order_id", "customers": "customer_id", "leads": "lead_id"}


def _canon(v: Any) -> str:
    if isinstance(v, float) and not v.is_integer() and v == v:
        return repr(round(v, 6))
    return parse.key_text(v) or ""


def present_rows(spec: schema.SheetSpec, new: pd.DataFrame, old: pd.DataFrame | None) -> pd.Series:
    """Which rows of ``new`` the sheet already holds: the same ID (orders, customers, leads), or —
    for a row without an ID — the same value in every column of the sheet's schema that ``new`` has."""
    present = pd.Series(False, index=new.index)
    if old is None or old.empty or new.empty:
        return present
    id_key = ID_KEYS.get(spec.key)
    has_id = pd.Series(False, index=new.index)
    if id_key and id_key in new:
        ids = new[id_key].map(_canon)
        has_id = ids != ""
        old_ids = set(old[id_key].map(_canon)) - {""} if id_key in old else set()
        present |= has_id & ids.isin(old_ids)
    keys = [k for k in spec.keys if k in new.columns and k != id_key]
    if keys:
        def prints(df: pd.DataFrame) -> pd.Series:
            cols = [df[k].map(_canon) if k in df else pd.Series("", index=df.index) for k in keys]
            return pd.concat(cols, axis=1).agg("\x1f".join, axis=1)

        present |= ~has_id & prints(new).isin(set(prints(old)))
    return present
