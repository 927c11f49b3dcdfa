"""Amounts in sentences, rounded like an amount cell and never shown as a misleading 0.00.

An amount cell shows the display unit with two decimals (``#,##0.00``), so a sentence quotes the
same figure (:func:`numtext.number`). An amount too small to show in the display unit — a 4.5 元
order read as 万元 would print "0.00万元" — is quoted in 元 instead ("4.50元"), so a unit slip or
a tiny refund is visible in the text as what it is.
"""

from __future__ import annotations

import math

from ..settings import Settings
from .numtext import number


def money(value, settings: Settings, lang: str = "zh") -> str:
    """``value`` (元) as text in the display unit: ``money(123456, s)`` → ``12.35万元``.

    Below 0.01 of the display unit (but not zero) the amount is quoted in 元: ``4.50元``.
    Empty values give ``—``."""
    if value is None or isinstance(value, str) or (isinstance(value, float) and math.isnan(value)):
        return "—" if not isinstance(value, str) else value
    v = float(value)
    factor, unit = settings.unit_factor, settings.display_unit
    sep = "" if lang == "zh" else " "
    if v != 0 and abs(v / factor) < 0.01:
        return f"{number(v, 2)}{sep}元"
    return f"{number(v / factor, 2)}{sep}{unit}"
