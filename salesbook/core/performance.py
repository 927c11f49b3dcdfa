"""Target completion, gap, YoY, MoM and status bands (SPEC §4 业绩分析; S0 表1, S3 表1).

In a running period, YoY and MoM compare with the base period scaled by the share of time
elapsed (a month 60% gone is compared with 60% of last month), so a half-finished month does
not read as a collapse.

Each target row sets the grain: its period (month, quarter or year) and whichever of
salesperson / product_line / region it names. Actual = counted revenue of the orders in that
period matching those dimensions. 完成率 = actual / target (S0: 45.2/40 = 113%).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..settings import Settings
from .tables import NEW_LABEL, growth, ratio

DIMS = ("salesperson", "product_line", "region")
BAND_MET, BAND_NEAR, BAND_MISS = "达标", "接近", "未达标"


def completion_rate(actual, target):
    """actual / target as a fraction; NaN when the target is zero or missing."""
    return ratio(actual, target)


def band(rate: pd.Series, *, settings: Settings) -> pd.Series:
    out = np.select([rate >= settings.band_met, rate >= settings.band_near], [BAND_MET, BAND_NEAR], BAND_MISS)
    return pd.Series(out, index=rate.index).where(rate.notna(), "无目标")


def _period_of(dates: pd.Series, freq: str) -> pd.Series:
    return dates.dt.to_period(freq)


def _actuals(orders: pd.DataFrame, freq: str, dims: list[str]) -> pd.DataFrame:
    keyed = orders.assign(period=_period_of(orders["order_date"], freq))
    out = keyed.groupby(["period", *dims], dropna=False, observed=True)["revenue"].sum().rename("actual").reset_index()
    return out.astype({d: object for d in dims})  # an all-empty column must still merge with text keys


def _elapsed(period: pd.Period, as_of: pd.Timestamp) -> float:
    start, end = period.start_time, period.end_time.normalize()
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def performance(orders: pd.DataFrame, targets: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """One row per target row (or per month × salesperson when there are no targets).

    Columns: period, freq, salesperson, product_line, region, actual, target, gap, completion,
    yoy, mom, band, elapsed, pace, note. ``yoy``/``mom`` are fractions or 新增.
    """
    as_of_ts = pd.Timestamp(as_of)
    if targets.empty:
        base = _actuals(orders, "M", ["salesperson"])
        base = base.assign(product_line=None, region=None, target=np.nan, freq="M", row=np.nan)
        rows = [base]
        for_growth = [(base, "M", ["salesperson"])]
    else:
        rows, for_growth = [], []
        t = targets.assign(freq=targets["period"].map(lambda p: p.freqstr[0]))
        t["dimset"] = t[list(DIMS)].notna().apply(lambda r: tuple(d for d, on in zip(DIMS, r, strict=True) if on),
                                                  axis=1)
        for (freq, dimset), grp in t.groupby(["freq", "dimset"], sort=False):
            dims = list(dimset)
            act = _actuals(orders, freq, dims)
            # targets mixing months, quarters and years hold Periods in an object column
            grp = grp.assign(period=pd.PeriodIndex(list(grp["period"]), freq=freq))
            merged = grp.astype({d: object for d in dims}).merge(act, on=["period", *dims], how="left")
            merged["actual"] = merged["actual"].fillna(0.0)
            rows.append(merged)
            for_growth.append((merged, freq, dims))
    out_parts = []
    for merged, freq, dims in for_growth:
        act = _actuals(orders, freq, dims)
        lookup = act.set_index(["period", *dims])["actual"] if dims else act.set_index("period")["actual"]
        years = {"M": 12, "Q": 4, "Y": 1}[freq]

        def shifted(n: int, merged=merged, dims=dims, lookup=lookup):
            keys = merged["period"] - n
            if dims:
                idx = pd.MultiIndex.from_arrays([keys, *[merged[d] for d in dims]])
            else:
                idx = pd.Index(keys)
            return pd.Series(lookup.reindex(idx).to_numpy(), index=merged.index)

        m = merged.copy()
        if m.empty:
            m["yoy"], m["mom"] = pd.Series(dtype=object), pd.Series(dtype=object)
            out_parts.append(m)
            continue
        # a running period is compared with the base scaled to the same share of time elapsed
        pace = m["period"].map(lambda p: _elapsed(p, as_of_ts))
        m["yoy"] = growth(m["actual"], shifted(years) * pace)
        m["mom"] = growth(m["actual"], shifted(1) * pace) if freq != "Y" else NEW_LABEL
        out_parts.append(m)
    out = pd.concat(out_parts, ignore_index=True) if out_parts else pd.DataFrame()
    if out.empty:  # no target and no counted order: an empty table, not an error
        return pd.DataFrame(columns=COLUMNS)
    for d in DIMS:
        if d not in out:
            out[d] = None
    out["gap"] = out["actual"] - out["target"]
    out["completion"] = completion_rate(out["actual"], out["target"])
    out["band"] = band(out["completion"], settings=settings)
    out["elapsed"] = out["period"].map(lambda p: _elapsed(p, as_of_ts))
    out["pace"] = _pace(out)
    out["note"] = _notes(out, settings=settings)
    out["period_label"] = out["period"].map(period_label)
    out = out[out["elapsed"] > 0]
    # months, quarters and years together: order by start, then the shorter period first
    out = out.assign(_start=out["period"].map(lambda p: p.start_time),
                     _rank=out["freq"].map({"M": 0, "Q": 1, "Y": 2}))
    out = out.sort_values(["_start", "_rank", "salesperson", "product_line", "region"], na_position="first",
                          kind="stable")
    return out.reset_index(drop=True)[COLUMNS]


COLUMNS = ["period", "period_label", "freq", "salesperson", "product_line", "region", "actual", "target", "gap",
           "completion", "yoy", "mom", "band", "elapsed", "pace", "note"]


def period_label(p: pd.Period) -> str:
    if p.freqstr.startswith("Q"):
        return f"{p.year}Q{p.quarter}"
    if p.freqstr.startswith("Y") or p.freqstr.startswith("A"):
        return f"{p.year}"
    return f"{p.year}-{p.month:02d}"


def _pace(out: pd.DataFrame) -> pd.Series:
    """In a running period compare completion with time elapsed (60% gone, 80% done → ahead)."""
    running = out["elapsed"].lt(1) & out["completion"].notna()
    ahead = out["completion"] >= out["elapsed"]
    pace = np.where(~running, "", np.where(ahead, "超前", "落后"))
    return pd.Series(pace, index=out.index)


def _pct(v) -> str:
    return "新增" if isinstance(v, str) else ("—" if pd.isna(v) else f"{v:+.1%}")


def _notes(out: pd.DataFrame, *, settings: Settings) -> pd.Series:
    unit, factor = settings.display_unit, settings.unit_factor

    def note(r) -> str:
        parts = []
        if pd.notna(r["completion"]):
            parts.append(f"完成率 {r['completion']:.1%}")
            if r["gap"] < 0:
                parts.append(f"差 {-r['gap'] / factor:,.2f}{unit}")
            if r["elapsed"] < 1:
                parts.append(f"时间进度 {r['elapsed']:.0%}，{'进度超前' if r['completion'] >= r['elapsed'] else '进度落后'}")
        parts.append(f"环比 {_pct(r['mom'])}")
        parts.append(f"同比 {_pct(r['yoy'])}")
        return "；".join(parts)

    return out.apply(note, axis=1) if len(out) else pd.Series(dtype="object")
