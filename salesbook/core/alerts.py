"""异常预警 Alerts (S0 异常情况跟进, S3 triggers), each with its evidence, its owner and where to paint it.

The columns of an alert are described in :mod:`.alerts_common`; customer rules (silent, overdue)
live in :mod:`.alerts_customers`, data-quality groups in :mod:`.alerts_data`. Thresholds come
from 参数.

Money at stake, per rule (元; the 涉及金额 column):
  completion_low / region_low  target − actual (what is still missing to reach the target)
  mom_drop                     previous period's sales − this period's
  share_drop                   points of share lost × this year's sales of all lines
  churn_up                     what the lost customers bought in the quarter before they left
  silent                       the customer's average purchase per cycle (lifetime sales ÷ order days)
  overdue                      the customer's sales of one follow-up cycle (RFM-window sales × cadence ÷ window)
  outlier / unit_slip          |amount − the customer's median| (the size of the likely misstatement)
  data-quality groups          none (ranked by the number of rows)
:func:`combine` sorts by severity, business alerts before data-quality ones, then stake (highest
first), then count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import vocab
from ..messages import Money, Num, Pct, Points, msg
from ..settings import Settings
from . import alerts_data
from .alerts_common import (
    COLUMNS,
    HIGH,
    LOW,
    MEDIUM,
    SEVERITY_ORDER,
    TEAM_KEY,
    customer_owners,
    frame,
    names_text,
    recent_orders,
    slice_reps,
)
from .alerts_customers import overdue_alerts, silent_alerts
from .numtext import number, pct

__all__ = ["COLUMNS", "HIGH", "LOW", "MEDIUM", "SEVERITY_ORDER", "Rule", "RULES", "BUSINESS", "BUSINESS_RULES",
           "PROBLEM_RULES", "GROUPED_RULES", "frame",
           "customer_owners", "performance_alerts", "share_alerts", "churn_rate_by_quarter", "churn_alerts",
           "silent_alerts", "overdue_alerts", "amount_alerts", "data_alerts", "combine"]


@dataclass(frozen=True)
class Rule:
    """What the code knows of a business rule; its words (name, message, suggested action, default
    策略库 row) are in the language files under its code: domain.rule.<code>, message alert.<code> …"""
    problem: bool = True  # becomes a 问题与策略 row (an order's amount is checked, not a problem to plan)
    grouped: bool = False  # many customers → one problem per owner


# The business rules, in the order their sheets show them; data-quality rules are alerts_data.DATA_RULES.
# A new rule is one line here, its function below (called from pipeline), and its words.
BUSINESS = {"completion_low": Rule(), "region_low": Rule(), "mom_drop": Rule(), "share_drop": Rule(),
            "churn_up": Rule(), "silent": Rule(grouped=True), "overdue": Rule(grouped=True),
            "outlier": Rule(problem=False), "unit_slip": Rule(problem=False)}
BUSINESS_RULES = tuple(BUSINESS)
PROBLEM_RULES = tuple(code for code, rule in BUSINESS.items() if rule.problem)
GROUPED_RULES = tuple(code for code, rule in BUSINESS.items() if rule.grouped)
RULES = (*BUSINESS_RULES, *alerts_data.DATA_RULES)  # every rule code
assert set(RULES) <= set(vocab.DOMAINS["rule"]), "every alert rule needs its words in the language files (domain.rule)"


def performance_alerts(perf: pd.DataFrame, targets: pd.DataFrame, orders: pd.DataFrame | None = None, *,
                       settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Completion below the line (pace-adjusted in a running period), MoM drops, regions below the line.

    Only the latest complete period and the running one are checked, so an old miss does not
    alert every Monday. The owner is the row's salesperson, else the reps carrying the slice."""
    if perf.empty:
        return frame([])
    recent = recent_orders(orders, as_of, settings.rfm_window_days) if orders is not None else None
    rows = []
    latest = {}
    for freq, grp in perf.groupby("freq"):
        done = grp.loc[grp["elapsed"] >= 1, "period"]
        latest[freq] = {p for p in [done.max() if len(done) else None,
                                    grp.loc[grp["elapsed"] < 1, "period"].max()] if p is not None and p == p}
    target_rows = targets.set_index(["period", "salesperson", "product_line", "region"])["row"] \
        if not targets.empty else pd.Series(dtype="int64")
    for r in perf.itertuples(index=False):
        if r.period not in latest.get(r.freq, set()):
            continue
        who = " / ".join(str(x) for x in (r.salesperson, r.product_line, r.region) if isinstance(x, str))
        key_subject = f"{r.period_label} {who or TEAM_KEY}"
        subject = f"{r.period_label} {who}" if who else msg("alert.team", period=r.period_label)
        owner = r.salesperson if isinstance(r.salesperson, str) else (
            slice_reps(recent, r.product_line, r.region) if recent is not None else None)
        try:
            src_row = int(target_rows.get((r.period, r.salesperson, r.product_line, r.region)))
        except (TypeError, ValueError):
            src_row = None
        where = dict(sheet="targets" if src_row else None, row=src_row, column="target")
        if pd.notna(r.completion):
            line = settings.alert_completion_below
            is_region = isinstance(r.region, str) and not isinstance(r.salesperson, str)
            if is_region:
                line = settings.alert_region_completion_below
            expected = line * r.elapsed
            if r.completion < expected:
                rule = "region_low" if is_region else "completion_low"
                running = r.elapsed < 1
                short = max(float(r.target) - float(r.actual), 0.0)
                pace = msg("alert.pace", elapsed=Pct(r.elapsed), expected=Pct(expected)) if running else ""
                message = msg("alert.completion_low", subject=subject, completion=Pct(r.completion),
                              line=pct(line, 0), pace=pace, actual=Money(r.actual), target=Money(r.target),
                              short=Money(short))
                rows.append(dict(key=f"{rule}|{key_subject}", rule=rule, severity=HIGH if r.completion < line * 0.75 *
                                 r.elapsed else MEDIUM, subject=subject, owner=owner, stake=short, message=message,
                                 value=r.completion, baseline=expected,
                                 action=msg("alert.action.completion_low"), **where))
        if r.elapsed >= 1 and not isinstance(r.mom, str) and pd.notna(r.mom) and r.mom <= -settings.alert_mom_drop:
            prev = r.actual / (1 + r.mom) if r.mom != -1 else float("nan")
            rows.append(dict(key=f"mom_drop|{key_subject}", rule="mom_drop",
                             severity=HIGH if r.mom <= -2 * settings.alert_mom_drop else MEDIUM, subject=subject,
                             owner=owner, stake=prev - r.actual if pd.notna(prev) else float("nan"),
                             message=msg("alert.mom_drop", subject=subject, drop=Pct(-r.mom), actual=Money(r.actual),
                                         previous=Money(prev)),
                             value=r.mom, baseline=-settings.alert_mom_drop,
                             action=msg("alert.action.mom_drop"), **where))
    return frame(rows)


def share_alerts(products: pd.DataFrame, orders: pd.DataFrame | None = None, *, settings: Settings,
                 as_of: dt.date | None = None) -> pd.DataFrame:
    """A product line whose share of this year's sales fell by the 参数 points or more."""
    if "share_change" not in products or products.empty:
        return frame([])
    total = float(products["revenue"].clip(lower=0).sum()) if "revenue" in products else float("nan")
    recent = recent_orders(orders, as_of, settings.rfm_window_days) if orders is not None and as_of else None
    rows = []
    for r in products.itertuples(index=False):
        if pd.notna(r.share_change) and r.share_change <= -settings.alert_share_drop:
            subject = str(r.product_line)
            rows.append(dict(key=f"share_drop|{subject}", rule="share_drop", severity=MEDIUM, subject=subject,
                             owner=slice_reps(recent, subject, None) if recent is not None else None,
                             stake=-r.share_change * total,
                             message=msg("alert.share_drop", line=subject, share=Pct(r.share),
                                         change=Points(r.share_change)),
                             value=r.share_change, baseline=-settings.alert_share_drop,
                             action=msg("alert.action.share_drop")))
    return frame(rows)


def churn_rate_by_quarter(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Share of the customers who bought in quarter q−1 that bought nothing in quarter q."""
    a = pd.Timestamp(as_of)
    o = orders[orders["is_order"] & (orders["order_date"] <= a)]
    q = o.assign(q=o["order_date"].dt.to_period("Q"))
    sets = q.groupby("q")["customer_id"].agg(set)
    rows = []
    for p in sets.index:
        prev = sets.get(p - 1)
        if prev:
            lost = len(prev - sets[p])
            rows.append({"quarter": p, "base": len(prev), "lost": lost, "churn": lost / len(prev),
                         "complete": p.end_time <= a + pd.Timedelta(days=1)})
    return pd.DataFrame(rows, columns=["quarter", "base", "lost", "churn", "complete"])


def churn_alerts(orders: pd.DataFrame, customers: pd.DataFrame | None = None, *, settings: Settings,
                 as_of: dt.date) -> pd.DataFrame:
    """Returning-customer churn of the latest complete quarter up by the 参数 points or more."""
    c = churn_rate_by_quarter(orders, settings=settings, as_of=as_of)
    c = c[c["complete"]]
    if len(c) < 2:
        return frame([])
    last, before = c.iloc[-1], c.iloc[-2]
    up = last["churn"] - before["churn"]
    if up < settings.alert_churn_up:
        return frame([])
    o = orders[orders["is_order"] & (orders["order_date"] <= pd.Timestamp(as_of))]
    quarter = o["order_date"].dt.to_period("Q")
    base = o[quarter == last["quarter"] - 1]
    lost = set(base["customer_id"]) - set(o.loc[quarter == last["quarter"], "customer_id"])
    lost_rev = base[base["customer_id"].isin(lost)].groupby("customer_id")["revenue"].sum().sort_values(
        ascending=False)
    owners = customer_owners(orders, customers if customers is not None else pd.DataFrame())
    by_owner = owners.reindex(list(lost)).dropna().value_counts(sort=True)
    subject = f"{last['quarter']}"
    return frame([dict(key=f"churn_up|{subject}", rule="churn_up", severity=HIGH, subject=subject,
                       owner=names_text(by_owner.index), stake=float(lost_rev.sum()),
                       message=msg("alert.churn_up", quarter=subject, churn=Pct(last["churn"]),
                                   before=Pct(before["churn"]), up=Points(up), lost=int(last["lost"]),
                                   amount=Money(lost_rev.sum())),
                       value=last["churn"], baseline=before["churn"], action=msg("alert.action.churn_up"),
                       count=int(last["lost"]))])


def amount_alerts(orders: pd.DataFrame, customers: pd.DataFrame | None = None, *,
                  settings: Settings) -> pd.DataFrame:
    """Robust z of log amounts per customer (median/MAD over ≥ 4 orders) and ×1000+ unit slips (元 vs 万元).

    Only orders whose status counts as sales are checked (a 草稿 or 已取消 amount changes no number)."""
    o = orders[(orders["amount"] > 0) & orders["status"].isin(settings.revenue_statuses)]
    o = o[["row", "order_id", "customer_id", "customer_name", "salesperson", "amount"]]
    if o.empty:
        return frame([])
    g = o.groupby("customer_id")["amount"]
    med = g.transform("median")
    n = g.transform("size")
    # amounts are multiplicative (lognormal-ish): a robust z on the log scale
    log_amt = np.log(o["amount"])
    log_med = log_amt.groupby(o["customer_id"]).transform("median")
    mad = (log_amt - log_med).abs().groupby(o["customer_id"]).transform("median")
    z = 0.6745 * (log_amt - log_med) / mad.where(mad > 0)
    ratio_ = o["amount"] / med
    slip = (n >= 3) & ((ratio_ >= settings.alert_unit_slip) | (ratio_ <= 1 / settings.alert_unit_slip))
    outlier = (n >= 4) & (z.abs() >= settings.alert_outlier_z) & ~slip
    owners = customer_owners(orders, customers if customers is not None else pd.DataFrame())
    rows = []
    for idx in o.index[slip | outlier]:
        r = o.loc[idx]
        is_slip = bool(slip[idx])
        times = ratio_[idx]
        rule = "unit_slip" if is_slip else "outlier"
        times_msg = (msg("alert.times", n=number(times, 0)) if times >= 1
                     else msg("alert.times_inv", n=number(1 / times, 0)))
        why = msg("alert.unit_slip_why") if is_slip else msg("alert.outlier_why", z=Num(z[idx], 1))
        message = msg("alert.amount", order=str(r["order_id"]), amount=Money(r["amount"]), median=Money(med[idx]),
                      times=times_msg, why=why)
        rep = r["salesperson"] if isinstance(r["salesperson"], str) and r["salesperson"].strip() else \
            owners.get(r["customer_id"])
        rows.append(dict(key=f"{rule}|{r['order_id']}", rule=rule, severity=HIGH if is_slip else MEDIUM,
                         subject=str(r["order_id"]), owner=rep, stake=abs(float(r["amount"]) - float(med[idx])),
                         message=message, value=r["amount"], baseline=med[idx],
                         action=msg("alert.action.amount"), sheet="orders", row=int(r["row"]), column="amount"))
    return frame(rows)


def data_alerts(log: pd.DataFrame, sheet_keys: dict[str, str],
                column_keys: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Cleaning-log rows a person should look at, one alert per (rule, sheet, column): see
    :mod:`.alerts_data`. Keys are ``rule|sheet|column``, stable while rows come and go."""
    return frame(alerts_data.groups(log, sheet_keys, column_keys))


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """All alerts, one per key, ranked: severity, business before data quality, stake (highest
    first), then count."""
    parts = [f for f in frames if not f.empty]
    out = pd.concat(parts, ignore_index=True).drop_duplicates("key") if parts else frame([])
    rank = pd.DataFrame({"sev": out["severity"].map(SEVERITY_ORDER), "data": out["rule"].isin(list(alerts_data.DATA_RULES)),
                         "stake": -pd.to_numeric(out["stake"], errors="coerce").fillna(-np.inf),
                         "count": -pd.to_numeric(out["count"], errors="coerce").fillna(0)}, index=out.index)
    out = out.loc[rank.sort_values(["sev", "data", "stake", "count"], kind="stable").index]
    return out.reset_index(drop=True)[COLUMNS]
