"""Build workbook/SalesTracker.xlsm reproducibly, without Excel.

    python workbook/build.py            # (re)write the committed workbook and the shipped templates
    python workbook/build.py --check    # exit 1 if any of them differs from a fresh build

Outputs: ``workbook/SalesTracker.xlsm`` (the release workbook, Chinese) and the templates that
ship in the wheel, ``salesbook/templates/SalesTracker.<lang>.xlsm``, one per language file of
``salesbook/words`` (``salesbook new`` copies one).

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

from salesbook.excel.template import build_workbook, shipped_template  # noqa: E402
from salesbook.words import LANGS, REFERENCE  # noqa: E402

TARGET = HERE / "SalesTracker.xlsm"


def outputs(release: Path = TARGET) -> dict[Path, str]:
    """Every file the build writes → its language."""
    return {release: REFERENCE, **{shipped_template(lang): lang for lang in LANGS}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with a fresh build instead of writing")
    ap.add_argument("--out", type=Path, default=TARGET)
    args = ap.parse_args(argv)
    targets = outputs(args.out)
    if args.check:
        stale = []
        with tempfile.TemporaryDirectory() as tmp:
            for target, lang in targets.items():
                fresh = build_workbook(Path(tmp) / f"{lang}.xlsm", lang=lang)
                if not (target.exists() and filecmp.cmp(fresh, target, shallow=False)):
                    stale.append(target)
        for target in stale:
            print(f"{target} differs from a fresh build: run python workbook/build.py")
        print("up to date" if not stale else "")
        return 1 if stale else 0
    for target, lang in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        build_workbook(target, lang=lang)
        print(f"built {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
