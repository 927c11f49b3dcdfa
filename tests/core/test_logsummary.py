"""The cleaning log's summary and order, checked on a hand-built log."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from salesbook import vocab
from salesbook.core import logsummary
from salesbook.core.clean import EXCLUDED, FIXED, FLAGGED, LOG_COLUMNS
from salesbook.messages import msg, text


def _log(rows: list[tuple]) -> pd.DataFrame:
    """(sheet, row, column, rule, action, reason) tuples as a log frame (values made up)."""
    return pd.DataFrame([{"sheet": s, "row": r, "column": c, "old_value": "x", "new_value": None, "rule": rule,
                          "action": a, "reason": reason}
                         for s, r, c, rule, a, reason in rows], columns=LOG_COLUMNS)


# 2,007-style noise (fixed), a few rows left out (two reasons, one row twice), one flagged row
LOG = _log(
    [("订单明细", 10 + i, "客户编号 [C]", "customer_id", FIXED, "缺少客户编号，用客户名称代替") for i in range(7)]
    + [("订单明细", 40 + i, "客户名称 [D]", "text", FIXED, "去除空格/全角转半角") for i in range(3)]
    + [("订单明细", 701, "下单日期 [B]", "date", EXCLUDED, "无法识别的日期"),
       ("订单明细", 702, "下单日期 [B]", "date", EXCLUDED, "无法识别的日期"),
       ("订单明细", 702, "订单状态 [J]", "status", EXCLUDED, "未知订单状态"),  # row 702 left out twice
       ("订单明细", 900, "订单编号 [A]", "duplicate_id", EXCLUDED, "订单编号重复，保留第 12 行"),
       ("订单明细", 901, "订单编号 [A]", "duplicate_id", EXCLUDED, "订单编号重复，保留第 13 行"),
       ("销售目标", 5, "", "subtotal", EXCLUDED, "合计/小计行，不计入汇总"),
       ("客户档案", 8, "联系人 [E]", "missing_contact", FLAGGED, "缺少联系人或联系方式")]
    + [("订单明细", 60 + i, "订单状态 [J]", "status", FIXED, "缺少订单状态，按已成交计") for i in range(2)]
)


def test_summary_counts_left_out_rows_by_reason_and_fixed_values_by_rule():
    s = logsummary.summary(LOG)
    line = {(r.action, r.sheet, r.rule, r.reason): r for r in s.itertuples()}
    assert line[(EXCLUDED, "订单明细", "date", "无法识别的日期")].count == 2
    assert line[(EXCLUDED, "订单明细", "status", "未知订单状态")].count == 1
    # reasons differing only in a row number are one line, the number shown as …
    dup = line[(EXCLUDED, "订单明细", "duplicate_id", "订单编号重复，保留第 … 行")]
    assert dup.count == 2 and dup.rows == "900, 901"
    assert line[(EXCLUDED, "销售目标", "subtotal", "合计/小计行，不计入汇总")].count == 1
    assert line[(FLAGGED, "客户档案", "missing_contact", "缺少联系人或联系方式")].count == 1
    assert line[(FIXED, "订单明细", "customer_id", "缺少客户编号，用客户名称代替")].count == 7
    assert line[(FIXED, "订单明细", "text", "去除空格/全角转半角")].count == 3
    assert line[(FIXED, "订单明细", "status", "缺少订单状态，按已成交计")].count == 2
    assert len(s) == 8


def test_summary_lists_left_out_first_then_flagged_then_fixed_largest_first():
    s = logsummary.summary(LOG)
    assert s["action"].tolist() == [EXCLUDED] * 4 + [FLAGGED] + [FIXED] * 3
    assert vocab.label("action", s["action"].iloc[0], "zh") == "未计入分析"
    assert vocab.label("action", s["action"].iloc[-1], "en") == "Normalised"
    assert s[s["action"] == FIXED]["count"].tolist() == [7, 3, 2]
    assert s[s["action"] == EXCLUDED]["count"].tolist() == [2, 2, 1, 1]


def test_example_rows_show_the_first_five_and_an_ellipsis():
    fixed = logsummary.summary(LOG).query("rule == 'customer_id'").iloc[0]
    assert fixed.rows == "10, 11, 12, 13, 14 …"


def test_totals_count_distinct_rows_left_out_and_values_fixed():
    t = logsummary.totals(LOG)
    # left out: 701, 702 (twice), 900, 901 on 订单明细 and row 5 on 销售目标
    assert t == {EXCLUDED: 5, FLAGGED: 1, FIXED: 12}
    zh, en = text(logsummary.headline(LOG), "zh"), text(logsummary.headline(LOG), "en")
    assert "5 行未计入分析" in zh and "1 行需核对" in zh and "12 个值已自动规范" in zh
    assert "5 rows left out" in en and "1 rows to check" in en and "12 values normalised" in en


def test_message_reasons_differing_only_in_a_row_number_are_one_line_in_either_language():
    log = _log([("订单明细", 900 + i, "订单编号 [A]", "duplicate_id", EXCLUDED, msg("log.duplicate_order", row=12 + i))
                for i in range(3)]
               + [("订单明细", 950, "订单编号 [A]", "duplicate_id", FLAGGED, msg("log.duplicate_order", row=7))]
               + [("订单明细", 5, "", "subtotal", EXCLUDED, msg("log.subtotal"))] * 2)
    s = logsummary.summary(log)
    assert len(s) == 3
    dup = s[(s["rule"] == "duplicate_id") & (s["action"] == EXCLUDED)].iloc[0]
    assert dup["count"] == 3 and dup["rows"] == "900, 901, 902"
    assert text(dup["reason"], "zh") == "订单编号重复，保留第 … 行"
    assert text(dup["reason"], "en") == "Duplicate order ID; row … kept"
    one = s[s["action"] == FLAGGED].iloc[0]  # a line of one row keeps its number
    assert text(one["reason"], "zh") == "订单编号重复，保留第 7 行" and text(one["reason"], "en").endswith("row 7 kept")
    total = s[s["rule"] == "subtotal"].iloc[0]
    assert total["count"] == 1 and text(total["reason"], "en") == "Total or subtotal row, not summed"


def test_the_log_reads_left_out_then_flagged_then_fixed_each_in_its_own_order():
    out = logsummary.ordered(LOG)
    assert out["action"].tolist() == [EXCLUDED] * 6 + [FLAGGED] + [FIXED] * 12
    assert out[out["action"] == FIXED]["row"].tolist() == [*range(10, 17), 40, 41, 42, 60, 61]
    assert sorted(map(tuple, out.to_numpy().tolist())) == sorted(map(tuple, LOG.to_numpy().tolist()))
    assert LOG["action"].iloc[0] == FIXED  # the input is not reordered


def test_an_empty_log_gives_an_empty_summary():
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in LOG_COLUMNS})
    assert logsummary.summary(empty).empty
    assert logsummary.totals(empty) == {EXCLUDED: 0, FLAGGED: 0, FIXED: 0}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["订单明细", "销售目标"]), st.integers(2, 30),
                          st.sampled_from(["date", "status", "text"]), st.sampled_from([EXCLUDED, FLAGGED, FIXED]),
                          st.sampled_from(["原因甲", "原因乙 3", "原因乙 4"])), max_size=40))
def test_summary_counts_add_up_to_the_log(entries):
    log = _log([(s, r, "列", rule, a, reason) for s, r, rule, a, reason in entries])
    s = logsummary.summary(log)
    # fixed: every log line counted once; left out / flagged: distinct rows within each line
    assert s[s["action"] == FIXED]["count"].sum() == (log["action"] == FIXED).sum()
    for action in (EXCLUDED, FLAGGED):
        part = log[log["action"] == action]
        per_line = part.assign(k=part["reason"].str.replace(r"\d+", "#", regex=True)) \
            .groupby(["sheet", "column", "rule", "k"])["row"].nunique()
        assert s[s["action"] == action]["count"].sum() == per_line.sum()
    assert list(logsummary.ordered(log)["action"].map(logsummary.ACTION_ORDER)) == \
        sorted(log["action"].map(logsummary.ACTION_ORDER))


def test_the_shown_log_words_the_statuses_cleaning_wrote_and_keeps_the_log_as_it_was():
    log = _log([("订单明细", 5, "订单状态 [J]", "status", FIXED, "状态同义词统一"),
                ("订单明细", 6, "客户名称 [D]", "text", FIXED, "去除空格/全角转半角")])
    log["new_value"] = ["已成交", "已成交"]  # a customer really named 已成交 is not a status
    out = logsummary.shown(log)
    assert [text(v, "en") for v in out["new_value"]] == ["Closed", "已成交"]
    assert [text(v, "zh") for v in out["new_value"]] == ["已成交", "已成交"]
    assert log["new_value"].tolist() == ["已成交", "已成交"]  # Clean writes the log's values back: untouched
