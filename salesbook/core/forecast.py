"""达成概率 P(hit target): the chance that a running period ends at or above its target.

Method. Take the group's (rep's, product line's, region's — whatever the target row names) counted
revenue per calendar day over the ``history_days`` before the period started, zero days included.
Treat the remaining ``n`` days of the period as ``n`` independent draws from that daily distribution:
by the central limit theorem their sum is close to Normal(n·μ, n·σ²), where μ and σ are the mean and
standard deviation of a day. Then

    P(hit) = P(actual so far + remaining ≥ target) = 1 − Φ((target − actual − n·μ) / (σ·√n)).

A target already reached is 1; a period with no day left is 1 or 0; a group with fewer than
``min_days`` of history before the period (a new rep) has no estimate (NaN) rather than a guess.
The pace so far enters through ``actual``; the history gives the spread, so a rep whose days are
lumpy (few large orders) gets a probability nearer 50% than a steady one at the same pace.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

HISTORY_DAYS = 365
MIN_DAYS = 60


def hit_probability(actual: float, target: float, days_left: int, daily: np.ndarray) -> float:
    """P(actual + the sum of ``days_left`` days drawn like ``daily`` ≥ target), by the normal approximation."""
    if not target or not math.isfinite(target) or target <= 0:
        return float("nan")
    if actual >= target:
        return 1.0
    if days_left <= 0:
        return 0.0
    mu, sigma = float(np.mean(daily)), float(np.std(daily, ddof=1)) if len(daily) > 1 else 0.0
    need = target - actual - days_left * mu
    if sigma == 0:
        return 1.0 if need <= 0 else 0.0
    z = need / (sigma * math.sqrt(days_left))
    return 0.5 * math.erfc(z / math.sqrt(2))  # 1 − Φ(z)


def daily_revenue(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Counted revenue per calendar day in [start, end], zero days included."""
    o = orders[(orders["order_date"] >= start) & (orders["order_date"] <= end)]
    per_day = o.groupby(o["order_date"].dt.normalize())["revenue"].sum()
    return per_day.reindex(pd.date_range(start, end, freq="D"), fill_value=0.0)


def attainment(perf: pd.DataFrame, orders: pd.DataFrame, *, as_of: dt.date, history_days: int = HISTORY_DAYS,
               min_days: int = MIN_DAYS, dims: tuple[str, ...] = ("salesperson", "product_line", "region")
               ) -> pd.Series:
    """P(hit target) for each running row of ``perf`` (period holding ``as_of``, a target); NaN elsewhere.

    ``perf`` needs period (pd.Period), actual, target and the dimension columns a target may name;
    ``orders`` the counted orders with order_date, revenue and those dimensions.
    """
    a = pd.Timestamp(as_of)
    out = pd.Series(np.nan, index=perf.index, dtype="float64")
    first_order = orders["order_date"].min() if len(orders) else a
    for i, r in perf.iterrows():
        p = r["period"]
        start, end = p.start_time, p.end_time.normalize()
        if not (start <= a <= end) or pd.isna(r.get("target")):
            continue
        mask = pd.Series(True, index=orders.index)
        for d in dims:
            if d in perf and d in orders and pd.notna(r.get(d)):
                mask &= orders[d] == r[d]
        hist_start = max(start - pd.Timedelta(days=history_days), first_order.normalize())
        hist_end = start - pd.Timedelta(days=1)
        if (hist_end - hist_start).days + 1 < min_days:
            continue
        daily = daily_revenue(orders[mask], hist_start, hist_end).to_numpy()
        out.loc[i] = hit_probability(float(r["actual"]), float(r["target"]), (end - a).days, daily)
    return out
