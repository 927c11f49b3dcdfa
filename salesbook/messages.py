"""The message catalogue: every sentence salesbook writes, in each language, rendered at the edge.

The core does not write sentences. Where a table needs one (a performance note, an alert's
explanation, a block title) it stores a :class:`Msg` — a catalogue key and typed values — and the
Excel edge renders it in the workbook's language when it writes the cell::

    m = msg("perf.completion", completion=Pct(0.652))
    text(m, "zh")  # '完成率 65.2%'
    text(m, "en")  # 'Completion 65.2%'

Typed values format themselves per language and round like the cells that show the same number
(:mod:`salesbook.core.numtext`): :class:`Money` (元, shown in the display unit), :class:`Pct`,
:class:`Points` (a rate's change), :class:`Growth` (a change, or 新增/new on an empty base),
:class:`Num`, :class:`Day`, :class:`Code` (a vocabulary code, see :mod:`salesbook.vocab`), and a
nested :class:`Msg` or a :class:`Join` of them. A plain str or int is used as it is (user data).

Adding a sentence is one entry in :data:`CATALOGUE`; adding a language is one more template per entry.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from . import vocab
from .core.numtext import number, pct, points

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- punctuation and joins ------------------------------------------------------------------
    "join.parts": ("；", "; "), "join.list": ("、", ", "),
    # -- block titles of the table sheets ---------------------------------------------------------
    "title.performance": ("业绩分析", "Performance"),
    "title.kpi": ("核心指标（截至 {as_of}）", "KPIs (as of {as_of})"),
    "title.kpi_no_cac": ("核心指标（截至 {as_of}）；获客成本CAC 未设置：在「参数」表 acquisition_costs 填 渠道:每月金额",
                         ("KPIs (as of {as_of}); CAC not set: fill acquisition_costs on the Settings sheet with "
                         "channel:monthly amount")),
    "title.trend": ("月度趋势", "Monthly trend"),
    "title.weekly": ("周趋势（近12周，ISO 周，周一起）", "Weekly trend (last 12 ISO weeks, Monday start)"),
    "title.daily": ("日趋势（近30天）", "Daily trend (last 30 days)"),
    "title.by_product_line": ("按产品线（{start}–{end}）", "By product line (year to date, {start}–{end})"),
    "title.by_salesperson": ("按销售负责人（{start}–{end}）", "By salesperson (year to date, {start}–{end})"),
    "title.by_region": ("按区域（{start}–{end}）", "By region (year to date, {start}–{end})"),
    "title.by_channel": ("按渠道（{start}–{end}）", "By channel (year to date, {start}–{end})"),
    "title.customer_types": ("按客户类型（{start}–{end}）", "By customer type (year to date, {start}–{end})"),
    "title.product_repeat": ("产品复购率（{start}–{end}）", "Repeat purchase by product line (year to date, {start}–{end})"),
    "title.funnel_summary": ("销售漏斗（截至 {as_of}）", "Sales funnel (as of {as_of})"),
    "title.funnel_stages": ("各阶段转化", "Stages"),
    "title.funnel_stalled": ("停滞线索（当前阶段停留超过 {days} 天）", "Stalled leads (over {days} days in stage)"),
    "title.funnel_lost_reasons": ("丢单原因统计（已丢单线索）", "Lost reasons (lost leads)"),
    "title.rfm": ("RFM 客户价值（截至 {as_of}，窗口 {window} 天）", "RFM customer value (as of {as_of}, {window}-day window)"),
    "title.rfm_churn": ("RFM 客户价值（截至 {as_of}，窗口 {window} 天）；{churn}",
                        "RFM customer value (as of {as_of}, {window}-day window) — {churn}"),
    "title.tiers": ("客户分层（VIP/核心/普通/潜在）与 A/B/C", "Customer tiers (VIP/Core/Regular/Prospect) and A/B/C"),
    "title.plan": ("客户维护计划", "Follow-up plan"),
    "title.problems": ("问题与提升策略", "Problems and actions"),
    "title.alerts": ("异常预警", "Alerts"),
    "title.cleaning_log": ("清洗日志（未计入分析的行在前，其次需核对，最后已自动规范）",
                           "Cleaning log (rows left out first, then flagged, then normalised)"),
    # -- performance, breakdown, trends, funnel (业绩分析 / 多维拆解 / 销售漏斗) --------------------------
    # -- customers: RFM, tiers, follow-up plan, playbook ------------------------------------------
    # -- alerts and problems ---------------------------------------------------------------------
    # -- cleaning log, coverage notices, change log ----------------------------------------------
    "join.slash": ("/", "/"),
    "log.headline": ("清洗摘要：{excluded} 行未计入分析，{flagged} 行需核对，{fixed} 个值已自动规范（按原因汇总，明细见下方日志）",
                     ("Cleaning summary: {excluded} rows left out, {flagged} rows to check, {fixed} values "
                      "normalised (by reason; the log is below)")),
    "log.subtotal": ("合计/小计行，不计入汇总", "Total or subtotal row, not summed"),
    "log.text": ("去除空格/全角转半角", "Spaces trimmed, full-width characters made half-width"),
    "log.alias": ("客户简称替换为全称", "Short customer name replaced by the full name"),
    "log.no_customer": ("缺少客户编号和客户名称", "No customer ID or name"),
    "log.bad_date": ("无法识别的日期（支持 2024-01-05、2024/1/5、2024年1月5日、20240105）",
                     "Unreadable date (use 2024-01-05, 2024/1/5 or 20240105)"),
    "log.bad_date_empty": ("无法识别的日期，按空值处理", "Unreadable date, treated as empty"),
    "log.text_date": ("文本日期转为日期", "Date typed as text, converted to a date"),
    "log.future_date": ("日期晚于今天", "Date is in the future"),
    "log.bad_amount": ("无法识别的金额", "Unreadable amount"),
    "log.bad_amount_empty": ("无法识别的金额，按空值处理", "Unreadable amount, treated as empty"),
    "log.text_amount": ("文本金额转为数值（元）", "Amount typed as text, converted to a number (CNY)"),
    "log.unknown_status": ("未知订单状态（可用：{statuses}）", "Unknown order status (use {statuses})"),
    "log.no_status_column": ("缺少订单状态列：全部 {n} 笔订单按已成交计入（作废、草稿等无法区分）",
                             ("No order status column: all {n} orders counted as closed (cancelled or draft orders "
                              "cannot be told apart)")),
    "log.empty_status_column": ("订单状态列全部为空：全部 {n} 笔订单按已成交计入（作废、草稿等无法区分）",
                                ("The order status column is empty: all {n} orders counted as closed (cancelled or "
                                 "draft orders cannot be told apart)")),
    "log.status_missing": ("缺少订单状态，按已成交计", "Status missing, counted as closed"),
    "log.status_synonym": ("状态同义词统一", "Status written another way, normalised"),
    "log.order_id_generated": ("缺少订单编号，按行号生成", "Order ID missing, generated from the row number"),
    "log.duplicate_order": ("订单编号重复，保留第 {row} 行", "Duplicate order ID; row {row} kept"),
    "log.possible_duplicate": ("疑似重复：与第 {row} 行除订单编号外完全相同",
                               "Possible duplicate: same as row {row} except the order ID"),
    "log.zero_amount": ("金额为 0，不计入订单数", "Zero amount, not counted as an order"),
    "log.no_customer_id": ("缺少客户编号", "Customer ID missing"),
    "log.bad_score": ("评分应为 1–5，按空值处理", "A score must be 1–5; treated as empty"),
    "log.missing_contact": ("缺少联系人或联系方式", "Contact person or phone missing"),
    "log.duplicate_customer": ("客户编号重复，保留第一行", "Duplicate customer ID; the first row kept"),
    "log.bad_followup_date": ("无法识别的跟进日期", "Unreadable follow-up date"),
    "log.bad_next_date": ("无法识别的下次跟进日期，按空值处理", "Unreadable next follow-up date, treated as empty"),
    "log.satisfaction_words": ("满意度文字转为 1–5 分（非常满意5 满意4 一般3 不满意2 非常不满意1）",
                               ("Satisfaction typed as words, converted to a 1–5 score (very satisfied 5 … very "
                                "dissatisfied 1)")),
    "log.bad_satisfaction": ("无法识别的满意度（应为 1–5 或 满意/一般/不满意），按空值处理",
                             "Unreadable satisfaction (use a score from 1 to 5); treated as empty"),
    "log.future_followup": ("跟进日期晚于今天", "Follow-up date is in the future"),
    "log.no_customer_followup": ("缺少客户编号和客户名称", "Customer ID and name missing"),
    "log.unknown_stage": ("未知跟进阶段（可用：{stages}）", "Unknown stage (use {stages})"),
    "log.unknown_lost_stage": ("未知丢单阶段，按只到达{first}计（可用：{stages}）",
                               "Unknown lost-at stage, counted as reaching {first} only (use {stages})"),
    "log.value": ("{value}", "{value}"),
    "log.not_lost": ("线索未丢单，丢单阶段不计入", "The lead is not lost: its lost-at stage is not used"),
    # coverage notices: what a missing column or table changes (CLI summary, dashboard info block)
    "notice.no_status": ("缺少订单状态列：全部订单按已成交计入（作废、草稿、取消的订单也算作销售额）",
                         ("No status column: every order counted as closed (void, draft and cancelled orders count "
                          "as sales)")),
    "notice.blank_status": ("{n} 行订单没有订单状态，按已成交计入", "{n} order rows have no status: counted as closed"),
    "notice.no_salesperson": ("缺少销售负责人列：无法按人统计销售额与目标完成率",
                              "No salesperson column: sales and target completion per rep cannot be computed"),
    "notice.no_collected": ("缺少回款金额列：回款率按订单状态为「{status}」的销售额估算",
                            ("No collected-amount column: the collection rate is estimated from orders whose status "
                             "is {status}")),
    "notice.no_customer_id": ("缺少客户编号列：按客户名称识别客户（同一客户的不同写法会算作不同客户）",
                              ("No customer ID column: customers are told apart by name (two spellings of one "
                               "customer count as two)")),
    "notice.no_order_id": ("缺少订单编号列：编号按行号生成，无法识别重复导入的订单",
                           ("No order ID column: IDs are generated from row numbers; orders imported twice cannot "
                            "be recognised by ID")),
    "notice.no_dimensions": ("缺少{columns}列：对应的拆解为空", "No {columns} column: those breakdowns are empty"),
    "notice.no_cost": ("缺少成本列：不计算毛利与毛利率", "No cost column: no margin is computed"),
    "notice.no_customers": ("没有客户档案：客户简称无法统一为全称，客户分层只依据订单",
                            "No customer records: short names cannot be mapped to full names; tiers use orders only"),
    "notice.no_followups": ("没有跟进记录：维护计划中的最近跟进与逾期无法计算",
                            "No follow-up records: last contact and overdue follow-ups cannot be computed"),
    "notice.no_targets": ("没有可用的销售目标：完成率与达标状态无法计算", "No usable targets: completion and met/not met cannot be computed"),
    "notice.target_unit_guessed": ("销售目标的单位按与销售额的量级推断（见「{log}」）",
                                   "The targets' unit was inferred from their size against sales (see '{log}')"),
    "notice.target_unit_default": ("销售目标未注明单位（表头或标题），按默认单位 {unit} 读取，但销售额约为目标的 {times} 倍：请确认目标的单位（例如表头写“目标值(万元)”）",
                                   ("The targets name no unit (header or title) and were read in {unit}, but sales "
                                    "are about {times} times the targets: check their unit (e.g. a header 'Target "
                                    "(CNY 10k)')")),
    "notice.sheet": ("「{sheet}」{text}", "{sheet}: {text}"),
    "notice.head": ("数据提示：以下缺失会影响数字", "Data notices: what is missing changes the numbers"),
    "notice.left_out": ("{n} 行未计入分析 — 见「{log}」", "{n} rows left out — see '{log}'"),
    # change log (变更记录)
    "change.first": ("{customers} 家客户，{alerts} 条预警", "{customers} customers, {alerts} alerts"),
    "change.new": ("（新）", "(new)"),
    "change.alert": ("{rule}：{subject}", "{rule}: {subject}"),
    "change.team": ("团队", "team"),
    # -- dashboard, report, meeting pack, review -------------------------------------------------
    # 分析报告 (S1's outline): each paragraph; names, products and playbook text are the user's
    "report.title": ("客户分析报告（截至 {as_of}）", "Customer analysis report (as of {as_of})"),
    "report.scope": (("本报告基于 {range}{orders} 笔订单、{customers} 家客户{leads}，分析截止日为 "
                      "{as_of}。目的是评估目标完成情况、识别高价值与流失风险客户，并为下一阶段的客户维护与销售策略提供依据。"),
                     ("This report covers {orders} orders{range} and {customers} customers{leads}, as of {as_of}. "
                      "It assesses progress against targets, identifies high-value and at-risk customers, and sets "
                      "out how to serve each group next.")),
    "report.scope_range": ("{start} 至 {end} 的 ", " from {start} to {end}"),
    "report.scope_leads": ("及 {n} 条未成交线索", " plus {n} open leads"),
    "report.units": ("金额单位为{unit}；订单状态计入销售额的有：{statuses}；清洗过程中有 {excluded} 行数据未计入分析（见{log}）。",
                     ("Amounts are in {unit}; orders count as sales with status {statuses}; {excluded} rows were "
                      "left out during cleaning (see '{log}').")),
    "report.sales": ("今年累计销售额 {ytd}，同比 {yoy}；本月至今 {current}，较上月同期 {change}。",
                     ("Sales this year to date are {ytd} ({yoy} year on year); this month so far {current} "
                      "({change} against the same days last month).")),
    "report.customers": (("今年成交客户 {customers} 家，其中新客户 {new} 家（占 {new_share}）；客单价 {avg}，回款率 {collection}，退单率 "
                          "{cancel}，复购率 {repeat}。"),
                         ("{customers} customers bought this year, {new} of them new ({new_share}); average order "
                          "{avg}, collection rate {collection}, cancellation rate {cancel}, repeat-purchase rate "
                          "{repeat}.")),
    "report.name_value": ("{name} {value}", "{name} {value}"),
    "report.products": ("产品结构：{top} 占今年销售额的 {share}，为第一大产品线{others}。",
                        "Product mix: {top} is the largest line with {share} of this year's sales{others}."),
    "report.products_rest": ("；{list}", "; {list}"),
    "report.industries": ("客户行业分布：{list}。", "Customers by industry: {list}."),
    "report.tiers": ("客户层级：{parts}。", "Customer tiers: {parts}."),
    "report.tier_part": ("{tier} {n} 家{share}", "{tier} {n}{share}"),
    "report.tier_share": ("（近半年采购占 {share}）", " ({share} of the last six months' purchases)"),
    "report.abc": ("潜在客户与线索按 A/B/C 评分（行业潜力、需求紧急度、成交可能性加权）：A 类 {a} 家，B 类 {b} 家，C 类 {c} 家。",
                   ("Potential customers and leads by A/B/C score (industry potential, urgency, win likelihood): A "
                    "{a}, B {b}, C {c}.")),
    "report.rfm": ("RFM 分层：{parts}。TOP 20% 客户贡献近一年营收的 {top}。",
                   "RFM segments: {parts}. The top 20% of customers bring {top} of the last twelve months' revenue."),
    "report.segment_part": ("{segment} {n} 家", "{segment} {n}"),
    "report.region_drag": ("{region}区域今年完成率 {completion}，拖累团队完成率 {points} 个百分点。",
                           ("Region {region} is at {completion} of its target this year, which costs the team "
                            "{points} percentage points of completion.")),
    "report.alerts": ("本期预警：{parts}。", "Alerts this period: {parts}."),
    "report.rule_count": ("{rule} {n} 条", "{rule} {n}"),
    "report.data_issues": ("数据质量问题 {kinds} 类（共 {rows} 行，见{alerts}）",
                           "data-quality issues of {kinds} kinds ({rows} rows, see '{alerts}')"),
    "report.silent": ("{n} 家客户沉默时间超过其平均采购周期的 {factor} 倍（且至少 {days} 天），有流失风险，按每次采购额排序如 {names}。",
                      ("{n} customers have been silent for more than {factor}× their usual purchase cycle (and at "
                       "least {days} days) and may be lost, largest first: {names}.")),
    "report.lapsed": ("另有 {n} 家曾规律采购的客户已超过 {days} 天未下单，列入挽回名单。",
                      "{n} more regular customers have bought nothing for over {days} days: a win-back list."),
    "report.satisfaction": ("客户满意度平均 {mean} 分（5 分制），低于 3 分的跟进 {low} 次。",
                            "Average customer satisfaction is {mean} out of 5; {low} follow-ups scored below 3."),
    "report.for_tier": ("对 {n} 家{tier}客户：{focus}；{action}（{frequency}）。",
                        "For the {n} {tier} customers: {focus}; {action} ({frequency})."),
    "report.for_segment": ("对 {n} 家{segment}：{focus}；{action}（{deadline}内）。",
                           "For the {n} customers in '{segment}': {focus}; {action} (within {deadline})."),
    "report.for_prospects": ("对 {n} 家潜在客户：{action}。", "For the {n} prospects: {action}."),
    "report.for_class": ("对 {n} 家{cls}类潜在客户/线索（S2 模板3）：{focus}；{action}。",
                         "For the {n} class-{cls} prospects and leads (S2 template 3): {focus}; {action}."),
    "report.action": ("{problem} → {strategy}；负责人 {owner}，{deadline} 前完成{stake}；预期：{expected}。",
                      "{problem} → {strategy}; owner {owner}, due {deadline}{stake}; expected: {expected}."),
    "report.at_stake": ("，涉及 {stake}", ", {stake} at stake"),
    "report.nobody": ("未指定", "to be named"),
    # 例会材料 meeting pack
    "meeting.title_person": ("{who} · 例会材料（截至 {as_of}）", "{who} · meeting pack (as of {as_of})"),
    "meeting.title_region": ("{region}区域 · 例会材料（截至 {as_of}）", "Region {region} · meeting pack (as of {as_of})"),
    "meeting.changes": ("本期变化（自上次刷新）", "Changes since the last refresh"),
    "meeting.alerts": ("未处理预警", "Open alerts"),
    "meeting.due": ("本周待跟进（{days} 天内到期，逾期优先）", "Follow-ups due this week (within {days} days, overdue first)"),
    "meeting.none": ("（无）", "(none)"),
    "meeting.star_none": ("业绩提升之星：暂无（需要最近两个已结束月份都有个人目标）",
                          "Most improved: none yet (needs personal targets in both of the last two closed months)"),
    "meeting.star_title": ("业绩提升之星 · {month}", "Most improved · {month}"),
    "meeting.star_completion": ("{month} 完成率", "Completion {month}"),
    "meeting.star_change": ("提升(百分点)", "Rise (percentage points)"),
    "meeting.star_sales": ("{month} 销售额", "Sales {month}"),
    "meeting.star_said": ("{who} {month} 完成率 {completion}，较 {before} 的 {previous} 提升 {change}，团队最大。",
                          ("{who}: completion {completion} in {month} against {previous} in {before}, {change}: the "
                           "biggest rise in the team.")),
    # S1 第七步 审核: the review block of 分析报告
    "review.heading": ("审核（S1 第七步）", "Review"),
    "review.status": ("审核状态（草稿/已审核）", "Review status (draft/reviewed)"),
    "review.reviewer": ("审核人", "Reviewer"),
    "review.date": ("审核日期", "Review date"),
    "review.summary": ("订单 {orders} 笔、今年累计销售额 {sales}", "{orders} orders, {sales} sales this year"),
    "review.change": ("{before} → {after}", "{before} → {after}"),
    "review.numbers_changed": ("报告中的数字已变化", "numbers in the report changed"),
    "review.again_note": ("审核（{who}）后数据已更新：{what}。请核对后将状态改回“{reviewed}”。",
                          ("The data changed after the review ({who}): {what}. Check it and set the status back to "
                           "“{reviewed}”.")),
    "review.again_default": ("数据已在审核后变化，请重新审核。", "The data changed after the review: review it again."),
    "report.no_issues": ("本期未发现需要专项处理的问题，按维护计划执行即可。",
                         "No issue needs special handling this period; follow the maintenance plan."),
    "summary.refresh": ("分析完成（截至 {as_of}）：{orders} 笔订单参与分析，{excluded} 行未计入（见{log}），{alerts} 条预警。",
                        ("Analysis done (as of {as_of}): {orders} orders analysed, {excluded} rows left out (see "
                         "'{log}'), {alerts} alerts.")),
}


@dataclass(frozen=True)
class Msg:
    """A sentence to render later: a catalogue key and its values (name, value) pairs."""
    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def get(self, name: str, default: Any = None) -> Any:
        """The value named ``name`` (as given to :func:`msg`)."""
        return dict(self.values).get(name, default)


def msg(key: str, **values: Any) -> Msg:
    """A :class:`Msg` for catalogue entry ``key``; raises KeyError at once for an unknown key."""
    if key not in CATALOGUE:
        raise KeyError(f"no message {key!r} in the catalogue")
    return Msg(key, tuple(values.items()))


@dataclass(frozen=True)
class Money:
    """An amount in 元, shown in the display unit (an amount below 0.01 of the unit is quoted in 元)."""
    value: float


@dataclass(frozen=True)
class Pct:
    """A fraction shown as 0.0% (``signed``: a + on gains)."""
    value: float
    signed: bool = False


@dataclass(frozen=True)
class Points:
    """A rate's change (a fraction difference) in percentage points."""
    value: float


@dataclass(frozen=True)
class Growth:
    """A relative change shown +0.0%, or the word for 'new' when the core marked it so."""
    value: Any


@dataclass(frozen=True)
class Num:
    """A number with ``digits`` decimals and thousands separators."""
    value: float
    digits: int = 0


@dataclass(frozen=True)
class Day:
    """A date shown yyyy-mm-dd."""
    value: Any


@dataclass(frozen=True)
class Code:
    """A vocabulary code, shown as its word (see :mod:`salesbook.vocab`)."""
    domain: str
    value: Any


@dataclass(frozen=True)
class Join:
    """Several values (messages, typically) joined by the language's separator ('；' / '; ' for parts)."""
    items: tuple[Any, ...]
    sep: str = "join.parts"


@dataclass(frozen=True)
class Bilingual:
    """Text the core still writes in both languages, picked by language (being replaced by catalogue entries)."""
    zh: str
    en: str


@dataclass(frozen=True)
class DisplayUnit:
    """The display unit's name in the workbook's language (万元 / CNY 10k)."""


@dataclass(frozen=True)
class Unit:
    """Settings the renderer needs: the display unit and its factor (元 per unit)."""
    display_unit: str = "万元"
    factor: float = 10000.0


def unit_of(settings: Any) -> Unit:
    """The :class:`Unit` of a :class:`~salesbook.settings.Settings`."""
    return Unit(settings.display_unit, settings.unit_factor)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def money(value: Any, unit: Unit, lang: str) -> str:
    """``123456`` 元 → ``12.35万元`` / ``12.35 (CNY 10k)``; tiny non-zero amounts in 元; blank → —."""
    if _blank(value):
        return "—"
    if isinstance(value, str):
        return value
    v = float(value)
    if v != 0 and abs(v / unit.factor) < 0.01:
        shown, name = number(v, 2), "元"
    else:
        shown, name = number(v / unit.factor, 2), unit.display_unit
    if lang == "zh":
        return f"{shown}{name}"
    return f"CNY {shown}" if name == "元" else f"{shown} ({vocab.unit(name, 'en')})"


def _value(v: Any, lang: str, unit: Unit) -> str:
    if isinstance(v, Msg):
        return text(v, lang, unit)
    if isinstance(v, Money):
        return money(v.value, unit, lang)
    if isinstance(v, Pct):
        return pct(v.value, signed=v.signed)
    if isinstance(v, Points):
        return points(v.value, lang=lang)
    if isinstance(v, Growth):
        if isinstance(v.value, str):
            return str(vocab.label("growth", v.value, lang))
        return pct(v.value, signed=True)
    if isinstance(v, Num):
        return number(v.value, v.digits)
    if isinstance(v, Day):
        return "—" if _blank(v.value) else f"{v.value:%Y-%m-%d}" if isinstance(v.value, dt.date) else str(v.value)
    if isinstance(v, Code):
        return str(vocab.label(v.domain, v.value, lang))
    if isinstance(v, Bilingual):
        return v.zh if lang == "zh" else v.en
    if isinstance(v, DisplayUnit):
        return vocab.unit(unit.display_unit, lang)
    if isinstance(v, Join):
        sep = CATALOGUE[v.sep][vocab.LANGS.index(lang)]
        return sep.join(_value(x, lang, unit) for x in v.items if not _blank(x))
    if isinstance(v, (list, tuple)):
        return _value(Join(tuple(v)), lang, unit)
    return "" if _blank(v) else str(v)


def text(m: Any, lang: str, unit: Unit | None = None) -> Any:
    """``m`` rendered in ``lang``: a :class:`Msg` becomes its sentence, other values pass through."""
    unit = unit or Unit()
    if isinstance(m, (Join, Bilingual)):
        return _value(m, lang, unit)
    if not isinstance(m, Msg):
        return m
    template = CATALOGUE[m.key][vocab.LANGS.index(lang)]
    return template.format(**{k: _value(v, lang, unit) for k, v in m.values})
