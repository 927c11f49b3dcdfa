"""Cell addresses and small value helpers of the file engine (see :mod:`.engine`)."""

from __future__ import annotations

import re
from typing import Any

from .xmlsafe import col_index

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COLUMN_ONLY = re.compile(r"^\$?([A-Za-z]{1,3})$")


def _parse_cell(ref: str) -> tuple[int, int]:
    m = _A1.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1).upper())


def _parse_address(address: str) -> tuple[int, int, int, int]:
    """'A1' or 'A1:C3' or 'A:C' -> (row1, col1, row2, col2), 1-based, inclusive."""
    if "!" in address:
        address = address.split("!", 1)[1]
    parts = address.split(":")
    if len(parts) == 2 and _COLUMN_ONLY.match(parts[0]) and _COLUMN_ONLY.match(parts[1]):
        c1 = col_index(parts[0].strip("$").upper())
        c2 = col_index(parts[1].strip("$").upper())
        return 1, c1, 1048576, c2
    r1, c1 = _parse_cell(parts[0])
    r2, c2 = _parse_cell(parts[-1])
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _to_rgb_hex(color: Any) -> str:
    if isinstance(color, str):
        return color.lstrip("#").upper()[-6:]
    r, g, b = color
    return f"{int(r):02X}{int(g):02X}{int(b):02X}"


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _jump(rows: list[int], r: int, step: int) -> int:
    """Ctrl+Up/Down over the sorted non-empty rows of a column."""
    import bisect

    i = bisect.bisect_left(rows, r)
    here = i < len(rows) and rows[i] == r
    if here and 0 <= i + step < len(rows) and rows[i + step] == r + step:  # inside a block: to its edge
        while 0 <= i + step < len(rows) and rows[i + step] == rows[i] + step:
            i += step
        return rows[i]
    if step > 0:
        j = bisect.bisect_right(rows, r)
        return rows[j] if j < len(rows) else 1048576
    j = bisect.bisect_left(rows, r) - 1
    return rows[j] if j >= 0 else 1
