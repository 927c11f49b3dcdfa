"""Customer tiers VIP/核心/普通/潜在 (S0 表3, S2 模板2) and A/B/C classes (S2).

Tiers are codes (vocab domain "tier"): ``vip``, ``core`` (核心), ``normal`` (普通), ``prospect`` (潜在);
a row's reason is a message (近半年 299.71万元，合作 6.7 年 / CNY 2,997,100 in the last 6 months …).

近半年 = counted revenue in the last ``tier_recent_days`` days up to as-of; 合作时长 from
first_deal_date, else the first counted order. Lower edges are inclusive:

    VIP   amount ≥ 50万 and years ≥ 2
    核心  20万 ≤ amount < 50万 and years ≥ 1,  or amount ≥ 50万 and years < 2
    普通  any other customer with a counted order
    潜在  in Customers or Leads with no counted order

The rules are exhaustive and exclusive: :func:`tier_of` is total, and a test checks it.

Leads are customers-to-be: a lead linked to a customer (by 客户编号, or by name when the leads were
cleaned) is that customer and never a second row; an unlinked lead that is not 丢单 (a lost lead
is nobody's prospect) is one 潜在 row keyed by its 线索编号, leads of the same name counted once.
Its A/B/C score uses S2's weights over what a lead has: 行业潜力 and 需求紧急度 when the 线索 sheet
carries them, 成交可能性 typed there or else from how far the lead got (需求确认 2 · 方案提交 3 ·
商务谈判 4 · 成交 5 — S2: "基于沟通深度"). A lead has no purchases, so no 客户价值 (the M score):
that weight is left out and the others are renormalised, exactly as for a customer missing a score.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import vocab
from ..messages import Code, Money, Num, msg

if TYPE_CHECKING:  # settings imports the tier names from here
    from .settings import Settings

VIP, CORE, NORMAL, PROSPECT = "vip", "core", "normal", "prospect"
TIERS = (VIP, CORE, NORMAL, PROSPECT)


def tier_of(amount: float, years: float, has_orders: bool, *, settings: Settings) -> str:
    """The tier code of one customer (scalar form of the rule table above)."""
    if not has_orders:
        return PROSPECT
    if amount >= settings.tier_vip_amount:
        return VIP if years >= settings.tier_vip_years else CORE
    if amount >= settings.tier_core_amount and years >= settings.tier_core_years:
        return CORE
    return NORMAL


def tiers(orders: pd.DataFrame, customers: pd.DataFrame, leads: pd.DataFrame, rfm_table: pd.DataFrame, *,
          settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """One row per known customer (orders ∪ customers ∪ leads with a customer id), then one 潜在
    row per unlinked open or won lead (see the module docstring).

    Columns: customer_id, customer_name, tier, half_year_amount, years, first_date, total_orders,
    abc_score, abc_class, reason, owner (a lead's 负责人; empty for customers: the plan finds theirs).
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
    out["owner"] = None
    prospects = lead_prospects(leads, settings=settings)
    if not prospects.empty:  # a lead named like a known customer is that customer
        prospects = prospects[~prospects["customer_name"].isin(set(out["customer_name"].dropna()))]
    if not prospects.empty:
        out = pd.concat([out, prospects], ignore_index=True) if len(out) else prospects
    order = {t: i for i, t in enumerate(TIERS)}
    out = out.sort_values(["tier", "half_year_amount"], key=lambda c: c.map(order) if c.name == "tier" else -c,
                          kind="stable").reset_index(drop=True)
    return out[["customer_id", "customer_name", "tier", "half_year_amount", "years", "first_date", "total_orders",
                "abc_score", "abc_class", "reason", "owner"]].reset_index(drop=True)


LEAD_STAGE_SCORE = {"qualify": 2, "proposal": 3, "negotiation": 4, "won": 5}  # by stage code (vocab "stage")
LOST = "lost"


def lead_prospects(leads: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """潜在 rows for the leads linked to no customer and not lost, with their A/B/C score.

    A lead's customer_id is its 线索编号 (the only key it has); leads sharing a name are one
    company (the latest created speaks for it). Columns as :func:`tiers`."""
    cols = ["customer_id", "customer_name", "tier", "half_year_amount", "years", "first_date", "total_orders",
            "abc_score", "abc_class", "reason", "owner"]
    if leads is None or leads.empty or "stage" not in leads:
        return pd.DataFrame(columns=cols)
    linked = leads["customer_id"].notna() if "customer_id" in leads else pd.Series(False, index=leads.index)
    stage = leads["stage"].map(lambda v: vocab.parse("stage", v) or v)  # a stage code, whichever way it came
    open_ = leads[~linked & (stage != LOST)].assign(_stage=stage).copy()
    key = open_["lead_id"] if "lead_id" in open_ else pd.Series(None, index=open_.index, dtype=object)
    open_ = open_.assign(_key=key.where(key.notna(), open_.get("name")))
    open_ = open_.dropna(subset=["_key"])
    if "created" in open_:
        open_ = open_.sort_values("created", kind="stable", na_position="first")
    name = open_["name"] if "name" in open_ else pd.Series(None, index=open_.index, dtype=object)
    open_ = open_.assign(_name=name.where(name.notna(), open_["_key"]))
    open_ = open_.drop_duplicates("_name", keep="last").drop_duplicates("_key", keep="last")
    if open_.empty:
        return pd.DataFrame(columns=cols)
    scores = pd.DataFrame(index=open_.index)
    for col in ("industry_potential", "urgency", "win_likelihood"):
        scores[col] = pd.to_numeric(open_[col], errors="coerce") if col in open_ else np.nan
    scores["win_likelihood"] = scores["win_likelihood"].fillna(open_["_stage"].map(LEAD_STAGE_SCORE))
    scores["value"] = np.nan  # a lead has bought nothing: no 客户价值
    abc = _weighted(scores, settings=settings)
    out = pd.DataFrame({
        "customer_id": open_["_key"].astype(object), "customer_name": open_["_name"].astype(object),
        "tier": PROSPECT, "half_year_amount": 0.0, "years": 0.0,
        "first_date": pd.Series(pd.NaT, index=open_.index, dtype="datetime64[ns]"), "total_orders": 0,
        "abc_score": abc["abc_score"], "abc_class": abc["abc_class"],
        "reason": [msg("tier.reason_lead", stage=Code("stage", st)) for st in open_["_stage"]],
        "owner": open_["owner"].astype(object) if "owner" in open_ else None,
    })
    return out[cols].reset_index(drop=True)


def _reasons(out: pd.DataFrame, *, settings: Settings) -> pd.Series:
    """Why each customer has its tier: a message quoting the half-year amount and the years."""
    reasons = [msg("tier.reason_none") if n == 0 else msg("tier.reason", amount=Money(a), years=Num(y, 1))
               for n, a, y in zip(out["total_orders"], out["half_year_amount"], out["years"], strict=True)]
    return pd.Series(reasons, index=out.index, dtype=object)


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
    return _weighted(scores, settings=settings)


def _weighted(scores: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """abc_score/abc_class from the columns industry_potential, urgency, win_likelihood, value."""
    weights = pd.Series({"industry_potential": settings.abc_weight_potential, "urgency": settings.abc_weight_urgency,
                         "win_likelihood": settings.abc_weight_win, "value": settings.abc_weight_value})
    present = scores.notna()
    wsum = present.mul(weights, axis=1).sum(axis=1)
    total = scores.fillna(0).mul(weights, axis=1).sum(axis=1)
    score = (total / wsum.where(wsum > 0)).round(2)
    cls = np.select([score >= settings.abc_a_min, score >= settings.abc_b_min, score.notna()], ["A", "B", "C"], "")
    return pd.DataFrame({"abc_score": score, "abc_class": cls}, index=scores.index)
