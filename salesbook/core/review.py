"""S1 第七步 审核: the review block of 分析报告 and when a reviewed report must be reviewed again.

The manager types 状态 (草稿/已审核), 审核人 and 审核日期; refresh and 生成报告 keep them. A
fingerprint of the report's numbers (every number in its sentences, in the Chinese text so the
language does not matter) is remembered for the last written report and for the reviewed one.
When 状态 is 已审核 and the numbers now differ from the ones reviewed — the last written report's
when the manager typed 已审核 after it — 状态 becomes 需重新审核 with a sentence saying what
changed; typing 已审核 again accepts the new numbers. Any other text in 状态 is kept as typed.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

import pandas as pd

DRAFT, REVIEWED, AGAIN = "草稿", "已审核", "需重新审核"
STATUS_EN = {DRAFT: "draft", REVIEWED: "reviewed", AGAIN: "review again"}
STATUS_ZH = {v: k for k, v in STATUS_EN.items()}

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")


def fingerprint(texts: pd.Series | list[str]) -> str:
    """A short hash of every number in the report's sentences, in order."""
    numbers = [n for t in texts if isinstance(t, str) for n in _NUMBER.findall(t)]
    return hashlib.sha1("|".join(numbers).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Review:
    """What the sheet shows (status, reviewer, date, note) and what the store remembers."""

    status: str
    reviewer: object
    date: object
    note: str
    reviewed_fp: str  # the fingerprint accepted by the last review ("" when none)
    reviewed_summary: str  # the headline numbers at that review, for the sentence
    last_fp: str  # the fingerprint of the report just written
    last_summary: str


def normal_status(text: object) -> str:
    """The typed status, English words mapped to the Chinese ones; empty → 草稿."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
        return DRAFT
    s = str(text).strip()
    return STATUS_ZH.get(s.lower(), s)


def summary(n_orders: int, sales_text: str) -> str:
    """The headline numbers remembered with a fingerprint: "800|1,234.56万元"."""
    return f"{n_orders:,}|{sales_text}"


def _say(summary_text: str, lang: str) -> str:
    n, _, sales = summary_text.partition("|")
    return f"订单 {n} 笔、今年累计销售额 {sales}" if lang == "zh" else f"{n} orders, {sales} sales this year"


def decide(typed: dict, stored: dict, current_fp: str, current_summary: str, lang: str = "zh") -> Review:
    """The review after this write.

    ``typed``: status/reviewer/date read from the sheet before it was rewritten; ``stored``:
    reviewed_fp, reviewed_summary, last_fp, last_summary and note from the hidden store;
    ``current_*``: the report about to be written. ``*_summary`` is a sentence fragment with the
    headline numbers (orders, sales) used to say what changed."""
    status = normal_status(typed.get("status"))
    reviewer, date = typed.get("reviewer"), typed.get("date")
    reviewed_fp = stored.get("reviewed_fp") or ""
    reviewed_summary = stored.get("reviewed_summary") or ""
    note = ""
    if status == REVIEWED:
        base = reviewed_fp or stored.get("last_fp") or ""
        base_summary = reviewed_summary if reviewed_fp else (stored.get("last_summary") or "")
        if base and base != current_fp:
            status = AGAIN
            zh = lang == "zh"
            changed = base_summary and base_summary != current_summary
            what = (f"{_say(base_summary, lang)} → {_say(current_summary, lang)}" if changed
                    else ("报告中的数字已变化" if zh else "numbers in the report changed"))
            who = ", ".join(str(x) for x in (reviewer, _date_text(date)) if x not in (None, ""))
            note = (f"审核（{who or '—'}）后数据已更新：{what}。请核对后将状态改回“已审核”。" if zh else
                    f"The data changed after the review ({who or '—'}): {what}. Check it and set the status "
                    "back to “reviewed”.")
            reviewed_fp, reviewed_summary = "", ""
        else:
            reviewed_fp, reviewed_summary = current_fp, current_summary
    elif status == AGAIN:
        note = stored.get("note") or ("数据已在审核后变化，请重新审核。" if lang == "zh"
                                      else "The data changed after the review: review it again.")
        reviewed_fp, reviewed_summary = "", ""
    else:
        reviewed_fp, reviewed_summary = "", ""
    return Review(status, reviewer, date, note, reviewed_fp, reviewed_summary, current_fp, current_summary)


def _date_text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    return str(v)
