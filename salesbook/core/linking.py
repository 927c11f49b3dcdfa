"""Linking rows to customers, and one name per region (SPEC §4 客户分层, §3 cleaning).

An order or a follow-up belongs to a customer by, in this order:

1. its 客户编号 (customer_id), when typed;
2. else its 客户名称 equal to a customer's full name in 客户档案;
3. else its 客户名称 equal to a 客户简称 that names exactly one customer.

A 简称 shared by two customers (华为 for 华为技术 and 华为终端) is never guessed: the row keeps
its name as its own key and the cleaning log flags it. A name that matches nothing keeps the
name as its key, as before, so a company that is only ever typed by name still appears once.

Regions typed with and without a suffix (华东区, 华东大区, 华东地区, 华东) are one region: every
spelling of a stem becomes the spelling used most often in the orders (the shorter on a tie).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..messages import Join, msg
from . import parse

HOW_ID, HOW_NAME, HOW_SHORT, HOW_AMBIGUOUS, HOW_UNKNOWN, HOW_NONE = ("id", "name", "short", "ambiguous", "unknown",
                                                                     "none")


@dataclass(frozen=True)
class Directory:
    """What 客户档案 says about names: full name → id, unique 简称 → id and full name, shared 简称."""

    by_name: Mapping[str, str] = field(default_factory=dict)
    by_short: Mapping[str, str] = field(default_factory=dict)
    full_of_short: Mapping[str, str] = field(default_factory=dict)
    shared_short: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # 简称 → the full names


def directory(customers: pd.DataFrame) -> Directory:
    """Build the name directory from clean customers (customer_id, customer_name, short_name)."""
    if customers is None or customers.empty or "customer_id" not in customers:
        return Directory()
    c = customers.dropna(subset=["customer_id"])
    by_name: dict[str, str] = {}
    if "customer_name" in c:
        named = c.dropna(subset=["customer_name"])
        counts = named["customer_name"].value_counts()
        unique = named[named["customer_name"].map(counts) == 1]
        by_name = dict(zip(unique["customer_name"], unique["customer_id"], strict=True))
    by_short, full_of_short, shared = {}, {}, {}
    if "short_name" in c:
        s = c.dropna(subset=["short_name"])
        n_ids = s.groupby("short_name", sort=False)["customer_id"].transform("nunique")
        one = s[n_ids == 1].drop_duplicates("short_name")
        by_short = dict(zip(one["short_name"], one["customer_id"], strict=True))
        if "customer_name" in one:
            named = one.dropna(subset=["customer_name"])
            full_of_short = dict(zip(named["short_name"], named["customer_name"], strict=True))
        many = s[n_ids > 1]
        label = many["customer_name"].fillna(many["customer_id"]) if "customer_name" in many else many["customer_id"]
        shared = {k: tuple(str(v) for v in grp) for k, grp in label.groupby(many["short_name"], sort=False)}
    return Directory(by_name, by_short, full_of_short, shared)


def link(ids: pd.Series, names: pd.Series, d: Directory) -> pd.DataFrame:
    """customer_id, customer_name (full name where a 简称 was typed) and ``how`` for each row."""
    ids = ids.astype(object)
    names = names.astype(object)
    has_id = ids.notna()
    by_name = names.map(d.by_name)
    by_short = names.map(d.by_short)
    shared = names.map(lambda n: n in d.shared_short if isinstance(n, str) else False).astype(bool)
    has_name = names.notna()
    how = np.select(
        [has_id, by_name.notna(), by_short.notna(), shared & has_name, has_name],
        [HOW_ID, HOW_NAME, HOW_SHORT, HOW_AMBIGUOUS, HOW_UNKNOWN], HOW_NONE)
    full = names.map(d.full_of_short)
    out_name = names.where(full.isna(), full)
    out_id = ids.where(has_id, by_name.where(by_name.notna(), by_short.where(by_short.notna(), out_name)))
    return pd.DataFrame({"customer_id": out_id, "customer_name": out_name, "how": how}, index=ids.index)


def log_links(log, rows: pd.Series, linked: pd.DataFrame, names: pd.Series, d: Directory, *,
              fixed: str, flagged: str) -> None:
    """One log row per row linked by name, 简称, or left unlinked because its 简称 is shared."""
    how = linked["how"]
    for kind, key in ((HOW_NAME, "log.linked_by_name"), (HOW_SHORT, "log.linked_by_short"),
                      (HOW_UNKNOWN, "log.linked_unknown")):
        hit = how == kind
        log.add(rows[hit], "customer_id", None, linked.loc[hit, "customer_id"], "customer_id", fixed, msg(key))
    amb = how == HOW_AMBIGUOUS
    if amb.any():
        reasons = [msg("log.ambiguous_short", name=str(n), whom=Join(tuple(d.shared_short.get(n, ())), "join.list"))
                   for n in names[amb]]
        log.add(rows[amb], "customer_name", names[amb], None, "ambiguous_name", flagged,
                pd.Series(reasons, dtype=object))


def region_names(*columns: pd.Series) -> dict[str, str]:
    """spelling → the one name of its region, for stems typed more than one way. The first column
    (the orders) decides which spelling wins: the most used, then the shortest."""
    counts: dict[str, int] = {}
    for i, col in enumerate(columns):
        for v, n in col.dropna().value_counts().items():
            if isinstance(v, str):
                counts[v] = counts.get(v, 0) + (int(n) if i == 0 else 0)
    groups: dict[str, list[str]] = {}
    for v in counts:
        groups.setdefault(parse.area_stem(v), []).append(v)
    out = {}
    for spellings in groups.values():
        if len(spellings) < 2:
            continue
        best = min(spellings, key=lambda v: (-counts[v], len(v), v))
        out.update({v: best for v in spellings if v != best})
    return out


def unify_regions(frame: pd.DataFrame, names: Mapping[str, str], log, *, row_col: str = "row") -> pd.DataFrame:
    """``frame`` with its region spellings replaced by ``names``; each change logged (fixed)."""
    if not names or "region" not in frame:
        return frame
    new = frame["region"].map(lambda v: names.get(v, v) if isinstance(v, str) else v)
    hit = new.ne(frame["region"]) & frame["region"].notna()
    if not hit.any():
        return frame
    out = frame.copy()
    log.add(out.loc[hit, row_col], "region", out.loc[hit, "region"], new[hit], "region", "fixed",
            pd.Series([msg("log.region_unified", old=str(a), new=str(b))
                       for a, b in zip(out.loc[hit, "region"], new[hit], strict=True)], dtype=object))
    out["region"] = new
    return out
