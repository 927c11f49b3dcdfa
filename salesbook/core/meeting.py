"""例会材料 Meeting pack: one page per salesperson and per region for the Monday meeting.

Each page: the numbers (this month and year to date, completion, rank), what changed since the
last refresh for that person's or region's customers, open alerts (not marked 已核实/忽略; ranked
by severity and money at stake, as in 异常预警), and follow-ups due within seven days of the
as-of date (overdue first). Mobile numbers in any text are masked (138****5678).

业绩提升之星 (S3: "每月评选"): among the salespeople with a monthly target in both of the last two
closed months, the one whose completion rose the most from the earlier month to the later one;
ties go to the higher revenue in the later month, then to the name. The running month is left
out: its completion is only part of a month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..messages import Day, Join, Msg, msg, text
from .pipeline import Result
from .report import mask_phones, open_alerts, region_drag

DUE_DAYS = 7
CHANGE_COLS = ["type", "subject", "before", "after"]
ALERT_COLS = ["severity", "rule", "subject", "owner", "stake", "message"]  # severity and rule: codes
DUE_COLS = ["customer_id", "customer_name", "tier", "next_due", "overdue_days", "focus"]


@dataclass(frozen=True)
class Star:
    """业绩提升之星: who, which month against which, both completion rates and the later month's sales."""

    salesperson: str
    month: pd.Period
    previous: pd.Period
    completion: float
    previous_completion: float
    revenue: float

    @property
    def change(self) -> float:
        return self.completion - self.previous_completion


def improvement_star(performance: pd.DataFrame) -> Star | None:
    """The salesperson with the biggest rise in monthly completion over the month before (see above);
    None when no one has targets in both of the last two closed months."""
    p = performance
    if p.empty:
        return None
    m = p[(p["freq"] == "M") & p["salesperson"].notna() & p["product_line"].isna() & p["region"].isna()
          & (p["elapsed"] >= 1) & p["target"].gt(0) & p["completion"].notna()]
    m = m.assign(month=m["period"].astype(str)).drop_duplicates(["month", "salesperson"], keep="last")
    months = sorted(set(m["period"]))
    if len(months) < 2:
        return None
    last, before = months[-1], months[-1] - 1
    now = m[m["period"] == last].set_index("salesperson")
    prev = m[m["period"] == before].set_index("salesperson")
    both = now.index.intersection(prev.index)
    if both.empty:
        return None
    t = pd.DataFrame({"completion": now.loc[both, "completion"], "previous": prev.loc[both, "completion"],
                      "revenue": now.loc[both, "actual"]})
    t["change"] = t["completion"] - t["previous"]
    t = t.rename_axis("salesperson").reset_index()
    best = t.sort_values(["change", "revenue", "salesperson"], ascending=[False, False, True], kind="stable").iloc[0]
    return Star(str(best["salesperson"]), last, before, float(best["completion"]), float(best["previous"]),
                float(best["revenue"]))


@dataclass(frozen=True)
class Page:
    """One page of the meeting pack: a salesperson or a region, its title, headline numbers, the changes,
    open alerts and due follow-ups that mention it (codes and messages; the edge words them)."""
    kind: str  # salesperson | region
    subject: str
    title: Msg
    numbers: list[tuple[str, object, str]]  # label (a meeting_number code), value, kind (amount/pct/int/num/text)
    changes: pd.DataFrame  # type, subject, before, after
    alerts: pd.DataFrame  # severity, rule (codes), subject, owner, stake (元), message (a message)
    followups: pd.DataFrame  # customer_id, customer_name, tier, next_due, overdue_days, focus


def _owned(result: Result) -> pd.DataFrame:
    """customer_id → owner and region (the region of most of the customer's orders)."""
    plan = result.frames.plan[["customer_id", "customer_name", "owner"]]
    orders = result.clean["orders"].dropna(subset=["region"])
    region = (orders.groupby(["customer_id", "region"]).size().sort_values(ascending=False).reset_index()
              .drop_duplicates("customer_id").set_index("customer_id")["region"])
    return plan.assign(region=plan["customer_id"].map(region))


def _mentions(texts: pd.Series, words: set[str]) -> pd.Series:
    words = {w for w in words if isinstance(w, str) and w}
    if not words:
        return pd.Series(False, index=texts.index)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return texts.fillna("").astype(str).map(lambda t: pattern.search(t) is not None).astype(bool)


def _said(value: Any) -> str:
    """A cell's words for matching names: a message rendered in Chinese (names are the user's)."""
    return text(value, "zh") if isinstance(value, Msg) else ("" if value is None or pd.isna(value) else str(value))


def pages(result: Result, changes: pd.DataFrame, acknowledged: set[str] = frozenset()) -> list[Page]:
    """The pages, salespeople first (by name), then regions; their labels are codes of the
    vocabulary's ``meeting_number`` domain and their titles messages (rendered at the edge)."""
    f = result.frames
    as_of = pd.Timestamp(result.as_of)
    owned = _owned(result)
    alerts = open_alerts(result, acknowledged)
    plan = f.plan
    perf = f.performance
    people = f.by_salesperson.set_index("salesperson") if not f.by_salesperson.empty else pd.DataFrame()
    month = perf[(perf["freq"] == "M") & (perf["elapsed"] < 1)] if not perf.empty else perf
    out = []
    for person in sorted(owned["owner"].dropna().unique()):
        ids = set(owned.loc[owned["owner"] == person, "customer_id"])
        names = set(owned.loc[owned["owner"] == person, "customer_name"].dropna())
        numbers: list[tuple[str, object, str]] = []
        m = month[month["salesperson"] == person] if not month.empty else month
        if not m.empty:
            r = m.iloc[0]
            numbers += [("sales_month", r["actual"], "amount"), ("target_month", r["target"], "amount"),
                        ("completion_month", r["completion"], "pct"), ("elapsed", r["elapsed"], "pct")]
        if person in people.index:
            p = people.loc[person]
            numbers += [("sales_ytd", p["revenue"], "amount"), ("rank", int(p["rank"]), "int")]
            if "completion" in p:
                numbers.append(("completion_ytd", p["completion"], "pct"))
            numbers.append(("new_customers", int(p.get("new_customers", 0)), "int"))
        words = {person} | ids | names
        title = msg("meeting.title_person", who=person, as_of=Day(result.as_of))
        out.append(_page("salesperson", person, title, numbers,
                         changes, alerts, plan[plan["owner"] == person], words, as_of))
    drag = _region_table(result)
    for region in sorted(owned["region"].dropna().unique()):
        ids = set(owned.loc[owned["region"] == region, "customer_id"])
        names = set(owned.loc[owned["region"] == region, "customer_name"].dropna())
        reps = set(owned.loc[owned["region"] == region, "owner"].dropna())
        numbers = []
        by_region = f.by_region.set_index("region") if not f.by_region.empty else pd.DataFrame()
        if region in by_region.index:
            numbers += [("sales_ytd", by_region.loc[region, "revenue"], "amount"),
                        ("share", by_region.loc[region, "share"], "pct")]
        if region in drag.index:
            numbers += [("completion_ytd", drag.loc[region, "completion"], "pct"),
                        ("drag", drag.loc[region, "drag"] * 100, "num")]
        numbers.append(("reps", Join(tuple(sorted(reps)), "join.list"), "text"))
        title = msg("meeting.title_region", region=region, as_of=Day(result.as_of))
        out.append(_page("region", region, title, numbers,
                         changes, alerts, plan[plan["customer_id"].isin(ids)], {region} | ids | names | reps, as_of))
    return out


def _region_table(result: Result) -> pd.DataFrame:
    t = region_drag(result)
    return t.set_index("region") if not t.empty else pd.DataFrame(columns=["completion", "drag"])


def _page(kind, subject, title, numbers, changes, alerts, plan, words, as_of) -> Page:
    changes = changes.reindex(columns=CHANGE_COLS)
    alerts = alerts.reindex(columns=ALERT_COLS)
    plan = plan.reindex(columns=DUE_COLS)
    ch = changes[_mentions(changes["subject"], words)]
    said = (alerts["subject"].map(_said) + " " + alerts["owner"].map(_said) + " " + alerts["message"].map(_said))
    al = alerts[_mentions(said, words)]
    ch = ch.assign(**{c: ch[c].map(mask_phones) for c in ("subject", "before", "after")})
    al = al.assign(message=al["message"].map(mask_phones))
    due = plan[pd.to_datetime(plan["next_due"]) <= as_of + pd.Timedelta(days=DUE_DAYS)]
    due = due.sort_values(["overdue_days", "next_due"], ascending=[False, True])
    due = due.assign(**{c: due[c].map(mask_phones) for c in ("customer_id", "customer_name", "focus")})
    return Page(kind, subject, title, numbers, ch.head(15), al.head(15), due.head(15))
