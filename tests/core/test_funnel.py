"""销售漏斗 Funnel: literal leads, every expected number worked out by hand from the definitions in
core/funnel.py's docstring (as-of 2026-11-20)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from salesbook import vocab
from salesbook.core import clean
from salesbook.core import funnel as fn
from salesbook.messages import text
from salesbook.settings import Settings


def code(word: str) -> str:
    """The stage code of a Chinese stage word (the core works in codes; 成交 → 'won')."""
    return vocab.parse("stage", word)

AS_OF = dt.date(2026, 11, 20)
COLS = ["lead_id", "stage", "est_amount", "owner", "created", "stage_date", "lost_stage", "lost_reason"]
ROWS = [
    ("L1", "需求确认", 100, "甲", "2026-11-01", None, None, None),  # open, 19 days in stage
    ("L2", "方案提交", 200, "乙", "2026-09-01", "2026-10-01", None, None),  # open, 50 days: stalled
    ("L3", "商务谈判", 300, "丙", "2026-08-01", "2026-11-10", None, None),  # open, 10 days; reached after 101
    ("L4", "成交", 400, "甲", "2026-07-01", "2026-08-10", None, None),  # won after 40 days
    ("L5", "成交", 500, "乙", "2026-09-01", "2026-10-31", None, None),  # won after 60 days
    ("L6", "丢单", 600, "丙", "2026-06-01", "2026-07-01", "方案提交", "价格过高"),  # lost at 方案提交 after 30
    ("L7", "丢单", 700, "甲", "2026-05-01", "2026-05-21", None, None),  # lost, no stage: at 需求确认, after 20
    ("L8", "成交", 800, "乙", "2026-11-01", "2026-11-25", None, None),  # won after as-of: open 商务谈判, 19 days
    ("L9", "方案提交", 900, "丙", "2026-12-01", None, None, None),  # created after as-of: left out
    ("L10", "丢单", 1000, "甲", "2026-10-01", "2026-12-01", "商务谈判", "价格过高"),  # lost later: open 商务谈判, 50
]


def raw_leads(rows=ROWS) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLS).astype(object)
    df["_row"] = range(2, len(df) + 2)
    return df


@pytest.fixture(scope="module")
def leads() -> pd.DataFrame:
    out, log = clean.clean_leads(raw_leads())
    assert log.empty
    return out


@pytest.fixture(scope="module")
def tables(leads):
    before = leads.copy()
    out = fn.funnel(leads, settings=Settings(), as_of=AS_OF)
    pd.testing.assert_frame_equal(leads, before)  # the input is not changed
    return out


def test_states_as_of_the_date_roll_back_changes_made_after_it(leads):
    s = fn.lead_states(leads, as_of=AS_OF).set_index("lead_id")
    assert "L9" not in s.index
    words = {"L1": "需求确认", "L2": "方案提交", "L3": "商务谈判", "L4": "成交", "L5": "成交",
             "L6": "丢单", "L7": "丢单", "L8": "商务谈判", "L10": "商务谈判"}
    assert s["state"].to_dict() == {k: code(w) for k, w in words.items()}
    assert s["state"].to_dict() == {"L1": "qualify", "L2": "proposal", "L3": "negotiation", "L4": "won",
                                    "L5": "won", "L6": "lost", "L7": "lost", "L8": "negotiation", "L10": "negotiation"}
    assert s.loc[["L6", "L7"], "lost_at"].tolist() == [code("方案提交"), code("需求确认")]
    assert s["days_in_stage"].dropna().to_dict() == {"L1": 19, "L2": 50, "L3": 10, "L8": 19, "L10": 50}


def test_each_stage_counts_the_leads_that_reached_it(tables):
    t = tables["stages"].set_index("stage")
    assert t.index.tolist() == [code(w) for w in ("需求确认", "方案提交", "商务谈判", "成交", "丢单")]
    assert [vocab.label("stage", c, "zh") for c in t.index] == ["需求确认", "方案提交", "商务谈判", "成交", "丢单"]
    assert t["reached"].tolist() == [9, 7, 5, 2, 2]
    assert t["conversion"].iloc[:3].tolist() == pytest.approx([7 / 9, 5 / 7, 2 / 5])
    assert t["lost"].iloc[:3].tolist() == [1, 1, 0]
    assert t["open"].iloc[:3].tolist() == [1, 1, 3]
    assert t["amount"].tolist() == [100, 200, 2100, 900, 1300]
    assert t["weighted"].iloc[:3].tolist() == pytest.approx([10, 60, 1260])
    assert t["avg_days_in_stage"].iloc[:3].tolist() == pytest.approx([19, 50, (10 + 19 + 50) / 3])
    # only stages entered on a recorded date: L2 after 30 days, L3 after 101; won 40/60; lost 30/20
    assert t["avg_days_to_reach"].iloc[1:].tolist() == pytest.approx([30, 101, 50, 25])


def test_stalled_leads_are_listed_with_owner_and_amount_largest_first(tables):
    s = tables["stalled"]
    assert s[["lead_id", "owner", "est_amount", "days_in_stage", "since"]].values.tolist() == [
        ["L10", "甲", 1000, 50, fn.SINCE_CREATED], ["L2", "乙", 200, 50, fn.SINCE_STAGE_DATE]]
    assert [vocab.label("since", c, "zh") for c in s["since"]] == ["创建日期", "阶段日期"]
    assert s["weighted"].tolist() == pytest.approx([600, 60])


def test_a_lower_threshold_stalls_more_leads(leads):
    s = fn.funnel(leads, settings=Settings(funnel_stall_days=15), as_of=AS_OF)["stalled"]
    assert set(s["lead_id"]) == {"L10", "L2", "L1", "L8"}


def test_lost_reasons_count_only_leads_lost_by_the_as_of_date(tables):
    r = tables["lost_reasons"]
    assert r[["reason", "count", "amount", "top_stage"]].values.tolist() == [
        ["价格过高", 1, 600, code("方案提交")], [fn.NO_REASON, 1, 700, code("需求确认")]]
    assert vocab.label("lost_reason", fn.NO_REASON, "zh") == "未填写"
    assert r["share"].tolist() == [0.5, 0.5]


def test_summary_weighted_pipeline_and_expected_close(tables):
    v = tables["summary"].set_index("metric")["value"]
    assert v["leads"] == 9 and v["open"] == 5 and v["stalled"] == 2
    assert v["open_amount"] == 2400
    assert v["weighted"] == pytest.approx(1330)
    assert v["win_rate"] == pytest.approx(0.5)
    assert v["cycle"] == pytest.approx(50)
    # expected close = created + 50 days, not before as-of: L2, L3, L10 due now (month);
    # L1 and L8 on 2026-12-21 (quarter)
    assert v["due_month"] == pytest.approx(60 + 180 + 600)
    assert v["due_quarter"] == pytest.approx(1330)
    assert v["won_month"] == 0 and v["won_quarter"] == 500
    assert text(v["basis"], "zh") == "创建日期 + 平均成交周期 50 天"
    assert text(v["basis"], "en") == "Created date + average sales cycle of 50 days"


def test_a_cycle_from_the_settings_moves_every_open_lead_into_this_month(leads):
    v = fn.funnel(leads, settings=Settings(funnel_cycle_days=10), as_of=AS_OF)["summary"].set_index("metric")["value"]
    assert v["due_month"] == pytest.approx(1330)
    assert text(v["basis"], "zh") == "创建日期 + 10 天（参数）"


def test_without_won_leads_nothing_is_expected_and_the_summary_says_why(leads):
    v = fn.funnel(leads[leads["stage"] != "成交"], settings=Settings(), as_of=AS_OF)["summary"]
    v = v.set_index("metric")["value"]
    assert v["due_month"] == 0 and v["due_quarter"] == 0
    assert "funnel_cycle_days" in text(v["basis"], "zh") and "funnel_cycle_days" in text(v["basis"], "en")


def test_lead_kpis_count_leads_closed_in_the_range(leads):
    # closed in 2026-07-01..2026-10-31: L4 won (40 days), L5 won (60), L6 lost → 2/3, mean 50
    k = fn.lead_kpis(leads, dt.date(2026, 7, 1), dt.date(2026, 10, 31))
    assert k["lead_conversion"] == pytest.approx(2 / 3) and k["deal_cycle_days"] == pytest.approx(50)
    # November to as-of: nothing closed (L8 and L10 close after it)
    k = fn.lead_kpis(leads, dt.date(2026, 11, 1), AS_OF)
    assert pd.isna(k["lead_conversion"]) and pd.isna(k["deal_cycle_days"])


def test_no_leads_gives_zero_counts_and_says_so():
    out, _ = clean.clean_leads(pd.DataFrame({"stage": pd.Series(dtype=object), "_row": pd.Series(dtype="int64")}))
    t = fn.funnel(out, settings=Settings(), as_of=AS_OF)
    assert t["stages"]["reached"].tolist() == [0, 0, 0, 0, 0]
    assert t["stalled"].empty and t["lost_reasons"].empty
    v = t["summary"].set_index("metric")["value"]
    assert v["leads"] == 0 and v["weighted"] == 0 and pd.isna(v["win_rate"]) and "没有" in text(v["basis"], "zh")


def test_stage_probabilities_come_from_the_settings(leads):
    s = Settings(funnel_prob_need=0.5, funnel_prob_proposal=0.5, funnel_prob_negotiation=1.0)
    t = fn.funnel(leads, settings=s, as_of=AS_OF)["stages"]
    assert t["weighted"].iloc[:3].tolist() == pytest.approx([50, 100, 2100])


def test_cleaning_flags_a_lost_stage_it_cannot_use_and_keeps_the_lead():
    rows = [("A", "丢单", 1, "甲", "2026-01-01", "2026-02-01", "成交", "预算"),
            ("B", "方案提交", 1, "甲", "2026-01-01", "2026-02-01", "商务谈判", None),
            ("C", "丢单", 1, "甲", "2026-01-01", "2026-02-01", "商务谈判", None)]
    out, log = clean.clean_leads(raw_leads(rows))
    def values(c):
        return [None if pd.isna(v) else v for v in out[c]]

    assert values("lost_stage") == [None, None, "商务谈判"]
    assert values("lost_reason") == ["预算", None, None]
    assert log[["row", "column", "action"]].values.tolist() == [[2, "lost_stage", "flagged"],
                                                                 [3, "lost_stage", "flagged"]]


def test_the_new_columns_match_their_chinese_headers():
    from salesbook import schema

    m = schema.match_headers(schema.LEADS, ["线索编号", "跟进阶段", "丢单阶段", "丢单原因", "输单原因"])
    assert list(m.mapping.values()) == ["lead_id", "stage", "lost_stage", "lost_reason"]
    assert m.duplicates == [(4, "输单原因", "lost_reason")]


_stage = st.sampled_from(clean.LEAD_STAGES)
_day = st.integers(0, 400).map(lambda d: pd.Timestamp(AS_OF) - pd.Timedelta(days=200) + pd.Timedelta(days=d))


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_stage, st.integers(0, 10_000), _day, st.one_of(st.none(), st.integers(0, 120)),
                          st.sampled_from([None, *fn.OPEN_STAGES])), min_size=1, max_size=30))
def test_every_lead_is_open_won_or_lost_at_exactly_one_stage(rows):
    leads = pd.DataFrame([{"lead_id": str(i), "name": f"客户{i}", "stage": s, "est_amount": float(a), "owner": "x", "created": c,
                           "stage_date": None if d is None else c + pd.Timedelta(days=d),
                           "lost_stage": ls if s == "丢单" else None, "lost_reason": None}
                          for i, (s, a, c, d, ls) in enumerate(rows)])
    leads["stage_date"] = pd.to_datetime(leads["stage_date"])
    t = fn.funnel(leads, settings=Settings(), as_of=AS_OF)
    st_ = t["stages"]
    reached = st_["reached"].tolist()
    n = int((leads["created"] <= pd.Timestamp(AS_OF)).sum())
    assert reached[0] == n
    for i in range(3):  # who reached a stage went on, is still there, or was lost there
        assert reached[i] == reached[i + 1] + st_["open"].iloc[i] + st_["lost"].iloc[i]
    assert reached[3] + reached[4] + st_["open"].iloc[:3].sum() == n
    v = t["summary"].set_index("metric")["value"]
    assert v["due_month"] <= v["due_quarter"] + 1e-9 <= v["weighted"] + 2e-9
    assert v["weighted"] <= v["open_amount"] + 1e-9
