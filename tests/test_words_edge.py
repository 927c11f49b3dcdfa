"""Issue 11, words at the edge, for the cleaning log, report, meeting pack, change log and review block:
an English workbook (a small demo) shows these sheets in English with units — the product's words come
from the vocabulary and the message catalogue, only the user's data (names, products, regions, typed
values, the playbook's own text) may be Chinese — and the numbers quoted agree with the sheets'.

The expected values are read from other sheets of the same workbook (the log rows themselves, the
Tiers and Alerts sheets) or computed from the definitions, not from the code under test."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from salesbook import vocab
from salesbook.cli import main
from salesbook.excel import changelog, report_sheet
from tests.sheet_tables import rows_of

CJK = re.compile(r"[\u4e00-\u9fff]")


def invoke(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


@pytest.fixture(scope="module")
def en_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("words") / "english.xlsm"
    out = invoke("demo", path, "--lang", "en", "--customers", "40", "--orders", "300").output
    return path, out


def _block(rows: list[list], at: int) -> tuple[dict[str, int], list[list]]:
    """The table whose header is row ``at`` (0-based): column index by header, and its rows up to a blank row."""
    body = []
    for r in rows[at + 1:]:
        if not any(v not in (None, "") for v in r):
            break
        body.append(r)
    return {h: i for i, h in enumerate(rows[at]) if h}, body


def test_the_cleaning_log_reads_as_english_with_one_reason_column(en_book):
    path, _ = en_book
    rows = rows_of(openpyxl.load_workbook(path)["Cleaning log"])
    heads = [i for i, r in enumerate(rows) if r[0] == "Outcome"]
    assert len(heads) == 2, rows[:3]  # the summary, then the log itself
    (scol, summary), (col, log) = _block(rows, heads[0]), _block(rows, heads[1])
    for c in (scol, col):
        assert "reason" not in c and "Reason" in c and "Rule" in c and "reason_en" not in c
    outcomes = {vocab.label("action", c, "en") for c in ("excluded", "flagged", "fixed")}
    for table_col, body in ((scol, summary), (col, log)):  # the product's columns: English words only
        for r in body:
            for name in ("Outcome", "Rule", "Reason"):
                assert not CJK.search(str(r[table_col[name]])), (name, r)
            assert r[table_col["Outcome"]] in outcomes and vocab.parse("log_rule", r[table_col["Rule"]])
    # the headline's totals are the log's own: distinct rows left out and flagged, values normalised
    left_out = {(r[col["Sheet"]], r[col["Row"]]) for r in log if r[col["Outcome"]] == "Left out"}
    flagged = {(r[col["Sheet"]], r[col["Row"]]) for r in log if r[col["Outcome"]] == "To check"}
    fixed = sum(r[col["Outcome"]] == "Normalised" for r in log)
    assert rows[0][0] == (f"Cleaning summary: {len(left_out):,} rows left out, {len(flagged):,} rows to check, "
                          f"{fixed:,} values normalised (by reason; the log is below)")
    # each summary line counts its log rows (distinct rows for left out / to check, values for normalised)
    assert sum(r[scol["Count (rows/values)"]] for r in summary if r[0] == "Normalised") == fixed


def test_the_cli_summary_names_the_workbooks_own_log_sheet(en_book):
    _, out = en_book
    flat = " ".join(out.split())
    assert "see 'Cleaning log'" in flat
    notices = [line for line in out.splitlines() if line.strip().startswith("⚠")]
    assert notices and not any(CJK.search(n) for n in notices)


def test_report_sentences_name_units_and_sheets_in_english(en_book):
    path, _ = en_book
    wb = openpyxl.load_workbook(path)
    lines = [str(r[0]) for r in wb["Report"].iter_rows(values_only=True) if r[0]]
    units = next(t for t in lines if t.startswith("Amounts are in"))
    assert units.startswith("Amounts are in CNY; orders count as sales with status Closed, Signed, Collected;")
    assert "(see 'Cleaning log')" in units and not CJK.search(units)
    sales = next(t for t in lines if t.startswith("Sales this year to date are"))
    assert re.search(r"are CNY [\d,]+\.\d\d \([+-][\d.]+% year on year\)", sales) and not CJK.search(sales)
    assert not CJK.search(next(t for t in lines if t.startswith("Customer tiers:")))
    headings = [vocab.label("report_section", c, "en") for c in vocab.DOMAINS["report_section"]]
    assert [t for t in lines if t in headings] == headings
    assert lines[0].startswith("Customer analysis report (as of ") and "Review" in lines
    assert report_sheet.REVIEW_LABELS["status"][1] in lines
    status = lines[lines.index(report_sheet.REVIEW_LABELS["status"][1]) + 1]
    assert status == "Draft"


def test_meeting_pack_labels_name_units_and_severities_are_words(en_book):
    path, _ = en_book
    rows = rows_of(openpyxl.load_workbook(path)["Meeting pack"])
    labels = [r[0] for r in rows if r[0]]
    assert "Sales this month (CNY)" in labels and "Sales year to date (CNY)" in labels  # English books: CNY
    assert not any(CJK.search(str(v)) for v in labels if str(v).startswith(("Sales", "Target", "Completion",
                                                                             "Changes", "Open alerts", "Follow-ups")))
    heads = [r for r in rows if r[0] == "Severity"]
    assert heads and all(list(h[:6]) == ["Severity", "Rule", "Subject", "Owner", "At stake (CNY)", "Details"]
                         for h in heads)
    severities = {r[0] for at in (i for i, r in enumerate(rows) if r[0] == "Severity") for r in _block(rows, at)[1]}
    assert severities and severities <= {"High", "Medium", "Low", "(none)"}


def test_change_log_first_row_counts_the_tiers_and_alerts_sheets(en_book):
    path, _ = en_book
    wb = openpyxl.load_workbook(path)
    first = list(wb["Change log"].iter_rows(values_only=True))[:2]
    assert list(first[0]) == changelog.header("en") == ["Refreshed at", "As of", "Type", "Subject", "Before", "After"]
    tier_rows = rows_of(wb["Tiers"])
    h = next(i for i, r in enumerate(tier_rows) if "Tier" in r)
    customers = sum(1 for r in tier_rows[h + 1:] if r[0])
    alert_rows = rows_of(wb["Alerts"])
    a = next(i for i, r in enumerate(alert_rows) if "Alert ID" in r)
    alerts = sum(1 for r in alert_rows[a + 1:] if r[0])
    assert first[1][2:4] == ("First analysis", f"{customers:,} customers, {alerts:,} alerts")


def test_change_rows_are_worded_in_the_workbooks_language():
    old = {("tier", "C1 甲"): "普通", ("alert", "silent|C1 甲"): "C1 甲", ("completion", "2026-10 团队"): "80.0%"}
    new = {("tier", "C1 甲"): "core", ("alert", "overdue|C2 乙"): "C2 乙", ("completion", "2026-10 团队"): "85.0%",
           ("tier", "C3 丙"): "vip"}
    changes = changelog.diff(old, new)
    shown = {c[0]: changelog._shown(c, "en") for c in changes}
    assert shown["tier"] in (["Tier", "C1 甲", "Regular", "Core"], ["Tier", "C3 丙", "(new)", "VIP"])
    assert shown["alert_new"] == ["New alert", "Follow-up overdue: C2 乙", "", "Follow-up overdue: C2 乙"]
    assert shown["alert_resolved"] == ["Alert resolved", "Customer silent: C1 甲", "Customer silent: C1 甲", ""]
    assert shown["completion"] == ["Completion", "2026-10 team", "80.0%", "85.0%"]
    zh = {c[0]: changelog._shown(c, "zh") for c in changes}
    assert zh["alert_new"][1] == "跟进逾期：C2 乙" and zh["completion"][1] == "2026-10 团队"
    # an alert stored by an older version ('rule：subject') is not worded twice
    legacy = changelog._shown(("alert_resolved", "silent|C1 甲", "客户沉默：C1 甲", ""), "en")
    assert legacy[1] == "Customer silent: C1 甲"


def test_an_english_review_needs_review_again_in_english(en_book, tmp_path):
    src, _ = en_book
    path = tmp_path / src.name
    shutil.copy(src, path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["Report"]
    col = [c.value for c in ws["A"][:25]]
    for key, value in (("status", "Reviewed"), ("reviewer", "周经理"), ("date", dt.datetime(2026, 11, 21))):
        ws.cell(col.index(report_sheet.REVIEW_LABELS[key][1]) + 2, 1).value = value
    wb.save(path)
    invoke("refresh", path, "--lang", "en")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    orders = wb["Orders"]
    header = [c.value for c in orders[1]]
    new = dict(zip(header, [c.value for c in orders[2]], strict=True))
    id_col = next(h for h in header if h and re.sub(r"[\s_]", "", str(h)).lower() == "orderid")  # either spelling
    new[id_col] = "SO-WORDS-1"
    orders.append([new[h] for h in header])
    wb.save(path)
    invoke("refresh", path, "--lang", "en")
    column = [c.value for c in openpyxl.load_workbook(path)["Report"]["A"][:25]]
    status = column[column.index(report_sheet.REVIEW_LABELS["status"][1]) + 1]
    assert status == "Review again"
    note = next(v for v in column if isinstance(v, str) and v.startswith("The data changed after the review"))
    counted = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) orders", note)]
    assert len(counted) == 2 and counted[1] == counted[0] + 1, note
    assert not CJK.search(note.replace("周经理", "")) and re.search(r"CNY [\d,]+\.\d\d sales this year", note)
