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

The sentences are the ``[message]`` tables of the language files (:mod:`salesbook.words`): adding a
sentence is one line in each file; adding a language is one file.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from . import schema, vocab, words
from .core.numtext import number, pct, points


# catalogue key → its template in every language (vocab.LANGS order)
CATALOGUE: dict[str, tuple[str, ...]] = words.pairs("message")


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
class Word:
    """A word of the language files by its path (``Word(("playbook", "tier", "vip", "focus"))``), shown in the
    workbook's language: text the product writes that is no sentence, such as a default 策略库 row's."""
    path: tuple[str, ...]


@dataclass(frozen=True)
class Join:
    """Several values (messages, typically) joined by the language's separator ('；' / '; ' for parts)."""
    items: tuple[Any, ...]
    sep: str = "join.parts"


@dataclass(frozen=True)
class InputHeader:
    """An input sheet's column header in the workbook's language (下单日期 / Order date)."""
    sheet: str  # the input sheet's key (orders, targets …)
    key: str  # the column's key


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
    if name == "元":
        return words.word(lang, "format", "money_yuan").format(amount=shown)
    return words.word(lang, "format", "money").format(amount=shown, unit=vocab.unit(name, lang))


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
    if isinstance(v, Word):
        return str(words.word(lang, *v.path))
    if isinstance(v, InputHeader):
        return schema.SHEET_BY_KEY[v.sheet].column(v.key).name(lang)
    if isinstance(v, DisplayUnit):
        return vocab.unit(unit.display_unit, lang)
    if isinstance(v, Join):
        sep = CATALOGUE[v.sep][words.index(lang)]
        return sep.join(_value(x, lang, unit) for x in v.items if not _blank(x))
    if isinstance(v, (list, tuple)):
        return _value(Join(tuple(v)), lang, unit)
    return "" if _blank(v) else str(v)


def text(m: Any, lang: str, unit: Unit | None = None) -> Any:
    """``m`` rendered in ``lang``: a :class:`Msg` becomes its sentence, other values pass through."""
    unit = unit or Unit()
    if isinstance(m, Join):
        return _value(m, lang, unit)
    if not isinstance(m, Msg):
        return m
    template = CATALOGUE[m.key][words.index(lang)]
    return template.format(**{k: _value(v, lang, unit) for k, v in m.values})
