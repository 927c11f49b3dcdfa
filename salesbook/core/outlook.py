"""What comes next, added to the sheets: churn probability on RFM, the chance of hitting each running target.

* RFM gains 活跃概率 (P(alive)) and 未来90天预计订单 from the BG/NBD model (:mod:`.bgnbd`) fitted to the
  counted orders up to the as-of date. With too few repeat buyers to trust a fit, both stay empty and the
  sheet's title says so (the silent-customer rule, based on each customer's own purchase cycle, still runs).
* 业绩分析 gains 达成概率 for the rows of the running period (:mod:`.forecast`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..messages import Msg, msg
from ..settings import Settings
from . import bgnbd, forecast

HORIZON_DAYS = 90


def counted_orders(orders: pd.DataFrame, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Orders that count as sales (status and a positive amount), up to the as-of date."""
    ok = orders["status"].isin(settings.revenue_statuses) & (orders["order_date"] <= pd.Timestamp(as_of))
    if "is_order" in orders:
        ok &= orders["is_order"]
    return orders[ok]


def with_churn(rfm_table: pd.DataFrame, orders: pd.DataFrame, *, settings: Settings, as_of: dt.date
               ) -> tuple[pd.DataFrame, bgnbd.Fit]:
    """A copy of ``rfm_table`` with p_alive and expected_90d per customer, and the fit (``fit.ok`` False:
    empty columns, ``fit.reason`` says why)."""
    fit, scored = bgnbd.score(counted_orders(orders, settings, as_of), as_of, horizon_days=HORIZON_DAYS)
    out = rfm_table.copy()
    ids = out["customer_id"] if "customer_id" in out else pd.Series(dtype=object)
    out["p_alive"] = ids.map(scored["p_alive"]).astype("float64")
    out["expected_90d"] = ids.map(scored["expected_90d"]).astype("float64")
    return out, fit


def churn_title(fit: bgnbd.Fit) -> Msg:
    """What the RFM sheet's title says about the churn columns (a message, rendered at the edge)."""
    if fit.ok:
        return msg("rfm.churn_fit", customers=int(fit.customers), repeat=int(fit.repeat_buyers))
    return msg("rfm.churn_none")


def with_attainment(perf: pd.DataFrame, orders: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """A copy of ``perf`` with p_hit: the chance each running period's row ends at or above its target."""
    out = perf.copy()
    if out.empty:
        out["p_hit"] = pd.Series(dtype="float64")
        return out
    out["p_hit"] = forecast.attainment(out, counted_orders(orders, settings, as_of), as_of=as_of)
    return out
