"""Every code salesbook shows, with its Chinese and English label: one place for the product's words.

The core computes with codes (``band="below"``, ``segment="high_value"``, ``severity="high"``) and
numbers; the Excel edge turns codes into words when it writes, in the workbook's language. Adding a
language means adding one element to each pair below; adding a code means adding one line.

- :data:`DOMAINS` — enumerations by domain: ``label("band", "below", "en")`` → ``"Below target"``.
  A value that is not a known code (a product line, a rep's name) passes through unchanged, so a
  column may mix codes and user data safely.
- :data:`HEADERS` — output column headers by column key; ``"block.column"`` entries override the
  plain key where one key means different things in different tables.
- :data:`UNITS` — money display units: ``header("actual", "en", unit="万元")`` → ``"Sales (CNY 10k)"``.

:func:`parse` goes the other way for values users type (a stage, a tier in 策略库): it accepts the
code or either language's label and returns the code.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

LANGS = ("zh", "en")
Pair = tuple[str, str]  # (Chinese, English)

DOMAINS: dict[str, dict[str, Pair]] = {
    # 业绩分析: completion bands and pace in a running period (SPEC §4)
    "band": {"met": ("达标", "Met"), "near": ("接近", "Near"), "below": ("未达标", "Below target"),
             "no_target": ("无目标", "No target")},
    "pace": {"ahead": ("超前", "Ahead"), "behind": ("落后", "Behind")},
    # RFM segments (SPEC §4 RFM), including customers with no order in the window
    "segment": {"high_value": ("高价值客户", "High value"), "churn_risk": ("流失风险客户", "Churn risk"),
                "potential": ("潜力客户", "Potential"), "low_value": ("低价值客户", "Low value"),
                "lapsed": ("已流失客户", "Lapsed"), "lapsed_high": ("高价值流失", "Lapsed high value")},
    # 客户分层 tiers (SPEC §4) and S2's A/B/C classes
    "tier": {"vip": ("VIP", "VIP"), "core": ("核心", "Core"), "normal": ("普通", "Regular"),
             "prospect": ("潜在", "Prospect")},
    # 策略库 Playbook: what a row is about (its 名称 is a tier, a segment, an A/B/C class or a problem's rule)
    "playbook_kind": {"tier": ("客户层级", "Tier"), "segment": ("RFM分群", "RFM segment"),
                      "problem": ("问题", "Problem"), "class": ("客户等级", "A/B/C class")},
    "severity": {"high": ("高", "High"), "medium": ("中", "Medium"), "low": ("低", "Low")},
    # alert rules: business rules, then data-quality rules
    "rule": {"completion_low": ("完成率低", "Completion low"), "mom_drop": ("环比下滑", "Month-on-month drop"),
             "share_drop": ("产品占比下降", "Product share falling"), "region_low": ("区域完成率低", "Region below target"),
             "churn_up": ("老客户流失", "Repeat customers lost"), "silent": ("客户沉默", "Customer silent"),
             "overdue": ("跟进逾期", "Follow-up overdue"), "outlier": ("金额异常", "Unusual amount"),
             "unit_slip": ("疑似单位错误", "Possible unit slip"),
             "possible_duplicate": ("疑似重复", "Possible duplicate"), "duplicate_id": ("编号重复", "Duplicate ID"),
             "missing_contact": ("缺少联系方式", "Contact missing"), "status": ("未知状态", "Unknown status"),
             "future_date": ("未来日期", "Future date"), "date": ("日期无法识别", "Unreadable date"),
             "amount": ("金额无法识别", "Unreadable amount"), "period": ("周期无法识别", "Unreadable period"),
             "zero_amount": ("零金额", "Zero amount"), "customer_id": ("客户无法识别", "Unknown customer"),
             "target": ("目标值无法识别", "Unreadable target"), "stage": ("阶段无法识别", "Unreadable stage"),
             "score": ("评分无效", "Invalid score")},
    # 清洗日志: what cleaning did with a row or value
    "action": {"excluded": ("未计入分析", "Left out"), "flagged": ("需核对", "To check"),
               "fixed": ("已自动规范", "Normalised")},
    # 清洗日志: which cleaning rule made a log row
    "log_rule": {"subtotal": ("合计行", "Total row"), "text": ("文本规范", "Text"), "alias": ("客户简称", "Short name"),
                 "customer_id": ("客户识别", "Customer"), "ambiguous_name": ("简称重名", "Shared short name"),
                 "date": ("日期", "Date"), "future_date": ("未来日期", "Future date"), "amount": ("金额", "Amount"),
                 "status": ("订单状态", "Order status"), "status_column": ("订单状态列", "Status column"),
                 "order_id": ("订单编号", "Order ID"), "duplicate_id": ("编号重复", "Duplicate ID"),
                 "possible_duplicate": ("疑似重复", "Possible duplicate"), "zero_amount": ("零金额", "Zero amount"),
                 "missing_contact": ("联系方式", "Contact"), "score": ("评分", "Score"),
                 "satisfaction": ("满意度", "Satisfaction"), "stage": ("阶段", "Stage"),
                 "lost_stage": ("丢单阶段", "Lost-at stage"), "period": ("周期", "Period"),
                 "period_total": ("周期合计", "Period total"), "target": ("目标值", "Target"),
                 "target_unit": ("目标单位", "Target unit"), "region": ("区域名称", "Region name")},
    # order statuses (the Chinese word is what the orders table holds; clean.STATUS_CODES maps it)
    "order_status": {"closed": ("已成交", "Closed"), "signed": ("已签约", "Signed"), "collected": ("已回款", "Collected"),
                     "cancelled": ("已取消", "Cancelled"), "draft": ("草稿", "Draft")},
    # coverage notices: optional order columns and amount units named in a sentence
    "order_column": {"region": ("区域", "region"), "product_line": ("产品线", "product line"),
                     "channel": ("渠道", "channel")},
    "unit": {"yuan": ("元", "CNY"), "wan": ("万元", "CNY 10k")},
    # output sheets named in sentences ("see 'Cleaning log'")
    "sheet": {"cleaning_log": ("清洗日志", "Cleaning log"), "alerts": ("异常预警", "Alerts")},
    # 分析报告: the outline's sections (S1) and the review block's statuses (S1 第七步)
    "report_section": {"background": ("一、分析背景与目标", "1. Background and objectives"),
                       "overview": ("二、客户整体概况", "2. Customer overview"),
                       "segments": ("三、客户分层结果", "3. Customer segmentation"),
                       "issues": ("四、关键问题与需求", "4. Key issues and needs"),
                       "strategies": ("五、策略建议", "5. Recommended strategies"),
                       "next": ("六、下一步计划", "6. Next steps")},
    "review_status": {"draft": ("草稿", "Draft"), "reviewed": ("已审核", "Reviewed"),
                      "review_again": ("需重新审核", "Review again")},
    # 例会材料: the numbers at the top of a page
    "meeting_number": {"sales_month": ("本月销售额", "Sales this month"), "target_month": ("本月目标", "Target this month"),
                       "completion_month": ("本月完成率", "Completion this month"), "elapsed": ("时间进度", "Time elapsed"),
                       "sales_ytd": ("今年累计销售额", "Sales year to date"), "rank": ("排名", "Rank"),
                       "completion_ytd": ("今年完成率", "Completion year to date"),
                       "new_customers": ("今年新客户", "New customers this year"), "share": ("占比", "Share"),
                       "drag": ("拖累团队完成率(百分点)", "Cost to team completion (percentage points)"),
                       "reps": ("负责人", "Salespeople")},
    # 变更记录: what kind of change a row records
    "change": {"tier": ("客户层级", "Tier"), "segment": ("RFM分层", "RFM segment"), "alert_new": ("新增预警", "New alert"),
               "alert_resolved": ("预警解除", "Alert resolved"), "completion": ("完成率", "Completion"),
               "first": ("首次分析", "First analysis")},
    # lead stages (S4): the codes the funnel counts by; typed values in either language are accepted
    "stage": {"qualify": ("需求确认", "Qualification"), "proposal": ("方案提交", "Proposal"),
              "negotiation": ("商务谈判", "Negotiation"), "won": ("成交", "Won"), "lost": ("丢单", "Lost")},
    # 多维拆解: a product line's position, customer types, weekdays
    "quadrant": {"star": ("明星", "Star"), "to_fix": ("待改进", "To improve"), "steady": ("稳定", "Steady")},
    "customer_type": {"new": ("新客户", "New"), "returning": ("老客户", "Returning"), "repeat": ("复购客户", "Repeat")},
    "weekday": {"mon": ("周一", "Mon"), "tue": ("周二", "Tue"), "wed": ("周三", "Wed"), "thu": ("周四", "Thu"),
                "fri": ("周五", "Fri"), "sat": ("周六", "Sat"), "sun": ("周日", "Sun")},
    # 多维拆解 KPI block labels (the metric codes of core.breakdown.kpi_table); amounts get the unit at the edge
    "kpi": {"revenue": ("销售额", "Sales"), "orders": ("订单量", "Orders"), "avg_ticket": ("客单价", "Average order"),
            "per_rep_revenue": ("人均销售额", "Sales per rep"), "ltv": ("客户终身价值LTV", "Customer lifetime value"),
            "collection_rate": ("回款率", "Collection rate"), "cancel_rate": ("退单率", "Cancellation rate"),
            "customers": ("成交客户数", "Buying customers"), "new_customers": ("新客户数", "New customers"),
            "new_share": ("新客户占比", "New customer share"), "repeat_rate": ("复购率", "Repeat rate"),
            "churn_rate": ("客户流失率", "Customer churn rate"), "lead_conversion": ("线索转化率", "Lead conversion"),
            "deal_cycle_days": ("平均成交周期(天)", "Avg sales cycle (days)")},
    # 销售漏斗 headline labels (core.funnel.summary metrics)
    "funnel_kpi": {"leads": ("线索数", "Leads"), "open": ("在途线索", "Open leads"),
                   "open_amount": ("在途预估金额", "Open leads' estimated amount"),
                   "weighted": ("加权管道金额", "Weighted pipeline"), "win_rate": ("赢单率（成交/已关闭）", "Win rate (won / closed)"),
                   "cycle": ("平均成交周期(天)", "Avg sales cycle (days)"), "won_month": ("本月已成交", "Won this month"),
                   "due_month": ("本月加权预计成交", "Weighted expected this month"),
                   "won_quarter": ("本季已成交", "Won this quarter"),
                   "due_quarter": ("本季加权预计成交", "Weighted expected this quarter"),
                   "basis": ("预计成交日", "Expected close date")},
    # where a stalled lead's days in stage are counted from; a lost lead with no reason typed
    "since": {"stage_date": ("阶段日期", "Stage date"), "created": ("创建日期", "Created date")},
    # an empty product line / salesperson / region / channel cell in the breakdown tables (core.kpi_customers.BLANK)
    "blank": {"(未填)": ("(未填)", "(blank)")},
    "lost_reason": {"not_given": ("未填写", "Not given")},
    # 仪表盘 KPI cards (metric codes of the KPI block)
    "card": {"revenue": ("本月销售额", "Sales this month"), "orders": ("本月订单量", "Orders this month"),
             "avg_ticket": ("客单价", "Average order"), "collection_rate": ("回款率", "Collection rate"),
             "cancel_rate": ("退单率", "Cancellation rate"), "new_customers": ("新客户数", "New customers"),
             "repeat_rate": ("复购率", "Repeat rate"), "customers": ("成交客户数", "Buying customers")},
    "flag": {"yes": ("是", "Yes")},
    "yesno": {"yes": ("是", "Yes"), "no": ("否", "No")},
    "portrait": {"unknown": ("未填写", "Not given")},  # an empty industry or size in the portrait matrix
    "growth": {"new": ("新增", "New")},
}

# A money display unit as stored in 参数 (元 / 万元) → its label in each language.
UNITS: dict[str, Pair] = {"元": ("元", "CNY"), "万元": ("万元", "CNY 10k")}

HEADERS: dict[str, Pair] = {
    # identity and dimensions
    "customer_id": ("客户编号", "Customer ID"), "customer_name": ("客户名称", "Customer"),
    "name": ("客户名称", "Customer"), "salesperson": ("销售负责人", "Salesperson"),
    "product_line": ("产品线", "Product line"), "region": ("区域", "Region"), "channel": ("渠道", "Channel"),
    "owner": ("负责人", "Owner"), "plan.owner": ("责任人", "Owner"), "lead_id": ("线索编号", "Lead ID"),
    "period_label": ("周期", "Period"), "month": ("月份", "Month"), "week": ("周", "Week"),
    "week_start": ("周一", "Week starting"), "day": ("日期", "Date"), "weekday": ("星期", "Weekday"),
    "type": ("客户类型", "Customer type"), "label": ("指标", "Measure"), "value": ("数值", "Value"),
    "rank": ("排名", "Rank"),
    # sales and targets
    "actual": ("销售额", "Sales"), "revenue": ("销售额", "Sales"), "target": ("目标值", "Target"),
    "gap": ("差额", "Gap"), "completion": ("完成率", "Completion"), "yoy": ("同比", "YoY"),
    "mom": ("环比", "MoM"), "wow": ("环比", "Week on week"), "daily.wow": ("较上周同日", "Vs same day last week"),
    "band": ("状态", "Status"), "elapsed": ("时间进度", "Time elapsed"), "pace": ("进度判断", "Pace"),
    "p_hit": ("达成概率", "P(hit target)"), "note": ("备注", "Note"), "share": ("占比", "Share"),
    "share_change": ("占比变化", "Share change"), "orders": ("订单量", "Orders"), "avg_ticket": ("客单价", "Average order"),
    "quadrant": ("定位", "Position"), "margin": ("毛利", "Margin"), "margin_rate": ("毛利率", "Margin rate"),
    "new_customers": ("新客户数", "New customers"), "collection_rate": ("回款率", "Collection rate"),
    "score": ("综合评分", "Score"), "customers": ("客户数", "Customers"),
    "trend.customers": ("成交客户数", "Buying customers"), "weekly.customers": ("成交客户数", "Buying customers"),
    "daily.customers": ("成交客户数", "Buying customers"),
    "current": ("本月", "This month"), "previous": ("上月同期", "Last month, same days"), "change": ("变化", "Change"),
    "ytd": ("今年累计", "Year to date"), "last_year": ("去年同期", "Same period last year"),
    "repeat_customers": ("复购客户数", "Repeat customers"), "repeat_rate": ("产品复购率", "Repeat rate"),
    # funnel
    "stage": ("阶段", "Stage"), "reached": ("到达线索数", "Leads reached"), "conversion": ("转入下一阶段", "To next stage"),
    "lost": ("在此阶段丢单", "Lost here"), "open": ("在途线索", "Open leads"), "amount": ("预估金额", "Estimated amount"),
    "est_amount": ("预估金额", "Estimated amount"), "probability": ("成交概率", "Win probability"),
    "weighted": ("加权金额", "Weighted amount"), "avg_days_in_stage": ("在途平均停留(天)", "Avg days in stage (open)"),
    "avg_days_to_reach": ("自创建平均到达(天)", "Avg days to reach"), "state": ("当前阶段", "Current stage"),
    "entered": ("进入阶段", "Entered stage"), "since": ("起算依据", "Counted from"), "days_in_stage": ("停留天数", "Days in stage"),
    "funnel_lost_reasons.reason": ("丢单原因", "Lost reason"), "funnel_lost_reasons.count": ("丢单数", "Lost leads"),
    "top_stage": ("多在此阶段丢单", "Mostly lost at"),
    # RFM and tiers
    "last_order": ("最近下单", "Last order"), "recency_days": ("R 最近购买(天前)", "Recency (days)"),
    "frequency": ("F 购买频次", "Frequency (orders)"), "monetary": ("M 购买金额", "Monetary"),
    "r_score": ("R分", "R score"), "f_score": ("F分", "F score"), "m_score": ("M分", "M score"),
    "rfm_code": ("RFM得分", "RFM code"), "segment": ("客户分层", "Segment"), "revenue_share": ("营收占比", "Revenue share"),
    "cum_share": ("累计占比", "Cumulative share"), "pareto_top20": ("TOP20%", "Top 20%"),
    "avg_cycle_days": ("平均采购周期(天)", "Avg purchase cycle (days)"), "top_product": ("偏好产品", "Preferred product"),
    "top_product_share": ("偏好占比", "Preferred share"), "lifetime_amount": ("累计采购", "Lifetime purchases"),
    "p_alive": ("活跃概率", "P(alive)"), "expected_90d": ("未来90天预计订单", "Expected orders (90d)"),
    "tier": ("客户层级", "Tier"), "half_year_amount": ("近半年采购", "Last 6 months"), "years": ("合作年限", "Years as customer"),
    "first_date": ("首次合作", "First order"), "total_orders": ("累计订单", "Total orders"),
    "abc_score": ("A/B/C 评分", "A/B/C score"), "abc_class": ("A/B/C", "A/B/C"), "reason": ("原因", "Reason"),
    "tiers.reason": ("依据", "Basis"),
    # 客户画像 portrait
    "industry": ("所属行业", "Industry"), "size": ("企业规模", "Company size"), "has_tag": ("含该标签", "Has the tag"),
    "buyers": ("成交客户数", "Buying customers"), "portrait_matrix.conversion": ("成交转化率", "Conversion"),
    "portrait_matrix.revenue": ("窗口期销售额", "Sales in the RFM window"),
    "revenue_per_buyer": ("成交客户平均销售额", "Sales per buying customer"), "avg_budget": ("平均预算", "Average budget"),
    "avg_chain": ("平均决策人数", "Average decision makers"), "top_tags": ("常见标签", "Common tags"),
    "tag": ("标签", "Tag"), "tier_vip": ("VIP", "VIP"), "tier_core": ("核心", "Core"), "tier_normal": ("普通", "Regular"),
    "tier_prospect": ("潜在", "Prospect"), "class_a": ("A类", "Class A"), "class_b": ("B类", "Class B"),
    "class_c": ("C类", "Class C"), "portrait_tags.customers": ("客户数", "Customers"),
    # follow-up plan
    "focus": ("维护重点", "Focus"),
    "plan.frequency": ("沟通频率", "Contact frequency"), "incentive": ("激励策略", "Incentive"),
    "last_contact": ("最近跟进", "Last contact"), "next_due": ("下次跟进日期", "Next contact due"),
    "overdue_days": ("逾期天数", "Days overdue"), "services_this_month": ("本月服务次数", "Services this month"),
    "quota": ("每月要求", "Required per month"), "last_satisfaction": ("最近满意度", "Last satisfaction"),
    "maintenance": ("维护内容", "What was done"), "plan_next": ("下一步计划", "Next step"),
    # problems and alerts
    "key": ("预警编号", "Alert ID"), "problems.key": ("问题编号", "Problem ID"), "severity": ("严重度", "Severity"),
    "problem": ("问题点", "Problem"), "evidence": ("证据", "Evidence"), "strategy": ("提升策略", "Strategy"),
    "deadline": ("时间节点", "Deadline"), "resources": ("资源支持", "Resources"), "expected": ("预期效果", "Expected result"),
    "status": ("状态", "Status"), "progress": ("进展", "Progress"), "why5": ("5Why", "5 Whys"),
    "rule_name": ("规则", "Rule"), "subject": ("对象", "Subject"), "stake": ("涉及金额", "At stake"),
    "message": ("说明", "Details"), "action": ("建议行动", "Suggested action"), "decision": ("处理结果", "Decision"),
    "decision_note": ("核实说明", "Check note"),
    # cleaning log
    "log_summary.action": ("处理", "Outcome"), "cleaning_log.action": ("处理", "Outcome"),
    "sheet": ("工作表", "Sheet"), "log_summary.count": ("数量（行/值）", "Count (rows/values)"), "column": ("列", "Column"),
    "rule": ("规则", "Rule"), "cleaning_log.reason": ("原因", "Reason"), "log_summary.reason": ("原因", "Reason"),
    "log_summary.rule": ("规则", "Rule"), "cleaning_log.rule": ("规则", "Rule"), "rows": ("示例行", "Example rows"), "row": ("行", "Row"), "old_value": ("原值", "Old value"),
    "new_value": ("新值", "New value"),
    # meeting pack tables
    "meeting.type": ("类型", "Type"), "meeting.subject": ("对象", "Subject"), "meeting.before": ("原值", "Before"),
    "meeting.after": ("新值", "After"), "meeting.rule": ("规则", "Rule"), "meeting.tier": ("层级", "Tier"),
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _pick(pair: Pair, lang: str) -> str:
    return pair[LANGS.index(lang)] if lang in LANGS else pair[0]


def label(domain: str, code: Any, lang: str) -> Any:
    """The word for ``code`` in ``lang``; blanks stay blank and values that are no code pass through."""
    if _blank(code):
        return None
    pair = DOMAINS[domain].get(code) if isinstance(code, str) else None
    return _pick(pair, lang) if pair else code


def labels(domain: str, lang: str) -> dict[str, str]:
    """code → word for every code of ``domain``."""
    return {code: _pick(pair, lang) for code, pair in DOMAINS[domain].items()}


_PARSE = {d: {_fold(w): code for code, pair in words.items() for w in (code, *pair)} for d, words in DOMAINS.items()}


def parse(domain: str, text: Any) -> str | None:
    """The code a typed value means — the code itself or its word in any language; None if none."""
    if _blank(text):
        return None
    return _PARSE[domain].get(_fold(str(text)))


def unit(display_unit: str, lang: str) -> str:
    """A display unit (元 / 万元) in ``lang``: 万元 → 'CNY 10k'."""
    return _pick(UNITS.get(display_unit, (display_unit, display_unit)), lang)


def header(key: str, lang: str, *, block: str | None = None, unit_of: str | None = None) -> str:
    """A column's header: the block's own wording if it has one, else the column key's.

    ``unit_of`` (a display unit) is appended: ``销售额(万元)`` / ``Sales (CNY 10k)``. An unknown key
    is returned as it is, so a missing word shows up in a test, not as a crash."""
    pair = HEADERS.get(f"{block}.{key}") or HEADERS.get(key)
    text = _pick(pair, lang) if pair else key
    if unit_of:
        text = f"{text}({unit(unit_of, lang)})" if lang == "zh" else f"{text} ({unit(unit_of, lang)})"
    return text
