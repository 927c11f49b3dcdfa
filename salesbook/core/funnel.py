"""销售漏斗 Funnel (S4 漏斗分析, S2 跟进阶段): the 线索 sheet as stages, as of the as-of date.

What the 线索 columns allow (lead_id, name, customer_id, stage, est_amount, owner, created,
stage_date, [lost_stage 丢单阶段], [lost_reason 丢单原因]) — the sheet records a lead's *current*
stage and the date it entered it (``stage_date``; for 成交/丢单 the closing date), not the
history of its stages. So:

* **As of the as-of date.** A lead created after it is left out. A lead whose ``stage_date`` lies
  after it had not yet made that change: it counts as open at the stage before (成交 → 商务谈判,
  商务谈判 → 方案提交, 方案提交 → 需求确认; 丢单 → the stage it was lost at).
* **Reached.** A stage is reached by the leads at it or at a later one (成交 implies the three open
  stages). A lost lead reached its 丢单阶段 when given, else only 需求确认. So for each open stage
  ``reached = reached(next) + open at it + lost at it``; 成交 and 丢单 count the leads won and lost.
* **Conversion** to the next stage = reached(next) / reached(this) (open leads included: a cumulative
  funnel). 赢单率 = won / (won + lost).
* **Days in stage.** Only the stage a lead is in now has a known start: ``stage_date``, or — for
  需求确认, for a lead with no stage date, or one whose change lies after the as-of date — the
  created date (then the count is an upper bound). 在途停留天数 = as-of − that start, averaged over
  the open leads at the stage. How long closed leads spent in each intermediate stage is not
  recorded, so it is not shown; instead 平均到达天数 = mean (stage_date − created) over the leads
  that entered the stage on a recorded date (for 成交 this is the 成交周期, created → won).
* **Stalled**: an open lead more than ``funnel_stall_days`` in its current stage.
* **Weighted pipeline** = Σ 预估金额 × the stage's probability (参数) over open leads; a lead with no
  预估金额 adds nothing.
* **Expected close.** The sheet has no expected-close column, so an open lead is expected to close on
  created + the cycle (参数 ``funnel_cycle_days``, else the mean 成交周期 of the leads won up to the
  as-of date); a date already past counts as the as-of date (still open, so due now). 本月/本季预计成交
  = Σ weighted amount of open leads whose expected close falls between the as-of date and the end of
  its month / quarter. Without a cycle (no won lead, no setting) nothing is expected and the summary
  says so.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .. import vocab
from ..messages import msg
from ..settings import Settings
from .tables import ratio

# stage codes (vocabulary domain "stage": 需求确认 qualify, 方案提交 proposal, 商务谈判 negotiation, 成交 won,
# 丢单 lost); the leads' typed stages are read in either language
STAGES = ("qualify", "proposal", "negotiation", "won")
OPEN_STAGES = STAGES[:3]
WON, LOST = "won", "lost"
NO_REASON = "not_given"  # a lost lead with no reason typed (vocabulary domain "lost_reason")
SINCE_STAGE_DATE, SINCE_CREATED = "stage_date", "created"  # vocabulary domain "since"
_INDEX = {s: i for i, s in enumerate(STAGES)}


def probability(stage: str, settings: Settings) -> float:
    """The win probability of an open lead at ``stage`` (a stage code; 参数 funnel_prob_*)."""
    return {"qualify": settings.funnel_prob_need, "proposal": settings.funnel_prob_proposal,
            "negotiation": settings.funnel_prob_negotiation}[stage]


def _stage_code(v):
    """A typed stage (code, Chinese or English word) as its code; other values unchanged."""
    return vocab.parse("stage", v) or v


def lead_states(leads: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Each lead as it stood on ``as_of`` (clean leads in, a new frame out).

    ``stage`` and ``lost_stage`` become stage codes. Adds ``state`` (qualify/proposal/negotiation =
    open at that stage, won, lost), ``reached`` (index of the furthest stage reached, 0 = qualify …
    3 = won), ``entered`` (start of the current stage,
    see the module docstring), ``closed_on`` (the closing date of a won or lost lead, when recorded),
    ``days_in_stage`` (open leads) and ``lost_at`` (the stage a lost lead stopped at)."""
    a = pd.Timestamp(as_of)
    df = leads.copy()
    for c in ("lost_stage", "lost_reason"):
        if c not in df:
            df[c] = None
    df = df[~(df["created"] > a)].copy()
    df["stage"] = df["stage"].map(_stage_code).astype(object)
    df["lost_stage"] = df["lost_stage"].map(_stage_code).astype(object)
    later = df["stage_date"] > a
    lost_at = df["lost_stage"].where(df["lost_stage"].isin(OPEN_STAGES), STAGES[0])
    before = {"proposal": "qualify", "negotiation": "proposal", "won": "negotiation"}
    state = df["stage"].copy()
    moved_back = later & df["stage"].ne(STAGES[0])
    state[moved_back] = np.where(df.loc[moved_back, "stage"].eq(LOST), lost_at[moved_back],
                                 df.loc[moved_back, "stage"].map(before))
    df["state"] = state
    df["lost_at"] = lost_at.where(state.eq(LOST))
    df["reached"] = state.map(_INDEX).where(state.ne(LOST), df["lost_at"].map(_INDEX)).astype("int64")
    recorded = df["stage_date"].where(~later & state.eq(df["stage"]))
    df["entered"] = recorded.where(state.ne(STAGES[0]) & recorded.notna(), df["created"]).astype("datetime64[ns]")
    df["closed_on"] = recorded.where(state.isin([WON, LOST])).astype("datetime64[ns]")
    is_open = state.isin(OPEN_STAGES)
    df["days_in_stage"] = (a - df["entered"]).dt.days.where(is_open).astype("float64")
    df["reached_on_record"] = recorded.where(state.ne(STAGES[0]))
    return df.reset_index(drop=True)


def _mean_days(delta: pd.Series) -> float:
    days = delta.dt.days.dropna()
    return float(days.mean()) if not days.empty else float("nan")


def stage_table(states: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """One row per stage code (qualify, proposal, negotiation, won, lost): reached, lost at it, open now,
    预估金额 (of the open leads at an open stage, of the won / lost leads at 成交 / 丢单), probability, weighted amount, conversion to the next stage, mean days in stage
    (open leads) and mean days from creation to reaching it."""
    rows = []
    reached = [int((states["reached"] >= i).sum()) for i in range(len(STAGES))]
    for i, stage in enumerate(STAGES):
        here = states[states["state"] == stage]
        lost = int((states["lost_at"] == stage).sum())
        is_open = stage in OPEN_STAGES
        p = probability(stage, settings) if is_open else float("nan")
        amount = float(here["est_amount"].sum())
        rows.append({
            "stage": stage, "reached": reached[i],
            "conversion": ratio(reached[i + 1], reached[i]) if i + 1 < len(STAGES) else float("nan"),
            "lost": lost if is_open else np.nan, "open": len(here) if is_open else np.nan,
            "amount": amount, "probability": p, "weighted": amount * p if is_open else float("nan"),
            "avg_days_in_stage": float(here["days_in_stage"].mean()) if is_open and here["days_in_stage"].notna().any()
            else float("nan"),
            "avg_days_to_reach": _mean_days(here["reached_on_record"] - here["created"]) if i > 0
            else float("nan"),
        })
    lost_all = states[states["state"] == LOST]
    rows.append({"stage": LOST, "reached": len(lost_all), "conversion": float("nan"), "lost": np.nan,
                 "open": np.nan, "amount": float(lost_all["est_amount"].sum()), "probability": float("nan"),
                 "weighted": float("nan"), "avg_days_in_stage": float("nan"),
                 "avg_days_to_reach": _mean_days(lost_all["closed_on"] - lost_all["created"])})
    t = pd.DataFrame(rows)
    for c in ("lost", "open"):
        t[c] = t[c].astype("float64")
    return t


def stalled(states: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """Open leads longer than ``funnel_stall_days`` in their stage, the largest amounts first."""
    s = states[states["state"].isin(OPEN_STAGES) & (states["days_in_stage"] > settings.funnel_stall_days)].copy()
    s["probability"] = s["state"].map(lambda st: probability(st, settings)).astype("float64")
    s["weighted"] = s["est_amount"] * s["probability"]
    s["since"] = np.where(s["entered"].eq(s["stage_date"]) & s["state"].eq(s["stage"]), SINCE_STAGE_DATE,
                          SINCE_CREATED)
    s = s.sort_values(["est_amount", "days_in_stage"], ascending=[False, False], na_position="last", kind="stable")
    return s[["lead_id", "name", "owner", "state", "est_amount", "weighted", "entered", "since",
              "days_in_stage"]].reset_index(drop=True)


def lost_reasons(states: pd.DataFrame) -> pd.DataFrame:
    """Lost leads by 丢单原因 (blank = the code :data:`NO_REASON`): count, share of lost leads, 预估金额 lost, most often
    the stage lost at. Empty when no lost lead has a reason."""
    lost = states[states["state"] == LOST]
    if lost.empty or lost["lost_reason"].isna().all():
        return pd.DataFrame(columns=["reason", "count", "share", "amount", "top_stage"])
    reason = lost["lost_reason"].fillna(NO_REASON)
    g = lost.assign(reason=reason).groupby("reason", sort=False)
    t = pd.DataFrame({"count": g.size(), "amount": g["est_amount"].sum(min_count=1),
                      "top_stage": g["lost_at"].agg(lambda s: s.value_counts().sort_index(
                          key=lambda ix: ix.map(_INDEX)).idxmax())}).reset_index()
    t["share"] = t["count"] / len(lost)
    t["_blank"] = t["reason"].eq(NO_REASON)
    t = t.sort_values(["_blank", "count", "amount"], ascending=[True, False, False], kind="stable")
    return t[["reason", "count", "share", "amount", "top_stage"]].reset_index(drop=True)


def cycle_days(states: pd.DataFrame, *, settings: Settings) -> float:
    """Days from creation to close used for expected close dates: the 参数 value, else the mean
    成交周期 of the leads won up to the as-of date (NaN when neither exists)."""
    if settings.funnel_cycle_days is not None:
        return float(settings.funnel_cycle_days)
    won = states[states["state"] == WON]
    return _mean_days(won["closed_on"] - won["created"])


def expected_close(states: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.Series:
    """Each open lead's expected close date (created + cycle, not before ``as_of``); NaT otherwise."""
    a = pd.Timestamp(as_of)
    cyc = cycle_days(states, settings=settings)
    is_open = states["state"].isin(OPEN_STAGES)
    if np.isnan(cyc):
        return pd.Series(pd.NaT, index=states.index, dtype="datetime64[ns]")
    due = (states["created"] + pd.to_timedelta(round(cyc), unit="D")).clip(lower=a)
    return due.where(is_open).astype("datetime64[ns]")


def summary(states: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """The funnel's headline numbers as (metric, label, value, kind) rows. ``label`` is the metric's
    code (vocabulary domain "funnel_kpi") or a message (the stalled count names its days); the
    expected-close basis is a message too."""
    a = pd.Timestamp(as_of)
    month_end = (a.to_period("M").end_time).normalize()
    quarter_end = (a.to_period("Q").end_time).normalize()
    month_start, quarter_start = a.to_period("M").start_time, a.to_period("Q").start_time
    is_open = states["state"].isin(OPEN_STAGES)
    p = states["state"].map(lambda s: probability(s, settings) if s in OPEN_STAGES else 0.0).astype("float64")
    weighted = (states["est_amount"] * p).where(is_open)
    due = expected_close(states, settings=settings, as_of=as_of)
    won = states[states["state"] == WON]
    closed = states["state"].isin([WON, LOST])
    cyc = cycle_days(states, settings=settings)
    n_stalled = int((is_open & (states["days_in_stage"] > settings.funnel_stall_days)).sum())

    def won_in(start):
        return float(won.loc[(won["closed_on"] >= start) & (won["closed_on"] <= a), "est_amount"].sum())

    def due_by(end):
        return float(weighted[(due >= a) & (due <= end)].sum())

    if states.empty:
        basis = msg("funnel.basis_none")
    elif np.isnan(cyc):
        basis = msg("funnel.basis_no_cycle")
    elif settings.funnel_cycle_days is not None:
        basis = msg("funnel.basis_setting", days=settings.funnel_cycle_days)
    else:
        basis = msg("funnel.basis_mean", days=round(cyc))
    rows = [
        ("leads", len(states), "int"),
        ("open", int(is_open.sum()), "int"),
        ("open_amount", float(states.loc[is_open, "est_amount"].sum()), "amount"),
        ("weighted", float(weighted.sum()), "amount"),
        ("win_rate", ratio(len(won), int(closed.sum())), "pct"),
        ("cycle", _mean_days(won["closed_on"] - won["created"]), "num"),
        ("stalled", n_stalled, "int"),
        ("won_month", won_in(month_start), "amount"),
        ("due_month", due_by(month_end), "amount"),
        ("won_quarter", won_in(quarter_start), "amount"),
        ("due_quarter", due_by(quarter_end), "amount"),
        ("basis", basis, "text"),
    ]
    rows = [(m, msg("funnel.stalled", days=settings.funnel_stall_days) if m == "stalled" else m, v, k)
            for m, v, k in rows]
    return pd.DataFrame(rows, columns=["metric", "label", "value", "kind"])


def lead_kpis(leads: pd.DataFrame, start, end) -> dict[str, float]:
    """线索转化率 and 成交周期 for [start, end] from the same lead states (SPEC §4): leads won in the range
    / leads closed (won or lost) in it, by the recorded closing date; mean days created → won of the
    leads won in it. A closing date after ``end`` does not count (the lead was still open then)."""
    s = lead_states(leads, as_of=pd.Timestamp(end).date())
    closed = s[s["state"].isin([WON, LOST]) & (s["closed_on"] >= pd.Timestamp(start))
               & (s["closed_on"] <= pd.Timestamp(end))]
    won = closed[closed["state"] == WON]
    return {"lead_conversion": ratio(len(won), len(closed)),
            "deal_cycle_days": _mean_days(won["closed_on"] - won["created"])}


def funnel(leads: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """All funnel tables for the 销售漏斗 sheet: summary, stages, stalled, lost_reasons."""
    states = lead_states(leads, as_of=as_of)
    return {"summary": summary(states, settings=settings, as_of=as_of),
            "stages": stage_table(states, settings=settings),
            "stalled": stalled(states, settings=settings),
            "lost_reasons": lost_reasons(states)}
