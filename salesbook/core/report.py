"""The customer-analysis report in S1's outline, drafted from the numbers (S1 第六步).

分析背景与目标 · 客户整体概况 · 客户分层结果 · 关键问题与需求 · 策略建议 · 下一步计划.
Returns (section, paragraph) rows; every sentence is computed from the analysis, e.g.
"华南区域完成率 60.0%，拖累团队完成率 8.0 个百分点".
"""

from __future__ import annotations

import pandas as pd

from . import playbook as pb
from .pipeline import Result

SECTIONS = ("一、分析背景与目标", "二、客户整体概况", "三、客户分层结果", "四、关键问题与需求", "五、策略建议", "六、下一步计划")


def _pct(v) -> str:
    if isinstance(v, str):
        return v
    return "—" if v is None or pd.isna(v) else f"{v:.1%}"


def _signed(v) -> str:
    if isinstance(v, str):
        return v
    return "—" if v is None or pd.isna(v) else f"{v:+.1%}"


def region_drag(result: Result) -> pd.DataFrame:
    """Year-to-date completion by region (targets of the region's reps) and how many points each
    under-performing region costs the team: (target − actual) / team target."""
    people = result.frames["by_salesperson"]
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


def build(result: Result) -> pd.DataFrame:
    s = result.settings
    f, unit, factor = result.frames, s.display_unit, s.unit_factor
    orders = result.clean["orders"]
    kpi = f["kpi"].set_index("metric")
    rfm_t, tiers_t, alerts, probs = f["rfm"], f["tiers"], f["alerts"], f["problems"]
    rows: list[tuple[str, str]] = []

    def add(section: int, text: str) -> None:
        rows.append((SECTIONS[section], text))

    def money(v: float) -> str:
        return f"{v / factor:,.2f}{unit}"

    start, end = orders["order_date"].min(), orders["order_date"].max()
    span = f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d} 的 " if pd.notna(start) else ""
    add(0, f"本报告基于 {span}{len(orders):,} 笔订单、{len(tiers_t):,} 家客户，"
           f"分析截止日为 {result.as_of:%Y-%m-%d}。目的是评估目标完成情况、识别高价值与流失风险客户，"
           "并为下一阶段的客户维护与销售策略提供依据。")
    add(0, f"金额单位为{unit}；订单状态计入销售额的有：{'、'.join(s.revenue_statuses)}；"
           f"清洗过程中有 {result.excluded_rows} 行数据未计入分析（见清洗日志）。")

    rev = kpi.loc["revenue"]
    add(1, f"今年累计销售额 {money(rev['ytd'])}，同比 {_signed(rev['yoy'])}；本月至今 {money(rev['current'])}，"
           f"较上月同期 {_signed(rev['change'])}。")
    add(1, f"今年成交客户 {int(kpi.loc['customers', 'ytd'])} 家，其中新客户 {int(kpi.loc['new_customers', 'ytd'])} 家"
           f"（占 {_pct(kpi.loc['new_share', 'ytd'])}）；客单价 {money(kpi.loc['avg_ticket', 'ytd'])}，"
           f"回款率 {_pct(kpi.loc['collection_rate', 'ytd'])}，退单率 {_pct(kpi.loc['cancel_rate', 'ytd'])}，"
           f"复购率 {_pct(kpi.loc['repeat_rate', 'ytd'])}。")
    products = f["by_product_line"]
    if not products.empty:
        top = products.iloc[0]
        add(1, f"产品结构：{top['product_line']} 占今年销售额的 {_pct(top['share'])}，为第一大产品线；"
               + "；".join(f"{r.product_line} {_pct(r.share)}" for r in products.iloc[1:].itertuples()) + "。")
    customers = result.clean["customers"]
    if not customers.empty and customers["industry"].notna().any():
        ind = customers["industry"].value_counts(normalize=True).head(3)
        add(1, "客户行业分布：" + "、".join(f"{k} {v:.0%}" for k, v in ind.items()) + "。")

    counts = tiers_t["tier"].value_counts()
    amounts = tiers_t.groupby("tier")["half_year_amount"].sum()
    total_half = amounts.sum()
    add(2, "客户层级：" + "；".join(
        f"{t} {int(counts.get(t, 0))} 家" + (f"（近半年采购占 {amounts.get(t, 0) / total_half:.0%}）"
                                              if total_half and t != "潜在" else "")
        for t in ("VIP", "核心", "普通", "潜在")) + "。")
    if not rfm_t.empty:
        seg = rfm_t["segment"].value_counts()
        top_share = rfm_t.loc[rfm_t["pareto_top20"].astype(bool), "revenue_share"].sum()
        add(2, "RFM 分层：" + "；".join(f"{k} {v} 家" for k, v in seg.items())
            + f"。TOP 20% 客户贡献近一年营收的 {top_share:.0%}。")

    drag = region_drag(result)
    for r in drag[drag["completion"] < 1].head(2).itertuples():
        add(3, f"{r.region}区域今年完成率 {r.completion:.1%}，拖累团队完成率 {r.drag * 100:.1f} 个百分点。")
    if not alerts.empty:
        by_rule = alerts.groupby("rule_name").size().sort_values(ascending=False)
        add(3, "本期预警：" + "；".join(f"{k} {v} 条" for k, v in by_rule.head(6).items()) + "。")
    silent = alerts[alerts["rule"] == "silent"]
    if not silent.empty:
        names = "、".join(silent["subject"].head(5).str.split(" ", n=1).str[-1])
        add(3, f"{len(silent)} 家客户沉默时间超过其平均采购周期的 {s.alert_silent_factor:g} 倍，有流失风险，"
               f"如 {names}。")
    fu = result.clean["followups"]
    if not fu.empty and fu["satisfaction"].notna().any():
        add(3, f"客户满意度平均 {fu['satisfaction'].mean():.1f} 分（5 分制），"
               f"低于 3 分的跟进 {int((fu['satisfaction'] < 3).sum())} 次。")

    book_t = pb.lookup(pb.default_playbook(), pb.TIER)
    book_s = pb.lookup(pb.default_playbook(), pb.SEGMENT)
    for t in ("VIP", "核心"):
        if counts.get(t, 0):
            add(4, f"对 {int(counts[t])} 家{t}客户：{book_t[t]['focus']}；{book_t[t]['action']}（{book_t[t]['frequency']}）。")
    if not rfm_t.empty:
        for name in ("流失风险客户", "潜力客户"):
            n = int((rfm_t["segment"] == name).sum())
            if n:
                add(4, f"对 {n} 家{name}：{book_s[name]['focus']}；{book_s[name]['action']}（{book_s[name]['deadline']}内）。")
    if counts.get("潜在", 0):
        add(4, f"对 {int(counts['潜在'])} 家潜在客户：{book_t['潜在']['action']}。")

    for r in probs.head(8).itertuples():
        add(5, f"{r.problem} → {r.strategy}；负责人 {r.owner or '待定'}，{r.deadline:%Y-%m-%d} 前完成，"
               f"预期：{r.expected or '—'}。")
    if probs.empty:
        add(5, "本期未发现需要专项处理的问题，按维护计划执行即可。")
    return pd.DataFrame(rows, columns=["section", "text"])
