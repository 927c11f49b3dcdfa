"""Adding a language is one file: a copy of the package with one more file in salesbook/words — a pseudo
language whose every word is the English one wrapped as ⟦…⟧ — builds its template and runs the demo in it,
and then no product word shows unwrapped. A word still written from code (a header, a sheet name, a note,
an error) shows up here as plain English or Chinese."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
WORDS = ROOT / "salesbook" / "words"
CJK = re.compile(r"[\u3400-\u9fff]")
pytestmark = pytest.mark.slow


def _value(v):
    return json.dumps(v, ensure_ascii=False)


def _pseudo(table: dict, path: tuple[str, ...] = ()) -> list[str]:
    """The TOML lines of ``table`` with every word wrapped (tables before keys, as TOML needs)."""
    lines, subtables = [], []
    for key, v in table.items():
        k = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _value(key)
        if isinstance(v, dict):
            subtables.append((k, v))
        elif path == ("language",):
            lines.append(f"{k} = {_value({'code': 'xx', 'name': 'Pseudo'}.get(key, v))}")
        elif isinstance(v, list):
            lines.append(f"{k} = {_value([f'⟦{x}⟧' if isinstance(x, str) and x else x for x in v])}")
        elif isinstance(v, str) and v:
            lines.append(f"{k} = {_value(f'⟦{v}⟧')}")
        else:
            lines.append(f"{k} = {_value(v)}")
    out = ([f"[{'.'.join(path)}]"] if path and lines else []) + lines
    for k, v in subtables:
        out += _pseudo(v, (*path, k))
    return out


def _leaves(table: dict) -> list[str]:
    out = []
    for v in table.values():
        if isinstance(v, dict):
            out += _leaves(v)
        elif isinstance(v, list):
            out += [x for x in v if isinstance(x, str)]
        elif isinstance(v, str):
            out.append(v)
    return out


def _product_words() -> set[str]:
    """Every fixed word (no placeholder) of the existing languages, long enough to be a word."""
    found = set()
    for path in WORDS.glob("*.toml"):
        for w in _leaves(tomllib.loads(path.read_text(encoding="utf-8"))):
            w = w.strip()
            if "{" not in w and (len(w) >= 4 or (CJK.search(w) and len(w) >= 2)):
                found.add(w)
    return found


@pytest.fixture(scope="module")
def pseudo_demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pseudo")
    shutil.copytree(ROOT / "salesbook", tmp / "salesbook", ignore=shutil.ignore_patterns("__pycache__"))
    en = tomllib.loads((WORDS / "en.toml").read_text(encoding="utf-8"))
    (tmp / "salesbook" / "words" / "xx.toml").write_text("\n".join(_pseudo(en)) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp), "SALESBOOK_DEBUG": "1"}

    def run(*args: str) -> subprocess.CompletedProcess:
        r = subprocess.run([sys.executable, *args], cwd=tmp, env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        return r

    run("-c", "import salesbook, sys; assert salesbook.__file__.startswith(sys.argv[1]), salesbook.__file__; "
              "from salesbook import words; assert 'xx' in words.LANGS, words.LANGS; "
              "from salesbook.excel.template import build_workbook, shipped_template; "
              "build_workbook(shipped_template('xx'), lang='xx')", str(tmp))
    out = tmp / "demo.xlsm"
    r = run("-m", "salesbook.cli", "demo", "--lang", "xx", "--customers", "40", "--orders", "400", str(out))
    return out, r.stdout + r.stderr


def test_a_new_language_file_is_a_new_language(pseudo_demo):
    path, said = pseudo_demo
    wb = load_workbook(path)
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    plain = [ws.title for ws in visible if "⟦" not in ws.title]
    assert not plain, f"sheet names not from the language file: {plain}"
    words = _product_words()
    leaks = []
    for ws in visible:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, str) and "⟦" not in v and v.strip() in words:
                    leaks.append(f"{ws.title}!{c.coordinate}: {v}")
            # comments (help notes on headers, flags) are product words too
                if c.comment is not None and "⟦" not in c.comment.text and CJK.search(c.comment.text):
                    leaks.append(f"{ws.title}!{c.coordinate} note: {c.comment.text[:40]}")
    assert not leaks, f"{len(leaks)} product words written from code, e.g. {leaks[:15]}"
    assert "⟦" in said, said  # what the command prints speaks the language too
