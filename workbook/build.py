"""Build workbook/SalesTracker.xlsm reproducibly, without Excel.

    python workbook/build.py            # (re)write the committed workbook
    python workbook/build.py --check    # exit 1 if the committed workbook differs from a fresh build

Two builds from the same sources are byte-identical (fixed zip timestamps and document dates),
so CI can check that the committed file is what the sources produce.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from salesbook.excel.template import build_workbook  # noqa: E402

TARGET = HERE / "SalesTracker.xlsm"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with a fresh build instead of writing")
    ap.add_argument("--out", type=Path, default=TARGET)
    args = ap.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = build_workbook(Path(tmp) / TARGET.name)
            same = args.out.exists() and filecmp.cmp(fresh, args.out, shallow=False)
        print("up to date" if same else f"{args.out} differs from a fresh build: run python workbook/build.py")
        return 0 if same else 1
    build_workbook(args.out)
    print(f"built {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
