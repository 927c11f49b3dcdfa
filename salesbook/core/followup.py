"""维护计划 Follow-up plan (S0 表2/阶段三, S1 表4): who to contact, how often, and who is late.

Cadence and monthly service quota come from 参数 per tier (VIP 月度, 核心 季度, 普通 月度,
潜在 周度), never from a rank. Next due = the EARLIER of the rep's own 下次跟进日期 (on the
latest record) and last contact + cadence (SPEC §4): a broken promise and a missed cadence
both make a customer overdue, once that date has passed. A customer never contacted is due on
the as-of date. 维护内容 and 下一步计划 start from the latest follow-up record.
A 潜在 customer or lead with an A/B/C class takes 维护重点 and 激励策略 from the 策略库 row of its
class (S2 模板3: A 专项小组+定制方案+高层互访+优先交付, B 行业案例+体验会+灵活付款, C 标准手册+线上客服);
its cadence stays the 潜在 tier's (per-tier settings). Tiers are codes (:mod:`.tiers`); the playbook's
text is the user's 策略库 wording, or a default's message in both languages (:func:`.playbook.lookup`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..settings import Settings
from . import playbook as pb
from .tiers import CORE, NORMAL, PROSPECT, TIERS, VIP

_CADENCE = {VIP: "cadence_vip", CORE: "cadence_core", NORMAL: "cadence_normal", PROSPECT: "cadence_potential"}
_QUOTA = {VIP: "quota_vip", CORE: "quota_core", NORMAL: "quota_normal", PROSPECT: "quota_potential"}


def _lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """table[key] for each key, NaN/NaT where missing (``map`` mangles empty tables' dtypes)."""
    return pd.Series(table.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def followup_plan(tiers_table: pd.DataFrame, followups: pd.DataFrame, orders: pd.DataFrame,
                  customers: pd.DataFrame, playbook: pd.DataFrame, *, settings: Settings,
                  as_of: dt.date) -> pd.DataFrame:
    """One row per customer. Columns: customer_id, customer_name, tier, focus, frequency,
    cadence_days, owner, incentive, last_contact, next_due, overdue_days, services_this_month,
    quota, quota_gap, last_satisfaction, maintenance and plan_next (the latest record's 维护内容
    and 下一步计划: the starting values of the sheet's user columns) and prefill_history (every
    record's text, so a value an earlier refresh filled in is recognised and refreshed)."""
    as_of_ts = pd.Timestamp(as_of)
    plan = tiers_table[["customer_id", "customer_name", "tier"]].copy()
    book = pb.lookup(playbook, pb.TIER)
    for col, field in (("focus", "focus"), ("frequency", "frequency"), ("incentive", "action")):
        plan[col] = pd.Series([book.get(t, {}).get(field, "") for t in plan["tier"]], index=plan.index, dtype=object)
    if "abc_class" in tiers_table:  # S2 模板3 for the customers-to-be
        classes = pb.lookup(playbook, pb.CLASS)
        cls = tiers_table["abc_class"].fillna("").astype(str)
        use = (plan["tier"] == PROSPECT) & cls.isin(list(classes))
        plan.loc[use, "focus"] = cls[use].map(lambda c: classes[c]["focus"])
        plan.loc[use, "incentive"] = cls[use].map(lambda c: classes[c]["action"])
    plan["cadence_days"] = plan["tier"].map(lambda t: getattr(settings, _CADENCE[t])).astype("int64")
    plan["quota"] = plan["tier"].map(lambda t: getattr(settings, _QUOTA[t])).astype("int64")

    owner = pd.Series(dtype=object)
    if not customers.empty and "owner" in customers:
        owner = customers.dropna(subset=["owner"]).set_index("customer_id")["owner"]
    counts = orders.dropna(subset=["salesperson"]).groupby(["customer_id", "salesperson"]).size()
    top = counts.sort_values(ascending=False, kind="stable").reset_index().drop_duplicates("customer_id")
    rep = top.set_index("customer_id")["salesperson"]  # the rep with most orders of each customer
    plan["owner"] = _lookup(plan["customer_id"], owner.astype(object)).fillna(
        _lookup(plan["customer_id"], rep.astype(object)))
    if "owner" in tiers_table:  # a lead's 负责人
        plan["owner"] = plan["owner"].fillna(tiers_table["owner"])

    past = followups[followups["date"] <= as_of_ts]
    g = past.groupby("customer_id")
    last = g["date"].max()
    plan["last_contact"] = _lookup(plan["customer_id"], last).astype("datetime64[ns]")
    latest = past.sort_values(["date", "row"] if "row" in past else ["date"], kind="stable").drop_duplicates("customer_id", keep="last").set_index("customer_id")
    own_next = _lookup(plan["customer_id"], latest["next_date"]).astype("datetime64[ns]")
    by_cadence = plan["last_contact"] + pd.to_timedelta(plan["cadence_days"], unit="D")
    due = pd.concat([own_next, by_cadence], axis=1).min(axis=1)
    plan["next_due"] = due.fillna(as_of_ts).astype("datetime64[ns]")
    plan["overdue_days"] = (as_of_ts - plan["next_due"]).dt.days.clip(lower=0).astype("int64")
    month_start = as_of_ts.replace(day=1)
    this_month = past[past["date"] >= month_start].groupby("customer_id").size()
    plan["services_this_month"] = _lookup(plan["customer_id"], this_month).fillna(0).astype("int64")
    plan["quota_gap"] = (plan["quota"] - plan["services_this_month"]).clip(lower=0)
    plan["last_satisfaction"] = _lookup(plan["customer_id"], latest["satisfaction"]).astype("float64")
    plan["maintenance"] = _lookup(plan["customer_id"], latest["content"].astype(object))
    plan["plan_next"] = _lookup(plan["customer_id"], latest["next_step"].astype(object))
    # what earlier refreshes may have pre-filled: any record's text, so a stale pre-fill is replaced
    history = past[["customer_id"]].assign(t=past["content"]).dropna()
    history = pd.concat([history, past[["customer_id"]].assign(t=past["next_step"]).dropna()])
    prefills = history.groupby("customer_id")["t"].agg(lambda v: tuple(sorted(set(v))))
    plan["prefill_history"] = _lookup(plan["customer_id"], prefills.astype(object)).map(
        lambda v: v if isinstance(v, tuple) else ())
    order = {t: i for i, t in enumerate(TIERS)}
    plan = plan.sort_values(["overdue_days", "tier"], ascending=[False, True],
                            key=lambda c: c.map(order) if c.name == "tier" else c, kind="stable")
    return plan.reset_index(drop=True)[[
        "customer_id", "customer_name", "tier", "owner", "focus", "frequency", "cadence_days", "incentive",
        "last_contact", "next_due", "overdue_days", "services_this_month", "quota", "quota_gap",
        "last_satisfaction", "maintenance", "plan_next", "prefill_history"]]
