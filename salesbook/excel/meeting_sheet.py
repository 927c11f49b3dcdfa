"""例会材料 Meeting pack sheet: one printed page per salesperson and per region.

Open alerts (not marked 已核实/忽略) are listed as ranked in 异常预警, with owner and money at stake.
Above the first page, the month's 业绩提升之星 (S3) with both completion rates."""

from __future__ import annotations

from typing import Any

import pandas as pd
import xlwings as xw

from ..core import meeting
from ..core.numtext import pct, points
from ..core.pipeline import Result
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


def _star(sheet: xw.Sheet, result: Result, lang: str) -> int:
    """Write 业绩提升之星 from row 1; returns the next free row."""
    zh = lang == "zh"
    star = meeting.improvement_star(result.frames["performance"])
    if star is None:
        put(sheet.range((1, 1)), "业绩提升之星：暂无（需要最近两个已结束月份都有个人目标）" if zh else
            "Most improved: none (needs personal targets in both of the last two closed months)")
        sheet.range((1, 1)).font.bold = True
        return 3
    factor, unit = result.settings.unit_factor, result.settings.display_unit
    m, b = f"{star.month:%Y-%m}", f"{star.previous:%Y-%m}"
    put(sheet.range((1, 1)), f"业绩提升之星 · {m}" if zh else f"Most improved · {m}")
    sheet.range((1, 1)).font.bold = True
    sheet.range((1, 1)).font.size = 14
    rows = [["销售负责人" if zh else "salesperson", star.salesperson],
            [f"{b} 完成率" if zh else f"completion {b}", star.previous_completion],
            [f"{m} 完成率" if zh else f"completion {m}", star.completion],
            ["提升(百分点)" if zh else "change (pp)", star.change * 100],
            [f"{m} 销售额({unit})" if zh else f"sales {m} ({unit})", star.revenue / factor]]
    put(sheet.range((2, 1)), rows)
    for r, fmt in ((3, "pct"), (4, "pct"), (5, "num"), (6, "amount")):
        sheet.range((r, 2)).number_format = _FMT[fmt]
    said = (f"{star.salesperson} {m} 完成率 {pct(star.completion)}，较 {b} 的 {pct(star.previous_completion)} "
            f"提升 {points(star.change)}，团队最大。" if zh else
            f"{star.salesperson}: completion {pct(star.completion)} in {m} against {pct(star.previous_completion)} "
            f"in {b}, {points(star.change, lang='en')}: the biggest rise in the team.")
    put(sheet.range((7, 1)), said)
    return 9


def write(sheet: xw.Sheet, result: Result, changes: pd.DataFrame, acknowledged: set[str], *, lang: str = "zh") -> None:
    factor, unit = result.settings.unit_factor, result.settings.display_unit
    printing.clear_page_breaks(sheet)
    zh = lang == "zh"
    row = _star(sheet, result, lang)
    for i, page in enumerate(meeting.pages(result, changes, acknowledged, lang)):
        if i:
            printing.page_break_before(sheet, row)
        put(sheet.range((row, 1)), page.title)
        sheet.range((row, 1)).font.bold = True
        sheet.range((row, 1)).font.size = 14
        row += 2
        numbers = [[(label if zh else meeting.LABELS_EN.get(label, label)) + (f"({unit})" if kind == "amount" else ""),
                    (value / factor if kind == "amount" and value is not None and value == value else value)]
                   for label, value, kind in page.numbers]
        if numbers:
            put(sheet.range((row, 1)), numbers)
            for j, (_, _, kind) in enumerate(page.numbers):
                sheet.range((row + j, 2)).number_format = _FMT[kind]
            row += len(numbers) + 1
        alerts = page.alerts.assign(stake=pd.to_numeric(page.alerts["stake"], errors="coerce") / factor)
        sections = [
            ("本期变化（自上次刷新）", page.changes, ["类型", "对象", "原值", "新值"]),
            ("未处理预警", alerts, ["严重度", "规则", "对象", "负责人", f"涉及金额({unit})", "说明"]),
            (f"本周待跟进（{meeting.DUE_DAYS} 天内到期，逾期优先）", page.followups,
             ["客户编号", "客户名称", "层级", "下次跟进日期", "逾期天数", "维护重点"]),
        ] if zh else [
            ("Changes since the last refresh", page.changes, ["type", "subject", "before", "after"]),
            ("Open alerts", alerts, ["severity", "rule", "subject", "owner", f"at stake ({unit})", "message"]),
            (f"Follow-ups due this week (within {meeting.DUE_DAYS} days, overdue first)", page.followups,
             ["customer_id", "customer_name", "tier", "next_due", "overdue_days", "focus"]),
        ]
        for n, (title, df, header) in enumerate(sections):
            put(sheet.range((row, 1)), title)
            sheet.range((row, 1), (row, len(header))).color = TITLE_FILL
            sheet.range((row, 1)).font.bold = True
            body = _rows(df, header, "（无）" if zh else "(none)")
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
