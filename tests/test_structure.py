"""The layout stays the architecture: no import cycles, no module too long to read in one sitting, a
curated public surface, every CLI command explained in both languages, docstrings on public code.

Everything here reads the source (``ast``) or the objects themselves; nothing is listed by hand
except the explicit allowlists, which say why each entry is there and are meant to shrink.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import salesbook
from salesbook.cli import main

PACKAGE = Path(salesbook.__file__).parent
ROOT = PACKAGE.parent
MAX_LINES = 420
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{3,}\b")

# Modules allowed over MAX_LINES, with the reason. Keep it short: split a module instead of adding it.
LONG_MODULES: dict[str, str] = {}

# Public functions and classes still without a docstring, in modules this branch did not own
# (the owners of those modules add them; the lead empties this set after merging).
UNDOCUMENTED: set[str] = set()


def _sources() -> dict[str, Path]:
    """Dotted module name → file, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _sources()


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports anywhere — at the top, inside functions, relative or
    absolute. Imports under ``if TYPE_CHECKING:`` never run and are left out."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()

    def add(target: str) -> None:
        while target and target not in MODULES:  # `from .x import f`: f is a name in module x
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name)
            elif isinstance(child, ast.ImportFrom):
                base = here[: len(here) - child.level + 1] if child.level else []
                target = ".".join([*base, child.module] if child.module else base)
                for alias in child.names:
                    full = f"{target}.{alias.name}"
                    add(full if full in MODULES else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that starts and ends at the same module), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                found = dfs(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = dfs(start)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_import_graph_sees_relative_absolute_and_function_level_imports(tmp_path):
    io_imports = imports_of("salesbook.excel.io", MODULES["salesbook.excel.io"])
    assert "salesbook.excel.inputs" in io_imports  # from .inputs import (…)
    assert "salesbook.schema" in io_imports  # from .. import schema
    assert "salesbook.core.tables" in io_imports  # from ..core.tables import Block
    # a function-level import counts (it runs the first time the function does)
    fake = tmp_path / "fake.py"
    fake.write_text("def write():\n    from . import dashboard\n    from ..core import rfm\n", encoding="utf-8")
    lazy = imports_of("salesbook.excel.fake", fake)
    assert {"salesbook.excel.dashboard", "salesbook.core.rfm"} <= lazy


def test_the_package_has_no_import_cycles():
    graph = {name: imports_of(name, path) for name, path in MODULES.items()}
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph))


def test_no_module_is_too_long_to_read_in_one_sitting():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES.values()}
    too_long = {p: n for p, n in sizes.items() if n > MAX_LINES and p not in LONG_MODULES}
    assert not too_long, f"split these by responsibility (≤ {MAX_LINES} lines): {too_long}"
    stale = [p for p in LONG_MODULES if sizes.get(p, 0) <= MAX_LINES]
    assert not stale, f"no longer over the limit, remove from LONG_MODULES: {stale}"


def _has_own_docstring(obj) -> bool:
    doc = obj.__doc__
    if not doc or not doc.strip():
        return False
    # a dataclass without a docstring gets its signature as __doc__: that documents nothing
    return not (inspect.isclass(obj) and doc.startswith(f"{obj.__name__}("))


def test_the_public_surface_is_curated_and_documented():
    assert salesbook.__all__ == sorted(salesbook.__all__, key=str.casefold)
    assert set(salesbook.__all__) == set(salesbook._EXPORTS)
    assert len(set(salesbook.__all__)) == len(salesbook.__all__)
    for name in salesbook.__all__:
        assert not name.startswith("_")
        obj = getattr(salesbook, name)  # every exported name resolves
        assert obj.__module__.startswith("salesbook."), name
        assert name in dir(salesbook)
        where = f"{Path(inspect.getfile(obj)).relative_to(ROOT)}:{obj.__name__}"
        assert _has_own_docstring(obj) or where in UNDOCUMENTED, f"{name} has no docstring"
    with pytest.raises(AttributeError):
        salesbook.no_such_name  # noqa: B018


def test_the_public_surface_covers_the_ribbon_actions():
    actions = importlib.import_module("salesbook.actions")
    for name in ("refresh", "flag", "clear_flags", "clean", "undo_clean", "report"):
        assert getattr(salesbook, name) is getattr(actions, name)
    assert salesbook.Settings is importlib.import_module("salesbook.settings").Settings
    assert salesbook.open_book is importlib.import_module("salesbook.excel.engine").open_book


def _commands(group: click.Group) -> list[tuple[str, click.Command]]:
    ctx = click.Context(group)
    return [(name, group.get_command(ctx, name)) for name in group.list_commands(ctx)]


def test_the_cli_has_commands():
    assert len(_commands(main)) >= 5  # the group is really walked below, not an empty list


@pytest.mark.parametrize(("name", "command"), _commands(main), ids=[n for n, _ in _commands(main)])
def test_every_cli_command_explains_itself_in_chinese_and_english(name, command):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    help_text = (command.help or "").strip()
    assert help_text, f"{name} has no help text"
    assert CJK.search(help_text), f"{name}: no Chinese in its help"
    assert len(ENGLISH_WORDS.findall(help_text)) >= 3, f"{name}: no English sentence in its help"
    assert help_text.splitlines()[0].split(" / ")[0].strip() in " ".join(result.output.split())


def _undocumented() -> set[str]:
    found = set()
    for path in MODULES.values():
        rel = str(path.relative_to(ROOT))
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                    and not node.name.startswith("_") and not ast.get_docstring(node):
                found.add(f"{rel}:{node.name}")
    return found


def test_public_functions_and_classes_have_docstrings():
    missing = _undocumented() - UNDOCUMENTED
    assert not missing, f"add a docstring: {sorted(missing)}"
    documented_now = UNDOCUMENTED - _undocumented()
    assert not documented_now, f"documented now, remove from UNDOCUMENTED: {sorted(documented_now)}"


# Modules that still keep a number-format table of their own (their owners switch to excel/look.py).
OWN_FORMAT_TABLES = {
    "salesbook/excel/dashboard.py": "_FMT agrees with look.NUMBER_FORMATS but is a copy",
    "salesbook/excel/meeting_sheet.py": "_FMT: int '0' and num '0.0' where look has '#,##0' and '#,##0.0'",
}


def _format_tables() -> dict[str, dict[str, str]]:
    """Every dict literal in the package that maps the column kinds ``amount`` and ``pct`` to format codes."""
    found = {}
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
                table = {k.value: v.value for k, v in zip(node.keys, node.values, strict=True)
                         if isinstance(v, ast.Constant)}
                if {"amount", "pct"} <= set(table) and "%" in str(table["pct"]):
                    found[f"{path.relative_to(ROOT)}:{node.lineno}"] = table
    return found


def test_one_number_format_table():
    from salesbook.excel import io, look

    assert look.NUMBER_FORMATS["int"] == "#,##0" and io.number_formats is look.number_formats
    zh, en = look.number_formats("zh"), look.number_formats("en")
    assert {k: v for k, v in en.items() if k != "pp"} == {k: v for k, v in zh.items() if k != "pp"} == \
        look.NUMBER_FORMATS  # only the unit word of a change in points differs
    assert zh["pp"] == '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"' and en["pp"] == '+0.0" pp";-0.0" pp";0.0" pp"'
    tables = _format_tables()
    assert any(where.startswith("salesbook/excel/look.py") for where in tables)  # the finder finds the real one
    others = {w for w in tables if not w.startswith("salesbook/excel/look.py")}
    assert {w.split(":")[0] for w in others} <= set(OWN_FORMAT_TABLES), f"use excel/look.py: {sorted(others)}"


def test_a_result_is_frozen_and_its_tables_are_named():
    """Result and its tables cannot be rebound after a run, and every table is an attribute (not a string key)."""
    import dataclasses
    import datetime as dt

    import pandas as pd

    from salesbook.core import pipeline
    from salesbook.core.settings import Settings

    res = pipeline.run({}, settings=Settings(), today=dt.date(2024, 1, 1))
    for obj, field in ((res, "notices"), (res.frames, "alerts")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, field, None)
    names = [f.name for f in dataclasses.fields(pipeline.Tables)]
    assert all(isinstance(getattr(res.frames, n), pd.DataFrame) for n in names)
    assert res.frames.by("region") is res.frames.by_region
    assert res.with_notices(["x"]).notices == (*res.notices, "x") and "x" not in res.notices
