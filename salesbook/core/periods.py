"""One rule for periods (SPEC §4), used by every sheet that compares a period with a base.

- A period is **closed** when it ends on or before the as-of date and **running** when it holds
  it; a period that starts after as-of is not shown at all. Nothing after as-of ever counts.
- A closed period compares with the whole base period. A running period compares days 1..d of
  itself with days 1..d of the base period: the same days last month for 环比, last year for 同比
  (2025-03-01…03-15 against 2025-02-01…02-15 and 2024-03-01…03-15; a day the base month does not
  have is clipped to its end, so 03-01…03-30 compares with the whole of February).
- Bases are looked up over all the history in the workbook, not only the months a table shows.
- A base that ends before the data begins is unknown: the growth is empty (shown —), not 新增.
  新增 is kept for a base inside the data that sold nothing.

New customers (SPEC §4 多维拆解, 新客户): a customer becomes one on the earlier of 客户档案's
首次合作日期 and their first counted order. Without a 首次合作日期, a customer whose first order
falls within ``NEW_CUSTOMER_HISTORY_DAYS`` (365) of the data's first order is taken
as an existing customer whose earlier orders are not in the export — so the data's first year
does not call every customer "new". They never count as new in any period.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd

from ..settings import Settings

_MONTHS = {"M": 1, "Q": 3, "Y": 12}
NEW_CUSTOMER_HISTORY_DAYS = 365  # a year of history before a first order proves a customer new


def freq_of(p: pd.Period) -> str:
    """'M', 'Q' or 'Y' for a pandas Period."""
    f = p.freqstr[0]
    return "Y" if f == "A" else f


@functools.lru_cache(maxsize=4096)  # Period.start_time/end_time are slow and the same periods recur
def bounds(p: pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period (dates, no time)."""
    return p.start_time.normalize(), p.end_time.normalize()


def span(p: pd.Period, as_of) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The days of ``p`` that count: the whole period when closed, its start to as-of when
    running, None when it starts after as-of."""
    a = pd.Timestamp(as_of)
    start, end = bounds(p)
    if a < start:
        return None
    return start, min(end, a)


def is_running(p: pd.Period, as_of) -> bool:
    """True when ``as_of`` falls in ``p`` before its last day (on the last day the period is closed)."""
    a = pd.Timestamp(as_of)
    start, end = bounds(p)
    return start <= a < end


def base_span(p: pd.Period, months_back: int, as_of) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The base of ``p`` ``months_back`` months earlier (1 = last month, 3 = last quarter,
    12 = last year): the whole base period when ``p`` is closed, its days 1..d when ``p`` runs."""
    own = span(p, as_of)
    if own is None:
        return None
    start, end = bounds(p)
    b_start = start - pd.DateOffset(months=months_back)
    b_end = (end + pd.Timedelta(days=1) - pd.DateOffset(months=months_back)) - pd.Timedelta(days=1)
    if own[1] < end:  # running: the same days of the base period
        b_end = min(own[1] - pd.DateOffset(months=months_back), b_end)
    return pd.Timestamp(b_start), pd.Timestamp(b_end)


def months_back(freq: str, which: str) -> int:
    """Months between a period and its 环比 ('mom') or 同比 ('yoy') base."""
    return 12 if which == "yoy" else _MONTHS[freq]


def data_start(orders: pd.DataFrame, as_of) -> pd.Timestamp | None:
    """The first order date in the data (any status) on or before as-of; None without orders."""
    d = orders.loc[orders["order_date"] <= pd.Timestamp(as_of), "order_date"]
    return None if d.empty else d.min().normalize()


def base_known(base: tuple[pd.Timestamp, pd.Timestamp] | None, start: pd.Timestamp | None) -> bool:
    """A base is known when the data reaches into it (it does not end before the data starts)."""
    return base is not None and start is not None and base[1] >= start


def counted(orders: pd.DataFrame, *, settings: Settings, as_of) -> pd.DataFrame:
    """Orders whose status counts as revenue, on or before as-of."""
    return orders[orders["status"].isin(settings.revenue_statuses)
                  & (orders["order_date"] <= pd.Timestamp(as_of))]


def new_customer_dates(orders: pd.DataFrame, customers: pd.DataFrame | None, *, settings: Settings,
                       as_of: dt.date) -> pd.Series:
    """customer_id → the day the customer became one (see the module docstring); NaT for a
    customer who was already one before the data begins. Indexed by every customer with a
    counted order up to as-of."""
    c = counted(orders, settings=settings, as_of=as_of)
    first = c[c["is_order"]].groupby("customer_id")["order_date"].min()
    start = data_start(orders, as_of)
    deal = pd.Series(dtype="datetime64[ns]")
    if customers is not None and not customers.empty and "first_deal_date" in customers:
        deal = customers.dropna(subset=["first_deal_date"]).drop_duplicates("customer_id").set_index(
            "customer_id")["first_deal_date"]
    deal = deal.reindex(first.index)
    early = start + pd.Timedelta(days=NEW_CUSTOMER_HISTORY_DAYS) if start is not None else None
    out = first.where(first >= early) if early is not None else first
    has_deal = deal.notna()
    out[has_deal] = pd.concat([first[has_deal], deal[has_deal]], axis=1).min(axis=1)
    return out.astype("datetime64[ns]")
