"""The numbers behind every chart, as small tables that are written next to the chart.

A :class:`ChartTable` is what one chart shows: a header, rows and how to draw them. ``place``
writes the tables into a sheet (one under the other) and returns :class:`~.charts.ChartSpec`
objects bound to those cells, so the dashboard and the report sheet share one definition of
each chart and every chart's data is visible, editable cells.

The dashboard's charts are part of the template (the user owns and may restyle them), bound to
fixed *slots*: each table has a fixed place and a fixed number of rows (:data:`SLOTS`), its title
in a cell the chart's title points at. A refresh only writes the slots (:func:`fill`), padding
short tables with empty rows; :func:`slot_specs` gives the charts the template build draws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import xlwings as xw
from openpyxl.utils import get_column_letter

from .. import vocab
from ..core import funnel, report, rfm, tiers
from ..core.pipeline import Result
from .cellstate import put
from .charts import ChartSpec, Series


@dataclass(frozen=True)
class ChartTable:
    key: str
    title: str
    kind: str  # column | bar | pie | combo
    header: list[str]
    rows: list[list[Any]]
    formats: dict[int, str]  # column index in the table → number format
    series: tuple[tuple[str, int, str, bool], ...]  # title, column index, bar|line, secondary axis
    y_format: str | None = None
    y2_format: str | None = None


def tables(result: Result, lang: str) -> list[ChartTable]:
    """Every chart the dashboard and report can show, computed from the analysis."""
    f, factor, unit = result.frames, result.settings.unit_factor, result.settings.display_unit
    zh = lang == "zh"

    def t(z: str, e: str) -> str:
        return z if zh else e

    out = []
    trend = f["trend"].tail(12)
    out.append(ChartTable(
        "monthly", t("月度销售额与目标", "Monthly sales vs target"), "combo",
        [t("月份", "month"), t(f"销售额({unit})", "revenue"), t(f"目标({unit})", "target")],
        [[m, r / factor, (None if pd.isna(g) else g / factor)]
         for m, r, g in zip(trend["month"], trend["revenue"], trend["target"], strict=True)],
        {1: "#,##0.0", 2: "#,##0.0"}, ((t("销售额", "sales"), 1, "bar", False), (t("目标", "target"), 2, "line", False)),
        y_format="#,##0"))

    people = f["by_salesperson"]
    if "completion" in people:
        p = people.dropna(subset=["completion"]).sort_values("completion", ascending=False)
        out.append(ChartTable(
            "completion", t("完成率（按销售负责人，今年累计）", "Completion by salesperson (YTD)"), "combo",
            [t("销售负责人", "salesperson"), t("完成率", "completion"), "100%"],
            [[n, c, 1.0] for n, c in zip(p["salesperson"], p["completion"], strict=True)], {1: "0.0%", 2: "0%"},
            ((t("完成率", "completion"), 1, "bar", False), ("100%", 2, "line", False)), y_format="0%"))

    drag = report.region_drag(result)
    if not drag.empty:
        out.append(ChartTable(
            "regions", t("完成率（按区域，今年累计）", "Completion by region (YTD)"), "combo",
            [t("区域", "region"), t("完成率", "completion"), "100%"],
            [[n, c, 1.0] for n, c in zip(drag["region"], drag["completion"], strict=True)], {1: "0.0%", 2: "0%"},
            ((t("完成率", "completion"), 1, "bar", False), ("100%", 2, "line", False)), y_format="0%"))

    prod = f["by_product_line"]
    out.append(ChartTable(
        "products", t("产品线占比（今年累计）", "Product share (YTD)"), "pie",
        [t("产品线", "product_line"), t(f"销售额({unit})", "revenue")],
        [[n, v / factor] for n, v in zip(prod["product_line"], prod["revenue"], strict=True)], {1: "#,##0.0"},
        ((t("销售额", "sales"), 1, "bar", False),)))

    counts = f["tiers"]["tier"].value_counts().reindex(list(tiers.TIERS)).fillna(0)
    out.append(ChartTable(
        "tiers", t("客户层级分布", "Customer tiers"), "column", [t("层级", "tier"), t("客户数", "customers")],
        [[vocab.label("tier", k, "zh" if zh else "en"), int(v)] for k, v in counts.items()], {1: "0"},
        ((t("客户数", "customers"), 1, "bar", False),)))

    segs = f["rfm"]["segment"].value_counts().reindex(list(rfm.ALL_SEGMENTS)).fillna(0)
    out.append(ChartTable(
        "segments", t("RFM 分群分布", "RFM segments"), "column", [t("分群", "segment"), t("客户数", "customers")],
        [[vocab.label("segment", k, "zh" if zh else "en"), int(v)] for k, v in segs.items()], {1: "0"},
        ((t("客户数", "customers"), 1, "bar", False),)))

    stages = f.get("funnel_stages")
    if stages is not None and not stages.empty:
        st = stages[stages["stage"].isin(funnel.STAGES)]
        out.append(ChartTable(
            "funnel", t("销售漏斗（到达各阶段的线索数）", "Sales funnel (leads that reached each stage)"), "bar",
            [t("阶段", "stage"), t("线索数", "leads")], [[s_, int(n)] for s_, n in zip(st["stage"], st["reached"],
                                                                                    strict=True)],
            {1: "0"}, ((t("线索数", "leads"), 1, "bar", False),)))

    r = f["rfm"]
    share = r.loc[r["pareto_top20"].astype(bool), "revenue_share"].sum() if not r.empty else 0.0
    top = r.head(20)
    out.append(ChartTable(
        "pareto", t(f"客户集中度（帕累托）：前 20% 客户贡献 {share:.0%}",
                    f"Customer concentration (Pareto): top 20% of customers bring {share:.0%}"), "combo",
        [t("客户", "customer"), t(f"近一年采购({unit})", "monetary"), t("累计占比", "cum_share")],
        [[c, m / factor, cs] for c, m, cs in zip(top["customer_id"], top["monetary"], top["cum_share"], strict=True)],
        {1: "#,##0.0", 2: "0%"},
        ((t("采购额", "amount"), 1, "bar", False), (t("累计占比", "cumulative share"), 2, "line", True)),
        y_format="#,##0", y2_format="0%"))
    return out


def place(sheet: xw.Sheet, items: list[ChartTable], areas: dict[str, str | tuple[str, tuple[float, float]]], *,
          column: int, row: int) -> list[ChartSpec]:
    """Write each table at ``column`` from ``row`` down (one write per table) and bind a chart to it.

    ``areas`` maps a table key to the cells its chart covers, optionally with the horizontal
    share of those cells to use (for two charts side by side in one wide column).
    """
    specs = []
    letter = get_column_letter(column)
    for item in items:
        width = len(item.header)
        put(sheet.range((row, column)), [[item.title] + [None] * (width - 1), item.header, *item.rows])
        sheet.range((row, column)).font.bold = True
        first, last = row + 2, row + 1 + max(len(item.rows), 1)
        for j, fmt in item.formats.items():
            sheet.range((first, column + j), (last, column + j)).number_format = fmt
        cells = lambda j: f"{get_column_letter(column + j)}{first}:{get_column_letter(column + j)}{last}"  # noqa: E731
        area = areas[item.key]
        area, span = (area, None) if isinstance(area, str) else area
        specs.append(ChartSpec(item.title, item.kind, f"{letter}{first}:{letter}{last}",
                               tuple(Series(title, cells(j), kind, secondary) for title, j, kind, secondary in item.series),
                               area, span=span, y_format=item.y_format, y2_format=item.y2_format))
        row = last + 2
    return specs


# the dashboard's chart tables: fixed columns and rows, so a chart built once in the template stays bound
SLOTS: dict[str, tuple[int, int]] = {  # key → (columns, data rows)
    "monthly": (3, 12), "completion": (3, 10), "products": (2, 7), "tiers": (2, 4),
    "segments": (2, len(rfm.ALL_SEGMENTS)), "pareto": (3, 20), "funnel": (2, len(funnel.STAGES)),
}
SLOT_KINDS = {  # key → (kind, series: (column, bar|line, secondary), y format, y2 format, number formats)
    "monthly": ("combo", ((1, "bar", False), (2, "line", False)), "#,##0", None, {1: "#,##0.0", 2: "#,##0.0"}),
    "completion": ("combo", ((1, "bar", False), (2, "line", False)), "0%", None, {1: "0.0%", 2: "0%"}),
    "products": ("pie", ((1, "bar", False),), None, None, {1: "#,##0.0"}),
    "tiers": ("column", ((1, "bar", False),), None, None, {1: "0"}),
    "segments": ("column", ((1, "bar", False),), None, None, {1: "0"}),
    "pareto": ("combo", ((1, "bar", False), (2, "line", True)), "#,##0", "0%", {1: "#,##0.0", 2: "0%"}),
    "funnel": ("bar", ((1, "bar", False),), "0", None, {1: "0"}),
}


def no_completion(lang: str) -> ChartTable:
    """The completion slot when no target is at the salesperson grain: a title that says so, no rows."""
    zh = lang == "zh"
    return ChartTable("completion", "完成率（按销售负责人）：没有可用的销售目标" if zh else
                      "Completion by salesperson: no usable targets", "combo",
                      ["销售负责人" if zh else "salesperson", "完成率" if zh else "completion", "100%"], [],
                      {1: "0.0%", 2: "0%"}, ())


def slot_tables(result: Result, lang: str) -> list[ChartTable]:
    """Every dashboard slot's table (the completion slot says when there is nothing to show)."""
    found = {t.key: t for t in tables(result, lang) if t.key in SLOTS}
    found.setdefault("completion", no_completion(lang))
    return [found[k] for k in SLOTS if k in found]


_STATIC_TITLE = re.compile(r"[：:].*\d+%.*$")  # a computed tail ("：前 20% 客户贡献 41%") is not cached


def slot_rows(row: int) -> dict[str, tuple[int, int, int]]:
    """key → (title row, first data row, last data row) of each slot, one under the other from ``row``."""
    out = {}
    for key, (_width, n) in SLOTS.items():
        out[key] = (row, row + 2, row + 1 + n)
        row += n + 3
    return out


def _fit(item: ChartTable) -> ChartTable:
    """The table cut to its slot: the first rows (pie: the largest, the rest summed as 其他/other)."""
    _width, n = SLOTS[item.key]
    if len(item.rows) <= n:
        return item
    if item.kind == "pie":
        rows = sorted(item.rows, key=lambda r: -(r[1] or 0))
        rest = sum(r[1] or 0 for r in rows[n - 1:])
        other = "其他" if item.header[0] == "产品线" else "other"
        return ChartTable(**{**item.__dict__, "rows": [*rows[: n - 1], [other, rest]]})
    return ChartTable(**{**item.__dict__, "rows": item.rows[:n]})


def fill(sheet: xw.Sheet, items: list[ChartTable], *, column: int, row: int) -> None:
    """Write each table into its slot (title, header, rows, empty rows to the slot's end): cells only."""
    where = slot_rows(row)
    for item in items:
        if item.key not in SLOTS:
            continue
        item = _fit(item)
        width, n = SLOTS[item.key]
        title_row, first, last = where[item.key]
        body = [list(r) + [None] * (width - len(r)) for r in item.rows] + [[None] * width] * (n - len(item.rows))
        put(sheet.range((title_row, column)), [[item.title] + [None] * (width - 1), item.header[:width], *body])
        sheet.range((title_row, column)).font.bold = True
        for j, fmt in item.formats.items():
            sheet.range((first, column + j), (last, column + j)).number_format = fmt


def slot_specs(sheet_name: str, areas: dict[str, str], *, column: int, row: int,
               texts: dict[str, ChartTable] | None = None) -> list[ChartSpec]:
    """The dashboard's charts bound to the slots (titles and series names from the slots' cells;
    ``texts``: the tables whose title and headers are the references' cached text)."""
    quoted = "'" + sheet_name.replace("'", "''") + "'"
    letter = lambda j: get_column_letter(column + j)  # noqa: E731
    specs = []
    for key, (title_row, first, last) in slot_rows(row).items():
        kind, series, y_format, y2_format, _formats = SLOT_KINDS[key]
        cells = lambda j, first=first, last=last: f"{letter(j)}{first}:{letter(j)}{last}"  # noqa: E731
        text = (texts or {}).get(key)
        title = _STATIC_TITLE.sub("", text.title) if text else ""
        specs.append(ChartSpec(
            title, kind, cells(0),
            tuple(Series(text.header[j] if text else "", cells(j), k, secondary,
                         title_ref=f"{quoted}!${letter(j)}${title_row + 1}") for j, k, secondary in series),
            areas[key], y_format=y_format, y2_format=y2_format,
            title_ref=f"{quoted}!${letter(0)}${title_row}", sheet=quoted))
    return specs
