"""问题与策略 Problems → actions (S3 表2, 5Why): one row per detected business problem.

Each row carries the evidence numbers and an action drafted from the 策略库 playbook:
问题点 · 证据 · 提升策略 · 负责人 · 时间节点 · 资源支持 · 预期效果. ``key`` is stable across
refreshes so that what users type in 状态/进展/5Why can be matched back. Severity is a code, the
problem, evidence and playbook texts are messages or the user's 策略库 wording. The 负责人 is the
rep named by the alert (never the playbook's role such as 销售负责人); problems are ranked
like the alerts: severity, then money at stake (``stake``, 元).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..messages import Code, Join, msg
from . import playbook as pb
from .alerts import GROUPED_RULES as _GROUPED
from .alerts import PROBLEM_RULES as BUSINESS_RULES
from .alerts import SEVERITY_ORDER
from .alerts_common import NOBODY_KEY, named

NOBODY = msg("owner.nobody")  # the owner shown when nobody is named (未指定 / Not assigned)
_NOBODY_KEY = NOBODY_KEY  # the owner part of a grouped problem's key
COLUMNS = ["key", "severity", "problem", "evidence", "strategy", "owner", "deadline", "resources", "expected",
           "stake"]


def problems(alerts: pd.DataFrame, plan: pd.DataFrame, playbook: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Business alerts → problem rows, ranked by severity then stake. ``plan`` names a customer's
    owner when an alert has none."""
    a = alerts[alerts["rule"].isin(BUSINESS_RULES)]
    if a.empty:
        return pd.DataFrame(columns=COLUMNS)
    book = pb.lookup(playbook, pb.PROBLEM)
    plan_owner = plan.set_index("customer_id")["owner"] if not plan.empty else pd.Series(dtype=object)
    a = a.assign(owner=a["owner"] if "owner" in a else None, stake=pd.to_numeric(a.get("stake"), errors="coerce"))
    rows = []
    for r in a[~a["rule"].isin(_GROUPED)].itertuples(index=False):
        owner = r.owner if named(r.owner) else NOBODY
        rows.append((r.key, r.severity, r.rule, msg("problem.single", rule=Code("rule", r.rule), subject=r.subject),
                     r.message, owner, r.stake))
    grouped = a[a["rule"].isin(_GROUPED)].copy()
    if not grouped.empty:

        def who(owner, key: str) -> str:
            if isinstance(owner, str) and owner:
                return owner
            parts = key.split("|")  # a customer's alert (rule|customer_id): the plan's owner
            found = plan_owner.get(parts[1]) if len(parts) == 2 else None
            return found if isinstance(found, str) and found else _NOBODY_KEY

        grouped["who"] = [who(o, k) for o, k in zip(grouped["owner"], grouped["key"], strict=True)]
        for (rule, owner), grp in grouped.groupby(["rule", "who"], sort=True):
            grp = grp.sort_values("stake", ascending=False, kind="stable")
            members = [m for ms in grp["members"] for m in (ms if isinstance(ms, tuple) else ())]
            n = len(members) or int(pd.to_numeric(grp["count"], errors="coerce").fillna(1).sum())
            names = Join(tuple(members[:5]), "join.list")
            evidence = msg("problem.names_more" if n > 5 else "problem.names_all", names=names, n=n)
            sev = min(grp["severity"], key=SEVERITY_ORDER.get)
            shown = NOBODY if owner == _NOBODY_KEY else owner
            rows.append((f"{rule}|{owner}", sev, rule, msg("problem.group", rule=Code("rule", rule), owner=shown, n=n),
                         evidence, shown, float(grp["stake"].fillna(0).sum())))
    out = []
    a_ts = pd.Timestamp(as_of)
    for key, sev, rule, problem, evidence, owner, stake in rows:
        entry = book.get(rule, {})
        days = pb.deadline_days(entry.get("deadline", ""), 30)
        out.append({"key": key, "severity": sev, "problem": problem, "evidence": evidence,
                    "strategy": entry.get("action", ""), "owner": owner,
                    "deadline": (a_ts + pd.Timedelta(days=days)).normalize(),
                    "resources": entry.get("resources", ""), "expected": entry.get("expected", ""), "stake": stake})
    t = pd.DataFrame(out, columns=COLUMNS)
    rank = pd.DataFrame({"sev": t["severity"].map(SEVERITY_ORDER),
                         "stake": -pd.to_numeric(t["stake"], errors="coerce").fillna(-float("inf"))}, index=t.index)
    return t.loc[rank.sort_values(["sev", "stake"], kind="stable").index].reset_index(drop=True)
