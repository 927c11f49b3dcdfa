"""The customer-analysis report in S1's outline, drafted from the numbers (S1 第六步).

分析背景与目标 · 客户整体概况 · 客户分层结果 · 关键问题与需求 · 策略建议 · 下一步计划.
Returns (section, paragraph) rows; every sentence is computed from the analysis, e.g.
"华南区域完成率 60.0%，拖累团队完成率 8.0个百分点". Numbers round as their cells do (numtext);
alerts a user marked 已核实/忽略 are left out of the issues and actions.
"""

from __future__ import annotations

import re

import pandas as pd

from .. import messages, vocab
from . import playbook as pb
from . import problems as pr
from . import rfm, tiers
from .alerts import BUSINESS_RULES
from .moneytext import money as money_text
from .numtext import number, pct
from .pipeline import Result

SECTIONS = ("一、分析背景与目标", "二、客户整体概况", "三、客户分层结果", "四、关键问题与需求", "五、策略建议", "六、下一步计划")


def _pct(v) -> str:
    return pct(v)


def _signed(v) -> str:
    return pct(v, signed=True)


_MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d)\d{4}(\d{4})(?![0-9A-Za-z])")


def mask_phones(text: str) -> str:
    """Mobile numbers masked as S1 表1 联系方式(脱敏) shows them: 13812345678 → 138****5678."""
    return _MOBILE.sub(r"\1****\2", text) if isinstance(text, str) else text


def lead_rows(result: Result) -> pd.Series:
    """Which 客户分层 rows are unconverted leads (keyed by 线索编号, not a known customer)."""
    t, leads = result.frames["tiers"], result.clean.get("leads")
    if leads is None or leads.empty or "lead_id" not in leads:
        return pd.Series(False, index=t.index)
    customers = result.clean["customers"]
    known = set(customers["customer_id"]) if "customer_id" in customers else set()
    return t["customer_id"].isin(set(leads["lead_id"].dropna()) - known) & t["total_orders"].eq(0)


def open_alerts(result: Result, acknowledged=frozenset()) -> pd.DataFrame:
    """The alerts not marked 已核实/忽略 (their keys in ``acknowledged``), in rank order."""
    a = result.frames["alerts"]
    return a[~a["key"].isin(set(acknowledged))] if len(acknowledged) else a


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


def build(result: Result, lang: str = "zh", acknowledged=frozenset()) -> pd.DataFrame:
    """The report as (section, text) rows in Chinese or English; every number comes from ``result``.

    Alerts whose keys are in ``acknowledged`` (marked 已核实/忽略) are left out, and so are the
    problems and actions drawn from them."""
    zh = lang == "zh"
    s = result.settings
    f, unit = result.frames, s.display_unit
    orders = result.clean["orders"]
    kpi = f["kpi"].set_index("metric")
    rfm_t, tiers_t = f["rfm"], f["tiers"]
    alerts = open_alerts(result, acknowledged)
    playbook = result.clean.get("playbook", pb.default_playbook())
    probs = pr.problems(alerts, f["plan"], playbook, as_of=result.as_of) if len(acknowledged) else f["problems"]
    rows: list[tuple[str, str]] = []

    def add(section: int, text_zh: str, text_en: str) -> None:
        rows.append((SECTIONS[section] if zh else SECTIONS_EN[section], text_zh if zh else text_en))

    def money(v: float) -> str:
        return money_text(v, s, "zh" if zh else "en")

    lang = "zh" if zh else "en"

    def tier(t: str, in_lang: str = lang) -> str:
        return vocab.label("tier", t, in_lang)

    def seg(t: str, in_lang: str = lang) -> str:
        return vocab.label("segment", t, in_lang)

    def said(v) -> str:  # a message or typed text of the core, in the report's language
        return messages.text(v, lang, messages.unit_of(s))

    start, end = orders["order_date"].min(), orders["order_date"].max()
    dated = pd.notna(start)
    n_leads = int(lead_rows(result).sum())
    n_cust = len(tiers_t) - n_leads
    add(0, f"本报告基于 {f'{start:%Y-%m-%d} 至 {end:%Y-%m-%d} 的 ' if dated else ''}{len(orders):,} 笔订单、"
           f"{n_cust:,} 家客户" + (f"及 {n_leads:,} 条未成交线索" if n_leads else "")
        + f"，分析截止日为 {result.as_of:%Y-%m-%d}。目的是评估目标完成情况、识别高价值与"
           "流失风险客户，并为下一阶段的客户维护与销售策略提供依据。",
        f"This report covers {len(orders):,} orders{f' from {start:%Y-%m-%d} to {end:%Y-%m-%d}' if dated else ''} "
        f"and {n_cust:,} customers" + (f" plus {n_leads:,} open leads" if n_leads else "")
        + f", as of {result.as_of:%Y-%m-%d}. It assesses progress against targets, "
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
        add(1, "客户行业分布：" + "、".join(f"{k} {pct(v, 0)}" for k, v in ind.items()) + "。",
            "Customers by industry: " + ", ".join(f"{k} {pct(v, 0)}" for k, v in ind.items()) + ".")

    counts = tiers_t["tier"].value_counts()
    amounts = tiers_t.groupby("tier")["half_year_amount"].sum()
    total_half = amounts.sum()

    def tier_part(t: str) -> tuple[str, str]:
        n = int(counts.get(t, 0))
        share = amounts.get(t, 0) / total_half if total_half and t != tiers.PROSPECT else None
        return (f"{tier(t, 'zh')} {n} 家" + (f"（近半年采购占 {pct(share, 0)}）" if share is not None else ""),
                f"{tier(t)} {n}"
                + (f" ({pct(share, 0)} of the last six months' purchases)" if share is not None else ""))

    parts = [tier_part(t) for t in tiers.TIERS]
    add(2, "客户层级：" + "；".join(p[0] for p in parts) + "。", "Customer tiers: " + "; ".join(p[1] for p in parts) + ".")
    prospects = tiers_t[(tiers_t["tier"] == tiers.PROSPECT) & tiers_t["abc_class"].isin(["A", "B", "C"])]
    classes = prospects["abc_class"].value_counts()
    if len(classes):
        add(2, f"潜在客户与线索按 A/B/C 评分（行业潜力、需求紧急度、成交可能性加权）：A 类 {int(classes.get('A', 0))} 家，"
               f"B 类 {int(classes.get('B', 0))} 家，C 类 {int(classes.get('C', 0))} 家。",
            f"Potential customers and leads by A/B/C score (industry potential, urgency, win likelihood): "
            f"A {int(classes.get('A', 0))}, B {int(classes.get('B', 0))}, C {int(classes.get('C', 0))}.")
    if not rfm_t.empty:
        segs = rfm_t["segment"].value_counts()
        top_share = rfm_t.loc[rfm_t["pareto_top20"].astype(bool), "revenue_share"].sum()
        add(2, "RFM 分层：" + "；".join(f"{seg(k, 'zh')} {v} 家" for k, v in segs.items())
            + f"。TOP 20% 客户贡献近一年营收的 {pct(top_share, 0)}。",
            "RFM segments: " + "; ".join(f"{seg(k)} {v}" for k, v in segs.items())
            + f". The top 20% of customers bring {pct(top_share, 0)} of the last twelve months' revenue.")

    drag = region_drag(result)
    for r in drag[drag["completion"] < 1].head(2).itertuples():
        add(3, f"{r.region}区域今年完成率 {pct(r.completion)}，拖累团队完成率 {number(r.drag * 100, 1)} 个百分点。",
            f"Region {r.region} is at {pct(r.completion)} of its target this year, which costs the team "
            f"{number(r.drag * 100, 1)} percentage points of completion.")
    _alert_lines(alerts, s, add)
    fu = result.clean["followups"]
    if not fu.empty and fu["satisfaction"].notna().any():
        low = int((fu["satisfaction"] < 3).sum())
        add(3, f"客户满意度平均 {number(fu['satisfaction'].mean(), 1)} 分（5 分制），低于 3 分的跟进 {low} 次。",
            f"Average customer satisfaction is {number(fu['satisfaction'].mean(), 1)} out of 5; {low} follow-ups "
            "scored below 3.")

    book_t = pb.lookup(playbook, pb.TIER, lang)
    book_s = pb.lookup(playbook, pb.SEGMENT, lang)
    for t in (tiers.VIP, tiers.CORE):
        if counts.get(t, 0) and t in book_t:
            b = book_t[t]
            add(4, f"对 {int(counts[t])} 家{tier(t, 'zh')}客户：{b['focus']}；{b['action']}（{b['frequency']}）。",
                f"For the {int(counts[t])} {tier(t)} customers: {b['focus']}; {b['action']} ({b['frequency']}).")
    if not rfm_t.empty:
        for name in (rfm.CHURN_RISK, rfm.POTENTIAL):
            n = int((rfm_t["segment"] == name).sum())
            if n and name in book_s:
                b = book_s[name]
                add(4, f"对 {n} 家{seg(name, 'zh')}：{b['focus']}；{b['action']}（{b['deadline']}内）。",
                    f"For the {n} {seg(name)} customers: {b['focus']}; {b['action']} (within {b['deadline']}).")
    if counts.get(tiers.PROSPECT, 0) and tiers.PROSPECT in book_t:
        n_p, act = int(counts[tiers.PROSPECT]), book_t[tiers.PROSPECT]["action"]
        add(4, f"对 {n_p} 家潜在客户：{act}。", f"For the {n_p} prospective customers: {act}.")

    book_c = pb.lookup(playbook, pb.CLASS, lang)
    for c in ("A", "B", "C"):
        n = int(classes.get(c, 0))
        if n and c in book_c:
            add(4, f"对 {n} 家{c}类潜在客户/线索（S2 模板3）：{book_c[c]['focus']}；{book_c[c]['action']}。",
                f"For the {n} class-{c} prospects and leads (S2 template 3): {book_c[c]['focus']}; "
                f"{book_c[c]['action']}.")

    for r in probs.head(8).itertuples():
        r = r._replace(**{c: said(getattr(r, c)) for c in ("problem", "strategy", "expected")},
                       owner=said(r.owner) if r.owner != pr.NOBODY else None)
        stake = getattr(r, "stake", None)
        at = stake is not None and pd.notna(stake) and stake > 0
        add(5, f"{r.problem} → {r.strategy}；负责人 {r.owner or said(pr.NOBODY)}，{r.deadline:%Y-%m-%d} 前完成"
               + (f"，涉及 {money(stake)}" if at else "") + f"；预期：{r.expected or '—'}。",
            f"{r.problem} → {r.strategy}; owner {r.owner or 'to be named'}, "
            f"due {r.deadline:%Y-%m-%d}" + (f", {money(stake)} at stake" if at else "")
            + f"; expected: {r.expected or '—'}.")
    if probs.empty:
        add(5, "本期未发现需要专项处理的问题，按维护计划执行即可。",
            "No issue needs special handling this period; follow the maintenance plan.")
    out = pd.DataFrame(rows, columns=["section", "text"])
    return out.assign(text=out["text"].map(mask_phones))


def _alert_lines(alerts: pd.DataFrame, s, add) -> None:
    """关键问题: how many open alerts of each kind, and the silent customers with the most at stake."""
    if alerts.empty:
        return
    business = alerts[alerts["rule"].isin(BUSINESS_RULES)]
    data = alerts[~alerts["rule"].isin(BUSINESS_RULES)]
    parts_zh, parts_en = [], []
    if not business.empty:
        by_rule = business.groupby("rule").size().sort_values(ascending=False, kind="stable")
        parts_zh.append("；".join(f"{vocab.label('rule', rule, 'zh')} {v} 条" for rule, v in by_rule.items()))
        parts_en.append("; ".join(f"{vocab.label('rule', rule, 'en').lower()} {v}" for rule, v in by_rule.items()))
    if not data.empty:
        rows = int(pd.to_numeric(data["count"], errors="coerce").fillna(1).sum())
        parts_zh.append(f"数据质量问题 {len(data)} 类（共 {rows} 行，见异常预警）")
        parts_en.append(f"data-quality issues of {len(data)} kinds ({rows} rows, see Alerts)")
    add(3, "本期预警：" + "；".join(parts_zh) + "。", "Alerts this period: " + "; ".join(parts_en) + ".")
    silent = alerts[alerts["rule"] == "silent"]
    lapsed = silent["key"].str.endswith("|lapsed")
    risk = silent[~lapsed].sort_values("stake", ascending=False, kind="stable")
    if not risk.empty:
        names = "、".join(risk["subject"].head(5).str.split(" ", n=1).str[-1])
        add(3, f"{len(risk)} 家客户沉默时间超过其平均采购周期的 {s.alert_silent_factor:g} 倍"
               f"（且至少 {s.alert_silent_min_days} 天），有流失风险，按每次采购额排序如 {names}。",
            f"{len(risk)} customers have been silent for more than {s.alert_silent_factor:g}× their usual "
            f"purchase cycle (and at least {s.alert_silent_min_days} days) and may be lost, largest first: "
            f"{names.replace('、', ', ')}.")
    if lapsed.any():
        n = int(pd.to_numeric(silent.loc[lapsed, "count"], errors="coerce").fillna(1).sum())
        add(3, f"另有 {n} 家曾规律采购的客户已超过 {s.rfm_window_days} 天未下单，列入挽回名单。",
            f"{n} more regular customers have bought nothing for over {s.rfm_window_days} days: a win-back list.")
