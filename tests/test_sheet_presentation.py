"""Output sheets a manager can read and print: frozen header, filter, widths, wrap, colours, keys, page setup.

Checked on a refreshed demo, read back with openpyxl and raw XML (independent of salesbook's
writer); expectations come from the sheet's own cells (header row, last row, values).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl.utils import get_column_letter

from salesbook import actions
from salesbook.excel import engine, io

TABLE_SHEETS = {"业绩分析": "周期", "RFM": "客户编号", "客户分层": "客户编号", "维护计划": "客户编号",
                "问题与策略": "严重度", "异常预警": "严重度"}
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture(scope="module")
def path(small_book, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("版式") / "版式.xlsm"
    shutil.copy(small_book, target)
    return target


@pytest.fixture(scope="module")
def wb(path):
    return openpyxl.load_workbook(path)


def _width(ws, col: int) -> float:
    """Column ``col``'s width as written: a <col min max> element may span several columns (openpyxl files
    it under the first column's letter only, and answers 13 for the others)."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= col <= dim.max and dim.width:
            return dim.width
    return 8.43


def _display(v) -> int:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in str(v))


def _table(ws, first_header: str, header_cell: str | None = None) -> tuple[int, int, int]:
    """(header row, last data row, last column) of the table whose header row starts with ``first_header``
    (or holds ``header_cell``), found from the cells."""
    h = next(r for r in range(1, ws.max_row + 1)
             if (ws.cell(r, 1).value == first_header if header_cell is None
                 else header_cell in [c.value for c in ws[r]]))
    last_col = max(c for c in range(1, ws.max_column + 1) if ws.cell(h, c).value not in (None, ""))
    last = h
    while any(ws.cell(last + 1, c).value not in (None, "") for c in range(1, last_col + 1)):
        last += 1
    return h, last, last_col


def _defined(path: Path) -> dict[tuple[str, int], etree._Element]:
    root = etree.fromstring(zipfile.ZipFile(path).read("xl/workbook.xml"))
    return {(d.get("name"), int(d.get("localSheetId"))): d for d in root.iterfind(".//m:definedName", NS)
            if d.get("localSheetId") is not None}


def _rgb(cell) -> tuple[int, int, int] | None:
    f = cell.fill
    if f is None or f.fill_type != "solid" or not isinstance(f.fgColor.rgb, str):
        return None
    h = f.fgColor.rgb[-6:]
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _tone(rgb) -> str:
    """A fill's family, judged from its channels (not from salesbook's palette)."""
    r, g, b = rgb
    if r > g + 25 and r > b + 25:
        return "red"
    if g > r + 15 and g > b + 15:
        return "green"
    if r > 200 and g > 200 and b < r - 40:
        return "amber"
    return "cool"  # blue or grey: b >= r, or nearly neutral


@pytest.mark.parametrize("name", sorted(TABLE_SHEETS))
def test_table_sheets_freeze_the_header_filter_it_and_print_it_on_every_page(wb, path, name):
    ws = wb[name]
    h, last, last_col = _table(ws, TABLE_SHEETS[name])
    assert h == 2 and ws.cell(1, 1).value  # title row above the header
    assert ws.freeze_panes == f"A{h + 1}"
    assert ws.auto_filter.ref == f"A{h}:{get_column_letter(last_col)}{last}"
    assert ws.print_title_rows == f"${h - 1}:${h}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    index = wb.sheetnames.index(name)
    db = _defined(path)[("_xlnm._FilterDatabase", index)]
    assert db.get("hidden") == "1"
    assert db.text == f"'{name}'!$A${h}:${get_column_letter(last_col)}${last}"


def test_wide_sheets_print_landscape_one_page_wide(wb):
    for name in ("业绩分析", "RFM", "维护计划", "异常预警", "清洗日志"):
        ws = wb[name]
        total = sum(_width(ws, c) for c in range(1, ws.max_column + 1))
        assert total > 100, name  # more than an upright A4 page holds
        assert ws.page_setup.orientation == "landscape", name
        assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0), name


def test_the_cleaning_log_opens_with_its_summary_and_filters_the_log(wb):
    ws = wb["清洗日志"]
    assert str(ws.cell(1, 1).value).startswith("清洗摘要")
    sh, slast, _ = _table(ws, "处理", header_cell="数量（行/值）")
    assert sh == 2
    h, last, last_col = _table(ws, "处理", header_cell="行")
    assert h > slast
    assert ws.auto_filter.ref == f"A{h}:{get_column_letter(last_col)}{last}"
    assert ws.print_title_rows == f"${h - 1}:${h}"
    header = [ws.cell(h, c).value for c in range(1, last_col + 1)]
    order = {"未计入分析": 0, "需核对": 1, "已自动规范": 2}
    actions_ = [ws.cell(r, header.index("处理") + 1).value for r in range(h + 1, last + 1)]
    assert [order[a] for a in actions_] == sorted(order[a] for a in actions_)
    # the summary's counts agree with the log beneath it
    sheader = [ws.cell(sh, c).value for c in range(1, 9)]
    summary = [[ws.cell(r, c).value for c in range(1, 9)] for r in range(sh + 1, slast + 1)]
    fixed = sum(r[sheader.index("数量（行/值）")] for r in summary if r[0] == "已自动规范")
    assert fixed == actions_.count("已自动规范")
    log_rows = [(ws.cell(r, header.index("工作表") + 1).value, ws.cell(r, header.index("行") + 1).value)
                for r in range(h + 1, last + 1) if ws.cell(r, header.index("处理") + 1).value == "未计入分析"]
    assert f"{len(set(log_rows))} 行未计入分析" in ws.cell(1, 1).value


def test_severity_status_and_log_actions_are_coloured(wb):
    expected = {"高": "red", "中": "amber", "低": "cool", "达标": "green", "接近": "amber", "未达标": "red",
                "未计入分析": "red", "需核对": "amber", "已自动规范": "cool"}
    seen = set()
    for name, first, column in (("异常预警", "严重度", "严重度"), ("问题与策略", "严重度", "严重度"),
                                ("业绩分析", "周期", "状态"), ("清洗日志", "处理", "处理")):
        ws = wb[name]
        h, last, last_col = _table(ws, first, header_cell="行" if name == "清洗日志" else None)
        j = [ws.cell(h, c).value for c in range(1, last_col + 1)].index(column) + 1
        for r in range(h + 1, last + 1):
            v = ws.cell(r, j).value
            if v in expected:
                assert _rgb(ws.cell(r, j)) is not None and _tone(_rgb(ws.cell(r, j))) == expected[v], (name, r, v)
                seen.add(v)
        assert j == last_col or _rgb(ws.cell(h + 1, j + 1)) is None  # only that column is coloured
    assert {"高", "中", "达标", "未达标", "已自动规范"} <= seen


@pytest.mark.parametrize("name,key", [("异常预警", "预警编号"), ("问题与策略", "问题编号")])
def test_internal_keys_are_the_last_column_narrow_grey_and_not_printed(wb, name, key):
    ws = wb[name]
    h, last, last_col = _table(ws, "严重度")
    assert ws.cell(h, last_col).value == key
    assert _width(ws, last_col) <= 12
    assert max(_display(ws.cell(r, last_col).value) for r in range(h + 1, last + 1)) > 12  # narrower than keys
    for r in (h + 1, last):
        rgb = ws.cell(r, last_col).font.color.rgb[-6:]
        r_, g_, b_ = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
        assert r_ == g_ == b_ and 80 <= r_ <= 200  # grey
    # whole columns up to the key (the print area does not move with the data; the template holds it)
    assert ws.print_area == f"'{name}'!$A$1:${get_column_letter(last_col - 1)}$1048576"


def test_widths_fit_the_content_counting_cjk_twice_and_long_text_wraps(wb):
    ws = wb["RFM"]
    h, last, last_col = _table(ws, "客户编号")
    header = [ws.cell(h, c).value for c in range(1, last_col + 1)]
    name_col = header.index("客户名称") + 1
    widest = max(_display(ws.cell(r, name_col).value) for r in range(h + 1, last + 1))
    assert widest <= _width(ws, name_col) <= widest + 6
    ws = wb["异常预警"]
    h, last, last_col = _table(ws, "严重度")
    header = [ws.cell(h, c).value for c in range(1, last_col + 1)]
    for title in ("说明", "建议行动"):
        j = header.index(title) + 1
        width = _width(ws, j)
        widest = max(_display(ws.cell(r, j).value) for r in range(h + 1, last + 1))
        assert min(20, widest) <= width <= 50, title  # as wide as the text, up to a cap, then it wraps
        long = [r for r in range(h + 1, last + 1) if _display(ws.cell(r, j).value) > width]
        for r in long:
            assert ws.cell(r, j).alignment.wrap_text, (title, r)
            lines = -(-_display(ws.cell(r, j).value) // width)
            assert ws.row_dimensions[r].height >= 15 * min(lines, 2), (title, r)
    assert any(_display(ws.cell(r, header.index("说明") + 1).value) > 50 for r in range(h + 1, last + 1))


def test_autofilter_is_where_the_schema_puts_it_and_the_package_validates(path):
    z = zipfile.ZipFile(path)
    for name in z.namelist():
        if name.startswith("xl/worksheets/sheet") and b"<autoFilter" in z.read(name):
            tags = [etree.QName(e).localname for e in etree.fromstring(z.read(name))]
            assert tags.index("sheetData") < tags.index("autoFilter") < tags.index("pageMargins"), name
            assert tags.index("sheetView" if "sheetView" in tags else "sheetViews") < tags.index("sheetData")
    # the validator takes ~15 s to start; CI validates every file the product writes in scripts/wheel_smoke.sh,
    # so here it runs on request: SALESBOOK_VALIDATE=1 (with `npm install @ooxml-tools/validate`)
    validator = shutil.which("ooxml-validate") or next(
        (str(p) for p in (Path("/tmp/node_modules/.bin/ooxml-validate"),) if p.exists()), None)
    if validator is None or not os.environ.get("SALESBOOK_VALIDATE"):
        pytest.skip("set SALESBOOK_VALIDATE=1 with @ooxml-tools/validate installed (CI: scripts/wheel_smoke.sh)")
    done = subprocess.run([validator, "-f", "xlsx", "--of", "json", str(path)], check=False, capture_output=True,
                          text=True, timeout=300)
    assert json.loads(done.stdout or "[]") == [], done.stdout[:2000]


def test_a_decision_typed_beside_the_old_key_column_survives_the_move_to_the_right(path, tmp_path):
    work = tmp_path / "旧版式.xlsm"
    shutil.copy(path, work)
    book = engine.open_book(work)
    _raw, result = actions.analyse(book)
    sheet = book.sheets["异常预警"]
    io.write_blocks(sheet, result.sheets["alerts"], settings=result.settings, lang="zh", today=result.as_of)
    values = sheet.used_range.value
    # the sheet as an earlier version wrote it: 预警编号 between 建议行动 and 处理结果
    order = list(range(len(values[1])))
    key, decision = values[1].index("预警编号"), values[1].index("处理结果")
    order.insert(decision, order.pop(key))
    values = [[row[i] for i in order] for row in values]
    sheet.clear()
    sheet.range("A1").value = values
    header = values[1]
    assert header.index("预警编号") < header.index("处理结果")
    picked = values[3][header.index("预警编号")]
    sheet.range((4, header.index("处理结果") + 1)).value = "忽略"
    sheet.range((4, header.index("核实说明") + 1)).value = "已与客户确认"
    book.save()
    book = engine.open_book(work)
    actions.refresh(book)
    book.save()
    ws = openpyxl.load_workbook(work)["异常预警"]
    h, last, last_col = _table(ws, "严重度")
    header = [ws.cell(h, c).value for c in range(1, last_col + 1)]
    assert header[-1] == "预警编号"
    row = next(r for r in range(h + 1, last + 1) if ws.cell(r, last_col).value == picked)
    assert ws.cell(row, header.index("处理结果") + 1).value == "忽略"
    assert ws.cell(row, header.index("核实说明") + 1).value == "已与客户确认"
    assert picked in io.acknowledged_alerts(engine.open_book(work), result)


def test_formatting_calls_do_not_grow_with_rows(tmp_path):
    from click.testing import CliRunner

    from salesbook.cli import main

    counts = []
    for customers, orders in ((30, 300), (90, 1500)):
        p = tmp_path / f"c{customers}.xlsm"
        assert CliRunner().invoke(main, ["demo", str(p), "--customers", str(customers), "--orders",
                                         str(orders)]).exit_code == 0
        book = engine.open_book(p)
        calls = engine.calls(book)
        calls.clear()
        actions.refresh(book)
        counts.append(dict(calls))
    small, large = counts
    for what in ("range.color", "range.font", "range.wrap_text", "range.column_width", "sheet.row_heights"):
        assert large.get(what, 0) <= small.get(what, 0) + 6, (what, small, large)
    assert sum(large.values()) <= sum(small.values()) + 20


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_keeps_the_filter_print_titles_and_page_setup(path, tmp_path):
    # (headless LibreOffice has no window, so it saves no frozen panes for any file, ours or openpyxl's)
    from tests.test_libreoffice import convert

    theirs = openpyxl.load_workbook(convert(path, "xlsx", tmp_path))
    ws = theirs["异常预警"]
    h, last, last_col = _table(ws, "严重度")
    assert ws.auto_filter.ref == f"A{h}:{get_column_letter(last_col)}{last}"
    assert ws.print_title_rows == f"${h - 1}:${h}"
    assert ws.page_setup.orientation == "landscape"
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="ab中文\n 1", max_size=8), st.integers(-10**9, 10**9),
                          st.floats(-1e9, 1e9), st.just(float("nan")), st.none(),
                          st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 1, 1)),
                          st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1))), max_size=30),
       st.sampled_from(["text", "amount", "pct", "growth", "int", "num", "pp", "date"]))
def test_the_short_column_width_path_agrees_with_the_vectorised_one(values, kind):
    from salesbook.excel import sheetstyle

    small = sheetstyle._column_width_small(list(values), kind)
    saved, sheetstyle.SMALL = sheetstyle.SMALL, 0  # force the pandas path
    try:
        assert sheetstyle.column_width(list(values), kind) == small
    finally:
        sheetstyle.SMALL = saved
