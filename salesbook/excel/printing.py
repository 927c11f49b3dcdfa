"""Print layout (page breaks, fit to width, orientation) and PDF export, for files and live Excel.

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
