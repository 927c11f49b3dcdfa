"""Alerts worth reading (SPEC §4 异常预警): grouped data quality, ranked by money, names, floors, text.

Every expectation is worked out from the definition and the literal rows below, not read back
from the code: which rows are bad, what the gap to target is, how many days a customer is silent.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesbook import demo, vocab
from salesbook.core import alerts as al
from salesbook.core import meeting, parse, report
from salesbook.core import playbook as pb
from salesbook.messages import money as _money
from salesbook.messages import unit_of
from salesbook.core.pipeline import RawTable, run
from salesbook.messages import text
from salesbook.settings import Settings
from tests.conftest import TODAY, raw

ORDER_COLS = ["order_id", "order_date", "customer_id", "customer_name", "salesperson", "product_line", "amount",
              "status"]
ROLES = {r[5] for lang in ("zh", "en") for r in pb.default_playbook(lang).itertuples(index=False)}  # roles, not people


def zh(v):
    """A message of the core as the Chinese workbook shows it."""
    return text(v, "zh")


def _orders(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=ORDER_COLS)


def _run(orders, *, as_of, targets=None, customers=None, **settings):
    tables = {"orders": raw(orders)}
    if targets is not None:
        tables["targets"] = raw(targets, "销售目标")
    if customers is not None:
        tables["customers"] = raw(customers, "客户档案")
    return run(tables, settings=Settings(as_of=as_of, **settings), today=TODAY)


def _every(start: str, days: int, n: int) -> list[str]:
    d0 = dt.date.fromisoformat(start)
    return [(d0 + dt.timedelta(days=days * i)).isoformat() for i in range(n)]


# -- data quality: one alert per rule and column, every cell still painted ------------------------------------------
BAD_STATUS_ROWS = [5, 17, 40, 41, 52, 60]  # Excel rows (header is row 1)


@pytest.fixture(scope="module")
def messy():
    rows = []
    for i in range(2, 66):
        status = "待定" if i in BAD_STATUS_ROWS else "已成交"
        date = "上周五" if i in (9, 33) else f"2025-0{1 + i % 5}-1{i % 9}"
        rows.append((f"O{i}", date, f"C{i % 7}", f"客户{i % 7}", "张三", "A产品", 1000 + i, status))
    orders = _orders(rows)
    df = orders.copy().astype(object)
    df["_row"] = range(2, len(df) + 2)
    labels = {"status": "订单状态", "order_date": "下单日期"}
    table = RawTable(df, "订单明细", labels=labels, columns={"status": 8, "order_date": 2})
    res = run({"orders": table}, settings=Settings(as_of=dt.date(2025, 6, 30)), today=TODAY)
    return res, {"orders": table}


def test_unreadable_values_give_one_alert_per_rule_and_column_with_the_count_and_first_rows(messy):
    res, _ = messy
    a = res.frames.alerts
    status = a[a["rule"] == "status"]
    assert len(status) == 1
    s = status.iloc[0]
    assert s["key"] == "status|orders|status"  # rule|sheet|column: stable while rows and columns move
    assert s["count"] == len(BAD_STATUS_ROWS)
    assert "未知状态 6 行：第 5、17、40、41、52… 行" in zh(s["message"])  # the first five, then …
    assert "「待定」" in zh(s["message"])
    assert [r for r, _ in s["cells"]] == BAD_STATUS_ROWS
    dates = a[a["rule"] == "date"]
    assert len(dates) == 1 and dates.iloc[0]["count"] == 2 and "第 9、33 行" in zh(dates.iloc[0]["message"])


def test_flags_still_paint_every_cell_of_a_group_and_skip_an_acknowledged_group(messy):
    from salesbook.excel import flags

    res, tables = messy
    painted = {(c.row, c.column) for c in flags.cells_for(res, tables)}
    assert {(r, 8) for r in BAD_STATUS_ROWS} <= painted
    assert {(9, 2), (33, 2)} <= painted
    cell = next(c for c in flags.cells_for(res, tables) if (c.row, c.column) == (17, 8))
    assert "第17行" in cell.lines[0] and "待定" in cell.lines[0]  # each cell keeps its own note
    assert cell.lines[0].startswith("【未知状态·高】") and "\n建议：修正原表后重新刷新" in cell.lines[0]  # excluded rows
    en = next(c for c in flags.cells_for(res, tables, lang="en") if (c.row, c.column) == (17, 8))
    assert en.lines[0].startswith("[Unknown status · High] 订单明细 row 17, 订单状态: ") and "(was 待定)" in en.lines[0]
    assert "\nSuggested: Correct the source sheet and refresh" in en.lines[0]
    skipped = {(c.row, c.column) for c in flags.cells_for(res, tables, skip_keys={"status|orders|status"})}
    assert not {(r, 8) for r in BAD_STATUS_ROWS} & skipped and {(9, 2), (33, 2)} <= skipped


@pytest.mark.skipif(parse.normalize_status("草稿") is None, reason="草稿 is mapped by core/clean (numbers branch)")
def test_a_draft_order_is_an_ordinary_status_not_an_alert():
    orders = _orders([(f"O{i}", f"2025-05-{10 + i}", "C1", "甲", "张三", "A产品", 1000, "已成交") for i in range(4)]
                     + [("O9", "2025-05-20", "C1", "甲", "张三", "A产品", 900, "草稿")])
    res = _run(orders, as_of=dt.date(2025, 5, 31))
    assert not (res.frames.alerts["rule"] == "status").any()


def test_a_draft_or_cancelled_amount_is_not_checked_for_unit_slips():
    o = pd.DataFrame({"row": [2, 3, 4, 5, 6], "order_id": list("ABCDE"), "customer_id": ["C1"] * 5,
                      "customer_name": ["甲"] * 5, "salesperson": ["张三"] * 5, "order_date": pd.NaT,
                      "amount": [50_000, 52_000, 48_000, 4.5, 5.0], "status": ["已成交"] * 3 + ["草稿", "已取消"]})
    assert al.amount_alerts(o, settings=Settings()).empty


# -- ranking by money at stake -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ranked():
    # May 2025 is the latest complete month on 2025-06-10; completion 70%, 72%, 76%: all below 80%, none below 60%
    plan = {"甲": (100_000, 70_000), "乙": (500_000, 360_000), "丙": (50_000, 38_000)}
    rows = [(f"O{rep}", "2025-05-15", f"C{rep}", f"客户{rep}", rep, "A产品", actual, "已成交")
            for rep, (_, actual) in plan.items()]
    rows += [("O乙", "2025-05-16", "C乙", "客户乙", "乙", "A产品", 1, "已成交")]  # the same id twice: a data alert
    targets = pd.DataFrame([("2025-05", rep, t) for rep, (t, _) in plan.items()],
                           columns=["period", "salesperson", "target"])
    return _run(_orders(rows), as_of=dt.date(2025, 6, 10), targets=targets), plan


def test_business_alerts_are_ranked_by_money_at_stake_within_severity(ranked):
    res, plan = ranked
    a = res.frames.alerts
    low = a[a["rule"] == "completion_low"]
    gaps = {rep: t - actual for rep, (t, actual) in plan.items()}
    assert list(low["owner"]) == sorted(gaps, key=gaps.get, reverse=True)  # 乙 140,000 · 甲 30,000 · 丙 12,000
    assert list(low["stake"]) == sorted(gaps.values(), reverse=True)
    assert (low["severity"] == "medium").all()
    medium = a[a["severity"] == "medium"]
    data_at = medium.index[medium["rule"] == "duplicate_id"]
    assert len(data_at) == 1 and data_at[0] > low.index.max()  # data quality after the business alerts


def test_the_owner_is_a_person_never_a_playbook_role(ranked):
    res, plan = ranked
    probs = res.frames.problems
    assert not probs.empty
    assert set(probs["owner"]) <= set(plan)
    assert not set(probs["owner"]) & ROLES


def test_the_customer_owner_is_the_profile_owner_else_the_rep_of_the_latest_order():
    orders = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C2", "C3"], "salesperson": ["甲", "乙", "乙", "甲", None],
                           "order_date": pd.to_datetime(["2025-01-01", "2025-03-01", "2025-01-01", "2025-02-01",
                                                         "2025-02-01"]), "row": [2, 3, 4, 5, 6]})
    customers = pd.DataFrame({"customer_id": ["C1", "C3"], "owner": ["王经理", None], "row": [2, 3]})
    owners = al.customer_owners(orders, customers)
    assert owners["C1"] == "王经理" and owners["C2"] == "甲" and "C3" not in owners.dropna().index


# -- the silent-customer floor -----------------------------------------------------------------------------------------
AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def silence():
    rows = []

    def buy(cid, dates, amount=10_000):
        rows.extend((f"{cid}-{i}", d, cid, f"客户{cid}", "张三", "A产品", amount, "已成交")
                    for i, d in enumerate(dates))

    buy("TOP", _every("2025-05-01", 2, 28), 200_000)  # every 2 days, last 2025-06-25: silent 5 days
    buy("B", _every("2025-02-20", 20, 3), 30_000)  # 3 orders 20 days apart, last 2025-04-01: silent 90 days
    buy("C", _every("2025-03-12", 20, 2))  # only 2 orders: no cycle to judge
    buy("D", _every("2025-05-16", 10, 3))  # 10-day cycle, last 2025-06-05: silent 25 days
    return _orders(rows)


def test_a_two_day_cycle_customer_silent_five_days_is_not_silent(silence):
    a = _run(silence, as_of=AS_OF).frames.alerts
    silent = a[a["rule"] == "silent"]
    assert list(silent["key"]) == ["silent|B"]  # not TOP (5 < 30 days), not C (2 orders), not D (25 < 30 days)
    b = silent.iloc[0]
    assert b["value"] == (AS_OF - dt.date(2025, 4, 1)).days == 90 and b["baseline"] == 20
    assert b["stake"] == pytest.approx(30_000)  # 3 × 30,000 over 3 order days
    assert b["owner"] == "张三"


def test_the_silent_floor_is_a_setting(silence):
    a = _run(silence, as_of=AS_OF, alert_silent_min_days=20).frames.alerts
    assert set(a.loc[a["rule"] == "silent", "key"]) == {"silent|B", "silent|D"}  # D: 25 > 1.5 × 10 and ≥ 20


# -- text: money below the unit, rate changes in points ----------------------------------------------------------------
def test_an_amount_below_a_hundredth_of_the_display_unit_is_quoted_in_yuan():
    def money(value, settings):  # an amount in a Chinese sentence, as the catalogue renders it
        return _money(value, unit_of(settings), "zh")

    s = Settings()
    assert money(4.5, s) == "4.50元"
    assert money(123_456, s) == "12.35万元"
    assert money(0, s) == "0.00万元"
    assert money(4.5, Settings(display_unit="元")) == "4.50元"
    o = pd.DataFrame({"row": [2, 3, 4, 5], "order_id": ["A", "B", "C", "D"], "customer_id": ["C1"] * 4,
                      "customer_name": ["甲"] * 4, "salesperson": ["张三"] * 4, "order_date": pd.NaT,
                      "amount": [50_000.0, 52_000.0, 48_000.0, 4.5], "status": ["已成交"] * 4})
    slip = al.amount_alerts(o, settings=s)
    assert list(slip["rule"]) == ["unit_slip"]
    msg = zh(slip.iloc[0]["message"])
    assert "金额 4.50元" in msg and "0.00万元" not in msg
    # the median of 50,000 · 52,000 · 48,000 · 4.5 is (48,000 + 50,000) / 2 = 49,000
    assert "4.90万元" in msg
    assert slip.iloc[0]["stake"] == pytest.approx(49_000 - 4.5)  # the size of the likely misstatement


def test_a_churn_rise_reads_in_percentage_points():
    q1 = [(f"A{c}", "2025-02-10", f"C{c}", f"客户{c}", "张三" if c < 5 else "李四", "A产品", 10_000, "已成交")
          for c in range(10)]
    q2 = [(f"B{c}", "2025-05-10", f"C{c}", f"客户{c}", "张三" if c < 5 else "李四", "A产品", 20_000, "已成交")
          for c in range(9)]  # C9 lost: 1 of 10
    q3 = [(f"D{c}", "2025-08-10", f"C{c}", f"客户{c}", "张三", "A产品", 10_000, "已成交") for c in range(5)]  # 4 of 9
    a = _run(_orders(q1 + q2 + q3), as_of=dt.date(2025, 10, 5)).frames.alerts
    churn = a[a["rule"] == "churn_up"].iloc[0]
    up = (4 / 9 - 1 / 10) * 100  # 34.44… points
    message = zh(churn["message"])
    assert f"+{up:.1f}个百分点" in message and "%" not in message.split("较上季度")[1]
    assert churn["stake"] == 4 * 20_000  # what C5…C8 bought in the quarter before they left
    assert churn["owner"] == "李四"  # the lost customers' rep


# -- the report and the meeting pack leave acknowledged alerts out -----------------------------------------------------
@pytest.fixture(scope="module")
def sample_result():
    raw_tables = demo.sample(60, 500, seed=3)
    tables = {k: RawTable(v.assign(_row=range(2, len(v) + 2)), k) for k, v in raw_tables.items()}
    return run(tables, settings=Settings(), today=TODAY)


def test_an_acknowledged_alert_leaves_the_report_and_the_meeting_pack(sample_result):
    res = sample_result
    a = res.frames.alerts
    single = a[a["rule"].isin(["completion_low", "mom_drop", "region_low"])]
    assert not single.empty, "the sample needs a performance alert"
    key = single.iloc[0]["key"]
    problem = f"{vocab.label('rule', single.iloc[0]['rule'], 'zh')}：{zh(single.iloc[0]['subject'])} →"
    before = "\n".join(report.build(res)["text"])
    assert problem in before
    after = "\n".join(report.build(res, acknowledged={key})["text"])
    assert problem not in after
    message = zh(single.iloc[0]["message"])
    changes = pd.DataFrame(columns=meeting.CHANGE_COLS)
    shown = [zh(m) for p in meeting.pages(res, changes) for m in p.alerts["message"]]
    assert message in shown
    shown = [zh(m) for p in meeting.pages(res, changes, {key}) for m in p.alerts["message"]]
    assert message not in shown


def test_meeting_pack_alerts_are_in_rank_order_and_name_people(sample_result):
    rank = {zh(k): i for i, k in enumerate(sample_result.frames.alerts["message"])}
    for p in meeting.pages(sample_result, pd.DataFrame(columns=meeting.CHANGE_COLS)):
        order = [rank[zh(m)] for m in p.alerts["message"]]
        assert order == sorted(order)
        assert not {zh(o) for o in p.alerts["owner"].dropna()} & ROLES


def test_mobile_numbers_are_masked_in_report_text():
    assert report.mask_phones("联系 13812345678 或 SO13812345678") == "联系 138****5678 或 SO13812345678"


def test_the_report_names_no_unmasked_phone_number(sample_result):
    phones = {str(p) for p in sample_result.clean["customers"]["phone"].dropna() if len(str(p)) == 11}
    assert phones, "the sample has mobile numbers: the test needs them"
    text = "\n".join(report.build(sample_result)["text"])
    pages = meeting.pages(sample_result, pd.DataFrame(columns=meeting.CHANGE_COLS))
    text += "\n".join(report.mask_phones(zh(v)) for p in pages for v in p.alerts["message"])  # as the pack shows it
    assert not [p for p in phones if p in text]


# -- grouping and ranking as properties --------------------------------------------------------------------------
def test_combine_ranks_severity_then_business_then_stake_then_count():
    f = al.frame([
        {"key": "d1", "rule": "status", "severity": "high", "count": 3},
        {"key": "b1", "rule": "silent", "severity": "medium", "stake": 10.0},
        {"key": "b2", "rule": "outlier", "severity": "medium", "stake": 500.0},
        {"key": "d2", "rule": "date", "severity": "high", "count": 9},
        {"key": "b3", "rule": "churn_up", "severity": "high", "stake": 1.0},
        {"key": "b4", "rule": "overdue", "severity": "low"},
    ])
    assert list(al.combine(f)["key"]) == ["b3", "d2", "d1", "b2", "b1", "b4"]


def test_grouped_data_alerts_cover_each_logged_row_exactly_once():
    log = pd.DataFrame({
        "sheet": ["订单明细"] * 5 + ["客户档案"], "row": [3, 9, 3, 4, 12, 7],
        "column": ["订单状态", "订单状态", "金额", "金额", "金额", "联系方式"],
        "old_value": ["x", "y", "abc", "", None, None], "new_value": None,
        "rule": ["status", "status", "amount", "amount", "zero_amount", "missing_contact"],
        "action": ["excluded", "excluded", "excluded", "flagged", "flagged", "flagged"],
        "reason": ["未知", "未知", "无法识别的金额", "无法识别的金额", "金额为 0", "缺少"], "reason_en": "r"})
    a = al.data_alerts(log, {"订单明细": "orders", "客户档案": "customers"}, {("订单明细", "金额"): "amount"})
    assert sorted(a["key"]) == sorted(["status|orders|订单状态", "amount|orders|amount", "zero_amount|orders|amount",
                                       "missing_contact|customers|联系方式"])
    counts = dict(zip(a["key"], a["count"], strict=True))
    assert counts["amount|orders|amount"] == 2 and counts["status|orders|订单状态"] == 2
    cells = [(k, r) for k, c in zip(a["key"], a["cells"], strict=True) for r, _ in c]
    assert len(cells) == len(log)
    amount = a.set_index("key").loc["amount|orders|amount"]
    assert "其中 1 行未计入分析" in zh(amount["message"]) and amount["column"] == "amount" and amount["sheet"] == "orders"


def test_fixed_log_rows_and_recognised_statuses_are_not_alerts():
    log = pd.DataFrame({"sheet": ["订单明细"] * 2, "row": [2, 3], "column": ["订单状态"] * 2,
                        "old_value": [None, "草稿"], "new_value": ["已成交", "草稿"], "rule": ["status"] * 2,
                        "action": ["fixed", "flagged"],
                        "reason": ["缺少订单状态，按已成交计", "草稿，不计入销售额"], "reason_en": ["m", "draft"]})
    assert al.data_alerts(log, {}, {}).empty


def test_a_result_without_alerts_still_writes_flags():
    from salesbook.excel import flags

    empty = SimpleNamespace(frames=SimpleNamespace(alerts=al.combine()))
    assert flags.cells_for(empty, {}) == []


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["status", "date", "amount", "zero_amount", "subtotal", "order_id"]),
                          st.sampled_from(["订单明细", "客户档案"]), st.sampled_from(["订单状态 [J]", "金额 [G]", ""]),
                          st.integers(2, 40), st.sampled_from(["flagged", "excluded", "fixed"])), max_size=40))
def test_every_flagged_or_excluded_row_is_in_exactly_one_group(entries):
    log = pd.DataFrame(entries, columns=["rule", "sheet", "column", "row", "action"]).assign(
        old_value="v", new_value=None, reason="why", reason_en="why")
    a = al.data_alerts(log, {"订单明细": "orders"}, {("订单明细", "金额 [G]"): "amount"})
    wanted = log[log["rule"].isin(list(al.alerts_data.DATA_RULES)) & log["action"].isin(["flagged", "excluded"])]
    groups = wanted.groupby(["rule", "sheet", "column"])["row"].agg(lambda r: sorted(set(r)))
    assert len(a) == len(groups) == a["key"].nunique()
    got = {(r, s): [row for row, _ in c] for r, s, c in zip(a["rule"], a["subject"], a["cells"], strict=True)}
    expected = {(rule, f"{sheet} · {col}" if col else sheet): rows for (rule, sheet, col), rows in groups.items()}
    assert got == expected
    assert list(a["count"]) == [len(c) for c in a["cells"]]


def test_a_valuable_customer_is_judged_by_p_alive_when_the_model_fits():
    from salesbook.core import alerts_customers

    as_of = dt.date(2025, 6, 30)
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=10 * i) for i in range(10)]  # every 10 days until April
    orders = pd.DataFrame({"order_id": [f"O{i}" for i in range(20)], "customer_id": ["V"] * 10 + ["W"] * 10,
                           "customer_name": ["大客户"] * 10 + ["小客户"] * 10,
                           "order_date": pd.to_datetime(days * 2), "revenue": [1e5] * 10 + [1e3] * 10,
                           "is_order": True, "salesperson": "张三", "row": range(2, 22)})
    rfm_table = pd.DataFrame({"customer_id": ["V", "W"], "m_score": [5, 2], "p_alive": [0.3, 0.3]})
    s = Settings(alert_silent_min_days=30, alert_p_alive=0.5)
    out = alerts_customers.silent_alerts(rfm_table, orders, pd.DataFrame(columns=["customer_id", "row"]),
                                         settings=s, as_of=as_of)
    by = out.set_index("subject")["message"].map(zh)
    v = next(m for k, m in by.items() if k.startswith("V"))
    assert "活跃概率 30%" in v and "BG/NBD" in v  # the model spoke for the valuable customer
    w = next(m for k, m in by.items() if k.startswith("W"))
    assert "平均采购周期" in w  # the small one: the cycle rule (silent 80 days on a 10-day cycle)
    # P(alive) above the line: the valuable customer is not alerted, though its cycle says silent
    calm = rfm_table.assign(p_alive=[0.9, 0.9])
    out = alerts_customers.silent_alerts(calm, orders, pd.DataFrame(columns=["customer_id", "row"]), settings=s,
                                         as_of=as_of)
    assert not out["subject"].str.startswith("V").any() and out["subject"].str.startswith("W").any()
    # no fit (p_alive empty): the cycle rule for everyone
    none = rfm_table.assign(p_alive=[float("nan")] * 2)
    out = alerts_customers.silent_alerts(none, orders, pd.DataFrame(columns=["customer_id", "row"]), settings=s,
                                         as_of=as_of)
    assert out["message"].map(zh).str.contains("平均采购周期").all() and len(out) == 2


@pytest.mark.parametrize("old,new", [
    ("overdue|王芳|普通", "overdue|王芳|normal"), ("overdue|未指定|潜在", "overdue|nobody|prospect"),
    ("completion_low|2026-11 团队", "completion_low|2026-11 team"), ("silent|C0001", "silent|C0001"),
    ("overdue|王芳", "overdue|王芳"), (None, None), ("plain", "plain")])
def test_keys_written_by_older_versions_read_as_todays(old, new):
    """Decisions typed against an alert keyed with the old words (普通, 潜在, 团队, 未指定) still apply."""
    from salesbook.core.alerts_common import canonical_key

    assert canonical_key(old) == new
    assert canonical_key(canonical_key(old)) == new  # today's keys are left alone
