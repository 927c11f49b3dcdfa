"""Target completion, gap, YoY, MoM and status bands (SPEC §4 业绩分析; S0 表1, S3 表1).

YoY and MoM follow the one period rule of :mod:`.periods`: a closed period against the whole
base period, the running period's days 1..d against the same days of the base period (never a
base scaled by time elapsed), looked up over all history.

Each target row sets the grain: its period (month, quarter or year) and whichever of
salesperson / product_line / region it names. Actual = counted revenue of the orders in that
period matching those dimensions. 完成率 = actual / target (S0: 45.2/40 = 113%).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..messages import Growth, Join, Money, Pct, msg
from ..settings import Settings
from . import periods
from .tables import growth, ratio

DIMS = ("salesperson", "product_line", "region")
# status bands and pace: codes (vocabulary domains "band" and "pace" hold the words)
BAND_MET, BAND_NEAR, BAND_MISS, BAND_NONE = "met", "near", "below", "no_target"
PACE_AHEAD, PACE_BEHIND = "ahead", "behind"


def completion_rate(actual, target):
    """actual / target as a fraction; NaN when the target is zero or missing."""
    return ratio(actual, target)


def band(rate: pd.Series, *, settings: Settings) -> pd.Series:
    """The status band code of each completion rate: met / near / below, no_target where the rate is NaN."""
    out = np.select([rate >= settings.band_met, rate >= settings.band_near], [BAND_MET, BAND_NEAR], BAND_MISS)
    return pd.Series(out, index=rate.index).where(rate.notna(), BAND_NONE)


_NONE = "\x00"  # stands for an empty dimension cell in group keys


def _sums(counted: pd.DataFrame, spans, dims: list[str]) -> dict:
    """(start, end) → revenue in those days, as a Series by ``dims`` (or a float without dims)."""
    out = {}
    dates = counted["order_date"]
    for sp in {s for s in spans if s is not None}:
        sub = counted[(dates >= sp[0]) & (dates <= sp[1])]
        keys = [sub[d].fillna(_NONE) for d in dims]
        out[sp] = sub.groupby(keys)["revenue"].sum() if dims else float(sub["revenue"].sum())
    return out


def _lookup(sums: dict, sp, dims: list[str], row) -> float:
    if sp is None:
        return np.nan
    s = sums[sp]
    if not dims:
        return s
    vals = [_NONE if not isinstance(row[d], str) else row[d] for d in dims]
    key = tuple(vals) if len(vals) > 1 else vals[0]
    try:
        v = s.get(key, 0.0)
    except TypeError:  # an unhashable or mismatched key: nothing sold under it
        v = 0.0
    return float(v)


def _grain_rows(m: pd.DataFrame, counted: pd.DataFrame, freq: str, dims: list[str], *, as_of: pd.Timestamp,
                start: pd.Timestamp | None) -> pd.DataFrame:
    """actual, yoy and mom of rows sharing one period frequency and one set of dimensions."""
    m = m.copy()
    own = [periods.span(p, as_of) for p in m["period"]]
    sums = _sums(counted, own, dims)
    rows = m[dims].to_dict("records") if dims else [{}] * len(m)
    m["actual"] = [_lookup(sums, sp, dims, r) for sp, r in zip(own, rows, strict=True)]
    for which in ("yoy", "mom"):
        if which == "mom" and freq == "Y":  # a year's previous period is last year: 同比 says it
            m["mom"] = np.nan
            continue
        back = periods.months_back(freq, which)
        bases = [periods.base_span(p, back, as_of) for p in m["period"]]
        sums = _sums(counted, bases, dims)
        base = pd.Series([_lookup(sums, sp, dims, r) for sp, r in zip(bases, rows, strict=True)], index=m.index)
        known = pd.Series([periods.base_known(b, start) for b in bases], index=m.index)
        m[which] = growth(m["actual"], base, known)
    return m


def performance(orders: pd.DataFrame, targets: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """One row per target row (or per month × salesperson when there are no targets).

    Columns: period, freq, salesperson, product_line, region, actual, target, gap, completion,
    yoy, mom, band, elapsed, pace, note. ``yoy``/``mom`` follow the one period rule
    (:mod:`.periods`): fractions, the code 'new' on a zero base, NaN when the base is before the data.
    ``band`` and ``pace`` are codes (:data:`BAND_MET` …, :data:`PACE_AHEAD` …; pace is None outside a
    running period); ``note`` is a message (:class:`salesbook.messages.Join` of ``perf.*`` entries).
    Periods that start after as-of are left out; orders after as-of never count.
    """
    as_of_ts = pd.Timestamp(as_of)
    counted = periods.counted(orders, settings=settings, as_of=as_of)
    start = periods.data_start(orders, as_of)
    parts = []
    if targets.empty:
        known = orders[orders["order_date"] <= as_of_ts]
        base = (known.assign(period=known["order_date"].dt.to_period("M"))[["period", "salesperson"]]
                .drop_duplicates().astype({"salesperson": object}))
        base = base.assign(product_line=None, region=None, target=np.nan, freq="M")
        if not base.empty:
            parts.append(_grain_rows(base, counted, "M", ["salesperson"], as_of=as_of_ts, start=start))
    else:
        t = targets.assign(freq=targets["period"].map(periods.freq_of))
        t["dimset"] = t[list(DIMS)].notna().apply(lambda r: tuple(d for d, on in zip(DIMS, r, strict=True) if on),
                                                  axis=1)
        t = t[t["period"].map(lambda p: periods.span(p, as_of_ts) is not None)]
        for (freq, dimset), grp in t.groupby(["freq", "dimset"], sort=False):
            grp = grp.astype({d: object for d in DIMS}).drop(columns="dimset")
            parts.append(_grain_rows(grp, counted, freq, list(dimset), as_of=as_of_ts, start=start))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
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
    out["note"] = _notes(out)
    out["period_label"] = out["period"].map(period_label)
    # months, quarters and years together: order by start, then the shorter period first
    out = out.assign(_start=out["period"].map(lambda p: p.start_time),
                     _rank=out["freq"].map({"M": 0, "Q": 1, "Y": 2}))
    out = out.sort_values(["_start", "_rank", "salesperson", "product_line", "region"], na_position="first",
                          kind="stable")
    return out.reset_index(drop=True)[COLUMNS]


def _elapsed(period: pd.Period, as_of: pd.Timestamp) -> float:
    start, end = period.start_time, period.end_time.normalize()
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


COLUMNS = ["period", "period_label", "freq", "salesperson", "product_line", "region", "actual", "target", "gap",
           "completion", "yoy", "mom", "band", "elapsed", "pace", "note"]


def period_label(p: pd.Period) -> str:
    """A period as shown: 2024-03, 2024Q1 or 2024."""
    if p.freqstr.startswith("Q"):
        return f"{p.year}Q{p.quarter}"
    if p.freqstr.startswith("Y") or p.freqstr.startswith("A"):
        return f"{p.year}"
    return f"{p.year}-{p.month:02d}"


def _pace(out: pd.DataFrame) -> pd.Series:
    """In a running period compare completion with time elapsed (60% gone, 80% done → ahead)."""
    running = out["elapsed"].lt(1) & out["completion"].notna()
    ahead = out["completion"] >= out["elapsed"]
    pace = np.where(ahead, PACE_AHEAD, PACE_BEHIND).astype(object)
    return pd.Series(pace, index=out.index, dtype="object").where(running, None)


def _notes(out: pd.DataFrame) -> pd.Series:
    """Each row's note: completion, the gap (when short), time elapsed and pace (running periods),
    MoM and YoY — a message rendered in the workbook's language (amounts in its display unit)."""

    def note(r) -> Join:
        parts = []
        if pd.notna(r["completion"]):
            parts.append(msg("perf.completion", completion=Pct(r["completion"])))
            if r["gap"] < 0:
                parts.append(msg("perf.gap", gap=Money(-r["gap"])))
            if r["elapsed"] < 1:
                key = "perf.elapsed_ahead" if r["completion"] >= r["elapsed"] else "perf.elapsed_behind"
                parts.append(msg(key, elapsed=Pct(r["elapsed"])))
        parts.append(msg("perf.mom", mom=Growth(r["mom"])))
        parts.append(msg("perf.yoy", yoy=Growth(r["yoy"])))
        return Join(tuple(parts))

    return out.apply(note, axis=1) if len(out) else pd.Series(dtype="object")
