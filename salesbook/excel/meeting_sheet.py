"""例会材料 Meeting pack sheet: one printed page per salesperson and per region.

Open alerts (not marked 已核实/忽略) are listed as ranked in 异常预警, with owner and money at stake."""

from __future__ import annotations

from typing import Any

import pandas as pd
import xlwings as xw

from ..core import meeting
from ..core.pipeline import Result
from . import printing
from .cellstate import put
from .io import TITLE_FILL, _python_values

_FMT = {"amount": "#,##0.00", "pct": "0.0%", "int": "0", "num": "0.0", "text": "@"}
WIDTHS = (16, 16, 12, 16, 12, 40)


def _rows(df: pd.DataFrame, header: list[str], none: str) -> list[list[Any]]:
    if df.empty:
        return [header, [none] + [None] * (len(header) - 1)]
    cols = [_python_values(df[c]) for c in df.columns]
    return [header, *[list(r) for r in zip(*cols, strict=True)]]


def write(sheet: xw.Sheet, result: Result, changes: pd.DataFrame, acknowledged: set[str], *, lang: str = "zh") -> None:
    factor, unit = result.settings.unit_factor, result.settings.display_unit
    printing.clear_page_breaks(sheet)
    row = 1
    zh = lang == "zh"
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

