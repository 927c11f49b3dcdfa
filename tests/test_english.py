"""An English workbook speaks English (issue 11): no Chinese of the product's own in any sheet it writes.

The demo's data is Chinese (customer names, reps, regions, product lines), as a Chinese team's data is.
So every run of Chinese characters in an output cell must come from the user's data — it must occur in
some cell of the input sheets — and everything else salesbook wrote must be English. The demo is built
with the real command and re-read from the file.
"""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner

from salesbook.cli import main

INPUTS = ("Orders", "Targets", "Customers", "Follow-ups", "Leads")
HIDDEN_STATE = re.compile(r"^_salesbook")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    path = tmp_path_factory.mktemp("en") / "英文 workbook.xlsm"
    result = CliRunner().invoke(main, ["demo", str(path), "--lang", "en", "--customers", "60", "--orders", "800"])
    assert result.exit_code == 0, result.output
    return path, result.output


def _user_text(wb) -> str:
    return "\n".join(str(v) for name in INPUTS for row in wb[name].iter_rows(values_only=True)
                     for v in row if isinstance(v, str))


def test_no_chinese_of_the_products_own_in_the_english_workbook(english):
    wb = openpyxl.load_workbook(english[0])
    user = _user_text(wb)
    foreign = []
    for ws in wb.worksheets:
        if ws.title in INPUTS or HIDDEN_STATE.match(ws.title) or ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    foreign += [(ws.title, c.coordinate, run, c.value[:60]) for run in CJK.findall(c.value)
                                if run not in user]
    assert not foreign, f"{len(foreign)} Chinese runs of the product's own, e.g.:\n" + "\n".join(
        map(str, foreign[:25]))


def test_the_commands_output_is_english_where_the_workbook_is(english):
    """The demo leaves its dirty rows out: the summary says so in English and names the English log sheet."""
    output = english[1]
    assert "Analysis done" in output and "rows left out — see 'Cleaning log'" in output, output
    assert "清洗日志" not in output and "分析完成" not in output


def test_every_money_header_names_its_unit(english):
    """Amount columns say CNY (or CNY 10k): 'Sales (CNY)', never a bare 'Sales'."""
    wb = openpyxl.load_workbook(english[0])
    money = re.compile(r"^(Sales|Target|Gap|Average order|Monetary|At stake|Lifetime purchases|Last 6 months|"
                       r"Estimated amount|Weighted amount|Margin|Sales per buying customer|Average budget)( \(.*\))?$")
    bare = []
    for name in ("Performance", "Breakdown", "RFM", "Tiers", "Alerts", "Funnel", "Portrait"):
        for row in wb[name].iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str) and money.match(v) and "CNY" not in v:
                    bare.append((name, v))
    assert not bare, bare


def test_english_input_sheets_have_english_headers_and_help(english):
    """The input sheets' header rows (headers and the help note beside them) are the product's words too."""
    wb = openpyxl.load_workbook(english[0], read_only=True)
    for name in (*INPUTS, "Settings", "Playbook"):
        first = next(wb[name].iter_rows(min_row=1, max_row=1, values_only=True))
        words = [str(v).replace("金额(万元)", "") for v in first if isinstance(v, str)]  # a Chinese header example
        assert words and not [w for w in words if CJK.search(w)], (name, words)
