"""多维拆解 Breakdown and the KPI block (S0 阶段二, S3 步骤三, S4).

Definitions (for a date range [start, end]):
    销售额   counted revenue (refunds reduce it)
    订单量   counted orders with a positive amount
    客单价   销售额 / 订单量
    回款率   回款金额 / 销售额 (without a 回款金额 column: revenue of 已回款 orders / 销售额)
    退单率   cancelled orders / orders with a non-zero amount (草稿 drafts are not orders)
    新客户数 customers who became customers in the range (:func:`.periods.new_customer_dates`)
    新客户占比 新客户数 / customers with a counted order in the range
    复购率   customers with ≥ 2 counted orders in the range / customers with a counted order
    转化率   leads won in the range / leads closed (won or lost) in it, by the closing date
             (stage_date);  成交周期 mean days created → won of the leads won in the range
    人均销售额, 客户流失率, LTV, CAC, 产品复购率: see :mod:`.kpi_customers` (definitions there);
    the day and week trends: :mod:`.trends`

Comparisons follow the one period rule of :mod:`.periods`. A rate's change (回款率, 退单率,
新客户占比, 复购率, 转化率) is a difference in percentage points (kind ``pp``), a count's or
amount's change a growth in percent (kind ``growth``): the KPI frame says which per row in
``change_kind`` / ``yoy_kind``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..messages import msg
from ..settings import Settings
from . import funnel, periods
from . import kpi_customers as kc
from .parse import STATUS_CANCELLED, STATUS_DRAFT
from .tables import growth, point_change, ratio

QUADRANT_STAR, QUADRANT_TO_FIX, QUADRANT_STEADY = "star", "to_fix", "steady"  # vocabulary domain "quadrant"
TYPE_NEW, TYPE_RETURNING, TYPE_REPEAT = "new", "returning", "repeat"  # vocabulary domain "customer_type"


def _in(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    return orders[(orders["order_date"] >= start) & (orders["order_date"] <= end)]


def first_order_dates(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date | None = None,
                      customers: pd.DataFrame | None = None) -> pd.Series:
    """customer_id → the day the customer became one; NaT when before the data (see :mod:`.periods`)."""
    a = as_of if as_of is not None else orders["order_date"].max()
    return periods.new_customer_dates(orders, customers, settings=settings, as_of=a)


def kpis(orders: pd.DataFrame, start, end, *, settings: Settings, first_dates: pd.Series,
         leads: pd.DataFrame | None = None, base=None, data_start=None) -> dict[str, float]:
    """The KPIs of the days [start, end] (module docstring). ``base`` (the span's comparison
    base) and ``data_start`` add 客户流失率 and LTV; CAC rows come with 参数 acquisition_costs."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    o = _in(orders, start, end)
    counted = o[o["status"].isin(settings.revenue_statuses)]
    revenue = float(counted["revenue"].sum())
    n_orders = int(counted["is_order"].sum())
    if "collected" in o and o["collected"].notna().any():
        collected = float(counted["collected"].fillna(0).sum())
    else:
        collected = float(counted.loc[counted["status"] == "已回款", "revenue"].sum())
    with_status = o[o["amount"].ne(0) & o["status"].ne(STATUS_DRAFT)]
    cancelled = int((with_status["status"] == STATUS_CANCELLED).sum())
    active = counted[counted["is_order"]].groupby("customer_id").size()
    firsts = first_dates[(first_dates >= start) & (first_dates <= end)]
    new = int(firsts.index.isin(active.index).sum())
    out = {
        "revenue": revenue,
        "orders": n_orders,
        "avg_ticket": ratio(revenue, n_orders),
        "collection_rate": ratio(collected, revenue),
        "cancel_rate": ratio(cancelled, len(with_status)),
        "customers": int(len(active)),
        "new_customers": new,
        "new_share": ratio(new, len(active)),
        "repeat_rate": ratio(int((active >= 2).sum()), len(active)),
        "per_rep_revenue": kc.per_rep_revenue(counted),
    }
    if data_start is not None:
        every = orders[orders["status"].isin(settings.revenue_statuses)]
        out["ltv"] = kc.ltv(every, end, data_start)
        for ch, v in kc.cac(counted, start, end, firsts.index[firsts.index.isin(active.index)],
                            dict(settings.acquisition_costs)).items():
            out[f"cac:{ch}"] = v
        if base is not None:
            out["churn_rate"] = kc.churn_rate(every, (start, end), base, data_start)
    if leads is not None and not leads.empty:  # the funnel's own lead states: one definition for both sheets
        out.update(funnel.lead_kpis(leads, start, end))
    return out


RATES = frozenset({"collection_rate", "cancel_rate", "new_share", "repeat_rate", "churn_rate", "lead_conversion"})


# metric → its kind; the metric is also the label's code (vocabulary domain "kpi").
# rows of one kind stay together where the reading allows: the writer formats a run of equal kinds in one call
KPI_KINDS = {
    "revenue": "amount", "orders": "int", "avg_ticket": "amount", "per_rep_revenue": "amount", "ltv": "amount",
    "cac": "amount", "collection_rate": "pct", "cancel_rate": "pct", "customers": "int", "new_customers": "int",
    "new_share": "pct", "repeat_rate": "pct", "churn_rate": "pct", "lead_conversion": "pct", "deal_cycle_days": "num",
}


def kpi_table(orders: pd.DataFrame, leads: pd.DataFrame, *, settings: Settings, as_of: dt.date,
              customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """metric · label · kind · this month · last month · change · year to date · same period last year · YoY.

    ``label`` is a code of the vocabulary domain "kpi" (the metric), or for a CAC row a message
    naming the channel (``kpi.cac``); the edge renders it and adds the display unit to amounts.

    本月 runs from the 1st to as-of; 上月同期 is the same days of last month (the whole of last
    month once as-of is a month's last day); 今年累计 and 去年同期 likewise for the year. ``change``
    and ``yoy`` are growth for amounts and counts, point differences for rates (``*_kind``)."""
    a = pd.Timestamp(as_of)
    fd = first_order_dates(orders, settings=settings, as_of=as_of, customers=customers)
    start = periods.data_start(orders, as_of)
    month, year = a.to_period("M"), a.to_period("Y")
    prev = periods.base_span(month, 1, a)
    ly = periods.base_span(year, 12, a)

    def at(sp, base):
        return kpis(orders, sp[0], sp[1], settings=settings, first_dates=fd, leads=leads, base=base,
                    data_start=start)

    # each column's own base (客户流失率): the month before it, or the year before it, like-for-like
    cur, ytd = at(periods.span(month, a), prev), at(periods.span(year, a), ly)
    prv, lst = at(prev, periods.base_span(month, 2, a)), at(ly, periods.base_span(year, 24, a))
    rows = []
    for key, kind in KPI_KINDS.items():
        keys = [k for k in cur if k.startswith("cac:")] if key == "cac" else [key]
        for k in keys:
            if k not in cur:
                continue
            label = msg("kpi.cac", channel=k[4:]) if key == "cac" else key
            rows.append({"metric": k, "label": label, "kind": kind, "current": cur[k], "previous": prv[k],
                         "ytd": ytd[k], "last_year": lst[k]})
    t = pd.DataFrame(rows)
    rate = t["metric"].isin(RATES)
    # a mean over nothing (no lead won in the base) has no growth: unknown, not 新增
    mean = t["metric"].isin(["deal_cycle_days", "ltv", "per_rep_revenue"]) | t["metric"].str.startswith("cac:")
    prev_known = pd.Series(periods.base_known(prev, start), index=t.index) & ~(mean & t["previous"].isna())
    ly_known = pd.Series(periods.base_known(ly, start), index=t.index) & ~(mean & t["last_year"].isna())
    t["change"] = growth(t["current"], t["previous"], prev_known).where(
        ~rate, point_change(t["current"], t["previous"], prev_known))
    t["yoy"] = growth(t["ytd"], t["last_year"], ly_known).where(~rate, point_change(t["ytd"], t["last_year"],
                                                                                    ly_known))
    t["change_kind"] = t["yoy_kind"] = ["pp" if r else "growth" for r in rate]
    return t[["metric", "label", "kind", "current", "previous", "change", "change_kind", "ytd", "last_year", "yoy",
              "yoy_kind"]]


def monthly_trend(orders: pd.DataFrame, targets: pd.DataFrame, *, settings: Settings, as_of: dt.date,
                  months: int = 24, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The last ``months`` months up to as-of, starting no earlier than the first month with data.

    环比/同比 follow the one period rule and look back over all history (2025-01 compares with
    2024-01 even when 2024-01 is not shown)."""
    a = pd.Timestamp(as_of)
    first = periods.data_start(orders, as_of)
    cols = ["month", "revenue", "orders", "avg_ticket", "customers", "new_customers", "target", "completion", "mom",
            "yoy"]
    if first is None:
        return pd.DataFrame(columns=cols)
    start = max(a.to_period("M") - (months - 1), first.to_period("M"))
    idx = pd.period_range(start, a.to_period("M"), freq="M", name="month")
    counted = periods.counted(orders, settings=settings, as_of=as_of)
    m = counted.assign(month=counted["order_date"].dt.to_period("M"))
    g = m[m["month"] >= start].groupby("month")
    fd = first_order_dates(orders, settings=settings, as_of=as_of, customers=customers)
    new = fd.dropna().dt.to_period("M").value_counts()
    t = pd.DataFrame(index=idx)
    t["revenue"] = g["revenue"].sum().reindex(idx).fillna(0.0)
    t["orders"] = g["is_order"].sum().reindex(idx).fillna(0).astype("int64")
    t["avg_ticket"] = ratio(t["revenue"], t["orders"].astype("float64"))
    real = m[m["is_order"] & (m["month"] >= start)]
    t["customers"] = real.groupby("month")["customer_id"].nunique().reindex(idx).fillna(0).astype("int64")
    t["new_customers"] = new.reindex(idx).fillna(0).astype("int64")
    t["target"] = monthly_targets(targets).reindex(idx)
    t["completion"] = ratio(t["revenue"], t["target"])
    dates = counted["order_date"]
    for which in ("mom", "yoy"):
        bases = [periods.base_span(p, periods.months_back("M", which), a) for p in idx]
        base = pd.Series([float(counted.loc[(dates >= b[0]) & (dates <= b[1]), "revenue"].sum()) for b in bases],
                         index=idx)
        known = pd.Series([periods.base_known(b, first) for b in bases], index=idx)
        t[which] = growth(t["revenue"], base, known)
    t = t.reset_index()
    t["month"] = t["month"].astype(str)
    return t[cols]


def monthly_targets(targets: pd.DataFrame) -> pd.Series:
    """Team target per month: the monthly target rows of the most common grain, summed."""
    if targets.empty:
        return pd.Series(dtype="float64")
    t = targets[targets["period"].map(lambda p: p.freqstr.startswith("M"))]
    if t.empty:
        return pd.Series(dtype="float64")
    grain = t[["salesperson", "product_line", "region"]].notna().apply(tuple, axis=1)
    t = t[grain == grain.value_counts().index[0]]
    s = t.groupby(t["period"].map(lambda p: p.asfreq("M")))["target"].sum()
    s.index = pd.PeriodIndex(s.index, freq="M")
    return s


def by_dimension(orders: pd.DataFrame, dim: str, *, settings: Settings, as_of: dt.date,
                 targets: pd.DataFrame | None = None, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year to date by one dimension: revenue, share, orders, customers, ticket, growth vs the same
    days last year (``yoy``; NaN when last year is before the data), ``share_change`` in points,
    margin when costs exist, target and completion when targets exist at that grain."""
    a = pd.Timestamp(as_of)
    year = a.replace(month=1, day=1)
    data_start = periods.data_start(orders, as_of)
    ly_span = periods.base_span(a.to_period("Y"), 12, a)
    ly_known = periods.base_known(ly_span, data_start)
    counted = periods.counted(orders, settings=settings, as_of=as_of)
    cur = _in(counted, year, a)
    ly = _in(counted, *ly_span)
    key = cur[dim].fillna(kc.BLANK)
    g = cur.groupby(key)
    t = pd.DataFrame({"revenue": g["revenue"].sum()})
    t.index.name = dim
    total = t["revenue"].sum()
    t["share"] = t["revenue"] / total if total else np.nan
    t["orders"] = g["is_order"].sum().astype("int64")
    t["customers"] = cur[cur["is_order"]].groupby(key)["customer_id"].nunique().reindex(t.index).fillna(0)
    t["avg_ticket"] = ratio(t["revenue"], t["orders"].astype("float64"))
    ly_rev = ly.groupby(ly[dim].fillna(kc.BLANK))["revenue"].sum()
    known = pd.Series(ly_known, index=t.index)
    t["yoy"] = growth(t["revenue"], ly_rev.reindex(t.index), known)
    ly_total = ly_rev.sum()
    ly_share = (ly_rev / ly_total if ly_total else ly_rev * np.nan).reindex(t.index)
    # a line that sold nothing last year had a 0% share then (when last year is in the data)
    t["share_change"] = point_change(t["share"], ly_share.fillna(0.0) if ly_total else ly_share, known)
    if "cost" in cur and cur["cost"].notna().any():
        cost = g["cost"].sum()
        t["margin"] = t["revenue"] - cost
        t["margin_rate"] = ratio(t["margin"], t["revenue"])
    if dim == "salesperson":
        became = first_order_dates(orders, settings=settings, as_of=as_of, customers=customers)
        became = became[(became >= year) & (became <= a)]
        firsts = counted[counted["is_order"]].sort_values("order_date").drop_duplicates("customer_id")
        firsts = firsts[firsts["customer_id"].isin(became.index) & (firsts["order_date"] >= year)]
        t["new_customers"] = firsts.groupby(firsts[dim].fillna(kc.BLANK)).size().reindex(t.index).fillna(0)
        if "collected" in cur and cur["collected"].notna().any():
            coll = g["collected"].sum()
        else:
            coll = cur[cur["status"] == "已回款"].groupby(key)["revenue"].sum().reindex(t.index).fillna(0)
        t["collection_rate"] = ratio(coll, t["revenue"])
        s = settings
        top_rev = t["revenue"].max() or 1.0
        top_new = t["new_customers"].max() or 1.0
        t["score"] = 100 * (s.score_weight_sales * t["revenue"] / top_rev
                            + s.score_weight_collection * t["collection_rate"].fillna(0).clip(upper=1)
                            + s.score_weight_new * t["new_customers"] / top_new)
    if targets is not None and not targets.empty and dim in targets:
        tt = targets[targets[dim].notna()]
        other = [d for d in ("salesperson", "product_line", "region") if d != dim]
        tt = tt[tt[other].isna().all(axis=1)]
        in_year = tt["period"].map(lambda p: p.start_time >= year and p.end_time <= a + pd.Timedelta(days=1)
                                   or (p.start_time <= a <= p.end_time))
        tt = tt[in_year]
        if not tt.empty:
            t["target"] = tt.groupby(dim)["target"].sum().reindex(t.index)
            t["completion"] = ratio(t["revenue"], t["target"])
    t = t.sort_values("revenue", ascending=False)
    t["rank"] = np.arange(1, len(t) + 1)
    if dim == "product_line":
        t["quadrant"] = _quadrant(t)
    return t.reset_index()


def _quadrant(t: pd.DataFrame) -> pd.Series:
    """The code of a line's position: star (明星, above-average share and growing), to_fix (待改进,
    shrinking), else steady (稳定)."""
    avg = 1 / len(t) if len(t) else 0
    growing = t["yoy"].map(lambda v: isinstance(v, str) or v > 0)
    out = np.where((t["share"] >= avg) & growing, QUADRANT_STAR, np.where(~growing, QUADRANT_TO_FIX, QUADRANT_STEADY))
    return pd.Series(out, index=t.index)


def customer_types(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date,
                   customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year to date split by customer type, as codes (vocabulary domain "customer_type"): new (新客户,
    became a customer this year) / returning (老客户) / repeat (复购客户, returning, ≥2 orders this year)."""
    a = pd.Timestamp(as_of)
    year = a.replace(month=1, day=1)
    fd = first_order_dates(orders, settings=settings, as_of=as_of, customers=customers)
    cur = _in(periods.counted(orders, settings=settings, as_of=as_of), year, a)
    per = cur.groupby("customer_id").agg(revenue=("revenue", "sum"), orders=("is_order", "sum"))
    per = per[per["orders"] > 0]
    first = fd.reindex(per.index)
    kind = np.where(first >= year, TYPE_NEW, np.where(per["orders"] >= 2, TYPE_REPEAT, TYPE_RETURNING))
    per["type"] = kind
    t = per.groupby("type").agg(customers=("revenue", "size"), revenue=("revenue", "sum"),
                                orders=("orders", "sum"))
    t = t.reindex([TYPE_NEW, TYPE_RETURNING, TYPE_REPEAT]).fillna(0)
    total = t["revenue"].sum()
    t["share"] = t["revenue"] / total if total else np.nan
    t["customers"] = t["customers"].astype("int64")
    t["orders"] = t["orders"].astype("int64")
    return t.reset_index()
