"""KPIs and time (issue 13 item 4) on hand-built frames: 人均销售额, 客户流失率, LTV, CAC, 产品复购率,
the day and week trends. Every expected number is worked out by hand from the definitions in
core/kpi_customers.py and core/trends.py, in the comment beside it — not read off the code."""

from __future__ import annotations

from salesbook.messages import text

import datetime as dt

import pandas as pd
import pytest

from salesbook import vocab
from salesbook.core import breakdown as bd
from salesbook.core import kpi_customers as kc
from salesbook.core import trends
from salesbook.core.clean import clean_orders
from salesbook.core.pipeline import run
from salesbook.errors import SettingsError
from salesbook.settings import Settings
from tests.conftest import TODAY, raw

COLS = ["order_id", "order_date", "customer_id", "customer_name", "salesperson", "region", "product_line",
        "channel", "amount", "status"]
AS_OF = dt.date(2025, 3, 10)  # a Monday; 本月 = 03-01…03-10, 上月同期 = 02-01…02-10
ROWS = [
    ("O1", "2024-01-05", "C1", "甲", "张三", "华东", "A", "线上", 100, "已成交"),   # the data's first day
    ("O1b", "2024-02-01", "C1", "甲", "张三", "华东", "A", "线上", 100, "已成交"),
    ("O2", "2024-03-05", "C2", "乙", "李四", "华东", "B", "展会", 200, "已成交"),
    ("O3", "2024-06-01", "C1", "甲", "张三", "华东", "A", "线上", 300, "已成交"),
    ("O0", "2025-01-08", "C2", "乙", "李四", "华东", "B", "展会", 30, "已成交"),
    ("O4", "2025-01-15", "C1", "甲", "张三", "华东", "A", "线上", 400, "已成交"),
    ("O5", "2025-02-03", "C2", "乙", "李四", "华东", "A", "展会", 50, "已成交"),
    ("O6", "2025-02-05", "C3", "丙", "张三", "华东", "B", "线上", 80, "已成交"),    # C3 new (first order > 1 year in)
    ("O7", "2025-02-08", "C4", "丁", "王五", "华东", "B", "展会", 70, "已成交"),    # C4 new
    ("O8", "2025-03-02", "C1", "甲", "张三", "华东", "A", "线上", 500, "已成交"),
    ("O9", "2025-03-04", "C5", "戊", "李四", "华东", "B", "展会", 60, "已成交"),    # C5 new, first order 展会
    ("O10", "2025-03-06", "C6", "己", "王五", "华东", "A", "线上", 40, "已取消"),   # not counted
    ("O11", "2025-03-07", "C6", "己", "王五", "华东", "A", "线上", 90, "已成交"),   # C6 new, 线上
    ("O12", "2025-03-08", "C5", "戊", "李四", "华东", "A", "线上", 10, "已成交"),   # C5's second order
    ("O13", "2025-03-20", "C2", "乙", "李四", "华东", "A", "线上", 999, "已成交"),  # after as-of: never counts
]
COSTS = (("线上", 3100.0), ("展会", 6200.0))


def orders_of(rows):
    out, _ = clean_orders(raw(pd.DataFrame(rows, columns=COLS)).df, settings=Settings(), today=TODAY)
    return out


@pytest.fixture(scope="module")
def kpi():
    s = Settings(as_of=AS_OF, acquisition_costs=COSTS)
    return bd.kpi_table(orders_of(ROWS), pd.DataFrame(), settings=s, as_of=AS_OF).set_index("metric")


def test_sales_per_active_salesperson(kpi):
    r = kpi.loc["per_rep_revenue"]
    assert r["current"] == pytest.approx(660 / 3)     # O8 O9 O11 O12 = 660; 张三 李四 王五
    assert r["previous"] == pytest.approx(200 / 3)    # O5 O6 O7 = 200; 李四 张三 王五
    assert r["change"] == pytest.approx(660 / 200 - 1) and r["change_kind"] == "growth"
    assert r["ytd"] == pytest.approx(1290 / 3)        # O0 30 + O4 400 + 200 + 660
    assert r["last_year"] == pytest.approx(400 / 2)   # O1 O1b O2 (2024-01-01…03-10); 张三 李四
    assert r["yoy"] == pytest.approx(430 / 200 - 1)


def test_churn_is_the_base_s_customers_missing_now(kpi):
    r = kpi.loc["churn_rate"]
    assert r["current"] == pytest.approx(1.0)   # Feb 1–10 {C2 C3 C4}; Mar 1–10 {C1 C5 C6}: all 3 gone
    assert r["previous"] == pytest.approx(0.0)  # Jan 1–10 {C2}; C2 bought Feb 3
    assert r["change"] == pytest.approx(1.0) and r["change_kind"] == "pp"
    assert r["ytd"] == pytest.approx(0.0)       # 2024-01-01…03-10 {C1 C2}: both bought this year
    assert pd.isna(r["last_year"])              # its base 2023-01-01…03-10 is before the data
    assert pd.isna(r["yoy"]) and r["yoy_kind"] == "pp"


def test_ltv_is_revenue_per_customer_year_times_active_years(kpi):
    r = kpi.loc["ltv"]
    # E = 2025-03-10: the 365 days 2024-03-11…2025-03-10 hold O3 O0 O4…O9 O11 O12 = 1590 from C1…C6 → V = 265.
    # Years back from E (days // 365): C1 has orders 430 days back (O1) and < 365 → 2 years; C2: O2 is
    # 370 days back → 2; C3…C6 one each → L = 8/6.
    assert r["current"] == pytest.approx(265 * 8 / 6)
    # E = 2025-02-10: 2024-02-11…2025-02-10 holds O2 O3 O0 O4 O5 O6 O7 = 1130 from C1 C2 C3 C4 → V = 282.5;
    # C1 O1 402 days back → 2 years; C2 O2 342 days back → 1; C3 C4 1 → L = 5/4.
    assert r["previous"] == pytest.approx(282.5 * 5 / 4)
    assert r["change"] == pytest.approx((265 * 8 / 6) / (282.5 * 5 / 4) - 1)
    assert r["ytd"] == pytest.approx(265 * 8 / 6)  # the same last day
    assert pd.isna(r["last_year"]) and pd.isna(r["yoy"])  # E = 2024-03-10: no full year of data before it


def test_cac_is_the_period_s_spend_over_the_channel_s_new_customers(kpi):
    online, fair = kpi.loc["cac:线上"], kpi.loc["cac:展会"]
    assert text(online["label"], "zh") == "获客成本CAC·线上" and online["kind"] == "amount"
    assert text(online["label"], "en") == "Acquisition cost (CAC) · 线上"
    # 本月 10 of 31 days: 线上 3100 × 10/31 = 1000 for C6 (O11; the cancelled O10 is no order);
    # 展会 6200 × 10/31 = 2000 for C5 (first order O9 展会; O12 线上 is a later one)
    assert online["current"] == pytest.approx(1000) and fair["current"] == pytest.approx(2000)
    # 上月同期 10 of 28 days: C3 线上, C4 展会
    assert online["previous"] == pytest.approx(3100 * 10 / 28)
    assert fair["previous"] == pytest.approx(6200 * 10 / 28)
    assert online["change"] == pytest.approx(1000 / (3100 * 10 / 28) - 1)
    # 今年累计 = Jan + Feb + 10/31 of March; new: C3 C6 线上, C4 C5 展会
    months = 1 + 1 + 10 / 31
    assert online["ytd"] == pytest.approx(3100 * months / 2) and fair["ytd"] == pytest.approx(6200 * months / 2)
    assert pd.isna(online["last_year"]) and pd.isna(online["yoy"])  # no new customer then: no CAC, no growth


def test_no_cac_row_without_the_setting_and_the_sheet_says_so():
    o = orders_of(ROWS)
    kpi = bd.kpi_table(o, pd.DataFrame(), settings=Settings(as_of=AS_OF), as_of=AS_OF)
    assert not kpi["metric"].str.startswith("cac").any()
    res = run({"orders": raw(pd.DataFrame(ROWS, columns=COLS))}, settings=Settings(as_of=AS_OF), today=TODAY)
    title = text(res.sheets["breakdown"][0].title, "zh")
    assert "CAC 未设置" in title and "acquisition_costs" in title
    with_costs = run({"orders": raw(pd.DataFrame(ROWS, columns=COLS))},
                     settings=Settings(as_of=AS_OF, acquisition_costs=COSTS), today=TODAY)
    assert "未设置" not in text(with_costs.sheets["breakdown"][0].title, "zh")


def test_product_repeat_by_line():
    t = kc.product_repeat(orders_of(ROWS), settings=Settings(), as_of=AS_OF).set_index("product_line")
    # this year: A = C1 (O4 O8), C2 (O5), C6 (O11), C5 (O12) → 1 of 4; B = C2 C3 C4 C5 once each → 0 of 4
    assert t.loc["A", ["customers", "repeat_customers"]].tolist() == [4, 1]
    assert t.loc["A", "repeat_rate"] == pytest.approx(0.25) and t.loc["B", "repeat_rate"] == 0
    # 2024-01-01…03-10: A = C1 twice (O1 O1b) → 100%; B = C2 once → 0%
    assert t.loc["A", "last_year"] == pytest.approx(1.0) and t.loc["B", "last_year"] == 0
    assert t.loc["A", "change"] == pytest.approx(-0.75) and t.loc["B", "change"] == 0


def test_acquisition_costs_setting_reads_what_a_manager_types():
    s = Settings.from_rows([("acquisition_costs", "线上推广:20000；展会：5万", 9)])
    assert s.acquisition_costs == (("线上推广", 20000.0), ("展会", 50000.0))
    again = Settings.from_rows([(k, v, 2) for k, v, _ in Settings.rows() if k == "acquisition_costs"])
    assert again == Settings()  # the empty default round-trips
    for bad, why in (("线上推广 20000", "渠道:金额"), ("a:1;a:2", "两次"), ("a:-5", "之间"), ("a:x", "渠道:金额")):
        with pytest.raises(SettingsError) as e:
            Settings.from_rows([("acquisition_costs", bad, 9)])
        assert why in str(e.value) and "9" in str(e.value)


# -- day and week ----------------------------------------------------------------------------------------

TREND_AS_OF = dt.date(2025, 3, 12)  # a Wednesday of ISO week 2025-W11 (Monday 03-10)
TREND = [
    ("T6", "2024-03-13", "C1", "甲", "张三", "华东", "A", "线上", 80, "已成交"),    # Wed of 2024-W11; data start
    ("T1", "2025-03-05", "C1", "甲", "张三", "华东", "A", "线上", 100, "已成交"),   # Wed of W10
    ("T7", "2025-03-07", "C2", "乙", "张三", "华东", "A", "线上", 20, "已成交"),    # Fri of W10
    ("T4", "2025-03-10", "C2", "乙", "张三", "华东", "A", "线上", 200, "已成交"),
    ("T5", "2025-03-10", "C3", "丙", "张三", "华东", "A", "线上", 50, "已成交"),
    ("T2", "2025-03-12", "C1", "甲", "张三", "华东", "A", "线上", 150, "已成交"),
    ("T3", "2025-03-13", "C1", "甲", "张三", "华东", "A", "线上", 999, "已成交"),   # after as-of
]
NEW_C3 = pd.DataFrame({"customer_id": ["C3"], "first_deal_date": [pd.Timestamp("2025-03-10")]})


def test_daily_trend_last_30_days_against_the_same_weekday():
    d = trends.daily_trend(orders_of(TREND), settings=Settings(), as_of=TREND_AS_OF, customers=NEW_C3)
    assert len(d) == 30 and d["day"].iloc[0] == pd.Timestamp("2025-02-11") and d["day"].iloc[-1] == pd.Timestamp(
        "2025-03-12")
    d = d.set_index("day")
    mon = d.loc[pd.Timestamp("2025-03-10")]
    assert (mon["weekday"], mon["revenue"], mon["orders"], mon["customers"], mon["new_customers"]) == (
        "mon", 250, 2, 2, 1)
    assert vocab.label("weekday", mon["weekday"], "zh") == "周一" and vocab.label("weekday", "mon", "en") == "Mon"
    assert mon["avg_ticket"] == pytest.approx(125)
    assert mon["wow"] == "new" and vocab.label("growth", mon["wow"], "zh") == "新增"  # 03-03 sold nothing
    assert d.loc[pd.Timestamp("2025-03-12"), "wow"] == pytest.approx(150 / 100 - 1)  # against Wed 03-05
    assert pd.isna(d.loc[pd.Timestamp("2025-02-20"), "wow"])      # nothing then, nothing now
    assert d["revenue"].sum() == 100 + 20 + 250 + 150              # T3 is after as-of


def test_weekly_trend_iso_weeks_like_for_like():
    w = trends.weekly_trend(orders_of(TREND), settings=Settings(), as_of=TREND_AS_OF, customers=NEW_C3)
    assert len(w) == 12 and w["week"].iloc[-1] == "2025-W11" and w["week"].iloc[0] == "2024-W52"
    assert w["week_start"].iloc[-1] == pd.Timestamp("2025-03-10")
    w = w.set_index("week")
    cur, before = w.loc["2025-W11"], w.loc["2025-W10"]
    assert (cur["revenue"], cur["orders"], cur["customers"], cur["new_customers"]) == (400, 3, 3, 1)
    assert before["revenue"] == 120
    # running week Mon–Wed against Mon–Wed of W10 (T1 100; Friday's T7 is not a day the week has had yet)
    assert cur["wow"] == pytest.approx(400 / 100 - 1)
    assert cur["yoy"] == pytest.approx(400 / 80 - 1)               # 2024-W11 Mon 03-11…Wed 03-13: T6
    assert vocab.label("growth", before["wow"], "zh") == "新增"    # W09 inside the data, sold nothing
    assert pd.isna(before["yoy"])                                  # 2024-W10 ends before the data starts


def test_week_53_has_no_same_week_last_year():
    rows = [("A", "2025-12-24", "C1", "甲", "张三", "华东", "A", "线上", 10, "已成交"),
            ("B", "2026-12-29", "C1", "甲", "张三", "华东", "A", "线上", 30, "已成交")]
    w = trends.weekly_trend(orders_of(rows), settings=Settings(), as_of=dt.date(2026, 12, 30)).set_index("week")
    assert w.loc["2026-W53", "revenue"] == 30 and pd.isna(w.loc["2026-W53", "yoy"])  # 2025 has 52 ISO weeks


def test_nothing_after_as_of_and_empty_data():
    empty = orders_of([])
    assert trends.daily_trend(empty, settings=Settings(), as_of=AS_OF).empty
    assert trends.weekly_trend(empty, settings=Settings(), as_of=AS_OF).empty
    assert kc.product_repeat(empty, settings=Settings(), as_of=AS_OF).empty
