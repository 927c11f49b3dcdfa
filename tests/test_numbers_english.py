"""Issue 11 on the numbers sheets: an English workbook's Performance, Breakdown, Funnel and Dashboard
hold no Chinese of the product's own (only what users typed: names, product lines, regions, channels,
lost reasons), and read as English with units. Built once by the CLI (--lang en), re-read from disk;
every expectation is worked out from other cells of the same workbook or from the definitions
(SPEC §4 bands, pace, rounding of notes like the cells)."""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner

from salesbook.cli import main
from salesbook.core.numtext import excel_round
from salesbook.settings import Settings
from tests.sheet_tables import rows_of, table

CJK = re.compile(r"[\u4e00-\u9fff]")
SHEETS = ("Performance", "Breakdown", "Funnel", "Dashboard")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("en") / "english.xlsm"
    result = CliRunner().invoke(main, ["demo", str(path), "--lang", "en", "--customers", "60", "--orders", "800"])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(path)


def _typed(wb) -> set[str]:
    """Every text value users typed on the input sheets (data rows only)."""
    out = set()
    for name in ("Orders", "Targets", "Customers", "Leads"):
        for r in rows_of(wb[name])[1:]:
            out.update(str(v).strip() for v in r if isinstance(v, str))
    return out


def test_no_product_chinese_on_the_numbers_sheets(book):
    """A cell may quote user data (a channel named in 参数 acquisition_costs, a rep): every Chinese run must be
    part of something typed; anything else is the product's own Chinese."""
    typed = "\n".join(_typed(book) | {str(v) for r in rows_of(book["Settings"]) for v in r if isinstance(v, str)})
    runs = re.compile(r"[\u4e00-\u9fff]+")
    for name in SHEETS:
        left = {c.coordinate: c.value for row in book[name].iter_rows() for c in row
                if isinstance(c.value, str) and any(run not in typed for run in runs.findall(c.value))}
        assert not left, (name, list(left.items())[:5])


def _unit(book) -> str:
    unit = book["Dashboard"]["B6"].value
    assert book["Dashboard"]["A6"].value == "Amount unit" and unit in ("CNY", "CNY 10k")
    return unit


def test_performance_status_pace_and_notes_read_as_english(book):
    unit, s = _unit(book), Settings()
    header, body = table(rows_of(book["Performance"]), "Period")
    col = {h: i for i, h in enumerate(header)}
    assert {f"Sales ({unit})", f"Target ({unit})", f"Gap ({unit})", "Completion", "Status", "Pace", "Note"} <= set(col)
    assert body
    for r in body:
        done, gap, elapsed = r[col["Completion"]], r[col[f"Gap ({unit})"]], r[col["Time elapsed"]]
        want = "Met" if done >= s.band_met else "Near" if done >= s.band_near else "Below target"
        assert r[col["Status"]] == want
        note = r[col["Note"]]
        assert note.startswith(f"Completion {excel_round(done * 100, 1):.1f}%")
        if gap < 0:  # the gap is quoted in the display unit, rounded like the 0.00 cell
            shown = f"{excel_round(-gap, 2):,.2f}"
            assert (f"Short by CNY {shown}" if unit == "CNY" else f"Short by {shown} ({unit})") in note
        else:
            assert "Short by" not in note
        if elapsed < 1:  # a running period: pace against time elapsed
            pace = "Ahead" if done >= elapsed else "Behind"
            assert r[col["Pace"]] == pace and {"Ahead": "ahead of pace", "Behind": "behind pace"}[pace] in note
        else:
            assert r[col["Pace"]] is None
        assert "MoM " in note and "YoY " in note


def test_kpi_and_funnel_labels_name_the_unit(book):
    unit = _unit(book)
    _, kpis = table(rows_of(book["Breakdown"]), "Measure")
    labels = [r[0] for r in kpis]
    assert labels[:3] == [f"Sales ({unit})", "Orders", f"Average order ({unit})"]
    assert f"Customer lifetime value ({unit})" in labels and "Repeat rate" in labels
    rows = rows_of(book["Funnel"])
    _, summary = table(rows, "Measure")
    by = {r[0]: r[1] for r in summary}
    assert by["Leads"] >= by["Open leads"] > 0
    assert f"Weighted pipeline ({unit})" in by and f"Won this month ({unit})" in by
    assert by["Expected close date"].startswith("Created date + ")
    _, stages = table(rows, "Stage")
    assert [r[0] for r in stages] == ["Qualification", "Proposal", "Negotiation", "Won", "Lost"]


def test_breakdown_codes_show_as_english_words(book):
    rows = rows_of(book["Breakdown"])
    _, days = table(rows, "Date")
    assert [r[1] for r in days] == [("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[r[0].weekday()] for r in days]
    _, types = table(rows, "Customer type")
    assert [r[0] for r in types] == ["New", "Returning", "Repeat"]
    header, lines = table(rows, "Product line")
    assert {r[header.index("Position")] for r in lines} <= {"Star", "To improve", "Steady"}


def test_dashboard_cards_are_english_with_units(book):
    ws, unit = book["Dashboard"], _unit(book)
    assert [ws[c].value for c in ("A1", "A2", "A3", "A4", "A5")] == [
        "Sales dashboard", "As of", "Refreshed at", "Rows left out", "Alerts"]
    assert [ws.cell(8, c).value for c in (1, 5, 9, 13)] == [
        f"Sales this month ({unit})", "Orders this month", f"Average order ({unit})", "Collection rate"]
    _, kpis = table(rows_of(book["Breakdown"]), "Measure")
    sales = next(r for r in kpis if r[0] == f"Sales ({unit})")
    assert ws["A9"].value == pytest.approx(sales[1])  # the card shows the KPI block's 本月 in the same unit
    change = ws["A10"].value
    assert change == "—" or change == "New" or change.startswith("vs same days last month ")
