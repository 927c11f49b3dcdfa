"""UDF cost per call, and Range calls of one refresh.

    python bench/bench_udf.py [--calls 10000]

* 10k calls of =CUSTOMER_TIER / =RFM_SCORE after the first (cache warm), against recomputing the
  analysis for each call (what a naive UDF would do; measured on a few calls and scaled per call).
* Range calls issued by one Refresh analysis on the demo workbook (4k orders) and on a 10k-order
  workbook: each is a round trip in live Excel; the target is a number that does not grow with rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesbook import actions, demo, lookup, schema, udfs  # noqa: E402
from salesbook.core.pipeline import run  # noqa: E402
from salesbook.excel import engine, io  # noqa: E402
from salesbook.excel.template import build_template  # noqa: E402

TODAY = dt.date(2026, 11, 24)


def tracker(path: Path, customers: int, orders: int) -> Path:
    build_template(path, deterministic=False)
    book = engine.open_book(path)
    for key, df in demo.sample(customers, orders, seed=5).items():
        io.append_rows(book, schema.SHEET_BY_KEY[key], df)
    actions.refresh(book, today=TODAY)
    book.save()
    return path


def range_calls(path: Path) -> int:
    book = engine.open_book(path)
    actions.refresh(book, today=TODAY)
    return sum(v for k, v in engine.calls(book).items() if k.startswith("range."))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        demo_path = tracker(Path(tmp) / "demo.xlsm", 300, 4000)
        big_path = tracker(Path(tmp) / "big.xlsm", 600, 10_000)
        book = engine.open_book(demo_path)
        caller = book.sheets["订单明细"].range("Z1")
        ids = [r[0] for r in book.sheets["RFM"].used_range.options(ndim=2).value[2:]]
        lookup._CACHE.clear()
        t0 = time.perf_counter()
        udfs.CUSTOMER_TIER(ids[0], caller=caller)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        for i in range(args.calls):
            udfs.RFM_SCORE(ids[i % len(ids)], caller=caller)
        cached = (time.perf_counter() - t0) / args.calls
        tables, settings = io.read_tables(book)
        n = 5
        t0 = time.perf_counter()
        for _ in range(n):
            io.read_tables(book)
            run(tables, settings=settings, today=TODAY)
        recompute = (time.perf_counter() - t0) / n
        calls_demo, calls_big = range_calls(demo_path), range_calls(big_path)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'UDF':<34} {'per call':>12} {'10k calls':>11} {'vs recompute':>13}")
    print(f"{'first call (reads RFM + tiers)':<34} {first * 1e3:>10.2f}ms {'':>11} {'':>13}")
    print(f"{'cached call (1 stamp read + dict)':<34} {cached * 1e6:>10.1f}µs {cached * 1e4:>10.2f}s "
          f"{recompute / cached:>12,.0f}×")
    print(f"{'recompute the analysis per call':<34} {recompute * 1e3:>10.1f}ms {recompute * 1e4:>10.0f}s {1:>12}×")
    print()
    print(f"{'workbook':<34} {'orders':>8} {'Range calls per refresh':>24}")
    print(f"{'demo':<34} {4000:>8,} {calls_demo:>24}")
    print(f"{'10k-order':<34} {10000:>8,} {calls_big:>24}")


if __name__ == "__main__":
    main()
