"""The cleaning log's summary and reading order (the 清洗日志 sheet opens with what matters).

A log of thousands of lines ("缺少客户编号，用客户名称代替" 2,007 times, trims) buries the
few rows left out of the analysis. :func:`summary` counts them by reason — rows left out,
rows flagged, values normalised — and :func:`ordered` puts the log itself in that order:
left-out rows first, then flagged, then fixed.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..messages import Code, Msg, Num, msg
from .clean import EXCLUDED, FIXED, FLAGGED, STATUS_CODES

ACTION_ORDER = {EXCLUDED: 0, FLAGGED: 1, FIXED: 2}
SUMMARY_COLUMNS = ["action", "sheet", "column", "rule", "reason", "count", "rows"]
EXAMPLE_ROWS = 5
_DIGITS = re.compile(r"\d+")
ELIDED = "…"  # a value that differs between the log rows a summary line stands for


def _reason_key(reason: Any) -> Any:
    """What summary lines group by: a message's key and its values other than numbers (a row number
    quoted in "row 12 kept" does not split a line); for text, the text with its digits as #."""
    if isinstance(reason, Msg):
        return (reason.key, tuple((k, v) for k, v in reason.values if not isinstance(v, (int, float, Num))))
    return _DIGITS.sub("#", str(reason))


def _common(reasons: list[Any]) -> Any:
    """One reason for a summary line: the reason if all agree, else the values that differ shown as …."""
    first = reasons[0]
    if all(r == first for r in reasons):
        return first
    if isinstance(first, Msg):
        values = {name: (ELIDED if any(r.get(name) != v for r in reasons) else v) for name, v in first.values}
        return msg(first.key, **values)
    return _DIGITS.sub(ELIDED, str(first))


def ordered(log: pd.DataFrame) -> pd.DataFrame:
    """The log with left-out rows first, then flagged, then fixed; within each, the order it had."""
    rank = log["action"].map(ACTION_ORDER).fillna(len(ACTION_ORDER)).to_numpy()
    return log.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def shown(log: pd.DataFrame) -> pd.DataFrame:
    """:func:`ordered`, with the order statuses cleaning wrote (new values of the ``status`` rule) as
    messages naming the status's code, so the sheet shows them in the workbook's language. The log
    itself keeps the values Clean writes back into 订单明细."""
    out = ordered(log)
    status = out["rule"].eq("status") & out["new_value"].isin(list(STATUS_CODES))
    if status.any():
        out["new_value"] = out["new_value"].astype(object)
        out.loc[status, "new_value"] = out.loc[status, "new_value"].map(
            lambda v: msg("log.value", value=Code("order_status", STATUS_CODES[v])))
    return out


def summary(log: pd.DataFrame) -> pd.DataFrame:
    """One line per (action, sheet, column, rule, reason): how many rows (left out, flagged) or
    values (fixed), and the first Excel rows as examples.

    Reasons that differ only in their numbers ("保留第 12 行", "保留第 45 行") are one line,
    shown with the numbers replaced by "…". Lines are ordered left out → flagged → fixed, then
    by count (largest first)."""
    if log.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else "object") for c in SUMMARY_COLUMNS})
    df = log.assign(_reason_key=log["reason"].map(_reason_key), _order=range(len(log)))
    keys = ["action", "sheet", "column", "rule", "_reason_key"]
    lines = []
    for (action, sheet, column, rule, reason_key), g in df.groupby(keys, sort=False, dropna=False):
        rows = pd.to_numeric(g["row"], errors="coerce").dropna().astype("int64")
        counted_rows = action in (EXCLUDED, FLAGGED)
        count = int(rows.nunique()) if counted_rows else len(g)
        example = sorted(rows.unique())[:EXAMPLE_ROWS]
        lines.append({
            "action": action, "sheet": sheet, "column": column, "rule": rule,
            "reason": _common(list(g["reason"])), "count": count,
            "rows": ", ".join(str(r) for r in example) + (" …" if rows.nunique() > EXAMPLE_ROWS else ""),
            "_rank": ACTION_ORDER.get(action, len(ACTION_ORDER)), "_first": int(g["_order"].min()),
        })
    out = pd.DataFrame(lines).sort_values(["_rank", "count", "_first"], ascending=[True, False, True],
                                          kind="stable")
    return out[SUMMARY_COLUMNS].reset_index(drop=True)


def totals(log: pd.DataFrame) -> dict[str, int]:
    """Rows left out, rows flagged (distinct sheet rows) and values fixed (log lines)."""
    def rows(action: str) -> int:
        part = log[log["action"] == action]
        return int(part[["sheet", "row"]].drop_duplicates().shape[0])

    return {EXCLUDED: rows(EXCLUDED), FLAGGED: rows(FLAGGED), FIXED: int((log["action"] == FIXED).sum())}


def headline(log: pd.DataFrame) -> Msg:
    """The summary's title (a message) with the three totals."""
    t = totals(log)
    return msg("log.headline", excluded=Num(t[EXCLUDED]), flagged=Num(t[FLAGGED]), fixed=Num(t[FIXED]))
