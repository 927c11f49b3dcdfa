"""仪表盘 Dashboard: KPI cards and native charts; a refresh writes cells only.

Layout: an info block (A1:B6; B3 is the refresh stamp the UDF cache keys on) with the data notices
beside it (D1:D6: the missing columns that change the numbers, see :mod:`salesbook.core.coverage`),
eight KPI cards (big number, change against the previous period, green/red status), and six charts
bound to fixed chart-data slots at the right of the sheet (column T, from row 16; see
:data:`.chartdata.SLOTS`). The charts, the grid widths, the print area and the page setup are built
once into the template (:func:`build`); they belong to the workbook, so a user can restyle a chart
and the next refresh — in Excel or headless — only rewrites the numbers it is bound to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import xlwings as xw

from .. import messages, vocab
from ..core.numtext import points
from ..core.pipeline import Result
from ..messages import Code, DisplayUnit, Join, msg, text, unit_of
from . import chartdata, charts
from .cellstate import put

GOOD, BAD, NEUTRAL = (198, 239, 206), (255, 199, 206), (242, 242, 242)
CARD_FILL = (31, 78, 121)
DATA_COL, DATA_ROW = 20, 16  # column T, row 16: the chart data slots start here
CARDS_LAST_ROW = 15  # info block, notices and the two rows of KPI cards
COLS, COL_WIDTH = 16, 14  # the printed grid: cards and charts are laid out on 16 equal columns
PRINT_AREA = "A1:P79"
# metric (its title is the word of vocabulary domain "card"), kind, higher is better
CARDS = [
    ("revenue", "amount", True), ("orders", "int", True), ("avg_ticket", "amount", True),
    ("collection_rate", "pct", True), ("cancel_rate", "pct", False), ("new_customers", "int", True),
    ("repeat_rate", "pct", True), ("customers", "int", True),
]
_FMT = {"amount": "#,##0.00", "pct": "0.0%", "int": "#,##0", "num": "#,##0.0"}


def write(sheet: xw.Sheet, result: Result, *, lang: str, now: dt.datetime | None) -> None:
    """Fill the dashboard's cells in ``lang``: the info block, the data notices, the KPI cards and the
    chart-data slots (the charts themselves are the template's)."""
    s = result.settings
    now = (now or dt.datetime.now()).replace(microsecond=0)
    info = [
        [text(msg("dash.title"), lang), None],
        [text(msg("dash.as_of"), lang), dt.datetime.combine(result.as_of, dt.time())],
        [text(msg("dash.refreshed"), lang), now],
        [text(msg("dash.left_out"), lang), result.excluded_rows],
        [text(msg("dash.alerts"), lang), len(result.frames.alerts)],
        [text(msg("dash.unit"), lang), vocab.unit(s.display_unit, lang)],
    ]
    put(sheet.range("A1"), info)
    _notices(sheet, result, lang)
    sheet.range("A1").font.bold = True
    sheet.range("A1").font.size = 18
    sheet.range("B2").number_format = "yyyy-mm-dd"
    sheet.range("B3").number_format = "yyyy-mm-dd hh:mm"
    sheet.range("A2:B6").font.size = 9  # so the stamp fits a grid column
    _cards(sheet, result, lang)
    # the charts are the template's (the user may restyle them): only the cells they are bound to change
    chartdata.fill(sheet, chartdata.slot_tables(result, lang), column=DATA_COL, row=DATA_ROW)


def clear(sheet: xw.Sheet) -> None:
    """Empty the cells the dashboard writes (info, notices, cards, chart data), nothing else: the sheet's
    charts, widths and page setup come from the template and stay as the user left them."""
    sheet.range((1, 1), (CARDS_LAST_ROW, COLS)).clear()
    last = max(last for _title, _first, last in chartdata.slot_rows(DATA_ROW).values())
    width = max(w for w, _n in chartdata.SLOTS.values())
    sheet.range((DATA_ROW, DATA_COL), (last, DATA_COL + width - 1)).clear()


def build(ws, lang: str) -> None:
    """The dashboard of the template (openpyxl worksheet): grid widths, the chart-data slots' titles and
    headers, the six charts bound to them, print area and page setup. Built once; refresh fills the cells."""

    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties


    for c in range(1, COLS + 1):
        ws.column_dimensions[get_column_letter(c)].width = COL_WIDTH
    ws.column_dimensions[get_column_letter(DATA_COL)].width = 16
    texts = chartdata.template_slots(ws, lang, column=DATA_COL, row=DATA_ROW)
    texts["completion"] = dataclasses.replace(
        texts["completion"], title=text(msg("chart.completion"), lang))
    charts.add_to_template(ws, chartdata.slot_specs(ws.title, AREAS, column=DATA_COL, row=DATA_ROW, texts=texts))
    ws.print_area = PRINT_AREA  # cards and charts; the chart data stays on screen
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


NOTICE_COL, NOTICE_LINES = 4, 5  # column D, rows 2–6: beside the info block, above the cards
NOTICE_COLOR = (156, 0, 6)


def _notices(sheet: xw.Sheet, result: Result, lang: str) -> None:
    """The missing columns that change the numbers (and what reading decided), beside the info block:
    a heading in D1 and one line per notice below it; past five, the rest share the fifth line."""
    notices = list(result.notices)
    if not notices:
        return
    unit = messages.unit_of(result.settings)
    lines = [n.text(lang, unit) for n in notices]
    if len(lines) > NOTICE_LINES:  # the rest share the last line (the cells to its right are empty)
        lines = lines[: NOTICE_LINES - 1] + [messages.text(Join(tuple(lines[NOTICE_LINES - 1:])), lang)]
    head = messages.text(msg("notice.head"), lang)
    put(sheet.range((1, NOTICE_COL)), [[head], *[[f"⚠ {t}"] for t in lines]])
    sheet.range((1, NOTICE_COL)).font.bold = True
    body = sheet.range((2, NOTICE_COL), (1 + len(lines), NOTICE_COL))
    body.font.size = 9
    body.font.color = NOTICE_COLOR


def _cards(sheet: xw.Sheet, result: Result, lang: str) -> None:
    kpi = result.frames.kpi.set_index("metric")
    factor, unit = result.settings.unit_factor, unit_of(result.settings)
    for i, (metric, kind, higher_better) in enumerate(CARDS):
        top = 8 + (i // 4) * 4
        left = 1 + (i % 4) * 4  # three columns wide, one column gap
        r = kpi.loc[metric] if metric in kpi.index else None
        value = None if r is None else r["current"]
        if kind == "amount" and value is not None:
            value = value / factor
        change = None if r is None else r["change"]
        title = (text(msg("kpi.with_unit", label=Code("card", metric), unit=DisplayUnit()), lang, unit)
                 if kind == "amount" else vocab.label("card", metric, lang))
        if isinstance(change, str):  # the code 'new': growth on an empty base
            change_text = vocab.label("growth", change, lang)
            fill = NEUTRAL
        elif change is None or pd.isna(change):
            change_text, fill = "—", NEUTRAL
        else:
            better = change >= 0 if higher_better else change <= 0
            # a rate's change is in percentage points (kpi change_kind "pp"), an amount's in percent
            moved = points(change, lang=lang) if r.get("change_kind") == "pp" else f"{change:+.1%}"
            change_text = text(msg("dash.vs_last_month", change=moved), lang)
            fill = GOOD if better else BAD
        put(sheet.range((top, left)), [[title], [value], [change_text]])
        head = sheet.range((top, left), (top, left + 2))
        head.color = CARD_FILL
        head.font.color = (255, 255, 255)
        head.font.bold = True
        big = sheet.range((top + 1, left))
        big.row_height = 30
        big.font.size = 20
        big.font.bold = True
        big.number_format = _FMT[kind]
        sheet.range((top + 1, left), (top + 1, left + 2)).color = (250, 250, 250)
        sheet.range((top + 2, left), (top + 2, left + 2)).color = fill


AREAS = {"monthly": "A16:H30", "completion": "I16:P30", "products": "A32:E46", "tiers": "F32:J46",
         "segments": "K32:P46", "pareto": "A48:P62", "funnel": "A64:P78"}
