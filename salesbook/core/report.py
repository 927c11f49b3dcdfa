"""The customer-analysis report in S1's outline, drafted from the numbers (S1 第六步).

分析背景与目标 · 客户整体概况 · 客户分层结果 · 关键问题与需求 · 策略建议 · 下一步计划.
Returns (section, paragraph) rows; every sentence is computed from the analysis, e.g.
"华南区域完成率 60.0%，拖累团队完成率 8.0 个百分点".
"""

from __future__ import annotations

import pandas as pd

from . import playbook as pb
from . import rfm, tiers
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


SECTIONS_EN = ("1. Background and objectives", "2. Customer overview", "3. Customer segmentation",
               "4. Key issues and needs", "5. Recommended strategies", "6. Next steps")


def build(result: Result, lang: str = "zh") -> pd.DataFrame:
    """The report as (section, text) rows in Chinese or English; every number comes from ``result``."""
    zh = lang == "zh"
    s = result.settings
    f, unit, factor = result.frames, s.display_unit, s.unit_factor
    orders = result.clean["orders"]
    kpi = f["kpi"].set_index("metric")
    rfm_t, tiers_t, alerts, probs = f["rfm"], f["tiers"], f["alerts"], f["problems"]
    playbook = result.clean.get("playbook", pb.default_playbook())
    rows: list[tuple[str, str]] = []

    def add(section: int, text_zh: str, text_en: str) -> None:
        rows.append((SECTIONS[section] if zh else SECTIONS_EN[section], text_zh if zh else text_en))

    def money(v: float) -> str:
        return f"{v / factor:,.2f}{unit}" if zh else f"{v / factor:,.2f} {unit}"

    def tier(t: str) -> str:
        return t if zh else tiers.TIER_EN.get(t, t)

    def seg(t: str) -> str:
        return t if zh else rfm.SEGMENT_EN.get(t, t)

    start, end = orders["order_date"].min(), orders["order_date"].max()
    dated = pd.notna(start)
    add(0, f"本报告基于 {f'{start:%Y-%m-%d} 至 {end:%Y-%m-%d} 的 ' if dated else ''}{len(orders):,} 笔订单、"
           f"{len(tiers_t):,} 家客户，分析截止日为 {result.as_of:%Y-%m-%d}。目的是评估目标完成情况、识别高价值与"
           "流失风险客户，并为下一阶段的客户维护与销售策略提供依据。",
        f"This report covers {len(orders):,} orders{f' from {start:%Y-%m-%d} to {end:%Y-%m-%d}' if dated else ''} "
        f"and {len(tiers_t):,} customers, as of {result.as_of:%Y-%m-%d}. It assesses progress against targets, "
        "identifies high-value and at-risk customers, and sets out how to serve each group next.")
    add(0, f"金额单位为{unit}；订单状态计入销售额的有：{'、'.join(s.revenue_statuses)}；"
           f"清洗过程中有 {result.excluded_rows} 行数据未计入分析（见清洗日志）。",
        f"Amounts are in {unit}; orders count as sales with status {', '.join(s.revenue_statuses)}; "
        f"{result.excluded_rows} rows were left out during cleaning (see the cleaning log).")

    rev = kpi.loc["revenue"]
    add(1, f"今年累计销售额 {money(rev['ytd'])}，同比 {_signed(rev['yoy'])}；本月至今 {money(rev['current'])}，"
           f"较上月同期 {_signed(rev['change'])}。",
        f"Sales this year to date are {money(rev['ytd'])} ({_signed(rev['yoy'])} year on year); this month so "
        f"far {money(rev['current'])} ({_signed(rev['change'])} against the same days last month).")
    customers_ytd, new_ytd = int(kpi.loc["customers", "ytd"]), int(kpi.loc["new_customers", "ytd"])
    add(1, f"今年成交客户 {customers_ytd} 家，其中新客户 {new_ytd} 家（占 {_pct(kpi.loc['new_share', 'ytd'])}）；"
           f"客单价 {money(kpi.loc['avg_ticket', 'ytd'])}，回款率 {_pct(kpi.loc['collection_rate', 'ytd'])}，"
           f"退单率 {_pct(kpi.loc['cancel_rate', 'ytd'])}，复购率 {_pct(kpi.loc['repeat_rate', 'ytd'])}。",
        f"{customers_ytd} customers bought this year, {new_ytd} of them new "
        f"({_pct(kpi.loc['new_share', 'ytd'])}); average order {money(kpi.loc['avg_ticket', 'ytd'])}, "
        f"collection rate {_pct(kpi.loc['collection_rate', 'ytd'])}, cancellation rate "
        f"{_pct(kpi.loc['cancel_rate', 'ytd'])}, repeat-purchase rate {_pct(kpi.loc['repeat_rate', 'ytd'])}.")
    products = f["by_product_line"]
    if not products.empty:
        top, rest = products.iloc[0], products.iloc[1:].itertuples()
        others = [(r.product_line, _pct(r.share)) for r in rest]
        add(1, f"产品结构：{top['product_line']} 占今年销售额的 {_pct(top['share'])}，为第一大产品线；"
               + "；".join(f"{n} {v}" for n, v in others) + "。",
            f"Product mix: {top['product_line']} is the largest line with {_pct(top['share'])} of this year's "
            "sales" + ("; " + ", ".join(f"{n} {v}" for n, v in others) if others else "") + ".")
    customers = result.clean["customers"]
    if not customers.empty and customers["industry"].notna().any():
        ind = customers["industry"].value_counts(normalize=True).head(3)
        add(1, "客户行业分布：" + "、".join(f"{k} {v:.0%}" for k, v in ind.items()) + "。",
            "Customers by industry: " + ", ".join(f"{k} {v:.0%}" for k, v in ind.items()) + ".")

    counts = tiers_t["tier"].value_counts()
    amounts = tiers_t.groupby("tier")["half_year_amount"].sum()
    total_half = amounts.sum()

    def tier_part(t: str) -> tuple[str, str]:
        n = int(counts.get(t, 0))
        share = amounts.get(t, 0) / total_half if total_half and t != "潜在" else None
        return (f"{t} {n} 家" + (f"（近半年采购占 {share:.0%}）" if share is not None else ""),
                f"{tier(t)} {n}" + (f" ({share:.0%} of the last six months' purchases)" if share is not None else ""))

    parts = [tier_part(t) for t in ("VIP", "核心", "普通", "潜在")]
    add(2, "客户层级：" + "；".join(p[0] for p in parts) + "。", "Customer tiers: " + "; ".join(p[1] for p in parts) + ".")
    if not rfm_t.empty:
        segs = rfm_t["segment"].value_counts()
        top_share = rfm_t.loc[rfm_t["pareto_top20"].astype(bool), "revenue_share"].sum()
        add(2, "RFM 分层：" + "；".join(f"{k} {v} 家" for k, v in segs.items())
            + f"。TOP 20% 客户贡献近一年营收的 {top_share:.0%}。",
            "RFM segments: " + "; ".join(f"{seg(k)} {v}" for k, v in segs.items())
            + f". The top 20% of customers bring {top_share:.0%} of the last twelve months' revenue.")

    drag = region_drag(result)
    for r in drag[drag["completion"] < 1].head(2).itertuples():
        add(3, f"{r.region}区域今年完成率 {r.completion:.1%}，拖累团队完成率 {r.drag * 100:.1f} 个百分点。",
            f"Region {r.region} is at {r.completion:.1%} of its target this year, which costs the team "
            f"{r.drag * 100:.1f} percentage points of completion.")
    if not alerts.empty:
        by_rule = alerts.groupby(["rule", "rule_name"]).size().sort_values(ascending=False).head(6)
        add(3, "本期预警：" + "；".join(f"{name} {v} 条" for (_, name), v in by_rule.items()) + "。",
            "Alerts this period: " + "; ".join(f"{rule.replace('_', ' ')} {v}" for (rule, _), v in by_rule.items())
            + ".")
    silent = alerts[alerts["rule"] == "silent"] if not alerts.empty else alerts
    if not silent.empty:
        names = "、".join(silent["subject"].head(5).str.split(" ", n=1).str[-1])
        add(3, f"{len(silent)} 家客户沉默时间超过其平均采购周期的 {s.alert_silent_factor:g} 倍，有流失风险，如 {names}。",
            f"{len(silent)} customers have been silent for more than {s.alert_silent_factor:g}× their usual "
            f"purchase cycle and may be lost, e.g. {names.replace('、', ', ')}.")
    fu = result.clean["followups"]
    if not fu.empty and fu["satisfaction"].notna().any():
        low = int((fu["satisfaction"] < 3).sum())
        add(3, f"客户满意度平均 {fu['satisfaction'].mean():.1f} 分（5 分制），低于 3 分的跟进 {low} 次。",
            f"Average customer satisfaction is {fu['satisfaction'].mean():.1f} out of 5; {low} follow-ups "
            "scored below 3.")

    book_t = pb.lookup(playbook, pb.TIER)
    book_s = pb.lookup(playbook, pb.SEGMENT)
    for t in ("VIP", "核心"):
        if counts.get(t, 0) and t in book_t:
            b = book_t[t]
            add(4, f"对 {int(counts[t])} 家{t}客户：{b['focus']}；{b['action']}（{b['frequency']}）。",
                f"For the {int(counts[t])} {tier(t)} customers: {b['focus']}; {b['action']} ({b['frequency']}).")
    if not rfm_t.empty:
        for name in ("流失风险客户", "潜力客户"):
            n = int((rfm_t["segment"] == name).sum())
            if n and name in book_s:
                b = book_s[name]
                add(4, f"对 {n} 家{name}：{b['focus']}；{b['action']}（{b['deadline']}内）。",
                    f"For the {n} {seg(name)} customers: {b['focus']}; {b['action']} (within {b['deadline']}).")
    if counts.get("潜在", 0) and "潜在" in book_t:
        add(4, f"对 {int(counts['潜在'])} 家潜在客户：{book_t['潜在']['action']}。",
            f"For the {int(counts['潜在'])} potential customers: {book_t['潜在']['action']}.")

    for r in probs.head(8).itertuples():
        add(5, f"{r.problem} → {r.strategy}；负责人 {r.owner or '待定'}，{r.deadline:%Y-%m-%d} 前完成，"
               f"预期：{r.expected or '—'}。",
            f"{r.problem} → {r.strategy}; owner {r.owner or 'to be named'}, due {r.deadline:%Y-%m-%d}, "
            f"expected: {r.expected or '—'}.")
    if probs.empty:
        add(5, "本期未发现需要专项处理的问题，按维护计划执行即可。",
            "No issue needs special handling this period; follow the maintenance plan.")
    return pd.DataFrame(rows, columns=["section", "text"])
