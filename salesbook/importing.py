"""Reading CRM exports (CSV/XLSX) for ``salesbook import``: text as exported, numbers and dates typed.

``read_export(path)`` reads every cell as exported (no type guessing) and strips control
characters from every text value — a stray ``\\x07`` pasted into a customer name would otherwise
make the workbook unsavable (openpyxl's IllegalCharacterError) or unreadable to Excel.
``typed_import(spec, df, units)`` then turns the numbers and dates it can parse into numbers and
dates (amounts in 元) and leaves everything else exactly as exported, so cleaning can flag it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema
from .errors import WorkbookError

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


def read_export(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The export at ``path`` as a frame of raw cells (header = first row) and notes to show the user.

    CSV/TXT is read as UTF-8 (with or without BOM), else GB18030 (what Chinese Excel saves); every
    cell stays text, empty cells are ``""``. Anything else is read as an Excel file with openpyxl.
    Control characters are removed from every text value and header (see :data:`CONTROL_CHARS`);
    the notes say how many and where the first was. A missing file is ``WorkbookError("not_found")``,
    an unreadable one ``WorkbookError("bad_import")``.
    """
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    df = pd.read_csv(path, dtype=object, encoding=enc, keep_default_na=False)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ValueError("unknown text encoding")
        else:
            df = pd.read_excel(path, dtype=object, engine="openpyxl")
    except FileNotFoundError as e:
        raise WorkbookError("not_found", path=str(path)) from e
    except Exception as e:
        raise WorkbookError("bad_import", path=str(path), detail=str(e)) from e
    df, stripped = strip_control_chars(df)
    note = stripped.note()
    return df, [note] if note else []


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


def typed_import(spec: schema.SheetSpec, df: pd.DataFrame, units: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Numbers and dates in an export become numbers and dates in the sheet (in 元).

    ``df`` has the schema keys as column names (after header matching); ``units`` maps a key to
    the unit its header named (``金额(万元)`` → ``万元``: amounts are multiplied by 10,000 and a
    note says so). Text that does not parse stays exactly as exported, so cleaning can flag it
    with its row; empty strings become empty cells. Returns the typed copy and the notes.
    """
    from .core import parse

    df = df.copy()
    notes = []
    for col in spec.columns:
        if col.key not in df:
            continue
        if col.kind == "amount":
            factor = 1e4 if "万" in (units.get(col.key) or "") else 1.0
            df[col.key] = [raw if (v := parse.parse_amount(raw)) is None else v * factor for raw in df[col.key]]
            if factor != 1:
                notes.append(f"{col.zh}: 万元 → 元 (×10000)")
        elif col.kind == "date":
            df[col.key] = [raw if (v := parse.parse_date(raw)) is None else v for raw in df[col.key]]
    return df.replace({"": None}), notes
