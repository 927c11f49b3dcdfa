"""Text stays text, and a cell's exact state can be kept and put back — in a file or in Excel.

``as_text`` is the one converter for every string salesbook writes: Excel turns a typed
``=…``, ``+…``, ``-…`` or ``@…`` into a formula, ``00123`` into 123 and ``2024-1-5`` into a
date, so such text is written with Excel's own quote prefix (``'``), which makes it text
in Excel and in the file engine alike.

``capture``/``restore`` keep a cell's state for Flag → Clear flags and Clean → Undo clean.
With the file engine the state is the cell's exact XML and its note's exact XML (fills,
quote prefixes, rich text and note authors come back byte for byte). In live Excel it is
what the object model can read back: formula, number format, fill colour and note text.
"""

from __future__ import annotations

import json
import re
from typing import Any

import xlwings as xw

_COERCED = re.compile(r"^\s*([-+]?[\d,]*\.?\d+(e[-+]?\d+)?%?|\d{1,4}[-/.年]\d{1,2}([-/.月]\d{1,4}日?)?.*|true|false|"
                      r"#(n/a|value!|ref!|div/0!|num!|name\?|null!))\s*$", re.I)


_SUSPECT = frozenset("=+-@'.#0123456789tTfF \t\n\r\u3000")
FORMULA_START = "=+-@"  # text starting with one of these would become a formula in Excel


def as_text(v: Any) -> Any:
    """A value ready for Range.value: strings Excel would not keep as typed get the quote prefix."""
    if type(v) is str and v and v[0] in _SUSPECT and (v[0] in FORMULA_START or v[0] == "'" or _COERCED.match(v)):
        return "'" + v
    return v


def texts(values: Any) -> Any:
    """``as_text`` over a value, a row or a table."""
    if isinstance(values, (list, tuple)):
        return [texts(v) for v in values]
    return as_text(values)


def put(rng: xw.Range, values: Any) -> None:
    """Write a value, row or table into ``rng`` (one call), every string kept as text."""
    rng.value = texts(values)


def _file_range(rng: xw.Range):
    impl = rng.impl
    return impl if hasattr(impl, "snapshot") else None


def capture(rng: xw.Range) -> dict[str, Any]:
    """The state of one cell: {"cell": …, "note": …} (compare components with ``==``)."""
    impl = _file_range(rng)
    if impl is not None:
        return impl.snapshot()
    note = rng.note  # pragma: no cover - live Excel
    return {"cell": {"formula": rng.formula, "number_format": rng.number_format, "color": rng.color},
            "note": note.text if note is not None else None}


def fill_of(rng: xw.Range, state: dict[str, Any]) -> Any:
    """The fill a state records (a fill id in a file, the colour in Excel), to compare two states."""
    impl = _file_range(rng)
    if impl is not None:
        return impl.fill_of(state)
    return state["cell"]["color"]  # pragma: no cover - live Excel


def restore_fill(rng: xw.Range, state: dict[str, Any]) -> None:
    """Put back only the fill a state had; the value and number format, changed since, stay."""
    impl = _file_range(rng)
    if impl is not None:
        impl.restore_fill(state)
        return
    rng.color = state["cell"]["color"]  # pragma: no cover - live Excel


def restore(rng: xw.Range, state: dict[str, Any], *, cell: bool = True, note: bool = True) -> None:
    """Put a captured state back: the cell (value, format, fill), the note, or both."""
    impl = _file_range(rng)
    if impl is not None:
        impl.restore(state, cell=cell, note=note)
        return
    if cell:  # pragma: no cover - live Excel
        c = state["cell"]
        formula = c["formula"]
        rng.formula = formula if isinstance(formula, str) and formula.startswith("=") else as_text(formula)
        rng.number_format = c["number_format"]
        rng.color = c["color"]
    if note:  # pragma: no cover - live Excel
        current = rng.note
        if state["note"] is None:
            if current is not None:
                current.delete()
        elif current is not None:
            current.text = state["note"]
        else:
            rng.add_note(state["note"])


def dumps(state: dict[str, Any]) -> str:
    """A captured state as the JSON text kept in a hidden store sheet."""
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"), default=str)


def loads(text: Any) -> dict[str, Any] | None:
    """A state from its stored text; None when the text is not one (a user typed over it)."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) and "cell" in value else None


def current(rng: xw.Range) -> dict[str, Any]:
    """The cell's state now, in the form a stored state reads back as (tuples become lists), so
    it compares with ``==`` against states loaded from a store sheet."""
    return loads(dumps(capture(rng)))
