"""The cleaning log's summary and reading order (the 清洗日志 sheet opens with what matters).

A log of thousands of lines ("缺少客户编号，用客户名称代替" 2,007 times, trims) buries the
few rows left out of the analysis. :func:`summary` counts them by reason — rows left out,
rows flagged, values normalised — and :func:`ordered` puts the log itself in that order:
left-out rows first, then flagged, then fixed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .clean import EXCLUDED, FIXED, FLAGGED

ACTION_ORDER = {EXCLUDED: 0, FLAGGED: 1, FIXED: 2}
ACTION_LABELS = {EXCLUDED: "未计入分析", FLAGGED: "需核对", FIXED: "已自动规范"}
SUMMARY_COLUMNS = ["action", "action_label", "sheet", "column", "rule", "reason", "reason_en", "count", "rows"]
EXAMPLE_ROWS = 5
_DIGITS = re.compile(r"\d+")


def ordered(log: pd.DataFrame) -> pd.DataFrame:
    """The log with left-out rows first, then flagged, then fixed; within each, the order it had."""
    rank = log["action"].map(ACTION_ORDER).fillna(len(ACTION_ORDER)).to_numpy()
    return log.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def summary(log: pd.DataFrame) -> pd.DataFrame:
    """One line per (action, sheet, column, rule, reason): how many rows (left out, flagged) or
    values (fixed), and the first Excel rows as examples.

    Reasons that differ only in their numbers ("保留第 12 行", "保留第 45 行") are one line,
    shown with the numbers replaced by "…". Lines are ordered left out → flagged → fixed, then
    by count (largest first)."""
    if log.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else "object") for c in SUMMARY_COLUMNS})
    df = log.assign(_reason_key=log["reason"].astype(str).str.replace(_DIGITS, "#", regex=True),
                    _order=range(len(log)))
    keys = ["action", "sheet", "column", "rule", "_reason_key"]
    lines = []
    for (action, sheet, column, rule, reason_key), g in df.groupby(keys, sort=False, dropna=False):
        rows = pd.to_numeric(g["row"], errors="coerce").dropna().astype("int64")
        counted_rows = action in (EXCLUDED, FLAGGED)
        count = int(rows.nunique()) if counted_rows else len(g)
        reasons = g["reason"].astype(str).unique()
        same = len(reasons) == 1
        example = sorted(rows.unique())[:EXAMPLE_ROWS]
        lines.append({
            "action": action, "action_label": ACTION_LABELS.get(action, str(action)), "sheet": sheet,
            "column": column, "rule": rule,
            "reason": reasons[0] if same else reason_key.replace("#", "…"),
            "reason_en": g["reason_en"].iloc[0] if same else
            _DIGITS.sub("…", str(g["reason_en"].iloc[0])),
            "count": count,
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


def headline(log: pd.DataFrame) -> tuple[str, str]:
    """The summary's title in Chinese and English, with the three totals."""
    t = totals(log)
    zh = (f"清洗摘要：{t[EXCLUDED]:,} 行未计入分析，{t[FLAGGED]:,} 行需核对，{t[FIXED]:,} 个值已自动规范"
          "（按原因汇总，明细见下方日志）")
    en = (f"Cleaning summary: {t[EXCLUDED]:,} rows left out, {t[FLAGGED]:,} rows to check, "
          f"{t[FIXED]:,} values normalised (by reason; the log is below)")
    return zh, en
