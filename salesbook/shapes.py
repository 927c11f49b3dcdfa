"""The shape of a table as exports and Excel users make it: where its header is, its unit, wide periods.

The same rules read a file for ``salesbook import`` and a sheet for a refresh, so rows pasted into
the input sheet read exactly like the file they came from. ``detect(spec, rows)`` takes the cells of
a sheet or file (a list of rows, as read) and finds:

* the header row under title rows — a plain or merged title ("2025年订单明细"), a unit line
  ("单位：万元"), an export stamp ("导出时间：2025-07-01 09:30"), blank rows: the row within the first
  :data:`SCAN_ROWS` that names the most columns (required ones first);
* the unit of the amount columns: a unit in the header (``金额(万元)``) wins, else a unit stated in a
  title row (``单位：万元``, ``金额单位：万元``, ``(万元)``) applies to every amount column, with a note;
* wide targets: rows = reps (or product lines, regions) and one column per period — ``2024年1月``,
  ``2024-01``, ``2024Q1``, or ``1月 … 12月`` / ``Q1 … Q4`` with the year in a title row. 合计/总计/小计/全年
  columns are totals of other columns, never periods: they are left out and said so.

``frame(rows, shape, row_numbers)`` then gives the table long: one column per key, plus ``_row``
(the row number the caller passes for each row: the Excel row, or the file row) and, for a wide
table, ``_col`` (the 0-based position of the cell each target came from, so a caller can point at
the real cell). Nothing here reads files or Excel.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import schema
from .core import parse

SCAN_ROWS = 20
DIMENSIONS = ("salesperson", "product_line", "region")

_TITLE_UNIT = re.compile(r"(?:金额|货币|计量)?单位\s*[:：]?\s*(?:人民币)?\s*(万元|千元|亿元|元|万)"
                         r"|[(（]\s*(万元|千元|元|万)\s*[)）]|^\s*(万元|元)\s*$")
# in the header row only a cell that is nothing but a unit statement counts ('运费(元)' is its own column's unit)
_HEADER_UNIT = re.compile(r"^\s*(?:(?:金额|货币|计量)?单位\s*[:：]?\s*(?:人民币)?\s*)?[(（]?\s*(万元|千元|元)\s*[)）]?\s*$")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年度?|财年)(?!\s*\d{1,2}\s*月\s*\d{1,2})"
                         r"|FY\s*((?:19|20)\d{2})", re.IGNORECASE)
_TOTAL = re.compile(r"合计|总计|小计|全年|年度|累计|汇总|total|sum", re.IGNORECASE)
_PERIOD_SUFFIX = re.compile(r"(?:销售|业绩)?(?:目标|任务|指标|预算)(?:额|值|金额)?$")
_MONTH_ONLY = re.compile(r"^(\d{1,2})月份?$")
_QUARTER_ONLY = re.compile(r"^(?:q|第)?([1-4一二三四])(?:季度|季)?$", re.IGNORECASE)
_CN = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass(frozen=True)
class PeriodColumn:
    """A column of a wide table that holds one period (e.g. 1月 → '2025-01')."""

    index: int  # 0-based position in the row
    header: str  # as typed
    period: str  # what the cleaner parses: '2024-01', '2024Q1', '2024'


@dataclass(frozen=True)
class Shape:
    """Where a table is and how to read it. ``notes`` are (zh, en) sentences for the user."""

    header: int  # index of the header row in the rows given to :func:`detect`
    match: schema.HeaderMatch
    units: dict[str, str]  # amount key → unit (from its header, else from a title row)
    periods: tuple[PeriodColumn, ...] = ()  # a wide table's period columns
    totals: tuple[tuple[int, str], ...] = ()  # (position, header) of total columns left out
    label: int | None = None  # wide: the column read as ``label_key`` although its header names nothing
    label_key: str = "salesperson"
    notes: tuple[tuple[str, str], ...] = field(default=())

    @property
    def wide(self) -> bool:
        return bool(self.periods)

    @property
    def keys(self) -> set[str]:
        """Every key this table provides (a wide table provides period and target)."""
        keys = set(self.match.mapping.values())
        if self.wide:
            keys |= {"period", "target"}
        if self.label is not None:
            keys.add(self.label_key)
        return keys

    def missing(self, spec: schema.SheetSpec) -> list[schema.Column]:
        return schema.missing_required(spec, self.keys)


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def title_texts(rows: list[list[Any]]) -> list[str]:
    """The non-empty texts of the title rows above a table, trimmed, in reading order."""
    return [_text(v) for row in rows for v in row if isinstance(v, str) and v.strip()]


def title_unit(texts: list[str]) -> tuple[str, str] | None:
    """(unit, the text that states it) from title lines such as '单位：万元' or '2025年目标（万元）'."""
    for t in texts:
        if t.startswith(("导出", "打印", "制表")):
            continue  # 导出时间/打印人/制表人 lines state no unit
        m = _TITLE_UNIT.search(t)
        if m:
            return next(g for g in m.groups() if g), t
    return None


def title_year(texts: list[str]) -> int | None:
    """The year a title names ('2025年销售目标', 'FY2025'); an export stamp's date is not a title year."""
    for t in texts:
        m = _TITLE_YEAR.search(t)
        if m:
            return int(m.group(1) or m.group(2))
    return None


def period_of(cell: Any, year: int | None) -> tuple[str, str | None] | None:
    """(period text, unit) a header cell names, or None: '2024年1月' → ('2024-01', None),
    '1月' with year 2025 → ('2025-01', None), '2024Q1目标(万元)' → ('2024Q1', '万元')."""
    if isinstance(cell, (dt.date, pd.Timestamp)):
        p = parse.parse_period(cell)
        return (str(p), None) if p is not None else None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        v = float(cell)  # a plain number is a target, not a period, unless it reads as yyyymm
        if v == int(v) and 190001 <= v <= 210012 and 1 <= int(v) % 100 <= 12:
            return f"{int(v) // 100}-{int(v) % 100:02d}", None
        return None
    if not isinstance(cell, str) or not cell.strip():
        return None
    base, unit = schema.split_unit(cell)
    base = _PERIOD_SUFFIX.sub("", parse.normalize_text(base).replace(" ", ""))
    if not base or _TOTAL.search(base):
        return None
    if re.fullmatch(r"\d{4}", base):
        return None  # a bare year is a yearly total beside its months, not a period column
    p = parse.parse_period(base)
    if p is not None:
        return str(p), unit
    if year is None:
        return None
    m = _MONTH_ONLY.match(base)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{year}-{int(m.group(1)):02d}", unit
    m = _QUARTER_ONLY.match(base)
    if m:
        q = _CN.get(m.group(1)) or int(m.group(1))
        return f"{year}Q{q}", unit
    return None


def _is_total(cell: Any) -> bool:
    return isinstance(cell, str) and bool(_TOTAL.search(schema.split_unit(cell)[0]))


def _candidate(spec: schema.SheetSpec, row: list[Any], year: int | None):
    m = schema.match_headers(spec, list(row))
    periods: list[PeriodColumn] = []
    if spec.key == "targets" and "period" not in m.mapping.values():
        for i, cell in enumerate(row):
            if i in m.mapping:
                continue
            p = period_of(cell, year)
            if p is not None:
                periods.append(PeriodColumn(i, _text(cell), p[0]))
    if len(periods) < 2:
        periods = []
    return m, periods


def detect(spec: schema.SheetSpec, rows: list[list[Any]]) -> Shape | None:
    """The table's shape, or None when no row within :data:`SCAN_ROWS` names any column of ``spec``."""
    rows = [list(r) if r is not None else [] for r in rows[:SCAN_ROWS]]
    best = None
    for i, row in enumerate(rows):
        year = title_year(title_texts(rows[:i]))
        m, periods = _candidate(spec, row, year)
        if not m.mapping and not periods:
            continue
        keys = set(m.mapping.values()) | ({"period", "target"} if periods else set())
        score = (-len(schema.missing_required(spec, (keys | {"salesperson"}) if periods else keys)),
                 len(m.mapping) + len(periods))
        if best is None or score > best[0]:
            best = (score, i, m, periods, year)
    if best is None:
        return None
    _, idx, m, periods, year = best
    return _shape(spec, rows, idx, m, periods, year)


def _shape(spec, rows, idx, m: schema.HeaderMatch, periods, year) -> Shape:
    notes: list[tuple[str, str]] = []
    header = rows[idx]
    titles = title_texts(rows[:idx])
    if idx:
        notes.append((f"表头在第 {idx + 1} 行（上方 {idx} 行为标题/说明，未作为数据读取）",
                      f"header found on row {idx + 1} (the {idx} row(s) above are titles, not data)"))
    units = dict(m.units)
    totals: list[tuple[int, str]] = []
    label, label_key = None, "salesperson"
    if periods:
        period_units = {schema.split_unit(header[p.index])[1] for p in periods} - {None}
        if len(period_units) == 1:
            units["target"] = period_units.pop()
        for i, key in list(m.mapping.items()):
            if key in ("target", "period"):  # 年度目标 beside the months: a total, not a period
                totals.append((i, _text(header[i])))
        period_idx = {p.index for p in periods}
        totals += [(i, _text(c)) for i, c in enumerate(header) if i not in period_idx and _is_total(c)
                   and i not in m.mapping]
        if not any(k in DIMENSIONS for k in m.mapping.values()):
            first = min(period_idx)
            label = next((i for i in range(first) if i not in m.mapping), None)
            joined = "".join(titles)
            label_key = "product_line" if "产品" in joined else "region" if re.search("区域|大区|地区", joined) \
                else "salesperson"
            if label is not None:
                col = spec.column(label_key)
                name = _text(header[label]) or f"第 {label + 1} 列"
                notes.append((f"「{name}」按{col.name('zh')}读取",
                              f"column '{name}' read as {col.name('en').lower()}"))
        span = f"{periods[0].header} … {periods[-1].header}"
        notes.append((f"按月/季的目标列（{span}，{len(periods)} 列）已转为每行一个周期",
                      f"{len(periods)} period columns ({span}) read as one target per period"))
        if totals:
            names = "、".join(h or "(空)" for _, h in totals)
            notes.append((f"合计列「{names}」不是周期，未计入目标", f"total column(s) '{names}' are not periods: left out"))
    found = title_unit(titles) or next(((u.group(1), h) for _, h in m.unknown if (u := _HEADER_UNIT.match(h))), None)
    amount_keys = [c.key for c in spec.columns if c.kind == "amount" and c.key in (set(m.mapping.values()) |
                                                                                   ({"target"} if periods else set()))]
    if found:
        unit, text = found
        applied = [k for k in amount_keys if k not in units]
        for k in applied:
            units[k] = unit
        if applied:
            cols = "、".join(spec.column(k).name("zh") for k in applied)
            notes.append((f"标题「{text}」注明单位 {unit}：{cols} 按{unit}读取",
                          f"title '{text}' states the unit {unit}: {', '.join(applied)} read in {unit}"))
    return Shape(idx, m, units, tuple(periods), tuple(totals), label, label_key, tuple(notes))


def frame(rows: list[list[Any]], shape: Shape, row_numbers: list[int], *, extras: bool = False) -> pd.DataFrame:
    """The table under the header as a long frame: one column per key (``extras``: unknown columns
    too, under their own header), ``_row`` from ``row_numbers`` and, if wide, ``_col`` (0-based)."""
    body = rows[shape.header + 1:]
    numbers = row_numbers[shape.header + 1:]
    keyed = dict(shape.match.mapping)
    if shape.label is not None:
        keyed[shape.label] = shape.label_key
    if extras:
        for i, h in shape.match.unknown + shape.match.unused + [(i, h) for i, h, _ in shape.match.duplicates]:
            if i not in keyed and not any(i == p.index for p in shape.periods) and i not in dict(shape.totals):
                keyed[i] = _unique(h, keyed.values())
    if shape.wide:
        keyed = {i: k for i, k in keyed.items() if k not in ("period", "target")}

    def cell(row, i):
        return row[i] if i < len(row) else None

    if not shape.wide:
        data: dict[str, list[Any]] = {k: [cell(r, i) for r in body] for i, k in keyed.items()}
        df = pd.DataFrame(data, dtype="object")
        df["_row"] = pd.Series(numbers, dtype="int64")
        return df
    records: list[list[Any]] = []
    for row, number in zip(body, numbers, strict=True):
        fixed = [cell(row, i) for i in keyed]
        for p in shape.periods:
            v = cell(row, p.index)
            if parse.is_blank(v):
                continue  # an empty month is no target, not a bad one
            records.append([*fixed, p.period, v, number, p.index])
    columns = [*keyed.values(), "period", "target", "_row", "_col"]
    df = pd.DataFrame(records, columns=columns, dtype="object")
    df["_row"] = df["_row"].astype("int64")
    df["_col"] = df["_col"].astype("int64")
    return df


def _unique(name: str, taken) -> str:
    taken = set(taken)
    out, n = name, 2
    while out in taken:
        out, n = f"{name} ({n})", n + 1
    return out
