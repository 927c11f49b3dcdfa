"""Check workbooks the product wrote: the ribbon is wired, and Microsoft's validator finds 0 errors.

    python scripts/check_shipped.py [--validator PATH/TO/ooxml-validate] FILE.xlsm [...]

For each file: ``customUI/customUI14.xml`` is there, ``_rels/.rels`` points at it with the
ribbon-extensibility relationship, and every button's ``onAction`` has a
``Sub X(control As IRibbonControl)`` in the VBA project (read back with pyOpenVBA); the template's
charts are there (7 on the dashboard, 6 on the report), each bound to cells of its own sheet. With
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


CHARTS = {"仪表盘": 7, "Dashboard": 7, "分析报告": 6, "Report": 6}  # the template's charts, per sheet
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in z.namelist():
        return {}
    out = {}
    for r in ET.fromstring(z.read(rels)).iter(f"{PKG_RELS}Relationship"):
        parts = folder.split("/")
        for piece in r.get("Target").split("/"):
            parts = parts[:-1] if piece == ".." else parts + [piece]
        out[r.get("Id")] = r.get("Target").lstrip("/") if r.get("Target").startswith("/") else "/".join(parts)
    return out


def chart_problems(path: Path) -> list[str]:
    """The dashboard's and the report's charts: all there, every reference on the sheet itself."""
    problems = []
    with zipfile.ZipFile(path) as z:
        book = _rels(z, "xl/workbook.xml")
        for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter(f"{NS_MAIN}sheet"):
            name = sheet.get("name")
            if name not in CHARTS:
                continue
            part = book[sheet.get(f"{NS_R}id")]
            drawing = ET.fromstring(z.read(part)).find(f"{NS_MAIN}drawing")
            charts = [] if drawing is None else list(_rels(z, _rels(z, part)[drawing.get(f"{NS_R}id")]).values())
            if len(charts) != CHARTS[name]:
                problems.append(f"{name}: {len(charts)} charts, not {CHARTS[name]}")
            quoted = "'" + name.replace("'", "''") + "'!"
            for chart in charts:
                refs = re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", z.read(chart).decode())
                problems += [f"{chart}: {ref} is not on {name}" for ref in refs if not ref.startswith(quoted)]
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
        problems = [] if args.no_ribbon else ribbon_problems(path) + chart_problems(path)
        if args.validator:
            problems += validator_errors(path, args.validator)
        print(("✓ " if not problems else "✗ ") + str(path))
        for p in problems[:20]:
            print("    " + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
