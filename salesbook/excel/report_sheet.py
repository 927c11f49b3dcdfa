"""分析报告 Report sheet: S1's outline as text, with the charts placed where the text talks about them.

One wide column of paragraphs (printed one page wide); after 客户整体概况 the monthly trend and
product mix, after 客户分层结果 the tiers and RFM segments, after 关键问题与需求 the completion by
region and the Pareto chart. The charts' numbers sit in small tables right of the print area.
Alerts the user marked 已核实/忽略 in 异常预警 are left out of the issues and actions.

Under the title, S1 第七步's review block: 状态 / 审核人 / 审核日期, each a label with the manager's
value in the cell below it (one column, so it prints with the text). The values are read back
before the sheet is rewritten and kept; :mod:`..core.review` decides when 已审核 becomes
需重新审核, with the fingerprints kept in a hidden sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import xlwings as xw

from .. import messages, vocab
from ..core import report
from ..core import review as rv
from ..core.pipeline import Result
from ..messages import Day, msg
from . import chartdata, charts, printing, store
from .cellstate import put
from .io import TITLE_FILL, acknowledged_alerts

TEXT_WIDTH = 64  # column A, in characters: one A4 portrait page wide at 100% (LibreOffice does not
# scale a print area to fit, so the text column must fit by itself)
CHART_ROWS = 18  # rows per chart
DATA_COL = 4  # column D: chart data tables, outside the print area
# after which section (index into report.SECTIONS) each pair of charts goes
CHARTS_AFTER = {1: ("monthly", "products"), 2: ("tiers", "segments"), 3: ("regions", "pareto")}
SIDE_BY_SIDE = {"tiers", "segments", "products"}  # small charts share a row; the others are full width


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
    kpi = result.frames["kpi"].set_index("metric")
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
    zh = lang == "zh"
    unit = messages.unit_of(result.settings)
    if acknowledged is None:
        acknowledged = acknowledged_alerts(sheet.book, result)
    r = report.build(result, lang, acknowledged, unit)
    decided = _review(sheet, result, r if zh else report.build(result, "zh", acknowledged, unit),
                      review, lang)
    sheet.clear()
    layout = _Layout()
    layout.add(messages.text(msg("report.title", as_of=Day(result.as_of)), lang))
    layout.add(None)
    layout.add(messages.text(msg("review.heading"), lang), heading=True)
    status = vocab.label("review_status", decided.status, lang)
    value_rows: dict[str, int] = {}
    for key, value in (("status", status), ("reviewer", decided.reviewer), ("date", decided.date)):
        layout.add(REVIEW_LABELS[key][vocab.LANGS.index(lang)])
        value_rows[key] = len(layout.texts) + 1
        layout.texts.append(None)
        layout._advance(layout.ROW_PT)
        layout.values[value_rows[key]] = value
    if decided.note:
        layout.add(messages.text(decided.note, lang, unit))
        note_row = len(layout.texts)
    else:
        note_row = 0
    layout.add(None)
    available = {t.key: t for t in chartdata.tables(result, lang)}
    areas: dict[str, tuple[str, tuple[float, float]]] = {}
    sections = [vocab.label("report_section", code, lang) for code in report.SECTIONS]
    for section, grp in r.groupby("section", sort=False):
        layout.add(section, heading=True)
        for text in grp["text"]:
            layout.add(text)
        keys = [k for k in CHARTS_AFTER.get(sections.index(section), ()) if k in available]
        for pair in ([keys] if set(keys) <= SIDE_BY_SIDE else [[k] for k in keys]) if keys else []:
            top = layout.block(CHART_ROWS)
            for i, key in enumerate(pair):
                share = 1 / len(pair)
                areas[key] = (f"A{top + 1}:A{top + CHART_ROWS - 1}", (i * share, (i + 1) * share))
        layout.add(None)
    put(sheet.range("A1"), [[t] for t in layout.texts])
    for row, value in layout.values.items():  # the manager's own values, as typed (a date stays a date)
        if value is not None:
            put(sheet.range((row, 1)), value)
        if isinstance(value, (dt.date, dt.datetime)):
            sheet.range((row, 1)).number_format = "yyyy-mm-dd"
        sheet.range((row, 1)).color = REVIEW_FILL
    if note_row:
        sheet.range((note_row, 1)).font.color = (192, 0, 0)
    sheet.range("A1").font.size = 16
    sheet.range("A1").font.bold = True
    for row in layout.headings:
        sheet.range((row, 1)).font.bold = True
        sheet.range((row, 1)).color = TITLE_FILL
    sheet.range((1, 1)).column_width = TEXT_WIDTH
    sheet.range((3, 1), (len(layout.texts), 1)).wrap_text = True
    for row, height in layout.heights.items():  # not every client autofits wrapped rows
        sheet.range((row, 1)).row_height = height
    printing.clear_page_breaks(sheet)
    for row in layout.breaks:
        printing.page_break_before(sheet, row)
    sheet.range((1, DATA_COL)).column_width = 16
    placed = [available[k] for k in areas]
    charts.render(sheet, chartdata.place(sheet, placed, areas, column=DATA_COL, row=1))
    printing.set_print_area(sheet, f"A1:A{len(layout.texts)}")
    printing.fit_to_width(sheet)


class _Layout:
    """Rows of text and chart blocks, with wrapped-text heights and page breaks that keep a chart
    on one page (estimated: a default row is about 16 pt, an A4 portrait page holds about 680 pt)."""

    ROW_PT, PAGE_PT = 16, 680

    def __init__(self) -> None:
        self.texts: list[str | None] = []
        self.headings: list[int] = []
        self.heights: dict[int, float] = {}
        self.breaks: list[int] = []
        self.values: dict[int, Any] = {}  # row → a typed value written as is
        self.used = 0.0

    def _advance(self, height: float, *, keep: bool = False) -> None:
        if self.used + height > self.PAGE_PT:
            if keep:  # a chart block that would straddle the page starts a new one
                self.breaks.append(len(self.texts) + 1)
                self.used = 0.0
            else:
                self.used = (self.used + height) - self.PAGE_PT
                return
        self.used += height

    def add(self, text: str | None, *, heading: bool = False) -> None:
        lines = max(1, -(-_display_width(text) // (TEXT_WIDTH - 10))) if text else 1
        if heading:
            self.headings.append(len(self.texts) + 1)
            if self.used + 4 * self.ROW_PT > self.PAGE_PT:  # keep a heading with its first lines
                self.breaks.append(len(self.texts) + 1)
                self.used = 0.0
        if lines > 1:
            self.heights[len(self.texts) + 1] = self.ROW_PT * lines
        self._advance(self.ROW_PT * lines)
        self.texts.append(text)

    def block(self, rows: int) -> int:
        """Reserve ``rows`` empty rows kept on one page; returns the row before the first."""
        self._advance(self.ROW_PT * rows, keep=True)
        top = len(self.texts)
        self.texts.extend([None] * rows)
        return top
