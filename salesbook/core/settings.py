"""One frozen Settings object: the seed defaults, overridden by the 参数 Settings sheet.

Every threshold the analyses use lives here, so a manager can change it in the workbook
without touching code. Amounts are in 元 internally; the sheet shows them in 元 too.

The core owns Settings (every analysis takes one); reading the 参数 rows out of a workbook is
the Excel edge's job (:func:`salesbook.excel.io.read_settings`), which hands them to
:meth:`Settings.from_rows`. ``salesbook.settings`` re-exports this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import numbers
from dataclasses import dataclass, field
from typing import Any

from ..errors import SettingsError
from .parse import normalize_status, parse_date
from .tiers import CORE, NORMAL, PROSPECT, VIP

# -- ranges: what a setting may be, so that no combination of allowed values can overflow -------------
# Dates: the date parser's plausibility window (core/parse.py MIN_YEAR/MAX_YEAR). pandas timestamps span
# 1677-09-22 … 2262-04-11, so every offset below keeps as_of ± days inside that span with decades to spare.
AS_OF_MIN, AS_OF_MAX = dt.date(1950, 1, 1), dt.date(2199, 12, 31)
# Windows that reach *back* from as_of (RFM window, "half year" of the tiers): 1950-01-01 − 36,600 days
# is 1849, well after 1677. 100 years is more history than any sales book has.
WINDOW_DAYS_MAX = 36_600
# Cadences reach *forward* from the last contact (≤ 2199-12-31): + 3,660 days is 2209, before 2262.
# A contact every ten years is already not a cadence.
CADENCE_DAYS_MAX = 3_660
# Services per customer per month.
QUOTA_MAX = 1_000
# Any other number (amounts in 元, weights, factors, cut points): finite and at most 10^15 in size —
# a thousand trillion 元 — which is still large enough to "switch a rule off" with 999999999.
NUMBER_ABS_MAX = 1e15


def _f(default: Any, zh: str, en: str, kind: str = "float", lo: float | None = None, hi: float | None = None):
    return field(default=default, metadata={"zh": zh, "en": en, "kind": kind, "lo": lo, "hi": hi})


@dataclass(frozen=True)
class Settings:
    """Every threshold and choice of the analyses, with the seed's defaults; frozen and range-checked
    (``SettingsError`` names the key, value and sheet row of a bad one)."""

    # general
    language: str | None = _f(None, "工作簿语言：zh 中文 / en English（salesbook refresh --lang 切换，表名与结果随之改变）",
                       "Workbook language: zh or en (salesbook refresh --lang switches it; sheet names and "
                       "results follow)", "choice:zh,en")
    as_of: dt.date | None = _f(None, "分析截止日（空 = 数据中最近的订单日期）",
                               "As-of date (empty = latest order date in the data)", "date")
    display_unit: str = _f("万元", "显示单位：元 或 万元", "Display unit: CNY or CNY 10k", "choice:元,万元")
    input_unit: str = _f("元", "表头未注明单位时金额的单位：元 或 万元",
                         "Unit of amounts when the header names none: CNY or CNY 10k", "choice:元,万元")
    revenue_statuses: tuple[str, ...] = _f(("已成交", "已签约", "已回款"), "计入销售额的订单状态（逗号分隔）",
                                           "Order statuses counted as revenue (comma-separated)", "statuses")
    # performance
    band_met: float = _f(1.0, "达标：完成率 ≥ 此值", "Met: completion ≥ this")
    band_near: float = _f(0.95, "接近：完成率 ≥ 此值（且未达标）", "Near: completion ≥ this (and not met)")
    # RFM
    rfm_window_days: int = _f(365, "RFM 统计窗口（天）", "RFM window (days)",
                              "int", 1, WINDOW_DAYS_MAX)
    rfm_method: str = _f("quantile", "RFM 打分方式：quantile 分位数 / fixed 固定分界点",
                         "RFM scoring: quantile or fixed cut points", "choice:quantile,fixed")
    rfm_r_cuts: tuple[float, ...] = _f((30, 60, 90, 180), "R 固定分界点（天，≤ 第1个 = 5分）",
                                       "R cut points in days (≤ first = score 5)", "numbers")
    rfm_f_cuts: tuple[float, ...] = _f((2, 3, 5, 8), "F 固定分界点（次，≥ 第4个 = 5分）",
                                       "F cut points in orders (≥ last = score 5)", "numbers")
    rfm_m_cuts: tuple[float, ...] = _f((10000, 50000, 200000, 500000), "M 固定分界点（元，≥ 第4个 = 5分）",
                                       "M cut points in CNY (≥ last = score 5)", "numbers")
    # tiers (S0 表3)
    tier_recent_days: int = _f(182, "客户分层：近半年天数", "Tiers: 'last half year' in days",
                               "int", 1, WINDOW_DAYS_MAX)
    tier_vip_amount: float = _f(500000, "VIP：近半年消费 ≥（元）", "VIP: half-year amount ≥ (CNY)")
    tier_vip_years: float = _f(2, "VIP：合作年限 ≥（年）", "VIP: relationship ≥ (years)")
    tier_core_amount: float = _f(200000, "核心：近半年消费 ≥（元）", "Core: half-year amount ≥ (CNY)")
    tier_core_years: float = _f(1, "核心：合作年限 ≥（年）", "Core: relationship ≥ (years)")
    # 客户画像 (S2 第三步)
    portrait_tag: str = _f("", "客户画像矩阵：再按此标签拆分（如 价格敏感型；空 = 不拆分）",
                           "Portrait matrix: also split by this tag (e.g. price-sensitive; empty = no split)", "text")
    # A/B/C (S2)
    abc_weight_potential: float = _f(0.25, "A/B/C 权重：行业潜力", "A/B/C weight: industry potential")
    abc_weight_urgency: float = _f(0.25, "A/B/C 权重：需求紧急度", "A/B/C weight: urgency")
    abc_weight_win: float = _f(0.25, "A/B/C 权重：成交可能性", "A/B/C weight: win likelihood")
    abc_weight_value: float = _f(0.25, "A/B/C 权重：客户价值（由 M 分得出）", "A/B/C weight: customer value (from M score)")
    abc_a_min: float = _f(4.0, "A 类：加权分 ≥", "Class A: weighted score ≥")
    abc_b_min: float = _f(3.0, "B 类：加权分 ≥", "Class B: weighted score ≥")
    # follow-up cadence (days) and monthly service quota per tier (S0 表2/表3)
    cadence_vip: int = _f(30, "VIP 沟通频率（天，月度）", "VIP contact cadence (days, monthly)",
                          "int", 0, CADENCE_DAYS_MAX)
    cadence_core: int = _f(90, "核心 沟通频率（天，季度）", "Core contact cadence (days, quarterly)",
                           "int", 0, CADENCE_DAYS_MAX)
    cadence_normal: int = _f(30, "普通 沟通频率（天，月度）", "Normal contact cadence (days, monthly)",
                             "int", 0, CADENCE_DAYS_MAX)
    cadence_potential: int = _f(7, "潜在 沟通频率（天，周度）", "Potential contact cadence (days, weekly)",
                                "int", 0, CADENCE_DAYS_MAX)
    quota_vip: int = _f(2, "VIP 每月服务次数", "VIP services per month", "int", 0, QUOTA_MAX)
    quota_core: int = _f(1, "核心 每月服务次数", "Core services per month", "int", 0, QUOTA_MAX)
    quota_normal: int = _f(1, "普通 每月服务次数", "Normal services per month", "int", 0, QUOTA_MAX)
    quota_potential: int = _f(4, "潜在 每月服务次数", "Potential services per month", "int", 0, QUOTA_MAX)
    # team score (S3)
    score_weight_sales: float = _f(0.6, "综合评分权重：销售额", "Score weight: sales")
    score_weight_collection: float = _f(0.3, "综合评分权重：回款率", "Score weight: collection rate")
    score_weight_new: float = _f(0.1, "综合评分权重：新客户", "Score weight: new customers")
    # sales funnel (S4 漏斗分析): stall threshold, win probability of an open lead by stage, cycle for close dates
    funnel_stall_days: int = _f(30, "销售漏斗：在途线索停留当前阶段超过此天数 = 停滞",
                                "Funnel: an open lead longer than this many days in its stage is stalled",
                                "int", 0, WINDOW_DAYS_MAX)
    funnel_prob_need: float = _f(0.1, "销售漏斗：需求确认 阶段成交概率", "Funnel: win probability at Qualification",
                                 "float", 0, 1)
    funnel_prob_proposal: float = _f(0.3, "销售漏斗：方案提交 阶段成交概率", "Funnel: win probability at Proposal",
                                     "float", 0, 1)
    funnel_prob_negotiation: float = _f(0.6, "销售漏斗：商务谈判 阶段成交概率",
                                        "Funnel: win probability at Negotiation", "float", 0, 1)
    funnel_cycle_days: int | None = _f(None, "销售漏斗：预计成交日 = 创建日期 + 此天数（空 = 历史成交线索的平均成交周期）",
                                       "Funnel: expected close = created + this many days (empty = mean cycle "
                                       "of the leads won so far)", "int", 1, WINDOW_DAYS_MAX)
    # KPIs (S4): monthly acquisition spend per channel, for CAC = spend / new customers of the channel
    acquisition_costs: tuple[tuple[str, float], ...] = _f(
        (), "每月获客费用（元），按渠道：渠道:金额;渠道:金额（如 线上推广:20000;展会:50000；空 = 不计算 CAC）",
        "Monthly acquisition spend per channel in CNY: channel:amount;channel:amount "
        "(e.g. Online ads:20000;Trade fair:50000; empty = no CAC)", "costs")
    # alerts (S0 异常情况跟进, S3 triggers)
    alert_completion_below: float = _f(0.8, "预警：完成率低于", "Alert: completion below")
    alert_mom_drop: float = _f(0.2, "预警：环比下降 ≥", "Alert: month-on-month drop ≥")
    alert_share_drop: float = _f(0.2, "预警：产品占比下降 ≥（百分点，0.2 = 20 个点）",
                                 "Alert: product share drop ≥ (points, 0.2 = 20 points)")
    alert_region_completion_below: float = _f(0.7, "预警：区域完成率低于", "Alert: region completion below")
    alert_churn_up: float = _f(0.15, "预警：老客户流失率上升 ≥（百分点）",
                               "Alert: returning-customer churn up ≥ (points)")
    alert_silent_factor: float = _f(1.5, "预警：沉默天数 > 平均购买周期 × 此值",
                                    "Alert: silent days > own purchase cycle × this")
    alert_silent_min_days: int = _f(30, "预警：且沉默 ≥ 天数", "Alert: and silent ≥ days", "int", 0, WINDOW_DAYS_MAX)
    alert_p_alive: float = _f(0.5, "预警：高价值客户活跃概率（BG/NBD）低于此值即有流失风险（模型可用时）",
                              "Alert: a valuable customer with P(alive) (BG/NBD) below this is a churn risk (when the "
                              "model fits)", "float", 0, 1)
    alert_outlier_z: float = _f(4.0, "预警：金额稳健 z 分数（对数）≥", "Alert: robust z-score of log amount ≥")
    alert_unit_slip: float = _f(1000, "预警：金额 ≥ 客户中位数 × 此值（疑似 元/万元 混用）",
                                "Alert: amount ≥ customer median × this (CNY vs CNY 10k mix-up)")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # Settings(...) and .replace(...) are checked too, not only the sheet
            _check_range(f, getattr(self, f.name), None)
        for name in ("band_met", "band_near"):
            if getattr(self, name) <= 0:
                raise SettingsError(name, getattr(self, name), None, "必须大于 0", "must be > 0")
        if self.band_near > self.band_met:
            raise SettingsError("band_near", self.band_near, None, "不能大于 band_met", "cannot exceed band_met")
        for name in ("rfm_r_cuts", "rfm_f_cuts", "rfm_m_cuts"):
            cuts = getattr(self, name)
            if len(cuts) != 4 or list(cuts) != sorted(cuts):
                raise SettingsError(name, cuts, None, "需要 4 个递增的数", "needs 4 increasing numbers")

    @property
    def unit_factor(self) -> float:
        """元 per display unit."""
        return 10000.0 if self.display_unit == "万元" else 1.0

    def cadence(self, tier: str) -> int:
        """Days between contacts for a customer of ``tier`` (one of :data:`.tiers.TIERS`)."""
        return {VIP: self.cadence_vip, CORE: self.cadence_core, NORMAL: self.cadence_normal,
                PROSPECT: self.cadence_potential}[tier]

    def quota(self, tier: str) -> int:
        """Services a month for a customer of ``tier`` (one of :data:`.tiers.TIERS`)."""
        return {VIP: self.quota_vip, CORE: self.quota_core, NORMAL: self.quota_normal,
                PROSPECT: self.quota_potential}[tier]

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (checked like any Settings)."""
        return dataclasses.replace(self, **changes)

    # -- the 参数 sheet ---------------------------------------------------------------
    @classmethod
    def rows(cls, lang: str = "zh") -> list[tuple[str, Any, str]]:
        """(key, default shown in the sheet, note) for every setting, in ``lang``. An English sheet
        shows amounts in CNY by default and names units in English (CNY / CNY 10k)."""
        out = []
        for f in dataclasses.fields(cls):
            value = lang if f.name == "language" else _display(f.default)
            if lang != "zh" and f.name in ("display_unit", "input_unit"):
                value = "CNY"
            if lang != "zh" and f.name == "revenue_statuses":
                value = ",".join(_STATUS_EN.get(v, v) for v in f.default)
            out.append((f.name, value, f.metadata["zh" if lang == "zh" else "en"]))
        return out

    @classmethod
    def from_rows(cls, rows: list[tuple[str, Any, int | None]]) -> Settings:
        """Build from (key, value, sheet row) triples; unknown keys are ignored, empty keep the default."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value, row in rows:
            key = str(key or "").strip()
            if key not in fields or value is None or (isinstance(value, str) and not value.strip()):
                continue
            values[key] = _check_range(fields[key], _coerce(fields[key], value, row), row, shown=value)
        return cls(**values)


def _display(value: Any) -> Any:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):  # channel costs
        return ";".join(f"{k}:{v:g}" for k, v in value)
    if isinstance(value, tuple):
        return ",".join(f"{v:g}" if isinstance(v, (int, float)) else str(v) for v in value)
    return value


def _check_range(f: dataclasses.Field, value: Any, row: int | None, shown: Any = None) -> Any:
    """``value`` if it lies in the field's range, else a SettingsError naming key, value and row.

    Non-finite numbers (inf, -inf, nan — typed, or 1e309 which reads as inf) are never allowed.
    """
    shown = _short(value if shown is None else shown)
    kind, lo, hi = f.metadata["kind"], f.metadata.get("lo"), f.metadata.get("hi")
    if value is None:
        return value
    if kind == "date":
        if not isinstance(value, dt.date):
            raise SettingsError(f.name, shown, row, "不是有效的日期", "not a valid date")
        day = value.date() if isinstance(value, dt.datetime) else value
        if not AS_OF_MIN <= day <= AS_OF_MAX:
            raise SettingsError(f.name, _shown_date(shown), row,
                                f"日期须在 {AS_OF_MIN:%Y-%m-%d} 至 {AS_OF_MAX:%Y-%m-%d} 之间",
                                f"the date must be between {AS_OF_MIN:%Y-%m-%d} and {AS_OF_MAX:%Y-%m-%d}")
        return value
    if kind in ("float", "int", "numbers", "costs"):
        for v in value if kind == "numbers" else [c for _, c in value] if kind == "costs" else (value,):
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise SettingsError(f.name, shown, row, "不是有效的数值", "not a valid value")
            if not math.isfinite(v):
                raise SettingsError(f.name, shown, row, "必须是有限的数（不能是 inf 或 nan）",
                                    "must be a finite number (not inf or nan)")
            low = (0 if kind == "costs" else -NUMBER_ABS_MAX) if lo is None else lo
            high = NUMBER_ABS_MAX if hi is None else hi
            if not low <= v <= high:
                raise SettingsError(f.name, shown, row, f"必须在 {low:,g} 到 {high:,g} 之间",
                                    f"must be between {low:,g} and {high:,g}")
    return value


def _short(value: Any) -> Any:
    """What the message shows of a value: a 400-digit number is cut, not printed whole."""
    text = value if isinstance(value, str) else None
    if text is None and isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**40:
        text = str(value)
    return text[:30] + "…" if text is not None and len(text) > 40 else value


def _shown_date(value: Any) -> Any:
    """'0001-01-01', not strftime's '1-01-01'."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}" if isinstance(value, dt.date) else value


_STATUS_EN = {"已成交": "closed", "已签约": "signed", "已回款": "paid"}  # each is a synonym normalize_status knows
# words for a choice in either language → the value the analyses use
_CHOICE_WORDS = {"cny": "元", "rmb": "元", "yuan": "元", "¥": "元", "cny 10k": "万元", "cny10k": "万元", "万": "万元",
                 "10k cny": "万元", "中文": "zh", "chinese": "zh", "english": "en", "英文": "en", "英语": "en"}


def _coerce(f: dataclasses.Field, value: Any, row: int | None) -> Any:
    kind = f.metadata["kind"]
    try:
        if kind == "float":
            return float(str(value).strip().rstrip("%")) / (100 if str(value).strip().endswith("%") else 1)
        if kind == "int":
            v = float(value)
            if not math.isfinite(v):  # int(inf) would raise OverflowError
                raise SettingsError(f.name, _short(value), row, "必须是有限的整数（不能是 inf 或 nan）",
                                    "must be a finite whole number (not inf or nan)")
            if v != int(v) or v < 0:
                raise ValueError
            return int(v)
        if kind == "date":
            d = parse_date(value)
            if d is None:
                raise SettingsError(f.name, _shown_date(value), row,
                                    f"不是有效的日期（须在 {AS_OF_MIN:%Y-%m-%d} 至 {AS_OF_MAX:%Y-%m-%d} 之间）",
                                    f"not a valid date (it must be between {AS_OF_MIN:%Y-%m-%d} and "
                                    f"{AS_OF_MAX:%Y-%m-%d})")
            return d.date()
        if kind.startswith("choice:"):
            options = kind.split(":", 1)[1].split(",")
            v = str(value).strip()
            v = _CHOICE_WORDS.get(" ".join(v.casefold().split()), v)
            if v not in options:
                raise SettingsError(f.name, value, row, "可选值：" + " / ".join(options),
                                    "allowed: " + " / ".join(options))
            return v
        if kind == "statuses":  # typed in either language (closed, signed, paid …) → the canonical names
            parts = [p.strip() for p in str(value).replace("，", ",").split(",") if p.strip()]
            return tuple(dict.fromkeys(normalize_status(p) or p for p in parts))
        if kind == "list":
            return tuple(p.strip() for p in str(value).replace("，", ",").split(",") if p.strip())
        if kind == "numbers":
            return tuple(float(p) for p in str(value).replace("，", ",").split(",") if p.strip())
        if kind == "costs":
            return _costs(f, value, row)
    except SettingsError:
        raise
    except (TypeError, ValueError, OverflowError):
        raise SettingsError(f.name, value, row, "不是有效的数值", "not a valid value") from None
    return value


def _costs(f: dataclasses.Field, value: Any, row: int | None) -> tuple[tuple[str, float], ...]:
    """'线上推广:20000;展会:5万' → (('线上推广', 20000.0), ('展会', 50000.0)); full-width ；： too.

    A part without a channel or amount, an amount that is not a number, or a channel named
    twice is refused with a message naming the part (nothing is guessed)."""
    out: dict[str, float] = {}
    for part in str(value).replace("；", ";").replace("：", ":").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        name, sep, amount = part.rpartition(":")
        name, amount = name.strip(), amount.strip().replace(",", "").replace("，", "")
        scale = 10000.0 if amount.endswith("万") else 1.0
        try:
            number = float(amount.rstrip("万").rstrip("元").strip()) * scale
        except ValueError:
            number = None
        if not sep or not name or number is None:
            raise SettingsError(f.name, _short(str(value)), row,
                                f"“{part.strip()}”应写成 渠道:金额（多个用 ; 分隔）",
                                f"'{part.strip()}' should read channel:amount (several separated by ;)")
        if name in out:
            raise SettingsError(f.name, _short(str(value)), row, f"渠道“{name}”写了两次",
                                f"channel '{name}' is given twice")
        out[name] = number
    return tuple(out.items())
