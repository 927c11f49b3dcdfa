"""Parsing of the values sales people type: dates, periods, amounts, statuses, text.

Each parser takes one raw value and returns the parsed value or ``None`` when it cannot
tell (never a guess). ``map_unique`` applies a parser to a column by parsing each distinct
value once, which is what keeps cleaning a million rows fast: real columns repeat.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import words

EXCEL_EPOCH = dt.datetime(1899, 12, 30)

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")  # 05/01/2024: ambiguous, see parse_date


def is_blank(value: Any) -> bool:
    """None, NaN/NaT, or text that is only spaces (full-width included)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    return isinstance(value, str) and value.strip() == ""


def normalize_text(value: Any) -> Any:
    """Trim, full-width → half-width, collapse inner spaces. Non-text passes through."""
    if not isinstance(value, str):
        return value
    if value.isascii() and value.isprintable() and value == value.strip() and "  " not in value:
        return value  # already normal (most ids and codes): NFKC and collapsing change nothing
    s = unicodedata.normalize("NFKC", value)
    s = re.sub(r"\s+", " ", s).strip()
    return s


MIN_YEAR, MAX_YEAR = 1950, 2199  # business dates outside these are typos (2024 typed into a date cell)


def parse_date(value: Any) -> dt.datetime | None:
    """Excel serials (1950–2199), 2024-01-05, 2024/1/5, 2024年1月5日, 20240105, datetime objects."""
    if is_blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):  # a number in a date-formatted cell arrives as a datetime
        return value if MIN_YEAR <= value.year <= MAX_YEAR else None
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day) if MIN_YEAR <= value.year <= MAX_YEAR else None
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Number):
        v = float(value)
        if 19000101 <= v <= 21001231 and v == int(v):
            return _ymd(int(v) // 10000, int(v) // 100 % 100, int(v) % 100)
        # an Excel serial (1900 date system) between 1950 and 2199; outside that a number in a
        # date column is a typo or a year (2024 would be 1905-07-16), not a business date
        if 18264 <= v <= 109574:
            return EXCEL_EPOCH + dt.timedelta(days=int(v))
        return None
    s = normalize_text(str(value))
    for pat in _DATE_PATTERNS:
        m = pat.match(s)
        if m:
            return _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return parse_date(float(s))
    return None


def _ymd(y: int, m: int, d: int) -> dt.datetime | None:
    """A real calendar date inside the plausibility window, else None.

    The window also keeps every date far inside pandas' timestamp range (1677-09-22 … 2262-04-11):
    '9999-12-31' or '0001-01-01' typed as text would otherwise overflow later in the analysis.
    """
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return dt.datetime(y, m, d)
    except ValueError:
        return None


_PERIOD_PATTERNS = (
    (re.compile(r"^(\d{4})\s*[-/.年]?\s*[qQ]([1-4])(?:季度)?$"), "Q"),
    (re.compile(r"^(\d{4})年第?([一二三四1-4])季度$"), "Q"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "M"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?$"), "M"),
    (re.compile(r"^(\d{4})(\d{2})$"), "M"),
    (re.compile(r"^(\d{4})年?(?:度|全年)?$"), "Y"),
)
PERIOD_MIN_YEAR = 1900  # the same lower bound numeric periods (2024, 202401) have always had
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


def parse_period(value: Any) -> pd.Period | None:
    """2024-01, 2024年1月, 2024年Q1, 2024Q1, 2024年第一季度, 2024 → a monthly/quarterly/yearly Period."""
    if is_blank(value):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):  # through parse_date: a year-9999 cell is no period
        d = parse_date(value)
        return pd.Period(d, freq="M") if d else None
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        v = float(value)
        if v == int(v) and 1900 <= v <= 2100:
            return pd.Period(year=int(v), freq="Y")
        if v == int(v) and 190001 <= v <= 210012 and 1 <= int(v) % 100 <= 12:
            return pd.Period(year=int(v) // 100, month=int(v) % 100, freq="M")
        d = parse_date(value)
        return pd.Period(d, freq="M") if d else None
    s = normalize_text(str(value)).replace(" ", "")
    for pat, freq in _PERIOD_PATTERNS:
        m = pat.match(s)
        if not m:
            continue
        year = int(m.group(1))
        if not PERIOD_MIN_YEAR <= year <= MAX_YEAR:  # '9999-01' would overflow Period.start_time
            return None
        if freq == "Y":
            return pd.Period(year=year, freq="Y")
        n = m.group(2)
        n = _CN_DIGITS.get(n) or int(n)
        if freq == "Q":
            return pd.Period(year=year, quarter=n, freq="Q")
        if 1 <= n <= 12:
            return pd.Period(year=year, month=n, freq="M")
        return None
    d = parse_date(s)
    return pd.Period(d, freq="M") if d else None


_AMOUNT_JUNK = re.compile(r"[¥￥$,\s元圆]|rmb|cny", re.IGNORECASE)
_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(万|w|亿|k|千)?$", re.IGNORECASE)
_MULTIPLIER = {None: 1.0, "万": 1e4, "w": 1e4, "亿": 1e8, "k": 1e3, "千": 1e3}


def parse_amount(value: Any) -> float | None:
    """1234.5, '1,234.5', '¥1,234', '1.2万', '(123)' (negative), '-5'. Returns None if unsure."""
    if is_blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Number):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    s = unicodedata.normalize("NFKC", str(value)).strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    s = _AMOUNT_JUNK.sub("", s)
    m = _AMOUNT.match(s)
    if not m:
        return None
    v = float(m.group(1)) * _MULTIPLIER[m.group(2).lower() if m.group(2) else None]
    return -v if negative else v


def parse_score(value: Any, lo: int = 1, hi: int = 5) -> float | None:
    """A score typed as a number (or text) within lo..hi; anything else is None (flagged by the caller)."""
    v = parse_amount(value)
    if v is None or not lo <= v <= hi:
        return None
    return v


STATUS_CLOSED, STATUS_SIGNED, STATUS_COLLECTED, STATUS_CANCELLED = "已成交", "已签约", "已回款", "已取消"
STATUS_DRAFT = "草稿"  # a known status that is neither revenue nor a cancellation (SPEC §4 异常预警)
STATUSES = (STATUS_CLOSED, STATUS_SIGNED, STATUS_COLLECTED, STATUS_CANCELLED)  # the sheet's dropdown
KNOWN_STATUSES = (*STATUSES, STATUS_DRAFT)
# ERP document states (用友, 金蝶): 已审核 is an approved sales order, i.e. a confirmed deal not yet
# delivered → 已签约; anything not yet approved (暂存, 待审核, 审核中, 未提交 …) is not a deal yet → 草稿.
_STATUS_SYNONYMS = {
    STATUS_CLOSED: ("已成交", "成交", "已完成", "完成", "交易成功", "已发货", "已出库", "已交付", "已结案",
                    "closed", "won", "done", "completed", "complete", "deal", "closed won", "shipped", "delivered"),
    STATUS_SIGNED: ("已签约", "签约", "已签合同", "签订", "已签订", "已审核", "审核通过", "已确认", "已生效",
                    "signed", "contracted", "approved", "confirmed"),
    STATUS_COLLECTED: ("已回款", "回款", "已收款", "收款", "已付款", "已结清", "已结算", "collected", "paid"),
    STATUS_CANCELLED: ("已取消", "取消", "作废", "已作废", "退单", "已退单", "撤单", "已撤销", "退货", "已退货",
                       "cancelled", "canceled", "void", "voided", "refunded", "returned", "closed lost", "lost"),
    STATUS_DRAFT: ("草稿", "草稿箱", "暂存", "已暂存", "保存", "已保存", "未提交", "待提交", "待审核", "审核中",
                   "未审核", "draft", "pending approval"),
}
_STATUS_BY_CODE = {"closed": STATUS_CLOSED, "signed": STATUS_SIGNED, "collected": STATUS_COLLECTED,
                   "cancelled": STATUS_CANCELLED, "draft": STATUS_DRAFT}


def _status_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


# every language's status words (the dropdown's and the labels) read as the status they name, then the synonyms
# of common exports (which win where they differ)
_STATUS_LOOKUP = {
    **{_status_key(w): _STATUS_BY_CODE[code] for table in (("dropdown", "status"), ("domain", "order_status"))
       for code, ws in words.pairs(*table).items() for w in ws if w},
    **{_status_key(s): canonical for canonical, syns in _STATUS_SYNONYMS.items() for s in syns},
}


def status_word(status: str, lang: str) -> str:
    """A canonical status as a workbook in ``lang`` writes it: its dropdown word (已回款 / paid), or for
    草稿 (not in the dropdown) its label. What Clean writes back into a cell, so English stays English."""
    code = next(c for c, s in _STATUS_BY_CODE.items() if s == status)
    dropdown = words.section(lang, "dropdown", "status") or words.section(words.REFERENCE, "dropdown", "status")
    return str(dropdown[code]) if code in dropdown else str(words.word(lang, "domain", "order_status", code))


def normalize_status(value: Any) -> str | None:
    """A status synonym → one of KNOWN_STATUSES; unknown → None (flagged by the caller, never guessed)."""
    if is_blank(value):
        return None
    return _STATUS_LOOKUP.get(_status_key(str(value)))


# 客户满意度 typed as words (S0 表2): the five-point scale's usual labels
SATISFACTION_WORDS = {"非常满意": 5, "很满意": 5, "十分满意": 5, "满意": 4, "比较满意": 4, "较满意": 4,
                      "一般": 3, "还行": 3, "中等": 3, "不太满意": 2, "不满意": 2, "较不满意": 2,
                      "非常不满意": 1, "很不满意": 1, "极不满意": 1}


def parse_satisfaction(value: Any) -> float | None:
    """1–5 as typed, or a satisfaction word (满意 → 4, 一般 → 3, 不满意 → 2 …); None if unreadable."""
    if isinstance(value, str):
        word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
        if word in SATISFACTION_WORDS:
            return float(SATISFACTION_WORDS[word])
    return parse_score(value)


_TOTAL_WORD = re.compile(r"\s*(?:合计|总计|小计|汇总|total)\s*$", re.IGNORECASE)


def strip_total(value: Any) -> tuple[Any, bool]:
    """'2024年Q1总计' → ('2024年Q1', True): a period written with 总计/合计 (SPEC §4, targets sheet)."""
    if isinstance(value, str) and _TOTAL_WORD.search(value):
        rest = _TOTAL_WORD.sub("", value).strip()
        return rest, bool(rest)
    return value, False


_AREA_SUFFIX = re.compile(r"(?:大区|地区|片区|区域|区)$")


def area_stem(value: Any) -> Any:
    """华东区 / 华东大区 / 华东地区 → 华东 (only when at least two characters remain)."""
    if not isinstance(value, str):
        return value
    stem = _AREA_SUFFIX.sub("", value)
    return stem if len(stem) >= 2 else value


def parse_amounts(series: pd.Series) -> pd.Series:
    """Vectorised :func:`parse_amount`: real numbers pass straight through, text is parsed once per value."""
    kinds = series.map(type)
    numeric = kinds.isin((int, float)) | kinds.map(lambda t: issubclass(t, numbers.Number) and t is not bool)
    out = pd.Series(float("nan"), index=series.index, dtype="float64")
    if numeric.any():
        vals = pd.to_numeric(series[numeric], errors="coerce").astype("float64")
        out[numeric] = vals.where(~np.isinf(vals))
    rest = ~numeric
    if rest.any():
        out[rest] = map_unique(series[rest], parse_amount).astype("float64")
    return out


def blank_mask(series: pd.Series) -> pd.Series:
    """Vectorised :func:`is_blank`."""
    if series.dtype != object:
        return series.isna()
    return pd.Series([v is None or v is pd.NaT or (type(v) is float and v != v)
                      or (type(v) is str and (not v or v.isspace())) for v in series.to_numpy()],
                     index=series.index, dtype=bool)


def key_texts(series: pd.Series) -> pd.Series:
    """Identifier cells: 1001.0 → '1001', text trimmed/half-width, blank → None (once per distinct value)."""
    return map_unique(series, key_text)


def key_text(value: Any) -> str | None:
    """One identifier cell as the analyses key it: 1001.0 → '1001', text trimmed and half-width, blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return normalize_text(str(value)) or None


def text_mask(series: pd.Series) -> pd.Series:
    """True where the cell holds text."""
    if series.dtype != object:
        return pd.Series(pd.api.types.is_string_dtype(series.dtype) & series.notna().to_numpy(), index=series.index)
    return pd.Series([type(v) is str for v in series.to_numpy()], index=series.index, dtype=bool)


def map_unique(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """``series.map(func)`` that calls ``func`` once per distinct value (real columns repeat)."""
    if series.empty:
        return pd.Series([], index=series.index, dtype="object")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    results = [func(u) for u in uniques] + [func(None)]  # code -1 (missing) → func(None)
    table = pd.array(results, dtype="object") if results else pd.array([], dtype="object")
    values = table[codes]  # -1 picks the last entry: func(None)
    out = pd.Series(values, index=series.index, dtype="object")
    return out.infer_objects()
