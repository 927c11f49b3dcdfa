"""仪表盘 Dashboard: KPI cards and native charts, rebuilt by every refresh.

Layout: an info block (A1:B6; B3 is the refresh stamp the UDF cache keys on), eight KPI cards
(big number, change against the previous period, green/red status), and six charts bound to
small data tables at the right of the sheet (column T onwards), so the numbers behind every
chart are cells users can read and restyled charts keep pointing at them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import xlwings as xw

from ..core.pipeline import Result
from . import charts
from .charts import ChartSpec, Series

GOOD, BAD, NEUTRAL = (198, 239, 206), (255, 199, 206), (242, 242, 242)
CARD_FILL = (31, 78, 121)
DATA_COL = 20  # column T: chart data tables start here
# metric, label, kind, higher is better
CARDS = [
    ("revenue", "本月销售额", "amount", True), ("orders", "本月订单量", "int", True),
    ("avg_ticket", "客单价", "amount", True), ("collection_rate", "回款率", "pct", True),
    ("cancel_rate", "退单率", "pct", False), ("new_customers", "新客户数", "int", True),
    ("repeat_rate", "复购率", "pct", True), ("customers", "成交客户数", "int", True),
]
_FMT = {"amount": "#,##0.00", "pct": "0.0%", "int": "#,##0", "num": "#,##0.0"}


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def write(sheet: xw.Sheet, result: Result, *, lang: str, now: dt.datetime | None) -> None:
    s = result.settings
    zh = lang == "zh"
    now = (now or dt.datetime.now()).replace(microsecond=0)
    info = [
        ["销售分析仪表盘" if zh else "Sales dashboard", None],
        ["分析截止日" if zh else "as_of", dt.datetime.combine(result.as_of, dt.time())],
        ["刷新时间" if zh else "refreshed_at", now],
        ["未计入分析的行" if zh else "rows_left_out", result.excluded_rows],
        ["预警数" if zh else "alerts", len(result.frames["alerts"])],
        ["金额单位" if zh else "unit", s.display_unit],
    ]
    sheet.range("A1").value = info
    sheet.range("A1").font.bold = True
    sheet.range("A1").font.size = 18
    sheet.range("B2").number_format = "yyyy-mm-dd"
    sheet.range("B3").number_format = "yyyy-mm-dd hh:mm"
    for j in range(1, 17):
        sheet.range((1, j)).column_width = 12
    sheet.range("A1").column_width = 16
    sheet.range("B1").column_width = 17
    _cards(sheet, result, zh)
    specs = _chart_data(sheet, result, zh)
    charts.render(sheet, specs)


def _cards(sheet: xw.Sheet, result: Result, zh: bool) -> None:
    kpi = result.frames["kpi"].set_index("metric")
    factor, unit = result.settings.unit_factor, result.settings.display_unit
    for i, (metric, label, kind, higher_better) in enumerate(CARDS):
        top = 8 + (i // 4) * 4
        left = 1 + (i % 4) * 3
        r = kpi.loc[metric] if metric in kpi.index else None
        value = None if r is None else r["current"]
        if kind == "amount" and value is not None:
            value = value / factor
        change = None if r is None else r["change"]
        title = label + (f"({unit})" if kind == "amount" else "") if zh else metric
        if isinstance(change, str):
            change_text = change if zh else "new"
            fill = NEUTRAL
        elif change is None or pd.isna(change):
            change_text, fill = "—", NEUTRAL
        else:
            better = change >= 0 if higher_better else change <= 0
            change_text = f"{'较上月同期' if zh else 'vs last month'} {change:+.1%}"
            fill = GOOD if better else BAD
        sheet.range((top, left)).value = [[title, None], [value, None], [change_text, None]]
        head = sheet.range((top, left), (top, left + 1))
        head.color = CARD_FILL
        head.font.color = (255, 255, 255)
        head.font.bold = True
        big = sheet.range((top + 1, left))
        big.row_height = 30
        big.font.size = 20
        big.font.bold = True
        big.number_format = _FMT[kind]
        sheet.range((top + 1, left), (top + 1, left + 1)).color = (250, 250, 250)
        sheet.range((top + 2, left), (top + 2, left + 1)).color = fill


def _table(sheet: xw.Sheet, row: int, title: str, header: list[str], rows: list[list[Any]],
           formats: dict[int, str]) -> tuple[str, list[str], int]:
    """Write a small chart-data table at column T; returns (category range, value ranges, next row)."""
    c = DATA_COL
    sheet.range((row, c)).value = [[title] + [None] * (len(header) - 1), header, *rows]
    sheet.range((row, c)).font.bold = True
    first, last = row + 2, row + 1 + max(len(rows), 1)
    for j, fmt in formats.items():
        sheet.range((first, c + j), (last, c + j)).number_format = fmt
    cats = f"{_col(c)}{first}:{_col(c)}{last}"
    values = [f"{_col(c + j)}{first}:{_col(c + j)}{last}" for j in range(1, len(header))]
    return cats, values, last + 2


def _chart_data(sheet: xw.Sheet, result: Result, zh: bool) -> list[ChartSpec]:
    f, factor, unit = result.frames, result.settings.unit_factor, result.settings.display_unit
    sheet.range((1, DATA_COL)).column_width = 16
    row = 16  # below the KPI cards, whose rows are taller
    specs = []
    t = lambda z, e: z if zh else e  # noqa: E731

    trend = f["trend"].tail(12)
    cats, vals, row = _table(sheet, row, t("月度销售额与目标", "Monthly sales vs target"),
                             [t("月份", "month"), t(f"销售额({unit})", "revenue"), t(f"目标({unit})", "target")],
                             [[m, r / factor, (None if pd.isna(g) else g / factor)]
                              for m, r, g in zip(trend["month"], trend["revenue"], trend["target"], strict=True)],
                             {1: "#,##0.0", 2: "#,##0.0"})
    specs.append(ChartSpec(t("月度销售额与目标", "Monthly sales vs target"), "combo", cats,
                           (Series(t("销售额", "sales"), vals[0]), Series(t("目标", "target"), vals[1], "line")),
                           "A16", y_format="#,##0"))

    people = f["by_salesperson"]
    if "completion" in people:
        p = people.dropna(subset=["completion"]).sort_values("completion", ascending=False)
        cats, vals, row = _table(sheet, row, t("完成率（按销售负责人，今年累计）", "Completion by salesperson (YTD)"),
                                 [t("销售负责人", "salesperson"), t("完成率", "completion"), "100%"],
                                 [[n, c, 1.0] for n, c in zip(p["salesperson"], p["completion"], strict=True)],
                                 {1: "0.0%", 2: "0%"})
        specs.append(ChartSpec(t("完成率（按销售负责人）", "Completion by salesperson"), "combo", cats,
                               (Series(t("完成率", "completion"), vals[0]), Series("100%", vals[1], "line")),
                               "I16", y_format="0%"))

    prod = f["by_product_line"]
    cats, vals, row = _table(sheet, row, t("产品线占比（今年累计）", "Product share (YTD)"),
                             [t("产品线", "product_line"), t(f"销售额({unit})", "revenue")],
                             [[n, v / factor] for n, v in zip(prod["product_line"], prod["revenue"], strict=True)],
                             {1: "#,##0.0"})
    specs.append(ChartSpec(t("产品线占比", "Product share"), "pie", cats, (Series(t("销售额", "sales"), vals[0]),),
                           "A32", width_cm=12))

    tiers = f["tiers"]["tier"].value_counts().reindex(["VIP", "核心", "普通", "潜在"]).fillna(0)
    cats, vals, row = _table(sheet, row, t("客户层级分布", "Customer tiers"), [t("层级", "tier"), t("客户数", "customers")],
                             [[k, int(v)] for k, v in tiers.items()], {1: "0"})
    specs.append(ChartSpec(t("客户层级分布", "Customer tiers"), "column", cats,
                           (Series(t("客户数", "customers"), vals[0]),), "G32", width_cm=10))

    seg = f["rfm"]["segment"].value_counts().reindex(["高价值客户", "潜力客户", "流失风险客户", "低价值客户"]).fillna(0)
    cats, vals, row = _table(sheet, row, t("RFM 分群分布", "RFM segments"), [t("分群", "segment"), t("客户数", "customers")],
                             [[k, int(v)] for k, v in seg.items()], {1: "0"})
    specs.append(ChartSpec(t("RFM 分群分布", "RFM segments"), "column", cats,
                           (Series(t("客户数", "customers"), vals[0]),), "L32", width_cm=10))

    top = f["rfm"].head(20)
    cats, vals, row = _table(sheet, row, t("TOP 20 客户与累计占比（帕累托）", "Top 20 customers (Pareto)"),
                             [t("客户", "customer"), t(f"近一年采购({unit})", "monetary"), t("累计占比", "cum_share")],
                             [[c, m / factor, cs] for c, m, cs in
                              zip(top["customer_id"], top["monetary"], top["cum_share"], strict=True)],
                             {1: "#,##0.0", 2: "0%"})
    specs.append(ChartSpec(t("客户集中度（帕累托）", "Customer concentration (Pareto)"), "combo", cats,
                           (Series(t("采购额", "amount"), vals[0]),
                            Series(t("累计占比", "cumulative share"), vals[1], "line", secondary=True)),
                           "A48", width_cm=24, y_format="#,##0", y2_format="0%"))
    return specs
