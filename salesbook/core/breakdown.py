"""多维拆解 Breakdown and the KPI block (S0 阶段二, S3 步骤三, S4).

Definitions (for a date range [start, end]):
    销售额   counted revenue (refunds reduce it)
    订单量   counted orders with a positive amount
    客单价   销售额 / 订单量
    回款率   回款金额 / 销售额 (without a 回款金额 column: revenue of 已回款 orders / 销售额)
    退单率   cancelled orders / all orders with a status
    新客户数 customers whose first counted order ever is in the range
    新客户占比 新客户数 / customers with a counted order in the range
    复购率   customers with ≥ 2 counted orders in the range / customers with a counted order
    转化率   leads won / leads closed (won + lost);  成交周期 mean days created → won
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..settings import Settings
from .tables import growth, ratio


def _in(orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    return orders[(orders["order_date"] >= start) & (orders["order_date"] <= end)]


def first_order_dates(orders: pd.DataFrame, *, settings: Settings) -> pd.Series:
    counted = orders[orders["is_order"]]
    return counted.groupby("customer_id")["order_date"].min()


def kpis(orders: pd.DataFrame, start, end, *, settings: Settings, first_dates: pd.Series,
         leads: pd.DataFrame | None = None) -> dict[str, float]:
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    o = _in(orders, start, end)
    counted = o[o["status"].isin(settings.revenue_statuses)]
    revenue = float(counted["revenue"].sum())
    n_orders = int(counted["is_order"].sum())
    if "collected" in o and o["collected"].notna().any():
        collected = float(counted["collected"].fillna(0).sum())
    else:
        collected = float(counted.loc[counted["status"] == "已回款", "revenue"].sum())
    with_status = o[o["amount"].ne(0)]
    cancelled = int((with_status["status"] == "已取消").sum())
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
    }
    if leads is not None and not leads.empty:
        closed = leads[leads["stage"].isin(["成交", "丢单"])]
        won = closed[closed["stage"] == "成交"]
        out["lead_conversion"] = ratio(len(won), len(closed))
        cycle = (won["stage_date"] - won["created"]).dt.days
        out["deal_cycle_days"] = float(cycle.mean()) if cycle.notna().any() else float("nan")
    return out


KPI_LABELS = {
    "revenue": ("销售额", "amount"), "orders": ("订单量", "int"), "avg_ticket": ("客单价", "amount"),
    "collection_rate": ("回款率", "pct"), "cancel_rate": ("退单率", "pct"), "customers": ("成交客户数", "int"),
    "new_customers": ("新客户数", "int"), "new_share": ("新客户占比", "pct"), "repeat_rate": ("复购率", "pct"),
    "lead_conversion": ("线索转化率", "pct"), "deal_cycle_days": ("平均成交周期(天)", "num"),
}


def kpi_table(orders: pd.DataFrame, leads: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """metric · label · kind · this month · last month · change · year to date · same period last year · YoY."""
    a = pd.Timestamp(as_of)
    fd = first_order_dates(orders, settings=settings)
    month = a.replace(day=1)
    prev_start = (month - pd.DateOffset(months=1))
    prev_end = prev_start + pd.offsets.MonthEnd(0)
    # compare like with like: last month up to the same day of month
    prev_same_day = min(prev_start + pd.Timedelta(days=a.day - 1), prev_end)
    year = a.replace(month=1, day=1)
    ly_start, ly_end = year - pd.DateOffset(years=1), a - pd.DateOffset(years=1)
    cur = kpis(orders, month, a, settings=settings, first_dates=fd, leads=leads)
    prev = kpis(orders, prev_start, prev_same_day, settings=settings, first_dates=fd, leads=leads)
    ytd = kpis(orders, year, a, settings=settings, first_dates=fd, leads=leads)
    ly = kpis(orders, ly_start, ly_end, settings=settings, first_dates=fd, leads=leads)
    rows = []
    for key, (label, kind) in KPI_LABELS.items():
        if key not in cur:
            continue
        rows.append({"metric": key, "label": label, "kind": kind, "current": cur[key], "previous": prev[key],
                     "ytd": ytd[key], "last_year": ly[key]})
    t = pd.DataFrame(rows)
    t["change"] = growth(t["current"], t["previous"])
    t["yoy"] = growth(t["ytd"], t["last_year"])
    return t[["metric", "label", "kind", "current", "previous", "change", "ytd", "last_year", "yoy"]]


def monthly_trend(orders: pd.DataFrame, targets: pd.DataFrame, *, settings: Settings, as_of: dt.date,
                  months: int = 24) -> pd.DataFrame:
    a = pd.Timestamp(as_of)
    start = (a.replace(day=1) - pd.DateOffset(months=months - 1))
    o = _in(orders, start, a)
    counted = o[o["status"].isin(settings.revenue_statuses)]
    m = counted.assign(month=counted["order_date"].dt.to_period("M"))
    g = m.groupby("month")
    fd = first_order_dates(orders, settings=settings)
    new = fd[(fd >= start) & (fd <= a)].dt.to_period("M").value_counts()
    idx = pd.period_range(start, a, freq="M", name="month")
    t = pd.DataFrame(index=idx)
    t["revenue"] = g["revenue"].sum().reindex(idx).fillna(0.0)
    t["orders"] = g["is_order"].sum().reindex(idx).fillna(0).astype("int64")
    t["avg_ticket"] = ratio(t["revenue"], t["orders"].astype("float64"))
    t["customers"] = m[m["is_order"]].groupby("month")["customer_id"].nunique().reindex(idx).fillna(0).astype("int64")
    t["new_customers"] = new.reindex(idx).fillna(0).astype("int64")
    t["target"] = monthly_targets(targets).reindex(idx)
    t["completion"] = ratio(t["revenue"], t["target"])
    # the running month is compared with the same share of the base month (see performance)
    pace = pd.Series(1.0, index=idx)
    pace.iloc[-1] = min(1.0, a.day / a.days_in_month)
    t["mom"] = growth(t["revenue"], t["revenue"].shift(1) * pace)
    t["yoy"] = growth(t["revenue"], t["revenue"].shift(12) * pace)
    t = t.reset_index()
    t["month"] = t["month"].astype(str)
    return t


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
                 targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year to date by one dimension: revenue, share, orders, customers, ticket, growth vs last year,
    margin when costs exist, target and completion when targets exist at that grain."""
    a = pd.Timestamp(as_of)
    year = a.replace(month=1, day=1)
    cur = _in(orders, year, a)
    ly = _in(orders, year - pd.DateOffset(years=1), a - pd.DateOffset(years=1))
    cur = cur[cur["status"].isin(settings.revenue_statuses)]
    ly = ly[ly["status"].isin(settings.revenue_statuses)]
    key = cur[dim].fillna("(未填)")
    g = cur.groupby(key)
    t = pd.DataFrame({"revenue": g["revenue"].sum()})
    t.index.name = dim
    total = t["revenue"].sum()
    t["share"] = t["revenue"] / total if total else np.nan
    t["orders"] = g["is_order"].sum().astype("int64")
    t["customers"] = cur[cur["is_order"]].groupby(key)["customer_id"].nunique().reindex(t.index).fillna(0)
    t["avg_ticket"] = ratio(t["revenue"], t["orders"].astype("float64"))
    ly_rev = ly.groupby(ly[dim].fillna("(未填)"))["revenue"].sum()
    t["yoy"] = growth(t["revenue"], ly_rev.reindex(t.index))
    ly_total = ly_rev.sum()
    ly_share = ly_rev / ly_total if ly_total else ly_rev * np.nan
    t["share_change"] = t["share"] - ly_share.reindex(t.index)
    if "cost" in cur and cur["cost"].notna().any():
        cost = g["cost"].sum()
        t["margin"] = t["revenue"] - cost
        t["margin_rate"] = ratio(t["margin"], t["revenue"])
    if dim == "salesperson":
        firsts = orders[orders["is_order"]].sort_values("order_date").drop_duplicates("customer_id")
        firsts = firsts[(firsts["order_date"] >= year) & (firsts["order_date"] <= a)]
        t["new_customers"] = firsts.groupby(firsts[dim].fillna("(未填)")).size().reindex(t.index).fillna(0)
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
    """明星 star: above-average share and growing; 待改进 to fix: shrinking; else 稳定 steady."""
    avg = 1 / len(t) if len(t) else 0
    growing = t["yoy"].map(lambda v: isinstance(v, str) or v > 0)
    out = np.where((t["share"] >= avg) & growing, "明星", np.where(~growing, "待改进", "稳定"))
    return pd.Series(out, index=t.index)


def customer_types(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Year to date split into 新客户 new / 老客户 returning / 复购客户 repeat (≥2 orders this year)."""
    a = pd.Timestamp(as_of)
    year = a.replace(month=1, day=1)
    fd = first_order_dates(orders, settings=settings)
    cur = _in(orders, year, a)
    cur = cur[cur["status"].isin(settings.revenue_statuses)]
    per = cur.groupby("customer_id").agg(revenue=("revenue", "sum"), orders=("is_order", "sum"))
    per = per[per["orders"] > 0]
    first = fd.reindex(per.index)
    kind = np.where(first >= year, "新客户", np.where(per["orders"] >= 2, "复购客户", "老客户"))
    per["type"] = kind
    t = per.groupby("type").agg(customers=("revenue", "size"), revenue=("revenue", "sum"),
                                orders=("orders", "sum"))
    t = t.reindex(["新客户", "老客户", "复购客户"]).fillna(0)
    total = t["revenue"].sum()
    t["share"] = t["revenue"] / total if total else np.nan
    t["customers"] = t["customers"].astype("int64")
    t["orders"] = t["orders"].astype("int64")
    return t.reset_index()
