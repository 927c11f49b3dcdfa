"""The workbook's language is part of the workbook (issue 11 item 2).

It is recorded in the 参数 Settings row ``language``; every command without ``--lang`` keeps it, and
``refresh --lang`` switches it: output sheet names, headers and the product's words change, what the
user typed stays. Workbooks are made and refreshed with the real CLI and re-read from the files.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from salesbook.cli import main
from salesbook.core.settings import Settings
from salesbook.excel import language
from salesbook.excel.engine import open_book


def _cli(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r.output


def _setting(path, key):
    wb = openpyxl.load_workbook(path, read_only=True)
    name = "参数" if "参数" in wb.sheetnames else "Settings"
    for row in wb[name].iter_rows(values_only=True):
        if row and row[0] == key:
            return row[1]
    return None


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("语言")
    zh, en = folder / "中文.xlsm", folder / "english.xlsm"
    _cli("demo", zh, "--customers", "40", "--orders", "400")
    _cli("demo", en, "--lang", "en", "--customers", "40", "--orders", "400")
    return zh, en


def test_new_workbooks_record_their_language(books):
    zh, en = books
    assert _setting(zh, "language") == "zh" and _setting(en, "language") == "en"
    assert _setting(en, "display_unit") == "CNY"  # an English book shows CNY unless 参数 says otherwise


def test_a_refresh_without_lang_keeps_an_english_workbook_english(books, tmp_path):
    path = tmp_path / "en.xlsm"
    shutil.copy(books[1], path)
    out = _cli("refresh", path)
    assert "Analysis done" in out
    wb = openpyxl.load_workbook(path, read_only=True)
    assert {"Performance", "Alerts", "Cleaning log"} <= set(wb.sheetnames)
    assert not {"业绩分析", "异常预警", "清洗日志"} & set(wb.sheetnames)


def test_switching_language_sticks_and_keeps_what_the_user_typed(books, tmp_path):
    path = tmp_path / "switch.xlsm"
    shutil.copy(books[0], path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["异常预警"]
    header = [c.value for c in ws[2]]
    decision, key = header.index("处理结果") + 1, header.index("预警编号") + 1
    alert_key = ws.cell(3, key).value
    ws.cell(3, decision).value = "已核实"
    wb.save(path)

    _cli("refresh", path, "--lang", "en")
    assert _setting(path, "language") == "en"
    _cli("refresh", path)  # the ribbon's way: no option — the recorded language holds
    wb = openpyxl.load_workbook(path, read_only=True)
    names = set(wb.sheetnames)
    assert {"Alerts", "Performance", "Dashboard"} <= names and "异常预警" not in names
    assert {"订单明细", "参数"} <= names  # input sheets are the user's: not renamed
    rows = list(wb["Alerts"].iter_rows(values_only=True))
    header = list(rows[1])
    assert "Decision" in header and "Alert ID" in header
    kept = {r[header.index("Alert ID")]: r[header.index("Decision")] for r in rows[2:] if r[0] is not None}
    assert kept.get(alert_key) == "已核实"

    _cli("refresh", path, "--lang", "zh")
    assert _setting(path, "language") == "zh"
    assert "异常预警" in openpyxl.load_workbook(path, read_only=True).sheetnames


def test_the_recorded_language_wins_over_sheet_names(books, tmp_path):
    path = tmp_path / "en.xlsm"
    shutil.copy(books[1], path)
    book = open_book(path)
    assert language.infer(book) == "en"
    language.store(book, "zh")
    assert language.stored(book) == "zh" and language.infer(book) == "zh"
    with pytest.raises(ValueError):
        language.store(book, "fr")


@pytest.mark.parametrize("typed,code", [("zh", "zh"), ("中文", "zh"), ("English", "en"), (" en ", "en")])
def test_the_language_setting_reads_either_language(typed, code):
    assert Settings.from_rows([("language", typed, 2)]).language == code


@pytest.mark.parametrize("typed,code", [("zh", "zh"), ("中文", "zh"), ("ENGLISH", "en"), (" en ", "en"), ("EN", "en"),
                                        ("fr", None), ("", None), (None, None)])
def test_the_workbook_language_is_a_language_files_code_or_name(typed, code):
    """Every language file's code and its own name ([language] name) name that language."""
    assert language.parse(typed) == code


@pytest.mark.parametrize("typed,unit", [("CNY", "元"), ("元", "元"), ("cny 10k", "万元"), ("万元", "万元")])
def test_the_display_unit_reads_either_language(typed, unit):
    assert Settings.from_rows([("display_unit", typed, 3)]).display_unit == unit


def test_revenue_statuses_read_in_either_language():
    assert Settings.from_rows([("revenue_statuses", "closed, Signed，paid", 6)]).revenue_statuses == (
        "已成交", "已签约", "已回款")
    assert Settings.from_rows([("revenue_statuses", "已成交,已回款", 6)]).revenue_statuses == ("已成交", "已回款")
    shown = dict((k, v) for k, v, _ in Settings.rows("en"))["revenue_statuses"]
    assert Settings.from_rows([("revenue_statuses", shown, 6)]).revenue_statuses == Settings().revenue_statuses


def test_english_settings_notes_are_english():
    import re

    for key, _, note in Settings.rows("en"):
        assert not re.search(r"[\u4e00-\u9fff]", note), (key, note)


@pytest.mark.parametrize("header,unit", [("Amount (CNY 10k)", "万元"), ("Amount (10k CNY)", "万元"),
                                         ("Sales (CNY 10,000s)", "万元"), ("Amount (CNY)", "CNY"),
                                         ("金额(万元)", "万元"), ("Amount", None)])
def test_an_english_header_names_its_unit_as_salesbook_writes_it(header, unit):
    """'Sales (CNY 10k)' is how an English book heads amounts in 万元; read back, it must mean ×10,000."""
    from salesbook import schema

    assert schema.split_unit(header)[1] == unit


def test_lead_stages_typed_in_english_count_like_chinese_ones():
    import pandas as pd

    from salesbook.core import clean

    raw = pd.DataFrame({"lead_id": ["L1", "L2", "L3", "L4"], "stage": ["Proposal", "方案提交", "lost", "Nonsense"],
                        "lost_stage": [None, None, "Negotiation", None], "_row": [2, 3, 4, 5]})
    leads, log = clean.clean_leads(raw)
    assert list(leads["stage"]) == ["方案提交", "方案提交", "丢单"]  # the unknown stage is left out, logged
    assert list(leads["lost_stage"].fillna("")) == ["", "", "商务谈判"]
    assert list(log.loc[log["action"] == "excluded", "row"]) == [5]


def test_the_english_template_speaks_english_in_its_input_sheets():
    import re

    from salesbook.excel.template import help_text

    for key in ("orders", "targets", "customers", "followups", "leads"):
        zh, en = help_text(key, "zh"), help_text(key, "en")
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en.replace("金额(万元)", ""))


@pytest.mark.parametrize("names,lang", [
    (["订单明细", "参数", "Performance", "Alerts"], "en"),  # switched to English: its results say so
    (["订单明细", "业绩分析"], "zh"), (["Orders", "Settings"], "en"), (["Orders", "订单明细"], "zh"), ([], "zh")])
def test_sheet_names_show_the_language_the_results_were_written_in(names, lang):
    """Without a recorded language (older workbooks, UDFs that read no cell), the sheet names decide."""
    from salesbook.excel.book import from_sheet_names

    assert from_sheet_names(names) == lang
