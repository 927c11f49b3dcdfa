"""分析报告 Report sheet: S1's outline as text, under a block of figures that belong to the template.

One wide column: the title, S1 第七步's review block (rows 1–10), the figures (rows 12–75: six native
charts, two full width and two pairs side by side, the second page starting at the third row of
charts), then the report's paragraphs from :data:`TEXT_ROW` down, as long as they need to be. The
charts are built once into the template (:func:`build`) and bound to fixed chart-data slots right
of the print area (column D, see :data:`.chartdata.REPORT`); a refresh writes only cells, so a user
may restyle a chart and keep the style. The print area (column A, every row that holds something),
the page break before the second page of figures and the page setup are the template's too.
Alerts the user marked 已核实/忽略 in 异常预警 are left out of the issues and actions.

Under the title, the review block: 状态 / 审核人 / 审核日期, each a label with the manager's
value in the cell below it (one column, so it prints with the text). The values are read back
before the sheet is rewritten and kept; :mod:`..core.review` decides when 已审核 becomes
需重新审核, with the fingerprints kept in a hidden sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import xlwings as xw

from .. import messages, vocab, words
from ..core import report
from ..core import review as rv
from ..core.pipeline import Result
from ..messages import Day, msg
from . import chartdata, charts, printing, store
from .cellstate import put
from .book import acknowledged_alerts
from .look import TITLE_FILL

TEXT_WIDTH = 64  # column A, in characters: one A4 portrait page wide at 100% (LibreOffice does not
# scale a print area to fit, so the text column must fit by itself)
DATA_COL = 4  # column D: the chart-data slots, from row 1, outside the print area
NOTE_ROW = 10  # under the review block: why 已审核 became 需重新审核 (empty otherwise)
FIGURES_ROW, CHART_ROWS = 12, 16  # the figures: rows of charts, each CHART_ROWS tall (the last one a gap)
FIGURES = (("monthly",), ("products", "tiers"), ("segments", "regions"), ("pareto",))  # one tuple per row
SECOND_PAGE = FIGURES_ROW + 2 * CHART_ROWS  # a page break before the third row of charts
TEXT_ROW = FIGURES_ROW + len(FIGURES) * CHART_ROWS + 1  # the paragraphs start here
ROW_PT = 16  # a default row (12-point font)


def areas() -> dict[str, tuple[str, tuple[float, float]]]:
    """Each figure's cells in column A, with its share of the column's width."""
    out = {}
    for i, keys in enumerate(FIGURES):
        top = FIGURES_ROW + i * CHART_ROWS
        for j, key in enumerate(keys):
            out[key] = (f"A{top}:A{top + CHART_ROWS - 2}", (j / len(keys), (j + 1) / len(keys)))
    return out


def _display_width(text: str) -> int:
    """Column-width units: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text))


REVIEW_STORE = "_salesbook_review"
REVIEW_HEADER = ["key", "value"]
REVIEW_LABELS = {  # key → its label in each language (catalogue); the value is the cell below the label
    key: tuple(messages.text(msg(f"review.{key}"), lang) for lang in vocab.LANGS)
    for key in ("status", "reviewer", "date")}
REVIEW_FILL = (255, 242, 204)  # the cells the manager types in
_SCAN_ROWS = 20


def read_review(sheet: xw.Sheet) -> dict[str, Any]:
    """status/reviewer/date as typed under their labels (either language); missing → None."""
    values = sheet.range((1, 1), (_SCAN_ROWS + 1, 1)).options(ndim=1).value or []
    found: dict[str, Any] = {}
    for key, labels in REVIEW_LABELS.items():
        for i, v in enumerate(values[:-1]):
            if isinstance(v, str) and v.strip() in labels:
                found[key] = values[i + 1]
                break
    return found


def _stored(book: xw.Book) -> dict[str, str]:
    return {str(k): ("" if v is None else str(v)) for k, v in store.read(book, REVIEW_STORE, REVIEW_HEADER)}


def _review(sheet: xw.Sheet, result: Result, r_zh, typed: dict[str, Any] | None,
            lang: str) -> rv.Review:
    typed = read_review(sheet) if typed is None else typed
    kpi = result.frames.kpi.set_index("metric")
    sales = float(kpi.loc["revenue", "ytd"]) if "revenue" in kpi.index else float("nan")
    current = rv.summary(len(result.clean["orders"]), sales)
    decided = rv.decide(typed, _stored(sheet.book), rv.fingerprint(r_zh["text"]), current)
    note = messages.text(decided.note, lang, messages.unit_of(result.settings))
    store.write(sheet.book, REVIEW_STORE, REVIEW_HEADER, [
        ["reviewed_fp", decided.reviewed_fp], ["reviewed_summary", decided.reviewed_summary],
        ["last_fp", decided.last_fp], ["last_summary", decided.last_summary], ["note", note]])
    return decided


def write(sheet: xw.Sheet, result: Result, *, lang: str = "zh", acknowledged: set[str] | None = None,
          review: dict[str, Any] | None = None) -> None:
    """Write the report; ``acknowledged`` alert keys (default: read from the workbook's 异常预警) are left out.

    ``review``: the review block as typed (:func:`read_review`, read before the sheet was cleared);
    default: read from the sheet now."""
    unit = messages.unit_of(result.settings)
    if acknowledged is None:
        acknowledged = acknowledged_alerts(sheet.book, result)
    r = report.build(result, lang, acknowledged, unit)
    # the review compares the report in one language, so a language switch is no change of numbers
    same = r if lang == words.REFERENCE else report.build(result, words.REFERENCE, acknowledged, unit)
    decided = _review(sheet, result, same, review, lang)
    old_last = _last_row(sheet)
    clear(sheet)
    title = messages.text(msg("report.title", as_of=Day(result.as_of)), lang)
    status = vocab.label("review_status", decided.status, lang)
    head: list[Any] = [title, None, messages.text(msg("review.heading"), lang)]
    values: dict[int, Any] = {}  # row → the manager's own value, as typed (a date stays a date)
    for key, value in (("status", status), ("reviewer", decided.reviewer), ("date", decided.date)):
        head.append(REVIEW_LABELS[key][words.index(lang)])
        values[len(head) + 1] = value
        head.append(None)
    head.append(messages.text(decided.note, lang, unit) if decided.note else None)  # NOTE_ROW
    text = _Text()
    for section, grp in r.groupby("section", sort=False):
        text.add(section, heading=True)
        for line in grp["text"]:
            text.add(line)
        text.add(None)
    put(sheet.range("A1"), [[t] for t in head])
    put(sheet.range((TEXT_ROW, 1)), [[t] for t in text.texts])
    for row, value in values.items():
        if value is not None:
            put(sheet.range((row, 1)), value)
        if isinstance(value, (dt.date, dt.datetime)):
            sheet.range((row, 1)).number_format = "yyyy-mm-dd"
        sheet.range((row, 1)).color = REVIEW_FILL
    if decided.note:
        sheet.range((NOTE_ROW, 1)).font.color = (192, 0, 0)
    sheet.range("A1").font.size = 16
    sheet.range("A1").font.bold = True
    for row in [3] + [TEXT_ROW + i for i in text.headings]:
        sheet.range((row, 1)).font.bold = True
        sheet.range((row, 1)).color = TITLE_FILL
    last = TEXT_ROW + len(text.texts) - 1
    sheet.range((3, 1), (NOTE_ROW, 1)).wrap_text = True
    sheet.range((TEXT_ROW, 1), (last, 1)).wrap_text = True
    # every row of the text, and those a longer text used last time, as tall as its lines
    end = max(last, old_last)
    heights = {row: float(ROW_PT) for row in range(TEXT_ROW, end + 1)}
    heights.update({TEXT_ROW + i: h for i, h in text.heights.items()})
    printing.fit_row_heights(sheet, TEXT_ROW, end, heights)
    # the figures are the template's charts: only the cells they are bound to change
    chartdata.fill(sheet, chartdata.slot_tables(result, lang, chartdata.REPORT), column=DATA_COL, row=1,
                   keys=chartdata.REPORT)


def _last_row(sheet: xw.Sheet) -> int:
    return sheet.used_range.last_cell.row


def clear(sheet: xw.Sheet) -> None:
    """Empty the cells the report writes (column A and the chart-data slots), nothing else: the charts,
    widths, page break and page setup come from the template and stay as the user left them."""
    sheet.range((1, 1), (max(_last_row(sheet), TEXT_ROW), 1)).clear()
    last = max(last for _title, _first, last in chartdata.slot_rows(1, chartdata.REPORT).values())
    width = max(chartdata.SLOTS[k][0] for k in chartdata.REPORT)
    sheet.range((1, DATA_COL), (last, DATA_COL + width - 1)).clear()


def build(ws, lang: str) -> None:
    """The report sheet of the template (openpyxl worksheet): column widths, the chart-data slots'
    titles and headers, the six charts bound to them, print area, page break and page setup."""
    import dataclasses

    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break
    from openpyxl.worksheet.properties import PageSetupProperties


    ws.column_dimensions["A"].width = TEXT_WIDTH
    ws.column_dimensions[get_column_letter(DATA_COL)].width = 16
    texts = chartdata.template_slots(ws, lang, column=DATA_COL, row=1, keys=chartdata.REPORT)
    texts["regions"] = dataclasses.replace(
        texts["regions"], title=messages.text(msg("chart.regions"), lang))
    charts.add_to_template(ws, chartdata.slot_specs(ws.title, areas(), column=DATA_COL, row=1, texts=texts,
                                                    keys=chartdata.REPORT))
    ws.print_area = "A1:A1048576"  # column A, as far down as the text goes (Excel and LibreOffice print
    # the rows that hold something); the chart data stays on screen
    ws.row_breaks.append(Break(id=SECOND_PAGE - 1))
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


class _Text:
    """The report's paragraphs, row by row, with the height each wrapped row needs (estimated:
    clients other than Excel do not measure wrapped rows themselves)."""

    def __init__(self) -> None:
        self.texts: list[str | None] = []
        self.headings: list[int] = []  # offsets into texts
        self.heights: dict[int, float] = {}  # offset → points

    def add(self, text: str | None, *, heading: bool = False) -> None:
        lines = max(1, -(-_display_width(text) // (TEXT_WIDTH - 10))) if text else 1
        if heading:
            self.headings.append(len(self.texts))
        if lines > 1:
            self.heights[len(self.texts)] = ROW_PT * lines
        self.texts.append(text)
