"""Realistic sample data: customers, two years of orders, targets, follow-ups, leads, some dirt.

Deterministic for a seed. The frames hold values the way people type them (text dates here
and there, 1.2万, 简称, a 合计 row), so the demo exercises cleaning as well as analysis.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import vocab, words
from .core import parse

REPS = {"华东": ["张伟", "王芳"], "华南": ["李娜", "刘洋"], "华北": ["陈静", "杨磊"], "西南": ["赵敏"]}
PRODUCTS = {"A产品": 1.0, "B产品": 0.6, "C产品": 0.35, "D服务": 0.25}
CHANNELS = ["老客户转介绍", "线上推广", "展会", "电话营销", "渠道代理"]
# monthly acquisition spend per channel (参数 acquisition_costs), so the demo shows CAC
ACQUISITION_COSTS = "老客户转介绍:5000;线上推广:30000;展会:50000;电话营销:15000;渠道代理:20000"
INDUSTRIES = ["信息技术", "机械制造", "零售", "医药", "教育", "物流", "金融"]
SIZES = ["大型", "中型", "小型"]
CITIES = {"华东": ["上海", "杭州", "南京"], "华南": ["广州", "深圳"], "华北": ["北京", "天津"], "西南": ["成都", "重庆"]}
_SUFFIX = ["科技有限公司", "制造有限公司", "贸易有限公司", "医药股份有限公司", "教育科技有限公司", "物流有限公司"]
_STEMS = "华宇 东方 瑞丰 中科 恒信 金桥 远航 星辰 天成 博源 新锐 嘉禾 九州 鼎盛 海川 立信 华泰 云帆 万达 长城 启明 宏图 凯达 永安".split()


# S2's portrait words: behaviour and preference tags, decision styles, who decides, pain points
TAGS = ("技术导向型", "价格敏感型", "重视售后响应", "偏好分期付款", "品牌导向型", "注重交付周期")
STYLES = ("技术决策型", "数据驱动型", "关系驱动型", "预算主导型")
CHAIN = ("采购经理", "技术总监", "财务总监", "总经理")
PAINS = ("交付周期长", "售后响应慢", "价格偏高", "系统对接复杂", "培训不足")


def sample(n_customers: int = 300, n_orders: int = 4000, *, end: dt.date = dt.date(2026, 11, 20),
           seed: int = 7, dirty: bool = True, lang: str = words.REFERENCE) -> dict[str, pd.DataFrame]:
    """Raw input tables keyed like the schema: orders, targets, customers, followups, leads. Statuses and
    lead stages are written in ``lang``, as a user of that workbook would pick them from its dropdowns."""
    rng = np.random.default_rng(seed)
    start = dt.date(end.year - 2, 1, 1)
    regions = list(REPS)
    days = (end - start).days
    # about a third of the customers are won during the data: their first deal and orders start then
    acquire_day = np.where(rng.random(n_customers) < 0.3, rng.integers(30, max(31, days - 30), n_customers), 0)
    cust = []
    for i in range(n_customers):
        region = regions[rng.choice(len(regions), p=[0.35, 0.25, 0.25, 0.15])]
        stem = _STEMS[i % len(_STEMS)] + ("" if i < len(_STEMS) else str(i // len(_STEMS)))
        name = f"{CITIES[region][i % len(CITIES[region])]}{stem}{_SUFFIX[i % len(_SUFFIX)]}"
        rep = REPS[region][i % len(REPS[region])]
        first = (start + dt.timedelta(days=int(acquire_day[i])) if acquire_day[i]
                 else start - dt.timedelta(days=int(rng.integers(0, 1500))))
        has_scores = rng.random() < 0.7
        cust.append({
            "customer_id": f"C{i + 1:04d}", "customer_name": name, "short_name": stem,
            "industry": INDUSTRIES[int(rng.integers(len(INDUSTRIES)))], "size": SIZES[int(rng.integers(3))],
            "contact": f"{'赵钱孙李周吴郑王冯陈'[i % 10]}经理", "phone": f"13{int(rng.integers(100000000, 999999999))}",
            "city": CITIES[region][i % len(CITIES[region])], "first_deal_date": first, "owner": rep,
            "industry_potential": int(rng.integers(1, 6)) if has_scores else None,
            "urgency": int(rng.integers(1, 6)) if has_scores else None,
            "win_likelihood": int(rng.integers(1, 6)) if has_scores else None,
            "tags": "、".join(sorted(set(rng.choice(TAGS, size=int(rng.integers(0, 3)), replace=False)))),
            "decision_style": STYLES[int(rng.integers(len(STYLES)))] if rng.random() < 0.8 else None,
            "decision_chain": "→".join(CHAIN[: int(rng.integers(1, len(CHAIN) + 1))]) if rng.random() < 0.7 else None,
            "budget": float(rng.choice([5, 10, 20, 50, 100, 200])) * 10000 if rng.random() < 0.6 else None,
            "pain_points": PAINS[int(rng.integers(len(PAINS)))] if rng.random() < 0.6 else None,
            "_region": region,
        })
    cdf = pd.DataFrame(cust)
    # customer value is heavy-tailed: a few big accounts, many small ones
    weight = np.minimum(rng.pareto(1.3, n_customers) + 0.05, 12.0)
    active = rng.random(n_customers) < 0.85  # 15% never order: prospects
    weight = np.where(active, weight, 0)
    # some customers go silent: their orders stop after a churn date
    churn_day = np.where(rng.random(n_customers) < 0.2, rng.integers(200, 650, n_customers), 10_000)
    rows = []
    cust_idx = rng.choice(n_customers, size=n_orders, p=weight / weight.sum())
    # seasonality: stronger Q4, weak February
    day_w = np.array([1.0 + 0.35 * ((start + dt.timedelta(d)).month in (10, 11, 12))
                      - 0.3 * ((start + dt.timedelta(d)).month == 2) + 0.25 * (d / days) for d in range(days + 1)])
    order_days = rng.choice(days + 1, size=n_orders, p=day_w / day_w.sum())
    for k, (ci, d) in enumerate(zip(cust_idx, order_days, strict=True)):
        lo, hi = int(acquire_day[ci]), int(min(churn_day[ci], days))
        if hi <= lo:  # won after they would have gone quiet: they stay
            hi = days
        if not lo <= d <= hi:
            d = int(rng.integers(lo, hi + 1))
        c = cust[ci]
        product = list(PRODUCTS)[int(rng.choice(len(PRODUCTS), p=[0.4, 0.3, 0.2, 0.1]))]
        base = PRODUCTS[product] * float(rng.lognormal(10.3, 0.7)) * (1 + 2.5 * (weight[ci] > 3))
        amount = round(base, 2)
        status = rng.choice([parse.STATUS_CLOSED, parse.STATUS_SIGNED, parse.STATUS_COLLECTED, parse.STATUS_CANCELLED],
                            p=[0.35, 0.15, 0.44, 0.06])
        collected = amount if status == parse.STATUS_COLLECTED else \
            (round(amount * 0.3, 2) if status == parse.STATUS_SIGNED else 0)
        rows.append({
            "order_id": f"SO{start.year}{k + 1:06d}", "order_date": start + dt.timedelta(days=int(d)),
            "customer_id": c["customer_id"], "customer_name": c["customer_name"], "salesperson": c["owner"],
            "region": c["_region"], "product_line": product, "channel": CHANNELS[int(rng.integers(len(CHANNELS)))],
            "amount": amount, "status": status, "collected": collected,
            "cost": round(amount * float(rng.uniform(0.45, 0.75)), 2),
        })
    odf = pd.DataFrame(rows).sort_values("order_date", kind="stable").reset_index(drop=True)
    odf["order_id"] = [f"SO{d.year}{i + 1:06d}" for i, d in enumerate(odf["order_date"])]
    odf = odf.astype({"order_date": "object", "status": "object"})

    # monthly targets per salesperson: last year's actual × growth, rounded to 万
    odt = pd.to_datetime(odf["order_date"])
    ok = odf["status"] != parse.STATUS_CANCELLED
    monthly = odf[ok].groupby([odf.loc[ok, "salesperson"], odt[ok].dt.to_period("M")])["amount"].sum()
    targets = []
    for rep in [r for reps in REPS.values() for r in reps]:
        if rep not in monthly.index.get_level_values(0):  # a small sample: no deal, so no basis for a target
            continue
        for p in pd.period_range(dt.date(end.year - 1, 1, 1), dt.date(end.year, 12, 1), freq="M"):
            ly = monthly.get((rep, p - 12), np.nan)
            avg = monthly.xs(rep, level=0).mean()
            base = 0.5 * ly + 0.5 * avg if ly == ly and ly > 0 else avg
            targets.append({"period": f"{p.year}-{p.month:02d}", "salesperson": rep,
                            "target": round(base * float(rng.uniform(1.05, 1.3)) / 10000) * 10000})
    tdf = pd.DataFrame(targets)

    # follow-ups: more for big accounts, with next dates
    fu = []
    for ci in np.argsort(-weight)[: int(n_customers * 0.7)]:
        c = cust[ci]
        n = int(2 + min(20, weight[ci] * 3))
        for d in sorted(rng.choice(days - 20, size=n, replace=False)):
            date = start + dt.timedelta(days=int(d) + 20)
            fu.append({"customer_id": c["customer_id"], "date": date,
                       "content": str(rng.choice(["电话回访", "上门拜访", "产品培训", "方案交流", "新品推荐", "季度业务回顾"])),
                       "satisfaction": int(rng.choice([3, 4, 4, 5, 5])),
                       "next_step": str(rng.choice(["跟进报价", "安排技术交流", "推荐新品", "确认采购计划"])),
                       "next_date": date + dt.timedelta(days=int(rng.choice([7, 14, 30, 60]))),
                       "owner": c["owner"]})
    fdf = pd.DataFrame(fu).sort_values("date", kind="stable").reset_index(drop=True)

    leads = []
    stages = ["需求确认", "方案提交", "商务谈判", "成交", "丢单"]
    for i in range(max(20, n_customers // 5)):
        created = end - dt.timedelta(days=int(rng.integers(5, 400)))
        stage = str(rng.choice(stages, p=[0.2, 0.2, 0.15, 0.3, 0.15]))
        leads.append({"lead_id": f"L{i + 1:04d}", "name": f"潜客{_STEMS[i % len(_STEMS)]}{i}有限公司",
                      "customer_id": None, "stage": stage, "est_amount": round(float(rng.lognormal(11, 0.6)), -2),
                      "owner": [r for reps in REPS.values() for r in reps][i % 7], "created": created,
                      "stage_date": created + dt.timedelta(days=int(rng.integers(10, 90)))
                      if stage in ("成交", "丢单") else None})
    ldf = pd.DataFrame(leads)
    # the funnel's extras from their own generator, so the draws above (and the dirt below) do not move
    lrng = np.random.default_rng(seed + 1)
    for i, lead in ldf.iterrows():
        if lead["stage"] in ("方案提交", "商务谈判"):  # entered the current stage in the last two months
            ldf.loc[i, "stage_date"] = max(lead["created"], end - dt.timedelta(days=int(lrng.integers(1, 60))))
        elif lead["stage"] == "丢单":
            ldf.loc[i, "lost_stage"] = lrng.choice(["需求确认", "方案提交", "商务谈判", None])
            ldf.loc[i, "lost_reason"] = lrng.choice(["价格过高", "选择竞品", "预算取消", "需求不匹配", None])
    cdf = cdf.drop(columns="_region")
    odf["status"] = odf["status"].map(lambda s: parse.status_word(s, lang))
    for col in [c for c in ("stage", "lost_stage") if c in ldf]:
        ldf[col] = ldf[col].map(lambda s: vocab.label("stage", vocab.parse("stage", s), lang) if s else s)
    if dirty:
        odf, cdf, tdf = _dirty(odf, cdf, tdf, rng)
    return {"orders": odf, "targets": tdf, "customers": cdf, "followups": fdf, "leads": ldf}


def _dirty(odf: pd.DataFrame, cdf: pd.DataFrame, tdf: pd.DataFrame, rng) -> tuple[pd.DataFrame, ...]:
    """A few of the mistakes real sheets have, each one a cleaning rule."""
    odf = odf.copy().astype(object)
    n = len(odf)
    pick = rng.choice(n, size=12, replace=False)
    odf.loc[pick[0], "order_date"] = odf.loc[pick[0], "order_date"].strftime("%Y年%m月%d日").replace("年0", "年")
    odf.loc[pick[1], "order_date"] = odf.loc[pick[1], "order_date"].strftime("%Y/%m/%d")
    odf.loc[pick[2], "amount"] = f"¥{odf.loc[pick[2], 'amount']:,.2f}"
    odf.loc[pick[3], "amount"] = f"{odf.loc[pick[3], 'amount'] / 10000:.2f}万"
    odf.loc[pick[4], "status"] = "完成"
    odf.loc[pick[5], "status"] = "待定"  # unknown: flagged and left out
    odf.loc[pick[6], "order_date"] = "上周五"  # unreadable: left out, kept in the sheet
    odf.loc[pick[7], "customer_name"] = "  " + str(odf.loc[pick[7], "customer_name"]) + "　"
    odf.loc[pick[8], "amount"] = round(float(odf.loc[pick[8], "amount"]) / 10000, 2)  # typed in 万 into a 元 column
    odf.loc[pick[9], "status"] = None  # missing: counted as 已成交
    dup = odf.loc[[pick[10]]].copy()  # same order twice
    extra = odf.loc[[pick[11]]].copy()
    extra["order_id"] = str(extra["order_id"].iloc[0]) + "B"  # same content, different id: possible duplicate
    total = pd.DataFrame([{"order_id": None, "order_date": None, "customer_id": None,
                           "customer_name": "2025年Q1总计", "amount": 12345678.0}])
    odf = pd.concat([odf, dup, extra, total], ignore_index=True)
    cdf = cdf.copy()
    cdf.loc[rng.choice(len(cdf), size=5, replace=False), "phone"] = None
    return odf, cdf, tdf
