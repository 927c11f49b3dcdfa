"""The Excel side, checked without Excel: every engine name the edge reaches exists in xlwings' own engines.

salesbook's edge talks to xlwings' front end (``xw.Book``/``Sheet``/``Range``). In Excel the
front end calls the Windows (``_xlwindows.py``) or macOS (``_xlmac.py``) engine; headless, it calls
our file engine. A refresh, flag, clean, undo-clean, clear-flags, report and import are run here
on the file engine while every attribute the *front end* asks of an engine object is recorded.
Each recorded name must exist on the same class of both real engines of the pinned xlwings (read
with ``ast``: they import pywin32/appscript, which Linux does not have). A name only our engine has
would raise AttributeError in Excel — on a manager's machine, not in CI — so it fails here.

Names our own code calls on ``sheet.impl`` after checking it is a file sheet (page setup, breaks)
are not the front end's, and are not recorded.
"""

from __future__ import annotations

import ast
import collections
import datetime as dt
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
import xlwings

from salesbook import actions, schema
from salesbook.excel import engine
from salesbook.excel.engine import open_book
from salesbook.excel.io import append_rows

XLWINGS = Path(xlwings.__file__).parent
FRONT_END = str(XLWINGS) + "/"  # main.py, conversion/*.py: everything of xlwings but its engines
# our engine class → the class of the same role in xlwings' engines
ROLES = {"FileEngine": "Engine", "FileApps": "Apps", "FileApp": "App", "FileBooks": "Books", "FileBook": "Book",
         "FileSheets": "Sheets", "FileSheet": "Sheet", "FileRange": "Range", "FileNote": "Note", "FileFont": "Font"}


def _is_abstract(fn: ast.FunctionDef) -> bool:
    """A base-class method that only raises NotImplementedError (the engine must provide it)."""
    body = [n for n in fn.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise) and "NotImplementedError" in ast.unparse(body[0])


def _classes(module: str) -> dict[str, ast.ClassDef]:
    tree = ast.parse((XLWINGS / module).read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


def engine_names(module: str) -> dict[str, set[str]]:
    """Class → every attribute it defines (methods, properties, attributes set on self), with what its
    bases in the module and in ``base_classes`` really implement (not the ``raise NotImplementedError`` ones)."""
    modules = {module: _classes(module), "base_classes.py": _classes("base_classes.py")}

    def names(cls: ast.ClassDef, where: str, seen: frozenset = frozenset()) -> set[str]:
        out: set[str] = set()
        for node in cls.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if where == "base_classes.py" and _is_abstract(node):
                    continue
                out.add(node.name)
                out |= {t.attr for a in ast.walk(node) if isinstance(a, ast.Assign) for t in a.targets
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
            elif isinstance(node, ast.Assign):
                out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                out.add(node.target.id)
        for b in cls.bases:
            if isinstance(b, ast.Name) and b.id in modules[where]:
                base_where, base_name = where, b.id
            elif isinstance(b, ast.Attribute) and ast.unparse(b.value) == "base_classes":
                base_where, base_name = "base_classes.py", b.attr
            else:
                continue
            if (base_where, base_name) not in seen and base_name in modules[base_where]:
                out |= names(modules[base_where][base_name], base_where, seen | {(where, cls.name)})
        return out

    return {name: names(cls, module) for name, cls in modules[module].items()}


@pytest.fixture(scope="module")
def reached(tmp_path_factory, small_book) -> dict[str, set[str]]:
    """Class → names the xlwings front end asked of our engine objects during every action."""
    seen: dict[str, set[str]] = collections.defaultdict(set)
    originals = {}

    def traced(cls, original):
        def hook(self, name, *value):  # __getattribute__(name) and __setattr__(name, value)
            if sys._getframe(1).f_code.co_filename.startswith(FRONT_END) and not name.startswith("__"):
                seen[cls.__name__].add(name)
            return original(self, name, *value)

        return hook

    for name in ROLES:
        cls = getattr(engine, name)
        originals[cls] = (cls.__dict__.get("__getattribute__"), cls.__dict__.get("__setattr__"))
        cls.__getattribute__ = traced(cls, cls.__getattribute__)
        cls.__setattr__ = traced(cls, cls.__setattr__)
    try:
        path = tmp_path_factory.mktemp("conformance") / "conformance.xlsm"
        shutil.copy(small_book, path)
        book = open_book(path)
        today = dt.date(2026, 11, 24)
        extra = pd.DataFrame({"order_id": ["X-1"], "order_date": [dt.datetime(2026, 11, 20)],
                              "customer_id": ["C001"], "amount": [1234.0], "status": ["已成交"]})
        append_rows(book, schema.ORDERS, extra)
        actions.refresh(book, today=today)
        actions.flag(book, today=today)
        actions.clean(book, today=today)
        actions.undo_clean(book)
        actions.clear_flags(book)
        actions.report(book, today=today)
        book.save()
    finally:
        for cls, (get, set_) in originals.items():
            for attr, original in (("__getattribute__", get), ("__setattr__", set_)):
                if original is None:
                    delattr(cls, attr)
                else:
                    setattr(cls, attr, original)
    return dict(seen)


# attributes the front end itself stores on any engine object (main.Range: ``self._impl.options = options``)
FRONT_END_OWN = {("Range", "options")}


@pytest.mark.parametrize("module", ["_xlwindows.py", "_xlmac.py"])
def test_every_engine_name_the_edge_reaches_exists_in_xlwings_own_engines(reached, module):
    real = engine_names(module)
    missing = {f"{ROLES[cls]}.{name}" for cls, names in reached.items() for name in names
               if name not in real.get(ROLES[cls], set()) and (ROLES[cls], name) not in FRONT_END_OWN}
    assert not missing, f"only the file engine has: {sorted(missing)} (would fail in Excel via {module})"


def test_the_trace_saw_the_front_end_at_work(reached):
    # a tracer that records nothing would pass the test above vacuously
    assert {"raw_value", "color", "number_format", "column_width"} <= reached["FileRange"]
    assert "sheets" in reached["FileBook"] and "name" in reached["FileSheet"]
    assert sum(map(len, reached.values())) >= 25


def test_a_name_only_our_engine_has_is_caught():
    real = engine_names("_xlwindows.py")
    assert "raw_value" in real["Range"] and "add_row_break" not in real["Sheet"]
    assert "column_width" in real["Range"] and "max_cells_per_read" in real["Range"]  # inherited, implemented


# front-end calls made only in live Excel (the file engine takes another branch), so the trace above cannot
# see them: each must exist in both real engines all the same (printing.fit_row_heights: ``rows.autofit()``)
EXCEL_BRANCH_FRONT_END = {("Range", "autofit")}


@pytest.mark.parametrize("module", ["_xlwindows.py", "_xlmac.py"])
def test_the_front_end_calls_of_the_excel_only_branches_exist_in_both_engines(module):
    real = engine_names(module)
    assert {(cls, name) for cls, name in EXCEL_BRANCH_FRONT_END if name not in real.get(cls, set())} == set()
