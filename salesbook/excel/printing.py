"""Print layout (page breaks, fit to width, orientation, titles), frozen rows and filters of the output sheets.

What is fixed lives in the template (built once, see :mod:`.template`): each output sheet's
orientation, fit to one page wide and paper, the frozen header and printed header rows of the
tables that start at the top, the printed columns, the report's print area and page break, the
dashboard's print area. Excel keeps all of that through a refresh (``Sheet.clear`` clears cells,
not the page setup, the panes or the sheet's names), so in Excel these helpers do nothing for it.
The file engine's ``clear`` forgets a sheet whole, so a file is given the same settings again
here — the tested file-engine branch.

What depends on the data runs in Excel too, and is the only Excel-only code left at refresh
(:data:`EXCEL_ONLY`, listed in the README's release checklist): the meeting pack's page breaks
(one printed page per salesperson and region), the cleaning log's printed header rows (its table
starts under a summary of varying length) and the filter buttons (reset each time, so rows a
filter left hidden do not hide the new data). Row heights use xlwings' own ``rows.autofit()``.
"""

from __future__ import annotations

import xlwings as xw

from .engine import FileSheet

# the COM calls that still run in live Excel at refresh (no test can run them; see the README checklist)
EXCEL_ONLY = (
    "Worksheet.ResetAllPageBreaks / HPageBreaks.Add (meeting pack: a page per salesperson and region)",
    "PageSetup.PrintTitleRows (cleaning log: its header row moves with the summary above it)",
    "Worksheet.AutoFilterMode / Range.AutoFilter (filter buttons reset on each table's header)",
)


def _file(sheet: xw.Sheet) -> FileSheet | None:
    impl = sheet.impl
    return impl if isinstance(impl, FileSheet) else None


def fit_to_width(sheet: xw.Sheet, *, landscape: bool = False, one_page: bool = False) -> None:
    """A4, one page wide (and tall when ``one_page``). The template holds it; a file gets it again."""
    impl = _file(sheet)
    if impl is not None:
        impl.page_setup(landscape=landscape, fit_width=1, fit_height=1 if one_page else 0)


def page_break_before(sheet: xw.Sheet, row: int) -> None:
    """A manual page break above ``row`` (the meeting pack's pages depend on the data)."""
    impl = _file(sheet)
    if impl is not None:
        impl.add_row_break(row)
        return
    sheet.api.HPageBreaks.Add(Before=sheet.range((row, 1)).api)  # pragma: no cover - needs Excel


def clear_page_breaks(sheet: xw.Sheet) -> None:
    """Remove every manual page break of ``sheet`` (before the meeting pack sets its own)."""
    impl = _file(sheet)
    if impl is not None:
        impl.clear_row_breaks()
        return
    sheet.api.ResetAllPageBreaks()  # pragma: no cover - needs Excel


def set_print_area(sheet: xw.Sheet, address: str) -> None:
    """The printed cells (whole columns, e.g. 'A1:K1048576': the template holds it; a file gets it again)."""
    impl = _file(sheet)
    if impl is not None:
        impl.set_print_area(address)


def print_titles(sheet: xw.Sheet, rows: str | None, *, in_excel: bool = False) -> None:
    """Repeat ``rows`` ('1:2') at the top of every printed page (None: no titles). In Excel only when
    ``in_excel`` (rows that move with the data); fixed rows are the template's."""
    impl = _file(sheet)
    if impl is not None:
        impl.set_print_titles(rows)
        return
    if in_excel:  # pragma: no cover - needs Excel
        sheet.api.PageSetup.PrintTitleRows = _absolute_rows(rows) if rows else ""


def freeze_rows(sheet: xw.Sheet, rows: int) -> None:
    """Freeze the top ``rows`` rows (0: none): the template holds it; a file gets it again."""
    impl = _file(sheet)
    if impl is None:
        return
    if rows:
        impl.freeze_panes.freeze_at(f"1:{rows}")
    else:
        impl.freeze_panes.unfreeze()


def autofilter(sheet: xw.Sheet, address: str | None) -> None:
    """Filter buttons on the first row of ``address`` ('A2:H98': header row to last data row),
    nothing filtered; None removes the sheet's filter."""
    impl = _file(sheet)
    if impl is not None:
        impl.set_autofilter(address)
        return
    if sheet.api.AutoFilterMode:  # pragma: no cover - needs Excel
        sheet.api.AutoFilterMode = False
    if address:  # pragma: no cover - needs Excel
        sheet.range(address).api.AutoFilter(1)  # Field 1 without criteria: buttons only


def _absolute_rows(rows: str) -> str:
    return ":".join(f"${r.strip('$')}" for r in rows.split(":"))


def fit_row_heights(sheet: xw.Sheet, first: int, last: int, heights: dict[int, float]) -> None:
    """Rows first..last as tall as their wrapped text. Excel measures the text itself (xlwings'
    ``rows.autofit()``); a file gets the estimated ``heights`` (row → points), since LibreOffice and
    other readers do not re-measure rows on opening."""
    impl = _file(sheet)
    if impl is not None:
        impl.set_row_heights(heights)
        return
    sheet.range((first, 1), (last, 1)).rows.autofit()  # pragma: no cover - needs Excel
