"""Output tables: a DataFrame plus what each column means, so the writer can show it.

The core computes in 元 and fractions; a :class:`Block` says which columns are amounts
(shown in the display unit), percentages, dates, counts or codes; the headers and the words
for codes are the vocabulary's (:mod:`salesbook.vocab`), chosen by the writer in the workbook's
language. An output sheet is a list of blocks written one under another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# kind: text | amount | pct | int | num | date | growth (a number or the code 'new', shown 新增 / New)
#       | flag (a boolean shown as 是 / yes, blank when false)
#       | pp (a rate's change: a fraction difference shown in percentage points)
#       | row (the format of each row is in the frame's '<key>_kind' column, else 'kind', e.g. a KPI block)


@dataclass(frozen=True)
class Col:
    """One output column: its key in the frame (and in :data:`salesbook.vocab.HEADERS`, which holds
    the header in each language), how to show it, whether users type into it, and, for a column of
    codes, the vocabulary domain that turns them into words."""
    key: str
    kind: str = "text"
    user: bool = False  # a column users type into; survives refresh
    domain: str | None = None  # codes of this vocabulary domain (salesbook.vocab.DOMAINS)


@dataclass(frozen=True)
class Block:
    """A titled table of an output sheet. ``title`` is a :class:`salesbook.messages.Msg` (rendered in
    the workbook's language by the writer); headers come from the vocabulary by column key."""
    key: str
    title: Any
    df: pd.DataFrame
    cols: tuple[Col, ...]
    id_col: str | None = None  # the stable key that user-typed columns are matched by

    def __post_init__(self) -> None:
        missing = [c.key for c in self.cols if c.key not in self.df.columns and not c.user]
        if missing:
            raise ValueError(f"block {self.key}: columns {missing} not in frame")

    def col(self, key: str) -> Col:
        """The column with ``key``."""
        return next(c for c in self.cols if c.key == key)

    @property
    def user_cols(self) -> tuple[Col, ...]:
        """The columns users type into."""
        return tuple(c for c in self.cols if c.user)


def cols(*specs: tuple | str) -> tuple[Col, ...]:
    """Columns from short specs: ``"key"``, ``("key", kind)``, ``("key", kind, user)`` or
    ``("key", kind, user, domain)``."""
    return tuple(Col(s) if isinstance(s, str) else Col(*s) for s in specs)


NEW_LABEL = "new"  # growth on a zero or missing base (SPEC §4): a code of vocabulary domain "growth" (新增 / New)


def growth(current: pd.Series, base: pd.Series, known: pd.Series | None = None) -> pd.Series:
    """(current − base) / base; the code :data:`NEW_LABEL` ('new', shown 新增) where the base is zero
    or missing and something sold now (nothing then and nothing now is NaN, shown —).

    ``known`` (optional, boolean) marks bases the data covers; where it is False the base lies
    before the data begins and the growth is NaN (shown —), not 新增 (SPEC §4 periods)."""
    current = current.astype("float64")
    base = base.astype("float64")
    ok = base.notna() & base.ne(0)
    g = ((current - base) / base.abs()).where(ok)
    out = g.astype("object").where(ok, NEW_LABEL)
    out = out.where(~(current.fillna(0).eq(0) & ~ok), np.nan)  # nothing then, nothing now: no growth to show
    if known is not None:
        out = out.where(known.astype(bool), np.nan)
    return out


def point_change(current: pd.Series, base: pd.Series, known: pd.Series | None = None) -> pd.Series:
    """A rate's change as a fraction difference (0.011 = +1.1 percentage points); NaN when either
    rate is missing or the base lies before the data (SPEC §4: rates change in points)."""
    out = current.astype("float64") - base.astype("float64")
    return out.where(known.astype(bool)) if known is not None else out


def ratio(num: pd.Series | float, den: pd.Series | float):
    """num / den, NaN where den is zero or missing (never ∞)."""
    if isinstance(den, pd.Series):
        den = den.astype("float64")
        return (num / den.where(den.ne(0))).astype("float64")
    return float("nan") if not den else num / den
