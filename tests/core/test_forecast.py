"""达成概率: on synthetic reps whose true probability is known by simulating their remaining days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from salesbook.core import forecast


def simulated_truth(rng, day_sampler, actual, target, days_left, runs=200_000) -> float:
    remaining = day_sampler(rng, (runs, days_left)).sum(axis=1)
    return float(np.mean(actual + remaining >= target))


@pytest.mark.parametrize("kind,actual,target,days_left", [
    ("steady", 60_000, 100_000, 12),   # needs 3,333/day on a 3,000/day average: behind
    ("steady", 60_000, 90_000, 12),    # needs 2,500/day: ahead
    ("lumpy", 60_000, 100_000, 12),    # same mean, a few big orders: nearer a coin toss
    ("lumpy", 30_000, 100_000, 20),
])
def test_probability_matches_the_simulated_truth(kind, actual, target, days_left):
    rng = np.random.default_rng(3)
    if kind == "steady":  # ~3,000 a day, little spread
        def sampler(g, size):
            return g.normal(3_000, 600, size)
    else:  # an order on 10% of days, 30,000 each: also ~3,000 a day on average
        def sampler(g, size):
            return (g.random(size) < 0.1) * g.gamma(4, 7_500, size)
    history = sampler(rng, 365)
    p = forecast.hit_probability(actual, target, days_left, history)
    truth = simulated_truth(rng, sampler, actual, target, days_left)
    assert p == pytest.approx(truth, abs=0.06), (p, truth)


def test_lumpy_days_pull_the_probability_towards_a_coin_toss():
    rng = np.random.default_rng(5)
    steady = rng.normal(3_000, 300, 365)
    lumpy = (rng.random(365) < 0.1) * 30_000.0
    p_steady = forecast.hit_probability(60_000, 100_000, 12, steady)
    p_lumpy = forecast.hit_probability(60_000, 100_000, 12, lumpy)
    assert p_steady < 0.05 and 0.15 < p_lumpy < 0.5


def test_edges_reached_target_no_day_left_no_target():
    days = np.full(100, 1_000.0)
    assert forecast.hit_probability(120, 100, 5, days) == 1.0
    assert forecast.hit_probability(90, 100, 0, days) == 0.0
    assert np.isnan(forecast.hit_probability(90, 0, 5, days))


def test_attainment_uses_the_rows_rep_history_and_only_the_running_period():
    days = pd.date_range("2024-01-01", "2024-06-30", freq="D")
    orders = pd.DataFrame({"order_date": list(days) * 2, "revenue": [1_000.0] * len(days) + [0.0] * len(days),
                           "salesperson": ["张三"] * len(days) + ["李四"] * len(days)})
    perf = pd.DataFrame({"period": [pd.Period("2024-06", "M"), pd.Period("2024-06", "M"), pd.Period("2024-05", "M")],
                         "salesperson": ["张三", "李四", "张三"], "actual": [15_000.0, 15_000.0, 31_000.0],
                         "target": [28_000.0, 28_000.0, 30_000.0], "product_line": None, "region": None})
    p = forecast.attainment(perf, orders, as_of=dt.date(2024, 6, 15))
    # 张三 sells exactly 1,000 every day: 15 days left → 30,000 ≥ 28,000 for sure; 李四 sells nothing
    assert p.iloc[0] == 1.0 and p.iloc[1] == 0.0 and np.isnan(p.iloc[2])


def test_a_new_rep_without_enough_history_gets_no_estimate():
    days = pd.date_range("2024-05-20", "2024-06-10", freq="D")
    orders = pd.DataFrame({"order_date": days, "revenue": 500.0, "salesperson": "新人"})
    perf = pd.DataFrame({"period": [pd.Period("2024-06", "M")], "salesperson": ["新人"], "actual": [5_000.0],
                         "target": [20_000.0]})
    assert np.isnan(forecast.attainment(perf, orders, as_of=dt.date(2024, 6, 10)).iloc[0])
