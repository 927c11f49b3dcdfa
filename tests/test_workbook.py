"""The committed SalesTracker.xlsm: reproducible, complete, and pre-filled with the seed defaults."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

from salesbook import schema
from salesbook.core.playbook import default_playbook
from salesbook.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "workbook" / "SalesTracker.xlsm"
sys.path.insert(0, str(ROOT / "workbook"))


def test_committed_workbook_equals_a_fresh_build():
    import build

    assert build.main(["--check"]) == 0, "run: python workbook/build.py"


def test_every_sheet_of_the_spec_is_there_with_its_headers():
    wb = openpyxl.load_workbook(WORKBOOK, keep_vba=True)
    for spec in schema.INPUT_SHEETS:
        ws = wb[spec.name("zh")]
        assert [c.value for c in ws[1]][: len(spec.columns)] == [c.name("zh") for c in spec.columns]
    for key in schema.OUTPUT_SHEETS:
        assert schema.sheet_name(key, "zh") in wb.sheetnames
    assert wb["xlwings.conf"].sheet_state == "hidden"
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(values_only=True) if r[0]}
    assert conf["UDF Modules"] == "salesbook.udfs"


def test_settings_and_playbook_are_prefilled_with_the_seed_defaults():
    wb = openpyxl.load_workbook(WORKBOOK)
    rows = list(wb["参数"].iter_rows(min_row=2, values_only=True))
    values = {k: v for k, v, _ in rows}
    assert values["tier_vip_amount"] == 500000 and values["cadence_core"] == 90
    assert values["revenue_statuses"] == "已成交,已签约,已回款"
    back = Settings.from_rows([(k, v, i) for i, (k, v, _) in enumerate(rows, start=2)])
    assert back == Settings(language="zh")  # the sheet as shipped means exactly the defaults, in Chinese
    pb = list(wb["策略库"].iter_rows(min_row=2, values_only=True))
    assert [tuple(r[:10]) for r in pb] == [tuple(r) for r in default_playbook("zh").itertuples(index=False)]


def test_the_english_template_has_the_english_playbook():
    from salesbook.excel.template import shipped_template

    wb = openpyxl.load_workbook(shipped_template("en"))
    rows = [tuple(r[:10]) for r in wb["Playbook"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert rows == [tuple(r) for r in default_playbook("en").itertuples(index=False)]
    assert {r[0] for r in rows} == {"Tier", "RFM segment", "Problem", "A/B/C class"}


def test_status_dropdown_on_the_orders_sheet():
    ws = openpyxl.load_workbook(WORKBOOK)["订单明细"]
    assert any(d.formula1 == '"已成交,已签约,已回款,已取消"' for d in ws.data_validations.dataValidation)


def test_the_english_template_speaks_the_english_words_in_its_input_sheets():
    from salesbook.excel.template import shipped_template

    wb = openpyxl.load_workbook(shipped_template("en"))
    orders = wb["Orders"]
    assert [c.value for c in orders[1]][:3] == ["Order ID", "Order date", "Customer ID"]
    assert any(d.formula1 == '"closed,signed,paid,cancelled"' for d in orders.data_validations.dataValidation)
    assert any(d.formula1 == '"Qualification,Proposal,Negotiation,Won,Lost"'
               for d in wb["Leads"].data_validations.dataValidation)
    assert wb["Dashboard"]["A1"].value.startswith("Click Sales → Refresh analysis")


def test_sheet_and_column_names_are_distinct_in_every_language():
    """find_sheet and the header lookup need one name per sheet, and per column within a sheet."""
    from salesbook import words

    for lang in words.LANGS:
        sheets = [schema.sheet_name(k, lang) for k in (*schema.SHEET_BY_KEY, *schema.OUTPUT_SHEETS, "changelog")]
        assert len(set(sheets)) == len(sheets), lang
        for spec in schema.INPUT_SHEETS:
            names = [c.name(lang) for c in spec.columns]
            assert len(set(names)) == len(names), (lang, spec.key)


def test_vba_project_is_the_pinned_xlwings_one():
    import zipfile

    import xlwings

    with zipfile.ZipFile(WORKBOOK) as z:
        vba = z.read("xl/vbaProject.bin")
    assert len(vba) > 10000
    assert xlwings.__version__ == "0.37.8"
