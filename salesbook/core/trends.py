"""Day and week trends beside the monthly one (S0 日/周/月, SPEC §4 多维拆解 by time).

    日趋势 daily_trend    the last ``days`` (30) days ending at as-of, from the data's first day on;
                          较上周同日 compares a day with the same weekday a week earlier.
    周趋势 weekly_trend   the last ``weeks`` (12) ISO weeks (Monday to Sunday) up to the one holding
                          as-of, from the data's first week on; 环比 against the week before and 同比
                          against the same ISO week number of the previous ISO year.

Columns as the monthly trend where they make sense (no target: targets are monthly or longer):
销售额 (counted revenue), 订单量, 客单价, 成交客户数, 新客户数 (customers who became one that day or
week, :mod:`.periods`). The running week (the one holding as-of) follows the period rule: its days
Monday…as-of compare with the same weekdays of the base week. Nothing after as-of counts. A base
before the data is unknown (—); a base inside the data that sold nothing gives 新增.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..settings import Settings
from . import periods
from .tables import growth, ratio

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # codes (vocabulary domain "weekday")
COLUMNS = ["revenue", "orders", "avg_ticket", "customers", "new_customers"]


def _sums(counted: pd.DataFrame, bases: list[tuple[pd.Timestamp, pd.Timestamp] | None]) -> pd.Series:
    """Counted revenue of each [start, end] (NaN for None), by binary search on the sorted dates."""
    c = counted.sort_values("order_date", kind="stable")
    dates = c["order_date"].to_numpy()
    cum = np.concatenate([[0.0], np.cumsum(c["revenue"].to_numpy(dtype="float64"))])
    out = []
    for b in bases:
        if b is None:
            out.append(np.nan)
            continue
        lo = np.searchsorted(dates, np.datetime64(b[0]), side="left")
        hi = np.searchsorted(dates, np.datetime64(b[1]), side="right")
        out.append(cum[hi] - cum[lo])
    return pd.Series(out, dtype="float64")


def _table(counted: pd.DataFrame, key: pd.Series, idx: pd.Index, new_key: pd.Series) -> pd.DataFrame:
    g = counted.groupby(key)
    t = pd.DataFrame(index=idx)
    t["revenue"] = g["revenue"].sum().reindex(idx).fillna(0.0)
    t["orders"] = g["is_order"].sum().reindex(idx).fillna(0).astype("int64")
    t["avg_ticket"] = ratio(t["revenue"], t["orders"].astype("float64"))
    real = counted["is_order"]
    t["customers"] = counted[real].groupby(key[real])["customer_id"].nunique().reindex(idx).fillna(0).astype("int64")
    t["new_customers"] = new_key.value_counts().reindex(idx).fillna(0).astype("int64")
    return t


def daily_trend(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date, days: int = 30,
                customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """day · weekday · revenue · orders · avg_ticket · customers · new_customers · wow (module docstring)."""
    a = pd.Timestamp(as_of).normalize()
    first = periods.data_start(orders, as_of)
    cols = ["day", "weekday", *COLUMNS, "wow"]
    if first is None:
        return pd.DataFrame(columns=cols)
    idx = pd.date_range(max(a - pd.Timedelta(days=days - 1), first), a, freq="D")
    counted = periods.counted(orders, settings=settings, as_of=as_of)
    fd = periods.new_customer_dates(orders, customers, settings=settings, as_of=as_of).dropna()
    t = _table(counted, counted["order_date"].dt.normalize(), idx, fd.dt.normalize())
    week = pd.Timedelta(days=7)
    base = _sums(counted, [(d - week, d - week) for d in idx])
    known = pd.Series([d - week >= first for d in idx])
    t = t.reset_index(names="day")
    t["wow"] = growth(t["revenue"], base, known)
    t["weekday"] = [WEEKDAYS[d.weekday()] for d in t["day"]]
    return t[cols]


def _week_base(monday: pd.Timestamp, end: pd.Timestamp, which: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The base of the week [monday, end]: the week before, or the same ISO week a year earlier
    (None when that ISO year has no such week, i.e. week 53), the same number of days."""
    if which == "wow":
        b = monday - pd.Timedelta(days=7)
    else:
        year, week, _ = monday.isocalendar()
        try:
            b = pd.Timestamp(dt.date.fromisocalendar(year - 1, week, 1))
        except ValueError:
            return None
    return b, b + (end - monday)


def weekly_trend(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date, weeks: int = 12,
                 customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """week (ISO, '2026-W47') · week_start · revenue · orders · avg_ticket · customers ·
    new_customers · wow · yoy (module docstring)."""
    a = pd.Timestamp(as_of).normalize()
    first = periods.data_start(orders, as_of)
    cols = ["week", "week_start", *COLUMNS, "wow", "yoy"]
    if first is None:
        return pd.DataFrame(columns=cols)
    this_monday = a - pd.Timedelta(days=a.weekday())
    first_monday = first - pd.Timedelta(days=first.weekday())
    idx = pd.date_range(max(this_monday - pd.Timedelta(weeks=weeks - 1), first_monday), this_monday, freq="7D")
    counted = periods.counted(orders, settings=settings, as_of=as_of)
    fd = periods.new_customer_dates(orders, customers, settings=settings, as_of=as_of).dropna()

    def monday(s: pd.Series) -> pd.Series:
        d = s.dt.normalize()
        return d - pd.to_timedelta(d.dt.day_of_week, unit="D")

    t = _table(counted, monday(counted["order_date"]), idx, monday(fd))
    ends = [min(m + pd.Timedelta(days=6), a) for m in idx]
    for which in ("wow", "yoy"):
        bases = [_week_base(m, e, which) for m, e in zip(idx, ends, strict=True)]
        known = pd.Series([periods.base_known(b, first) for b in bases])
        t[which] = growth(t["revenue"].reset_index(drop=True), _sums(counted, bases), known).to_numpy()
    t = t.reset_index(names="week_start")
    t["week"] = [f"{y}-W{w:02d}" for y, w, _ in (d.isocalendar() for d in t["week_start"])]
    return t[cols]
