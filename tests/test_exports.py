"""The export corpus (tests/data/exports.py): every file imports and refreshes to the generator's truth.

Each case: a fresh tracker (the real template), ``salesbook import`` of each file in turn (the CLI,
saving the real .xlsm), then the workbook re-opened and analysed as a refresh does; the numbers are
compared with what the generator computed from the records it drew: counted sales per rep and
month, completion per target row, the customer count of 客户分层, follow-ups kept per customer.
The cases cover linking by name/简称, 草稿, units from magnitude and 总计 periods too.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from salesbook import actions
from salesbook.cli import main
from salesbook.excel.engine import open_book

from .conftest import TODAY
from .data import exports

_TMP = tempfile.TemporaryDirectory(prefix="salesbook-exports-")  # removed when the test process ends
CASES = {c.name: c for c in exports.cases(Path(_TMP.name))}


def _params(check: str, wanted=lambda c: True):
    out = []
    for name, case in CASES.items():
        if not wanted(case):
            continue
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail[check])] if check in case.xfail else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


_DONE: dict[str, tuple] = {}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, template) -> Path:
    d = tmp_path_factory.mktemp("导入")
    shutil.copy(template, d / "template.xlsm")
    return d


def imported(name: str, workdir: Path):
    """(import outputs, tables, result) for a case: imported by the CLI, analysed like a refresh."""
    if name not in _DONE:
        case = CASES[name]
        book = workdir / f"{name}.xlsm"
        shutil.copy(workdir / "template.xlsm", book)
        outputs = []
        for key, file in case.imports:
            r = CliRunner().invoke(main, ["import", str(book), f"--{key}", str(file)])
            assert r.exit_code == 0, r.output
            outputs.append(r.output)
        tables, result = actions.analyse(open_book(book), as_of=exports.AS_OF, today=TODAY)
        _DONE[name] = (outputs, tables, result)
    return _DONE[name]


@pytest.mark.parametrize("name", _params("sales"))
def test_sales_per_rep_and_month(name, workdir):
    _, _, result = imported(name, workdir)
    o = result.clean["orders"]
    o = o[o["revenue"] != 0]
    got = o.groupby([o["salesperson"], o["order_date"].dt.strftime("%Y-%m")])["revenue"].sum()
    got = {f"{rep}|{m}": v for (rep, m), v in got.items()}
    want = CASES[name].sales
    assert set(got) == set(want)
    assert got == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("name", _params("completion", lambda c: bool(c.completion)))
def test_completion_per_target_row(name, workdir):
    _, _, result = imported(name, workdir)
    perf = result.frames.performance
    perf = perf[perf["target"].notna()]
    got = {f"{p}|{rep}": c for p, rep, c in zip(perf["period"].astype(str), perf["salesperson"], perf["completion"],
                                                  strict=True)}
    want = CASES[name].completion
    assert {k: got.get(k) for k in want} == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("name", _params("customers", lambda c: c.customers is not None))
def test_customer_count(name, workdir):
    _, _, result = imported(name, workdir)
    tiers = result.frames.tiers
    assert len(tiers) == CASES[name].customers
    assert not tiers["customer_id"].duplicated().any()


@pytest.mark.parametrize("name", _params("followups", lambda c: bool(c.followups)))
def test_followups_by_name_are_all_kept_and_linked(name, workdir):
    _, _, result = imported(name, workdir)
    f = result.clean["followups"]
    assert f.groupby("customer_id").size().to_dict() == CASES[name].followups


@pytest.mark.parametrize("name", _params("notices", lambda c: bool(c.notices)))
def test_missing_columns_that_change_the_numbers_are_named(name, workdir):
    _, _, result = imported(name, workdir)
    codes = {n.code for n in result.notices}
    assert set(CASES[name].notices) <= codes


@pytest.mark.parametrize("name", _params("skipped", lambda c: any(c.skipped)))
def test_rows_already_present_are_skipped_and_counted(name, workdir):
    outputs, tables, _ = imported(name, workdir)
    for out, skipped in zip(outputs, CASES[name].skipped, strict=True):
        flat = " ".join(out.split())
        assert (f"{skipped} 行已在表中" in flat) == bool(skipped), out
    assert len(tables["orders"].df) == 300 + 100  # the sheet holds each distinct row once


@pytest.mark.parametrize("name", _params("drafts", lambda c: c.draft_rows > 0))
def test_draft_orders_are_not_an_unknown_status(name, workdir):
    _, _, result = imported(name, workdir)
    log = result.log
    unknown = log[(log["rule"] == "status") & (log["action"] == "excluded")]
    assert not unknown["old_value"].astype(str).eq("草稿").any()


def test_every_case_states_its_shape_and_units(workdir):
    """The import says what it decided: header under titles, unit from a title, wide periods, totals."""
    flat = {n: " ".join(" ".join(imported(n, workdir)[0]).split()) for n in
            ("fxiaoke_title", "wan_title", "targets_wide_month", "targets_wide_1to12")}
    assert "表头在第 4 行" in flat["fxiaoke_title"]
    assert "已保留、不参与分析的列 kept, not analysed: 所属部门" in flat["fxiaoke_title"]
    assert "注明单位 万元" in flat["wan_title"] and "×10,000" in flat["wan_title"]
    assert "18 period columns" in flat["targets_wide_month"] and "合计列「合计」" in flat["targets_wide_month"]
    assert "12 period columns" in flat["targets_wide_1to12"] and "全年合计" in flat["targets_wide_1to12"]
    assert "unknown column" not in flat["targets_wide_month"]


def test_the_xls_fixture_holds_the_generators_rows():
    rows, _ = exports.kingdee_rows()
    wb = CalamineWorkbook.from_path(str(exports.FIXTURES / "C_金蝶_订单.xls"))
    got = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    norm = [[None if v == "" else v for v in r] for r in got]
    assert norm == rows


def test_a_refresh_prints_and_shows_the_missing_columns(workdir):
    """The refresh summary and the dashboard's info block show what coverage decided."""
    imported("wan_header_semicolon", workdir)
    book = open_book(workdir / "wan_header_semicolon.xlsm")
    summary = actions.refresh(book, as_of=exports.AS_OF, today=TODAY)
    codes = [n.code for n in summary.notices]
    assert "no_status" in codes
    dash = book.sheets["仪表盘"].range("D1:D6").value
    assert dash[0].startswith("数据提示")
    assert any(isinstance(v, str) and "缺少订单状态列：全部订单按已成交计入" in v for v in dash[1:])
    frame = pd.DataFrame(summary.result.clean["orders"])
    assert (frame["status"] == "已成交").all()


def test_targets_without_a_unit_are_said_to_be_unsure(workdir):
    """Targets in 万元 with no unit anywhere: the refresh says so (default unit, or the unit it inferred)."""
    _, _, result = imported("targets_no_unit", workdir)
    assert {n.code for n in result.notices} & {"target_unit_default", "target_unit_guessed"}
