"""The outlook columns on real pipeline output: P(alive) on RFM, P(hit target) on 业绩分析."""

from __future__ import annotations

from salesbook.messages import text

import datetime as dt

import numpy as np
import pandas as pd

from salesbook.core import bgnbd, outlook
from salesbook.core.pipeline import run
from salesbook.settings import Settings
from tests.conftest import raw


def _orders(n_customers: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows, k = [], 0
    for c in range(n_customers):
        day = int(rng.integers(0, 60))
        for _ in range(int(rng.integers(1, 8))):
            if day > 540:
                break
            k += 1
            rows.append((f"O{k}", (dt.date(2024, 1, 1) + dt.timedelta(days=day)).isoformat(), f"C{c:03d}",
                         "张三" if c % 2 else "李四", 1000 + 10 * c, "已成交"))
            day += int(rng.integers(5, 120))
    return pd.DataFrame(rows, columns=["order_id", "order_date", "customer_id", "salesperson", "amount", "status"])


def test_rfm_gets_p_alive_from_the_fit_on_the_same_orders():
    orders = _orders(120)
    as_of = dt.date(2025, 6, 30)
    res = run({"orders": raw(orders)}, settings=Settings(as_of=as_of), today=as_of)
    r = res.frames.rfm.set_index("customer_id")
    typed = orders.assign(order_date=pd.to_datetime(orders["order_date"]))
    fit, scored = bgnbd.score(typed, as_of)
    assert fit.ok
    np.testing.assert_allclose(r.loc[scored.index, "p_alive"], scored["p_alive"], rtol=1e-6)
    assert r["p_alive"].between(0, 1).all() and (r["expected_90d"] >= 0).all()
    title = text(res.sheets["rfm"][0].title, "zh")
    assert "BG/NBD" in title and str(fit.repeat_buyers) in title


def test_too_few_repeat_buyers_leaves_the_columns_empty_and_the_title_says_why():
    orders = _orders(6)
    as_of = dt.date(2025, 6, 30)
    res = run({"orders": raw(orders)}, settings=Settings(as_of=as_of), today=as_of)
    assert res.frames.rfm["p_alive"].isna().all()
    assert "未计算" in text(res.sheets["rfm"][0].title, "zh") and "not computed" in text(res.sheets["rfm"][0].title, "en")


def test_p_hit_only_on_the_running_period_rows():
    orders = _orders(40)
    as_of = dt.date(2025, 6, 15)
    targets = pd.DataFrame([("2025-05", "张三", 5000), ("2025-06", "张三", 5000), ("2025-06", "李四", 1e9)],
                           columns=["period", "salesperson", "target"])
    res = run({"orders": raw(orders), "targets": raw(targets, "销售目标")}, settings=Settings(as_of=as_of),
              today=as_of)
    perf = res.frames.performance.set_index(["period_label", "salesperson"])
    assert np.isnan(perf.loc[("2025-05", "张三"), "p_hit"])  # closed: no forecast
    assert 0 <= perf.loc[("2025-06", "张三"), "p_hit"] <= 1
    assert perf.loc[("2025-06", "李四"), "p_hit"] < 0.01  # a billion in two weeks
    assert "p_hit" in [c.key for c in res.sheets["performance"][0].cols]


def test_inputs_are_not_changed():
    orders = _orders(30)
    typed = orders.assign(order_date=pd.to_datetime(orders["order_date"]), is_order=True, revenue=orders["amount"])
    before = typed.copy()
    rfm_table = pd.DataFrame({"customer_id": typed["customer_id"].unique()})
    outlook.with_churn(rfm_table, typed, settings=Settings(), as_of=dt.date(2025, 6, 30))
    pd.testing.assert_frame_equal(typed, before)
    assert list(rfm_table.columns) == ["customer_id"]
