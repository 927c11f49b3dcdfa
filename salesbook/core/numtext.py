"""Numbers in sentences, rounded the way Excel shows them in a cell.

A cell formatted ``0.0%`` holding 1.1025 shows 110.3%: Excel rounds half away from zero on
the value it stores (15 significant digits). Python's ``f"{1.1025:.1%}"`` gives 110.2%,
because the binary double is 1.10249999…. Every sentence salesbook writes about a number in a
cell goes through these helpers, so the cell and the sentence agree (SPEC §4 Rounding).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from .. import words

PCT_DIGITS = 1  # cells show 0.0%; sentences quote the same


def excel_round(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` decimals as Excel displays it (half away from zero)."""
    if value is None or not math.isfinite(value):
        return value
    d = Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return float(d)


def _blank(v) -> bool:
    return v is None or isinstance(v, str) or (isinstance(v, float) and math.isnan(v))


def pct(v, digits: int = PCT_DIGITS, *, signed: bool = False) -> str:
    """0.0% text of a fraction: ``pct(1.1025)`` → ``110.3%``; ``signed`` adds + to gains; — when empty."""
    if _blank(v):
        return "—" if not isinstance(v, str) else v
    r = excel_round(float(v) * 100, digits)
    text = f"{r:.{digits}f}%"
    return ("+" + text) if signed and r > 0 else text


def points(v, digits: int = 1, *, lang: str = "zh") -> str:
    """A change of a rate in percentage points: ``points(0.011)`` → ``+1.1个百分点`` (en: ``+1.1 pp``)."""
    if _blank(v):
        return "—" if not isinstance(v, str) else v
    r = excel_round(float(v) * 100, digits)
    sign = "+" if r > 0 else ""
    return f"{sign}{r:.{digits}f}{words.word(lang, 'format', 'points')}"


def number(v, digits: int = 2) -> str:
    """``1,234.57``: thousands separators, Excel's rounding."""
    if _blank(v):
        return "—" if not isinstance(v, str) else v
    return f"{excel_round(float(v), digits):,.{digits}f}"
