"""问题与策略 Problems → actions (S3 表2, 5Why): one row per detected business problem.

Each row carries the evidence numbers and an action drafted from the 策略库 playbook:
问题点 · 证据 · 提升策略 · 负责人 · 时间节点 · 资源支持 · 预期效果. ``key`` is stable across
refreshes so that what users type in 状态/进展/5Why can be matched back.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import playbook as pb
from .alerts import RULE_NAMES, SEVERITY_ORDER

BUSINESS_RULES = ("completion_low", "region_low", "mom_drop", "share_drop", "churn_up", "silent", "overdue")
_GROUPED = ("silent", "overdue")  # many customers → one problem per owner


def problems(alerts: pd.DataFrame, plan: pd.DataFrame, playbook: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    cols = ["key", "severity", "problem", "evidence", "strategy", "owner", "deadline", "resources", "expected"]
    a = alerts[alerts["rule"].isin(BUSINESS_RULES)]
    if a.empty:
        return pd.DataFrame(columns=cols)
    book = pb.lookup(playbook, pb.PROBLEM)
    owners = plan.set_index("customer_id")["owner"] if not plan.empty else pd.Series(dtype=object)
    rows = []
    single = a[~a["rule"].isin(_GROUPED)]
    for r in single.itertuples(index=False):
        rows.append((r.key, r.severity, r.rule, f"{RULE_NAMES[r.rule]}：{r.subject}", r.message, None))
    grouped = a[a["rule"].isin(_GROUPED)].copy()
    if not grouped.empty:
        grouped["cid"] = grouped["key"].str.split("|").str[1]
        grouped["owner"] = grouped["cid"].map(owners).fillna("未指定")
        for (rule, owner), grp in grouped.groupby(["rule", "owner"], sort=True):
            names = "、".join(grp["subject"].head(5).str.split(" ", n=1).str[-1])
            more = f" 等 {len(grp)} 家" if len(grp) > 5 else f" 共 {len(grp)} 家"
            sev = min(grp["severity"], key=SEVERITY_ORDER.get)
            rows.append((f"{rule}|{owner}", sev, rule, f"{RULE_NAMES[rule]}：{owner} 名下 {len(grp)} 家客户",
                         f"{names}{more}", owner))
    out = []
    a_ts = pd.Timestamp(as_of)
    for key, sev, rule, problem, evidence, owner in rows:
        entry = book.get(RULE_NAMES[rule], {})
        days = pb.deadline_days(entry.get("deadline", ""), 30)
        out.append({"key": key, "severity": sev, "problem": problem, "evidence": evidence,
                    "strategy": entry.get("action", ""), "owner": owner or entry.get("owner", ""),
                    "deadline": (a_ts + pd.Timedelta(days=days)).normalize(),
                    "resources": entry.get("resources", ""), "expected": entry.get("expected", "")})
    t = pd.DataFrame(out, columns=cols)
    return t.sort_values("severity", key=lambda s: s.map(SEVERITY_ORDER), kind="stable").reset_index(drop=True)
