"""Print layout (page breaks, fit to width, orientation) and PDF export, for files and live Excel.

xlwings' API has ``Book.to_pdf`` but nothing for page setup beyond the print area, so these
helpers reach the engine object: openpyxl's page setup for files, the COM PageSetup in Excel.
The file engine's ``to_pdf`` (see engine.FileBook) renders with LibreOffice.
"""

from __future__ import annotations

import xlwings as xw
from openpyxl.worksheet.pagebreak import Break

from .engine import FileSheet


def fit_to_width(sheet: xw.Sheet, *, landscape: bool = False, one_page: bool = False) -> None:
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        ws = impl.ws
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        return
    ps = sheet.api.PageSetup  # pragma: no cover - needs Excel
    ps.Orientation = 2 if landscape else 1
    ps.Zoom = False
    ps.FitToPagesWide = 1
    ps.FitToPagesTall = 1 if one_page else False


def page_break_before(sheet: xw.Sheet, row: int) -> None:
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.ws.row_breaks.append(Break(id=row - 1))
        return
    sheet.api.HPageBreaks.Add(Before=sheet.range((row, 1)).api)  # pragma: no cover - needs Excel


def clear_page_breaks(sheet: xw.Sheet) -> None:
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.ws.row_breaks.brk = []
        return
    sheet.api.ResetAllPageBreaks()  # pragma: no cover - needs Excel


def set_print_area(sheet: xw.Sheet, address: str) -> None:
    impl = sheet.impl
    if isinstance(impl, FileSheet):
        impl.ws.print_area = address
        return
    sheet.page_setup.print_area = address  # pragma: no cover - needs Excel
