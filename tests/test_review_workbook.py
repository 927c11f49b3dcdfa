"""The review block in a real workbook: typed by the manager, kept by refresh and 生成报告, marked
需重新审核 once an order is added; leads in 客户分层/维护计划; masked phones in what is printed."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from salesbook.cli import main
from salesbook.core import playbook as pb
from salesbook.excel import report_sheet


def invoke(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("审核") / "审核 样本.xlsm"
    invoke("demo", path, "--customers", "40", "--orders", "300")
    return path


def _value_below(ws, label):
    col = [c.value for c in ws["A"][:25]]
    return col[col.index(label) + 1], col.index(label) + 2


def _review(path):
    ws = openpyxl.load_workbook(path)["分析报告"]
    return {k: _value_below(ws, zh)[0] for k, (zh, _) in report_sheet.REVIEW_LABELS.items()}, \
        [c.value for c in ws["A"][:25]]


def test_a_typed_review_survives_refresh_and_needs_review_after_an_order_is_added(book, tmp_path):
    path = tmp_path / book.name
    shutil.copy(book, path)
    assert _review(path)[0]["status"] == "草稿"
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["分析报告"]
    for key, value in (("status", "已审核"), ("reviewer", "周经理"), ("date", dt.datetime(2026, 11, 21))):
        ws.cell(_value_below(ws, report_sheet.REVIEW_LABELS[key][0])[1], 1).value = value
    wb.save(path)
    invoke("refresh", path)
    invoke("report", path)  # 生成报告 too
    typed, column = _review(path)
    assert typed == {"status": "已审核", "reviewer": "周经理", "date": dt.datetime(2026, 11, 21)}
    assert not any(isinstance(v, str) and "重新审核" in v for v in column)

    wb = openpyxl.load_workbook(path, keep_vba=True)
    orders = wb["订单明细"]
    header = [c.value for c in orders[1]]
    first = [c.value for c in orders[2]]  # a clean row, moved to a new id, date and amount
    new = dict(zip(header, first, strict=True))
    last_date = max(r[1] for r in orders.iter_rows(min_row=2, values_only=True) if isinstance(r[1], dt.datetime))
    new.update({"订单编号": "SO-REVIEW-1", "下单日期": last_date, "金额": 12345.0, "订单状态": "已成交"})
    orders.append([new[h] for h in header])
    wb.save(path)
    invoke("refresh", path)
    typed, column = _review(path)
    assert typed["status"] == "需重新审核" and typed["reviewer"] == "周经理"
    note = next(v for v in column if isinstance(v, str) and "后数据已更新" in v)
    counted = re.findall(r"订单 ([\d,]+) 笔", note)
    assert len(counted) == 2, note
    assert int(counted[1].replace(",", "")) == int(counted[0].replace(",", "")) + 1


def test_leads_are_prospects_with_a_class_and_the_plan_uses_s2_template3(book):
    wb = openpyxl.load_workbook(book)
    leads = [r for r in wb["线索"].iter_rows(min_row=2, values_only=True) if r[0]]
    header = [c.value for c in wb["线索"][1]]
    stage, lid = header.index("跟进阶段"), header.index("线索编号")
    expected = {r[lid] for r in leads if r[stage] != "丢单" and r[header.index("客户编号")] is None}
    tiers = list(wb["客户分层"].iter_rows(values_only=True))
    h = next(i for i, r in enumerate(tiers) if "客户层级" in r)
    th = tiers[h]
    rows = [dict(zip(th, r, strict=True)) for r in tiers[h + 1:] if r[0]]
    id_col = next(c for c in th if c and "编号" in str(c))
    prospects = {r[id_col] for r in rows if r["客户层级"] == "潜在" and str(r[id_col]).startswith("L")}
    assert prospects == expected and expected
    plan = list(wb["维护计划"].iter_rows(values_only=True))
    ph = next(i for i, r in enumerate(plan) if "维护重点" in r)
    pcols = plan[ph]
    focus = {r[pcols.index(id_col)]: r[pcols.index("维护重点")] for r in plan[ph + 1:] if r[0]}
    class_focus = {r[3] for r in pb.default_playbook("zh").itertuples(index=False) if r[0] == "客户等级"}
    assert all(focus[i] in class_focus for i in expected)
    book_rows = [r for r in wb["策略库"].iter_rows(values_only=True) if r[0] == "客户等级"]
    assert [r[1] for r in book_rows] == ["A", "B", "C"]


def test_no_full_mobile_number_is_printed(book, tmp_path):
    path = tmp_path / book.name
    shutil.copy(book, path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    phones = {str(r[6]) for r in wb["客户档案"].iter_rows(min_row=2, values_only=True) if r[6]}
    assert any(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)  # the demo has mobiles to hide
    leads = wb["线索"]
    header = [c.value for c in leads[1]]
    rep = next(r[header.index("负责人")] for r in leads.iter_rows(min_row=2, values_only=True) if r[0])
    row = {"线索编号": "L9999", "客户名称": "王先生13812345678", "跟进阶段": "需求确认", "负责人": rep}
    leads.append([row.get(h) for h in header])  # a lead named by its phone, as leads often are
    wb.save(path)
    invoke("refresh", path)
    wb = openpyxl.load_workbook(path)
    pack = "\n".join(str(v) for r in wb["例会材料"].iter_rows(values_only=True) for v in r if v is not None)
    assert "王先生138****5678" in pack  # due this week (never contacted), on its owner's page, masked
    for name in ("分析报告", "例会材料"):
        text = "\n".join(str(v) for r in wb[name].iter_rows(values_only=True) for v in r if v is not None)
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text), name


def test_the_report_counts_prospects_by_class_as_the_tiers_sheet_does(book):
    wb = openpyxl.load_workbook(book)
    tiers = list(wb["客户分层"].iter_rows(values_only=True))
    h = next(i for i, r in enumerate(tiers) if "客户层级" in r)
    rows = [dict(zip(tiers[h], r, strict=True)) for r in tiers[h + 1:] if r[0]]
    text = "\n".join(str(r[0]) for r in wb["分析报告"].iter_rows(values_only=True) if r[0])
    for c in ("A", "B", "C"):
        n = sum(1 for r in rows if r["客户层级"] == "潜在" and r["A/B/C"] == c)
        assert f"{c} 类 {n} 家" in text
        assert (f"对 {n} 家{c}类潜在客户/线索" in text) == (n > 0)
