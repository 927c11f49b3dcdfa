"""SPEC §4 definitions on hand-built frames. Every expected number is worked out by hand in the
comment beside it, from the definition — not read off the code's output."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from salesbook import vocab
from salesbook.core import breakdown as bd
from salesbook.core import followup, numtext, performance, rfm
from salesbook.core import playbook as pb
from salesbook.core.clean import clean_followups, clean_orders
from salesbook.core.pipeline import run
from salesbook.core.targets import clean_targets
from salesbook.messages import text
from salesbook.settings import Settings
from tests.conftest import TODAY, raw

AS_OF = dt.date(2025, 3, 10)
S = Settings(as_of=AS_OF)
COLS = ["order_id", "order_date", "customer_id", "customer_name", "salesperson", "region", "amount", "status"]


def orders_of(rows, **kw):
    out, _ = clean_orders(raw(pd.DataFrame(rows, columns=COLS)).df, settings=Settings(), today=TODAY, **kw)
    return out


def tables(rows, **more):
    t = {"orders": raw(pd.DataFrame(rows, columns=COLS))}
    for key, (frame, sheet) in more.items():
        t[key] = raw(frame, sheet)
    return t


# -- 1. one period rule ---------------------------------------------------------------------------------

RUNNING = [
    ("O1", "2024-03-05", "C1", "甲", "张三", "华东", 60, "已成交"),    # same days last year (03-01…03-10)
    ("O2", "2024-03-25", "C1", "甲", "张三", "华东", 500, "已成交"),   # last March, after day 10
    ("O3", "2025-02-05", "C1", "甲", "张三", "华东", 100, "已成交"),   # same days last month (02-01…02-10)
    ("O4", "2025-02-20", "C1", "甲", "张三", "华东", 1000, "已成交"),  # last month, after day 10
    ("O5", "2025-03-03", "C1", "甲", "张三", "华东", 150, "已成交"),   # this month up to as-of
    ("O6", "2025-03-20", "C1", "甲", "张三", "华东", 999, "已成交"),   # after as-of: never counts
]


def test_running_month_compares_the_same_days_not_a_scaled_base():
    o = orders_of(RUNNING)
    perf = performance.performance(o, pd.DataFrame(), settings=S, as_of=AS_OF)
    mar = perf[perf["period_label"] == "2025-03"].iloc[0]
    assert mar["actual"] == 150                     # O6 is after as-of
    assert mar["mom"] == pytest.approx(150 / 100 - 1)  # +50%; a scaled base (1100 × 10/31) would say −57.7%
    assert mar["yoy"] == pytest.approx(150 / 60 - 1)   # +150%: 2024-03-01…03-10 is 60
    kpi = bd.kpi_table(o, pd.DataFrame(), settings=S, as_of=AS_OF).set_index("metric")
    assert kpi.loc["revenue", "current"] == 150 and kpi.loc["revenue", "previous"] == 100
    assert kpi.loc["revenue", "change"] == pytest.approx(mar["mom"])  # the KPI block and 业绩分析 agree
    assert kpi.loc["revenue", "ytd"] == 1250        # 100 + 1000 + 150
    assert kpi.loc["revenue", "last_year"] == 60    # 2024-01-01…2024-03-10
    assert kpi.loc["revenue", "yoy"] == pytest.approx(1250 / 60 - 1)


def test_a_closed_month_compares_with_the_whole_base_month():
    as_of = dt.date(2025, 3, 31)
    perf = performance.performance(orders_of(RUNNING), pd.DataFrame(), settings=Settings(as_of=as_of), as_of=as_of)
    mar = perf[perf["period_label"] == "2025-03"].iloc[0]
    assert mar["actual"] == 150 + 999
    assert mar["mom"] == pytest.approx(1149 / 1100 - 1)  # the whole of February
    assert mar["yoy"] == pytest.approx(1149 / 560 - 1)   # the whole of March 2024


def test_trend_looks_back_over_all_history_and_starts_with_the_data():
    o = orders_of(RUNNING)
    short = bd.monthly_trend(o, pd.DataFrame(), settings=S, as_of=AS_OF, months=2).set_index("month")
    assert list(short.index) == ["2025-02", "2025-03"]
    assert pd.isna(short.loc["2025-02", "yoy"])         # Feb 2024 is before the data begins (03-05): —
    assert short.loc["2025-03", "yoy"] == pytest.approx(150 / 60 - 1)  # 2024-03 is outside the window shown
    full = bd.monthly_trend(o, pd.DataFrame(), settings=S, as_of=AS_OF).set_index("month")
    assert full.index[0] == "2024-03"                  # no rows before the first order
    assert pd.isna(full.loc["2024-03", "mom"]) and pd.isna(full.loc["2024-03", "yoy"])  # base before the data: —
    assert full.loc["2024-04", "mom"] == pytest.approx(-1.0)  # 560 → 0
    assert pd.isna(full.loc["2024-05", "mom"])                 # 0 → 0: no growth to show
    assert vocab.label("growth", full.loc["2025-02", "mom"], "zh") == "新增"  # 2025-01 in the data, sold nothing
    assert full.loc["2025-03", "yoy"] == pytest.approx(150 / 60 - 1)


def test_performance_quarter_runs_like_for_like():
    o = orders_of([
        ("Q1", "2024-04-10", "C1", "甲", "张三", "华东", 80, "已成交"),   # Q2 2024 days 1..41 (to 05-11)
        ("Q2", "2024-06-10", "C1", "甲", "张三", "华东", 900, "已成交"),  # Q2 2024 after 05-11
        ("Q3", "2025-01-10", "C1", "甲", "张三", "华东", 40, "已成交"),   # Q1 2025 days 1..41 (to 02-11)
        ("Q4", "2025-03-01", "C1", "甲", "张三", "华东", 700, "已成交"),  # Q1 2025 after 02-11
        ("Q5", "2025-04-20", "C1", "甲", "张三", "华东", 100, "已成交"),
    ])
    targets = pd.DataFrame({"period": [pd.Period("2025Q2", "Q")], "salesperson": ["张三"], "product_line": [None],
                            "region": [None], "target": [1000.0], "row": [2]})
    as_of = dt.date(2025, 5, 11)  # day 41 of Q2
    row = performance.performance(o, targets, settings=Settings(as_of=as_of), as_of=as_of).iloc[0]
    assert row["mom"] == pytest.approx(100 / 40 - 1)  # Q1 2025 01-01…02-11
    assert row["yoy"] == pytest.approx(100 / 80 - 1)  # Q2 2024 04-01…05-11


# -- 2. percentage points for rates ---------------------------------------------------------------------

def test_rate_changes_are_percentage_points_and_marked_pp():
    o = orders_of([
        ("A1", "2025-02-03", "C1", "甲", "张三", "华东", 100, "已成交"),
        ("A2", "2025-02-04", "C2", "乙", "张三", "华东", 100, "已成交"),
        ("B1", "2025-03-02", "C1", "甲", "张三", "华东", 100, "已成交"),
        ("B2", "2025-03-03", "C2", "乙", "张三", "华东", 100, "已成交"),
        ("B3", "2025-03-04", "C2", "乙", "张三", "华东", 100, "已成交"),
        ("B4", "2025-03-05", "C1", "甲", "张三", "华东", 100, "已取消"),
    ])
    kpi = bd.kpi_table(o, pd.DataFrame(), settings=S, as_of=AS_OF).set_index("metric")
    # 退单率: March 1 of 4 = 25%; Feb 1–10: 0 of 2 = 0% → +25 points (not 新增, not a growth)
    assert kpi.loc["cancel_rate", "current"] == pytest.approx(0.25)
    assert kpi.loc["cancel_rate", "change"] == pytest.approx(0.25)
    assert kpi.loc["cancel_rate", "change_kind"] == "pp"
    # 复购率: March 1 of 2 customers (C2) = 50%; Feb 0 of 2 → +50 points
    assert kpi.loc["repeat_rate", "change"] == pytest.approx(0.5)
    assert kpi.loc["revenue", "change_kind"] == "growth"
    assert kpi.loc["revenue", "change"] == pytest.approx(300 / 200 - 1)
    assert set(kpi.loc[list(bd.RATES & set(kpi.index)), "yoy_kind"]) == {"pp"}


# -- 3. lead conversion and cycle, by closing date ------------------------------------------------------

def test_lead_conversion_and_cycle_by_closing_date():
    leads = pd.DataFrame([
        ("L1", "成交", "2025-02-03", "2025-03-05"),  # won this month, 30 days
        ("L2", "丢单", "2025-01-10", "2025-03-08"),  # lost this month
        ("L3", "成交", "2025-01-16", "2025-02-05"),  # won last month's days 1..10, 20 days
        ("L5", "丢单", "2025-01-02", "2025-02-07"),
        ("L9", "丢单", "2025-01-02", "2025-02-09"),
        ("L4", "成交", "2025-03-01", "2025-03-20"),  # closed after as-of: never counts
        ("L6", "成交", "2024-02-01", "2024-03-02"),  # last year, 30 days
        ("L7", "丢单", "2024-02-01", "2024-03-09"),
        ("L8", "商务谈判", "2025-01-01", None),        # open: not closed
    ], columns=["lead_id", "stage", "created", "stage_date"])
    leads = leads.assign(created=pd.to_datetime(leads["created"]), stage_date=pd.to_datetime(leads["stage_date"]))
    o = orders_of(RUNNING)
    kpi = bd.kpi_table(o, leads, settings=S, as_of=AS_OF).set_index("metric")
    conv, cyc = kpi.loc["lead_conversion"], kpi.loc["deal_cycle_days"]
    assert conv["current"] == pytest.approx(1 / 2)    # L1 won, L2 lost
    assert conv["previous"] == pytest.approx(1 / 3)   # L3 won, L5 and L9 lost
    assert conv["ytd"] == pytest.approx(2 / 5)        # L1, L3 of L1 L2 L3 L5 L9
    assert conv["last_year"] == pytest.approx(1 / 2)  # L6 of L6 L7
    assert conv["change"] == pytest.approx(1 / 2 - 1 / 3) and conv["change_kind"] == "pp"
    assert (cyc["current"], cyc["previous"], cyc["ytd"], cyc["last_year"]) == (30, 20, 25, 30)


# -- 4. the due rule ------------------------------------------------------------------------------------

def test_due_is_the_earlier_of_the_promise_and_the_cadence():
    tiers_t = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"], "customer_name": list("甲乙丙丁"),
                            "tier": ["vip", "normal", "core", "vip"]})
    fu = pd.DataFrame([
        ("C1", "2025-01-20", "回访", "续约", "2025-04-01"),  # cadence 30 → 02-19 < promise 04-01: 19 days late
        ("C2", "2025-02-10", "初访", "报价", None),
        ("C2", "2025-03-01", "报价", "签约", "2025-03-05"),  # promise 03-05 < cadence 03-31: 5 days late
        ("C3", "2025-02-01", "拜访", None, None),            # cadence 90 → 05-02: not due
        ("C4", "2025-02-08", "拜访", None, None),            # cadence 30 → 03-10 = as-of: due, not late
    ], columns=["customer_id", "date", "content", "next_step", "next_date"])
    fu = fu.assign(date=pd.to_datetime(fu["date"]), next_date=pd.to_datetime(fu["next_date"]), satisfaction=None,
                   row=range(2, 7))
    plan = followup.followup_plan(tiers_t, fu, orders_of(RUNNING), pd.DataFrame(), pb.default_playbook(),
                                  settings=S, as_of=AS_OF).set_index("customer_id")
    assert plan.loc["C1", "next_due"] == pd.Timestamp("2025-02-19") and plan.loc["C1", "overdue_days"] == 19
    assert plan.loc["C2", "next_due"] == pd.Timestamp("2025-03-05") and plan.loc["C2", "overdue_days"] == 5
    assert plan.loc["C3", "next_due"] == pd.Timestamp("2025-05-02") and plan.loc["C3", "overdue_days"] == 0
    assert plan.loc["C4", "overdue_days"] == 0
    assert (plan.loc["C2", "maintenance"], plan.loc["C2", "plan_next"]) == ("报价", "签约")  # the latest record


# -- 5. targets: 总计 periods and the unit ---------------------------------------------------------------

Q1 = [("O1", "2024-01-15", "C1", "A公司", "张三", "华东", 452_000, "已成交"),
      ("O2", "2024-02-15", "C2", "B公司", "李四", "华东", 1_753_000, "已成交"),
      ("O3", "2024-04-02", "C2", "B公司", "李四", "华东", 1_000, "已成交")]


def test_a_total_period_in_the_targets_sheet_is_that_periods_target():
    targets = pd.DataFrame([("2024年Q1总计", None, 2_000_000), ("合计", None, 9_999_999),
                            ("2024年Q1", "合计", 2_100_000)], columns=["period", "salesperson", "target"])
    res = run(tables(Q1, targets=(targets, "销售目标")), settings=Settings(as_of=dt.date(2024, 4, 2)), today=TODAY)
    perf = res.frames.performance
    q1 = perf[perf["period_label"] == "2024Q1"]
    assert sorted(q1["target"]) == [2_000_000, 2_100_000]    # both are team targets; "合计" alone is dropped
    row = q1[q1["target"] == 2_000_000].iloc[0]
    assert row["actual"] == 2_205_000 and row["completion"] == pytest.approx(1.1025)  # S0: 220.5 / 200
    assert "完成率 110.3%" in text(row["note"], "zh") and "Completion 110.3%" in text(row["note"], "en") and numtext.pct(row["completion"]) == "110.3%"  # as the 0.0% cell shows
    assert (res.log["rule"] == "period_total").sum() == 2
    assert res.log[res.log["rule"] == "subtotal"]["row"].tolist() == [3]


def _targets(value, units=None):
    t = pd.DataFrame([("2024-01", "张三", value)], columns=["period", "salesperson", "target"])
    t["_row"] = [2]
    return clean_targets(t, settings=Settings(), units=units or {}, orders=orders_of(Q1))


def test_targets_10000_times_too_small_are_read_as_wan_and_said_loudly():
    out, log = _targets(40)  # 40 against 452,000 of sales: 万元
    assert out["target"].tolist() == [400_000]
    assert log["rule"].tolist() == ["target_unit"]
    out, log = _targets(400_000)  # already 元
    assert out["target"].tolist() == [400_000] and log.empty
    out, log = _targets(40, {"target": "元"})  # the header names the unit: believed
    assert out["target"].tolist() == [40] and log.empty
    targets = pd.DataFrame([("2024-01", "张三", 40)], columns=["period", "salesperson", "target"])
    res = run(tables(Q1, targets=(targets, "销售目标")), settings=Settings(as_of=dt.date(2024, 4, 2)), today=TODAY)
    assert res.frames.performance.iloc[0]["completion"] == pytest.approx(1.13)  # S0 表1: 45.2 / 40
    unit = [n for n in res.notices if n.code == "target_unit_guessed"]
    assert len(unit) == 1 and "量级" in unit[0].zh


# -- 6. lapsed customers -----------------------------------------------------------------------------------

def test_lapsed_customers_are_outside_the_quantiles_and_never_low_value():
    o = orders_of([
        ("1", "2025-03-01", "C1", "甲", "张三", "华东", 1000, "已成交"),
        ("2", "2025-01-01", "C1", "甲", "张三", "华东", 500, "已成交"),   # C1: M 1500, F 2
        ("3", "2025-02-01", "C2", "乙", "张三", "华东", 100, "已成交"),   # C2: M 100, F 1
        ("4", "2023-06-01", "C3", "丙", "张三", "华东", 5000, "已成交"),  # C3: lapsed, lifetime 5000
        ("5", "2023-07-01", "C4", "丁", "张三", "华东", 200, "已成交"),   # C4: lapsed, lifetime 200
    ])
    t = rfm.rfm(o, settings=S, as_of=AS_OF).set_index("customer_id")
    # two active customers: quantile pct C1 = 1 → 5, C2 = 0.5 → ceil(2.5) = 3; the M-4 cut is C1's 1500
    assert (t.loc["C1", "m_score"], t.loc["C2", "m_score"]) == (5, 3)
    assert t.loc["C3", "segment"] == "lapsed_high" and t.loc["C4", "segment"] == "lapsed"
    assert t.loc["C3", "rfm_code"] == t.loc["C4", "rfm_code"] == "111"  # below every active customer
    assert t.loc["C1", "revenue_share"] == pytest.approx(1500 / 1600)
    assert t["revenue_share"].sum() == pytest.approx(1.0)
    assert t["pareto_top20"].tolist().count(True) == 1 and t.loc["C1", "pareto_top20"]  # ceil(20% × 2)


# -- 7. linking ---------------------------------------------------------------------------------------

CUSTOMERS = pd.DataFrame([("C1", "华为技术有限公司", "华为"), ("C2", "华为终端有限公司", "华为"),
                          ("C3", "上海华宇科技有限公司", "华宇")], columns=["customer_id", "customer_name", "short_name"])


def test_orders_link_by_id_full_name_or_a_unique_short_name():
    rows = [("O1", "2025-03-01", None, "上海华宇科技有限公司", "张三", "华东", 100, "已成交"),
            ("O2", "2025-03-02", None, "华宇", "张三", "华东", 100, "已成交"),
            ("O3", "2025-03-03", None, "华为", "张三", "华东", 100, "已成交"),
            ("O4", "2025-03-04", "C1", "华为", "张三", "华东", 100, "已成交")]
    res = run(tables(rows, customers=(CUSTOMERS, "客户档案")), settings=S, today=TODAY)
    o = res.clean["orders"].set_index("order_id")
    assert o.loc["O1", "customer_id"] == o.loc["O2", "customer_id"] == "C3"
    assert o.loc["O2", "customer_name"] == "上海华宇科技有限公司"
    assert o.loc["O3", "customer_id"] == "华为"  # two companies are called 华为: not guessed
    assert o.loc["O4", "customer_id"] == "C1"
    flagged = res.log[res.log["rule"] == "ambiguous_name"]
    assert flagged["row"].tolist() == [4] and "华为终端有限公司" in text(flagged["reason"].iloc[0], "zh")
    tiers_t = res.frames.tiers.set_index("customer_id")
    assert tiers_t.index.is_unique and len(tiers_t) == 4  # C1 C2 C3 and the unresolved 华为
    assert tiers_t.loc["C3", "total_orders"] == 2 and tiers_t.loc["C3", "tier"] != "prospect"


def test_follow_ups_with_only_a_name_link_like_orders():
    fu = pd.DataFrame([(None, "上海华宇科技有限公司", "2025-03-02", "满意"), (None, "华宇", "2025-03-03", "很好"),
                       (None, None, "2025-03-04", 5)], columns=["customer_id", "customer_name", "date", "satisfaction"])
    fu["_row"] = [2, 3, 4]
    out, log = clean_followups(fu, today=TODAY, customers=CUSTOMERS)
    assert out["customer_id"].tolist() == ["C3", "C3"]  # the row with neither id nor name is left out, logged
    assert out["satisfaction"].iloc[0] == 4 and pd.isna(out["satisfaction"].iloc[1])
    by = {(r.rule, r.row): r for r in log.itertuples()}
    assert by[("satisfaction", 2)].new_value == 4 and by[("score", 3)].action == "flagged"
    assert by[("customer_id", 4)].action == "excluded"


# -- 8. statuses and values ---------------------------------------------------------------------------

def test_drafts_are_known_not_revenue_and_synonyms_are_broad():
    rows = [("S1", "2025-03-01", "C1", "甲", "张三", "华东", 100, "草稿"),
            ("S2", "2025-03-02", "C1", "甲", "张三", "华东区", 200, "已作废"),
            ("S3", "2025-03-03", "C1", "甲", "张三", "华东区", 300, "已审核"),
            ("S4", "2025-03-04", "C1", "甲", "张三", "华东区", 400, "完成"),
            ("S5", "2025-03-05", "C1", "甲", "张三", "华南", 500, "待定")]
    o, log = clean_orders(raw(pd.DataFrame(rows, columns=COLS)).df, settings=S, today=TODAY)
    assert dict(zip(o["order_id"], o["status"], strict=True)) == {"S1": "草稿", "S2": "已取消", "S3": "已签约",
                                                                 "S4": "已成交"}
    assert o["revenue"].sum() == 700  # 300 + 400; the draft and the void count nothing
    assert log[(log["rule"] == "status") & (log["action"] == "excluded")]["row"].tolist() == [6]  # only 待定
    kpi = bd.kpi_table(o, pd.DataFrame(), settings=S, as_of=AS_OF).set_index("metric")
    assert kpi.loc["cancel_rate", "current"] == pytest.approx(1 / 3)  # S2 of S2 S3 S4; a draft is no order


def test_a_missing_status_column_is_one_log_line_and_a_notice():
    rows = pd.DataFrame([(f"O{i}", "2025-03-01", "C1", 100) for i in range(50)],
                        columns=["order_id", "order_date", "customer_id", "amount"])
    res = run({"orders": raw(rows)}, settings=S, today=TODAY)
    status_rows = res.log[res.log["column"].isin(["status", "订单状态"]) | res.log["rule"].str.startswith("status")]
    assert len(status_rows) == 1 and "50" in text(status_rows["reason"].iloc[0], "zh")
    assert "all 50 orders counted as closed" in text(status_rows["reason"].iloc[0], "en")
    status = [n for n in res.notices if n.code == "no_status"]
    assert len(status) == 1 and "订单状态" in status[0].text("zh")
    assert "No status column" in status[0].text("en")
    assert res.frames.kpi.set_index("metric").loc["revenue", "current"] == 5000


def test_region_spellings_are_one_region():
    rows = [("R1", "2025-03-01", "C1", "甲", "张三", "华东", 100, "已成交"),
            ("R2", "2025-03-02", "C1", "甲", "张三", "华东", 100, "已成交"),
            ("R3", "2025-03-03", "C2", "乙", "张三", "华东区", 100, "已成交"),
            ("R4", "2025-03-04", "C3", "丙", "张三", "华南大区", 100, "已成交")]
    res = run(tables(rows), settings=S, today=TODAY)
    assert sorted(res.clean["orders"]["region"].unique()) == ["华东", "华南大区"]  # 华南大区 has no other spelling
    by_region = res.frames.by_region.set_index("region")
    assert by_region.loc["华东", "revenue"] == 300
    assert res.log[res.log["rule"] == "region"]["row"].tolist() == [4]


# -- 9. first months: who is new ---------------------------------------------------------------------------

def test_the_data_s_first_year_does_not_make_everyone_new():
    o = orders_of([
        ("N1", "2024-01-05", "X", "X", "张三", "华东", 100, "已成交"),  # the data starts: X existed before
        ("N2", "2024-03-05", "Z", "Z", "张三", "华东", 100, "已成交"),  # Z: 首次合作 2024-03-01 → new in March
        ("N3", "2025-02-05", "Y", "Y", "张三", "华东", 100, "已成交"),  # a year of history before: Y is new
    ])
    customers = pd.DataFrame({"customer_id": ["Z"], "first_deal_date": pd.to_datetime(["2024-03-01"])})
    trend = bd.monthly_trend(o, pd.DataFrame(), settings=S, as_of=AS_OF, customers=customers).set_index("month")
    assert trend.loc["2024-01", "new_customers"] == 0
    assert trend.loc["2024-03", "new_customers"] == 1
    assert trend.loc["2025-02", "new_customers"] == 1
    types = bd.customer_types(o, settings=S, as_of=AS_OF, customers=customers).set_index("type")
    assert types.loc[bd.TYPE_NEW, "customers"] == 1  # Y, this year
    assert [vocab.label("customer_type", c, "zh") for c in types.index] == ["新客户", "老客户", "复购客户"]
