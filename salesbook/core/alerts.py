"""异常预警 Alerts (S0 异常情况跟进, S3 triggers), each with its evidence, its owner and where to paint it.

The columns of an alert are described in :mod:`.alerts_common`; customer rules (silent, overdue)
live in :mod:`.alerts_customers`, data-quality groups in :mod:`.alerts_data`. Thresholds come
from 参数.

Money at stake, per rule (元; the 涉及金额 column):
  completion_low / region_low  target − actual (what is still missing to reach the target)
  mom_drop                     previous period's sales − this period's
  share_drop                   points of share lost × this year's sales of all lines
  churn_up                     what the lost customers bought in the quarter before they left
  silent                       the customer's average purchase per cycle (lifetime sales ÷ order days)
  overdue                      the customer's sales of one follow-up cycle (RFM-window sales × cadence ÷ window)
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
from .alerts_common import (COLUMNS, HIGH, LOW, MEDIUM, SEVERITY_ORDER, customer_owners, frame, names_text,
                            recent_orders, slice_reps)
from .alerts_customers import overdue_alerts, silent_alerts
from .moneytext import money
from .numtext import number, pct, points

__all__ = ["COLUMNS", "HIGH", "LOW", "MEDIUM", "SEVERITY_ORDER", "RULE_NAMES", "BUSINESS_RULES", "frame",
           "customer_owners", "performance_alerts", "share_alerts", "churn_rate_by_quarter", "churn_alerts",
           "silent_alerts", "overdue_alerts", "amount_alerts", "data_alerts", "combine"]
RULE_NAMES = {
    "completion_low": "完成率低", "mom_drop": "环比下滑", "share_drop": "产品占比下降",
    "region_low": "区域完成率低", "churn_up": "老客户流失", "silent": "客户沉默", "overdue": "跟进逾期",
    "outlier": "金额异常", "unit_slip": "疑似单位错误", **alerts_data.DATA_RULE_NAMES,
}
BUSINESS_RULES = ("completion_low", "region_low", "mom_drop", "share_drop", "churn_up", "silent", "overdue",
                  "outlier", "unit_slip")


def performance_alerts(perf: pd.DataFrame, targets: pd.DataFrame, orders: pd.DataFrame | None = None, *,
                       settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Completion below the line (pace-adjusted in a running period), MoM drops, regions below the line.

    Only the latest complete period and the running one are checked, so an old miss does not
    alert every Monday. The owner is the row's salesperson, else the reps carrying the slice."""
    if perf.empty:
        return frame([])
    recent = recent_orders(orders, as_of, settings.rfm_window_days) if orders is not None else None
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
            slice_reps(recent, r.product_line, r.region) if recent is not None else None)
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
                       + (f"（按时间进度 {pct(r.elapsed)} 应 ≥ {pct(expected)}）" if running else "")
                       + f"；实际 {money(r.actual, settings)}，目标 {money(r.target, settings)}，"
                         f"差 {money(short, settings)}")
                msg_en = (f"{subject}: completion {pct(r.completion)} below the {pct(line, 0)} line"
                          + (f" (time elapsed {pct(r.elapsed)}, expected ≥ {pct(expected)})" if running else "")
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
    recent = recent_orders(orders, as_of, settings.rfm_window_days) if orders is not None and as_of else None
    rows = []
    for r in products.itertuples(index=False):
        if pd.notna(r.share_change) and r.share_change <= -settings.alert_share_drop:
            subject = str(r.product_line)
            rows.append(dict(key=f"share_drop|{subject}", rule="share_drop", severity=MEDIUM, subject=subject,
                             owner=slice_reps(recent, subject, None) if recent is not None else None,
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
                       owner=names_text(by_owner.index), stake=float(lost_rev.sum()),
                       message=f"{subject} 老客户流失率 {pct(last['churn'])}（上季度 {pct(before['churn'])}），"
                               f"较上季度 {points(up)}；流失 {int(last['lost'])} 家，"
                               f"其上季度采购 {money(lost_rev.sum(), settings)}",
                       message_en=f"{subject}: returning-customer churn {pct(last['churn'])} "
                                  f"(previous {pct(before['churn'])}), {points(up, lang='en')}",
                       value=last["churn"], baseline=before["churn"], action="建立老客户回访SOP，逐一回访流失客户",
                       count=int(last["lost"]))])


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
    rank = pd.DataFrame({"sev": out["severity"].map(SEVERITY_ORDER), "data": out["rule"].isin(list(alerts_data.DATA_RULES)),
                         "stake": -pd.to_numeric(out["stake"], errors="coerce").fillna(-np.inf),
                         "count": -pd.to_numeric(out["count"], errors="coerce").fillna(0)}, index=out.index)
    out = out.loc[rank.sort_values(["sev", "data", "stake", "count"], kind="stable").index]
    return out.reset_index(drop=True)[["key", "rule", "rule_name", *COLUMNS[2:]]]
