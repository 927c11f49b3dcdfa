"""The demo workbook's output sheets, checked against hand computation from its input sheets.

The input is read back independently (pandas.read_excel), not through salesbook's reader.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from salesbook.core.parse import parse_amount
import pytest

from salesbook import vocab

REVENUE = {"已成交", "已签约", "已回款"}


@pytest.fixture(scope="module")
def book(demo_book):
    sheets = pd.read_excel(demo_book, sheet_name=None, header=None, engine="openpyxl")

    def output(name, header: str | None = None):
        """The sheet's table under row 2, or under the first row holding the cell ``header``."""
        raw = sheets[name]
        at = 1 if header is None else next(i for i in range(len(raw)) if header in set(raw.iloc[i].dropna()))
        t = raw.iloc[at + 1:].copy()
        t.columns = raw.iloc[at]
        return t.dropna(how="all")

    orders = sheets["订单明细"].iloc[1:].copy()
    orders.columns = sheets["订单明细"].iloc[0]
    amount = orders["金额"].map(parse_amount)  # '4.74万' is 47,400 元, as the cleaning log says
    clean = orders[amount.notna()
                   & orders["下单日期"].map(lambda v: isinstance(v, dt.datetime))
                   & orders["订单状态"].isin(REVENUE)].drop_duplicates("订单编号")
    clean = clean.assign(amount=amount[clean.index].astype(float), date=pd.to_datetime(clean["下单日期"]))
    dashboard = sheets["仪表盘"]
    as_of = pd.Timestamp(dashboard.iloc[1, 1])
    return {"clean": clean, "orders": orders, "output": output, "as_of": as_of}


def test_as_of_is_the_latest_order_date(book):
    assert book["as_of"] == book["clean"]["date"].max()


def test_performance_row_equals_the_hand_sum(book):
    perf = book["output"]("业绩分析")
    row = perf[(perf["周期"] == "2026-10") & (perf["销售负责人"] == "张伟")].iloc[0]
    c = book["clean"]
    hand = c[(c["销售负责人"] == "张伟") & (c["date"].dt.to_period("M") == "2026-10")]["amount"].sum()
    assert row["销售额(万元)"] * 10000 == pytest.approx(hand, rel=1e-9)
    assert row["完成率"] == pytest.approx(hand / (row["目标值(万元)"] * 10000))
    assert row["差额(万元)"] == pytest.approx(row["销售额(万元)"] - row["目标值(万元)"])


def test_rfm_of_the_top_customer(book):
    rfm = book["output"]("RFM")
    top = rfm.iloc[0]
    c = book["clean"]
    mine = c[c["客户编号"] == top["客户编号"]]
    window = mine[mine["date"] > book["as_of"] - pd.Timedelta(days=365)]
    assert top["M 购买金额(万元)"] * 10000 == pytest.approx(window["amount"][window["amount"] > 0].sum(), rel=1e-6)
    assert top["F 购买频次"] == (window["amount"] > 0).sum()
    assert top["R 最近购买(天前)"] == (book["as_of"] - mine["date"].max()).days
    assert top["RFM得分"] == f"{top['R分']}{top['F分']}{top['M分']}"
    # SPEC §4: a customer with nothing in the window is lapsed, outside the quantiles and the TOP 20%
    active = rfm["F 购买频次"] > 0
    assert rfm.loc[active, "客户分层"].isin(["高价值客户", "流失风险客户", "潜力客户", "低价值客户"]).all()
    assert rfm.loc[~active, "客户分层"].isin(["已流失客户", "高价值流失"]).all()
    assert (rfm.loc[~active, "RFM得分"] == "111").all()
    assert rfm["TOP20%"].eq("是").sum() == -(-int(active.sum()) * 2 // 10)
    assert not rfm.loc[~active, "TOP20%"].eq("是").any()


def test_kpi_year_to_date_revenue(book):
    kpi = book["output"]("多维拆解")
    row = kpi[kpi["指标"] == "销售额(万元)"].iloc[0]
    c = book["clean"]
    ytd = c[(c["date"] >= book["as_of"].replace(month=1, day=1)) & (c["date"] <= book["as_of"])]
    # the hand sum skips the demo's few dirty rows (text amounts); they are small next to the total
    assert row["今年累计"] * 10000 == pytest.approx(ytd["amount"].sum(), rel=0.01)


def test_every_customer_gets_exactly_one_tier(book):
    tiers = book["output"]("客户分层")
    assert tiers["客户编号"].is_unique
    assert set(tiers["客户层级"]) <= {"VIP", "核心", "普通", "潜在"}
    vip = tiers[tiers["客户层级"] == "VIP"]
    assert (vip["近半年采购(万元)"] >= 50).all() and (vip["合作年限"] >= 2).all()


def test_dirty_rows_are_in_the_cleaning_log(book):
    log = book["output"]("清洗日志", "行")  # the log under its summary
    rules = {vocab.parse("log_rule", r) for r in log["规则"]}  # the rules' words, read back as codes
    assert {"subtotal", "duplicate_id", "status", "date", "possible_duplicate", "amount"} <= rules
    assert (log[log["规则"] == vocab.label("log_rule", "subtotal", "zh")]["处理"] == "未计入分析").all()


def test_unit_slip_is_alerted(book):
    alerts = book["output"]("异常预警")
    assert (alerts["规则"] == "疑似单位错误").sum() >= 1
    assert alerts["说明"].str.contains("元/万元").any()
