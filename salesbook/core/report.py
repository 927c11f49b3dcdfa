"""The customer-analysis report in S1's outline, drafted from the numbers (S1 第六步).

分析背景与目标 · 客户整体概况 · 客户分层结果 · 关键问题与需求 · 策略建议 · 下一步计划.
:func:`draft` returns (section code, message) rows; every sentence is computed from the analysis, e.g.
"华南区域完成率 60.0%，拖累团队完成率 8.0个百分点". Numbers round as their cells do (numtext);
alerts a user marked 已核实/忽略 are left out of the issues and actions.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .. import vocab
from ..messages import Code, Day, DisplayUnit, Growth, Join, Money, Msg, Num, Pct, Unit, msg, text, unit_of
from . import playbook as pb
from . import problems as pr
from .alerts import BUSINESS_RULES
from .clean import STATUS_CODES
from .numtext import pct
from .pipeline import Result

SECTIONS = ("background", "overview", "segments", "issues", "strategies", "next")  # vocab report_section


_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)\d{4}(\d{4})(?![0-9A-Za-z])")


def mask_phones(text: str) -> str:
    """Mobile numbers masked as S1 表1 联系方式(脱敏) shows them: 13812345678 → 138****5678."""
    return _MOBILE.sub(r"\1****\2", text) if isinstance(text, str) else text


def lead_rows(result: Result) -> pd.Series:
    """Which 客户分层 rows are unconverted leads (keyed by 线索编号, not a known customer)."""
    t, leads = result.frames.tiers, result.clean.get("leads")
    if leads is None or leads.empty or "lead_id" not in leads:
        return pd.Series(False, index=t.index)
    customers = result.clean["customers"]
    known = set(customers["customer_id"]) if "customer_id" in customers else set()
    return t["customer_id"].isin(set(leads["lead_id"].dropna()) - known) & t["total_orders"].eq(0)


def open_alerts(result: Result, acknowledged=frozenset()) -> pd.DataFrame:
    """The alerts not marked 已核实/忽略 (their keys in ``acknowledged``), in rank order."""
    a = result.frames.alerts
    return a[~a["key"].isin(set(acknowledged))] if len(acknowledged) else a


def region_drag(result: Result) -> pd.DataFrame:
    """Year-to-date completion by region (targets of the region's reps) and how many points each
    under-performing region costs the team: (target − actual) / team target."""
    people = result.frames.by_salesperson
    if "target" not in people or people["target"].isna().all():
        return pd.DataFrame(columns=["region", "actual", "target", "completion", "drag"])
    orders = result.clean["orders"]
    home = (orders.dropna(subset=["salesperson", "region"]).groupby(["salesperson", "region"]).size()
            .sort_values(ascending=False).reset_index().drop_duplicates("salesperson")
            .set_index("salesperson")["region"])
    p = people.assign(region=people["salesperson"].map(home)).dropna(subset=["region", "target"])
    t = p.groupby("region").agg(actual=("revenue", "sum"), target=("target", "sum")).reset_index()
    team_target = t["target"].sum()
    t["completion"] = t["actual"] / t["target"]
    t["drag"] = ((t["target"] - t["actual"]).clip(lower=0) / team_target) if team_target else 0.0
    return t.sort_values("completion").reset_index(drop=True)


def _code(domain: str, value: Any) -> Any:
    """The vocabulary code of a value the core may still hold as a Chinese word (a tier, a segment)."""
    return vocab.parse(domain, value) or value


def _tally(values: pd.Series, domain: str) -> pd.Series:
    return values.map(lambda v: _code(domain, v)).value_counts()


def _book(playbook: pd.DataFrame, kind: str, domain: str | None = None) -> dict[str, dict[str, str]]:
    """The playbook's rows of ``kind`` keyed by code (its 对象 may be typed in either language)."""
    rows = pb.lookup(playbook, kind)
    return {(_code(domain, k) if domain else k): v for k, v in rows.items()}


def draft(result: Result, acknowledged=frozenset()) -> pd.DataFrame:
    """The report as (section, message) rows: ``section`` a code of the vocabulary's
    ``report_section`` domain, ``message`` a :class:`~salesbook.messages.Msg` whose numbers all
    come from ``result`` (rendered in the workbook's language at the edge, see :func:`build`).

    Alerts whose keys are in ``acknowledged`` (marked 已核实/忽略) are left out, and so are the
    problems and actions drawn from them."""
    s = result.settings
    f = result.frames
    orders = result.clean["orders"]
    kpi = f.kpi.set_index("metric")
    rfm_t, tiers_t = f.rfm, f.tiers
    alerts = open_alerts(result, acknowledged)
    playbook = result.clean.get("playbook", pb.default_playbook())
    probs = pr.problems(alerts, f.plan, playbook, as_of=result.as_of) if len(acknowledged) else f.problems
    rows: list[tuple[str, Msg]] = []

    def add(section: int, m: Msg) -> None:
        rows.append((SECTIONS[section], m))

    start, end = orders["order_date"].min(), orders["order_date"].max()
    n_leads = int(lead_rows(result).sum())
    add(0, msg("report.scope", orders=Num(len(orders)), customers=Num(len(tiers_t) - n_leads),
               range=msg("report.scope_range", start=Day(start), end=Day(end)) if pd.notna(start) else "",
               leads=msg("report.scope_leads", n=Num(n_leads)) if n_leads else "", as_of=Day(result.as_of)))
    add(0, msg("report.units", unit=DisplayUnit(),
               statuses=Join(tuple(Code("order_status", STATUS_CODES.get(x, x)) for x in s.revenue_statuses),
                             "join.list"),
               excluded=Num(result.excluded_rows), log=Code("sheet", "cleaning_log")))

    rev = kpi.loc["revenue"]
    add(1, msg("report.sales", ytd=Money(rev["ytd"]), yoy=Growth(rev["yoy"]), current=Money(rev["current"]),
               change=Growth(rev["change"])))
    add(1, msg("report.customers", customers=Num(int(kpi.loc["customers", "ytd"])),
               new=Num(int(kpi.loc["new_customers", "ytd"])), new_share=Pct(kpi.loc["new_share", "ytd"]),
               avg=Money(kpi.loc["avg_ticket", "ytd"]), collection=Pct(kpi.loc["collection_rate", "ytd"]),
               cancel=Pct(kpi.loc["cancel_rate", "ytd"]), repeat=Pct(kpi.loc["repeat_rate", "ytd"])))
    products = f.by_product_line
    if not products.empty:
        top = products.iloc[0]
        others = [msg("report.name_value", name=r.product_line, value=Pct(r.share))
                  for r in products.iloc[1:].itertuples()]
        add(1, msg("report.products", top=top["product_line"], share=Pct(top["share"]),
                   others=msg("report.products_rest", list=Join(tuple(others), "join.list")) if others else ""))
    customers = result.clean["customers"]
    if not customers.empty and customers["industry"].notna().any():
        ind = customers["industry"].value_counts(normalize=True).head(3)
        add(1, msg("report.industries", list=Join(tuple(msg("report.name_value", name=k, value=pct(v, 0))
                                                       for k, v in ind.items()), "join.list")))

    tier_of = tiers_t["tier"].map(lambda v: _code("tier", v))
    counts = tier_of.value_counts()
    amounts = tiers_t.groupby(tier_of)["half_year_amount"].sum()
    total_half = amounts.sum()

    def tier_part(t: str) -> Msg:
        share = amounts.get(t, 0) / total_half if total_half and t != "prospect" else None
        return msg("report.tier_part", tier=Code("tier", t), n=Num(int(counts.get(t, 0))),
                   share=msg("report.tier_share", share=pct(share, 0)) if share is not None else "")

    add(2, msg("report.tiers", parts=Join(tuple(tier_part(t) for t in ("vip", "core", "normal", "prospect")))))
    prospects = tiers_t[(tier_of == "prospect") & tiers_t["abc_class"].isin(["A", "B", "C"])]
    classes = prospects["abc_class"].value_counts()
    if len(classes):
        add(2, msg("report.abc", a=Num(int(classes.get("A", 0))), b=Num(int(classes.get("B", 0))),
                   c=Num(int(classes.get("C", 0)))))
    segs = _tally(rfm_t["segment"], "segment") if not rfm_t.empty else pd.Series(dtype="int64")
    if not rfm_t.empty:
        top_share = rfm_t.loc[rfm_t["pareto_top20"].astype(bool), "revenue_share"].sum()
        add(2, msg("report.rfm", parts=Join(tuple(msg("report.segment_part", segment=Code("segment", k), n=Num(v))
                                                 for k, v in segs.items())), top=pct(top_share, 0)))

    drag = region_drag(result)
    for r in drag[drag["completion"] < 1].head(2).itertuples():
        add(3, msg("report.region_drag", region=r.region, completion=Pct(r.completion), points=Num(r.drag * 100, 1)))
    _alert_lines(alerts, s, add)
    fu = result.clean["followups"]
    if not fu.empty and fu["satisfaction"].notna().any():
        add(3, msg("report.satisfaction", mean=Num(fu["satisfaction"].mean(), 1),
                   low=Num(int((fu["satisfaction"] < 3).sum()))))

    book_t, book_s = _book(playbook, pb.TIER, "tier"), _book(playbook, pb.SEGMENT, "segment")
    for t in ("vip", "core"):
        if counts.get(t, 0) and t in book_t:
            b = book_t[t]
            add(4, msg("report.for_tier", n=Num(int(counts[t])), tier=Code("tier", t), focus=b["focus"],
                       action=b["action"], frequency=b["frequency"]))
    for name in ("churn_risk", "potential"):
        n = int(segs.get(name, 0))
        if n and name in book_s:
            b = book_s[name]
            add(4, msg("report.for_segment", n=Num(n), segment=Code("segment", name), focus=b["focus"],
                       action=b["action"], deadline=b["deadline"]))
    if counts.get("prospect", 0) and "prospect" in book_t:
        add(4, msg("report.for_prospects", n=Num(int(counts["prospect"])), action=book_t["prospect"]["action"]))
    book_c = _book(playbook, pb.CLASS)
    for c in ("A", "B", "C"):
        n = int(classes.get(c, 0))
        if n and c in book_c:
            add(4, msg("report.for_class", n=Num(n), cls=c, focus=book_c[c]["focus"], action=book_c[c]["action"]))

    for r in probs.head(8).itertuples():
        stake = getattr(r, "stake", None)
        at = stake is not None and pd.notna(stake) and stake > 0
        owner = r.owner if isinstance(r.owner, str) and r.owner and r.owner != pr.NOBODY else msg("report.nobody")
        add(5, msg("report.action", problem=r.problem, strategy=r.strategy, owner=owner, deadline=Day(r.deadline),
                   stake=msg("report.at_stake", stake=Money(stake)) if at else "",
                   expected=r.expected if isinstance(r.expected, Msg) or (isinstance(r.expected, str) and r.expected)
                   else "—"))
    if probs.empty:
        add(5, msg("report.no_issues"))
    return pd.DataFrame(rows, columns=["section", "message"])


def build(result: Result, lang: str = "zh", acknowledged=frozenset(), unit: Unit | None = None) -> pd.DataFrame:
    """:func:`draft` rendered in ``lang``: (section, text) rows, mobile numbers masked — what the
    分析报告 sheet writes (and what the review's fingerprint is taken from, in Chinese)."""
    unit = unit or unit_of(result.settings)
    d = draft(result, acknowledged)
    return pd.DataFrame({"section": [vocab.label("report_section", c, lang) for c in d["section"]],
                         "text": [mask_phones(text(m, lang, unit)) for m in d["message"]]})


def _alert_lines(alerts: pd.DataFrame, s, add) -> None:
    """关键问题: how many open alerts of each kind, and the silent customers with the most at stake."""
    if alerts.empty:
        return
    business = alerts[alerts["rule"].isin(BUSINESS_RULES)]
    data = alerts[~alerts["rule"].isin(BUSINESS_RULES)]
    parts: list[Msg] = []
    if not business.empty:
        by_rule = business.groupby("rule").size().sort_values(ascending=False, kind="stable")
        parts += [msg("report.rule_count", rule=Code("rule", rule), n=Num(v)) for rule, v in by_rule.items()]
    if not data.empty:
        rows = int(pd.to_numeric(data["count"], errors="coerce").fillna(1).sum())
        parts.append(msg("report.data_issues", kinds=Num(len(data)), rows=Num(rows), alerts=Code("sheet", "alerts")))
    add(3, msg("report.alerts", parts=Join(tuple(parts))))
    silent = alerts[alerts["rule"] == "silent"]
    lapsed = silent["key"].str.endswith("|lapsed")
    risk = silent[~lapsed].sort_values("stake", ascending=False, kind="stable")
    if not risk.empty:
        names = [n for n in risk["subject"].head(5).astype(str).str.split(" ", n=1).str[-1]]
        add(3, msg("report.silent", n=Num(len(risk)), factor=f"{s.alert_silent_factor:g}",
                   days=Num(s.alert_silent_min_days), names=Join(tuple(names), "join.list")))
    if lapsed.any():
        n = int(pd.to_numeric(silent.loc[lapsed, "count"], errors="coerce").fillna(1).sum())
        add(3, msg("report.lapsed", n=Num(n), days=Num(s.rfm_window_days)))
