"""Headless LibreOffice runs every ribbon callback of the built workbook; the Python they name then runs.

LibreOffice cannot compile xlwings' own VBA (Windows DLL declarations), so a copy of the workbook
gets a stub ``xlwings`` module whose RunPython records its command in a cell, and a stub
``IRibbonControl`` class (Office's type library is not there). The callbacks themselves
(``SalesbookRibbon``) are the real, built ones.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from salesbook.excel import engine
from tests.test_ribbon_chain import WORKBOOK, ribbon_actions, vba_subs

SYSTEM_PY = "/usr/bin/python3"
HERE = Path(__file__).resolve().parent


def _have_uno() -> bool:
    if not shutil.which("soffice") or not Path(SYSTEM_PY).exists():
        return False
    return subprocess.run([SYSTEM_PY, "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not _have_uno(), reason="LibreOffice with python3-uno is not installed")]

RECORDER = '''Attribute VB_Name = "xlwings"
' Test stub: records the command instead of starting Python.
Public Function RunPython(PythonCommand As String)
    Dim ws As Object
    Set ws = ThisWorkbook.Worksheets("xlwings.conf")
    Dim r As Long
    r = 30
    Do While ws.Cells(r, 1).Value <> ""
        r = r + 1
    Loop
    ws.Cells(r, 1).Value = PythonCommand
End Function
'''


def stubbed_copy(tmp_path: Path) -> Path:
    from pyopenvba import ExcelFile, VBAModuleKind

    path = tmp_path / "callbacks.xlsm"
    shutil.copy(WORKBOOK, path)
    with ExcelFile(path) as xf:
        project = xf.vba_project()
        xf.set_module("xlwings", RECORDER.replace("\n", "\r\n"))
        for name in ("Dictionary", "xlwings_udfs"):
            project.delete_module(name)
        project.add_module("IRibbonControl", "Public Id As String\r\n", kind=VBAModuleKind.other)
        xf.save()
    return path


def test_libreoffice_runs_every_callback_and_the_recorded_python_works(tmp_path, small_book):
    actions = ribbon_actions(WORKBOOK)
    order = ["刷新分析", "RFM分层", "填充策略表", "生成报告", "标记异常", "清除标记", "清洗数据", "撤销清洗"]
    subs = [actions[label] for label in order]
    path = stubbed_copy(tmp_path)
    out = subprocess.run([SYSTEM_PY, str(HERE / "lo_callbacks.py"), str(path), *subs], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["errors"] == {}
    expected = [vba_subs(WORKBOOK)[s] for s in subs]
    assert result["commands"] == expected  # LibreOffice executed each Sub, in order

    book_path = tmp_path / "运行.xlsm"
    shutil.copy(small_book, book_path)
    book = engine.open_book(book_path)
    book.set_mock_caller()
    for command in result["commands"]:
        exec(command, {})  # noqa: S102 - exactly what RunPython would run
        assert book.impl.alerts == [], (command, book.impl.alerts)
    book.save()
    assert engine.open_book(book_path).sheets["分析报告"].range("A1").value.startswith("客户分析报告")
