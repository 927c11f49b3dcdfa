"""RFM scoring and customer tiers: hand-computed cases and invariants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from salesbook.core import rfm, tiers
from salesbook.core.clean import clean_orders
from salesbook.settings import Settings
from tests.conftest import TODAY, raw

AS_OF = dt.date(2024, 12, 31)


def orders_of(rows):
    df = pd.DataFrame(rows, columns=["order_id", "order_date", "customer_id", "amount", "status"])
    out, _ = clean_orders(raw(df).df, settings=Settings(), today=TODAY)
    return out


def test_rfm_by_hand():
    o = orders_of([
        ("1", "2024-12-16", "C1", 10.05, "已成交"),   # C1: 15 days ago, 2 orders, 110.05
        ("2", "2024-06-01", "C1", 100, "已回款"),
        ("3", "2024-10-02", "C2", 50, "已成交"),      # C2: 90 days ago, 1 order
        ("4", "2023-01-01", "C3", 500, "已成交"),     # C3: outside the 365-day window
        ("5", "2024-12-30", "C2", 70, "已取消"),      # cancelled: does not count
    ])
    t = rfm.rfm(o, settings=Settings(), as_of=AS_OF).set_index("customer_id")
    assert t.loc["C1", "recency_days"] == 15
    assert t.loc["C1", "frequency"] == 2
    assert t.loc["C1", "monetary"] == pytest.approx(110.05)  # cents survive (the PyPI rfm package truncates)
    assert t.loc["C2", "recency_days"] == 90 and t.loc["C2", "frequency"] == 1
    assert t.loc["C3", "frequency"] == 0 and t.loc["C3", "monetary"] == 0
    # C3 bought nothing in the window: lapsed, not scored among the active customers (SPEC §4)
    assert t.loc["C1", "r_score"] > t.loc["C2", "r_score"] > t.loc["C3", "r_score"] == 1
    assert t.loc["C1", "rfm_code"] == f"{t.loc['C1', 'r_score']}{t.loc['C1', 'f_score']}{t.loc['C1', 'm_score']}"
    assert t.loc["C3", "rfm_code"] == "111"
    assert t.loc["C3", "segment"] == "lapsed_high"  # lifetime 500 ≥ the M-4 cut (C1's 110.05)
    assert t["pareto_top20"].sum() == 1 and bool(t.loc["C1", "pareto_top20"])
    assert t.loc["C1", "avg_cycle_days"] == 198  # 2024-06-01 → 2024-12-16


@pytest.mark.parametrize(("r", "f", "m", "expected"), [
    (5, 5, 5, "high_value"), (4, 4, 4, "high_value"), (2, 3, 1, "churn_risk"), (1, 1, 3, "churn_risk"),
    (3, 3, 1, "potential"), (5, 1, 3, "potential"), (3, 2, 2, "low_value"), (5, 2, 2, "low_value"),
])
def test_segment_rules_first_match_wins(r, f, m, expected):
    assert rfm.segment(r, f, m) == expected
    s = rfm.segments(pd.Series([r]), pd.Series([f]), pd.Series([m]))
    assert s.iloc[0] == expected


@given(st.lists(st.floats(min_value=0, max_value=1e7, allow_nan=False), min_size=1, max_size=60))
def test_quantile_scores_are_1_to_5_monotone_and_tie_equal(values):
    s = pd.Series(values)
    scores = rfm.quantile_scores(s)
    assert scores.between(1, 5).all()
    for v in s.unique():
        assert scores[s == v].nunique() == 1  # equal values, equal scores
    order = np.argsort(s.to_numpy(), kind="stable")
    assert (np.diff(scores.to_numpy()[order]) >= 0).all()  # more is never scored lower
    r = rfm.quantile_scores(s, higher_is_better=False)
    assert (np.diff(r.to_numpy()[order]) <= 0).all()  # recency reversed


def test_fixed_cut_points_are_inclusive_at_the_edges():
    s = rfm.fixed_scores(pd.Series([0, 30, 31, 180, 181]), (30, 60, 90, 180), higher_is_better=False)
    assert s.tolist() == [5, 5, 4, 2, 1]
    m = rfm.fixed_scores(pd.Series([0, 10000, 499999, 500000]), (10000, 50000, 200000, 500000))
    assert m.tolist() == [1, 2, 4, 5]


# -- tiers ----------------------------------------------------------------------------------
S = Settings()


@pytest.mark.parametrize(("amount", "years", "has", "expected"), [
    (500_000, 2, True, "vip"), (499_999.99, 5, True, "core"), (500_000, 1.99, True, "core"),
    (200_000, 1, True, "core"), (200_000, 0.99, True, "normal"), (199_999, 3, True, "normal"),
    (0, 0, True, "normal"), (0, 0, False, "prospect"), (10**9, 10, False, "prospect"),
])
def test_tier_boundaries_are_inclusive_at_the_lower_edge(amount, years, has, expected):
    assert tiers.tier_of(amount, years, has, settings=S) == expected


@hsettings(max_examples=300)
@given(st.floats(min_value=-1e6, max_value=1e8, allow_nan=False), st.floats(min_value=0, max_value=50),
       st.booleans())
def test_tier_rules_are_exhaustive_and_exclusive(amount, years, has):
    """Exactly one rule of S0 表3 matches every customer."""
    s = S
    rules = {
        "vip": has and amount >= s.tier_vip_amount and years >= s.tier_vip_years,
        "core": has and ((s.tier_core_amount <= amount < s.tier_vip_amount and years >= s.tier_core_years)
                       or (amount >= s.tier_vip_amount and years < s.tier_vip_years)),
        "prospect": not has,
    }
    rules["normal"] = has and not rules["vip"] and not rules["core"]
    assert sum(rules.values()) == 1
    assert rules[tiers.tier_of(amount, years, has, settings=s)]


def test_tiers_table_uses_first_deal_date_and_includes_prospects():
    o = orders_of([("1", "2024-10-01", "C1", 600_000, "已成交"), ("2", "2024-11-01", "C2", 600_000, "已成交")])
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C9"], "customer_name": ["甲", "乙", "丙"],
                              "first_deal_date": pd.to_datetime(["2020-01-01", None, None])})
    t = tiers.tiers(o, customers, pd.DataFrame(), pd.DataFrame(), settings=S, as_of=AS_OF).set_index("customer_id")
    assert t.loc["C1", "tier"] == "vip"    # 60万, since 2020
    assert t.loc["C2", "tier"] == "core"   # 60万 but only since 2024-11 (first order)
    assert t.loc["C9", "tier"] == "prospect"   # in Customers, never ordered
