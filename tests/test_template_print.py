"""Page setup, print areas, frozen header rows and print titles of the output sheets live in the template.

Excel keeps them through a refresh (its ``Sheet.clear`` clears cells only), so nothing sets them in
Excel; the file engine forgets a cleared sheet whole and sets them again. Both must end the same:
what a headless refresh writes equals what the shipped template holds. The Excel-only code that is
left at refresh is exactly :data:`salesbook.excel.printing.EXCEL_ONLY`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import openpyxl
import pytest

import salesbook
from salesbook import schema
from salesbook.excel import printing, sheetstyle
from salesbook.excel.template import shipped_template


def setup(ws) -> dict:
    """What a sheet prints and freezes (print titles only where they do not move with the data)."""
    area = ws.print_area
    return {"orientation": ws.page_setup.orientation, "paper": str(ws.page_setup.paperSize),
            "fit": (ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight),
            "freeze": ws.freeze_panes, "titles": ws.print_title_rows,
            "area": area.split("!")[-1] if area else None}


@pytest.fixture(scope="module")
def books(small_book):
    return openpyxl.load_workbook(shipped_template("zh")), openpyxl.load_workbook(small_book)


@pytest.mark.parametrize("key,name", [(k, schema.sheet_name(k, "zh")) for k in schema.OUTPUT_SHEETS])
def test_a_refreshed_file_prints_like_the_template(books, key, name):
    template, refreshed = books
    want, got = setup(template[name]), setup(refreshed[name])
    if not sheetstyle.rules_for(key).fixed and sheetstyle.rules_for(key).main:  # the cleaning log: its
        want.pop("titles"), got.pop("titles")  # header moves with the summary above it (set in Excel too)
    assert got == want
    assert want["orientation"] == ("portrait" if key in ("report", "meeting") else "landscape")
    assert want["paper"] == "9" or key == "dashboard"  # A4


def test_the_template_freezes_and_prints_the_header_of_the_tables_that_start_at_the_top(books):
    template, _ = books
    fixed = [schema.sheet_name(k, "zh") for k in schema.OUTPUT_SHEETS if sheetstyle.rules_for(k).fixed]
    assert len(fixed) == 6
    for name in fixed:
        assert template[name].freeze_panes == "A3" and template[name].print_title_rows == "$1:$2", name
    assert template["问题与策略"].print_area.endswith("$A$1:$K$1048576")  # the key column is not printed


SRC = Path(salesbook.__file__).parent


def _api_calls() -> list[tuple[str, str]]:
    """(module, source) of every expression that reaches an Excel object's COM interface (``x.api``)."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "engine.py" or path.name.startswith("file"):  # the file engine (engine.py, file*.py) defines ``api`` properties, it calls no COM
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "api" and ast.unparse(node.value) != "pd":
                out.append((path.name, ast.unparse(node)))
    return out


def test_the_only_excel_only_code_at_refresh_is_the_listed_one():
    calls = _api_calls()
    assert {m for m, _ in calls} == {"printing.py"}
    listed = " ".join(printing.EXCEL_ONLY)
    used = set()
    for path in [SRC / "excel" / "printing.py"]:
        for m in re.finditer(r"\.api\.(\w+)", path.read_text(encoding="utf-8")):
            used.add(m.group(1))
    assert used == {"HPageBreaks", "ResetAllPageBreaks", "PageSetup", "AutoFilterMode", "AutoFilter"}
    assert all(name in listed for name in used)
