"""One orchestrator: raw sheet tables in, every analysis out. Used by the ribbon, the CLI and tests.

``run(tables, settings=…, today=…)`` takes the raw input tables (values as typed, one column
per schema key, plus ``_row``) and returns a :class:`Result` with the clean tables, the
cleaning log, each analysis as a DataFrame, and ``sheets``: the output sheets as blocks
ready for the writer. Nothing here touches Excel or files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..settings import Settings
from . import alerts as al
from . import breakdown as bd
from . import clean, coverage, followup, linking, logsummary, outlook, performance, problems, rfm, tiers, trends
from . import funnel as fn
from . import kpi_customers as kc
from . import playbook as pb
from . import targets as tg
from .tables import Block, cols


@dataclass(frozen=True)
class RawTable:
    df: pd.DataFrame
    sheet: str
    labels: Mapping[str, str] = field(default_factory=dict)  # key → header as the user typed it
    units: Mapping[str, str] = field(default_factory=dict)  # key → unit found in the header
    columns: Mapping[str, int] = field(default_factory=dict)  # key → sheet column (1-based), for painting


@dataclass
class Result:
    as_of: dt.date
    settings: Settings
    clean: dict[str, pd.DataFrame]
    log: pd.DataFrame
    frames: dict[str, pd.DataFrame]
    sheets: dict[str, list[Block]]
    # coverage.Notice (zh, en, code): what changes the numbers of a whole sheet — a missing status column,
    # targets read as 万元 by their size. The CLI's refresh summary and the dashboard's info block show them.
    notices: list = field(default_factory=list)

    @property
    def excluded_rows(self) -> int:
        ex = self.log[self.log["action"] == clean.EXCLUDED]
        return int(ex[["sheet", "row"]].drop_duplicates().shape[0])


def _empty_raw(keys) -> pd.DataFrame:
    return pd.DataFrame({**{k: pd.Series(dtype="object") for k in keys}, "_row": pd.Series(dtype="int64")})


def resolve_as_of(orders: pd.DataFrame, settings: Settings, today: dt.date) -> dt.date:
    if settings.as_of:
        return settings.as_of
    dates = orders["order_date"].dropna()
    past = dates[dates <= pd.Timestamp(today)]
    pick = past if not past.empty else dates
    return pick.max().date() if not pick.empty else today


def run(tables: Mapping[str, RawTable], *, settings: Settings, today: dt.date,
        progress: Callable[[str], None] | None = None) -> Result:
    say = progress or (lambda _msg: None)

    def raw(key: str, cols_: tuple[str, ...], name: str) -> RawTable:
        return tables.get(key) or RawTable(_empty_raw(cols_), name)

    say("清洗数据 cleaning")
    rc = raw("customers", ("customer_id",), "客户档案")
    customers, log_c = clean.clean_customers(rc.df, sheet=rc.sheet, labels=rc.labels)
    ro = raw("orders", ("order_date", "customer_id", "amount"), "订单明细")
    orders, log_o = clean.clean_orders(ro.df, settings=settings, today=today, sheet=ro.sheet, labels=ro.labels,
                                       units=ro.units, customers=customers)
    rt = raw("targets", ("period", "target"), "销售目标")
    targets, log_t = tg.clean_targets(rt.df, settings=settings, sheet=rt.sheet, labels=rt.labels, units=rt.units,
                                      orders=orders)
    regions = linking.region_names(orders["region"], targets["region"])
    log_r_o, log_r_t = clean.Log(ro.sheet, ro.labels), clean.Log(rt.sheet, rt.labels)
    orders = linking.unify_regions(orders, regions, log_r_o)
    targets = linking.unify_regions(targets, regions, log_r_t)
    log_o = pd.concat([x for x in (log_o, log_r_o.frame()) if not x.empty] or [log_o], ignore_index=True)
    log_t = pd.concat([x for x in (log_t, log_r_t.frame()) if not x.empty] or [log_t], ignore_index=True)
    rf = raw("followups", ("customer_id", "date"), "跟进记录")
    followups, log_f = clean.clean_followups(rf.df, today=today, sheet=rf.sheet, labels=rf.labels,
                                             customers=customers)
    rl = raw("leads", ("stage",), "线索")
    leads, log_l = clean.clean_leads(rl.df, sheet=rl.sheet, labels=rl.labels, customers=customers)
    playbook = tables["playbook"].df.drop(columns="_row") if "playbook" in tables else pb.default_playbook()
    log = pd.concat([x for x in (log_o, log_t, log_c, log_f, log_l) if not x.empty] or [log_o], ignore_index=True)

    as_of = resolve_as_of(orders, settings, today)
    say("业绩分析 performance")
    perf = performance.performance(orders, targets, settings=settings, as_of=as_of)
    perf = outlook.with_attainment(perf, orders, settings=settings, as_of=as_of)
    kpi = bd.kpi_table(orders, leads, settings=settings, as_of=as_of, customers=customers)
    trend = bd.monthly_trend(orders, targets, settings=settings, as_of=as_of, customers=customers)
    daily = trends.daily_trend(orders, settings=settings, as_of=as_of, customers=customers)
    weekly = trends.weekly_trend(orders, settings=settings, as_of=as_of, customers=customers)
    product_repeat = kc.product_repeat(orders, settings=settings, as_of=as_of)
    dims = {d: bd.by_dimension(orders, d, settings=settings, as_of=as_of, targets=targets, customers=customers)
            for d in ("product_line", "salesperson", "region", "channel")}
    ctypes = bd.customer_types(orders, settings=settings, as_of=as_of, customers=customers)
    funnel_t = fn.funnel(leads, settings=settings, as_of=as_of)
    say("RFM 与客户分层 RFM and tiers")
    rfm_t, churn_fit = outlook.with_churn(rfm.rfm(orders, settings=settings, as_of=as_of), orders,
                                          settings=settings, as_of=as_of)
    tier_t = tiers.tiers(orders, customers, leads, rfm_t, settings=settings, as_of=as_of)
    plan = followup.followup_plan(tier_t, followups, orders, customers, playbook, settings=settings, as_of=as_of)
    say("异常预警 alerts")
    sheet_keys = {t.sheet: k for k, t in tables.items()}
    column_keys = {(t.sheet, label): key for t in tables.values() for key, label in t.labels.items()}
    alerts = al.combine(
        al.performance_alerts(perf, targets, orders, settings=settings, as_of=as_of),
        al.share_alerts(dims["product_line"], orders, settings=settings, as_of=as_of),
        al.churn_alerts(orders, customers, settings=settings, as_of=as_of),
        al.silent_alerts(rfm_t, orders, customers, settings=settings, as_of=as_of),
        al.overdue_alerts(plan, followups, customers, orders, settings=settings, as_of=as_of),
        al.amount_alerts(orders, customers, settings=settings),
        al.data_alerts(log, sheet_keys, column_keys),
    )
    probs = problems.problems(alerts, plan, playbook, as_of=as_of)

    frames = {"performance": perf, "kpi": kpi, "trend": trend, "rfm": rfm_t, "tiers": tier_t, "plan": plan,
              "alerts": alerts, "problems": probs, "customer_types": ctypes, "daily": daily, "weekly": weekly,
              "product_repeat": product_repeat,
              **{f"by_{d}": t for d, t in dims.items()}, **{f"funnel_{k}": t for k, t in funnel_t.items()}}
    sheets = layout(frames, log, settings=settings, as_of=as_of, churn_fit=churn_fit)
    clean_tables = {"orders": orders, "targets": targets, "customers": customers, "followups": followups,
                    "leads": leads, "playbook": playbook}
    return Result(as_of, settings, clean_tables, log, frames, sheets,
                  coverage.missing_columns(tables, clean_tables, log, settings))


def layout(f: dict[str, pd.DataFrame], log: pd.DataFrame, *, settings: Settings, as_of: dt.date,
           churn_fit=None) -> dict[str, list[Block]]:
    """Output sheets as blocks with Chinese headers and column kinds."""
    ytd = f"{as_of.year}年1月1日–{as_of:%m月%d日}"
    kpi = f["kpi"].copy()
    kpi["label"] = kpi["label"].where(kpi["kind"] != "amount", kpi["label"] + f"({settings.display_unit})")
    perf_cols = cols(("period_label", "周期"), ("salesperson", "销售负责人"), ("product_line", "产品线"),
                     ("region", "区域"), ("actual", "销售额", "amount"), ("target", "目标值", "amount"),
                     ("gap", "差额", "amount"), ("completion", "完成率", "pct"), ("yoy", "同比", "growth"),
                     ("mom", "环比", "growth"), ("band", "状态"), ("elapsed", "时间进度", "pct"),
                     ("pace", "进度判断"), *((("p_hit", "达成概率", "pct"),) if "p_hit" in f["performance"] else ()),
                     ("note", "备注"))
    dim_cols = {
        "product_line": cols(("product_line", "产品线"), ("revenue", "销售额", "amount"), ("share", "占比", "pct"),
                             ("share_change", "占比变化", "pp"), ("orders", "订单量", "int"),
                             ("avg_ticket", "客单价", "amount"), ("yoy", "同比", "growth"), ("quadrant", "定位"),
                             *((("margin", "毛利", "amount"), ("margin_rate", "毛利率", "pct"))
                               if "margin" in f["by_product_line"] else ())),
        "salesperson": cols(("rank", "排名", "int"), ("salesperson", "销售负责人"), ("revenue", "销售额", "amount"),
                            *((("target", "目标值", "amount"), ("completion", "完成率", "pct"))
                              if "target" in f["by_salesperson"] else ()),
                            ("orders", "订单量", "int"), ("avg_ticket", "客单价", "amount"),
                            ("new_customers", "新客户数", "int"), ("collection_rate", "回款率", "pct"),
                            ("score", "综合评分", "num"), ("yoy", "同比", "growth")),
        "region": cols(("region", "区域"), ("revenue", "销售额", "amount"), ("share", "占比", "pct"),
                       *((("target", "目标值", "amount"), ("completion", "完成率", "pct"))
                         if "target" in f["by_region"] else ()),
                       ("customers", "客户数", "int"), ("yoy", "同比", "growth")),
        "channel": cols(("channel", "渠道"), ("revenue", "销售额", "amount"), ("share", "占比", "pct"),
                        ("orders", "订单量", "int"), ("customers", "客户数", "int"), ("yoy", "同比", "growth")),
    }
    dim_titles = {"product_line": ("按产品线", "By product line"), "salesperson": ("按销售负责人", "By salesperson"),
                  "region": ("按区域", "By region"), "channel": ("按渠道", "By channel")}
    no_cac = ("", "") if settings.acquisition_costs else (
        "；获客成本CAC 未设置：在「参数」表 acquisition_costs 填 渠道:每月金额",
        "; CAC not set: fill acquisition_costs on the Settings sheet with channel:monthly amount")
    breakdown = [
        Block("kpi", f"核心指标（截至 {as_of:%Y-%m-%d}）{no_cac[0]}", f"KPIs (as of {as_of:%Y-%m-%d}){no_cac[1]}", kpi,
              cols(("label", "指标"), ("current", "本月", "row"), ("previous", "上月同期", "row"),
                   ("change", "变化", "row"), ("ytd", "今年累计", "row"), ("last_year", "去年同期", "row"),
                   ("yoy", "同比", "row"))),
        Block("trend", "月度趋势", "Monthly trend", f["trend"],
              cols(("month", "月份"), ("revenue", "销售额", "amount"), ("target", "目标值", "amount"),
                   ("completion", "完成率", "pct"), ("orders", "订单量", "int"), ("avg_ticket", "客单价", "amount"),
                   ("customers", "成交客户数", "int"), ("new_customers", "新客户数", "int"),
                   ("mom", "环比", "growth"), ("yoy", "同比", "growth"))),
        Block("weekly", "周趋势（近12周，ISO 周，周一起）", "Weekly trend (last 12 ISO weeks, Monday start)", f["weekly"],
              cols(("week", "周"), ("week_start", "周一", "date"), ("revenue", "销售额", "amount"),
                   ("orders", "订单量", "int"), ("avg_ticket", "客单价", "amount"), ("customers", "成交客户数", "int"),
                   ("new_customers", "新客户数", "int"), ("wow", "环比", "growth"), ("yoy", "同比", "growth"))),
        Block("daily", "日趋势（近30天）", "Daily trend (last 30 days)", f["daily"],
              cols(("day", "日期", "date"), ("weekday", "星期"), ("revenue", "销售额", "amount"),
                   ("orders", "订单量", "int"), ("avg_ticket", "客单价", "amount"), ("customers", "成交客户数", "int"),
                   ("new_customers", "新客户数", "int"), ("wow", "较上周同日", "growth"))),
        *[Block(f"by_{d}", f"{dim_titles[d][0]}（{ytd}）", f"{dim_titles[d][1]} (year to date)", f[f"by_{d}"],
                dim_cols[d]) for d in ("product_line", "salesperson", "region", "channel")],
        Block("customer_types", f"按客户类型（{ytd}）", "By customer type (year to date)", f["customer_types"],
              cols(("type", "客户类型"), ("customers", "客户数", "int"), ("orders", "订单量", "int"),
                   ("revenue", "销售额", "amount"), ("share", "占比", "pct"))),
        Block("product_repeat", f"产品复购率（{ytd}）", "Repeat purchase by product line (year to date)",
              f["product_repeat"],
              cols(("product_line", "产品线"), ("customers", "客户数", "int"), ("repeat_customers", "复购客户数", "int"),
                   ("repeat_rate", "产品复购率", "pct"), ("last_year", "去年同期", "pct"), ("change", "变化", "pp"))),
    ]
    return {
        "performance": [Block("performance", "业绩分析", "Performance", f["performance"], perf_cols)],
        "breakdown": breakdown,
        **({"funnel": funnel_blocks(f, settings=settings, as_of=as_of)} if "funnel_stages" in f else {}),
        "rfm": [Block("rfm", f"RFM 客户价值（截至 {as_of:%Y-%m-%d}，窗口 {settings.rfm_window_days} 天）"
                             + (f"；{outlook.churn_title(churn_fit)}" if churn_fit else ""),
                      "RFM" + (f" — {outlook.churn_title(churn_fit, 'en')}" if churn_fit else ""), f["rfm"],
                      cols(("customer_id", "客户编号"), ("customer_name", "客户名称"), ("last_order", "最近下单", "date"),
                           ("recency_days", "R 最近购买(天前)", "int"), ("frequency", "F 购买频次", "int"),
                           ("monetary", "M 购买金额", "amount"), ("r_score", "R分", "int"), ("f_score", "F分", "int"),
                           ("m_score", "M分", "int"), ("rfm_code", "RFM得分"), ("segment", "客户分层"),
                           ("revenue_share", "营收占比", "pct"), ("cum_share", "累计占比", "pct"),
                           ("pareto_top20", "TOP20%", "flag"), ("avg_cycle_days", "平均采购周期(天)", "num"),
                           ("top_product", "偏好产品"), ("top_product_share", "偏好占比", "pct"),
                           ("lifetime_amount", "累计采购", "amount"),
                           *((("p_alive", "活跃概率", "pct"), ("expected_90d", "未来90天预计订单", "num"))
                             if "p_alive" in f["rfm"] else ())))],
        "tiers": [Block("tiers", "客户分层（VIP/核心/普通/潜在）与 A/B/C", "Customer tiers", f["tiers"],
                        cols(("customer_id", "客户编号"), ("customer_name", "客户名称"), ("tier", "客户层级"),
                             ("half_year_amount", "近半年采购", "amount"), ("years", "合作年限", "num"),
                             ("first_date", "首次合作", "date"), ("total_orders", "累计订单", "int"),
                             ("abc_score", "A/B/C 评分", "num"), ("abc_class", "A/B/C"), ("reason", "依据")))],
        "followup_plan": [Block("plan", "客户维护计划", "Follow-up plan", f["plan"],
                                cols(("customer_id", "客户编号"), ("customer_name", "客户名称"), ("tier", "客户层级"),
                                     ("owner", "责任人"), ("focus", "维护重点"), ("frequency", "沟通频率"),
                                     ("incentive", "激励策略"), ("last_contact", "最近跟进", "date"),
                                     ("next_due", "下次跟进日期", "date"), ("overdue_days", "逾期天数", "int"),
                                     ("services_this_month", "本月服务次数", "int"), ("quota", "每月要求", "int"),
                                     ("last_satisfaction", "最近满意度", "num"), ("maintenance", "维护内容", "text", True),
                                     ("plan_next", "下一步计划", "text", True)), id_col="customer_id")],
        "problems": [Block("problems", "问题与提升策略", "Problems and actions", f["problems"],
                           cols(("key", "问题编号"), ("severity", "严重度"), ("problem", "问题点"),
                                ("evidence", "证据"), ("strategy", "提升策略"), ("owner", "负责人"),
                                ("deadline", "时间节点", "date"), ("resources", "资源支持"),
                                ("expected", "预期效果"), ("status", "状态", "text", True),
                                ("progress", "进展", "text", True), ("why5", "5Why", "text", True)), id_col="key")],
        "alerts": [Block("alerts", "异常预警", "Alerts", f["alerts"],
                         cols(("severity", "严重度"), ("rule_name", "规则"), ("subject", "对象"),
                              ("owner", "负责人"), ("stake", "涉及金额", "amount"), ("message", "说明"),
                              ("action", "建议行动"), ("decision", "处理结果", "text", True),
                              ("decision_note", "核实说明", "text", True), ("key", "预警编号")),
                         id_col="key")],
        "cleaning_log": [Block("log_summary", *logsummary.headline(log), logsummary.summary(log),
                               cols(("action_label", "处理"), ("sheet", "工作表"), ("count", "数量（行/值）", "int"),
                                    ("column", "列"), ("rule", "规则"), ("reason", "原因"), ("reason_en", "reason"),
                                    ("rows", "示例行"))),
                         Block("cleaning_log", "清洗日志（未计入分析的行在前，其次需核对，最后已自动规范）",
                               "Cleaning log (rows left out first, then flagged, then fixed)", logsummary.ordered(log),
                               cols(("action", "处理"), ("sheet", "工作表"), ("row", "行", "int"), ("column", "列"),
                                    ("rule", "规则"), ("reason", "原因"), ("reason_en", "reason"),
                                    ("old_value", "原值"), ("new_value", "新值")))],
    }


def funnel_blocks(f: dict[str, pd.DataFrame], *, settings: Settings, as_of: dt.date) -> list[Block]:
    """The 销售漏斗 sheet: headline numbers, the stages, stalled leads and (when typed) lost reasons."""
    summary = f["funnel_summary"].copy()
    summary["label"] = summary["label"].where(summary["kind"] != "amount",
                                              summary["label"] + f"({settings.display_unit})")
    stall = settings.funnel_stall_days
    blocks = [
        Block("funnel_summary", f"销售漏斗（截至 {as_of:%Y-%m-%d}）", f"Sales funnel (as of {as_of:%Y-%m-%d})", summary,
              cols(("label", "指标"), ("value", "数值", "row"))),
        Block("funnel_stages", "各阶段转化", "Stages", f["funnel_stages"],
              cols(("stage", "阶段"), ("reached", "到达线索数", "int"), ("conversion", "转入下一阶段", "pct"),
                   ("lost", "在此阶段丢单", "int"), ("open", "在途线索", "int"),
                   ("amount", "预估金额", "amount"), ("probability", "成交概率", "pct"),
                   ("weighted", "加权金额", "amount"), ("avg_days_in_stage", "在途平均停留(天)", "num"),
                   ("avg_days_to_reach", "自创建平均到达(天)", "num"))),
        Block("funnel_stalled", f"停滞线索（当前阶段停留超过 {stall} 天）", f"Stalled leads (over {stall} days in stage)",
              f["funnel_stalled"],
              cols(("lead_id", "线索编号"), ("name", "客户名称"), ("owner", "负责人"), ("state", "当前阶段"),
                   ("est_amount", "预估金额", "amount"), ("weighted", "加权金额", "amount"),
                   ("entered", "进入阶段", "date"), ("since", "起算依据"), ("days_in_stage", "停留天数", "int"))),
    ]
    if not f["funnel_lost_reasons"].empty:
        blocks.append(Block("funnel_lost_reasons", "丢单原因统计（已丢单线索）", "Lost reasons", f["funnel_lost_reasons"],
                            cols(("reason", "丢单原因"), ("count", "丢单数", "int"), ("share", "占比", "pct"),
                                 ("amount", "预估金额", "amount"), ("top_stage", "多在此阶段丢单"))))
    return blocks
