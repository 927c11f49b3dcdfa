"""Every code salesbook shows, with its label in each language: the lookups over :mod:`salesbook.words`.

The core computes with codes (``band="below"``, ``segment="high_value"``, ``severity="high"``) and
numbers; the Excel edge turns codes into words when it writes, in the workbook's language. The words
themselves are data, one file per language (``salesbook/words/zh.toml``, ``en.toml``): adding a
language is one file there; adding a code is one line in each.

- :data:`DOMAINS` — enumerations by domain: ``label("band", "below", "en")`` → ``"Below target"``.
  A value that is not a known code (a product line, a rep's name) passes through unchanged, so a
  column may mix codes and user data safely.
- :data:`HEADERS` — output column headers by column key; ``"block.column"`` entries override the
  plain key where one key means different things in different tables.
- :data:`UNITS` — money display units: ``header("actual", "en", unit="万元")`` → ``"Sales (CNY 10k)"``.

:func:`parse` goes the other way for values users type (a stage, a tier in 策略库): it accepts the
code or its label in any language and returns the code.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from . import words

LANGS = words.LANGS
Pair = tuple[str, ...]  # a word in every language, in LANGS order (Chinese first)

# code → its words, by domain (the [domain.*] tables of the language files)
DOMAINS: dict[str, dict[str, Pair]] = {d: words.pairs("domain", d) for d in words.section(words.REFERENCE, "domain")}
# a money display unit as stored in 参数 (元 / 万元) → its label in each language
UNITS: dict[str, Pair] = words.pairs("unit")
# output column headers by column key; "block.column" overrides the plain key in one table
HEADERS: dict[str, Pair] = words.pairs("header")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _pick(pair: Pair, lang: str) -> str:
    return pair[words.index(lang)]


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
        text = words.word(lang, "format", "header_unit").format(header=text, unit=unit(unit_of, lang))
    return text
