"""Customer alerts: silent customers (churn risk) and overdue follow-ups (SPEC §4 异常预警).

Money at stake: a silent customer's average purchase per order day (lifetime sales ÷ order
days: what one missed cycle costs); an overdue customer's sales of one follow-up cycle (sales
over the RFM window × cadence days ÷ window days: what a neglected cycle is worth).
The owner is 客户档案's 负责人, else the rep of the latest order.
Customers who need a call each get an alert; the long tail (lapsed customers, 普通/潜在
overdue follow-ups) gets one alert per owner, listing them and painting each.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..messages import Code, Day, Join, Money, Num, msg
from ..settings import Settings
from .alerts_common import HIGH, LOW, MEDIUM, NOBODY_KEY, customer_owners, frame, recent_orders
from .numtext import pct
from .tiers import CORE, VIP

NOBODY = NOBODY_KEY  # the owner part of a key when nobody is responsible
_LISTED = 5  # names quoted in a grouped alert's message


def _names(names: list[str]):
    """The first names, '等 / and others' when there are more."""
    shown = Join(tuple(names[:_LISTED]), "join.list")
    return msg("names.more", names=shown) if len(names) > _LISTED else shown


def _who(owner: str):
    return msg("owner.nobody") if owner == NOBODY else owner


def silent_alerts(rfm_table: pd.DataFrame, orders: pd.DataFrame, customers: pd.DataFrame, *,
                  settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Customers silent for more than 参数 × their own average purchase cycle (SPEC §4 异常预警).

    A cycle needs ≥ 3 orders on distinct days; the silence must also be at least
    ``alert_silent_min_days`` (a 2-day cycle does not make a customer 'silent' after 5 days).
    A valuable customer (M score ≥ 4) is judged by the churn model instead when it fits (the RFM sheet
    has 活跃概率): silent for at least those days with P(alive) below ``alert_p_alive`` (SPEC §4 RFM,
    issue 13) — the message says which rule spoke. Without a fit (too few repeat buyers) every customer
    is judged by the cycle rule. Severity 高 for a customer with M score ≥ 4, 中 otherwise. Customers silent beyond the RFM
    window are lapsed (a win-back case, not a warning): one 低 alert per owner lists them."""
    a = pd.Timestamp(as_of)
    o = orders[orders["is_order"] & (orders["order_date"] <= a)]
    if o.empty:
        return frame([])
    days = o[["customer_id", "order_date"]].drop_duplicates()
    g = days.groupby("customer_id")["order_date"]
    t = pd.DataFrame({"first": g.min(), "last": g.max(), "n": g.count()})
    t["cycle"] = (t["last"] - t["first"]).dt.days / (t["n"] - 1).where(t["n"] > 1)
    t["recency"] = (a - t["last"]).dt.days
    t["revenue"] = o.groupby("customer_id")["revenue"].sum()
    m_score = rfm_table.set_index("customer_id")["m_score"] if not rfm_table.empty else pd.Series(dtype=float)
    p_alive = (rfm_table.set_index("customer_id")["p_alive"] if "p_alive" in rfm_table and not rfm_table.empty
               else pd.Series(dtype=float))
    t["p_alive"] = p_alive.reindex(t.index)
    by_cycle = (t["n"] >= 3) & (t["cycle"] > 0) & (t["recency"] > settings.alert_silent_factor * t["cycle"])
    # valuable customers are judged by the churn model when it fits (P(alive) known); others by their cycle
    by_model = t["p_alive"].notna() & (m_score.reindex(t.index) >= 4)
    t["model"] = by_model
    silent = by_cycle.where(~by_model, (t["n"] >= 2) & (t["p_alive"] < settings.alert_p_alive))
    t = t[silent & (t["recency"] >= settings.alert_silent_min_days)]
    if t.empty:
        return frame([])
    t["stake"] = t["revenue"] / t["n"]
    names = o.dropna(subset=["customer_name"]).groupby("customer_id")["customer_name"].last()
    owners = customer_owners(orders, customers)
    cust_rows = customers.drop_duplicates("customer_id").set_index("customer_id")["row"] \
        if not customers.empty else pd.Series(dtype="int64")
    last_rows = o.sort_values("order_date").drop_duplicates("customer_id", keep="last").set_index("customer_id")["row"]
    t = t.sort_values("stake", ascending=False, kind="stable").assign(
        name=lambda d: [names.get(c, c) for c in d.index], owner=lambda d: [owners.get(c) for c in d.index],
        lapsed=lambda d: d["recency"] > settings.rfm_window_days)

    def spot(cid) -> tuple[str, int | None]:
        if cid in cust_rows.index:
            return "customers", int(cust_rows[cid])
        return "orders", (int(last_rows[cid]) if cid in last_rows.index else None)

    def text(cid, r):
        common = dict(name=str(r["name"]), days=int(r["recency"]), n=int(r["n"]), avg=Money(r["stake"]))
        if r["model"]:
            return msg("alert.silent_model", p=pct(r["p_alive"], 0), line=pct(settings.alert_p_alive, 0), **common)
        return msg("alert.silent_cycle", cycle=Num(r["cycle"], 1), factor=f"{settings.alert_silent_factor:g}",
                   **common)

    rows = []
    for cid, r in t[~t["lapsed"]].iterrows():
        m = m_score.get(cid)
        sheet, row = spot(cid)
        rows.append(dict(
            key=f"silent|{cid}", rule="silent", severity=HIGH if m is not None and pd.notna(m) and m >= 4 else MEDIUM,
            subject=f"{cid} {r['name']}", owner=r["owner"], stake=float(r["stake"]), members=(str(r["name"]),),
            message=msg("alert.silent_risk", text=text(cid, r)),
            value=int(r["recency"]), baseline=float(r["p_alive"] if r["model"] else r["cycle"]),
            action=msg("alert.action.silent"),
            sheet=sheet, row=row, column="customer_id"))
    gone = t[t["lapsed"]].assign(owner=lambda d: d["owner"].fillna(NOBODY))
    for owner, g in gone.groupby("owner", sort=True):
        spots = {cid: spot(cid) for cid in g.index}
        sheet = max(("customers", "orders"), key=lambda s_: sum(v[0] == s_ for v in spots.values()))
        cells = tuple((spots[cid][1], msg("alert.silent_gone", text=text(cid, r))) for cid, r in g.iterrows()
                      if spots[cid][0] == sheet and spots[cid][1] is not None)
        names_ = [str(x) for x in g["name"]]
        rows.append(dict(
            key=f"silent|{owner}|lapsed", rule="silent", severity=LOW,
            subject=msg("alert.lapsed_subject", owner=_who(owner)),
            owner=None if owner == NOBODY else owner, stake=float(g["stake"].sum()), count=len(g),
            members=tuple(names_),
            message=msg("alert.lapsed", owner=_who(owner), n=len(g), days=settings.rfm_window_days,
                        avg=Money(g["stake"].sum()), names=_names(names_)),
            value=int(g["recency"].max()), baseline=settings.rfm_window_days,
            action=msg("alert.action.lapsed"), sheet=sheet,
            row=cells[0][0] if cells else None, column="customer_id", cells=cells))
    return frame(rows)



def _said(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and v != ""


def overdue_alerts(plan: pd.DataFrame, followups: pd.DataFrame, customers: pd.DataFrame,
                   orders: pd.DataFrame | None = None, *, settings: Settings | None = None,
                   as_of: dt.date | None = None) -> pd.DataFrame:
    """Follow-ups overdue by the tier's cadence: one high alert per VIP/核心 customer, and one low
    alert per owner and tier for the others (the 维护计划 sheet lists each of them), painted on
    each customer's latest follow-up row."""
    late = plan[(plan["overdue_days"] > 0) & plan["last_contact"].notna()]
    if late.empty:
        return frame([])
    settings = settings or Settings()
    last_rows = (followups.sort_values("date").drop_duplicates("customer_id", keep="last")
                 .set_index("customer_id")["row"])
    if orders is not None and as_of is not None:
        owners = customer_owners(orders, customers)
        worth = recent_orders(orders, as_of, settings.rfm_window_days).groupby("customer_id")["revenue"].sum()
    else:
        owners, worth = pd.Series(dtype=object), pd.Series(dtype=float)
    late = late.assign(
        name=[n if isinstance(n, str) else c for n, c in zip(late["customer_name"], late["customer_id"], strict=True)],
        who=[owners.get(c) if isinstance(owners.get(c), str) else (o if isinstance(o, str) else None)
             for c, o in zip(late["customer_id"], late["owner"], strict=True)],
        stake=(late["customer_id"].map(worth).fillna(0.0).astype("float64") * late["cadence_days"]
               / settings.rfm_window_days),
        src=late["customer_id"].map(last_rows))

    def text(r):
        cadence = r.frequency if _said(r.frequency) else msg("alert.cadence_days", days=int(r.cadence_days))
        return msg("alert.overdue", tier=Code("tier", r.tier), name=str(r.name), days=int(r.overdue_days),
                   cadence=cadence, last=Day(r.last_contact), owner=r.who or msg("owner.nobody"))

    rows = []
    key_tiers = late["tier"].isin([VIP, CORE])
    for r in late[key_tiers].itertuples(index=False):
        rows.append(dict(
            key=f"overdue|{r.customer_id}", rule="overdue", severity=HIGH, subject=f"{r.customer_id} {r.name}",
            owner=r.who, stake=r.stake, members=(r.name,), message=text(r),
            value=r.overdue_days, baseline=r.cadence_days, action=msg("alert.action.overdue"),
            sheet="followups", row=int(r.src) if pd.notna(r.src) else None, column="date"))
    rest = late[~key_tiers].assign(who=lambda d: d["who"].fillna(NOBODY))
    for (who, tier), g in rest.groupby(["who", "tier"], sort=True):
        g = g.sort_values(["stake", "overdue_days"], ascending=False, kind="stable")
        located = g[g["src"].notna()]
        names = g["name"].tolist()
        rows.append(dict(
            key=f"overdue|{who}|{tier}", rule="overdue", severity=LOW,
            subject=msg("alert.overdue_subject", owner=_who(who), tier=Code("tier", tier)),
            owner=None if who == NOBODY else who, stake=float(g["stake"].sum()), count=len(g),
            members=tuple(names),
            message=msg("alert.overdue_group", owner=_who(who), n=len(g), tier=Code("tier", tier),
                        days=int(g["overdue_days"].max()), names=_names(names)),
            value=int(g["overdue_days"].max()), baseline=int(g["cadence_days"].iloc[0]),
            action=msg("alert.action.overdue_group"), sheet="followups",
            row=int(located["src"].iloc[0]) if not located.empty else None, column="date",
            cells=tuple((int(r.src), text(r)) for r in located.itertuples(index=False))))
    return frame(rows)
