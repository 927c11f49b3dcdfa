"""Dashboard, report and meeting pack: time to build them, and the PDF, against a full refresh.

    python bench/bench_report.py [--sizes 4000 100000] [--no-pdf]

For each size: build a tracker with that many demo orders (the demo has about 4,000), refresh it
once (so there is a previous state), then time in the same process
  * baseline: ``openpyxl.load_workbook(keep_vba=True)`` + ``save`` of the same file,
  * report: what ``salesbook report`` does without ``--pdf`` — open, read, analyse, rewrite the
    dashboard (cards and six charts), the 分析报告 report and the 例会材料 meeting pack, save,
  * pdf: the same with ``--pdf`` (LibreOffice prints the three sheets),
and prints the Range calls the report issued (each is a round trip in live Excel).
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
from bench_refresh import make  # noqa: E402

from salesbook import actions  # noqa: E402
from salesbook.excel import engine  # noqa: E402

TODAY = dt.date(2026, 11, 24)


def _report(path: Path, pdf: Path | None) -> tuple[float, int]:
    t0 = time.perf_counter()
    book = engine.open_book(path)
    actions.report(book, today=TODAY, pdf=str(pdf) if pdf else None)
    calls = sum(v for k, v in engine.calls(book).items() if k.startswith("range."))
    book.save()
    return time.perf_counter() - t0, calls


def run(n: int, folder: Path, with_pdf: bool) -> dict:
    path = folder / f"bench_{n}.xlsm"
    make(path, n)
    book = engine.open_book(path)
    actions.refresh(book, today=TODAY)
    book.save()
    t0 = time.perf_counter()
    openpyxl.load_workbook(path, keep_vba=True).save(folder / "baseline.xlsm")
    base = time.perf_counter() - t0
    t_report, calls = _report(path, None)
    t_pdf = _report(path, folder / "report.pdf")[0] if with_pdf else float("nan")
    return {"n": n, "baseline": base, "report": t_report, "pdf": t_pdf, "calls": calls,
            "size_mb": path.stat().st_size / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[4_000, 100_000])
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [run(n, Path(tmp), not args.no_pdf) for n in args.sizes]
    print(f"{'orders':>8} {'file MB':>8} {'openpyxl load+save s':>21} {'report s':>9} {'ratio':>6} "
          f"{'report+PDF s':>13} {'ratio':>6} {'Range calls':>12}")
    for r in rows:
        print(f"{r['n']:>8,} {r['size_mb']:>8.1f} {r['baseline']:>21.2f} {r['report']:>9.2f} "
              f"{r['report'] / r['baseline']:>6.2f} {r['pdf']:>13.2f} {r['pdf'] / r['baseline']:>6.2f} {r['calls']:>12,}")


if __name__ == "__main__":
    main()
