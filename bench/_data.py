"""Synthetic raw orders for benchmarks, generated vectorised (the demo generator loops in Python)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def raw_orders(n: int, *, customers: int | None = None, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    customers = customers or max(100, n // 15)
    start = np.datetime64("2024-01-01")
    dates = start + rng.integers(0, 1050, n).astype("timedelta64[D]")
    cust = rng.zipf(1.6, n) % customers
    reps = np.array(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏"])
    regions = np.array(["华东", "华东", "华南", "华南", "华北", "华北", "西南"])
    rep_idx = cust % len(reps)
    df = pd.DataFrame({
        "order_id": np.char.add("SO", np.arange(n).astype(str)),
        "order_date": pd.to_datetime(dates).to_pydatetime(),
        "customer_id": np.char.add("C", cust.astype(str)),
        "customer_name": np.char.add("客户", cust.astype(str)),
        "salesperson": reps[rep_idx],
        "region": regions[rep_idx],
        "product_line": np.array(["A产品", "B产品", "C产品", "D服务"])[rng.integers(0, 4, n)],
        "channel": np.array(["线上推广", "展会", "电话营销"])[rng.integers(0, 3, n)],
        "amount": np.round(rng.lognormal(10, 0.8, n), 2),
        "status": np.array(["已成交", "已签约", "已回款", "已取消"])[rng.choice(4, n, p=[0.35, 0.15, 0.44, 0.06])],
    }).astype(object)
    df["_row"] = np.arange(2, n + 2)
    return df


def raw_targets(as_of: dt.date = dt.date(2026, 11, 15)) -> pd.DataFrame:
    reps = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏"]
    rows = [{"period": str(p), "salesperson": r, "target": 3_000_000}
            for p in pd.period_range("2025-01", as_of.strftime("%Y-%m"), freq="M") for r in reps]
    df = pd.DataFrame(rows).astype(object)
    df["_row"] = np.arange(2, len(df) + 2)
    return df
