"""异常预警 Alerts (S0 异常情况跟进, S3 triggers), each with its evidence and where to paint it.

An alert row: key (stable business key: rule + subject), rule, severity (高/中/低), subject,
message (zh), message_en, value, baseline, action, and the source cell — sheet key, Excel
row, column key — that the Excel layer paints in place. Thresholds come from 参数.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..settings import Settings

COLUMNS = ["key", "rule", "severity", "subject", "message", "message_en", "value", "baseline", "action",
           "sheet", "row", "column"]
HIGH, MEDIUM, LOW = "高", "中", "低"
RULE_NAMES = {
    "completion_low": "完成率低", "mom_drop": "环比下滑", "share_drop": "产品占比下降",
    "region_low": "区域完成率低", "churn_up": "老客户流失", "silent": "客户沉默", "overdue": "跟进逾期",
    "outlier": "金额异常", "unit_slip": "疑似单位错误", "possible_duplicate": "疑似重复",
    "duplicate_id": "订单编号重复", "missing_contact": "缺少联系方式", "status": "未知状态",
    "future_date": "未来日期", "date": "日期无法识别", "amount": "金额无法识别", "period": "周期无法识别",
    "zero_amount": "零金额",
}
_DATA_RULES = {"possible_duplicate": MEDIUM, "duplicate_id": MEDIUM, "missing_contact": LOW, "status": HIGH,
               "future_date": MEDIUM, "date": HIGH, "amount": HIGH, "period": HIGH, "zero_amount": LOW,
               "customer_id": HIGH, "target": MEDIUM}


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS) if rows else pd.DataFrame(columns=COLUMNS)


def _money(v: float, settings: Settings) -> str:
    return f"{v / settings.unit_factor:,.2f}{settings.display_unit}"


def performance_alerts(perf: pd.DataFrame, targets: pd.DataFrame, *, settings: Settings,
                       as_of: dt.date) -> pd.DataFrame:
    """Completion below the line (pace-adjusted in a running period), MoM drops, regions below the line.

    Only the latest complete period and the running one are checked, so an old miss does not
    alert every Monday.
    """
    if perf.empty:
        return _frame([])
    rows = []
    a = pd.Timestamp(as_of)
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
        try:
            src_row = int(target_rows.get((r.period, r.salesperson, r.product_line, r.region)))
        except (TypeError, ValueError):
            src_row = None
        if pd.notna(r.completion):
            line = settings.alert_completion_below
            is_region = isinstance(r.region, str) and not isinstance(r.salesperson, str)
            if is_region:
                line = settings.alert_region_completion_below
            expected = line * r.elapsed
            if r.completion < expected:
                rule = "region_low" if is_region else "completion_low"
                running = r.elapsed < 1
                msg = (f"{subject} 完成率 {r.completion:.1%}，低于预警线 {line:.0%}"
                       + (f"（按时间进度 {r.elapsed:.0%} 应 ≥ {expected:.1%}）" if running else "")
                       + f"；实际 {_money(r.actual, settings)}，目标 {_money(r.target, settings)}，"
                         f"差 {_money(-r.gap, settings)}")
                msg_en = (f"{subject}: completion {r.completion:.1%} below the {line:.0%} line"
                          + (f" (time elapsed {r.elapsed:.0%}, expected ≥ {expected:.1%})" if running else "")
                          + f"; actual {r.actual:,.0f}, target {r.target:,.0f}")
                rows.append(dict(key=f"{rule}|{subject}", rule=rule, severity=HIGH if r.completion < line * 0.75 *
                                 r.elapsed else MEDIUM, subject=subject, message=msg, message_en=msg_en,
                                 value=r.completion, baseline=expected, action="定位未达标原因（5Why），制定补量计划",
                                 sheet="targets" if src_row else None, row=src_row, column="target"))
        if r.elapsed >= 1 and not isinstance(r.mom, str) and pd.notna(r.mom) and r.mom <= -settings.alert_mom_drop:
            prev = r.actual / (1 + r.mom) if r.mom != -1 else float("nan")
            rows.append(dict(key=f"mom_drop|{subject}", rule="mom_drop",
                             severity=HIGH if r.mom <= -2 * settings.alert_mom_drop else MEDIUM, subject=subject,
                             message=f"{subject} 销售额环比下降 {-r.mom:.1%}（{_money(r.actual, settings)}，"
                                     f"上期 {_money(prev, settings)}）",
                             message_en=f"{subject}: sales down {-r.mom:.1%} on the previous period",
                             value=r.mom, baseline=-settings.alert_mom_drop,
                             action="联系本期未下单的老客户，查明下滑原因", sheet="targets" if src_row else None,
                             row=src_row, column="target"))
    del a
    return _frame(rows)


def share_alerts(products: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    rows = []
    if "share_change" not in products:
        return _frame(rows)
    for r in products.itertuples(index=False):
        if pd.notna(r.share_change) and r.share_change <= -settings.alert_share_drop:
            subject = str(r.product_line)
            rows.append(dict(key=f"share_drop|{subject}", rule="share_drop", severity=MEDIUM, subject=subject,
                             message=f"产品线 {subject} 今年销售占比 {r.share:.1%}，比去年同期下降 "
                                     f"{-r.share_change * 100:.1f} 个百分点",
                             message_en=f"product line {subject}: share {r.share:.1%}, down "
                                        f"{-r.share_change * 100:.1f} points on last year",
                             value=r.share_change, baseline=-settings.alert_share_drop,
                             action="联合产品部分析竞争力，针对性促销", sheet=None, row=None, column=None))
    return _frame(rows)


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


def churn_alerts(orders: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    c = churn_rate_by_quarter(orders, settings=settings, as_of=as_of)
    c = c[c["complete"]]
    if len(c) < 2:
        return _frame([])
    last, before = c.iloc[-1], c.iloc[-2]
    up = last["churn"] - before["churn"]
    if up < settings.alert_churn_up:
        return _frame([])
    subject = f"{last['quarter']}"
    return _frame([dict(key=f"churn_up|{subject}", rule="churn_up", severity=HIGH, subject=subject,
                        message=f"{subject} 老客户流失率 {last['churn']:.1%}（上季度 {before['churn']:.1%}），"
                                f"上升 {up * 100:.1f} 个百分点；流失 {int(last['lost'])} 家",
                        message_en=f"{subject}: returning-customer churn {last['churn']:.1%} "
                                   f"(previous {before['churn']:.1%}), up {up * 100:.1f} points",
                        value=last["churn"], baseline=before["churn"], action="建立老客户回访SOP，逐一回访流失客户",
                        sheet=None, row=None, column=None)])


def silent_alerts(rfm_table: pd.DataFrame, orders: pd.DataFrame, customers: pd.DataFrame, *,
                  settings: Settings) -> pd.DataFrame:
    if rfm_table.empty:
        return _frame([])
    t = rfm_table.dropna(subset=["avg_cycle_days"])
    t = t[t["recency_days"] > settings.alert_silent_factor * t["avg_cycle_days"]]
    cust_rows = customers.set_index("customer_id")["row"] if not customers.empty else pd.Series(dtype="int64")
    last_rows = orders[orders["is_order"]].sort_values("order_date").drop_duplicates("customer_id", keep="last") \
        .set_index("customer_id")["row"]
    rows = []
    for r in t.itertuples(index=False):
        name = r.customer_name if isinstance(r.customer_name, str) else r.customer_id
        in_customers = r.customer_id in cust_rows.index
        rows.append(dict(
            key=f"silent|{r.customer_id}", rule="silent", severity=HIGH if r.m_score >= 4 else MEDIUM,
            subject=f"{r.customer_id} {name}",
            message=f"{name} 已 {r.recency_days} 天未下单，超过其平均采购周期 {r.avg_cycle_days:.0f} 天的 "
                    f"{settings.alert_silent_factor:g} 倍，有流失风险",
            message_en=f"{name}: no order for {r.recency_days} days, over {settings.alert_silent_factor:g}× "
                       f"its average purchase cycle of {r.avg_cycle_days:.0f} days (churn risk)",
            value=r.recency_days, baseline=r.avg_cycle_days, action="本周内电话回访，了解需求变化与竞品情况",
            sheet="customers" if in_customers else "orders",
            row=int(cust_rows[r.customer_id]) if in_customers else int(last_rows.get(r.customer_id, 0)) or None,
            column="customer_id"))
    return _frame(rows)


def overdue_alerts(plan: pd.DataFrame, followups: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    late = plan[(plan["overdue_days"] > 0) & plan["last_contact"].notna()]
    if late.empty:
        return _frame([])
    last_rows = followups.sort_values("date").drop_duplicates("customer_id", keep="last").set_index("customer_id")["row"]
    rows = []
    for r in late.itertuples(index=False):
        name = r.customer_name if isinstance(r.customer_name, str) else r.customer_id
        rows.append(dict(
            key=f"overdue|{r.customer_id}", rule="overdue", severity=HIGH if r.tier in ("VIP", "核心") else LOW,
            subject=f"{r.customer_id} {name}",
            message=f"{r.tier}客户 {name} 跟进逾期 {r.overdue_days} 天（沟通频率 {r.frequency or r.cadence_days}，"
                    f"最近跟进 {r.last_contact:%Y-%m-%d}），负责人 {r.owner or '未指定'}",
            message_en=f"{r.tier} customer {name}: follow-up overdue by {r.overdue_days} days "
                       f"(cadence {r.cadence_days} days, last contact {r.last_contact:%Y-%m-%d})",
            value=r.overdue_days, baseline=r.cadence_days, action="按维护计划补做跟进并记录",
            sheet="followups", row=int(last_rows[r.customer_id]) if r.customer_id in last_rows.index else None,
            column="date"))
    return _frame(rows)


def amount_alerts(orders: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """Robust z of log amounts per customer (median/MAD over ≥ 4 orders) and ×1000+ unit slips (元 vs 万元)."""
    o = orders[orders["amount"] > 0][["row", "order_id", "customer_id", "customer_name", "amount"]]
    if o.empty:
        return _frame([])
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
    rows = []
    for idx in o.index[slip | outlier]:
        r = o.loc[idx]
        is_slip = bool(slip[idx])
        times = ratio_[idx]
        rule = "unit_slip" if is_slip else "outlier"
        times_txt = f"{times:,.0f} 倍" if times >= 1 else f"1/{1 / times:,.0f}"
        msg = (f"订单 {r['order_id']} 金额 {_money(r['amount'], settings)} = 该客户订单中位数 "
               f"{_money(med[idx], settings)} 的 {times_txt}"
               + ("；疑似 元/万元 混用" if is_slip else f"（稳健 z = {z[idx]:.1f}）"))
        msg_en = (f"order {r['order_id']}: amount {r['amount']:,.0f} = {times:,.2f}× this customer's median "
                  f"{med[idx]:,.0f}" + ("; possible 元/万元 mix-up" if is_slip else f" (robust z {z[idx]:.1f})"))
        rows.append(dict(key=f"{rule}|{r['order_id']}", rule=rule, severity=HIGH if is_slip else MEDIUM,
                         subject=str(r["order_id"]), message=msg, message_en=msg_en, value=r["amount"],
                         baseline=med[idx], action="核对原始单据与金额单位", sheet="orders", row=int(r["row"]),
                         column="amount"))
    return _frame(rows)


def data_alerts(log: pd.DataFrame, sheet_keys: dict[str, str], column_keys: dict[tuple[str, str], str],
                row_keys: dict[tuple[str, int], str] | None = None) -> pd.DataFrame:
    """Cleaning-log rows that a person should look at: flagged cells and unreadable values.

    An alert's key names the row by its business key (order id, or a fingerprint of the row's
    content), never by its position, so an acknowledgement follows the row when the sheet is
    sorted."""
    if log.empty:
        return _frame([])
    pick = log[log["action"].isin(["flagged", "excluded"]) & log["rule"].isin(list(_DATA_RULES))]
    if pick.empty:
        return _frame([])
    sheet = pick["sheet"].map(sheet_keys)
    column = [column_keys.get((s, c)) for s, c in zip(pick["sheet"], pick["column"], strict=True)]
    subject = pick["sheet"] + " 第" + pick["row"].astype(str) + "行"
    out = pd.DataFrame({
        "key": pick["rule"] + "|" + pick["sheet"] + "|" + pick["column"].fillna("").astype(str) + "|"
        + pd.Series([(row_keys or {}).get((s, int(r)) if pd.notna(r) else None, f"row{r}") for s, r in zip(pick["sheet"], pick["row"],
                                                                                   strict=True)], index=pick.index),
        "rule": pick["rule"], "severity": pick["rule"].map(_DATA_RULES), "subject": subject,
        "message": subject + " " + pick["column"].fillna("").astype(str) + "：" + pick["reason"],
        "message_en": pick["sheet"] + " row " + pick["row"].astype(str) + " " + pick["column"].fillna("").astype(str)
        + ": " + pick["reason_en"],
        "value": pick["old_value"].map(lambda v: None if v is None else str(v)), "baseline": None,
        "action": np.where(pick["action"] == "excluded", "修正后重新刷新（本行未计入分析）", "请核实"),
        "sheet": sheet, "row": pick["row"], "column": column,
    })
    return out.drop_duplicates("key")[COLUMNS]


SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    parts = [f for f in frames if not f.empty]
    out = pd.concat(parts, ignore_index=True).drop_duplicates("key") if parts else _frame([])
    out["rule_name"] = out["rule"].map(RULE_NAMES).fillna(out["rule"])
    out = out.sort_values("severity", key=lambda s: s.map(SEVERITY_ORDER), kind="stable")
    return out.reset_index(drop=True)[["key", "rule", "rule_name", *COLUMNS[2:]]]
