"""Customer tiers VIP/核心/普通/潜在 (S0 表3, S2 模板2) and A/B/C classes (S2).

近半年 = counted revenue in the last ``tier_recent_days`` days up to as-of; 合作时长 from
first_deal_date, else the first counted order. Lower edges are inclusive:

    VIP   amount ≥ 50万 and years ≥ 2
    核心  20万 ≤ amount < 50万 and years ≥ 1,  or amount ≥ 50万 and years < 2
    普通  any other customer with a counted order
    潜在  in Customers or Leads with no counted order

The rules are exhaustive and exclusive: :func:`tier_of` is total, and a test checks it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..settings import Settings
from .numtext import number

VIP, CORE, NORMAL, PROSPECT = "VIP", "核心", "普通", "潜在"
TIERS = (VIP, CORE, NORMAL, PROSPECT)
TIER_EN = {VIP: "VIP", CORE: "core", NORMAL: "normal", PROSPECT: "potential"}


def tier_of(amount: float, years: float, has_orders: bool, *, settings: Settings) -> str:
    """The tier of one customer (scalar form of the rule table above)."""
    if not has_orders:
        return PROSPECT
    if amount >= settings.tier_vip_amount:
        return VIP if years >= settings.tier_vip_years else CORE
    if amount >= settings.tier_core_amount and years >= settings.tier_core_years:
        return CORE
    return NORMAL


def tiers(orders: pd.DataFrame, customers: pd.DataFrame, leads: pd.DataFrame, rfm_table: pd.DataFrame, *,
          settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """One row per known customer (orders ∪ customers ∪ leads with a customer id).

    Columns: customer_id, customer_name, tier, half_year_amount, years, first_date, total_orders,
    abc_score, abc_class, reason.
    """
    as_of_ts = pd.Timestamp(as_of)
    counted = orders[orders["status"].isin(settings.revenue_statuses) & (orders["order_date"] <= as_of_ts)]
    recent_start = as_of_ts - pd.Timedelta(days=settings.tier_recent_days - 1)
    g = counted.groupby("customer_id", sort=False)
    recent = counted[counted["order_date"] >= recent_start].groupby("customer_id")["revenue"].sum()
    first_order = counted[counted["is_order"]].groupby("customer_id")["order_date"].min()
    n_orders = g["is_order"].sum()

    ids = pd.Index(pd.unique(pd.concat([
        counted["customer_id"], customers.get("customer_id", pd.Series(dtype=object)),
        leads["customer_id"].dropna() if "customer_id" in leads else pd.Series(dtype=object),
    ], ignore_index=True).dropna()), name="customer_id")
    out = pd.DataFrame(index=ids)
    cust = customers.set_index("customer_id") if not customers.empty else pd.DataFrame()
    names_orders = counted.dropna(subset=["customer_name"]).groupby("customer_id")["customer_name"].last()
    name = cust["customer_name"].reindex(ids) if "customer_name" in cust else pd.Series(index=ids, dtype=object)
    out["customer_name"] = name.fillna(names_orders.reindex(ids))
    out["half_year_amount"] = recent.reindex(ids).fillna(0.0)
    out["total_orders"] = n_orders.reindex(ids).fillna(0).astype("int64")
    first_deal = cust["first_deal_date"].reindex(ids) if "first_deal_date" in cust else pd.Series(
        index=ids, dtype="datetime64[ns]")
    out["first_date"] = first_deal.fillna(first_order.reindex(ids))
    out["years"] = ((as_of_ts - out["first_date"]).dt.days / 365.25).clip(lower=0).fillna(0.0)
    has = out["total_orders"] > 0
    a, y = out["half_year_amount"], out["years"]
    s = settings
    conds = [~has, (a >= s.tier_vip_amount) & (y >= s.tier_vip_years), a >= s.tier_vip_amount,
             (a >= s.tier_core_amount) & (y >= s.tier_core_years)]
    out["tier"] = np.select(conds, [PROSPECT, VIP, CORE, CORE], NORMAL)
    out["reason"] = _reasons(out, settings=settings)
    abc = _abc(out.index, cust, rfm_table, settings=settings)
    out = out.join(abc)
    out = out.reset_index()
    order = {t: i for i, t in enumerate(TIERS)}
    out = out.sort_values(["tier", "half_year_amount"], key=lambda c: c.map(order) if c.name == "tier" else -c,
                          kind="stable").reset_index(drop=True)
    return out[["customer_id", "customer_name", "tier", "half_year_amount", "years", "first_date", "total_orders",
                "abc_score", "abc_class", "reason"]]


def _reasons(out: pd.DataFrame, *, settings: Settings) -> pd.Series:
    unit, f = settings.display_unit, settings.unit_factor

    def why(r) -> str:
        if r["total_orders"] == 0:
            return "暂无成交订单"
        return f"近半年 {number(r['half_year_amount'] / f)}{unit}，合作 {number(r['years'], 1)} 年"

    return out.apply(why, axis=1) if len(out) else pd.Series(dtype=object)


def _abc(ids: pd.Index, cust: pd.DataFrame, rfm_table: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """Weighted 1–5 score over the scores a customer has; weights renormalised over those present."""
    parts = {
        "industry_potential": settings.abc_weight_potential,
        "urgency": settings.abc_weight_urgency,
        "win_likelihood": settings.abc_weight_win,
    }
    scores = pd.DataFrame(index=ids)
    for col in parts:
        scores[col] = cust[col].reindex(ids) if col in cust else np.nan
    value = rfm_table.set_index("customer_id")["m_score"] if not rfm_table.empty else pd.Series(dtype=float)
    scores["value"] = value.reindex(ids).astype("float64")
    weights = pd.Series({**parts, "value": settings.abc_weight_value})
    present = scores.notna()
    wsum = present.mul(weights, axis=1).sum(axis=1)
    total = scores.fillna(0).mul(weights, axis=1).sum(axis=1)
    score = (total / wsum.where(wsum > 0)).round(2)
    cls = np.select([score >= settings.abc_a_min, score >= settings.abc_b_min, score.notna()], ["A", "B", "C"], "")
    return pd.DataFrame({"abc_score": score, "abc_class": cls}, index=ids)
