"""Leads as customers-to-be, S2 模板3 in the plan, the review decision, 业绩提升之星 and masking —
literal frames, expectations worked out by hand from the definitions (SPEC §4, S1/S2/S3)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from salesbook import vocab
from salesbook.core import followup, meeting, review, tiers
from salesbook.core import playbook as pb
from salesbook.core.clean import clean_customers, clean_leads, clean_orders
from salesbook.core.report import mask_phones
from salesbook.messages import text
from salesbook.settings import Settings
from tests.conftest import TODAY, raw

AS_OF = dt.date(2026, 11, 20)
# S2's four weights, deliberately unequal so a wrong weight shows
S = Settings().replace(abc_weight_potential=0.4, abc_weight_urgency=0.2, abc_weight_win=0.3, abc_weight_value=0.1)


@pytest.fixture(scope="module")
def frames():
    customers, _ = clean_customers(raw(pd.DataFrame({
        "customer_id": ["C1", "C2"], "customer_name": ["甲科技有限公司", "乙制造有限公司"],
        "industry_potential": [5, 2], "urgency": [5, 2], "win_likelihood": [5, 2],
    }), "客户档案").df)
    orders, _ = clean_orders(raw(pd.DataFrame({
        "order_id": ["1"], "order_date": ["2026-10-01"], "customer_id": ["C1"], "amount": [1000.0],
        "status": ["已成交"]})).df, settings=S, today=TODAY)
    leads_raw = pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4", "L5", "L6", "L7"],
        "name": ["甲科技有限公司", "乙制造有限公司", "丙物流有限公司", "丙物流有限公司", "丁医药有限公司",
                 "戊教育有限公司", "己能源有限公司"],
        "customer_id": ["C1", None, None, None, None, None, None],
        "stage": ["商务谈判", "方案提交", "需求确认", "商务谈判", "丢单", "方案提交", "成交"],
        "owner": ["张伟", "王芳", "李娜", "李娜", "刘洋", "赵敏", "陈静"],
        "created": ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01",
                    "2026-07-01"],
    })
    leads, _ = clean_leads(raw(leads_raw, "线索").df, customers=customers)
    t = tiers.tiers(orders, customers, leads, pd.DataFrame(), settings=S, as_of=AS_OF)
    return customers, orders, leads, t


def test_a_lead_is_its_customer_never_twice_and_unlinked_open_leads_are_prospects(frames):
    _, _, _, t = frames
    # L1 is C1 by id, L2 is C2 by full name; L3/L4 one company (same name, the later lead L4 speaks);
    # L5 lost: nobody's prospect; L6 and L7 open/won without an order
    assert sorted(t["customer_id"]) == ["C1", "C2", "L4", "L6", "L7"]
    assert t["customer_name"].is_unique
    by = t.set_index("customer_id")
    assert (by.loc[["C2", "L4", "L6", "L7"], "tier"] == "prospect").all() and by.loc["C1", "tier"] != "prospect"
    assert by.loc["L4", "owner"] == "李娜" and by.loc["L7", "owner"] == "陈静"


def test_a_leads_score_uses_s2_weights_without_customer_value(frames):
    _, _, _, t = frames
    by = t.set_index("customer_id")
    # a lead has only 成交可能性 (from its stage): the weight renormalises to 1, score = the stage's score
    assert by.loc["L4", "abc_score"] == 4 and by.loc["L4", "abc_class"] == "A"   # 商务谈判 → 4
    assert by.loc["L6", "abc_score"] == 3 and by.loc["L6", "abc_class"] == "B"   # 方案提交 → 3
    assert by.loc["L7", "abc_score"] == 5 and by.loc["L7", "abc_class"] == "A"   # 成交 → 5
    # C2 (no orders, no M score): (0.4·2 + 0.2·2 + 0.3·2) / 0.9 = 2 → C
    assert by.loc["C2", "abc_score"] == 2 and by.loc["C2", "abc_class"] == "C"


def test_a_leads_own_scores_weigh_in_when_the_sheet_has_them():
    leads = pd.DataFrame({"lead_id": ["L1"], "name": ["庚"], "customer_id": [None], "stage": ["需求确认"],
                          "industry_potential": [5], "urgency": [1], "owner": ["张伟"],
                          "created": pd.to_datetime(["2026-01-01"])})
    p = tiers.lead_prospects(leads, settings=S)
    expected = round((0.4 * 5 + 0.2 * 1 + 0.3 * 2) / (0.4 + 0.2 + 0.3), 2)  # 3.11
    assert p.loc[0, "abc_score"] == expected and p.loc[0, "abc_class"] == "B"


def test_the_plan_uses_s2_template3_for_prospects_with_a_class(frames):
    customers, orders, _, t = frames
    user = pd.DataFrame([["客户等级", "B", "", "经理改写的B类重点", "周度", "", "经理改写的B类行动", "", "", ""]],
                        columns=pb.COLUMNS)
    fu = pd.DataFrame(columns=["customer_id", "date", "next_date", "satisfaction", "content", "next_step"])
    fu = fu.astype({"date": "datetime64[ns]", "next_date": "datetime64[ns]"})
    plan = followup.followup_plan(t, fu, orders, customers, user, settings=S, as_of=AS_OF).set_index("customer_id")
    rows = {r[1]: r for r in pb.default_playbook("zh").itertuples(index=False) if r[0] == "客户等级"}
    plan = plan.assign(**{c: plan[c].map(lambda v: text(v, "zh")) for c in ("focus", "incentive")})
    assert set(rows) == {"A", "B", "C"}
    assert "专项跟进小组" in rows["A"][3] and "高层互访" in rows["A"][6] and "优先交付" in rows["A"][6]
    assert "行业案例" in rows["B"][3] and "体验会" in rows["B"][6] and "付款" in rows["B"][6]
    assert "标准化产品手册" in rows["C"][3] and "线上客服" in rows["C"][3]
    assert plan.loc["L4", "focus"] == rows["A"][3] and plan.loc["L4", "incentive"] == rows["A"][6]
    assert plan.loc["L6", "focus"] == "经理改写的B类重点"  # the manager's wording wins
    assert plan.loc["C2", "focus"] == rows["C"][3]
    tier_rows = {r[1]: r for r in pb.default_playbook("zh").itertuples(index=False) if r[0] == "客户层级"}
    assert plan.loc["C1", "focus"] == tier_rows[vocab.label("tier", plan.loc["C1", "tier"], "zh")][3]  # customers keep their tier's row
    assert plan.loc["L4", "owner"] == "李娜" and plan.loc["L4", "cadence_days"] == S.cadence_potential


def test_fingerprint_follows_the_numbers_not_the_words():
    a = review.fingerprint(["销售额 12.35万元，同比 +3.0%", "客户 58 家"])
    assert a == review.fingerprint(["Sales 12.35万元, +3.0% yoy", "58 customers"])
    assert a != review.fingerprint(["销售额 12.36万元，同比 +3.0%", "客户 58 家"])


def test_review_decisions():
    now = review.summary(801, 124_000)
    assert review.decide({}, {}, "F2", now).status == review.DRAFT
    # the manager reviewed the report written last time; nothing changed since
    kept = review.decide({"status": "已审核", "reviewer": "周经理"}, {"last_fp": "F2", "last_summary": now}, "F2", now)
    assert kept.status == review.REVIEWED and kept.reviewed_fp == "F2" and kept.note == ""
    assert vocab.label("review_status", kept.status, "zh") == "已审核"
    # an order was added after the review
    before = review.summary(800, 123_500)
    again = review.decide({"status": "已审核", "reviewer": "周经理", "date": dt.date(2026, 11, 21)},
                          {"reviewed_fp": "F1", "reviewed_summary": before, "last_fp": "F1"}, "F2", now)
    assert again.status == review.AGAIN and again.reviewed_fp == ""
    assert vocab.label("review_status", again.status, "zh") == "需重新审核"
    zh, en = text(again.note, "zh"), text(again.note, "en")
    assert "订单 800 笔" in zh and "订单 801 笔" in zh and "周经理" in zh and "2026-11-21" in zh
    assert "12.35万元" in zh and "12.40万元" in zh  # 123,500 元 and 124,000 元 in the default unit
    assert "800 orders" in en and "801 orders" in en and "周经理" in en and "“Reviewed”" in en
    assert not re.search(r"[\u4e00-\u9fff]", en.replace("周经理", ""))
    # typed 已审核 right after a refresh: the numbers reviewed are the last written ones
    assert review.decide({"status": "已审核"}, {"last_fp": "F1", "last_summary": before}, "F2", now).status == \
        review.AGAIN
    # 需重新审核 stays until the manager types 已审核 again, which accepts the numbers on the sheet
    stored = text(again.note, "zh")  # the store keeps the note's text
    still = review.decide({"status": "需重新审核"}, {"note": stored, "last_fp": "F2"}, "F2", now)
    assert still.status == review.AGAIN and still.note == stored
    accepted = review.decide({"status": "已审核"}, {"last_fp": "F2", "last_summary": now}, "F2", now)
    assert accepted.status == review.REVIEWED and accepted.reviewed_fp == "F2"
    assert review.decide({"status": "reviewed"}, {"last_fp": "F2"}, "F2", now).status == review.REVIEWED
    assert review.decide({"status": "Review again"}, {}, "F2", now).status == review.AGAIN
    assert review.decide({"status": "待定"}, {}, "F2", now).status == "待定"  # the typed text is kept


def test_a_summary_stored_by_an_older_version_is_still_quoted():
    again = review.decide({"status": "已审核"}, {"reviewed_fp": "F1", "reviewed_summary": "800|12.35万元"}, "F2",
                          review.summary(801, 124_000))
    assert "订单 800 笔、今年累计销售额 12.35万元 → 订单 801 笔、今年累计销售额 12.40万元" in text(again.note, "zh")


def _perf(rows):
    df = pd.DataFrame(rows, columns=["period", "salesperson", "actual", "target", "elapsed"])
    return df.assign(period=pd.PeriodIndex(df["period"], freq="M"), freq="M", product_line=None, region=None,
                     completion=df["actual"] / df["target"])


def test_improvement_star_is_the_biggest_rise_between_the_last_two_closed_months():
    p = _perf([
        ("2026-09", "甲", 75, 100, 1.0), ("2026-10", "甲", 100, 100, 1.0),   # +25 points, 100 sales
        ("2026-09", "乙", 50, 100, 1.0), ("2026-10", "乙", 150, 200, 1.0),   # +25 points, 150 sales: wins the tie
        ("2026-10", "丙", 90, 100, 1.0),                                      # no target in 09: not compared
        ("2026-09", "丁", 10, 100, 1.0), ("2026-10", "丁", 20, 100, 1.0),     # +10 points
        ("2026-10", "戊", 10, 100, 1.0), ("2026-11", "戊", 500, 100, 0.6),    # running month: left out
    ])
    star = meeting.improvement_star(p)
    assert star.salesperson == "乙" and str(star.month) == "2026-10" and str(star.previous) == "2026-09"
    assert star.completion == 0.75 and star.previous_completion == 0.5 and star.revenue == 150
    assert meeting.improvement_star(_perf([("2026-10", "甲", 1, 1, 1.0)])) is None


def test_phone_numbers_are_masked():
    assert mask_phones("请回电 13812345678 或 +86 15900001111。") == "请回电 138****5678 或 +86 159****1111。"
    assert mask_phones("订单 SO13812345678 与 021-62345678") == "订单 SO13812345678 与 021-62345678"


_STAGES = ["需求确认", "方案提交", "商务谈判", "成交", "丢单"]


@hsettings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["甲", "乙", "丙", "丁"]), st.sampled_from(_STAGES),
                          st.booleans()), max_size=12))
def test_every_open_unlinked_company_is_one_prospect_scored_by_its_latest_stage(rows):
    leads = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(len(rows))], "name": [r[0] for r in rows],
        "customer_id": ["C1" if r[2] else None for r in rows], "stage": [r[1] for r in rows],
        "owner": "张伟", "created": pd.date_range("2026-01-01", periods=len(rows), freq="D"),
    })
    p = tiers.lead_prospects(leads, settings=S)
    open_ = [(i, r) for i, r in enumerate(rows) if not r[2] and r[1] != "丢单"]
    latest = {r[0]: (i, r[1]) for i, r in open_}  # the later lead of a name speaks for the company
    assert sorted(p["customer_name"]) == sorted(latest)
    stage_score = {"需求确认": 2, "方案提交": 3, "商务谈判": 4, "成交": 5}
    for _, r in p.iterrows():
        i, stage = latest[r["customer_name"]]
        assert r["customer_id"] == f"L{i}" and r["tier"] == "prospect"
        assert r["abc_score"] == stage_score[stage]
        assert r["abc_class"] == ("A" if stage_score[stage] >= S.abc_a_min else "B" if stage_score[stage] >= S.abc_b_min else "C")
