"""`salesbook refresh` on real workbooks, against openpyxl loading and saving the same file.

    python bench/bench_refresh.py [--sizes 10000 100000]

For each size: build a tracker, fill it with that many demo orders (and matching customers,
targets, follow-ups), save it, then time in the same process
  * baseline: ``openpyxl.load_workbook(keep_vba=True)`` + ``save`` of that file (the floor for any
    tool that edits the workbook with openpyxl), and
  * refresh: what ``salesbook refresh`` does — open, read every input sheet, run every analysis,
    rewrite every output sheet, save atomically with a backup.
It also prints the Range calls one refresh issued (each is a round trip in live Excel).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402

from salesbook import actions, demo, schema  # noqa: E402
from salesbook.excel import engine  # noqa: E402
from salesbook.excel.io import append_rows  # noqa: E402
from salesbook.excel.template import build_template  # noqa: E402


def make(path: Path, n_orders: int) -> None:
    build_template(path, deterministic=False)
    raw = demo.sample(max(300, n_orders // 30), n_orders, seed=11)
    book = engine.open_book(path)
    for key, df in raw.items():
        append_rows(book, schema.SHEET_BY_KEY[key], df)
    book.save()


def run(n: int, folder: Path) -> dict:
    path = folder / f"bench_{n}.xlsm"
    make(path, n)
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb.save(folder / "baseline.xlsm")
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    book = engine.open_book(path)
    t_open = time.perf_counter() - t0
    summary = actions.refresh(book, today=dt.date(2026, 11, 24))
    t_refresh = time.perf_counter() - t0 - t_open
    calls = dict(engine.calls(book))
    t1 = time.perf_counter()
    book.save()
    t_save = time.perf_counter() - t1
    total = time.perf_counter() - t0
    range_calls = sum(v for k, v in calls.items() if k.startswith("range."))
    return {"n": n, "total": total, "open": t_open, "analyse_write": t_refresh, "save": t_save, "baseline": base,
            "ratio": total / base, "range_calls": range_calls, "orders": summary.orders,
            "size_mb": path.stat().st_size / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows.append(run(n, Path(tmp)))
    print(f"{'orders':>8} {'file MB':>8} {'refresh s':>10} {'open':>6} {'analyse+write':>14} {'save':>6} "
          f"{'openpyxl load+save s':>21} {'ratio':>6} {'Range calls':>12}")
    for r in rows:
        print(f"{r['n']:>8,} {r['size_mb']:>8.1f} {r['total']:>10.2f} {r['open']:>6.2f} {r['analyse_write']:>14.2f} "
              f"{r['save']:>6.2f} {r['baseline']:>21.2f} {r['ratio']:>6.2f} {r['range_calls']:>12,}")


if __name__ == "__main__":
    main()
