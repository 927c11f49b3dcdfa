"""Issue 13 item 4 in a real workbook, re-read with openpyxl: CAC appears once 参数 holds a channel's
spend (and the KPI title says when it does not); the new KPI rows, the day and week trends (ending at
the as-of date and agreeing with each other) and the 产品复购率 block are on 多维拆解."""

from __future__ import annotations

import calendar
import datetime as dt
import shutil

import openpyxl
import pytest

from salesbook import actions
from salesbook.excel import engine
from tests.sheet_tables import rows_of, table


def test_kpis_and_time_on_the_breakdown_sheet(small_book, tmp_path):
    before = openpyxl.load_workbook(small_book)
    assert "未设置" not in before["多维拆解"]["A1"].value  # the demo fills 参数 acquisition_costs (CAC shows)
    path = tmp_path / "cac.xlsm"
    shutil.copy(small_book, path)
    row = next(i for i, r in enumerate(rows_of(before["参数"]), start=1) if r[0] == "acquisition_costs")
    book = engine.open_book(path)
    channels = ("老客户转介绍", "线上推广", "展会", "电话营销", "渠道代理")  # the demo's
    book.sheets["参数"].range((row, 2)).value = ";".join(f"{c}:31000" for c in channels)
    actions.refresh(book, now=dt.datetime(2030, 1, 1, 9, 0))
    book.save()
    wb = openpyxl.load_workbook(path)
    rows = rows_of(wb["多维拆解"])
    assert "未设置" not in rows[0][0]
    as_of = wb["仪表盘"]["B2"].value
    header, body = table(rows, "指标")
    col = {h: i for i, h in enumerate(header)}
    by_label = {r[0]: r for r in body}
    assert {"人均销售额(万元)", "客户终身价值LTV(万元)", "客户流失率"} <= set(by_label)
    assert 0 <= by_label["客户流失率"][col["今年累计"]] <= 1
    # CAC = spend / new customers of the channel: the spend of the year so far (whole months, then days
    # 1..d of this one) over each cell is a whole number of customers, and they add up to 新客户数
    months = as_of.month - 1 + as_of.day / calendar.monthrange(as_of.year, as_of.month)[1]
    cacs = [by_label[f"获客成本CAC·{c}(万元)"][col["今年累计"]] for c in channels]
    n = [31000 * months / 10000 / v for v in cacs if v is not None]
    assert all(k >= 1 and k == pytest.approx(round(k)) for k in n)
    assert sum(round(k) for k in n) == by_label["新客户数"][col["今年累计"]] > 0
    _, days = table(rows, "日期")
    assert len(days) == 30 and days[-1][0] == as_of and days[0][0] == as_of - dt.timedelta(days=29)
    assert all(r[1] == "周" + "一二三四五六日"[r[0].weekday()] for r in days)
    _, weeks = table(rows, "周")
    y, w, _ = as_of.isocalendar()
    assert len(weeks) == 12 and weeks[-1][0] == f"{y}-W{w:02d}"
    assert weeks[-1][2] == pytest.approx(sum(r[2] for r in days if r[0] >= weeks[-1][1]))  # 万元, same days
    start = next(i for i, r in enumerate(rows) if r and r[0] == "产品线" and "产品复购率" in r)
    header, lines = table(rows[start:], "产品线")
    rate, n, rep = header.index("产品复购率"), header.index("客户数"), header.index("复购客户数")
    assert lines and all(r[rate] == pytest.approx(r[rep] / r[n]) for r in lines)
