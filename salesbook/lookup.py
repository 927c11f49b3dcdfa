"""What the UDFs compute: O(1) lookups against the workbook's last analysis, elementwise over ranges.

``by_customer`` reads the RFM and 客户分层 sheets once per refresh of a workbook (the cache key is
the refresh timestamp on the dashboard, one cell read per call) and then answers from dicts.
Values keep the shape of the argument: a cell gives a value, a range gives an array that spills.
"""

from __future__ import annotations

import numbers
from typing import Any

import xlwings as xw

from . import schema, vocab, words
from .core.parse import key_text
from .core.rfm import segment
from .core.tables import NEW_LABEL
from .excel.book import from_sheet_names

_CACHE: dict[str, tuple[Any, dict[str, dict[str, str]]]] = {}
_FIELDS = {"segment": "rfm", "rfm_code": "rfm", "tier": "tiers"}  # field (a column key) → the sheet (and block) key


def _err(code: str, lang: str) -> str:
    """What a cell shows instead of a value (#未知客户 / #unknown id …: the ``[udf]`` words)."""
    return str(words.word(lang, "udf", code))


def _headers(key: str, sheet_key: str) -> set[str]:
    """The header of column ``key`` of an output sheet in every language (and the key itself)."""
    return {key, *(vocab.header(key, lang, block=sheet_key) for lang in words.LANGS)}


def _each(fn, *args):
    """Apply fn elementwise, keeping the shape of the first list argument (ranges spill)."""
    shaped = next((a for a in args if isinstance(a, list)), None)
    if shaped is None:
        return fn(*args)

    def pick(a, i, j=None):
        if not isinstance(a, list):
            return a
        v = a[i]
        return v[j] if j is not None and isinstance(v, list) else v

    if shaped and isinstance(shaped[0], list):
        return [[fn(*(pick(a, i, j) for a in args)) for j in range(len(row))] for i, row in enumerate(shaped)]
    return [fn(*(pick(a, i) for a in args)) for i in range(len(shaped))]


def _id(value) -> str | None:
    """A customer id as the analysis keys it (:func:`~salesbook.core.parse.key_text`): 1001.0 → '1001',
    trimmed, full-width folded (Ｃ００１ → C001), blank → None."""
    return key_text(value)


def _sheet_table(book: xw.Book, key: str) -> dict[str, dict[str, str]]:
    names = [s.name for s in book.sheets]
    name = schema.find_sheet(key, names)
    if name is None:
        return {}
    values = book.sheets[name].used_range.options(ndim=2).value
    if len(values) < 2:
        return {}
    header = [str(h) if h is not None else "" for h in values[1]]
    out: dict[str, dict[str, str]] = {}
    ids = _headers("customer_id", key)
    id_col = next((i for i, h in enumerate(header) if h in ids), None)
    if id_col is None:
        return {}
    for field, sheet_key in _FIELDS.items():
        if sheet_key != key:
            continue
        names = _headers(field, key)
        col = next((i for i, h in enumerate(header) if h in names), None)
        if col is not None:
            out[field] = {_id(r[id_col]): r[col] for r in values[2:] if _id(r[id_col])}
    return out


def refresh_stamp(book: xw.Book):
    """When the workbook was last refreshed (the dashboard's B3), or None before the first refresh."""
    name = schema.find_sheet("dashboard", [s.name for s in book.sheets])
    return book.sheets[name].range("B3").value if name else None


def tables(book: xw.Book) -> dict[str, dict[str, str]] | None:
    """field → {customer id → value}, cached until the next refresh of this workbook."""
    stamp = refresh_stamp(book)
    if stamp is None:
        return None
    key = book.fullname
    hit = _CACHE.get(key)
    if hit and hit[0] == stamp:
        return hit[1]
    t = {**_sheet_table(book, "rfm"), **_sheet_table(book, "tiers")}
    _CACHE[key] = (stamp, t)
    return t


def _translate(value: str, lang: str) -> str:
    """A segment or tier (its code, or the word a sheet of either language shows) in ``lang``."""
    for domain in ("segment", "tier"):
        code = vocab.parse(domain, value)
        if code:
            return vocab.label(domain, code, lang)
    return value


def book_lang(book) -> str:
    """The language the workbook's results are written in, as their sheet names show it (cheap enough for
    every UDF call: no cell is read; see :func:`.excel.book.from_sheet_names`)."""
    try:
        names = [s.name for s in book.sheets]
    except Exception:  # noqa: BLE001 - no workbook to ask: the reference language (Chinese), as before
        return words.REFERENCE
    return from_sheet_names(names)


def by_customer(caller, customer_id, field: str, lang: str | None = None):
    """A customer's value of ``field`` from the last refresh; segment and tier words in ``lang``
    (default: the workbook's language)."""
    book = caller.sheet.book if caller is not None else xw.Book.caller()
    t = tables(book)
    lang = lang or book_lang(book)

    def one(cid):
        key = _id(cid)
        if key is None:
            return ""
        if t is None:
            return _err("stale", lang)
        value = t.get(field, {}).get(key)
        return _err("unknown", lang) if value is None else _translate(str(value), lang)

    return _each(one, customer_id)


def _num(v):
    if isinstance(v, bool) or not isinstance(v, numbers.Number):
        try:
            return float(str(v).replace(",", ""))
        except (TypeError, ValueError):
            return None
    return float(v)


def segment_of(r, f, m, lang: str | None = None, caller=None):
    """The segment for R/F/M scores, in ``lang`` (default: the workbook's language; Chinese without one)."""
    lang = lang or (book_lang(caller.sheet.book) if caller is not None else words.REFERENCE)

    def one(r, f, m):
        scores = [_num(x) for x in (r, f, m)]
        if any(s is None or not 1 <= s <= 5 for s in scores):
            return _err("score", lang)
        return _translate(segment(*scores), lang)

    return _each(one, r, f, m)


def completion(actual, target):
    """actual / target, elementwise; text for a value that is not a number or a missing target."""
    def one(a, t):
        a, t = _num(a), _num(t)
        if a is None:
            return _err("number", words.REFERENCE)
        if not t:
            return _err("no_target", words.REFERENCE)
        return a / t

    return _each(one, actual, target)


def growth_of(current, base, lang: str = words.REFERENCE):
    """(current − base) / |base|, elementwise; 新增 (new) when the base is zero or empty."""
    def one(c, b):
        c = _num(c)
        if c is None:
            return _err("number", lang)
        b = _num(b) if b not in (None, "") else None
        if not b:
            return vocab.label("growth", NEW_LABEL, lang)
        return (c - b) / abs(b)

    return _each(one, current, base)
