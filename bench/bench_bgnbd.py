"""BG/NBD fit and scoring time for 10k and 100k customers (goal: ≤ 2 s at 100k).

    .venv/bin/python bench/bench_bgnbd.py

Orders are simulated from the BG/NBD process itself (CDNOW's parameters, 78 weeks), so the fit has
a known truth; the table also shows the recovered parameters. Baseline, in the same process: a
plain pandas groupby (first/last/count per customer) over the same orders — the least any churn
model must do.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd

from salesbook.core import bgnbd

TRUE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def simulate(n: int, weeks: float = 78, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lam = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], n)
    p = rng.beta(TRUE["a"], TRUE["b"], n)
    start = dt.datetime(2024, 1, 1)
    ids, days = [], []
    first = rng.uniform(0, 12, n)  # first purchases over 12 weeks
    for i in range(n):
        t = first[i]
        ids.append(i)
        days.append(t)
        while True:
            t += rng.exponential(1 / lam[i]) if lam[i] > 0 else np.inf
            if t > weeks:
                break
            ids.append(i)
            days.append(t)
            if rng.random() < p[i]:
                break
    return pd.DataFrame({"customer_id": ids, "order_date": start + pd.to_timedelta(np.array(days) * 7, unit="D")})


def main() -> None:
    as_of = dt.date(2024, 1, 1) + dt.timedelta(weeks=78)
    print(f"{'customers':>10} {'orders':>9} {'baseline s':>11} {'fit+score s':>12} {'ratio':>7}   fitted r, α, a, b")
    for n in (10_000, 100_000):
        orders = simulate(n)
        t0 = time.perf_counter()
        orders.groupby("customer_id")["order_date"].agg(["min", "max", "count"])
        base = time.perf_counter() - t0
        t0 = time.perf_counter()
        f, scored = bgnbd.score(orders, as_of)
        took = time.perf_counter() - t0
        params = ", ".join(f"{getattr(f, k):.3f}" for k in TRUE)
        print(f"{n:>10,} {len(orders):>9,} {base:>11.3f} {took:>12.3f} {took / base:>6.1f}x   {params}")
    print(f"true parameters: {', '.join(f'{v:.3f}' for v in TRUE.values())}")


if __name__ == "__main__":
    main()
