"""Reading real export shapes, by import and in the sheet, and being loud when unsure.

Header aliases as real exports write them; the header under title rows; a unit stated in a title;
wide targets read long (in a file and pasted into the sheet); every text encoding and separator;
a refused import (exit 2, the column, the headers seen, the closest name, the workbook unchanged);
rows already present skipped; ``--replace`` replacing the whole table; imported dates readable;
the coverage notices decided from literal frames.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from salesbook import importing, schema, shapes
from salesbook.cli import main
from salesbook.core import coverage
from salesbook.excel import inputs
from salesbook.excel.engine import open_book
from salesbook.excel.template import help_text, new_workbook
from salesbook.settings import Settings


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def book(tmp_path, template) -> Path:
    path = tmp_path / "跟踪表.xlsm"
    shutil.copy(template, path)
    return path


# -- headers ---------------------------------------------------------------------------------------------
HEADERS = [  # (sheet, header as exported, key it names) — from the exports named in the issue
    ("orders", "单据状态", "status"), ("orders", "负责销售", "salesperson"), ("orders", "客户经理", "salesperson"),
    ("orders", "所属区域", "region"), ("orders", "客户来源", "channel"), ("orders", "客户编码", "customer_id"),
    ("orders", "单据编号", "order_id"), ("orders", "单据日期", "order_date"), ("orders", "价税合计", "amount"),
    ("orders", "含税金额", "amount"), ("orders", "业务员", "salesperson"), ("orders", "负责人", "salesperson"),
    ("orders", "客户", "customer_name"), ("orders", "金额（元）", "amount"), ("orders", "金额 (万元)", "amount"),
    ("orders", "＊客户名称", "customer_name"), ("orders", "ＯＲＤＥＲ　ＩＤ", "order_id"),
    ("customers", "首次成交日期", "first_deal_date"), ("customers", "联系电话", "phone"),
    ("customers", "手机号码", "phone"), ("customers", "行业", "industry"), ("customers", "负责人", "owner"),
    ("followups", "跟进时间", "date"), ("followups", "客户名称", "customer_name"),
    ("leads", "商机阶段", "stage"), ("leads", "销售阶段", "stage"), ("leads", "预计成交金额", "est_amount"),
    ("leads", "创建时间", "created"), ("targets", "目标（万）", "target"), ("targets", "考核周期", "period"),
]


@pytest.mark.parametrize(("sheet", "header", "key"), HEADERS, ids=[f"{s}-{h}" for s, h, _ in HEADERS])
def test_export_headers_name_their_column(sheet, header, key):
    m = schema.match_headers(schema.SHEET_BY_KEY[sheet], [header])
    assert m.mapping == {0: key}


def test_a_department_is_never_a_salesperson_and_is_kept_as_known():
    m = schema.match_headers(schema.ORDERS, ["所属部门", "业务员"])
    assert m.mapping == {1: "salesperson"} and m.unused == [(0, "所属部门")] and not m.unknown


def test_units_in_headers_and_stronger_names_win():
    m = schema.match_headers(schema.ORDERS, ["创建时间", "下单日期", "无税金额", "价税合计(万元)"])
    assert m.mapping == {1: "order_date", 3: "amount"} and m.units == {"amount": "万元"}
    assert [d[2] for d in m.duplicates] == ["order_date", "amount"]
    assert schema.match_headers(schema.TARGETS, ["目标（万）"]).units == {"target": "万"}
    assert schema.split_unit("客户名称(必填)") == ("客户名称", None)


# -- shapes ----------------------------------------------------------------------------------------------
TITLES = ["2025年订单明细", "导出时间：2025-07-01 09:30", None, "制表人：王经理", "说明：本表由系统导出"]
ORDER_ROWS = [["SO1", "2025-01-05", "C1", "甲公司", "张三", 1.5], ["SO2", "2025-02-06", "C2", "乙公司", "李四", 2.0]]


@settings(max_examples=20, deadline=None)
@given(titles=st.lists(st.sampled_from(TITLES), max_size=6), unit=st.sampled_from([None, "单位：万元", "（万元）"]),
       pad=st.integers(0, 3))
def test_the_header_is_found_under_any_title_rows(titles, unit, pad):
    head = ["订单号", "单据日期", "客户编码", "客户名称", "负责销售", "价税合计"]
    tops = [[t] if t else [] for t in titles] + ([[unit]] if unit else [])
    rows = [[None] * pad + r for r in [*tops, head, *ORDER_ROWS]]
    shape = shapes.detect(schema.ORDERS, rows)
    assert shape.header == len(tops)
    assert shape.units == ({"amount": "万元"} if unit else {})
    df = shapes.frame(rows, shape, list(range(1, len(rows) + 1)))
    assert df["order_id"].tolist() == ["SO1", "SO2"] and df["_row"].tolist() == [len(tops) + 2, len(tops) + 3]


def test_wide_targets_with_the_year_in_the_title_read_long_without_the_total():
    rows = [["2025年各销售目标"], ["姓名", "1月", "2月", "Q1合计"], ["张三", 10, None, 10], ["李四", "5", 6, 11]]
    shape = shapes.detect(schema.TARGETS, rows)
    assert [p.period for p in shape.periods] == ["2025-01", "2025-02"] and shape.totals == ((3, "Q1合计"),)
    df = shapes.frame(rows, shape, [1, 2, 3, 4])
    assert df[["salesperson", "period", "target", "_row", "_col"]].values.tolist() == [
        ["张三", "2025-01", 10, 3, 1], ["李四", "2025-01", "5", 4, 1], ["李四", "2025-02", 6, 4, 2]]


def test_wide_targets_pasted_into_the_sheet_read_long_with_real_cells(book):
    wb = open_book(book)
    sheet = wb.sheets["销售目标"]
    sheet.used_range.clear_contents()
    sheet.range("B2").value = [["2025年销售目标（万元）", None, None, None], [None, None, None, None],
                               ["销售负责人", "2025-01", "2025-02", "合计"], ["张三", 10, 12, 22]]
    notes = []
    t = inputs.read_table(wb, schema.TARGETS, [], notes)
    assert t.df[["period", "target", "_row", "_col"]].values.tolist() == [["2025-01", 10, 5, 3], ["2025-02", 12, 5, 4]]
    assert t.columns == {"salesperson": 2} and t.units == {"target": "万元"}  # no single column for target
    assert t.labels["target"] == "2025-01 … 2025-02 [C:D]"
    assert any("合计" in n.zh for n in notes) and any("万元" in n.zh for n in notes)


# -- text files ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("sep", [",", "\t", ";"])
def test_every_encoding_and_separator_reads_alike(tmp_path, encoding, sep):
    text = sep.join(["单号", "日期", "客户名称", "金额", "备注"]) + "\n" + \
        sep.join(["A1", "2025/1/5", "上海恒通科技", "\"1,234.50\"", "含,逗号;分号"]) + "\n"
    path = tmp_path / "导出.csv"
    path.write_bytes(text.encode(encoding))
    imp = importing.load(schema.ORDERS, path)
    assert imp.df["customer_name"].tolist() == ["上海恒通科技"] and imp.df["amount"].tolist() == [1234.5]
    assert imp.df["order_date"].tolist() == [dt.datetime(2025, 1, 5)]


# -- the CLI: refusal, duplicates, replace, dates ------------------------------------------------------------
def test_an_export_without_any_required_column_is_refused_and_the_workbook_untouched(book, tmp_path):
    csv = tmp_path / "联系人.csv"
    csv.write_text("名称,数量,备注\na,1,x\n", encoding="utf-8")
    before = book.read_bytes()
    r = invoke("import", book, "--orders", csv)
    assert r.exit_code == 2 and "Traceback" not in r.output
    flat = " ".join(r.output.split())
    for needle in ("下单日期 / order_date", "金额 / amount", "「名称」、「数量」、「备注」", "未被改动", "not changed"):
        assert needle in flat
    assert book.read_bytes() == before


def test_a_missing_column_names_the_closest_header(book, tmp_path):
    csv = tmp_path / "orders.csv"
    csv.write_text("下单时刻,客户名称,金额\n2024-01-01,甲,100\n", encoding="utf-8")
    r = invoke("import", book, "--orders", csv)
    flat = " ".join(r.output.split())
    assert r.exit_code == 2 and "最接近「下单日期」的是「下单时刻」" in flat and "'下单时刻'" in flat


def test_followups_by_name_import_without_an_id(book, tmp_path):
    csv = tmp_path / "跟进.csv"
    csv.write_text("客户名称,跟进时间,跟进内容\n甲公司,2025-03-01 10:30,电话沟通\n", encoding="utf-8")
    r = invoke("import", book, "--followups", csv)
    assert r.exit_code == 0, r.output
    df = inputs.read_table(open_book(book), schema.FOLLOWUPS, []).df
    assert df["customer_name"].tolist() == ["甲公司"] and df["date"].tolist() == [dt.datetime(2025, 3, 1, 10, 30)]


def test_rows_already_present_are_skipped_and_counted(book, tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("日期,客户名称,金额\n2025-01-01,甲,100\n2025-01-02,乙,200\n", encoding="utf-8")
    two = tmp_path / "two.csv"
    two.write_text("日期,客户名称,金额\n2025-01-02,乙,200\n2025-01-03,丙,300\n", encoding="utf-8")
    assert invoke("import", book, "--orders", one).exit_code == 0
    r = invoke("import", book, "--orders", two)
    assert r.exit_code == 0 and "1 行已在表中（整行相同）" in " ".join(r.output.split())
    df = inputs.read_table(open_book(book), schema.ORDERS, []).df
    assert df["customer_name"].tolist() == ["甲", "乙", "丙"]


def test_replace_replaces_the_whole_table_and_nothing_else(book, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("订单号,下单日期,客户名称,金额,旧备注\nA1,2025-01-01,甲,100,x\nA2,2025-01-02,乙,200,y\n"
                     "A3,2025-01-03,丙,300,z\n", encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text("单据编号,单据日期,客户,价税合计,新备注\nB1,2025-02-01,丁,400,n\n", encoding="utf-8")
    assert invoke("import", book, "--orders", first).exit_code == 0
    others = {n: [list(r) for r in openpyxl.load_workbook(book)[n].iter_rows(values_only=True)]
              for n in ("销售目标", "客户档案", "参数")}
    r = invoke("import", book, "--orders", second, "--replace")
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(book)
    rows = [list(r) for r in wb["订单明细"].iter_rows(values_only=True)]
    header = rows[0]
    assert "旧备注" not in header and "新备注" in header
    assert [c for c in header[:12]] == [c.name("zh") for c in schema.ORDERS.columns]
    assert header[13] == help_text("orders", "zh")  # the template's note right of the table stays
    data = [r for r in rows[1:] if any(v is not None for v in r)]
    assert len(data) == 1 and data[0][0] == "B1" and "x" not in data[0]
    assert {n: [list(r) for r in wb[n].iter_rows(values_only=True)] for n in others} == others


def test_replace_in_an_english_book_writes_the_english_template_headers(tmp_path):
    book = new_workbook(tmp_path / "tracker.xlsm", lang="en")
    csv = tmp_path / "orders.csv"
    csv.write_text("单据编号,单据日期,客户,价税合计,备注X\nB1,2025-02-01,丁,400,n\n", encoding="utf-8")
    r = invoke("import", book, "--orders", csv, "--replace")
    assert r.exit_code == 0, r.output
    header = next(openpyxl.load_workbook(book)["Orders"].iter_rows(max_row=1, values_only=True))
    assert list(header[:3]) == ["Order ID", "Order date", "Customer ID"]  # as the English template shows them
    assert header[13] == help_text("orders", "en") and "备注X" in header


def test_imported_dates_show_as_dates_not_hashes(book, tmp_path):
    csv = tmp_path / "orders.csv"
    csv.write_text("单号,下单日期,客户名称,金额\nA1,2025-01-05 14:30:00,甲,100\n", encoding="utf-8")
    f = tmp_path / "followups.csv"
    f.write_text("客户编号,跟进日期\nC1,2025/1/6\n", encoding="utf-8")
    assert invoke("import", book, "--orders", csv, "--followups", f).exit_code == 0
    wb = openpyxl.load_workbook(book)
    o, fu = wb["订单明细"], wb["跟进记录"]
    assert o["B2"].number_format == "yyyy-mm-dd hh:mm" and o.column_dimensions["B"].width >= 17
    assert fu["B2"].number_format == "yyyy-mm-dd" and fu.column_dimensions["B"].width >= 12


def test_long_rows_are_not_appended_under_a_wide_targets_sheet(book, tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("销售负责人,2025年1月,2025年2月,合计\n张三,10,12,22\n", encoding="utf-8")
    long = tmp_path / "long.csv"
    long.write_text("周期,销售负责人,目标值\n2025-03,张三,9\n", encoding="utf-8")
    assert invoke("import", book, "--targets", wide).exit_code == 0
    wb = open_book(book)
    wb.sheets["销售目标"].used_range.clear_contents()  # the sheet now holds the wide table, as a user pasted it
    wb.sheets["销售目标"].range("A1").value = [["销售负责人", "2025年1月", "2025年2月"], ["张三", 10, 12]]
    wb.save()
    r = invoke("import", book, "--targets", long)
    assert r.exit_code == 2 and "--replace" in r.output
    assert invoke("import", book, "--targets", long, "--replace").exit_code == 0
    df = inputs.read_table(open_book(book), schema.TARGETS, []).df
    assert df[["period", "salesperson", "target"]].values.tolist() == [["2025-03", "张三", 9.0]]


# -- coverage: which missing columns change the numbers ----------------------------------------------------
def _tables(**frames):
    return {k: SimpleNamespace(df=df.assign(_row=range(2, len(df) + 2)), sheet=k, units=units)
            for k, (df, units) in frames.items()}


def test_coverage_names_the_missing_columns_that_change_the_numbers():
    orders = pd.DataFrame({"order_date": ["2025-01-01", "2025-01-02"], "customer_name": ["甲", "乙"],
                           "amount": [1, 2], "status": [None, " "]}, dtype=object)
    codes = [n.code for n in coverage.missing_columns(_tables(orders=(orders, {})), {}, pd.DataFrame(), Settings())]
    assert codes[:3] == ["no_status", "no_salesperson", "no_collected"]
    assert {"no_customer_id", "no_order_id", "no_dimensions", "no_cost", "no_targets", "no_customers",
            "no_followups"} <= set(codes)


def test_coverage_counts_orders_without_a_status_and_warns_of_a_targets_unit_slip():
    orders = pd.DataFrame({"order_id": ["1", "2", "3"], "status": ["已成交", None, "已取消"],
                           "salesperson": ["张三"] * 3, "collected": [1, 0, 0]}, dtype=object)
    targets = pd.DataFrame({"period": ["2025-01"], "target": [5]}, dtype=object)
    clean = {"targets": pd.DataFrame({"period": [pd.Period("2025-01", "M")], "target": [5.0]}),
             "orders": pd.DataFrame({"order_date": pd.to_datetime(["2025-01-10", "2025-02-01"]),
                                     "revenue": [500.0, 7.0]})}  # January: 500 against a target of 5
    notices = coverage.missing_columns(_tables(orders=(orders, {}), targets=(targets, {})), clean,
                                       pd.DataFrame({"sheet": [], "rule": []}), Settings())
    by_code = {n.code: n for n in notices}
    assert by_code["blank_status"].zh.startswith("1 行订单没有订单状态")
    assert "no_status" not in by_code and "target_unit_default" in by_code and "100 倍" in by_code[
        "target_unit_default"].zh
    clean_close = {**clean, "orders": clean["orders"].assign(revenue=[6.0, 7.0])}  # 6 against 5: no unit slip
    assert "target_unit_default" not in {n.code for n in coverage.missing_columns(
        _tables(orders=(orders, {}), targets=(targets, {})), clean_close, pd.DataFrame({"sheet": [], "rule": []}),
        Settings())}
    titled = _tables(orders=(orders, {}), targets=(targets, {"target": "万元"}))
    assert "target_unit_default" not in {n.code for n in coverage.missing_columns(
        titled, clean, pd.DataFrame({"sheet": [], "rule": []}), Settings())}
