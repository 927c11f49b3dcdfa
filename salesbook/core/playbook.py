"""The 策略库 Playbook: what to do for each tier, RFM segment, A/B/C class and detected problem.

Pre-filled from S0 表3 (tiers), S1 表4 (segments), S2 模板3 (A/B/C classes) and S3 表2 (problems),
in the workbook's language (:func:`default_playbook`; the rows' text is the ``[playbook.<kind>.<name>]``
tables of :mod:`salesbook.words`). The sheet is user-editable and the analyses read it back, so a
manager's wording wins over these defaults. A row's 类型 and 名称 may be typed in any language: they
are read as codes (``vocab.parse``: 核心 / Core → ``core``; a problem's name is its alert rule,
完成率低 / Completion low → ``completion_low``); a name that is no code is kept as typed. Where the
sheet has no row for a name, the default row's text is used, as a message in every language
(rendered in the workbook's language when written).
"""

from __future__ import annotations

import re

import pandas as pd

from .. import vocab, words
from ..messages import Msg, Word, msg, text

COLUMNS = ["kind", "name", "features", "focus", "frequency", "owner", "action", "deadline", "resources", "expected"]
TEXT_COLUMNS = COLUMNS[2:]
TIER, SEGMENT, PROBLEM, CLASS = "tier", "segment", "problem", "class"  # vocab domain "playbook_kind"
_NAME_DOMAIN = {TIER: "tier", SEGMENT: "segment", PROBLEM: "rule"}

# the default rows, (kind, name code), in the sheet's order; their text is each language's [playbook.<kind>.<name>]
DEFAULTS: list[tuple[str, str]] = [
    (TIER, "vip"), (TIER, "core"), (TIER, "normal"), (TIER, "prospect"),  # S0 表3 客户分层策略表
    (SEGMENT, "high_value"), (SEGMENT, "potential"), (SEGMENT, "churn_risk"), (SEGMENT, "low_value"),  # S1 表4
    (CLASS, "A"), (CLASS, "B"), (CLASS, "C"),  # S2 第四步 / 模板3 销售策略匹配表 (for 潜在 customers and leads)
    # S3 表2 业绩问题分析与提升策略表 (+ S0 异常情况跟进)
    (PROBLEM, "completion_low"), (PROBLEM, "mom_drop"), (PROBLEM, "share_drop"), (PROBLEM, "region_low"),
    (PROBLEM, "churn_up"), (PROBLEM, "silent"), (PROBLEM, "overdue"), (PROBLEM, "low_ticket"),
]
_EXTRA_NAMES = words.pairs("playbook", "name")  # default names that are no alert rule (low_ticket), every language


def _text(kind: str, name: str, lang: str) -> tuple[str, ...]:
    """A default row's text columns (:data:`TEXT_COLUMNS`) in ``lang``."""
    return tuple(words.word(lang, "playbook", kind, name, c) for c in TEXT_COLUMNS)


def _name_word(kind: str, name: str, lang: str) -> str:
    if kind == PROBLEM and name in _EXTRA_NAMES:
        return words.word(lang, "playbook", "name", name)
    domain = _NAME_DOMAIN.get(kind)
    return vocab.label(domain, name, lang) if domain else name


def default_playbook(lang: str = words.REFERENCE) -> pd.DataFrame:
    """The pre-filled 策略库 rows in ``lang`` (the sheet a new workbook starts with)."""
    rows = [(vocab.label("playbook_kind", kind, lang), _name_word(kind, name, lang), *_text(kind, name, lang))
            for kind, name in DEFAULTS]
    return pd.DataFrame(rows, columns=COLUMNS)


def kind_words(lang: str = words.REFERENCE) -> tuple[str, ...]:
    """The words of the 类型 column's dropdown in ``lang``."""
    return tuple(vocab.labels("playbook_kind", lang).values())


def name_code(kind: str, name) -> str | None:
    """The code a typed 名称 means for a row of ``kind`` (a tier, segment or rule code; A/B/C upper-cased;
    otherwise the name as typed, stripped). None for a blank."""
    if name is None or (isinstance(name, float) and pd.isna(name)) or not str(name).strip():
        return None
    text = str(name).strip()
    if kind == PROBLEM:
        extra = next((c for c, pair in _EXTRA_NAMES.items() if vocab._fold(text) in map(vocab._fold, pair)), None)
        if extra:
            return extra
    domain = _NAME_DOMAIN.get(kind)
    code = vocab.parse(domain, text) if domain else None
    return code or (text.upper() if kind == CLASS and len(text) == 1 else text)


def _default_book(kind: str) -> dict[str, dict[str, Msg]]:
    """name → {column: a message showing the default text in the workbook's language}."""
    return {name: {c: msg("playbook.default", text=Word(("playbook", kind, name, c))) for c in TEXT_COLUMNS}
            for k, name in DEFAULTS if k == kind}


def lookup(playbook: pd.DataFrame, kind: str, lang: str | None = None) -> dict[str, dict]:
    """name code → {column: text} for the rows of one ``kind`` (``TIER``/``SEGMENT``/``CLASS``/``PROBLEM``).

    The user's sheet wins over the defaults (the last row of a name wins); its text is kept as typed.
    A default's text is a message in every language, or plain text in ``lang`` when one is given."""
    book: dict[str, dict] = _default_book(kind)
    if lang is not None:
        book = {n: {c: text(v, lang) for c, v in row.items()} for n, row in book.items()}
    if playbook is not None and not playbook.empty and {"kind", "name"} <= set(playbook.columns):
        for r in playbook.to_dict("records"):
            if vocab.parse("playbook_kind", r.get("kind")) != kind:
                continue
            code = name_code(kind, r.get("name"))
            if code is None:
                continue
            book[code] = {c: ("" if r.get(c) is None or (isinstance(r.get(c), float) and r.get(c) != r.get(c))
                              else str(r.get(c))) for c in TEXT_COLUMNS}
    return book


def plain(value) -> str:
    """A playbook value as text (a default's message rendered in the reference language; typed text as is)."""
    if isinstance(value, Msg):
        return text(value, words.REFERENCE)
    return "" if value is None else str(value)


MAX_DEADLINE_DAYS = 3660  # ten years; as_of (≤ 2199-12-31) + this stays far inside pandas' range


_PERIOD_DAYS = {"week": 7, "quarter": 90, "month": 30, "year": 365}  # looked for in this order


def _deadline_words(key: str) -> tuple[str, ...]:
    """Every language's ``[playbook.deadline]`` words for ``key``, case-folded."""
    return tuple(w.casefold() for lang in words.LANGS for w in words.word(lang, "playbook", "deadline", key))


# a number and a day unit: 15天, 15 days, 7d (a Latin word must end there: not the d of '7dozen')
_DAYS = re.compile(r"(\d+)\s*(" + "|".join(re.escape(w) + (r"\b" if w[-1].isascii() else "")
                                            for w in _deadline_words("day")) + ")", flags=re.IGNORECASE)
_PERIODS = [(_deadline_words(key), days) for key, days in _PERIOD_DAYS.items()]


def deadline_days(text, default: int = 30) -> int:
    """'15天' / '15 days' → 15, '每周' / 'Weekly' → 7, '每月' / 'Monthly' → 30, '每季度' / 'Quarterly' → 90
    (the ``[playbook.deadline]`` words of every language)."""
    text = plain(text)
    m = _DAYS.search(text)
    if m:  # capped: '99999999天' typed in 策略库 must not push as_of + days past pandas' year 2262
        return min(int(m.group(1)), MAX_DEADLINE_DAYS)
    low = text.casefold()
    for said, days in _PERIODS:
        if any(w in low for w in said):
            return days
    return default
