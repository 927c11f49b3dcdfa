"""Cell XML: rendering values as ``<c>`` elements, and reading values back from them.

Strings are always written as strings (inline), never as formulas, whatever they start
with. Numbers are written in their shortest round-tripping form; dates as Excel serials.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from .xmlsafe import escape_text, ref, unescape_excel

EPOCH = dt.datetime(1899, 12, 30)
_INF = float("inf")
_CELL_ATTR_S = re.compile(rb'\ss="(\d+)"')
_CELL_ATTR_T = re.compile(rb'\st="(\w+)"')
_V = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_T = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>|<(?:\w+:)?t\s*/>", re.S)
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_F = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)


def to_serial(v: dt.datetime | dt.date | dt.time) -> float:
    """A date, datetime or time as Excel's serial number (days since 1899-12-30; a time as a fraction of a day)."""
    if isinstance(v, dt.datetime):
        d = v.replace(tzinfo=None) - EPOCH
    elif isinstance(v, dt.date):
        d = dt.datetime(v.year, v.month, v.day) - EPOCH
    else:
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    return d.days + d.seconds / 86400 + d.microseconds / 86400e6


def from_serial(x: float) -> dt.datetime:
    """Excel's serial number as a datetime (the 1900 date system)."""
    return EPOCH + dt.timedelta(days=x)


def number_text(v: float | int) -> str:
    """A number as it is written in a cell's ``<v>`` (integers without '.0', booleans as 1/0, floats round-tripping)."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


_COLS = [""] + [ref(1, c)[:-1] for c in range(1, 16385)]


def render(row: int, col: int, value, s: int | None, p: str = "") -> str:
    """One ``<c>`` element (``p`` is the sheet's namespace prefix, e.g. 'x:' or '')."""
    r = f"{_COLS[col]}{row}"
    sa = f' s="{s}"' if s else ""
    t = type(value)
    if t is str and value and value == value.strip() and "\n" not in value:  # the common case first
        return f'<{p}c r="{r}"{sa} t="inlineStr"><{p}is><{p}t>{escape_text(value)}</{p}t></{p}is></{p}c>'
    if t is float and value == value and value not in (_INF, -_INF):
        return f'<{p}c r="{r}"{sa}><{p}v>{number_text(value)}</{p}v></{p}c>'
    if value is None:
        return f'<{p}c r="{r}"{sa}/>' if s else ""
    if isinstance(value, bool):
        return f'<{p}c r="{r}"{sa} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return f'<{p}c r="{r}"{sa} t="e"><{p}v>#NUM!</{p}v></{p}c>'
        return f'<{p}c r="{r}"{sa}><{p}v>{number_text(value)}</{p}v></{p}c>'
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return f'<{p}c r="{r}"{sa}><{p}v>{number_text(to_serial(value))}</{p}v></{p}c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<{p}c r="{r}"{sa} t="inlineStr"><{p}is><{p}t{space}>{escape_text(text)}</{p}t></{p}is></{p}c>'


def style_of(xml: bytes) -> int:
    """The style index (``s`` attribute) of a ``<c>`` element; 0 when it has none."""
    m = _CELL_ATTR_S.search(xml.split(b">", 1)[0])
    return int(m.group(1)) if m else 0


def with_style(xml: bytes, s: int) -> bytes:
    """The same cell element with another style index (value, formula, everything else kept)."""
    head, sep, rest = xml.partition(b">")
    if head.endswith(b"/"):
        head, tail = head[:-1], b"/"
    else:
        tail = b""
    if _CELL_ATTR_S.search(head):
        head = _CELL_ATTR_S.sub(b' s="%d"' % s, head) if s else _CELL_ATTR_S.sub(b"", head)
    elif s:
        head = head + b' s="%d"' % s
    return head + tail + sep + rest


def formula_of(xml: bytes) -> str | None:
    """A cell element's formula as Excel's Range.Formula gives it ('=…'), or None."""
    m = _F.search(xml)
    return None if m is None else "=" + _xml_unescape((m.group(1) or b"").decode("utf-8"))


def text_of(xml: bytes) -> str:
    """The plain text of a string item or inline string (runs joined, phonetic runs left out)."""
    xml = _RPH.sub(b"", xml)
    return unescape_excel("".join(_xml_unescape(m.group(1).decode("utf-8")) for m in _T.finditer(xml)
                                  if m.group(1) is not None))


def _xml_unescape(s: str) -> str:
    if "&" not in s:
        return s
    s = re.sub(r"&#x([0-9A-Fa-f]+);", lambda m: chr(int(m.group(1), 16)), s)
    s = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), s)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
        .replace("&amp;", "&")


def value_of(xml: bytes, shared: list[str] | None, is_date) -> object:
    """What Excel's Range.Value gives for a cell element (a formula gives its saved result)."""
    head = xml.split(b">", 1)[0]
    t = _CELL_ATTR_T.search(head)
    kind = t.group(1).decode() if t else "n"
    if kind == "inlineStr":
        return text_of(xml) or None
    m = _V.search(xml)
    if m is None:
        return None
    raw = _xml_unescape(m.group(1).decode("utf-8"))
    if kind == "s":
        i = int(raw)
        return shared[i] if shared is not None and 0 <= i < len(shared) else None
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw.strip() in ("1", "true")
    try:
        x = float(raw)
    except ValueError:
        return raw
    if is_date(style_of(xml)) and math.isfinite(x) and -1 < x < 2958466:
        return from_serial(x)
    return x
