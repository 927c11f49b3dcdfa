"""例会材料 Meeting pack sheet: one printed page per salesperson and per region.

Open alerts (not marked 已核实/忽略) are listed as ranked in 异常预警, with owner and money at stake.
Above the first page, the month's 业绩提升之星 (S3) with both completion rates."""

from __future__ import annotations

from typing import Any

import pandas as pd
import xlwings as xw

from .. import messages, vocab, words
from ..core import meeting
from ..core.pipeline import Result
from ..core.report import mask_phones
from ..messages import Pct, Points, msg
from . import printing
from .cellstate import put
from .book import python_values as _python_values
from .look import TITLE_FILL

_FMT = {"amount": "#,##0.00", "pct": "0.0%", "int": "0", "num": "0.0", "text": "@"}
WIDTHS = (16, 16, 12, 16, 12, 40)


def _rows(df: pd.DataFrame, header: list[str], none: str) -> list[list[Any]]:
    if df.empty:
        return [header, [none] + [None] * (len(header) - 1)]
    cols = [_python_values(df[c]) for c in df.columns]
    return [header, *[list(r) for r in zip(*cols, strict=True)]]


def _word(domain: str, value: Any, lang: str) -> Any:
    """A code (or a word the core still holds in Chinese) as the vocabulary's word in ``lang``."""
    return vocab.label(domain, vocab.parse(domain, value) or value, lang)


def _message(row: pd.Series, lang: str, unit: messages.Unit) -> Any:
    return mask_phones(messages.text(row["message"], lang, unit))


def _say(key: str, lang: str, unit: messages.Unit | None = None, **values: Any) -> str:
    return messages.text(msg(key, **values), lang, unit)


def _star(sheet: xw.Sheet, result: Result, lang: str) -> int:
    """Write 业绩提升之星 from row 1; returns the next free row."""
    unit = messages.unit_of(result.settings)
    star = meeting.improvement_star(result.frames.performance)
    if star is None:
        put(sheet.range((1, 1)), _say("meeting.star_none", lang))
        sheet.range((1, 1)).font.bold = True
        return 3
    factor = result.settings.unit_factor
    m, b = f"{star.month:%Y-%m}", f"{star.previous:%Y-%m}"
    put(sheet.range((1, 1)), _say("meeting.star_title", lang, month=m))
    sheet.range((1, 1)).font.bold = True
    sheet.range((1, 1)).font.size = 14
    sales = _say("meeting.star_sales", lang, month=m)
    rows = [[vocab.header("salesperson", lang), star.salesperson],
            [_say("meeting.star_completion", lang, month=b), star.previous_completion],
            [_say("meeting.star_completion", lang, month=m), star.completion],
            [_say("meeting.star_change", lang), star.change * 100],
            [_with_unit(sales, lang, result), star.revenue / factor]]
    put(sheet.range((2, 1)), rows)
    for r, fmt in ((3, "pct"), (4, "pct"), (5, "num"), (6, "amount")):
        sheet.range((r, 2)).number_format = _FMT[fmt]
    said = _say("meeting.star_said", lang, unit, who=star.salesperson, month=m, before=b,
                completion=Pct(star.completion), previous=Pct(star.previous_completion), change=Points(star.change))
    put(sheet.range((7, 1)), said)
    return 9


def _with_unit(label: str, lang: str, result: Result) -> str:
    """An amount's label naming the display unit, as amount headers do: 销售额(万元) / Sales (CNY 10k)."""
    return words.word(lang, "format", "header_unit").format(header=label,
                                                          unit=vocab.unit(result.settings.display_unit, lang))


def write(sheet: xw.Sheet, result: Result, changes: pd.DataFrame, acknowledged: set[str], *, lang: str = "zh") -> None:
    """One page per salesperson and per region, under 业绩提升之星, in the workbook's language."""
    factor = result.settings.unit_factor
    unit = messages.unit_of(result.settings)
    printing.clear_page_breaks(sheet)
    row = _star(sheet, result, lang)
    for i, page in enumerate(meeting.pages(result, changes, acknowledged)):
        if i:
            printing.page_break_before(sheet, row)
        put(sheet.range((row, 1)), messages.text(page.title, lang, unit))
        sheet.range((row, 1)).font.bold = True
        sheet.range((row, 1)).font.size = 14
        row += 2
        numbers = []
        for label, value, kind in page.numbers:
            word = vocab.label("meeting_number", label, lang)
            numbers.append([_with_unit(word, lang, result) if kind == "amount" else word,
                            value / factor if kind == "amount" and value is not None and value == value
                            else messages.text(value, lang, unit)])
        if numbers:
            put(sheet.range((row, 1)), numbers)
            for j, (_, _, kind) in enumerate(page.numbers):
                sheet.range((row + j, 2)).number_format = _FMT[kind]
            row += len(numbers) + 1
        alerts = page.alerts.assign(stake=pd.to_numeric(page.alerts["stake"], errors="coerce") / factor)
        if not alerts.empty:
            alerts = alerts.assign(severity=[_word("severity", v, lang) for v in alerts["severity"]],
                                   rule=[_word("rule", v, lang) for v in alerts["rule"]],
                                   message=[_message(r, lang, unit) for _, r in alerts.iterrows()],
                                   **{c: [messages.text(v, lang, unit) for v in alerts[c]] for c in ("subject", "owner")})
        alerts = alerts.reindex(columns=meeting.ALERT_COLS)
        ch = page.changes
        if not ch.empty:
            ch = ch.assign(type=[_word("change", v, lang) for v in ch["type"]])
        due = page.followups
        if not due.empty:
            due = due.assign(tier=[_word("tier", v, lang) for v in due["tier"]],
                             focus=[messages.text(v, lang, unit) for v in due["focus"]])
        h = lambda key: vocab.header(key, lang, block="meeting")
        sections = [
            (_say("meeting.changes", lang), ch, [h(k) for k in ("type", "subject", "before", "after")]),
            (_say("meeting.alerts", lang), alerts,
             [h("severity"), h("rule"), h("subject"), h("owner"),
              vocab.header("stake", lang, unit_of=result.settings.display_unit), h("message")]),
            (_say("meeting.due", lang, days=meeting.DUE_DAYS), due,
             [h(k) for k in ("customer_id", "customer_name", "tier", "next_due", "overdue_days", "focus")]),
        ]
        for n, (title, df, header) in enumerate(sections):
            put(sheet.range((row, 1)), title)
            sheet.range((row, 1), (row, len(header))).color = TITLE_FILL
            sheet.range((row, 1)).font.bold = True
            body = _rows(df, header, _say("meeting.none", lang))
            put(sheet.range((row + 1, 1)), body)
            sheet.range((row + 1, 1), (row + 1, len(header))).font.bold = True
            if n == 1 and not df.empty:  # the amounts at stake
                sheet.range((row + 2, 5), (row + len(body), 5)).number_format = _FMT["amount"]
            if n == 2 and not df.empty:  # the due dates
                sheet.range((row + 2, 4), (row + len(body), 4)).number_format = "yyyy-mm-dd"
            row += len(body) + 2
        row += 1
    for j, w in enumerate(WIDTHS, start=1):
        sheet.range((1, j)).column_width = w
    printing.fit_to_width(sheet)


def build(ws) -> None:
    """The meeting pack's fixed print setup in the template (openpyxl worksheet): A4 portrait, one page
    wide. Its page breaks depend on the data and are set at each refresh."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
