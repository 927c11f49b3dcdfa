"""Print layout (page breaks, fit to width, orientation, titles), frozen rows and filters, for files and Excel.

xlwings' API has ``Book.to_pdf`` but nothing for page setup beyond the print area, so these
helpers reach the engine object: the file engine's sheet methods for files, the COM
PageSetup in Excel. The file engine's ``to_pdf`` (see engine.FileBook) renders with LibreOffice.
"""

from __future__ import annotations

import xlwings as xw

from .engine import FileSheet


def fit_to_width(sheet: xw.Sheet, *, landscape: bool = False, one_page: bool = False) -> None:
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.page_setup(landscape=landscape, fit_width=1, fit_height=1 if one_page else 0)
        return
    ps = sheet.api.PageSetup  # pragma: no cover - needs Excel
    ps.Orientation = 2 if landscape else 1
    ps.Zoom = False
    ps.FitToPagesWide = 1
    ps.FitToPagesTall = 1 if one_page else False


def page_break_before(sheet: xw.Sheet, row: int) -> None:
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.add_row_break(row)
        return
    sheet.api.HPageBreaks.Add(Before=sheet.range((row, 1)).api)  # pragma: no cover - needs Excel


def clear_page_breaks(sheet: xw.Sheet) -> None:
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.clear_row_breaks()
        return
    sheet.api.ResetAllPageBreaks()  # pragma: no cover - needs Excel


def set_print_area(sheet: xw.Sheet, address: str) -> None:
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.set_print_area(address)
        return
    sheet.page_setup.print_area = address  # pragma: no cover - needs Excel


def print_titles(sheet: xw.Sheet, rows: str | None) -> None:
    """Repeat ``rows`` ('1:2') at the top of every printed page (None: no titles)."""
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.set_print_titles(rows)
        return
    sheet.api.PageSetup.PrintTitleRows = _absolute_rows(rows) if rows else ""  # pragma: no cover - needs Excel


def freeze_rows(sheet: xw.Sheet, rows: int) -> None:
    """Freeze the top ``rows`` rows (0: unfreeze). Excel freezes through the active window, so the
    sheet is activated for a moment and the previously active sheet is activated again."""
    impl = sheet.impl
    if isinstance(impl, FileSheet):  # the file engine's own panes (xlwings' Windows/Mac engines have none)
        if rows:
            impl.freeze_panes.freeze_at(f"1:{rows}")
        else:
            impl.freeze_panes.unfreeze()
        return
    book = sheet.book  # pragma: no cover - needs Excel
    active = book.sheets.active  # pragma: no cover
    sheet.activate()  # pragma: no cover
    window = book.app.api.ActiveWindow  # pragma: no cover
    window.FreezePanes = False  # pragma: no cover
    if rows:  # pragma: no cover
        window.ScrollRow, window.ScrollColumn = 1, 1
        window.SplitColumn, window.SplitRow = 0, rows
        window.FreezePanes = True
    active.activate()  # pragma: no cover


def autofilter(sheet: xw.Sheet, address: str | None) -> None:
    """Filter buttons on the first row of ``address`` ('A2:H98': header row to last data row),
    nothing filtered; None removes the sheet's filter."""
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.set_autofilter(address)
        return
    if sheet.api.AutoFilterMode:  # pragma: no cover - needs Excel
        sheet.api.AutoFilterMode = False
    if address:  # pragma: no cover - needs Excel
        sheet.range(address).api.AutoFilter(1)  # Field 1 without criteria: buttons only


def _absolute_rows(rows: str) -> str:
    return ":".join(f"${r.strip('$')}" for r in rows.split(":"))


def fit_row_heights(sheet: xw.Sheet, first: int, last: int, heights: dict[int, float]) -> None:
    """Rows first..last as tall as their wrapped text. Excel measures the text itself (one AutoFit);
    a file gets the estimated ``heights`` (row → points), since LibreOffice and other readers do
    not re-measure rows on opening."""
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.set_row_heights(heights)
        return
    sheet.range((first, 1), (last, 1)).rows.autofit()  # pragma: no cover - needs Excel
