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

from .. import vocab, words
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


def _f(default: Any, kind: str = "float", lo: float | None = None, hi: float | None = None):
    """A setting: its default, kind (how a typed value is read) and range; its note in 参数 is the
    ``[setting.note]`` word of its name."""
    return field(default=default, metadata={"kind": kind, "lo": lo, "hi": hi})


@dataclass(frozen=True)
class Settings:
    """Every threshold and choice of the analyses, with the seed's defaults; frozen and range-checked
    (``SettingsError`` names the key, value and sheet row of a bad one)."""

    # general
    language: str | None = _f(None, "language")
    as_of: dt.date | None = _f(None, "date")
    display_unit: str = _f("万元", "unit")
    input_unit: str = _f("元", "unit")
    revenue_statuses: tuple[str, ...] = _f(("已成交", "已签约", "已回款"), "statuses")
    # performance
    band_met: float = _f(1.0)
    band_near: float = _f(0.95)
    # RFM
    rfm_window_days: int = _f(365, "int", 1, WINDOW_DAYS_MAX)
    rfm_method: str = _f("quantile", "choice:quantile,fixed")
    rfm_r_cuts: tuple[float, ...] = _f((30, 60, 90, 180), "numbers")
    rfm_f_cuts: tuple[float, ...] = _f((2, 3, 5, 8), "numbers")
    rfm_m_cuts: tuple[float, ...] = _f((10000, 50000, 200000, 500000), "numbers")
    # tiers (S0 表3)
    tier_recent_days: int = _f(182, "int", 1, WINDOW_DAYS_MAX)
    tier_vip_amount: float = _f(500000)
    tier_vip_years: float = _f(2)
    tier_core_amount: float = _f(200000)
    tier_core_years: float = _f(1)
    # 客户画像 (S2 第三步)
    portrait_tag: str = _f("", "text")
    # A/B/C (S2)
    abc_weight_potential: float = _f(0.25)
    abc_weight_urgency: float = _f(0.25)
    abc_weight_win: float = _f(0.25)
    abc_weight_value: float = _f(0.25)
    abc_a_min: float = _f(4.0)
    abc_b_min: float = _f(3.0)
    # follow-up cadence (days) and monthly service quota per tier (S0 表2/表3)
    cadence_vip: int = _f(30, "int", 0, CADENCE_DAYS_MAX)
    cadence_core: int = _f(90, "int", 0, CADENCE_DAYS_MAX)
    cadence_normal: int = _f(30, "int", 0, CADENCE_DAYS_MAX)
    cadence_potential: int = _f(7, "int", 0, CADENCE_DAYS_MAX)
    quota_vip: int = _f(2, "int", 0, QUOTA_MAX)
    quota_core: int = _f(1, "int", 0, QUOTA_MAX)
    quota_normal: int = _f(1, "int", 0, QUOTA_MAX)
    quota_potential: int = _f(4, "int", 0, QUOTA_MAX)
    # team score (S3)
    score_weight_sales: float = _f(0.6)
    score_weight_collection: float = _f(0.3)
    score_weight_new: float = _f(0.1)
    # sales funnel (S4 漏斗分析): stall threshold, win probability of an open lead by stage, cycle for close dates
    funnel_stall_days: int = _f(30, "int", 0, WINDOW_DAYS_MAX)
    funnel_prob_need: float = _f(0.1, "float", 0, 1)
    funnel_prob_proposal: float = _f(0.3, "float", 0, 1)
    funnel_prob_negotiation: float = _f(0.6, "float", 0, 1)
    funnel_cycle_days: int | None = _f(None, "int", 1, WINDOW_DAYS_MAX)
    # KPIs (S4): monthly acquisition spend per channel, for CAC = spend / new customers of the channel
    acquisition_costs: tuple[tuple[str, float], ...] = _f((), "costs")
    # alerts (S0 异常情况跟进, S3 triggers)
    alert_completion_below: float = _f(0.8)
    alert_mom_drop: float = _f(0.2)
    alert_share_drop: float = _f(0.2)
    alert_region_completion_below: float = _f(0.7)
    alert_churn_up: float = _f(0.15)
    alert_silent_factor: float = _f(1.5)
    alert_silent_min_days: int = _f(30, "int", 0, WINDOW_DAYS_MAX)
    alert_p_alive: float = _f(0.5, "float", 0, 1)
    alert_outlier_z: float = _f(4.0)
    alert_unit_slip: float = _f(1000)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # Settings(...) and .replace(...) are checked too, not only the sheet
            _check_range(f, getattr(self, f.name), None)
        for name in ("band_met", "band_near"):
            if getattr(self, name) <= 0:
                raise SettingsError(name, getattr(self, name), None, "positive")
        if self.band_near > self.band_met:
            raise SettingsError("band_near", self.band_near, None, "at_most", other="band_met")
        for name in ("rfm_r_cuts", "rfm_f_cuts", "rfm_m_cuts"):
            cuts = getattr(self, name)
            if len(cuts) != 4 or list(cuts) != sorted(cuts):
                raise SettingsError(name, cuts, None, "cuts")

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
    def rows(cls, lang: str = words.REFERENCE) -> list[tuple[str, Any, str]]:
        """(key, default shown in the sheet, note) for every setting, in ``lang``. What the language decides
        (an English sheet: amounts in CNY) is its ``[setting.shown]``; statuses are its dropdown's words."""
        shown = words.section(words.REFERENCE, "setting", "shown") | words.section(lang, "setting", "shown")
        out = []
        for f in dataclasses.fields(cls):
            value = lang if f.name == "language" else shown.get(f.name, _display(f.default))
            if f.metadata["kind"] == "statuses":
                value = ",".join(_status_word(s, lang) for s in f.default)
            out.append((f.name, value, words.word(lang, "setting", "note", f.name)))
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


def _status_word(status: str, lang: str) -> str:
    """An order status as the status dropdown shows it in ``lang`` (its ``[dropdown.status]`` word)."""
    codes = words.section(words.REFERENCE, "dropdown", "status")
    code = next(c for c, w in codes.items() if normalize_status(w) == status)
    return str(words.word(lang, "dropdown", "status", code))


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
            raise SettingsError(f.name, shown, row, "date")
        day = value.date() if isinstance(value, dt.datetime) else value
        if not AS_OF_MIN <= day <= AS_OF_MAX:
            raise SettingsError(f.name, _shown_date(shown), row, "date_range", **_DATES)
        return value
    if kind in ("float", "int", "numbers", "costs"):
        for v in value if kind == "numbers" else [c for _, c in value] if kind == "costs" else (value,):
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise SettingsError(f.name, shown, row, "number")
            if not math.isfinite(v):
                raise SettingsError(f.name, shown, row, "finite")
            low = (0 if kind == "costs" else -NUMBER_ABS_MAX) if lo is None else lo
            high = NUMBER_ABS_MAX if hi is None else hi
            if not low <= v <= high:
                raise SettingsError(f.name, shown, row, "range", low=f"{low:,g}", high=f"{high:,g}")
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


_DATES = {"low": f"{AS_OF_MIN:%Y-%m-%d}", "high": f"{AS_OF_MAX:%Y-%m-%d}"}


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _choice_words() -> dict[str, str]:
    """Words typed for a choice, in any language → the value the analyses use: every language's name
    (中文, English) and unit words (CNY, 万元), and the ``[setting.synonym]`` words (RMB, 英文 …)."""
    out = {}
    for lang in words.LANGS:
        out[_fold(words.name(lang))] = lang
        out |= {_fold(label): unit for unit, label in words.section(lang, "unit").items()}
        for key, typed in words.section(lang, "setting", "synonym").items():
            out |= {_fold(w): _UNIT_KEYS.get(key, key) for w in typed}
    return out


_UNIT_KEYS = {"yuan": "元", "wan": "万元"}  # [setting.synonym] keys of the display units (others are languages)
_CHOICE_WORDS = _choice_words()


def _options(kind: str) -> tuple[str, ...]:
    """The values a choice setting may take: the display units, the languages, or those its kind lists."""
    if kind == "unit":
        return tuple(vocab.UNITS)
    if kind == "language":
        return words.LANGS
    return tuple(kind.split(":", 1)[1].split(","))


def _coerce(f: dataclasses.Field, value: Any, row: int | None) -> Any:
    kind = f.metadata["kind"]
    try:
        if kind == "float":
            return float(str(value).strip().rstrip("%")) / (100 if str(value).strip().endswith("%") else 1)
        if kind == "int":
            v = float(value)
            if not math.isfinite(v):  # int(inf) would raise OverflowError
                raise SettingsError(f.name, _short(value), row, "whole")
            if v != int(v) or v < 0:
                raise ValueError
            return int(v)
        if kind == "date":
            d = parse_date(value)
            if d is None:
                raise SettingsError(f.name, _shown_date(value), row, "date_text", **_DATES)
            return d.date()
        if kind.startswith("choice:") or kind in ("unit", "language"):
            options = _options(kind)
            v = str(value).strip()
            v = _CHOICE_WORDS.get(_fold(v), v)
            if v not in options:
                raise SettingsError(f.name, value, row, "choice", options=" / ".join(options))
            return v
        if kind == "statuses":  # typed in any language (closed, signed, paid …) → the canonical names
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
        raise SettingsError(f.name, value, row, "number") from None
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
            raise SettingsError(f.name, _short(str(value)), row, "cost_part", part=part.strip())
        if name in out:
            raise SettingsError(f.name, _short(str(value)), row, "cost_twice", name=name)
        out[name] = number
    return tuple(out.items())
