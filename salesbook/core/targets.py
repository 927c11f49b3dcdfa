"""Cleaning the 销售目标 Targets sheet (SPEC §3, §4 业绩分析).

- A period written with 总计/合计 (S0 表1 “2024年Q1总计”) is that period's target, not a subtotal:
  subtotal dropping is an orders-sheet concept. A 合计/总计 in the salesperson, product or region
  column is the team's target for the period (that dimension left open). Only a row whose period
  cell is nothing but 合计 (a sum across periods) is left out.
- Unit: from the header (``units``), else the 参数 input unit. When neither the header nor a title
  row names one, the targets are compared with the sales they measure: if the typical target is
  about 10⁴ times smaller than its sales (median actual/target ≥ 10^2.5), the targets are read as
  万元. The cleaning log says so in one line (rule ``target_unit``), which also becomes a notice
  that the CLI and the dashboard show (:attr:`.pipeline.Result.notices`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..messages import Num, msg
from ..settings import Settings
from . import parse
from .clean import _SUBTOTAL, EXCLUDED, FIXED, Log, _blank_rows, _ensure, _unit_factor

DIMS = ("salesperson", "product_line", "region")
WAN_RATIO = 10 ** 2.5  # halfway (in log scale) between "same unit" and "10⁴ apart"


def clean_targets(raw: pd.DataFrame, *, settings: Settings, sheet: str = "销售目标",
                  labels: Mapping[str, str] | None = None, units: Mapping[str, str] | None = None,
                  orders: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """period (pandas Period M/Q/Y) · salesperson · product_line · region · target (元) · row.

    ``orders`` (clean orders) are only used to check the unit when none is given."""
    log = Log(sheet, labels or {})
    df = _ensure(raw.copy(), ("period", "salesperson", "product_line", "region", "target"))
    df = df[~_blank_rows(df, [c for c in df.columns if c != "_row"])]
    stripped = parse.map_unique(df["period"], lambda v: parse.strip_total(v))
    period_text = stripped.map(lambda t: t[0])
    total_period = stripped.map(lambda t: t[1]).astype(bool)
    only_total = parse.map_unique(df["period"], lambda v: isinstance(v, str) and bool(_SUBTOTAL.search(v))
                                  ).astype(bool) & ~total_period
    log.add(df.loc[only_total, "_row"], None, None, None, "subtotal", EXCLUDED, msg("log.target_total_across"))
    df, period_text, total_period = df[~only_total], period_text[~only_total], total_period[~only_total]
    out = pd.DataFrame({"row": df["_row"].astype("int64")}, index=df.index)
    out["period"] = parse.map_unique(period_text, parse.parse_period)
    bad_p = out["period"].isna()
    log.add(df.loc[bad_p, "_row"], "period", df.loc[bad_p, "period"], None, "period", EXCLUDED,
            msg("log.unknown_period"))
    hit = total_period & ~bad_p
    log.add(df.loc[hit, "_row"], "period", df.loc[hit, "period"], None, "period_total", FIXED,
            pd.Series([msg("log.period_total", period=str(v)) for v in df.loc[hit, "period"]], dtype=object))
    for c in DIMS:
        vals = parse.key_texts(df[c])
        team = vals.map(lambda v: isinstance(v, str) and bool(_SUBTOTAL.search(v))).astype(bool)
        log.add(df.loc[team, "_row"], c, df.loc[team, c], None, "period_total", FIXED, msg("log.team_total"))
        out[c] = vals.where(~team, None)
    t = parse.map_unique(df["target"], parse.parse_amount).astype("float64") * _unit_factor(units, "target", settings)
    bad_t = t.isna() | (t <= 0)
    log.add(df.loc[bad_t & ~bad_p, "_row"], "target", df.loc[bad_t & ~bad_p, "target"], None, "target", EXCLUDED,
            msg("log.bad_target"))
    out["target"] = t
    out = out[~(bad_p | bad_t)].reset_index(drop=True)
    if not (units or {}).get("target") and orders is not None and not out.empty:
        ratio = magnitude(out, orders, settings=settings)
        if ratio is not None and ratio >= WAN_RATIO:
            out["target"] = out["target"] * 1e4
            log.note("target", "target_unit", FIXED, msg("log.target_unit", ratio=Num(ratio)))
    return out, log.frame()


def magnitude(targets: pd.DataFrame, orders: pd.DataFrame, *, settings: Settings) -> float | None:
    """Median of counted sales / target over the target rows that have sales; None without any."""
    counted = orders[orders["status"].isin(settings.revenue_statuses)]
    if counted.empty:
        return None
    ratios = []
    t = targets.assign(_freq=targets["period"].map(lambda p: p.freqstr[0]))
    for (freq, *on), grp in t.groupby(["_freq", *(t[d].notna().rename(f"_{d}") for d in DIMS)], sort=False):
        dims = [d for d, used in zip(DIMS, on, strict=True) if used]
        keyed = counted.assign(period=counted["order_date"].dt.to_period("Y" if freq == "A" else freq))
        actual = keyed.groupby(["period", *dims])["revenue"].sum()
        keys = list(zip(grp["period"], *(grp[d] for d in dims), strict=True)) if dims else list(grp["period"])
        got = actual.reindex(keys).to_numpy(dtype="float64") if len(actual) else np.full(len(grp), np.nan)
        ok = got > 0
        ratios.extend(got[ok] / grp["target"].to_numpy()[ok])
    return float(np.median(ratios)) if ratios else None


def notice_rows(log: pd.DataFrame) -> pd.DataFrame:
    """The log rows that change the numbers for a whole sheet (a missing column, a guessed unit)."""
    return log[log["rule"].isin(NOTICE_RULES)]


NOTICE_RULES = ("status_column", "target_unit")
