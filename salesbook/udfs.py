"""Worksheet functions: ``=RFM_TIER(A2)``, ``=CUSTOMER_TIER(A2:A500)`` and friends (Windows Excel).

Every object here that carries xlwings' ``@xw.func`` marker becomes an Excel function, so this
module stays small and flat: each function is one line into :mod:`salesbook.lookup`.
Lookups by customer id read the workbook's last analysis (the RFM and 客户分层 sheets) once,
cache it keyed by the refresh timestamp on the dashboard, and answer each cell from a dict —
a new refresh invalidates the cache. Arguments may be single cells or ranges; a range returns
an array that spills. Bad input returns a short text such as ``#未知客户`` instead of an error.
"""

from __future__ import annotations

import xlwings as xw

from . import lookup, words


@xw.func
def RFM_TIER(customer_id, lang=None, caller=None):  # noqa: N802
    """RFM segment of a customer (高价值客户/潜力客户/流失风险客户/低价值客户) from the last refresh.
    客户的 RFM 分层。customer_id: 客户编号（可为区域）；lang: "zh" 或 "en"（默认为工作簿的语言）。"""
    return lookup.by_customer(caller, customer_id, "segment", lang)


@xw.func
def RFM_SCORE(customer_id, caller=None):  # noqa: N802
    """RFM code of a customer such as "555" (R, F, M scores 1–5) from the last refresh.
    客户的 RFM 得分，如 "555"。"""
    return lookup.by_customer(caller, customer_id, "rfm_code", words.REFERENCE)


@xw.func
def RFM_SEGMENT(r, f, m, lang=None, caller=None):  # noqa: N802
    """RFM segment for scores r, f, m (1–5): 高价值 R≥4,F≥4,M≥4 · 流失风险 R≤2 and (F≥3 or M≥3) · 潜力 F≥3 or M≥3.
    根据 R/F/M 分数（1–5）给出客户分层。"""
    return lookup.segment_of(r, f, m, lang, caller)


@xw.func
def CUSTOMER_TIER(customer_id, lang=None, caller=None):  # noqa: N802
    """Customer tier VIP/核心/普通/潜在 (VIP/Core/Regular/Prospect) from the last refresh, in the workbook's
    language unless lang is given. 客户层级（VIP/核心/普通/潜在）。"""
    return lookup.by_customer(caller, customer_id, "tier", lang)


@xw.func
def COMPLETION_RATE(actual, target):  # noqa: N802
    """Target completion = actual / target (45.2 / 40 → 1.13). 目标完成率 = 实际 / 目标。"""
    return lookup.completion(actual, target)


@xw.func
def GROWTH(current, base, lang=words.REFERENCE):  # noqa: N802
    """Growth = (current − base) / base; 新增 (new) when the base is zero or empty. 增长率，基数为 0 时为“新增”。"""
    return lookup.growth_of(current, base, lang)
