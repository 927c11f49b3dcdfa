"""客户画像 Portrait (S2 第三步): the tags of each tier and class, and the industry × size matrix.

Inputs are 客户档案's optional columns — 画像标签 tags (several per cell, split at 、 , ， ; ； / | and
line breaks), 决策风格 decision style, 决策链 decision chain (the people who decide, written
"采购经理→技术总监→总经理" or "张总、李经理"), 预算 budget (an amount; 万 read as 10⁴), 痛点 pain points —
with the tier and A/B/C class of :func:`.tiers.tiers` and the counted orders.

- :func:`tag_counts`: one row per tag (决策风格 values count as tags too, each customer once per
  tag): how many customers carry it in each tier (vip/core/normal/prospect), in each A/B/C class, and
  in all. Sorted by customers, then tag.
- :func:`matrix`: one row per 行业 × 规模 (× whether the customer carries ``settings.portrait_tag``,
  when that 参数 is set: the code yes/no): customers (客户档案 rows), buyers (customers with a counted order up to the
  as-of date), conversion = buyers / customers, revenue = counted revenue of the last
  ``rfm_window_days`` days (the RFM window, so it matches RFM's M), revenue per buyer, mean budget
  (of those who typed one), mean decision-chain length (people named), and the three commonest tags.
  A missing industry or size is its own group (the code ``unknown``). Sorted by revenue.

Codes, numbers and user data only: the edge words them (:mod:`salesbook.vocab`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pandas as pd

from .. import vocab
from ..messages import Join
from . import parse
from .settings import Settings
from .tables import ratio

UNKNOWN = "unknown"  # an empty industry or size (vocab domain "portrait")
_SPLIT = re.compile(r"[、,，;；/|\n]+")
_CHAIN = re.compile(r"[→>＞、,，;；/|\n]+|->")
TAG_COLUMNS = ["tag", *(f"tier_{t}" for t in vocab.DOMAINS["tier"]), "class_a", "class_b", "class_c", "customers"]
MATRIX_COLUMNS = ["industry", "size", "has_tag", "customers", "buyers", "conversion", "revenue", "revenue_per_buyer",
                  "avg_budget", "avg_chain", "top_tags"]


def split_tags(value) -> list[str]:
    """'技术导向型、价格敏感型' → ['技术导向型', '价格敏感型'] (blank → [])."""
    if parse.is_blank(value):
        return []
    return [t.strip() for t in _SPLIT.split(str(value)) if t.strip()]


def chain_length(value) -> float:
    """People named in a decision chain: '采购经理→技术总监→总经理' → 3; blank → NaN."""
    if parse.is_blank(value):
        return float("nan")
    return float(len([p for p in _CHAIN.split(str(value)) if p.strip()]))


def _customer_tags(customers: pd.DataFrame) -> pd.Series:
    """customer_id → its distinct tags (画像标签 and 决策风格), in typed order."""
    tags = customers.get("tags", pd.Series(index=customers.index, dtype=object))
    style = customers.get("decision_style", pd.Series(index=customers.index, dtype=object))
    out = [list(dict.fromkeys(split_tags(t) + split_tags(s))) for t, s in zip(tags, style, strict=True)]
    return pd.Series(out, index=customers["customer_id"].to_numpy(), dtype=object)


def tag_counts(customers: pd.DataFrame, tiers_table: pd.DataFrame) -> pd.DataFrame:
    """Customers per tag by tier and A/B/C class (module docstring)."""
    tags = _customer_tags(customers)
    tags = tags[~tags.index.duplicated()]
    info = tiers_table.drop_duplicates("customer_id").set_index("customer_id")
    rows: dict[str, Counter] = {}
    for cid, ts in tags.items():
        tier = info["tier"].get(cid) if "tier" in info else None
        klass = info["abc_class"].get(cid) if "abc_class" in info else None
        for t in ts:
            c = rows.setdefault(t, Counter())
            c["customers"] += 1
            if vocab.parse("tier", tier):
                c[f"tier_{vocab.parse('tier', tier)}"] += 1
            if isinstance(klass, str) and klass.strip().upper() in ("A", "B", "C"):
                c[f"class_{klass.strip().lower()}"] += 1
    out = pd.DataFrame([{"tag": t, **{k: int(c.get(k, 0)) for k in TAG_COLUMNS[1:]}} for t, c in rows.items()],
                       columns=TAG_COLUMNS)
    if out.empty:
        return out.astype({k: "int64" for k in TAG_COLUMNS[1:]})
    return out.sort_values(["customers", "tag"], ascending=[False, True], kind="stable").reset_index(drop=True)


def matrix(customers: pd.DataFrame, orders: pd.DataFrame, *, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """Industry × size (× the chosen tag) with customers, buyers, conversion, revenue (module docstring)."""
    if customers.empty:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    c = customers.drop_duplicates("customer_id").copy()
    as_of_ts = pd.Timestamp(as_of)
    counted = orders[orders["status"].isin(settings.revenue_statuses) & (orders["order_date"] <= as_of_ts)]
    window = counted[counted["order_date"] > as_of_ts - pd.Timedelta(days=settings.rfm_window_days)]
    revenue = window.groupby("customer_id")["amount"].sum()
    buyers = set(counted.loc[counted["amount"] > 0, "customer_id"])
    tags = _customer_tags(c)
    c["industry"] = c["industry"].where(c["industry"].notna(), UNKNOWN)
    c["size"] = c["size"].where(c["size"].notna(), UNKNOWN)
    wanted = str(settings.portrait_tag or "").strip()
    c["has_tag"] = [("yes" if wanted in tags.get(cid, []) else "no") for cid in c["customer_id"]] if wanted else None
    c["revenue"] = c["customer_id"].map(revenue).fillna(0.0)
    c["buyer"] = c["customer_id"].isin(buyers)
    c["budget"] = c.get("budget", pd.Series(index=c.index, dtype=object)).map(parse.parse_amount)
    c["chain"] = c.get("decision_chain", pd.Series(index=c.index, dtype=object)).map(chain_length)
    c["tag_list"] = [tags.get(cid, []) for cid in c["customer_id"]]
    keys = ["industry", "size", *(["has_tag"] if wanted else [])]
    rows = []
    for key, g in c.groupby(keys, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        common = Counter(t for ts in g["tag_list"] for t in ts).most_common()
        n, b = len(g), int(g["buyer"].sum())
        rows.append({"industry": key[0], "size": key[1], "has_tag": key[2] if wanted else None, "customers": n,
                     "buyers": b, "conversion": b / n, "revenue": float(g["revenue"].sum()),
                     "revenue_per_buyer": ratio(float(g["revenue"].sum()), b),
                     "avg_budget": float(g["budget"].mean()) if g["budget"].notna().any() else float("nan"),
                     "avg_chain": float(g["chain"].mean()) if g["chain"].notna().any() else float("nan"),
                     "top_tags": Join(tuple(t for t, _ in sorted(common, key=lambda x: (-x[1], x[0]))[:3]),
                                      "join.list") if common else None})
    out = pd.DataFrame(rows, columns=MATRIX_COLUMNS)
    return out.sort_values(["revenue", "customers", "industry", "size"], ascending=[False, False, True, True],
                           kind="stable").reset_index(drop=True)
