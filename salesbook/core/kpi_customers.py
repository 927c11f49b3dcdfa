"""Customer KPIs of the 多维拆解 KPI block (S4): 人均销售额, 客户流失率, LTV, CAC, 产品复购率.

All of them count only orders whose status counts as revenue, on or before the as-of date, and
an order is a counted row with a positive amount (``is_order``), as in :mod:`.breakdown`.

    人均销售额 per_rep_revenue  销售额 of the span / salespeople with at least one counted order in it
    客户流失率 churn_rate       customers with a counted order in the base span B (the span's comparison
                               base under the period rule of :mod:`.periods`) and none in the span P
                               / customers with a counted order in B.  本月 (days 1..d) thus compares with
                               days 1..d of last month; 上月同期 is that base against days 1..d of the
                               month before; 今年累计 against the same days last year.  Unknown (—) when
                               B lies before the data or nobody bought in B.
    LTV        ltv              historical, at the span's last day E:  V × L, where
                               V = revenue per customer per year = counted revenue of the 365 days
                                   ending E / customers who bought in them, and
                               L = average active years = over every customer with a counted order up
                                   to E, the mean number of the 365-day years counted back from E
                                   (E−364…E, E−729…E−365, …) in which they bought.
                               It is historical, not a forecast: the data's length caps L (a customer
                               of 10 years counts only the years in the export).  Unknown when the
                               data starts later than E−364 (no full year for V).
    CAC        cac:<渠道>        acquisition spend of the span / new customers of that channel in it.
                               Spend = 参数 acquisition_costs (a monthly amount per channel) × the
                               span's share of each month it touches (days in span / days in month).
                               A new customer (:mod:`.periods` rule) belongs to the channel of their
                               first counted order in the span.  No row without the setting.
    产品复购率  (block by line)   per product line, year to date: customers with ≥ 2 counted orders of
                               that line / customers with ≥ 1; beside the same days last year and
                               the change in percentage points.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..settings import Settings
from . import periods
from .tables import point_change, ratio

YEAR_DAYS = 365

# an empty dimension cell, grouped as one value; vocabulary domain "blank" shows it (未填) / (blank).
# Kept as this text (not a new code) because alert keys name the product line it stands for.
BLANK = "(未填)"


def _span(c: pd.DataFrame, start, end) -> pd.DataFrame:
    return c[(c["order_date"] >= start) & (c["order_date"] <= end)]


def per_rep_revenue(counted: pd.DataFrame) -> float:
    """Revenue / salespeople with at least one counted order in ``counted`` (already one span)."""
    reps = counted.loc[counted["is_order"], "salesperson"].dropna().nunique()
    return ratio(float(counted["revenue"].sum()), reps)


def churn_rate(counted: pd.DataFrame, span, base, data_start) -> float:
    """Customers of ``base`` with no counted order in ``span`` / customers of ``base`` (see module)."""
    if not periods.base_known(base, data_start):
        return float("nan")
    real = counted[counted["is_order"]]
    before = set(_span(real, *base)["customer_id"])
    now = set(_span(real, *span)["customer_id"])
    return ratio(len(before - now), len(before))


def ltv(counted: pd.DataFrame, end, data_start) -> float:
    """Historical LTV at ``end``: revenue per customer per year × average active years (module docstring)."""
    end = pd.Timestamp(end)
    if data_start is None or data_start > end - pd.Timedelta(days=YEAR_DAYS - 1):
        return float("nan")
    hist = counted[counted["order_date"] <= end]
    year = hist[hist["order_date"] > end - pd.Timedelta(days=YEAR_DAYS)]
    buyers = year.loc[year["is_order"], "customer_id"].nunique()
    value = ratio(float(year["revenue"].sum()), buyers)
    real = hist[hist["is_order"]]
    if real.empty:
        return float("nan")
    back = (end - real["order_date"]).dt.days // YEAR_DAYS
    years = back.groupby(real["customer_id"]).nunique()
    return value * float(years.mean())


def spend(costs: dict[str, float], start, end) -> dict[str, float]:
    """Each channel's monthly spend × the share of each month the span [start, end] covers."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    share = 0.0
    for m in pd.period_range(start.to_period("M"), end.to_period("M"), freq="M"):
        m_start, m_end = periods.bounds(m)
        days = (min(end, m_end) - max(start, m_start)).days + 1
        share += days / m.days_in_month
    return {ch: amount * share for ch, amount in costs.items()}


def cac(counted: pd.DataFrame, start, end, new_ids, costs: dict[str, float]) -> dict[str, float]:
    """channel → spend of [start, end] / new customers of the channel (first counted order in the span)."""
    real = _span(counted[counted["is_order"]], start, end)
    first = real[real["customer_id"].isin(set(new_ids))].sort_values("order_date", kind="stable")
    first = first.drop_duplicates("customer_id")
    n = first.groupby(first["channel"].fillna(BLANK)).size() if "channel" in first else pd.Series(dtype="int64")
    return {ch: ratio(s, int(n.get(ch, 0))) for ch, s in spend(costs, start, end).items()}


def product_repeat(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """产品复购率 per product line, year to date and the same days last year (module docstring).

    Columns: product_line · customers · repeat_customers · repeat_rate · last_year · change (pp)."""
    a = pd.Timestamp(as_of)
    cols = ["product_line", "customers", "repeat_customers", "repeat_rate", "last_year", "change"]
    c = periods.counted(orders, settings=settings, as_of=as_of)
    c = c[c["is_order"]]
    if c.empty:
        return pd.DataFrame(columns=cols)
    c = c.assign(product_line=c["product_line"].fillna(BLANK))
    ly_span = periods.base_span(a.to_period("Y"), 12, a)
    known = periods.base_known(ly_span, periods.data_start(orders, as_of))

    def rates(part: pd.DataFrame) -> pd.DataFrame:
        n = part.groupby(["product_line", "customer_id"]).size()
        g = n.groupby(level="product_line")
        return pd.DataFrame({"customers": g.size(), "repeat_customers": g.apply(lambda s: int((s >= 2).sum()))})

    cur = rates(_span(c, a.replace(month=1, day=1), a))
    if cur.empty:
        return pd.DataFrame(columns=cols)
    ly = rates(_span(c, *ly_span)).reindex(cur.index)
    t = cur.astype("int64")
    t["repeat_rate"] = ratio(t["repeat_customers"], t["customers"])
    t["last_year"] = ratio(ly["repeat_customers"], ly["customers"])
    t["change"] = point_change(t["repeat_rate"], t["last_year"], pd.Series(known, index=t.index))
    t = t.sort_values(["customers", "repeat_rate"], ascending=False, kind="stable")
    return t.reset_index()[cols]
