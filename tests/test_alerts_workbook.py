"""异常预警 in a real refreshed workbook: a modest number of alerts, data quality grouped, every cell painted,
people named, and an acknowledged alert gone from 分析报告."""

from __future__ import annotations

import shutil

import pytest

from salesbook import actions, vocab
from salesbook.core import alerts_data
from salesbook.core import playbook as pb
from salesbook.excel import engine, flags


def _table(book, sheet: str, marker: str) -> tuple[list[str], list[list]]:
    values = book.sheets[sheet].used_range.options(ndim=2).value
    at = next(i for i, r in enumerate(values) if marker in r)
    body = []
    for r in values[at + 1:]:
        if all(v in (None, "") for v in r):
            break
        body.append(r)
    return [str(v) if v is not None else "" for v in values[at]], body


@pytest.fixture(scope="module")
def book(small_book, tmp_path_factory):
    path = tmp_path_factory.mktemp("预警") / "预警.xlsm"
    shutil.copy(small_book, path)
    return engine.open_book(path)


def test_the_alert_count_is_modest_and_every_data_quality_alert_is_a_group(book):
    header, rows = _table(book, "异常预警", "预警编号")
    keys = [r[header.index("预警编号")] for r in rows]
    _, customers = _table(book, "客户档案", "客户编号")
    assert 0 < len(rows) < len(customers), f"{len(rows)} alerts for {len(customers)} customers"
    log_header, log = _table(book, "清洗日志", "原值")  # the log itself, under its summary
    col = {h: log_header.index(h) for h in ("工作表", "列", "规则", "处理")}
    expected = {(vocab.parse("log_rule", r[col["规则"]]), f"{r[col['工作表']]} · {r[col['列']]}") for r in log
                if vocab.parse("log_rule", r[col["规则"]]) in alerts_data.DATA_RULES and r[col["处理"]] in ("需核对", "未计入分析")}
    data = [(k.split("|", 1)[0], r[header.index("对象")]) for k, r in zip(keys, rows, strict=True)
            if k.split("|", 1)[0] in alerts_data.DATA_RULES]
    assert expected, "the demo has dirty rows: the test needs them"
    assert sorted(data) == sorted(expected)  # one alert per (rule, sheet, column), nothing per row
    assert all(k.count("|") == 2 for k in keys if k.split("|", 1)[0] in alerts_data.DATA_RULES)


def test_the_key_is_the_last_column_and_owners_are_people(book):
    header, rows = _table(book, "异常预警", "预警编号")
    assert [h for h in header if h][-1] == "预警编号"
    assert "涉及金额(万元)" in header and "负责人" in header
    owners = {r[header.index("负责人")] for r in rows} - {None, ""}
    roles = {r[5] for r in pb.default_playbook("zh").itertuples(index=False)}
    assert owners and not owners & roles
    order_header, orders = _table(book, "订单明细", "订单编号")
    reps = {r[order_header.index("销售负责人")] for r in orders} - {None, ""}
    assert {n.strip(" 等") for o in owners for n in o.split("、")} <= reps


def test_flag_paints_every_row_behind_a_grouped_alert(book):
    actions.flag(book)
    painted = {(s, int(r)) for s, r, *_ in flags.registry(book).itertuples(index=False, name=None)}
    log_header, log = _table(book, "清洗日志", "原值")  # the log itself, under its summary
    col = {h: log_header.index(h) for h in ("工作表", "行", "规则", "处理")}
    wanted = {(r[col["工作表"]], int(r[col["行"]])) for r in log
              if vocab.parse("log_rule", r[col["规则"]]) in alerts_data.DATA_RULES and r[col["处理"]] in ("需核对", "未计入分析")}
    assert wanted <= painted
    actions.clear_flags(book)


def test_an_acknowledged_alert_leaves_the_report(book):
    header, rows = _table(book, "异常预警", "预警编号")
    key_at, rule_at, subject_at = header.index("预警编号"), header.index("规则"), header.index("对象")
    pick = next(r for r in rows if str(r[key_at]).startswith(("completion_low|", "mom_drop|")))
    line = f"{pick[rule_at]}：{pick[subject_at]} →"

    def report_text() -> str:
        return "\n".join(str(v[0]) for v in book.sheets["分析报告"].used_range.options(ndim=2).value if v[0])

    actions.report(book)
    assert line in report_text()
    values = book.sheets["异常预警"].used_range.options(ndim=2).value
    at = next(i for i, r in enumerate(values) if r[key_at] == pick[key_at])
    book.sheets["异常预警"].range((at + 1, header.index("处理结果") + 1)).value = "忽略"
    actions.report(book)
    assert line not in report_text()
    assert "关键问题与需求" in report_text()
