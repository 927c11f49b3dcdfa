"""What every alert rule shares: the alert columns, severities, and who is responsible.

An alert row: key (stable business key: rule + subject), rule (a code, vocab domain "rule"),
severity (a code: high/medium/low), subject (user data, or a message), owner (a rep's name, never
a role; several names are a :class:`~salesbook.messages.Join`), stake (money at stake in 元), count
(rows or customers covered), message (a :class:`~salesbook.messages.Msg`: the sentence is rendered
in the workbook's language at the edge), value, baseline, action (a message), the source cell —
sheet key, Excel row, column key — that the Excel layer paints in place, ``cells`` ((row, note
message) pairs when an alert covers several cells; each is painted with its own note) and
``members`` (the customer names an alert covers).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..messages import Join, msg

COLUMNS = ["key", "rule", "severity", "subject", "owner", "stake", "count", "message", "value",
           "baseline", "action", "sheet", "row", "column", "cells", "members"]
HIGH, MEDIUM, LOW = "high", "medium", "low"  # vocab domain "severity": 高/中/低
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}
# Codes inside alert keys (keys are stable ids users' decisions are kept by): the team (no rep on a target
# row) and nobody (no owner). Keys written by versions before the codes held 团队/未指定 and the tier words
# 普通/潜在; :func:`canonical_key` reads those as today's keys, so decisions typed then still apply.
TEAM_KEY, NOBODY_KEY = "team", "nobody"
_OLD_KEY_WORDS = {"团队": TEAM_KEY, "未指定": NOBODY_KEY, "普通": "normal", "潜在": "prospect"}
NAMES_SHOWN = 3  # names in an owner list before 等 / and others


def frame(rows: list[dict]) -> pd.DataFrame:
    """Alert rows (dicts) as a frame with every alert column; missing cells default sensibly."""
    base = {"owner": None, "stake": float("nan"), "count": 1, "cells": (), "members": ()}
    return pd.DataFrame([{**base, **r} for r in rows], columns=COLUMNS) if rows else \
        pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


def names_text(names, limit: int = NAMES_SHOWN, sep: str = "join.list"):
    """Distinct names in order: one name as it is; several as a list rendered per language
    ('刘洋、王芳、张伟 等' / 'Liu Yang, Wang Fang, Zhang Wei and others'); None when there are none."""
    seen = list(dict.fromkeys(n for n in names if isinstance(n, str) and n.strip()))
    if not seen:
        return None
    if len(seen) == 1:
        return seen[0]
    shown = Join(tuple(seen[:limit]), sep)
    return msg("names.more", names=shown) if len(seen) > limit else shown


def named(owner) -> bool:
    """Whether an alert's owner names somebody (a name, or a list of names)."""
    return (isinstance(owner, str) and bool(owner.strip())) or (owner is not None and not isinstance(owner, (str, float)))


def customer_owners(orders: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """customer_id → the responsible rep: 客户档案's 负责人, else the salesperson of the latest order."""
    reps = orders.dropna(subset=["salesperson"])
    reps = reps[reps["salesperson"].astype(str).str.strip() != ""]
    latest = (reps.sort_values(["order_date", "row"], kind="stable").drop_duplicates("customer_id", keep="last")
              .set_index("customer_id")["salesperson"].astype(object))
    own = pd.Series(dtype=object)
    if not customers.empty and "owner" in customers:
        c = customers.dropna(subset=["owner"])
        c = c[c["owner"].astype(str).str.strip() != ""]
        own = c.drop_duplicates("customer_id").set_index("customer_id")["owner"].astype(object)
    return own.combine_first(latest)


def recent_orders(orders: pd.DataFrame, as_of: dt.date, days: int) -> pd.DataFrame:
    """Counted orders of the ``days`` up to and including the as-of date."""
    a = pd.Timestamp(as_of)
    o = orders[orders["is_order"] & (orders["order_date"] <= a)]
    return o[o["order_date"] > a - pd.Timedelta(days=days)]


def slice_reps(recent: pd.DataFrame, product_line, region) -> str | None:
    """The reps carrying a slice (product line and/or region) over the recent window, biggest first."""
    o = recent
    if isinstance(product_line, str):
        o = o[o["product_line"] == product_line]
    if isinstance(region, str):
        o = o[o["region"] == region]
    by = o.dropna(subset=["salesperson"]).groupby("salesperson")["revenue"].sum().sort_values(ascending=False)
    return names_text(by.index)


def canonical_key(key):
    """An alert or problem key as this version writes it: old words inside it (团队, 未指定, 普通, 潜在)
    become their codes — ``overdue|王芳|普通`` → ``overdue|王芳|normal``; other keys are returned unchanged."""
    if not isinstance(key, str) or "|" not in key:
        return key
    parts = key.split("|")
    out = []
    for p in parts:
        head, sep, last = p.rpartition(" ")
        if p in _OLD_KEY_WORDS:
            p = _OLD_KEY_WORDS[p]
        elif sep and last in ("团队",):  # '2026-11 团队': a team target row's subject
            p = f"{head} {TEAM_KEY}"
        out.append(p)
    return "|".join(out)
