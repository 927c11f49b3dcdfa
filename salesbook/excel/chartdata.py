"""The numbers behind every chart, as small tables that are written next to the chart.

A :class:`ChartTable` is what one chart shows: a header, rows and how to draw them, so the
dashboard and the report sheet share one definition of each chart and every chart's data is
visible, editable cells.

The charts of both sheets are part of the template (the user owns and may restyle them), bound
to fixed *slots*: each table has a fixed place and a fixed number of rows (:data:`SLOTS`), its
title in a cell the chart's title points at. A sheet lists its slots in order (:data:`DASHBOARD`,
:data:`REPORT`), one under the other. A refresh only writes the slots (:func:`fill`), padding
short tables with empty rows; :func:`slot_specs` gives the charts the template build draws.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import xlwings as xw
from openpyxl.utils import get_column_letter

from .. import vocab
from ..core import funnel, pipeline, report, rfm, tiers
from ..core.pipeline import Result
from ..core.settings import Settings
from ..messages import DisplayUnit, msg, text, unit_of
from .cellstate import put
from .charts import ChartSpec, Series


@dataclass(frozen=True)
class ChartTable:
    """One chart's data: title, header and rows (already in the workbook's language) and how to draw it."""
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
    f, factor = result.frames, result.settings.unit_factor
    shown = unit_of(result.settings)

    def t(key: str, **values: Any) -> str:  # a catalogue entry in the workbook's language
        return text(msg(key, **values), lang, shown)

    def word(domain: str, v: Any) -> Any:  # a code or a typed word of ``domain`` in the workbook's language
        return vocab.label(domain, vocab.parse(domain, v) or v, lang)

    out = []
    trend = f.trend.tail(12)
    out.append(ChartTable(
        "monthly", t("chart.monthly"), "combo",
        [t("chart.month"), t("chart.sales_unit", unit=DisplayUnit()), t("chart.target_unit", unit=DisplayUnit())],
        [[m, r / factor, (None if pd.isna(g) else g / factor)]
         for m, r, g in zip(trend["month"], trend["revenue"], trend["target"], strict=True)],
        {1: "#,##0.0", 2: "#,##0.0"}, ((t("chart.sales"), 1, "bar", False), (t("chart.target"), 2, "line", False)),
        y_format="#,##0"))

    people = f.by_salesperson
    if "completion" in people:
        p = people.dropna(subset=["completion"]).sort_values("completion", ascending=False)
        out.append(ChartTable(
            "completion", t("chart.completion"), "combo",
            [t("chart.salesperson"), t("chart.completion_rate"), "100%"],
            [[word("blank", n), c, 1.0] for n, c in zip(p["salesperson"], p["completion"], strict=True)], {1: "0.0%", 2: "0%"},
            ((t("chart.completion_rate"), 1, "bar", False), ("100%", 2, "line", False)), y_format="0%"))

    drag = report.region_drag(result)
    if not drag.empty:
        out.append(ChartTable(
            "regions", t("chart.regions"), "combo",
            [t("chart.region"), t("chart.completion_rate"), "100%"],
            [[n, c, 1.0] for n, c in zip(drag["region"], drag["completion"], strict=True)], {1: "0.0%", 2: "0%"},
            ((t("chart.completion_rate"), 1, "bar", False), ("100%", 2, "line", False)), y_format="0%"))

    prod = f.by_product_line
    out.append(ChartTable(
        "products", t("chart.products"), "pie",
        [t("chart.product_line"), t("chart.sales_unit", unit=DisplayUnit())],
        [[word("blank", n), v / factor] for n, v in zip(prod["product_line"], prod["revenue"], strict=True)],
        {1: "#,##0.0"},
        ((t("chart.sales"), 1, "bar", False),)))

    counts = f.tiers["tier"].map(lambda v: vocab.parse("tier", v) or v).value_counts().reindex(
        list(tiers.TIERS)).fillna(0)
    out.append(ChartTable(
        "tiers", t("chart.tiers"), "column", [t("chart.tier"), t("chart.customers")],
        [[word("tier", k), int(v)] for k, v in counts.items()], {1: "0"},
        ((t("chart.customers"), 1, "bar", False),)))

    segs = f.rfm["segment"].map(lambda v: vocab.parse("segment", v) or v).value_counts().reindex(
        list(rfm.ALL_SEGMENTS)).fillna(0)
    out.append(ChartTable(
        "segments", t("chart.segments"), "column", [t("chart.segment"), t("chart.customers")],
        [[word("segment", k), int(v)] for k, v in segs.items()], {1: "0"},
        ((t("chart.customers"), 1, "bar", False),)))

    stages = f.funnel_stages
    if stages is not None and not stages.empty:
        st = stages[stages["stage"].isin(funnel.STAGES)]
        out.append(ChartTable(
            "funnel", t("chart.funnel"), "bar",
            [t("chart.stage"), t("chart.leads")],
            [[word("stage", s_), int(n)] for s_, n in zip(st["stage"], st["reached"], strict=True)],
            {1: "0"}, ((t("chart.leads"), 1, "bar", False),)))

    r = f.rfm
    share = r.loc[r["pareto_top20"].astype(bool), "revenue_share"].sum() if not r.empty else 0.0
    top = r.head(20)
    out.append(ChartTable(
        "pareto", t("chart.pareto", share=f"{share:.0%}"), "combo",
        [t("chart.customer"), t("chart.purchases_unit", unit=DisplayUnit()),
         t("chart.cum_share")],
        [[c, m / factor, cs] for c, m, cs in zip(top["customer_id"], top["monetary"], top["cum_share"], strict=True)],
        {1: "#,##0.0", 2: "0%"},
        ((t("chart.purchases"), 1, "bar", False), (t("chart.cum_share"), 2, "line", True)),
        y_format="#,##0", y2_format="0%"))
    return out


# the dashboard's chart tables: fixed columns and rows, so a chart built once in the template stays bound
SLOTS: dict[str, tuple[int, int]] = {  # key → (columns, data rows)
    "monthly": (3, 12), "completion": (3, 10), "products": (2, 7), "tiers": (2, 4),
    "segments": (2, len(rfm.ALL_SEGMENTS)), "pareto": (3, 20), "funnel": (2, len(funnel.STAGES)),
    "regions": (3, 10),
}
DASHBOARD = ("monthly", "completion", "products", "tiers", "segments", "pareto", "funnel")  # slot order
REPORT = ("monthly", "products", "tiers", "segments", "regions", "pareto")
SLOT_KINDS = {  # key → (kind, series: (column, bar|line, secondary), y format, y2 format, number formats)
    "monthly": ("combo", ((1, "bar", False), (2, "line", False)), "#,##0", None, {1: "#,##0.0", 2: "#,##0.0"}),
    "completion": ("combo", ((1, "bar", False), (2, "line", False)), "0%", None, {1: "0.0%", 2: "0%"}),
    "regions": ("combo", ((1, "bar", False), (2, "line", False)), "0%", None, {1: "0.0%", 2: "0%"}),
    "products": ("pie", ((1, "bar", False),), None, None, {1: "#,##0.0"}),
    "tiers": ("column", ((1, "bar", False),), None, None, {1: "0"}),
    "segments": ("column", ((1, "bar", False),), None, None, {1: "0"}),
    "pareto": ("combo", ((1, "bar", False), (2, "line", True)), "#,##0", "0%", {1: "#,##0.0", 2: "0%"}),
    "funnel": ("bar", ((1, "bar", False),), "0", None, {1: "0"}),
}


def no_completion(lang: str) -> ChartTable:
    """The completion slot when no target is at the salesperson grain: a title that says so, no rows."""
    def t(key: str) -> str:
        return text(msg(key), lang)

    return ChartTable("completion", t("chart.no_completion"), "combo",
                      [t("chart.salesperson"), t("chart.completion_rate"), "100%"], [],
                      {1: "0.0%", 2: "0%"}, ())


def no_regions(lang: str) -> ChartTable:
    """The regions slot when no region has a target: a title that says so, no rows."""
    def t(key: str) -> str:
        return text(msg(key), lang)

    return ChartTable("regions", t("chart.no_regions"), "combo", [t("chart.region"), t("chart.completion_rate"), "100%"],
                      [], {1: "0.0%", 2: "0%"}, ())


def slot_tables(result: Result, lang: str, keys: tuple[str, ...] = DASHBOARD) -> list[ChartTable]:
    """The tables of the slots ``keys`` (a completion slot says when there is nothing to show)."""
    found = {t.key: t for t in tables(result, lang) if t.key in keys}
    found.setdefault("completion", no_completion(lang))
    found.setdefault("regions", no_regions(lang))
    return [found[k] for k in keys if k in found]


_STATIC_TITLE = re.compile(r"[：:].*\d+%.*$")  # a computed tail ("：前 20% 客户贡献 41%") is not cached


def template_slots(ws, lang: str, *, column: int, row: int, keys: tuple[str, ...] = DASHBOARD
                   ) -> dict[str, ChartTable]:
    """Write the slots' titles and headers into a template sheet (openpyxl ``ws``) and return the empty
    workbook's tables by key, whose titles the template's charts cache (for clients that do not follow cells)."""
    from openpyxl.styles import Font

    empty = pipeline.run({}, settings=Settings(), today=dt.date(2024, 1, 1))
    items = slot_tables(empty, lang, keys)
    where = slot_rows(row, keys)
    for item in items:
        title_row = where[item.key][0]
        ws.cell(title_row, column, item.title).font = Font(bold=True)
        for j, h in enumerate(item.header):
            ws.cell(title_row + 1, column + j, h)
    return {t.key: t for t in items}


def slot_rows(row: int, keys: tuple[str, ...] = DASHBOARD) -> dict[str, tuple[int, int, int]]:
    """key → (title row, first data row, last data row) of each slot, one under the other from ``row``."""
    out = {}
    for key in keys:
        _width, n = SLOTS[key]
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
        other = "其他" if item.header[0] == "产品线" else "Other"
        return ChartTable(**{**item.__dict__, "rows": [*rows[: n - 1], [other, rest]]})
    return ChartTable(**{**item.__dict__, "rows": item.rows[:n]})


def fill(sheet: xw.Sheet, items: list[ChartTable], *, column: int, row: int,
         keys: tuple[str, ...] = DASHBOARD) -> None:
    """Write each table into its slot (title, header, rows, empty rows to the slot's end): cells only."""
    where = slot_rows(row, keys)
    for item in items:
        if item.key not in where:
            continue
        item = _fit(item)
        width, n = SLOTS[item.key]
        title_row, first, last = where[item.key]
        body = [list(r) + [None] * (width - len(r)) for r in item.rows] + [[None] * width] * (n - len(item.rows))
        put(sheet.range((title_row, column)), [[item.title] + [None] * (width - 1), item.header[:width], *body])
        sheet.range((title_row, column)).font.bold = True
        for j, fmt in item.formats.items():
            sheet.range((first, column + j), (last, column + j)).number_format = fmt


def slot_specs(sheet_name: str, areas: dict[str, str | tuple[str, tuple[float, float]]], *, column: int, row: int,
               texts: dict[str, ChartTable] | None = None, keys: tuple[str, ...] = DASHBOARD) -> list[ChartSpec]:
    """The charts bound to the slots ``keys`` (titles and series names from the slots' cells;
    ``texts``: the tables whose title and headers are the references' cached text). ``areas``: the
    cells each chart covers, optionally with the share of their width (two charts in one column)."""
    quoted = "'" + sheet_name.replace("'", "''") + "'"
    letter = lambda j: get_column_letter(column + j)  # noqa: E731
    specs = []
    for key, (title_row, first, last) in slot_rows(row, keys).items():
        kind, series, y_format, y2_format, _formats = SLOT_KINDS[key]
        cells = lambda j, first=first, last=last: f"{letter(j)}{first}:{letter(j)}{last}"  # noqa: E731
        text = (texts or {}).get(key)
        title = _STATIC_TITLE.sub("", text.title) if text else ""
        specs.append(ChartSpec(
            title, kind, cells(0),
            tuple(Series(text.header[j] if text else "", cells(j), k, secondary,
                         title_ref=f"{quoted}!${letter(j)}${title_row + 1}") for j, k, secondary in series),
            *_area(areas[key]), y_format=y_format, y2_format=y2_format,
            title_ref=f"{quoted}!${letter(0)}${title_row}"))
    return specs


def _area(area: str | tuple[str, tuple[float, float]]) -> tuple[str, tuple[float, float] | None]:
    return (area, None) if isinstance(area, str) else area
