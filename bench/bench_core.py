"""Core pipeline speed and memory on synthetic orders, against a plain pandas RFM in the same run.

    python bench/bench_core.py [--sizes 100000 1000000]

Each size runs in a fresh subprocess so peak memory (max RSS) belongs to that size alone.
Ratio = full salesbook pipeline (cleaning from raw cells, every analysis, every alert) / the
baseline: a plain pandas groupby RFM (R, F, M and 1–5 quintile scores) over the same typed data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def baseline_rfm(orders, as_of):
    import pandas as pd

    o = orders[orders["status"] != "已取消"]
    g = o.groupby("customer_id")
    t = pd.DataFrame({"recency": (as_of - g["order_date"].max()).dt.days, "frequency": g.size(),
                      "monetary": g["amount"].sum()})
    for c, asc in (("recency", False), ("frequency", True), ("monetary", True)):
        t[c[0] + "_score"] = pd.qcut(t[c].rank(method="first", ascending=asc), 5, labels=False) + 1
    return t


def measure(n: int) -> dict:
    import pandas as pd

    from _data import raw_orders, raw_targets
    from salesbook.core.pipeline import RawTable, run
    from salesbook.settings import Settings

    raw = raw_orders(n)
    typed = raw.assign(order_date=pd.to_datetime(raw["order_date"]), amount=raw["amount"].astype(float))
    as_of = pd.Timestamp("2026-11-15")
    t0 = time.perf_counter()
    baseline_rfm(typed, as_of)
    base = time.perf_counter() - t0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    res = run({"orders": RawTable(raw, "订单明细"), "targets": RawTable(raw_targets(), "销售目标")},
              settings=Settings(as_of=dt.date(2026, 11, 15)), today=dt.date(2026, 11, 24))
    full = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"n": n, "pipeline_s": full, "baseline_s": base, "ratio": full / base, "peak_mb": peak / 1024,
            "pipeline_extra_mb": (peak - rss_before) / 1024, "customers": len(res.frames["rfm"]),
            "alerts": len(res.frames["alerts"])}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'orders':>10} {'pipeline s':>11} {'pandas RFM s':>13} {'ratio':>7} {'peak MB':>8} {'customers':>10} "
          f"{'alerts':>7}")
    for r in rows:
        print(f"{r['n']:>10,} {r['pipeline_s']:>11.2f} {r['baseline_s']:>13.3f} {r['ratio']:>7.1f} "
              f"{r['peak_mb']:>8.0f} {r['customers']:>10,} {r['alerts']:>7,}")


if __name__ == "__main__":
    main()
