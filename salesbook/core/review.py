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
from typing import Any

import pandas as pd

from .. import vocab
from ..messages import Code, Money, Msg, Num, msg

DRAFT, REVIEWED, AGAIN = "draft", "reviewed", "review_again"  # codes of the vocabulary's review_status domain

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")


def fingerprint(texts: pd.Series | list[str]) -> str:
    """A short hash of every number in the report's sentences, in order."""
    numbers = [n for t in texts if isinstance(t, str) for n in _NUMBER.findall(t)]
    return hashlib.sha1("|".join(numbers).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Review:
    """What the sheet shows (status, reviewer, date, note) and what the store remembers."""

    status: str  # a review_status code, or the text typed when it is none
    reviewer: object
    date: object
    note: Any  # a Msg ("" when none; a note stored by an earlier write is its text)
    reviewed_fp: str  # the fingerprint accepted by the last review ("" when none)
    reviewed_summary: str  # the headline numbers at that review, for the sentence
    last_fp: str  # the fingerprint of the report just written
    last_summary: str


def normal_status(text: object) -> str:
    """The typed status as a code (草稿/已审核/需重新审核 or their English words); empty → draft;
    any other text is kept as typed."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
        return DRAFT
    return vocab.parse("review_status", text) or str(text).strip()


def summary(n_orders: int, sales: float) -> str:
    """The headline numbers remembered with a fingerprint, in no language: "800|12345600.00" (元)."""
    return f"{n_orders}|" if math.isnan(float(sales)) else f"{n_orders}|{float(sales):.2f}"


def _say(summary_text: str) -> Msg:
    n, _, sales = summary_text.partition("|")
    n_value: Any = Num(int(n.replace(",", ""))) if n.replace(",", "").isdigit() else n
    try:
        sales_value: Any = Money(float(sales))
    except ValueError:  # a summary stored by an older version: its text as it was
        sales_value = sales
    return msg("review.summary", orders=n_value, sales=sales_value)


def decide(typed: dict, stored: dict, current_fp: str, current_summary: str) -> Review:
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
            changed = base_summary and base_summary != current_summary
            what = (msg("review.change", before=_say(base_summary), after=_say(current_summary)) if changed
                    else msg("review.numbers_changed"))
            who = ", ".join(str(x) for x in (reviewer, _date_text(date)) if x not in (None, ""))
            note = msg("review.again_note", who=who or "—", what=what, reviewed=Code("review_status", REVIEWED))
            reviewed_fp, reviewed_summary = "", ""
        else:
            reviewed_fp, reviewed_summary = current_fp, current_summary
    elif status == AGAIN:
        note = stored.get("note") or msg("review.again_default")
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
