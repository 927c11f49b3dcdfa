"""Which missing columns change the numbers, said once, in one place.

``missing_columns(tables, clean, log, settings)`` looks at the raw input tables (what the sheets
hold, one column per recognised key) and the cleaned ones, and returns :class:`Notice` sentences
for what a manager must know before trusting a number: no status column (every order counted
as closed), no salesperson (no completion per rep), no 回款金额 (the collection rate estimated
from statuses), the targets' unit not stated, no targets at all… The CLI prints them after a
refresh and the dashboard's info block shows them; neither decides anything itself.

A column counts as missing when the sheet has no such header *or* the column holds nothing:
an empty 订单状态 column under the template's header changes the numbers exactly as a missing
one does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import messages
from ..messages import Code, Join, Msg, Num, msg
from . import parse


@dataclass(frozen=True)
class Notice:
    """One sentence for the user: ``message`` (a :class:`~salesbook.messages.Msg`, rendered in the
    workbook's language at the edge); ``code`` says which rule made it."""

    message: Msg
    code: str = ""

    def text(self, lang: str, unit: messages.Unit | None = None) -> str:
        """The sentence in ``lang``."""
        return messages.text(self.message, lang, unit)

    @property
    def zh(self) -> str:
        """The Chinese sentence."""
        return self.text("zh")

    @property
    def en(self) -> str:
        """The English sentence."""
        return self.text("en")


def _notice(key: str, code: str, **values: Any) -> Notice:
    return Notice(msg(key, **values), code=code)


def _df(tables: Mapping[str, Any], key: str) -> pd.DataFrame | None:
    t = tables.get(key)
    return None if t is None else t.df


def filled(df: pd.DataFrame | None, key: str) -> int:
    """How many rows of ``df`` hold something in column ``key`` (0 when there is no such column)."""
    if df is None or key not in df.columns or df.empty:
        return 0
    return int((~parse.blank_mask(df[key])).sum())


def _data_rows(df: pd.DataFrame | None) -> int:
    if df is None or df.empty:
        return 0
    cols = [c for c in df.columns if not c.startswith("_")]
    if not cols:
        return 0
    blank = pd.concat([parse.blank_mask(df[c]) for c in cols], axis=1).all(axis=1)
    return int((~blank).sum())


_OPTIONAL_DIMENSIONS = ("region", "product_line", "channel")  # column keys: headers in vocab.HEADERS


def missing_columns(tables: Mapping[str, Any], clean: Mapping[str, pd.DataFrame], log: pd.DataFrame,
                    settings: Any) -> list[Notice]:
    """Notices for the missing columns and tables that change the numbers, most consequential first.

    ``tables``: key → RawTable (or anything with ``df`` and ``units``) as read from the sheets;
    ``clean``: the cleaned frames of :func:`salesbook.core.pipeline.run`; ``log``: its cleaning log.
    """
    out: list[Notice] = []
    orders = _df(tables, "orders")
    n = _data_rows(orders)
    if n:
        status = filled(orders, "status")
        if status == 0:
            out.append(_notice("notice.no_status", "no_status"))
        elif status < n:
            out.append(_notice("notice.blank_status", "blank_status", n=Num(n - status)))
        if filled(orders, "salesperson") == 0:
            out.append(_notice("notice.no_salesperson", "no_salesperson"))
        if filled(orders, "collected") == 0:
            out.append(_notice("notice.no_collected", "no_collected", status=Code("order_status", "collected")))
        if filled(orders, "customer_id") == 0:
            out.append(_notice("notice.no_customer_id", "no_customer_id"))
        if filled(orders, "order_id") == 0:
            out.append(_notice("notice.no_order_id", "no_order_id"))
        dims = [d for d in _OPTIONAL_DIMENSIONS if filled(orders, d) == 0]
        if dims:
            out.append(_notice("notice.no_dimensions", "no_dimensions",
                               columns=Join(tuple(Code("order_column", d) for d in dims), "join.list")))
        if filled(orders, "cost") == 0:
            out.append(_notice("notice.no_cost", "no_cost"))
    out += _target_notices(tables, clean, log, settings)
    if n and _data_rows(_df(tables, "customers")) == 0:
        out.append(_notice("notice.no_customers", "no_customers"))
    if n and _data_rows(_df(tables, "followups")) == 0:
        out.append(_notice("notice.no_followups", "no_followups"))
    return out


def _target_notices(tables, clean, log, settings) -> list[Notice]:
    raw = tables.get("targets")
    targets = clean.get("targets")
    if raw is None or _data_rows(raw.df) == 0 or targets is None or targets.empty:
        if _data_rows(_df(tables, "orders")):
            return [_notice("notice.no_targets", "no_targets")]
        return []
    sheet = raw.sheet
    guessed = log[(log["sheet"] == sheet) & log["rule"].astype(str).str.contains("unit", case=False)] \
        if not log.empty else log
    if not guessed.empty:
        return [_notice("notice.target_unit_guessed", "target_unit_guessed", log=Code("sheet", "cleaning_log"))]
    ratio = _sales_to_targets(clean.get("orders"), targets)
    if "target" not in (raw.units or {}) and ratio is not None and not 1 / MAGNITUDE < ratio < MAGNITUDE:
        unit = getattr(settings, "input_unit", "元")
        times = f"{ratio:,.0f}" if ratio >= 1 else f"1/{1 / ratio:,.0f}"
        return [_notice("notice.target_unit_default", "target_unit_default", unit=Code("unit", "wan" if "万" in unit else "yuan"), times=times)]
    return []


MAGNITUDE = 30  # sales this many times the targets (or a thirtieth of them) is a unit slip, not a bad year


def _sales_to_targets(orders: pd.DataFrame | None, targets: pd.DataFrame) -> float | None:
    """Counted sales over the targets' periods divided by the targets of those periods (None if no overlap)."""
    if orders is None or orders.empty or "period" not in targets or "revenue" not in orders:
        return None
    dates = orders["order_date"]
    sales = target = 0.0
    for period, rows in targets.groupby(targets["period"].astype(str)):
        p = rows["period"].iloc[0]
        inside = (dates >= p.start_time) & (dates <= p.end_time)
        if inside.any():
            sales += float(orders.loc[inside, "revenue"].sum())
            target += float(rows["target"].sum())
    return sales / target if target > 0 and sales > 0 else None
