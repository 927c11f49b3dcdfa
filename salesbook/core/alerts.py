"""异常预警 Alerts (S0 异常情况跟进, S3 triggers), each with its evidence, its owner and where to paint it.

An alert row: key (stable business key: rule + subject), rule, severity (高/中/低), subject,
owner (a rep's name, never a role), stake (money at stake in 元, see below), count (rows or
customers covered), message (zh), message_en, value, baseline, action, the source cell — sheet
key, Excel row, column key — that the Excel layer paints in place, ``cells`` ((row, note) pairs
when an alert covers several cells) and ``members`` (customer names a grouped alert covers).
Thresholds come from 参数.

Money at stake, per rule (元; the 涉及金额 column):
  completion_low / region_low  target − actual (what is still missing to reach the target)
  mom_drop                     previous period's sales − this period's
  share_drop                   points of share lost × this year's sales of all lines
  churn_up                     what the lost customers bought in the quarter before they left
  silent                       the customer's average purchase per cycle (lifetime sales ÷ order days)
  overdue                      the customer's sales over the RFM window (what the relationship is worth)
  outlier / unit_slip          |amount − the customer's median| (the size of the likely misstatement)
  data-quality groups          none (ranked by the number of rows)
:func:`combine` sorts by severity, business alerts before data-quality ones, then stake (highest
first), then count.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..settings import Settings
from . import alerts_data
from .moneytext import money
from .numtext import number, pct, points

COLUMNS = ["key", "rule", "severity", "subject", "owner", "stake", "count", "message", "message_en", "value",
           "baseline", "action", "sheet", "row", "column", "cells", "members"]
HIGH, MEDIUM, LOW = "高", "中", "低"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}
RULE_NAMES = {
    "completion_low": "完成率低", "mom_drop": "环比下滑", "share_drop": "产品占比下降",
    "region_low": "区域完成率低", "churn_up": "老客户流失", "silent": "客户沉默", "overdue": "跟进逾期",
    "outlier": "金额异常", "unit_slip": "疑似单位错误", **alerts_data.DATA_RULE_NAMES,
}
_DATA_RULES = alerts_data.DATA_RULES
BUSINESS_RULES = ("completion_low", "region_low", "mom_drop", "share_drop", "churn_up", "silent", "overdue",
                  "outlier", "unit_slip")
NAMES_SHOWN = 3  # names in an owner list before 等


def frame(rows: list[dict]) -> pd.DataFrame:
    """Alert rows (dicts) as a frame with every alert column; missing cells default sensibly."""
    base = {"owner": None, "stake": float("nan"), "count": 1, "cells": (), "members": ()}
    return pd.DataFrame([{**base, **r} for r in rows], columns=COLUMNS) if rows else \
        pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


_frame = frame


def _names(names, limit: int = NAMES_SHOWN) -> str | None:
    """Distinct names in order: '刘洋、王芳、张伟 等' (None when there are none)."""
    seen = list(dict.fromkeys(n for n in names if isinstance(n, str) and n.strip()))
    if not seen:
        return None
    return "、".join(seen[:limit]) + (" 等" if len(seen) > limit else "")


def customer_owners(orders: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """customer_id → the responsible rep: 客户档案's 负责人, else the salesperson of the latest order."""
    reps = orders.dropna(subset=["salesperson"])
    reps = reps[reps["salesperson"].astype(str).str.strip() != ""]
    latest = (reps.sort_values(["order_date", "row"], kind="stable").drop_duplicates("customer_id", keep="last")
              .set_index("customer_id")["salesperson"].astype(object))
    own = pd.Series(dtype=object)
    if not customers.empty and "owner" in customers:
        c = customers.dropna(subset=["owner"])
        c = c[c["owner"].astype(str).str.strip() != ""]
        own = c.drop_duplicates("customer_id").set_index("customer_id")["owner"].astype(object)
    return own.combine_first(latest)


def _recent(orders: pd.DataFrame, as_of: dt.date, days: int) -> pd.DataFrame:
    a = pd.Timestamp(as_of)
    o = orders[orders["is_order"] & (orders["order_date"] <= a)]
    return o[o["order_date"] > a - pd.Timedelta(days=days)]


def _slice_reps(recent: pd.DataFrame, product_line, region) -> str | None:
    """The reps carrying a slice (product line and/or region) over the recent window, biggest first."""
    o = recent
    if isinstance(product_line, str):
        o = o[o["product_line"] == product_line]
    if isinstance(region, str):
        o = o[o["region"] == region]
    by = o.dropna(subset=["salesperson"]).groupby("salesperson")["revenue"].sum().sort_values(ascending=False)
    return _names(by.index)


def performance_alerts(perf: pd.DataFrame, targets: pd.DataFrame, orders: pd.DataFrame | None = None, *,
                       settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Completion below the line (pace-adjusted in a running period), MoM drops, regions below the line.

    Only the latest complete period and the running one are checked, so an old miss does not
    alert every Monday. The owner is the row's salesperson, else the reps carrying the slice."""
    if perf.empty:
        return frame([])
    recent = _recent(orders, as_of, settings.rfm_window_days) if orders is not None else None
    rows = []
    latest = {}
    for freq, grp in perf.groupby("freq"):
        done = grp.loc[grp["elapsed"] >= 1, "period"]
        latest[freq] = {p for p in [done.max() if len(done) else None,
                                    grp.loc[grp["elapsed"] < 1, "period"].max()] if p is not None and p == p}
    target_rows = targets.set_index(["period", "salesperson", "product_line", "region"])["row"] \
        if not targets.empty else pd.Series(dtype="int64")
    for r in perf.itertuples(index=False):
        if r.period not in latest.get(r.freq, set()):
            continue
        who = " / ".join(str(x) for x in (r.salesperson, r.product_line, r.region) if isinstance(x, str)) or "团队"
        subject = f"{r.period_label} {who}"
        owner = r.salesperson if isinstance(r.salesperson, str) else (
            _slice_reps(recent, r.product_line, r.region) if recent is not None else None)
        try:
            src_row = int(target_rows.get((r.period, r.salesperson, r.product_line, r.region)))
        except (TypeError, ValueError):
            src_row = None
        where = dict(sheet="targets" if src_row else None, row=src_row, column="target")
        if pd.notna(r.completion):
            line = settings.alert_completion_below
            is_region = isinstance(r.region, str) and not isinstance(r.salesperson, str)
            if is_region:
                line = settings.alert_region_completion_below
            expected = line * r.elapsed
            if r.completion < expected:
                rule = "region_low" if is_region else "completion_low"
                running = r.elapsed < 1
                short = max(float(r.target) - float(r.actual), 0.0)
                msg = (f"{subject} 完成率 {pct(r.completion)}，低于预警线 {pct(line, 0)}"
                       + (f"（按时间进度 {pct(r.elapsed, 0)} 应 ≥ {pct(expected)}）" if running else "")
                       + f"；实际 {money(r.actual, settings)}，目标 {money(r.target, settings)}，"
                         f"差 {money(short, settings)}")
                msg_en = (f"{subject}: completion {pct(r.completion)} below the {pct(line, 0)} line"
                          + (f" (time elapsed {pct(r.elapsed, 0)}, expected ≥ {pct(expected)})" if running else "")
                          + f"; actual {money(r.actual, settings, 'en')}, target {money(r.target, settings, 'en')}")
                rows.append(dict(key=f"{rule}|{subject}", rule=rule, severity=HIGH if r.completion < line * 0.75 *
                                 r.elapsed else MEDIUM, subject=subject, owner=owner, stake=short, message=msg,
                                 message_en=msg_en, value=r.completion, baseline=expected,
                                 action="定位未达标原因（5Why），制定补量计划", **where))
        if r.elapsed >= 1 and not isinstance(r.mom, str) and pd.notna(r.mom) and r.mom <= -settings.alert_mom_drop:
            prev = r.actual / (1 + r.mom) if r.mom != -1 else float("nan")
            rows.append(dict(key=f"mom_drop|{subject}", rule="mom_drop",
                             severity=HIGH if r.mom <= -2 * settings.alert_mom_drop else MEDIUM, subject=subject,
                             owner=owner, stake=prev - r.actual if pd.notna(prev) else float("nan"),
                             message=f"{subject} 销售额环比下降 {pct(-r.mom)}（{money(r.actual, settings)}，"
                                     f"上期 {money(prev, settings)}）",
                             message_en=f"{subject}: sales down {pct(-r.mom)} on the previous period",
                             value=r.mom, baseline=-settings.alert_mom_drop,
                             action="联系本期未下单的老客户，查明下滑原因", **where))
    return frame(rows)


def share_alerts(products: pd.DataFrame, orders: pd.DataFrame | None = None, *, settings: Settings,
                 as_of: dt.date | None = None) -> pd.DataFrame:
    """A product line whose share of this year's sales fell by the 参数 points or more."""
    if "share_change" not in products or products.empty:
        return frame([])
    total = float(products["revenue"].clip(lower=0).sum()) if "revenue" in products else float("nan")
    recent = _recent(orders, as_of, settings.rfm_window_days) if orders is not None and as_of else None
    rows = []
    for r in products.itertuples(index=False):
        if pd.notna(r.share_change) and r.share_change <= -settings.alert_share_drop:
            subject = str(r.product_line)
            rows.append(dict(key=f"share_drop|{subject}", rule="share_drop", severity=MEDIUM, subject=subject,
                             owner=_slice_reps(recent, subject, None) if recent is not None else None,
                             stake=-r.share_change * total,
                             message=f"产品线 {subject} 今年销售占比 {pct(r.share)}，比去年同期 "
                                     f"{points(r.share_change)}",
                             message_en=f"product line {subject}: share {pct(r.share)}, "
                                        f"{points(r.share_change, lang='en')} on last year",
                             value=r.share_change, baseline=-settings.alert_share_drop,
                             action="联合产品部分析竞争力，针对性促销"))
    return frame(rows)


def churn_rate_by_quarter(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Share of the customers who bought in quarter q−1 that bought nothing in quarter q."""
    a = pd.Timestamp(as_of)
    o = orders[orders["is_order"] & (orders["order_date"] <= a)]
    q = o.assign(q=o["order_date"].dt.to_period("Q"))
    sets = q.groupby("q")["customer_id"].agg(set)
    rows = []
    for p in sets.index:
        prev = sets.get(p - 1)
        if prev:
            lost = len(prev - sets[p])
            rows.append({"quarter": p, "base": len(prev), "lost": lost, "churn": lost / len(prev),
                         "complete": p.end_time <= a + pd.Timedelta(days=1)})
    return pd.DataFrame(rows, columns=["quarter", "base", "lost", "churn", "complete"])


def churn_alerts(orders: pd.DataFrame, customers: pd.DataFrame | None = None, *, settings: Settings,
                 as_of: dt.date) -> pd.DataFrame:
    """Returning-customer churn of the latest complete quarter up by the 参数 points or more."""
    c = churn_rate_by_quarter(orders, settings=settings, as_of=as_of)
    c = c[c["complete"]]
    if len(c) < 2:
        return frame([])
    last, before = c.iloc[-1], c.iloc[-2]
    up = last["churn"] - before["churn"]
    if up < settings.alert_churn_up:
        return frame([])
    o = orders[orders["is_order"] & (orders["order_date"] <= pd.Timestamp(as_of))]
    quarter = o["order_date"].dt.to_period("Q")
    base = o[quarter == last["quarter"] - 1]
    lost = set(base["customer_id"]) - set(o.loc[quarter == last["quarter"], "customer_id"])
    lost_rev = base[base["customer_id"].isin(lost)].groupby("customer_id")["revenue"].sum().sort_values(
        ascending=False)
    owners = customer_owners(orders, customers if customers is not None else pd.DataFrame())
    by_owner = owners.reindex(list(lost)).dropna().value_counts(sort=True)
    subject = f"{last['quarter']}"
    return frame([dict(key=f"churn_up|{subject}", rule="churn_up", severity=HIGH, subject=subject,
                       owner=_names(by_owner.index), stake=float(lost_rev.sum()),
                       message=f"{subject} 老客户流失率 {pct(last['churn'])}（上季度 {pct(before['churn'])}），"
                               f"较上季度 {points(up)}；流失 {int(last['lost'])} 家，"
                               f"其上季度采购 {money(lost_rev.sum(), settings)}",
                       message_en=f"{subject}: returning-customer churn {pct(last['churn'])} "
                                  f"(previous {pct(before['churn'])}), {points(up, lang='en')}",
                       value=last["churn"], baseline=before["churn"], action="建立老客户回访SOP，逐一回访流失客户",
                       count=int(last["lost"]))])


def silent_alerts(rfm_table: pd.DataFrame, orders: pd.DataFrame, customers: pd.DataFrame, *,
                  settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Customers silent for more than 参数 × their own average purchase cycle (SPEC §4 异常预警).

    A cycle needs ≥ 3 orders on distinct days; the silence must also be at least
    ``alert_silent_min_days`` (a 2-day cycle does not make a customer 'silent' after 5 days).
    Severity 高 for a customer with M score ≥ 4, 中 otherwise, 低 once silent beyond the RFM
    window (lapsed: a win-back case, not a warning)."""
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
    t = t[(t["n"] >= 3) & (t["cycle"] > 0) & (t["recency"] > settings.alert_silent_factor * t["cycle"])
          & (t["recency"] >= settings.alert_silent_min_days)]
    if t.empty:
        return frame([])
    t["stake"] = t["revenue"] / t["n"]
    m_score = rfm_table.set_index("customer_id")["m_score"] if not rfm_table.empty else pd.Series(dtype=float)
    names = o.dropna(subset=["customer_name"]).groupby("customer_id")["customer_name"].last()
    owners = customer_owners(orders, customers)
    cust_rows = customers.drop_duplicates("customer_id").set_index("customer_id")["row"] \
        if not customers.empty else pd.Series(dtype="int64")
    last_rows = o.sort_values("order_date").drop_duplicates("customer_id", keep="last").set_index("customer_id")["row"]
    rows = []
    for cid, r in t.sort_values("stake", ascending=False).iterrows():
        name = names.get(cid, cid)
        lapsed = r["recency"] > settings.rfm_window_days
        m = m_score.get(cid)
        severity = LOW if lapsed else HIGH if m is not None and pd.notna(m) and m >= 4 else MEDIUM
        in_customers = cid in cust_rows.index
        cyc = number(r["cycle"], 0)
        rows.append(dict(
            key=f"silent|{cid}", rule="silent", severity=severity, subject=f"{cid} {name}", owner=owners.get(cid),
            stake=float(r["stake"]), members=(str(name),),
            message=f"{name} 已 {int(r['recency'])} 天未下单，超过其平均采购周期 {cyc} 天的 "
                    f"{settings.alert_silent_factor:g} 倍（{int(r['n'])} 次下单，平均每次 "
                    f"{money(r['stake'], settings)}）" + ("，已超过 RFM 窗口，按已流失跟进挽回" if lapsed else "，有流失风险"),
            message_en=f"{name}: no order for {int(r['recency'])} days, over {settings.alert_silent_factor:g}× "
                       f"its average purchase cycle of {cyc} days ({money(r['stake'], settings, 'en')} per order day)",
            value=int(r["recency"]), baseline=float(r["cycle"]), action="本周内电话回访，了解需求变化与竞品情况",
            sheet="customers" if in_customers else "orders",
            row=int(cust_rows[cid]) if in_customers else (int(last_rows[cid]) if cid in last_rows.index else None),
            column="customer_id"))
    return frame(rows)


def overdue_alerts(plan: pd.DataFrame, followups: pd.DataFrame, customers: pd.DataFrame,
                   orders: pd.DataFrame | None = None, *, settings: Settings | None = None,
                   as_of: dt.date | None = None) -> pd.DataFrame:
    """Follow-ups overdue by the tier's cadence: one 高 alert per VIP/核心 customer, and one 低
    alert per owner and tier for the others (the 维护计划 sheet lists each of them), painted on
    each customer's latest follow-up row."""
    late = plan[(plan["overdue_days"] > 0) & plan["last_contact"].notna()]
    if late.empty:
        return frame([])
    settings = settings or Settings()
    last_rows = followups.sort_values("date").drop_duplicates("customer_id", keep="last").set_index("customer_id")["row"]
    if orders is not None and as_of is not None:
        owners = customer_owners(orders, customers)
        worth = _recent(orders, as_of, settings.rfm_window_days).groupby("customer_id")["revenue"].sum()
    else:
        owners, worth = pd.Series(dtype=object), pd.Series(dtype=float)
    late = late.assign(
        name=[n if isinstance(n, str) else c for n, c in zip(late["customer_name"], late["customer_id"], strict=True)],
        who=[owners.get(c) if isinstance(owners.get(c), str) else (o if isinstance(o, str) else None)
             for c, o in zip(late["customer_id"], late["owner"], strict=True)],
        stake=late["customer_id"].map(worth).fillna(0.0).astype("float64"),
        src=late["customer_id"].map(last_rows))

    def text(r) -> str:
        return (f"{r.tier}客户 {r.name} 跟进逾期 {r.overdue_days} 天（沟通频率 {r.frequency or r.cadence_days}，"
                f"最近跟进 {r.last_contact:%Y-%m-%d}），负责人 {r.who or '未指定'}")

    rows = []
    key_tiers = late["tier"].isin(["VIP", "核心"])
    for r in late[key_tiers].itertuples(index=False):
        rows.append(dict(
            key=f"overdue|{r.customer_id}", rule="overdue", severity=HIGH, subject=f"{r.customer_id} {r.name}",
            owner=r.who, stake=r.stake, members=(r.name,), message=text(r),
            message_en=f"{r.tier} customer {r.name}: follow-up overdue by {r.overdue_days} days "
                       f"(cadence {r.cadence_days} days, last contact {r.last_contact:%Y-%m-%d})",
            value=r.overdue_days, baseline=r.cadence_days, action="按维护计划补做跟进并记录",
            sheet="followups", row=int(r.src) if pd.notna(r.src) else None, column="date"))
    rest = late[~key_tiers].assign(who=lambda d: d["who"].fillna("未指定"))
    for (who, tier), g in rest.groupby(["who", "tier"], sort=True):
        g = g.sort_values(["stake", "overdue_days"], ascending=False, kind="stable")
        located = g[g["src"].notna()]
        names = g["name"].tolist()
        rows.append(dict(
            key=f"overdue|{who}|{tier}", rule="overdue", severity=LOW, subject=f"{who} 名下{tier}客户",
            owner=None if who == "未指定" else who, stake=float(g["stake"].sum()), count=len(g),
            members=tuple(names),
            message=f"{who} 名下 {len(g)} 家{tier}客户跟进逾期（最久 {int(g['overdue_days'].max())} 天）："
                    + "、".join(names[:5]) + (" 等" if len(names) > 5 else ""),
            message_en=f"{who}: {len(g)} {tier} customers overdue for a follow-up "
                       f"(longest {int(g['overdue_days'].max())} days)",
            value=int(g["overdue_days"].max()), baseline=int(g["cadence_days"].iloc[0]),
            action="按维护计划补做跟进并记录（名单见维护计划）", sheet="followups",
            row=int(located["src"].iloc[0]) if not located.empty else None, column="date",
            cells=tuple((int(r.src), text(r)) for r in located.itertuples(index=False))))
    return frame(rows)


def amount_alerts(orders: pd.DataFrame, customers: pd.DataFrame | None = None, *,
                  settings: Settings) -> pd.DataFrame:
    """Robust z of log amounts per customer (median/MAD over ≥ 4 orders) and ×1000+ unit slips (元 vs 万元).

    Only orders whose status counts as sales are checked (a 草稿 or 已取消 amount changes no number)."""
    o = orders[(orders["amount"] > 0) & orders["status"].isin(settings.revenue_statuses)]
    o = o[["row", "order_id", "customer_id", "customer_name", "salesperson", "amount"]]
    if o.empty:
        return frame([])
    g = o.groupby("customer_id")["amount"]
    med = g.transform("median")
    n = g.transform("size")
    # amounts are multiplicative (lognormal-ish): a robust z on the log scale
    log_amt = np.log(o["amount"])
    log_med = log_amt.groupby(o["customer_id"]).transform("median")
    mad = (log_amt - log_med).abs().groupby(o["customer_id"]).transform("median")
    z = 0.6745 * (log_amt - log_med) / mad.where(mad > 0)
    ratio_ = o["amount"] / med
    slip = (n >= 3) & ((ratio_ >= settings.alert_unit_slip) | (ratio_ <= 1 / settings.alert_unit_slip))
    outlier = (n >= 4) & (z.abs() >= settings.alert_outlier_z) & ~slip
    owners = customer_owners(orders, customers if customers is not None else pd.DataFrame())
    rows = []
    for idx in o.index[slip | outlier]:
        r = o.loc[idx]
        is_slip = bool(slip[idx])
        times = ratio_[idx]
        rule = "unit_slip" if is_slip else "outlier"
        times_txt = f"{number(times, 0)} 倍" if times >= 1 else f"1/{number(1 / times, 0)}"
        msg = (f"订单 {r['order_id']} 金额 {money(r['amount'], settings)} = 该客户订单中位数 "
               f"{money(med[idx], settings)} 的 {times_txt}"
               + ("；疑似 元/万元 混用" if is_slip else f"（稳健 z = {number(z[idx], 1)}）"))
        msg_en = (f"order {r['order_id']}: amount {money(r['amount'], settings, 'en')} = {number(times, 2)}× "
                  f"this customer's median {money(med[idx], settings, 'en')}"
                  + ("; possible 元/万元 mix-up" if is_slip else f" (robust z {number(z[idx], 1)})"))
        rep = r["salesperson"] if isinstance(r["salesperson"], str) and r["salesperson"].strip() else \
            owners.get(r["customer_id"])
        rows.append(dict(key=f"{rule}|{r['order_id']}", rule=rule, severity=HIGH if is_slip else MEDIUM,
                         subject=str(r["order_id"]), owner=rep, stake=abs(float(r["amount"]) - float(med[idx])),
                         message=msg, message_en=msg_en, value=r["amount"], baseline=med[idx],
                         action="核对原始单据与金额单位", sheet="orders", row=int(r["row"]), column="amount"))
    return frame(rows)


def data_alerts(log: pd.DataFrame, sheet_keys: dict[str, str],
                column_keys: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Cleaning-log rows a person should look at, one alert per (rule, sheet, column): see
    :mod:`.alerts_data`. Keys are ``rule|sheet|column``, stable while rows come and go."""
    return frame(alerts_data.groups(log, sheet_keys, column_keys))


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """All alerts, one per key, ranked: severity, business before data quality, stake (highest
    first), then count. Adds ``rule_name``."""
    parts = [f for f in frames if not f.empty]
    out = pd.concat(parts, ignore_index=True).drop_duplicates("key") if parts else frame([])
    out["rule_name"] = out["rule"].map(RULE_NAMES).fillna(out["rule"])
    rank = pd.DataFrame({"sev": out["severity"].map(SEVERITY_ORDER), "data": out["rule"].isin(list(_DATA_RULES)),
                         "stake": -pd.to_numeric(out["stake"], errors="coerce").fillna(-np.inf),
                         "count": -pd.to_numeric(out["count"], errors="coerce").fillna(0)}, index=out.index)
    out = out.loc[rank.sort_values(["sev", "data", "stake", "count"], kind="stable").index]
    return out.reset_index(drop=True)[["key", "rule", "rule_name", *COLUMNS[2:]]]
