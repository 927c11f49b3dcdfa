"""Cleaning (SPEC §3): raw sheet rows → typed tables, and a log of every change.

Input frames hold the values exactly as read from a sheet, one column per schema key, plus
``_row`` (the Excel row number). Output frames are typed copies for analysis; the input is
never modified. Every changed, excluded or flagged cell becomes one log row::

    sheet · row · column · old_value · new_value · rule · action · reason

``action`` is one of ``fixed`` (value normalised, row kept), ``excluded`` (row left out of the
analysis) or ``flagged`` (row kept, someone should look); ``rule`` is a code of the vocabulary's
``log_rule`` domain; ``reason`` is a :class:`~salesbook.messages.Msg` (one per row where it quotes a
row number), rendered in the workbook's language when the log is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import vocab, words
from ..messages import Code, Join, Num, msg
from ..settings import Settings
from . import linking, parse

LOG_COLUMNS = ["sheet", "row", "column", "old_value", "new_value", "rule", "action", "reason"]
FIXED, EXCLUDED, FLAGGED = "fixed", "excluded", "flagged"
_SUBTOTAL = re.compile(r"(?:合计|总计|小计|^\s*(?:grand\s*)?(?:sub)?total\s*$)", re.IGNORECASE)
ORDER_TEXT = ("order_id", "customer_id", "customer_name", "salesperson", "region", "product_line", "channel")


@dataclass
class Log:
    """Collects log rows as column-wise frames (vectorised, cheap on a million rows)."""

    sheet: str
    labels: Mapping[str, str] = field(default_factory=dict)
    parts: list[pd.DataFrame] = field(default_factory=list)

    def add(self, rows, column, old, new, rule, action, reason) -> None:
        """Log rows ``rows`` (Excel row numbers): ``reason`` is a :class:`Msg` for all of them, or a
        Series of Msgs (one per row, see :func:`row_msgs`)."""
        rows = pd.Series(rows).reset_index(drop=True)
        if rows.empty:
            return

        def col(v):
            return pd.Series(v).reset_index(drop=True) if isinstance(v, (pd.Series, np.ndarray, list)) else v

        self.parts.append(pd.DataFrame({
            "sheet": self.sheet, "row": rows.astype("int64"),
            "column": self.labels.get(column, column) if column else "",
            "old_value": col(old), "new_value": col(new), "rule": rule, "action": action,
            "reason": _reasons(reason, len(rows)),
        }))

    def note(self, column, rule, action, reason) -> None:
        """One row about a whole sheet or column (its ``row`` is empty), e.g. a missing column."""
        self.parts.append(pd.DataFrame({
            "sheet": [self.sheet], "row": pd.Series([None], dtype=object),
            "column": [self.labels.get(column, column) if column else ""], "old_value": [None], "new_value": [None],
            "rule": [rule], "action": [action], "reason": _reasons(reason, 1)}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in LOG_COLUMNS})
        return pd.concat(self.parts, ignore_index=True)[LOG_COLUMNS]


def _reasons(reason, n: int) -> pd.Series:
    """One reason object per log row: the Msg repeated, or a Series of Msgs as given."""
    if isinstance(reason, pd.Series):
        return reason.reset_index(drop=True).astype(object)
    return pd.Series([reason] * n, dtype=object)


def row_msgs(key: str, rows: pd.Series) -> pd.Series:
    """One ``key`` message per value of ``rows`` (a row number quoted in the sentence), same index."""
    return pd.Series([msg(key, row=int(r)) for r in rows], index=rows.index, dtype=object)


def _codes(domain: str, codes) -> Join:
    return Join(tuple(Code(domain, c) for c in codes), "join.slash")


STATUS_CODES = {parse.STATUS_CLOSED: "closed", parse.STATUS_SIGNED: "signed", parse.STATUS_COLLECTED: "collected",
                parse.STATUS_CANCELLED: "cancelled", parse.STATUS_DRAFT: "draft"}  # vocab domain order_status


key_text = parse.key_text


def _changed(old: pd.Series, new: pd.Series) -> pd.Series:
    """Cells whose text changed in a way a user would call a change (not 1001 → '1001')."""
    is_text = parse.text_mask(old)
    return is_text & new.notna() & (old.astype("string").fillna("") != new.astype("string").fillna(""))


def _blank_rows(df: pd.DataFrame, cols) -> pd.Series:
    """Rows with nothing in ``cols``; each column is checked only on the rows still blank so far."""
    present = [c for c in cols if c in df.columns]
    blank = np.ones(len(df), dtype=bool)
    for c in present:
        idx = np.flatnonzero(blank)
        if not len(idx):
            break
        blank[idx] = parse.blank_mask(df[c].iloc[idx]).to_numpy()
    return pd.Series(blank, index=df.index)


def _subtotal_rows(df: pd.DataFrame, cols) -> pd.Series:
    hit = pd.Series(False, index=df.index)
    for c in cols:
        if c in df.columns:
            hit |= parse.map_unique(df[c], lambda v: isinstance(v, str) and bool(_SUBTOTAL.search(v))).astype(bool)
    return hit


def _unit_factor(units: Mapping[str, str] | None, key: str, settings: Settings) -> float:
    unit = (units or {}).get(key) or settings.input_unit
    return 1e4 if "万" in unit else 1.0


def _ensure(df: pd.DataFrame, cols) -> pd.DataFrame:
    for c in cols:
        if c not in df.columns:
            df[c] = None
    return df


def clean_orders(raw: pd.DataFrame, *, settings: Settings, today: dt.date, sheet: str = "订单明细",
                 labels: Mapping[str, str] | None = None, units: Mapping[str, str] | None = None,
                 customer_aliases: Mapping[str, str] | None = None, customers: pd.DataFrame | None = None,
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed orders and their log. See the module docstring for the log's shape.

    Orders link to ``customers`` (clean 客户档案) by id, else full name, else a unique 简称
    (:mod:`.linking`). ``customer_aliases`` (简称 → 全称) is the older, name-only form of the same.

    Returns a frame with ``row, order_id, order_date, customer_id, customer_name, salesperson,
    region, product_line, channel, amount, status, collected, cost`` plus ``revenue``
    (amount if the status counts, refunds negative), ``is_order`` (counts in order numbers) and
    ``possible_duplicate``.
    """
    lang = settings.language or words.REFERENCE  # the language Clean writes statuses back in
    log = Log(sheet, labels or {})
    had_status = "status" in raw.columns
    df = _ensure(raw.copy(), ("order_id", "order_date", "customer_id", "customer_name", "salesperson", "region",
                              "product_line", "channel", "amount", "status", "collected", "cost"))
    data_cols = [c for c in df.columns if c != "_row"]
    df = df[~_blank_rows(df, data_cols)]

    sub = _subtotal_rows(df, ORDER_TEXT + ("order_date",))
    log.add(df.loc[sub, "_row"], None, None, None, "subtotal", EXCLUDED, msg("log.subtotal"))
    df = df[~sub]

    out = pd.DataFrame({"row": df["_row"].astype("int64")}, index=df.index)
    for c in ORDER_TEXT:
        new = parse.key_texts(df[c])
        ch = _changed(df[c], new)
        log.add(df.loc[ch, "_row"], c, df.loc[ch, c], new[ch], "text", FIXED, msg("log.text"))
        out[c] = new

    d = linking.directory(customers) if customers is not None else linking.Directory(
        full_of_short=dict(customer_aliases or {}))
    linked = linking.link(out["customer_id"], out["customer_name"], d)
    alias = linked["customer_name"].ne(out["customer_name"]) & out["customer_name"].notna()
    log.add(out.loc[alias, "row"], "customer_name", out.loc[alias, "customer_name"], linked.loc[alias, "customer_name"],
            "alias", FIXED, msg("log.alias"))
    linking.log_links(log, out["row"], linked, out["customer_name"], d, fixed=FIXED, flagged=FLAGGED)
    out["customer_id"], out["customer_name"] = linked["customer_id"], linked["customer_name"]
    no_cust = out["customer_id"].isna()
    log.add(out.loc[no_cust, "row"], "customer_id", None, None, "customer_id", EXCLUDED,
            msg("log.no_customer"))

    dates = parse.map_unique(df["order_date"], parse.parse_date)
    bad_date = dates.isna()
    log.add(df.loc[bad_date, "_row"], "order_date", df.loc[bad_date, "order_date"], None, "date", EXCLUDED,
            msg("log.bad_date"))
    out["order_date"] = pd.to_datetime(dates.where(~bad_date), errors="coerce").astype("datetime64[ns]")
    retyped = ~bad_date & parse.text_mask(df["order_date"])
    log.add(df.loc[retyped, "_row"], "order_date", df.loc[retyped, "order_date"],
            out.loc[retyped, "order_date"].dt.strftime("%Y-%m-%d"), "date", FIXED,
            msg("log.text_date"))

    future = out["order_date"] > pd.Timestamp(today)
    log.add(out.loc[future, "row"], "order_date", df.loc[future, "order_date"], None, "future_date", FLAGGED,
            msg("log.future_date"))

    for c in ("amount", "collected", "cost"):
        factor = _unit_factor(units, c, settings)
        values = parse.parse_amounts(df[c])
        bad = values.isna() & ~parse.blank_mask(df[c])
        if c == "amount":
            bad |= values.isna()
            log.add(df.loc[bad, "_row"], c, df.loc[bad, c], None, "amount", EXCLUDED,
                    msg("log.bad_amount"))
        else:
            log.add(df.loc[bad, "_row"], c, df.loc[bad, c], None, "amount", FLAGGED,
                    msg("log.bad_amount_empty"))
        out[c] = values.astype("float64") * factor
        retyped = values.notna() & parse.text_mask(df[c])
        log.add(df.loc[retyped, "_row"], c, df.loc[retyped, c], out.loc[retyped, c], "amount", FIXED,
                msg("log.text_amount"))
        if c == "amount":
            bad_amount = bad

    status = parse.map_unique(df["status"], parse.normalize_status)
    blank_status = parse.blank_mask(df["status"])
    unknown = status.isna() & ~blank_status
    log.add(df.loc[unknown, "_row"], "status", df.loc[unknown, "status"], None, "status", EXCLUDED,
            msg("log.unknown_status", statuses=_codes("order_status", STATUS_CODES.values())))
    if len(df) and (not had_status or blank_status.all()):
        # no status column (or an empty one): one line and a notice, not one line per order
        log.note("status", "status_column", FIXED,
                 msg("log.no_status_column" if not had_status else "log.empty_status_column", n=Num(len(df))))
    else:
        log.add(df.loc[blank_status, "_row"], "status", None, parse.status_word(parse.STATUS_CLOSED, lang),
                "status", FIXED, msg("log.status_missing"))
    # a synonym (完成, won, 已完成 …) is normalised to the status's word in the workbook's language
    shown = status.map(lambda s: parse.status_word(s, lang) if isinstance(s, str) else None)
    syn = status.notna() & (shown != parse.map_unique(df["status"], parse.normalize_text))
    log.add(df.loc[syn, "_row"], "status", df.loc[syn, "status"], shown[syn], "status", FIXED,
            msg("log.status_synonym"))
    out["status"] = status.where(~blank_status, parse.STATUS_CLOSED)

    keep = ~(no_cust | bad_date | bad_amount | unknown)
    out = out[keep]

    gen = out["order_id"].isna()
    new_ids = "R" + out.loc[gen, "row"].astype(str)
    log.add(out.loc[gen, "row"], "order_id", None, new_ids, "order_id", FIXED,
            msg("log.order_id_generated"))
    out.loc[gen, "order_id"] = new_ids

    dup = out["order_id"].duplicated(keep="first")
    first_row = out.drop_duplicates("order_id").set_index("order_id")["row"]
    log.add(out.loc[dup, "row"], "order_id", out.loc[dup, "order_id"], None, "duplicate_id", EXCLUDED,
            row_msgs("log.duplicate_order", out.loc[dup, "order_id"].map(first_row)))
    out = out[~dup]

    same = [c for c in ("order_date", "customer_id", "salesperson", "product_line", "amount", "status")]
    possible = out.duplicated(same, keep=False) & out["amount"].ne(0)
    out["possible_duplicate"] = possible
    first_of = out[possible].groupby(same, dropna=False)["row"].transform("min")
    later = possible & (out["row"] != first_of.reindex(out.index))
    log.add(out.loc[later, "row"], "order_id", out.loc[later, "order_id"], None, "possible_duplicate", FLAGGED,
            row_msgs("log.possible_duplicate", first_of[later]))

    zero = out["amount"].eq(0)
    log.add(out.loc[zero, "row"], "amount", 0, None, "zero_amount", FLAGGED,
            msg("log.zero_amount"))
    counts = out["status"].isin(settings.revenue_statuses)
    out["revenue"] = out["amount"].where(counts, 0.0)
    out["is_order"] = counts & out["amount"].gt(0)
    out["is_refund"] = out["amount"].lt(0)
    out = out.sort_values(["order_date", "row"], kind="stable").reset_index(drop=True)
    return out, log.frame()


def clean_customers(raw: pd.DataFrame, *, sheet: str = "客户档案", labels: Mapping[str, str] | None = None,
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed customer records: ids and text trimmed, 首次合作日期 and 预算 read (unreadable → empty, logged),
    1–5 scores checked; rows without an id are left out and a repeated id keeps its first row (both logged)."""
    log = Log(sheet, labels or {})
    cols = ("customer_id", "customer_name", "short_name", "industry", "size", "contact", "phone", "city",
            "first_deal_date", "owner", "industry_potential", "urgency", "win_likelihood", "tags", "decision_style",
            "decision_chain", "budget", "pain_points")
    df = _ensure(raw.copy(), cols)
    df = df[~_blank_rows(df, [c for c in df.columns if c != "_row"])]
    out = pd.DataFrame({"row": df["_row"].astype("int64")}, index=df.index)
    for c in ("customer_id", "customer_name", "short_name", "industry", "size", "contact", "phone", "city",
              "owner", "tags", "decision_style", "decision_chain", "pain_points"):
        out[c] = parse.key_texts(df[c])
    no_id = out["customer_id"].isna()
    log.add(df.loc[no_id, "_row"], "customer_id", None, None, "customer_id", EXCLUDED, msg("log.no_customer_id"))
    fd = parse.map_unique(df["first_deal_date"], parse.parse_date)
    bad = fd.isna() & ~parse.map_unique(df["first_deal_date"], parse.is_blank).astype(bool)
    log.add(df.loc[bad, "_row"], "first_deal_date", df.loc[bad, "first_deal_date"], None, "date", FLAGGED,
            msg("log.bad_date_empty"))
    out["first_deal_date"] = pd.to_datetime(fd, errors="coerce").astype("datetime64[ns]")
    for c in ("industry_potential", "urgency", "win_likelihood"):
        s = parse.map_unique(df[c], parse.parse_score)
        bad = s.isna() & ~parse.blank_mask(df[c])
        log.add(df.loc[bad, "_row"], c, df.loc[bad, c], None, "score", FLAGGED, msg("log.bad_score"))
        out[c] = s.astype("float64")
    budget = parse.map_unique(df["budget"], parse.parse_amount)
    bad = budget.isna() & ~parse.blank_mask(df["budget"])
    log.add(df.loc[bad, "_row"], "budget", df.loc[bad, "budget"], None, "amount", FLAGGED, msg("log.bad_budget"))
    out["budget"] = budget.astype("float64")
    no_contact = ~no_id & (out["contact"].isna() | out["phone"].isna())
    log.add(out.loc[no_contact, "row"], "phone", None, None, "missing_contact", FLAGGED,
            msg("log.missing_contact"))
    out = out[~no_id]
    dup = out["customer_id"].duplicated(keep="first")
    log.add(out.loc[dup, "row"], "customer_id", out.loc[dup, "customer_id"], None, "duplicate_id", EXCLUDED,
            msg("log.duplicate_customer"))
    out = out[~dup].reset_index(drop=True)
    return out, log.frame()


def clean_followups(raw: pd.DataFrame, *, today: dt.date, sheet: str = "跟进记录",
                    labels: Mapping[str, str] | None = None, customers: pd.DataFrame | None = None,
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed follow-ups. A row without 客户编号 links by 客户名称 like an order (:mod:`.linking`);
    satisfaction typed as words (满意, 一般, 不满意 …) becomes 1–5, logged; unreadable values are
    logged and left empty."""
    log = Log(sheet, labels or {})
    df = _ensure(raw.copy(), ("customer_id", "customer_name", "date", "content", "satisfaction", "next_step",
                              "next_date", "owner"))
    df = df[~_blank_rows(df, [c for c in df.columns if c != "_row"])]
    out = pd.DataFrame({"row": df["_row"].astype("int64")}, index=df.index)
    for c in ("customer_id", "customer_name", "owner"):
        out[c] = parse.key_texts(df[c])
    for c in ("content", "next_step"):  # free text: trimmed, otherwise shown as typed
        out[c] = parse.map_unique(df[c], lambda v: (v.strip() or None) if isinstance(v, str) else parse.key_text(v))
    d = parse.map_unique(df["date"], parse.parse_date)
    bad = d.isna()
    log.add(df.loc[bad, "_row"], "date", df.loc[bad, "date"], None, "date", EXCLUDED, msg("log.bad_followup_date"))
    out["date"] = pd.to_datetime(d, errors="coerce").astype("datetime64[ns]")
    nd = parse.map_unique(df["next_date"], parse.parse_date)
    bad_nd = nd.isna() & ~parse.blank_mask(df["next_date"])
    log.add(df.loc[bad_nd, "_row"], "next_date", df.loc[bad_nd, "next_date"], None, "date", FLAGGED,
            msg("log.bad_next_date"))
    out["next_date"] = pd.to_datetime(nd, errors="coerce").astype("datetime64[ns]")
    sat = parse.map_unique(df["satisfaction"], parse.parse_satisfaction).astype("float64")
    words = sat.notna() & parse.text_mask(df["satisfaction"]) & parse.map_unique(
        df["satisfaction"], lambda v: isinstance(v, str) and parse.parse_score(v) is None).astype(bool)
    log.add(df.loc[words, "_row"], "satisfaction", df.loc[words, "satisfaction"], sat[words], "satisfaction", FIXED,
            msg("log.satisfaction_words"))
    bad_sat = sat.isna() & ~parse.blank_mask(df["satisfaction"])
    log.add(df.loc[bad_sat, "_row"], "satisfaction", df.loc[bad_sat, "satisfaction"], None, "score", FLAGGED,
            msg("log.bad_satisfaction"))
    out["satisfaction"] = sat
    future = out["date"] > pd.Timestamp(today)
    log.add(out.loc[future, "row"], "date", df.loc[future, "date"], None, "future_date", FLAGGED,
            msg("log.future_followup"))
    directory = linking.directory(customers) if customers is not None else linking.Directory()
    linked = linking.link(out["customer_id"], out["customer_name"], directory)
    ok = ~bad
    linking.log_links(log, out.loc[ok, "row"], linked[ok], out.loc[ok, "customer_name"], directory, fixed=FIXED,
                      flagged=FLAGGED)
    out["customer_id"], out["customer_name"] = linked["customer_id"], linked["customer_name"]
    no_id = out["customer_id"].isna()
    log.add(df.loc[no_id & ~bad, "_row"], "customer_id", None, None, "customer_id", EXCLUDED,
            msg("log.no_customer_followup"))
    out = out[~(bad | no_id)].reset_index(drop=True)
    return out, log.frame()


LEAD_STAGES = ("需求确认", "方案提交", "商务谈判", "成交", "丢单")
_STAGE_NAMES = {vocab.parse("stage", s): s for s in LEAD_STAGES}  # stage code → the name the tables use


def clean_leads(raw: pd.DataFrame, *, sheet: str = "线索", labels: Mapping[str, str] | None = None,
                customers: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed leads. A lead without 客户编号 whose name is a customer's full name or unique 简称
    gets that customer's id (so a won lead and its customer are one company); others stay unlinked."""
    log = Log(sheet, labels or {})
    df = _ensure(raw.copy(), ("lead_id", "name", "customer_id", "stage", "est_amount", "owner", "created",
                              "stage_date", "lost_stage", "lost_reason"))
    df = df[~_blank_rows(df, [c for c in df.columns if c != "_row"])]
    out = pd.DataFrame({"row": df["_row"].astype("int64")}, index=df.index)
    for c in ("lead_id", "name", "customer_id", "stage", "owner", "lost_stage", "lost_reason"):
        out[c] = parse.key_texts(df[c])
    for c in ("stage", "lost_stage"):  # a stage typed in either language (Proposal, 方案提交, proposal)
        out[c] = out[c].map(lambda v: _STAGE_NAMES.get(vocab.parse("stage", v), v))
    unknown = ~out["stage"].isin(LEAD_STAGES)
    log.add(df.loc[unknown, "_row"], "stage", df.loc[unknown, "stage"], None, "stage", EXCLUDED,
            msg("log.unknown_stage", stages=_codes("stage", (vocab.parse("stage", s) for s in LEAD_STAGES))))
    # 丢单阶段: one of the open stages, on a lost lead; anything else is flagged and read as blank
    open_stages = LEAD_STAGES[:3]
    bad = out["lost_stage"].notna() & ~unknown & (~out["lost_stage"].isin(open_stages) | out["stage"].ne("丢单"))
    not_lost = bad & out["stage"].ne("丢单")
    log.add(df.loc[bad & ~not_lost, "_row"], "lost_stage", df.loc[bad & ~not_lost, "lost_stage"], None, "lost_stage",
            FLAGGED, msg("log.unknown_lost_stage", first=Code("stage", vocab.parse("stage", open_stages[0])),
                         stages=_codes("stage", (vocab.parse("stage", s) for s in open_stages))))
    log.add(df.loc[not_lost, "_row"], "lost_stage", df.loc[not_lost, "lost_stage"], None, "lost_stage", FLAGGED,
            msg("log.not_lost"))
    out["lost_stage"] = out["lost_stage"].astype(object).mask(bad, None)
    out["est_amount"] = parse.map_unique(df["est_amount"], parse.parse_amount).astype("float64")
    for c in ("created", "stage_date"):
        out[c] = pd.to_datetime(parse.map_unique(df[c], parse.parse_date), errors="coerce").astype("datetime64[ns]")
    if customers is not None and not customers.empty:
        linked = linking.link(out["customer_id"], out["name"], linking.directory(customers))
        known = linked["how"].isin([linking.HOW_NAME, linking.HOW_SHORT])
        out.loc[known, "customer_id"] = linked.loc[known, "customer_id"]
    out = out[~unknown].reset_index(drop=True)
    return out, log.frame()


def customer_aliases(customers: pd.DataFrame) -> dict[str, str]:
    """简称 → 全称 from the customers table, for the 简称 that name exactly one customer."""
    return dict(linking.directory(customers).full_of_short)
