"""The worked numbers in the seed documents, reproduced through the real pipeline."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from salesbook import vocab
from salesbook.core.performance import completion_rate
from salesbook.core.pipeline import run
from salesbook.settings import Settings
from tests.conftest import TODAY, raw


@pytest.mark.parametrize(("actual", "target", "expected"), [
    (45.2, 40, 1.13),          # S0 表1: 张三 Q1 A产品 45.2万 / 40万
    (220.5, 200, 1.1025),      # S0: Q1 合计 220.5万 / 200万
    (85_000, 100_000, 0.85),   # S3 表1: 张* 2024年9月 A产品
    (96_000, 80_000, 1.20),    # S3 表1: 李* 2024年9月 B产品
])
def test_completion_rate_matches_the_seed_examples(actual, target, expected):
    assert completion_rate(actual, target) == pytest.approx(expected)


def _orders(rows):
    return pd.DataFrame(rows, columns=["order_id", "order_date", "customer_id", "customer_name", "salesperson",
                                       "product_line", "amount", "status"])


def test_s3_table1_through_the_pipeline_with_month_targets():
    orders = _orders([
        ("O0", "2023-08-15", "C9", "客户庚", "王五", "C产品", 1_000, "已成交"),  # the data starts here
        ("O1", "2024-09-03", "C1", "客户甲", "张三", "A产品", 20_000, "已签约"),
        ("O2", "2024-09-10", "C2", "客户乙", "张三", "A产品", 65_000, "已成交"),
        ("O3", "2024-09-12", "C3", "客户丙", "李四", "B产品", 30_000, "已签约"),
        ("O4", "2024-09-20", "C4", "客户丁", "李四", "B产品", 66_000, "已回款"),
        ("O5", "2024-09-21", "C4", "客户丁", "李四", "B产品", 50_000, "已取消"),  # cancelled: not revenue
    ])
    targets = pd.DataFrame([("2024年9月", "张三", "A产品", 100_000), ("2024-09", "李四", "B产品", 80_000)],
                           columns=["period", "salesperson", "product_line", "target"])
    res = run({"orders": raw(orders), "targets": raw(targets, "销售目标")}, settings=Settings(),
              today=TODAY)
    perf = res.frames.performance.set_index("salesperson")
    assert perf.loc["张三", "actual"] == 85_000
    assert perf.loc["张三", "completion"] == pytest.approx(0.85)
    assert perf.loc["张三", "gap"] == -15_000
    assert vocab.label("band", perf.loc["张三", "band"], "zh") == "未达标"
    assert perf.loc["李四", "completion"] == pytest.approx(1.20)
    assert vocab.label("band", perf.loc["李四", "band"], "zh") == "达标"
    # nothing a year or a month before, inside the data: growth on a zero base is the label 新增, never ∞
    assert vocab.label("growth", perf.loc["张三", "yoy"], "zh") == "新增"
    assert vocab.label("growth", perf.loc["张三", "mom"], "zh") == "新增"
    # a base before the data begins is unknown (—), not 新增
    early = run({"orders": raw(orders.iloc[1:]), "targets": raw(targets, "销售目标")}, settings=Settings(),
                today=TODAY).frames.performance.set_index("salesperson")
    assert pd.isna(early.loc["张三", "yoy"]) and pd.isna(early.loc["张三", "mom"])


def test_the_q1_subtotal_row_is_excluded_not_summed():
    orders = _orders([
        ("O1", "2024-01-15", "C1", "A公司", "张三", "A产品", 452_000, "已成交"),
        ("O2", "2024-02-15", "C2", "B公司", "李四", "B产品", 1_753_000, "已成交"),
        (None, None, None, "2024年Q1总计", None, None, 2_205_000, None),
    ])
    targets = pd.DataFrame([("2024Q1", None, None, 2_000_000)],
                           columns=["period", "salesperson", "product_line", "target"])
    res = run({"orders": raw(orders), "targets": raw(targets, "销售目标")}, settings=Settings(), today=TODAY)
    q1 = res.frames.performance.iloc[0]
    assert q1["actual"] == 2_205_000  # 220.5万, not 441万
    assert q1["completion"] == pytest.approx(1.1025)
    log = res.log
    sub = log[log["rule"] == "subtotal"]
    assert list(sub["row"]) == [4]
    assert sub["action"].tolist() == ["excluded"]


def test_quarter_growth_uses_the_previous_quarter_and_the_same_quarter_last_year():
    orders = _orders([
        ("O1", "2023-02-01", "C1", "A", "张三", "A产品", 100, "已成交"),
        ("O2", "2023-11-01", "C1", "A", "张三", "A产品", 200, "已成交"),
        ("O3", "2024-02-01", "C1", "A", "张三", "A产品", 150, "已成交"),
    ])
    targets = pd.DataFrame([("2024Q1", "张三", None, 100)], columns=["period", "salesperson", "product_line",
                                                                       "target"])
    settings = Settings(as_of=dt.date(2024, 6, 30))
    res = run({"orders": raw(orders), "targets": raw(targets, "销售目标")}, settings=settings, today=TODAY)
    row = res.frames.performance.iloc[0]
    assert row["yoy"] == pytest.approx(0.5)    # 150 vs 100
    assert row["mom"] == pytest.approx(-0.25)  # 150 vs 200 (2023Q4)


@pytest.mark.parametrize("rows", [
    [("O1", "上周五", "C1", None, None, None, "abc", "已成交")],          # every row unreadable
    [("O1", "2026-11-02", "C1", "甲", "张三", "A产品", 100, "已取消")],  # only a cancelled order
    [("O1", "2026-11-02", "C1", "甲", "张三", "A产品", 0, "已成交")],    # only a zero amount
    [("O1", "2026-11-02", "C1", "甲", "张三", "A产品", 100, "已成交")],  # a single order
    [("O1", "2026-11-02", "C1", "甲", None, None, 100, "已成交")],       # no salesperson at all
])
@pytest.mark.parametrize("with_targets", [False, True])
def test_the_pipeline_survives_tiny_and_empty_data(rows, with_targets):
    from salesbook.core import report

    tables = {"orders": raw(_orders(rows))}
    if with_targets:
        tables["targets"] = raw(pd.DataFrame([("2026-11", "张三", None, 100)],
                                             columns=["period", "salesperson", "product_line", "target"]), "销售目标")
    res = run(tables, settings=Settings(), today=TODAY)
    assert not report.build(res).empty
    assert res.excluded_rows == (1 if rows[0][1] == "上周五" else 0)
