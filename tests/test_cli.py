"""The CLI end to end on real files: new, import, refresh, demo, and every structural error."""

from __future__ import annotations

import os
import stat
import zipfile

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from salesbook import vocab
from salesbook.cli import main
from salesbook.excel import engine
from tests.sheet_tables import sheet_notes


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_help_on_every_command():
    for cmd in ([], ["new"], ["demo"], ["import"], ["refresh"], ["clean"], ["undo-clean"], ["flag"], ["clear-flags"]):
        r = invoke(*cmd, "--help")
        assert r.exit_code == 0 and "Usage" in r.output


def test_new_import_refresh(tmp_path):
    book = tmp_path / "我的 跟踪表.xlsm"
    assert invoke("new", book).exit_code == 0
    assert invoke("new", book).exit_code == 2  # exists: refuses to overwrite
    orders = tmp_path / "crm导出.csv"
    pd.DataFrame({
        "订单号": ["A1", "A2", None, "A4"],
        "日期": ["2024/03/01", "2024年3月5日", "20240310", "not a date"],
        "客户编号": ["C1", "C2", "C1", "C3"],
        "客户名称": ["甲公司", "乙公司", "甲公司", "丙公司"],
        "销售代表": ["张三", "李四", "张三", "张三"],
        "金额(万元)": ["1.5", "2", "0.5", "1"],
        "CRM备注": ["a", "b", "c", "d"],  # unknown column: kept, reported
    }).to_csv(orders, index=False, encoding="utf-8-sig")
    r = invoke("import", book, "--orders", orders)
    assert r.exit_code == 0, r.output
    assert "CRM备注" in r.output
    r = invoke("refresh", book, "--as-of", "2024-03-31")
    assert r.exit_code == 0, r.output
    assert "1 行未计入" in r.output
    wb = openpyxl.load_workbook(book)
    ws = wb["订单明细"]
    headers = [c.value for c in ws[1]]
    assert "CRM备注" in headers
    # the unreadable date stays exactly as typed; the row is in the cleaning log with its reason
    assert ws.cell(5, headers.index("下单日期") + 1).value == "not a date"
    rows = list(wb["清洗日志"].values)
    at = next(i for i, r in enumerate(rows) if "行" in r)  # the log's header, under the summary
    log = pd.DataFrame(rows[at + 1:], columns=rows[at])
    bad = log[(log["规则"] == vocab.label("log_rule", "date", "zh")) & (log["处理"] == "未计入分析")]
    assert bad["行"].tolist() == [5] and "下单日期" in bad["列"].iloc[0]
    rfm = pd.DataFrame(list(wb["RFM"].values)[2:], columns=list(wb["RFM"].values)[1]).set_index("客户编号")
    assert rfm.loc["C1", "M 购买金额(万元)"] == pytest.approx(2.0)  # 1.5万 + 0.5万, 万元 header honoured
    assert rfm.loc["C1", "F 购买频次"] == 2


def test_english_sheet_names_and_headers_in_words_with_units(tmp_path):
    path = tmp_path / "en.xlsm"
    assert invoke("demo", path, "--lang", "en", "--customers", "40", "--orders", "400").exit_code == 0
    wb = openpyxl.load_workbook(path)
    for name in ("Orders", "Targets", "Customers", "Follow-ups", "Settings", "Playbook", "Performance",
                 "Breakdown", "RFM", "Tiers", "Follow-up plan", "Problems", "Alerts", "Cleaning log", "Dashboard"):
        assert name in wb.sheetnames
    header = [c.value for c in wb["RFM"][2]]
    unit = "CNY 10k" if wb["Settings"]["B3"].value == "万元" else "CNY"
    assert header[:11] == ["Customer ID", "Customer", "Last order", "Recency (days)", "Frequency (orders)",
                           f"Monetary ({unit})", "R score", "F score", "M score", "RFM code", "Segment"]


def test_refresh_twice_gives_the_same_outputs_and_leaves_inputs_alone(work_copy):
    def snapshot(path):  # values only: the read-only reader streams them without building styled cells
        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        finally:
            wb.close()

    before = snapshot(work_copy)
    assert invoke("refresh", work_copy).exit_code == 0
    once = snapshot(work_copy)
    assert invoke("refresh", work_copy).exit_code == 0
    twice = snapshot(work_copy)
    for name in ("订单明细", "销售目标", "客户档案", "跟进记录", "线索", "参数", "策略库"):
        assert once[name] == before[name]
    for name in once:
        if name != "仪表盘":  # holds the refresh timestamp
            assert twice[name] == once[name], name


# -- structural problems: exit ≠ 0, one bilingual message, no traceback, file untouched ------
def _expect_error(r, *needles):
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    for n in needles:
        assert n in r.output, r.output


def test_missing_orders_sheet(tmp_path, template):
    path = tmp_path / "no_orders.xlsm"
    wb = openpyxl.load_workbook(template, keep_vba=True)
    del wb["订单明细"]
    wb.save(path)
    before = path.read_bytes()
    _expect_error(invoke("refresh", path), "订单明细", "Orders", "缺少工作表", "sheet missing")
    assert path.read_bytes() == before


def test_missing_required_column_names_sheet_and_column(tmp_path, template):
    path = tmp_path / "no_amount.xlsm"
    wb = openpyxl.load_workbook(template, keep_vba=True)
    ws = wb["订单明细"]
    ws["I1"] = "备注"  # the 金额 header is gone
    ws.append(["O1", "2024-01-01", "C1"])
    wb.save(path)
    _expect_error(invoke("refresh", path), "订单明细", "金额", "amount", "required column missing")


def test_empty_orders_sheet(tmp_path, template):
    path = tmp_path / "empty.xlsm"
    path.write_bytes(template.read_bytes())
    _expect_error(invoke("refresh", path), "没有数据行", "no data rows")


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsm"
    path.write_text("hello")
    _expect_error(invoke("refresh", path), "不是有效的 Excel", "not a valid Excel workbook")


def test_missing_file(tmp_path):
    _expect_error(invoke("refresh", tmp_path / "nope.xlsm"), "找不到文件", "File not found")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_file(work_copy):
    os.chmod(work_copy, stat.S_IREAD)
    _expect_error(invoke("refresh", work_copy), "只读", "read-only")


def test_read_only_file_by_flag(work_copy, monkeypatch):
    monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK)
    _expect_error(invoke("refresh", work_copy), "只读", "read-only")


def test_workbook_open_in_excel_is_locked(work_copy):
    before = work_copy.read_bytes()
    (work_copy.parent / ("~$" + work_copy.name)).write_bytes(b"lock")
    _expect_error(invoke("refresh", work_copy), "被占用", "locked")
    assert work_copy.read_bytes() == before


def test_a_failed_refresh_leaves_no_temporary_files(tmp_path, template):
    path = tmp_path / "empty.xlsm"
    path.write_bytes(template.read_bytes())
    invoke("refresh", path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.xlsm"]


def test_demo_output_keeps_vba_and_opens(demo_book):
    with zipfile.ZipFile(demo_book) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        assert z.testzip() is None
    assert engine.open_book(demo_book).sheets["仪表盘"].range("A1").value == "销售分析仪表盘"


def test_in_place_commands_run_the_ribbon_functions(work_copy):
    def orders():  # read-only: only this sheet is parsed, not the whole refreshed book
        sheet = openpyxl.load_workbook(work_copy, read_only=True)["订单明细"]
        return [list(r) for r in sheet.iter_rows(values_only=True)]

    before = orders()
    r = invoke("clean", work_copy)
    assert r.exit_code == 0 and "cells normalised" in r.output
    assert orders() != before
    r = invoke("undo-clean", work_copy)
    assert r.exit_code == 0 and "cells restored" in r.output
    assert orders() == before
    r = invoke("flag", work_copy)
    assert r.exit_code == 0 and "cells flagged" in r.output
    assert sheet_notes(work_copy, "订单明细")
    r = invoke("clear-flags", work_copy)
    assert r.exit_code == 0
    assert not sheet_notes(work_copy, "订单明细")
