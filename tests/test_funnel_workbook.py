"""The 销售漏斗 sheet of a real workbook: leads typed under Chinese headers (丢单阶段, 丢单原因 included),
refreshed by the file engine, re-read from disk with openpyxl. Expected numbers by hand (as-of 2026-11-20)."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from salesbook import actions
from salesbook.excel import engine

D = dt.datetime
LEADS = [  # 线索编号 客户名称 客户编号 跟进阶段 预估金额 负责人 创建日期 阶段日期 丢单阶段 丢单原因
    ("L1", "甲公司", None, "需求确认", 100_000, "王芳", D(2026, 11, 1), None, None, None),
    ("L2", "乙公司", None, "方案提交", 200_000, "李娜", D(2026, 9, 1), D(2026, 10, 1), None, None),
    ("L3", "丙公司", None, "成交", 400_000, "王芳", D(2026, 7, 1), D(2026, 8, 10), None, None),
    ("L4", "丁公司", None, "丢单", 600_000, "李娜", D(2026, 6, 1), D(2026, 7, 1), "方案提交", "选择竞品"),
    ("L5", "戊公司", None, "成交", 800_000, "王芳", D(2026, 11, 1), D(2026, 11, 25), None, None),  # after as-of
]


@pytest.fixture(scope="module")
def funnel_rows(template, tmp_path_factory):
    path = tmp_path_factory.mktemp("漏斗") / "漏斗.xlsm"
    shutil.copy(template, path)
    book = engine.open_book(path)
    orders = book.sheets["订单明细"]
    header = orders.range("A1").expand("right").value
    row = [None] * len(header)
    for name, value in (("订单编号", "SO-1"), ("下单日期", D(2026, 11, 20)), ("客户编号", "C1"), ("金额", 5000),
                        ("订单状态", "已成交"), ("销售负责人", "王芳")):
        row[header.index(name)] = value
    orders.range("A2").value = [row]
    leads = book.sheets["线索"]
    assert leads.range("I1").value == "丢单阶段" and leads.range("J1").value == "丢单原因"
    leads.range("A2").value = [list(r) for r in LEADS]
    actions.refresh(book, today=dt.date(2026, 11, 24))
    book.save()
    return [list(r) for r in openpyxl.load_workbook(path)["销售漏斗"].iter_rows(values_only=True)]


def _table(rows, first_header):
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    body = []
    for r in rows[start + 1:]:
        if not any(v not in (None, "") for v in r):
            break
        body.append(r)
    return rows[start], body


def test_the_funnel_sheet_shows_stages_stalled_leads_and_lost_reasons(funnel_rows):
    header, body = _table(funnel_rows, "阶段")
    col = {h.split("(万元)")[0]: i for i, h in enumerate(header)}  # amounts carry the display unit
    by_stage = {r[0]: r for r in body}
    # reached: 需求确认 5; 方案提交 L2 L3 L4 L5 = 4; 商务谈判 L3 L5 = 2; 成交 L3 = 1; 丢单 L4 = 1
    assert [by_stage[s][col["到达线索数"]] for s in ("需求确认", "方案提交", "商务谈判", "成交", "丢单")] == [5, 4, 2, 1, 1]
    assert by_stage["需求确认"][col["转入下一阶段"]] == pytest.approx(0.8)
    # weighted (万元): 商务谈判 holds L5 (won after as-of) at 0.6 → 48万
    assert by_stage["商务谈判"][col["加权金额"]] == pytest.approx(48)
    assert by_stage["商务谈判"][col["预估金额"]] == pytest.approx(80)
    header, body = _table(funnel_rows, "线索编号")
    assert [(r[0], r[header.index("负责人")], r[header.index("停留天数")]) for r in body] == [("L2", "李娜", 50)]
    assert body[0][header.index("预估金额(万元)")] == pytest.approx(20)
    header, body = _table(funnel_rows, "指标")
    summary = {r[0]: r[1] for r in body}
    # expected close = created + 40 days (L3's cycle): L2 is due now (6万 weighted), L1 and L5 on 12-11
    assert summary["本月加权预计成交(万元)"] == pytest.approx(6)
    assert summary["本季加权预计成交(万元)"] == pytest.approx(1 + 6 + 48)
    header, body = _table(funnel_rows, "丢单原因")
    assert [(r[0], r[header.index("丢单数")]) for r in body] == [("选择竞品", 1)]
