"""The report's figures are the template's charts: fixed places, bound to fixed cells, restyled by the user.

Read straight out of the saved zip, like the dashboard's (see test_dashboard_report): six native
charts in column A between the review block and the text, each bound to a slot of cells right of
the print area. A refresh writes those cells only, so a chart part the user restyled stays byte
for byte what the user made it, while the numbers it shows change.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from tests.chart_restyle import restyle

from salesbook import actions
from salesbook.excel import engine, report_sheet
from salesbook.excel.template import shipped_template
from tests.test_dashboard_report import NS, _cells, _rels, _sheet_frame, charts_of

SHEET = "分析报告"


def chart_parts(path: Path, sheet: str) -> dict[str, bytes]:
    """The chart parts drawn on ``sheet``, by part name (through the sheet's drawing relationships)."""
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rid = next(s.get(f"{{{NS['r']}}}id") for s in wb.iter(f"{{{NS['main']}}}sheet") if s.get("name") == sheet)
        sheet_part = _rels(z, "xl/workbook.xml")[rid]
        drawing = ET.fromstring(z.read(sheet_part)).find("main:drawing", NS)
        drawing_part = _rels(z, sheet_part)[drawing.get(f"{{{NS['r']}}}id")]
        return {name: z.read(name) for name in _rels(z, drawing_part).values()}


@pytest.mark.parametrize("lang,name", [("zh", "分析报告"), ("en", "Report")])
def test_the_template_holds_the_report_figures_print_area_and_page_break(lang, name):
    path = shipped_template(lang)
    found = charts_of(path, name)
    assert [c["kinds"] for c in found] == [["barChart", "lineChart"], ["pieChart"], ["barChart"], ["barChart"],
                                           ["barChart", "lineChart"], ["barChart", "lineChart"]]
    quoted = f"'{name}'!$"
    for c in found:
        assert c["anchor"] == "twoCellAnchor" and c["title_ref"].startswith(quoted)
        assert all(s["val"].startswith(quoted + "E$") or s["val"].startswith(quoted + "F$") for s in c["series"])
        assert c["from"][0] == 0 and c["to"][0] <= 1  # in column A, the printed one
        assert report_sheet.FIGURES_ROW - 1 <= c["from"][1] and c["to"][1] < report_sheet.TEXT_ROW - 1
    # rows of charts, one under the other: a full-width chart, two pairs side by side, a full-width one
    tops = [report_sheet.FIGURES_ROW - 1 + i * report_sheet.CHART_ROWS for i in range(4)]
    assert [c["from"][1] for c in found] == [tops[0], tops[1], tops[1], tops[2], tops[2], tops[3]]
    assert all(c["to"][1] - c["from"][1] == report_sheet.CHART_ROWS - 1 for c in found)  # a row of gap below
    ws = openpyxl.load_workbook(path)[name]
    assert str(ws.print_area).replace("$", "").endswith("!A1:A1048576")
    assert [b.id + 1 for b in ws.row_breaks.brk] == [report_sheet.SECOND_PAGE]
    assert ws.page_setup.orientation == "portrait" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["A"].width == report_sheet.TEXT_WIDTH


def test_the_report_figures_show_the_analysis_numbers_and_the_text_follows_them(small_book):
    wb = openpyxl.load_workbook(small_book, data_only=True)
    ws = wb[SHEET]
    found = charts_of(small_book, SHEET)
    titles = [_cells(wb, c["title_ref"])[0] for c in found]
    assert [t[:4] for t in titles] == ["月度销售", "产品线占", "客户层级", "RFM ", "完成率（", "客户集中"]
    by = dict(zip([t[:4] for t in titles], found, strict=True))
    tiers = _sheet_frame(wb, "客户分层")
    tier_chart = {k: v for k, v in zip(_cells(wb, by["客户层级"]["series"][0]["cat"]),
                                        _cells(wb, by["客户层级"]["series"][0]["val"]), strict=True) if k}
    assert tier_chart == {k: tiers["客户层级"].tolist().count(k) for k in ("VIP", "核心", "普通", "潜在")}
    rfm = _sheet_frame(wb, "RFM")
    seg = dict(zip(_cells(wb, by["RFM "]["series"][0]["cat"]), _cells(wb, by["RFM "]["series"][0]["val"]),
                   strict=True))
    assert {k: v for k, v in seg.items() if v} == dict(collections.Counter(rfm["客户分层"]))
    completion = [v for v in _cells(wb, by["完成率（"]["series"][0]["val"]) if v is not None]
    assert completion == sorted(completion)  # the regions that pull the team down first
    assert re.search(r"前 20% 客户贡献 \d+%", titles[-1])
    column_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert column_a[0].startswith("客户分析报告") and column_a[2].startswith("审核")
    assert all(v is None for v in column_a[report_sheet.NOTE_ROW:report_sheet.TEXT_ROW - 1])  # the figures' rows
    assert column_a[report_sheet.TEXT_ROW - 1] == "一、分析背景与目标"
    assert ws.row_dimensions[report_sheet.TEXT_ROW + 2].height >= report_sheet.ROW_PT  # a wrapped paragraph


@pytest.mark.slow  # two refreshes and saves of a workbook, each checked part by part
def test_a_restyled_report_chart_survives_two_refreshes_while_its_numbers_change(small_book, tmp_path):
    path = tmp_path / "报告改过样式.xlsm"
    shutil.copy(small_book, path)
    parts = chart_parts(path, SHEET)
    monthly = next(n for n, x in parts.items() if b"<lineChart>" in x and b"$E$3:$E$14" in x)
    xml = parts[monthly].decode()
    restyled = restyle(path, monthly, xml)  # the user's restyle: horizontal bars, a red first series
    slot = [openpyxl.load_workbook(path, data_only=True)[SHEET].cell(r, 5).value for r in range(3, 15)]

    today = dt.date(2026, 11, 24)
    book = engine.open_book(path)
    actions.refresh(book, today=today)
    book.save()
    orders = book.sheets["订单明细"]
    last = orders.used_range.last_cell.row
    header = orders.range("A1").expand("right").value
    dates = orders.range((2, header.index("下单日期") + 1), (last, header.index("下单日期") + 1)).value
    row = [None] * len(header)
    for name, value in (("订单编号", "SO-新-9"), ("下单日期", max(v for v in dates if isinstance(v, dt.datetime))),
                        ("客户编号", "C0001"), ("金额", 2_000_000), ("订单状态", "已成交"), ("销售负责人", "王芳")):
        row[header.index(name)] = value
    orders.range((last + 1, 1)).value = row
    book.save()
    book = engine.open_book(path)
    actions.report(book, today=today)
    book.save()

    assert chart_parts(path, SHEET)[monthly] == restyled.encode()  # byte for byte: nobody rewrote it
    assert len(charts_of(path, SHEET)) == 6
    now = [openpyxl.load_workbook(path, data_only=True)[SHEET].cell(r, 5).value for r in range(3, 15)]
    assert now[-1] == pytest.approx(slot[-1] + 200, abs=0.01)  # +2,000,000 元 = +200 万元 in the last month
    assert now[:-1] == pytest.approx(slot[:-1])
