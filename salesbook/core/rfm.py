"""RFM scores, codes and segments (SPEC §4 RFM; S1 第四步 表2, 第五步).

R = days from the last counted order to the as-of date; F = counted orders in the window;
M = counted revenue in the window (refunds reduce it). Scores 1–5 by quantiles of the
customers (default) or by fixed cut points from 参数. Equal values always get equal scores;
R is reversed (recent = 5). Code = f"{r}{f}{m}", e.g. "555".

Lapsed customers (SPEC §4): a customer with a counted order ever but none in the window is left
out of the quantiles, the revenue shares and the TOP 20% (scored 1-1-1, "111": below every
active customer on all three, without moving anyone's score), and gets the segment
``lapsed`` (已流失客户), or ``lapsed_high`` (高价值流失) when their lifetime amount is at least the window's M-score-4 cut (the
smallest window amount scored M ≥ 4; the 4th fixed cut point with fixed scoring): the first
names on a win-back list, never 低价值.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..settings import Settings

# segment codes (vocab domain "segment": 高价值客户 / High value …)
HIGH_VALUE, CHURN_RISK, POTENTIAL, LOW_VALUE = "high_value", "churn_risk", "potential", "low_value"
LAPSED, LAPSED_HIGH = "lapsed", "lapsed_high"
SEGMENTS = (HIGH_VALUE, CHURN_RISK, POTENTIAL, LOW_VALUE)  # the scored segments (RFM_SEGMENT)
ALL_SEGMENTS = (*SEGMENTS, LAPSED_HIGH, LAPSED)


def segment(r, f, m) -> str:
    """The segment code by the default rules, first match wins: high_value (高价值) R≥4,F≥4,M≥4 ·
    churn_risk (流失风险) R≤2 and (F≥3 or M≥3) · potential (潜力) F≥3 or M≥3 · low_value (低价值) otherwise."""
    if r >= 4 and f >= 4 and m >= 4:
        return HIGH_VALUE
    if r <= 2 and (f >= 3 or m >= 3):
        return CHURN_RISK
    if f >= 3 or m >= 3:
        return POTENTIAL
    return LOW_VALUE


def segments(r: pd.Series, f: pd.Series, m: pd.Series) -> pd.Series:
    """Vectorised :func:`segment`."""
    conds = [(r >= 4) & (f >= 4) & (m >= 4), (r <= 2) & ((f >= 3) | (m >= 3)), (f >= 3) | (m >= 3)]
    return pd.Series(np.select(conds, [HIGH_VALUE, CHURN_RISK, POTENTIAL], LOW_VALUE), index=r.index)


def quantile_scores(values: pd.Series, *, higher_is_better: bool = True) -> pd.Series:
    """1–5 by quintile of the distinct-value ranks; ties share a score.

    Ranking with method="average" and scoring ``ceil(5 * pct)`` gives equal values equal
    scores and spreads scores as evenly as ties allow. With one customer the score is 3.
    """
    if values.empty:
        return pd.Series(dtype="int64", index=values.index)
    if values.nunique() == 1:
        return pd.Series(3, index=values.index, dtype="int64")
    pct = values.rank(method="average", pct=True, ascending=higher_is_better)
    return np.ceil(pct * 5).clip(1, 5).astype("int64")


def fixed_scores(values: pd.Series, cuts, *, higher_is_better: bool = True) -> pd.Series:
    """Score by 4 cut points. Higher-is-better: ≥cuts[3] → 5 … <cuts[0] → 1.
    Lower-is-better (recency days): ≤cuts[0] → 5 … >cuts[3] → 1."""
    cuts = np.asarray(cuts, dtype="float64")
    v = values.to_numpy(dtype="float64")
    if higher_is_better:
        s = 1 + np.searchsorted(cuts, v, side="right")
    else:
        s = 5 - np.searchsorted(cuts, v, side="left")
    return pd.Series(s, index=values.index, dtype="int64")


def rfm(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Per customer with at least one counted order up to as-of.

    Returns customer_id, customer_name, last_order, recency_days, frequency, monetary,
    r_score, f_score, m_score, rfm_code, segment, revenue_share, cum_share, pareto_top20,
    avg_cycle_days, top_product, top_product_share, lifetime_amount — active customers by
    monetary descending, then the lapsed by lifetime amount descending.
    """
    as_of_ts = pd.Timestamp(as_of)
    counted = orders[orders["status"].isin(settings.revenue_statuses) & (orders["order_date"] <= as_of_ts)]
    window_start = as_of_ts - pd.Timedelta(days=settings.rfm_window_days - 1)
    in_window = counted[counted["order_date"] >= window_start]
    real = counted[counted["is_order"]]
    if real.empty:
        return _empty()
    g = real.groupby("customer_id", sort=False)
    last = g["order_date"].max()
    out = pd.DataFrame({"last_order": last})
    out["recency_days"] = (as_of_ts - last).dt.days.astype("int64")
    w = in_window.groupby("customer_id", sort=False)
    out["frequency"] = w["is_order"].sum().reindex(out.index).fillna(0).astype("int64")
    out["monetary"] = w["revenue"].sum().reindex(out.index).fillna(0.0)
    out["lifetime_amount"] = counted.groupby("customer_id", sort=False)["revenue"].sum().reindex(out.index)
    names = counted.dropna(subset=["customer_name"]).groupby("customer_id", sort=False)["customer_name"].last()
    out["customer_name"] = names.reindex(out.index)
    active = out["frequency"] > 0
    act = out[active]
    if settings.rfm_method == "fixed":
        r = fixed_scores(act["recency_days"], settings.rfm_r_cuts, higher_is_better=False)
        f = fixed_scores(act["frequency"], settings.rfm_f_cuts)
        m = fixed_scores(act["monetary"], settings.rfm_m_cuts)
        m4_cut = float(settings.rfm_m_cuts[2])
    else:
        r = quantile_scores(act["recency_days"], higher_is_better=False)
        f = quantile_scores(act["frequency"])
        m = quantile_scores(act["monetary"])
        m4_cut = float(act.loc[m >= 4, "monetary"].min()) if (m >= 4).any() else np.nan
    for col, v in (("r_score", r), ("f_score", f), ("m_score", m)):
        # the lapsed are below every active customer on all three: 1, without moving anyone's quantile
        out[col] = v.reindex(out.index).fillna(1).astype("int64")
    out["rfm_code"] = out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    seg = segments(r, f, m).reindex(out.index)
    high = out["lifetime_amount"] >= m4_cut if not np.isnan(m4_cut) else pd.Series(False, index=out.index)
    out["segment"] = seg.where(active, np.where(high, LAPSED_HIGH, LAPSED))
    total = act["monetary"].clip(lower=0).sum()
    out["_active"] = active
    out = out.sort_values(["_active", "monetary", "frequency", "lifetime_amount"],
                          ascending=[False, False, False, False], kind="stable")
    share = out["monetary"].clip(lower=0) / total if total > 0 else out["monetary"] * 0.0
    out["revenue_share"] = share.where(out["_active"], 0.0)
    out["cum_share"] = out["revenue_share"].where(out["_active"]).cumsum()
    n_top = max(1, int(np.ceil(int(active.sum()) * 0.2))) if active.any() else 0
    out["pareto_top20"] = np.arange(len(out)) < n_top
    out["avg_cycle_days"] = _avg_cycle(real).reindex(out.index)
    pref = _preference(in_window[in_window["is_order"]])
    out = out.join(pref)
    out.index.name = "customer_id"
    return out.reset_index()[COLUMNS]


COLUMNS = ["customer_id", "customer_name", "last_order", "recency_days", "frequency", "monetary", "r_score",
           "f_score", "m_score", "rfm_code", "segment", "revenue_share", "cum_share", "pareto_top20",
           "avg_cycle_days", "top_product", "top_product_share", "lifetime_amount"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


def _avg_cycle(real: pd.DataFrame) -> pd.Series:
    """Average days between distinct order dates; NaN with fewer than two."""
    days = real[["customer_id", "order_date"]].drop_duplicates()
    g = days.groupby("customer_id", sort=False)["order_date"]
    span = (g.max() - g.min()).dt.days
    n = g.count()
    return (span / (n - 1)).where(n > 1)


def _preference(window_orders: pd.DataFrame) -> pd.DataFrame:
    if window_orders.empty or window_orders["product_line"].isna().all():
        return pd.DataFrame(columns=["top_product", "top_product_share"], dtype="object")
    by = window_orders.groupby(["customer_id", "product_line"], sort=False)["revenue"].sum().reset_index()
    tot = by.groupby("customer_id")["revenue"].transform("sum")
    by["share"] = by["revenue"] / tot.where(tot > 0)
    top = by.sort_values(["customer_id", "revenue"], ascending=[True, False]).drop_duplicates("customer_id")
    return top.set_index("customer_id")[["product_line", "share"]].rename(
        columns={"product_line": "top_product", "share": "top_product_share"})
