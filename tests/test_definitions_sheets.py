"""SPEC §4 definitions as a manager sees them: in the cells of a real refreshed workbook, re-read
from disk with openpyxl (independently of salesbook's reader)."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from salesbook import actions
from salesbook.excel import engine
from tests.sheet_tables import rows_of, table


def test_kpi_changes_are_points_for_rates_and_percent_for_amounts(small_book):
    wb = openpyxl.load_workbook(small_book)
    ws = wb["多维拆解"]
    rows = rows_of(ws)
    header, body = table(rows, "指标")
    col = {h: i for i, h in enumerate(header)}
    start = next(i for i, r in enumerate(rows) if r and r[0] == "指标") + 2  # first data row, 1-based
    by_label = {r[0]: (r, start + k) for k, r in enumerate(body)}
    checked = 0
    for label in ("回款率", "退单率", "复购率", "新客户占比"):
        r, excel_row = by_label[label]
        cur, prev, change = r[col["本月"]], r[col["上月同期"]], r[col["变化"]]
        if cur is None or prev is None or change is None:
            continue
        assert change == pytest.approx((cur - prev) * 100)  # the cell holds points: 1.1 = +1.1个百分点
        assert "个百分点" in ws.cell(excel_row, col["变化"] + 1).number_format
        checked += 1
    assert checked >= 2
    r, excel_row = by_label["订单量"]
    if r[col["上月同期"]]:
        assert r[col["变化"]] == pytest.approx(r[col["本月"]] / r[col["上月同期"]] - 1)
        assert ws.cell(excel_row, col["变化"] + 1).number_format.startswith("+0.0%")


@pytest.fixture(scope="module")
def refreshed(small_book, tmp_path_factory):
    """A copy where the user typed a plan for one customer, then a new follow-up came in for another."""
    path = tmp_path_factory.mktemp("plan") / "维护.xlsm"
    shutil.copy(small_book, path)
    wb = openpyxl.load_workbook(small_book)
    header, body = table(rows_of(wb["维护计划"]), "客户编号")
    col = {h: i for i, h in enumerate(header)}
    with_content = [r for r in body if r[col["维护内容"]]]
    typed_for, updated_for = with_content[0][0], with_content[1][0]
    plan_row = next(i for i, r in enumerate(rows_of(wb["维护计划"]), start=1) if r[0] == typed_for)
    fu_rows = rows_of(wb["跟进记录"])
    fu_col = {h: i for i, h in enumerate(fu_rows[0])}
    as_of = wb["仪表盘"]["B2"].value  # records after the as-of date do not count: the new one is on it
    last_date = max(r[fu_col["跟进日期"]] for r in fu_rows[1:] if r[fu_col["跟进日期"]] and r[fu_col["跟进日期"]] <= as_of)
    book = engine.open_book(path)
    book.sheets["维护计划"].range((plan_row, col["维护内容"] + 1)).value = "经理：下周上门"
    new = [None] * len(fu_rows[0])
    new[fu_col["客户编号"]], new[fu_col["跟进日期"]], new[fu_col["维护内容"]] = updated_for, last_date, "续约洽谈（新）"
    book.sheets["跟进记录"].range((len(fu_rows) + 1, 1)).value = [new]
    actions.refresh(book, now=dt.datetime(2030, 1, 1, 9, 0))
    book.save()
    return path, typed_for, updated_for


def test_plan_starts_from_the_latest_record_and_keeps_what_the_user_typed(refreshed):
    path, typed_for, updated_for = refreshed
    wb = openpyxl.load_workbook(path)
    header, body = table(rows_of(wb["维护计划"]), "客户编号")
    col = {h: i for i, h in enumerate(header)}
    plan = {r[0]: r for r in body}
    fu = rows_of(wb["跟进记录"])
    fc = {h: i for i, h in enumerate(fu[0])}
    as_of = wb["仪表盘"]["B2"].value  # records after the as-of date do not count
    latest = {}
    for n, r in enumerate(fu[1:]):  # by date, then sheet order: the last record wins
        cid, d = r[fc["客户编号"]], r[fc["跟进日期"]]
        if cid and isinstance(d, dt.datetime) and d <= as_of and (cid not in latest or d >= latest[cid][0]):
            latest[cid] = (d, n, r[fc["维护内容"]])
    assert plan[typed_for][col["维护内容"]] == "经理：下周上门"           # typed: kept
    assert plan[updated_for][col["维护内容"]] == "续约洽谈（新）"         # a stale pre-fill follows the new record
    others = [cid for cid in plan if cid in latest and cid not in (typed_for, updated_for)]
    assert others and all(plan[c][col["维护内容"]] == latest[c][2] for c in others)
