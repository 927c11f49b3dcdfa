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
    "title.portrait_matrix": ("客户画像矩阵：行业 × 规模（销售额为截至 {as_of} 的近 {window} 天）",
                              "Portrait matrix: industry × company size (sales in the {window} days to {as_of})"),
    "title.portrait_matrix_tag": ("客户画像矩阵：行业 × 规模 × 标签「{tag}」（销售额为截至 {as_of} 的近 {window} 天）",
                                  "Portrait matrix: industry × company size × tag '{tag}' (sales in the {window} days "
                                  "to {as_of})"),
    "title.portrait_tags": ("画像标签：各客户层级与 A/B/C 的客户数（决策风格计为标签）",
                            "Tags: customers per tier and A/B/C class (decision style counts as a tag)"),
    "title.problems": ("问题与提升策略", "Problems and actions"),
    "title.alerts": ("异常预警", "Alerts"),
    "title.cleaning_log": ("清洗日志（未计入分析的行在前，其次需核对，最后已自动规范）",
                           "Cleaning log (rows left out first, then flagged, then normalised)"),
    # -- performance, breakdown, trends, funnel (业绩分析 / 多维拆解 / 销售漏斗) --------------------------
    # 业绩分析 notes: parts joined by join.parts
    "perf.completion": ("完成率 {completion}", "Completion {completion}"),
    "perf.gap": ("差 {gap}", "Short by {gap}"),
    "perf.elapsed_ahead": ("时间进度 {elapsed}，进度超前", "{elapsed} of the period gone, ahead of pace"),
    "perf.elapsed_behind": ("时间进度 {elapsed}，进度落后", "{elapsed} of the period gone, behind pace"),
    "perf.mom": ("环比 {mom}", "MoM {mom}"),
    "perf.yoy": ("同比 {yoy}", "YoY {yoy}"),
    # a KPI or funnel label naming the display unit: 销售额(万元) / Sales (CNY 10k)
    "kpi.with_unit": ("{label}({unit})", "{label} ({unit})"),
    "kpi.cac": ("获客成本CAC·{channel}", "Acquisition cost (CAC) · {channel}"),
    "funnel.stalled": ("停滞线索（停留 > {days} 天）", "Stalled leads (over {days} days in stage)"),
    "funnel.basis_none": ("线索表中没有截至分析截止日的线索", "No leads on the Leads sheet up to the as-of date"),
    "funnel.basis_no_cycle": ("无已成交线索可估计成交周期：请在参数填写 funnel_cycle_days",
                              "No won leads to estimate the sales cycle: fill funnel_cycle_days on the Settings sheet"),
    "funnel.basis_setting": ("创建日期 + {days} 天（参数）", "Created date + {days} days (Settings)"),
    "funnel.basis_mean": ("创建日期 + 平均成交周期 {days} 天", "Created date + average sales cycle of {days} days"),
    # 仪表盘 cells: the info block, a KPI card's title and its change line, the notices' heading
    "dash.title": ("销售分析仪表盘", "Sales dashboard"), "dash.as_of": ("分析截止日", "As of"),
    "dash.refreshed": ("刷新时间", "Refreshed at"), "dash.left_out": ("未计入分析的行", "Rows left out"),
    "dash.alerts": ("预警数", "Alerts"), "dash.unit": ("金额单位", "Amount unit"),
    "dash.vs_last_month": ("较上月同期 {change}", "vs same days last month {change}"),
    "dash.notices": ("数据提示：以下缺失会影响数字", "Data notices: what is missing changes the numbers"),
    # 仪表盘 / 报告 charts: titles, chart-data headers, series names
    "chart.monthly": ("月度销售额与目标", "Monthly sales vs target"),
    "chart.month": ("月份", "Month"),
    "chart.sales_unit": ("销售额({unit})", "Sales ({unit})"),
    "chart.target_unit": ("目标({unit})", "Target ({unit})"),
    "chart.sales": ("销售额", "Sales"),
    "chart.target": ("目标", "Target"),
    "chart.completion": ("完成率（按销售负责人，今年累计）", "Completion by salesperson (YTD)"),
    "chart.salesperson": ("销售负责人", "Salesperson"),
    "chart.completion_rate": ("完成率", "Completion"),
    "chart.regions": ("完成率（按区域，今年累计）", "Completion by region (YTD)"),
    "chart.region": ("区域", "Region"),
    "chart.products": ("产品线占比（今年累计）", "Product share (YTD)"),
    "chart.product_line": ("产品线", "Product line"),
    "chart.tiers": ("客户层级分布", "Customer tiers"),
    "chart.tier": ("层级", "Tier"),
    "chart.customers": ("客户数", "Customers"),
    "chart.segments": ("RFM 分群分布", "RFM segments"),
    "chart.segment": ("分群", "Segment"),
    "chart.funnel": ("销售漏斗（到达各阶段的线索数）", "Sales funnel (leads that reached each stage)"),
    "chart.stage": ("阶段", "Stage"),
    "chart.leads": ("线索数", "Leads"),
    "chart.customer": ("客户", "Customer"),
    "chart.purchases_unit": ("近一年采购({unit})", "Purchases, last 12 months ({unit})"),
    "chart.cum_share": ("累计占比", "Cumulative share"),
    "chart.purchases": ("采购额", "Purchases"),
    "chart.pareto": ("客户集中度（帕累托）：前 20% 客户贡献 {share}",
                     "Customer concentration (Pareto): top 20% of customers bring {share}"),
    "chart.no_completion": ("完成率（按销售负责人）：没有可用的销售目标", "Completion by salesperson: no usable targets"),
    # -- customers: RFM, tiers, follow-up plan, playbook ------------------------------------------
    # text a source holds in both languages (the default 策略库 rows; the cleaning log's reason / reason_en)
    "both": ("{zh}", "{en}"),
    "rfm.churn_fit": ("活跃概率：BG/NBD 模型（{customers} 位客户，{repeat} 位有重复购买）",
                      "P(alive): BG/NBD model ({customers} customers, {repeat} repeat buyers)"),
    "rfm.churn_none": ("活跃概率未计算：重复购买的客户太少，流失判断按各客户的采购周期",
                       "P(alive) not computed: too few repeat buyers; churn is judged by each customer's purchase cycle"),
    "tier.reason": ("近半年 {amount}，合作 {years} 年", "{amount} in the last 6 months; a customer for {years} years"),
    "tier.reason_none": ("暂无成交订单", "No orders yet"),
    "tier.reason_lead": ("线索（{stage}），暂无成交订单", "Lead ({stage}); no orders yet"),
    "names.more": ("{names} 等", "{names} and others"),
    "owner.nobody": ("未指定", "Not assigned"),
    # -- alerts and problems ---------------------------------------------------------------------
    "alert.team": ("{period} 团队", "{period} team"),
    "alert.completion_low": ("{subject} 完成率 {completion}，低于预警线 {line}{pace}；实际 {actual}，目标 {target}，差 {short}",
                             "{subject}: completion {completion}, below the {line} line{pace}; sales {actual}, "
                             "target {target}, short by {short}"),
    "alert.pace": ("（按时间进度 {elapsed} 应 ≥ {expected}）", " (with {elapsed} of the period elapsed, expected ≥ {expected})"),
    "alert.mom_drop": ("{subject} 销售额环比下降 {drop}（{actual}，上期 {previous}）",
                       "{subject}: sales down {drop} on the previous period ({actual}; previous period {previous})"),
    "alert.share_drop": ("产品线 {line} 今年销售占比 {share}，比去年同期 {change}",
                         "Product line {line}: {share} of sales this year, {change} on the same period last year"),
    "alert.churn_up": ("{quarter} 老客户流失率 {churn}（上季度 {before}），较上季度 {up}；流失 {lost} 家，其上季度采购 {amount}",
                       "{quarter}: returning-customer churn {churn} (previous quarter {before}), {up}; {lost} customers "
                       "lost, who bought {amount} in the quarter before"),
    "alert.amount": ("订单 {order} 金额 {amount} = 该客户订单中位数 {median} 的 {times}{why}",
                     "Order {order}: amount {amount} = {times} this customer's median order of {median}{why}"),
    "alert.times": ("{n} 倍", "{n}×"), "alert.times_inv": ("1/{n}", "1/{n} of"),
    "alert.unit_slip_why": ("；疑似 元/万元 混用", "; possibly CNY and CNY 10k mixed up"),
    "alert.outlier_why": ("（稳健 z = {z}）", " (robust z = {z})"),
    "alert.silent_model": ("{name} 已 {days} 天未下单，活跃概率 {p}（BG/NBD 模型，低于 {line}；{n} 次下单，平均每次 {avg}）",
                           "{name}: no order for {days} days, P(alive) {p} (BG/NBD model, below {line}; {n} orders, "
                           "{avg} per order)"),
    "alert.silent_cycle": ("{name} 已 {days} 天未下单，超过其平均采购周期 {cycle} 天的 {factor} 倍（{n} 次下单，平均每次 {avg}）",
                           "{name}: no order for {days} days, over {factor}× the average purchase cycle of {cycle} days "
                           "({n} orders, {avg} per order)"),
    "alert.silent_risk": ("{text}，有流失风险", "{text}; at risk of churn"),
    "alert.silent_gone": ("{text}，已流失", "{text}; lapsed"),
    "alert.lapsed_subject": ("{owner} 名下已流失客户", "Lapsed customers of {owner}"),
    "alert.lapsed": ("{owner} 名下 {n} 家曾规律采购的客户已超过 {days} 天未下单（平均每次采购额合计 {avg}）：{names}",
                     "{owner}: {n} customers who used to buy regularly have not ordered for over {days} days "
                     "(average purchase {avg} in total): {names}"),
    "alert.overdue": ("{tier}客户 {name} 跟进逾期 {days} 天（沟通频率 {cadence}，最近跟进 {last}），负责人 {owner}",
                      "{tier} customer {name}: follow-up overdue by {days} days (cadence {cadence}, last contact "
                      "{last}); owner {owner}"),
    "alert.cadence_days": ("{days} 天", "every {days} days"),
    "alert.overdue_subject": ("{owner} 名下{tier}客户", "{tier} customers of {owner}"),
    "alert.overdue_group": ("{owner} 名下 {n} 家{tier}客户跟进逾期（最久 {days} 天）：{names}",
                            "{owner}: {n} {tier} customers overdue for a follow-up (longest {days} days): {names}"),
    "alert.data": ("{rule} {n} 行：第 {rows} 行。{reason}{samples}{left_out}",
                   "{rule}: {n} rows ({rows}). {reason}{samples}{left_out}"),
    "alert.data_one": ("{rule} {n} 行：第 {rows} 行。{reason}{samples}{left_out}",
                       "{rule}: 1 row ({rows}). {reason}{samples}{left_out}"),
    "alert.data_samples": ("；原值如 {values}", "; values such as {values}"),
    "alert.data_quote": ("「{v}」", "“{v}”"),
    "alert.data_some_out": ("；其中 {n} 行未计入分析", "; {n} of them left out of the analysis"),
    "alert.data_all_out": ("；这些行未计入分析", "; these rows are left out of the analysis"),
    "alert.data_cell": ("{sheet} 第{row}行 {column}：{why}{old}", "{sheet} row {row}, {column}: {why}{old}"),
    "alert.data_old": ("（原值 {v}）", " (was {v})"),
    "alert.action.completion_low": ("定位未达标原因（5Why），制定补量计划",
                                    "Find out why the target is missed (5 Whys) and plan how to close the gap"),
    "alert.action.mom_drop": ("联系本期未下单的老客户，查明下滑原因",
                              "Call the returning customers who did not order this period; find the cause of the drop"),
    "alert.action.share_drop": ("联合产品部分析竞争力，针对性促销",
                                "Review the line's competitiveness with the product team; run a targeted promotion"),
    "alert.action.churn_up": ("建立老客户回访SOP，逐一回访流失客户",
                              "Set up a call-back routine for returning customers; call each customer lost"),
    "alert.action.silent": ("本周内电话回访，了解需求变化与竞品情况", "Call this week: ask about changing needs and competitors"),
    "alert.action.lapsed": ("列入挽回名单：了解流失原因，提供回归方案",
                            "Put them on the win-back list: learn why they left and offer a way back"),
    "alert.action.overdue": ("按维护计划补做跟进并记录", "Catch up on the follow-up and record it"),
    "alert.action.overdue_group": ("按维护计划补做跟进并记录（名单见维护计划）",
                                   "Catch up on the follow-ups and record them (the list is on the Follow-up plan)"),
    "alert.action.amount": ("核对原始单据与金额单位", "Check the source document and the amount's unit"),
    "alert.action.data_fix": ("修正原表后重新刷新（未计入的行补齐后才会计入）",
                              "Correct the source sheet and refresh (rows left out count once they are complete)"),
    "alert.action.data_check": ("逐行核实（已在原表标色，可用「标记异常」查看）",
                                "Check each row (Flag anomalies marks them on the source sheet)"),
    "flag.note": ("【{rule}·{severity}】{message}\n建议：{action}", "[{rule} · {severity}] {message}\nSuggested: {action}"),
    "problem.single": ("{rule}：{subject}", "{rule}: {subject}"),
    "problem.group": ("{rule}：{owner} 名下 {n} 家客户", "{rule}: {n} customers of {owner}"),
    "problem.names_more": ("{names} 等 {n} 家", "{names} and others, {n} in all"),
    "problem.names_all": ("{names} 共 {n} 家", "{names}, {n} in all"),
    # -- cleaning log, coverage notices, change log ----------------------------------------------
    # -- dashboard, report, meeting pack, review -------------------------------------------------
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
