"""Which missing columns change the numbers, said once, in one place.

``missing_columns(tables, clean, log, settings)`` looks at the raw input tables (what the sheets
hold, one column per recognised key) and the cleaned ones, and returns :class:`Notice` sentences
for what a manager must know before trusting a number: no status column (every order counted
as closed), no salesperson (no completion per rep), no 回款金额 (the collection rate estimated
from statuses), the targets' unit not stated, no targets at all… The CLI prints them after a
refresh and the dashboard's info block shows them; neither decides anything itself.

A column counts as missing when the sheet has no such header *or* the column holds nothing:
an empty 订单状态 column under the template's header changes the numbers exactly as a missing
one does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import pandas as pd

from . import parse


class Notice(NamedTuple):
    """One sentence for the user, in Chinese and English; ``code`` says which rule made it."""

    zh: str
    en: str
    code: str = ""

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _df(tables: Mapping[str, Any], key: str) -> pd.DataFrame | None:
    t = tables.get(key)
    return None if t is None else t.df


def filled(df: pd.DataFrame | None, key: str) -> int:
    """How many rows of ``df`` hold something in column ``key`` (0 when there is no such column)."""
    if df is None or key not in df.columns or df.empty:
        return 0
    return int((~parse.blank_mask(df[key])).sum())


def _data_rows(df: pd.DataFrame | None) -> int:
    if df is None or df.empty:
        return 0
    cols = [c for c in df.columns if not c.startswith("_")]
    if not cols:
        return 0
    blank = pd.concat([parse.blank_mask(df[c]) for c in cols], axis=1).all(axis=1)
    return int((~blank).sum())


_OPTIONAL_DIMENSIONS = (("region", "区域", "region"), ("product_line", "产品线", "product line"),
                        ("channel", "渠道", "channel"))


def missing_columns(tables: Mapping[str, Any], clean: Mapping[str, pd.DataFrame], log: pd.DataFrame,
                    settings: Any) -> list[Notice]:
    """Notices for the missing columns and tables that change the numbers, most consequential first.

    ``tables``: key → RawTable (or anything with ``df`` and ``units``) as read from the sheets;
    ``clean``: the cleaned frames of :func:`salesbook.core.pipeline.run`; ``log``: its cleaning log.
    """
    out: list[Notice] = []
    orders = _df(tables, "orders")
    n = _data_rows(orders)
    if n:
        status = filled(orders, "status")
        if status == 0:
            out.append(Notice("缺少订单状态列：全部订单按已成交计入（作废、草稿、取消的订单也算作销售额）",
                              "no status column: every order counted as closed (void, draft and cancelled "
                              "orders count as sales)", "no_status"))
        elif status < n:
            out.append(Notice(f"{n - status} 行订单没有订单状态，按已成交计入",
                              f"{n - status} order rows have no status: counted as closed", "blank_status"))
        if filled(orders, "salesperson") == 0:
            out.append(Notice("缺少销售负责人列：无法按人统计销售额与目标完成率",
                              "no salesperson column: sales and target completion per rep cannot be computed",
                              "no_salesperson"))
        if filled(orders, "collected") == 0:
            out.append(Notice("缺少回款金额列：回款率按订单状态为「已回款」的销售额估算",
                              "no collected-amount column: the collection rate is estimated from orders whose "
                              "status is 已回款", "no_collected"))
        if filled(orders, "customer_id") == 0:
            out.append(Notice("缺少客户编号列：按客户名称识别客户（同一客户的不同写法会算作不同客户）",
                              "no customer ID column: customers are told apart by name (two spellings of one "
                              "customer count as two)", "no_customer_id"))
        if filled(orders, "order_id") == 0:
            out.append(Notice("缺少订单编号列：编号按行号生成，无法识别重复导入的订单",
                              "no order ID column: IDs are generated from row numbers; orders imported twice "
                              "cannot be recognised by ID", "no_order_id"))
        dims = [d for d in _OPTIONAL_DIMENSIONS if filled(orders, d[0]) == 0]
        if dims:
            out.append(Notice(f"缺少{'、'.join(d[1] for d in dims)}列：对应的拆解为空",
                              f"no {', '.join(d[2] for d in dims)} column: those breakdowns are empty",
                              "no_dimensions"))
        if filled(orders, "cost") == 0:
            out.append(Notice("缺少成本列：不计算毛利与毛利率", "no cost column: no margin is computed", "no_cost"))
    out += _target_notices(tables, clean, log, settings)
    if n and _data_rows(_df(tables, "customers")) == 0:
        out.append(Notice("没有客户档案：客户简称无法统一为全称，客户分层只依据订单",
                          "no customer records: short names cannot be mapped to full names; tiers use orders only",
                          "no_customers"))
    if n and _data_rows(_df(tables, "followups")) == 0:
        out.append(Notice("没有跟进记录：维护计划中的最近跟进与逾期无法计算",
                          "no follow-up records: last contact and overdue follow-ups cannot be computed",
                          "no_followups"))
    return out


def _target_notices(tables, clean, log, settings) -> list[Notice]:
    raw = tables.get("targets")
    targets = clean.get("targets")
    if raw is None or _data_rows(raw.df) == 0 or targets is None or targets.empty:
        if _data_rows(_df(tables, "orders")):
            return [Notice("没有可用的销售目标：完成率与达标状态无法计算",
                           "no usable targets: completion and met/not met cannot be computed", "no_targets")]
        return []
    sheet = raw.sheet
    guessed = log[(log["sheet"] == sheet) & log["rule"].astype(str).str.contains("unit", case=False)] \
        if not log.empty else log
    if not guessed.empty:
        return [Notice("销售目标的单位按与销售额的量级推断（见清洗日志）",
                       "the targets' unit was inferred from their size against sales (see the cleaning log)",
                       "target_unit_guessed")]
    ratio = _sales_to_targets(clean.get("orders"), targets)
    if "target" not in (raw.units or {}) and ratio is not None and not 1 / MAGNITUDE < ratio < MAGNITUDE:
        unit = getattr(settings, "input_unit", "元")
        times = f"{ratio:,.0f}" if ratio >= 1 else f"1/{1 / ratio:,.0f}"
        return [Notice(f"销售目标未注明单位（表头或标题），按默认单位 {unit} 读取，但销售额约为目标的 {times} 倍："
                       "请确认目标的单位（例如表头写“目标值(万元)”）",
                       f"the targets name no unit (header or title) and were read in {unit}, but sales are about "
                       f"{times} times the targets: check their unit (e.g. a header '目标值(万元)')",
                       "target_unit_default")]
    return []


MAGNITUDE = 30  # sales this many times the targets (or a thirtieth of them) is a unit slip, not a bad year


def _sales_to_targets(orders: pd.DataFrame | None, targets: pd.DataFrame) -> float | None:
    """Counted sales over the targets' periods divided by the targets of those periods (None if no overlap)."""
    if orders is None or orders.empty or "period" not in targets or "revenue" not in orders:
        return None
    dates = orders["order_date"]
    sales = target = 0.0
    for period, rows in targets.groupby(targets["period"].astype(str)):
        p = rows["period"].iloc[0]
        inside = (dates >= p.start_time) & (dates <= p.end_time)
        if inside.any():
            sales += float(orders.loc[inside, "revenue"].sum())
            target += float(rows["target"].sum())
    return sales / target if target > 0 and sales > 0 else None
