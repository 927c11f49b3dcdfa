"""客户画像 (S2 第三步, issue 13 item 3) on hand-built frames; every expected number is worked out by
hand from the definitions in core/portrait.py's docstring, in the comment beside it."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from salesbook.core import portrait
from salesbook.core.settings import Settings
from salesbook.messages import text

AS_OF = dt.date(2026, 6, 30)
S = Settings(as_of=AS_OF, rfm_window_days=365)

CUSTOMERS = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4"],
    "industry": ["制造", "制造", "制造", None],
    "size": ["中型", "中型", "大型", "小型"],
    "tags": ["技术导向型、价格敏感型", "价格敏感型", None, "价格敏感型，技术导向型"],
    "decision_style": ["数据驱动型", None, "数据驱动型", "价格敏感型"],  # C4's style repeats a tag: counted once
    "decision_chain": ["采购经理→技术总监→总经理", "张总、李经理", None, None],
    "budget": [500000.0, None, 1000000.0, None],
})
TIERS = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"], "tier": ["vip", "普通", "core", "潜在"],
                      "abc_class": ["A", "B", None, "C"]})
ORDERS = pd.DataFrame({
    "customer_id": ["C1", "C1", "C2", "C3", "C4"],
    "order_date": pd.to_datetime(["2026-05-01", "2025-01-01", "2026-03-01", "2026-07-05", "2026-02-01"]),
    "amount": [100.0, 50.0, 30.0, 70.0, 20.0],
    "status": ["已成交", "已成交", "已成交", "已成交", "已取消"],
})


def test_tags_split_on_every_separator_and_chains_count_people():
    assert portrait.split_tags("a、b,c，d;e；f/g|h\ni") == list("abcdefghi")
    assert portrait.split_tags(None) == [] and portrait.split_tags("  ") == []
    assert portrait.chain_length("采购经理→技术总监→总经理") == 3
    assert portrait.chain_length("张总、李经理") == 2 and portrait.chain_length("a->b>c") == 3
    assert math.isnan(portrait.chain_length(None))


def test_tag_counts_by_tier_and_class():
    t = portrait.tag_counts(CUSTOMERS, TIERS).set_index("tag")
    # 价格敏感型: C1 (vip, A), C2 (普通 = normal, B), C4 (潜在 = prospect, C) → 3 customers
    row = t.loc["价格敏感型"]
    assert (row["customers"], row["tier_vip"], row["tier_normal"], row["tier_prospect"], row["tier_core"]) == (3, 1, 1,
                                                                                                          1, 0)
    assert (row["class_a"], row["class_b"], row["class_c"]) == (1, 1, 1)
    # 数据驱动型 (a decision style): C1 (vip, A) and C3 (core, no class) → 2; C3 counts in no class
    row = t.loc["数据驱动型"]
    assert (row["customers"], row["tier_vip"], row["tier_core"], row["class_a"], row["class_b"] + row["class_c"]) == (
        2, 1, 1, 1, 0)
    # 技术导向型: C1, C4 → 2
    assert t.loc["技术导向型", "customers"] == 2
    # sorted by customers, then tag
    assert list(t.index) == ["价格敏感型", "技术导向型", "数据驱动型"]


def test_matrix_industry_by_size():
    m = portrait.matrix(CUSTOMERS, ORDERS, settings=S, as_of=AS_OF)
    by = {(r.industry, r.size): r for r in m.itertuples()}
    # 制造 × 中型: C1, C2; both bought (C1 on 2026-05-01 and 2025-01-01, C2 on 2026-03-01) → conversion 2/2.
    # Window = the 365 days to 2026-06-30 (after 2025-06-30): C1 100 (the 2025-01-01 order is older), C2 30 → 130.
    r = by[("制造", "中型")]
    assert (r.customers, r.buyers, r.conversion, r.revenue) == (2, 2, 1.0, 130.0)
    assert r.revenue_per_buyer == 65.0
    assert r.avg_budget == 500000.0  # only C1 typed one
    assert r.avg_chain == 2.5  # C1 three people, C2 two
    assert text(r.top_tags, "zh") == "价格敏感型、技术导向型、数据驱动型"  # 2, 1, 1 — ties by tag
    assert text(r.top_tags, "en") == "价格敏感型, 技术导向型, 数据驱动型"
    # 制造 × 大型: C3's only order is after the as-of date → not a buyer, no revenue
    r = by[("制造", "大型")]
    assert (r.customers, r.buyers, r.conversion, r.revenue) == (1, 0, 0.0, 0.0)
    assert math.isnan(r.revenue_per_buyer)
    # no industry: its own group (the code unknown); C4's order was cancelled → not a buyer
    r = by[("unknown", "小型")]
    assert (r.customers, r.buyers) == (1, 0) and math.isnan(r.avg_budget)
    # sorted by revenue
    assert list(m["revenue"]) == sorted(m["revenue"], reverse=True)
    assert "has_tag" in m and m["has_tag"].isna().all()  # no tag chosen in 参数


def test_matrix_split_by_a_chosen_tag():
    m = portrait.matrix(CUSTOMERS, ORDERS, settings=S.replace(portrait_tag="技术导向型"), as_of=AS_OF)
    rows = {(r.industry, r.size, r.has_tag): (r.customers, r.revenue) for r in m.itertuples()}
    # 制造 × 中型 splits: C1 carries the tag (100 in the window), C2 does not (30)
    assert rows[("制造", "中型", "yes")] == (1, 100.0)
    assert rows[("制造", "中型", "no")] == (1, 30.0)
    assert rows[("unknown", "小型", "yes")] == (1, 0.0)


def test_nothing_typed_gives_empty_tables_not_errors():
    bare = CUSTOMERS[["customer_id", "industry", "size"]]
    assert portrait.tag_counts(bare, TIERS).empty
    assert len(portrait.matrix(bare, ORDERS, settings=S, as_of=AS_OF)) == 3
    assert portrait.matrix(bare.iloc[0:0], ORDERS, settings=S, as_of=AS_OF).empty


@pytest.mark.parametrize("frame", [CUSTOMERS, ORDERS, TIERS])
def test_inputs_are_not_mutated(frame):
    before = frame.copy()
    portrait.tag_counts(CUSTOMERS, TIERS)
    portrait.matrix(CUSTOMERS, ORDERS, settings=S, as_of=AS_OF)
    pd.testing.assert_frame_equal(frame, before)
