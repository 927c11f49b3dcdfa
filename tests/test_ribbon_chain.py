"""From the built workbook to Python, for every ribbon button, without Excel.

customUI14.xml → onAction → the VBA Sub read back out of vbaProject.bin → its RunPython string
→ that Python code, executed against a copy of a real workbook, which must change as expected.
Renaming a Python function or misspelling a callback breaks one of these tests.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings

from salesbook.excel import engine, flags, vba

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "workbook" / "SalesTracker.xlsm"
NS = {"c": "http://schemas.microsoft.com/office/2009/07/customui"}
SPEC_BUTTONS = ["刷新分析", "清洗数据", "撤销清洗", "RFM分层", "填充策略表", "标记异常", "清除标记", "生成报告"]


def ribbon_actions(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("customUI/customUI14.xml"))
    tab = root.find(".//c:tab", NS)
    assert tab.get("label") == "销售分析 Sales"
    return {b.get("label"): b.get("onAction") for b in root.iterfind(".//c:button", NS)}


def vba_subs(path: Path) -> dict[str, str]:
    """Sub name → the RunPython command inside it, from the workbook's vbaProject.bin."""
    src = vba.read_modules(path)["SalesbookRibbon"]
    subs = {}
    for m in re.finditer(r"Sub (\w+)\(control As IRibbonControl\)\s*\r?\n\s*RunPython \"([^\"]+)\"\s*\r?\nEnd Sub",
                         src):
        subs[m.group(1)] = m.group(2)
    return subs


def test_the_tab_has_every_button_of_the_spec_with_english_screentips():
    actions = ribbon_actions(WORKBOOK)
    assert sorted(actions) == sorted(SPEC_BUTTONS)
    with zipfile.ZipFile(WORKBOOK) as z:
        root = ET.fromstring(z.read("customUI/customUI14.xml"))
    for b in root.iterfind(".//c:button", NS):
        assert b.get("screentip") and b.get("screentip").isascii()
        assert b.get("imageMso")


def test_every_callback_exists_in_the_vba_project_and_every_sub_is_used():
    actions = ribbon_actions(WORKBOOK)
    subs = vba_subs(WORKBOOK)
    assert set(actions.values()) == set(subs)


def test_the_ribbon_relationship_is_present():
    with zipfile.ZipFile(WORKBOOK) as z:
        rels = z.read("_rels/.rels").decode()
    assert "ui/extensibility" in rels and "customUI/customUI14.xml" in rels


EXPECT = {
    "刷新分析": "refresh", "RFM分层": "rfm", "填充策略表": "strategy", "生成报告": "report",
    "标记异常": "flag", "清除标记": "clear", "清洗数据": "clean", "撤销清洗": "undo",
}


@pytest.mark.parametrize("label", SPEC_BUTTONS)
def test_button_runs_its_python_on_a_copy_and_changes_the_workbook(label, small_book, tmp_path):
    command = vba_subs(WORKBOOK)[ribbon_actions(WORKBOOK)[label]]
    assert command.startswith("import salesbook.ribbon; salesbook.ribbon.")
    path = tmp_path / "按钮 测试.xlsm"
    shutil.copy(small_book, path)
    book = engine.open_book(path)
    kind = EXPECT[label]
    if kind in ("clear", "undo"):  # these undo something: do it first through the other button's code
        first = {"clear": "标记异常", "undo": "清洗数据"}[kind]
        exec(vba_subs(WORKBOOK)[ribbon_actions(WORKBOOK)[first]], {})  # noqa: S102 - the command under test
    book.set_mock_caller()
    if kind in ("clear", "undo"):
        exec(vba_subs(WORKBOOK)[ribbon_actions(WORKBOOK)[{"clear": "标记异常", "undo": "清洗数据"}[kind]]], {})
        book.save()
        before = _snapshot(path)
        book = engine.open_book(path)
        book.set_mock_caller()
    else:
        before = _snapshot(path)
        _wipe_outputs(book)
    exec(command, {})  # noqa: S102
    assert book.impl.alerts == [], book.impl.alerts  # no error box
    book.save()
    after = _snapshot(path)
    _check(kind, before, after, path)


def _wipe_outputs(book):
    for name in ("RFM", "客户分层", "维护计划", "问题与策略", "分析报告", "业绩分析"):
        book.sheets[name].clear()
        book.sheets[name].range("A1").value = "wiped"


def _snapshot(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: {(c.row, c.column): (c.value, c.fill.fgColor.rgb if c.fill.fill_type else None,
                                           c.comment.text if c.comment else None)
                       for row in ws.iter_rows() for c in row if c.value is not None or c.comment or c.fill.fill_type}
            for ws in wb.worksheets}


def _check(kind, before, after, path):
    if kind in ("refresh", "rfm"):
        assert after["RFM"][(2, 1)][0] == "客户编号"
        assert after["客户分层"][(2, 3)][0] == "客户层级"
    if kind == "refresh":
        assert after["业绩分析"][(2, 1)][0] == "周期"
    if kind == "rfm":
        assert after["业绩分析"][(1, 1)][0] == "wiped"  # only the RFM sheets were rebuilt
    if kind == "strategy":
        assert after["维护计划"][(2, 1)][0] == "客户编号"
        assert "问题点" in [v[0] for (r, _c), v in after["问题与策略"].items() if r == 2]
        assert after["RFM"][(1, 1)][0] == "wiped"
    if kind == "report":
        assert str(after["分析报告"][(1, 1)][0]).startswith("客户分析报告")
        pdf = path.with_name(path.stem + " 分析报告.pdf")
        assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    if kind == "flag":
        painted = [(k, v) for k, v in after["订单明细"].items() if v[2] and flags.MARK in v[2]]
        assert painted, "no cell of the orders sheet was flagged"
        assert any("疑似 元/万元 混用" in v[2] for _, v in painted)
    if kind == "clear":
        assert not any(v[2] and flags.MARK in v[2] for s in after.values() for v in s.values())
        assert after["订单明细"] != before["订单明细"]
    if kind == "clean":
        changed = {k for k in after["订单明细"] if after["订单明细"][k][0] != before["订单明细"].get(k, (None,))[0]}
        assert changed, "Clean data changed nothing"
    if kind == "undo":
        assert {k: v[0] for k, v in after["订单明细"].items()} != {k: v[0] for k, v in before["订单明细"].items()}


def test_the_embedded_udf_module_is_what_the_generator_writes():
    embedded = vba.read_modules(WORKBOOK)["xlwings_udfs"].replace("\r\n", "\n").strip()
    generated = vba.udf_vba(WORKBOOK.name).strip()
    assert embedded == generated
    for name in ("RFM_TIER", "RFM_SCORE", "RFM_SEGMENT", "CUSTOMER_TIER", "COMPLETION_RATE", "GROWTH"):
        assert f"Function {name}(" in embedded


def test_the_xlwings_vba_module_matches_the_pinned_xlwings():
    src = vba.read_modules(WORKBOOK)["xlwings"]
    assert f"'Version: {xlwings.__version__}" in src
    assert f'"xlwings64-{xlwings.__version__}.dll"' in src  # the DLL the standalone module loads


def test_function_wizard_text_is_registered_on_open_from_the_docstrings():
    modules = vba.read_modules(WORKBOOK)
    assert "SalesbookSetup.RegisterFunctions" in modules["ThisWorkbook"]
    assert "Private Sub Workbook_Open()" in modules["ThisWorkbook"]
    setup = modules[vba.SETUP_MODULE].replace("\r\n", "\n")
    blocks = setup.split('    d = ""\n')[1:]
    registered = {}
    for block in blocks:
        lines = block.splitlines()
        name = next(line for line in lines if "MacroOptions" in line).split("!")[1].split('"')[0]
        registered[name] = vba.decode_vba_text(lines)
    assert registered == vba.udf_descriptions()
    assert "目标完成率" in registered["COMPLETION_RATE"]
    assert all(setup_line.isascii() for setup_line in setup.splitlines())  # code page 1252 safe
