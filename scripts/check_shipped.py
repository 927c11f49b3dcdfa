"""Check workbooks the product wrote: the ribbon is wired, and Microsoft's validator finds 0 errors.

    python scripts/check_shipped.py [--validator PATH/TO/ooxml-validate] FILE.xlsm [...]

For each file: ``customUI/customUI14.xml`` is there, ``_rels/.rels`` points at it with the
ribbon-extensibility relationship, and every button's ``onAction`` has a
``Sub X(control As IRibbonControl)`` in the VBA project (read back with pyOpenVBA). With
``--validator``, the Open XML SDK validator (npm ``@ooxml-tools/validate``) must report no error.
Prints one line per file and exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from salesbook.excel import vba  # noqa: E402

RIBBON = "customUI/customUI14.xml"
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOM_UI = "{http://schemas.microsoft.com/office/2009/07/customui}"
PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def ribbon_problems(path: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        if RIBBON not in names:
            return [f"no {RIBBON}"]
        rels = ET.fromstring(z.read("_rels/.rels"))
        if not any(r.get("Type") == RIBBON_REL and r.get("Target").lstrip("/") == RIBBON
                   for r in rels.iter(f"{PKG_RELS}Relationship")):
            problems.append("no ribbon relationship in _rels/.rels")
        actions = {b.get("onAction") for b in ET.fromstring(z.read(RIBBON)).iter() if b.get("onAction")}
    source = "\n".join(vba.read_modules(path).values())
    subs = set(re.findall(r"Sub (\w+)\(control As IRibbonControl\)", source))
    if not actions:
        problems.append("the ribbon has no buttons")
    problems += [f"onAction {a} has no Sub {a}(control As IRibbonControl)" for a in sorted(actions - subs)]
    return problems


def validator_errors(path: Path, validator: str) -> list[str]:
    run = subprocess.run([validator, "-f", "xlsx", "--of", "json", str(path)], capture_output=True, text=True,
                         timeout=300)
    text = run.stdout[run.stdout.find("["):] if "[" in run.stdout else run.stdout
    try:
        found = json.loads(text)
    except json.JSONDecodeError:
        return [f"validator output not understood (exit {run.returncode}): {run.stdout[:300]} {run.stderr[:300]}"]
    out = []
    for e in found:
        where = e.get("path") if isinstance(e.get("path"), dict) else {}
        out.append(f"{where.get('partUri', '')} {where.get('xpath', '')}: {e.get('description', e)}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--validator", help="path of the ooxml-validate command")
    ap.add_argument("--no-ribbon", action="store_true", help="only validate (files that are not trackers)")
    args = ap.parse_args(argv)
    failed = 0
    for path in args.files:
        problems = [] if args.no_ribbon else ribbon_problems(path)
        if args.validator:
            problems += validator_errors(path, args.validator)
        print(("✓ " if not problems else "✗ ") + str(path))
        for p in problems[:20]:
            print("    " + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
