"""Cleaning rules of SPEC §3, each visible in the cleaning log with row, column and reason."""

from __future__ import annotations

import pandas as pd

from salesbook.core.clean import clean_orders
from salesbook.messages import text
from salesbook.settings import Settings
from tests.conftest import TODAY, raw

COLS = ["order_id", "order_date", "customer_id", "customer_name", "salesperson", "amount", "status"]


def clean(rows, **kw):
    r = raw(pd.DataFrame(rows, columns=COLS))
    return clean_orders(r.df, settings=Settings(), today=TODAY, labels={"amount": "金额 [F]"}, **kw)


def test_every_rule_is_logged_with_row_column_and_reason():
    orders, log = clean([
        ("O1", "2024-01-05", "C1", "甲", "张三", "1.2万", "完成"),          # row 2: 万, status synonym
        ("O1", "2024-01-06", "C1", "甲", "张三", 10, "已成交"),             # row 3: duplicate id → excluded
        ("O3", "上周五", "C1", "甲", "张三", 10, "已成交"),                  # row 4: bad date → excluded
        ("O4", "2024-01-07", "C1", "甲", "张三", 10, "待定"),               # row 5: unknown status → excluded
        (None, "2024-01-08", "C1", "甲", "张三", 0, None),                 # row 6: no id, zero, no status
        ("O6", "2024-01-09", "C1", "甲", "张三", -50, "已成交"),            # row 7: refund
        ("O7", "2099-01-01", "C1", "甲", "张三", 10, "已成交"),             # row 8: future date
    ])
    by = {(r.rule, r.row): r for r in log.itertuples()}
    assert by[("amount", 2)].new_value == 12000 and by[("amount", 2)].column == "金额 [F]"
    assert by[("status", 2)].new_value == "已成交"
    assert by[("duplicate_id", 3)].action == "excluded"
    assert "第 2 行" in text(by[("duplicate_id", 3)].reason, "zh")
    assert "row 2 kept" in text(by[("duplicate_id", 3)].reason, "en")
    assert by[("date", 4)].action == "excluded" and by[("date", 4)].old_value == "上周五"
    assert by[("status", 5)].action == "excluded"
    assert by[("order_id", 6)].new_value == "R6"
    assert by[("zero_amount", 6)].action == "flagged"
    assert by[("status", 6)].new_value == "已成交"
    assert by[("future_date", 8)].action == "flagged"
    assert sorted(orders["row"]) == [2, 6, 7, 8]
    kept = orders.set_index("row")
    assert kept.loc[6, "is_order"] is False or not kept.loc[6, "is_order"]  # zero amount: not an order
    assert kept.loc[7, "revenue"] == -50 and not kept.loc[7, "is_order"]   # refund reduces revenue


def test_possible_duplicates_are_flagged_and_kept():
    orders, log = clean([
        ("O1", "2024-01-05", "C1", "甲", "张三", 100, "已成交"),
        ("O2", "2024-01-05", "C1", "甲", "张三", 100, "已成交"),
    ])
    assert len(orders) == 2
    flagged = log[log["rule"] == "possible_duplicate"]
    assert flagged["row"].tolist() == [3]


def test_short_names_become_full_names_and_ids_can_come_from_names():
    orders, log = clean([("O1", "2024-01-05", None, "华宇", "张三", 100, "已成交")],
                        customer_aliases={"华宇": "上海华宇科技有限公司"})
    assert orders["customer_name"].tolist() == ["上海华宇科技有限公司"]
    assert orders["customer_id"].tolist() == ["上海华宇科技有限公司"]
    assert set(log["rule"]) >= {"alias", "customer_id"}


def test_cleaning_never_mutates_its_input():
    r = raw(pd.DataFrame([(" O1 ", "2024/1/5", 1001.0, "甲", "张三", "¥1,000", "成交")], columns=COLS))
    before = r.df.copy()
    orders, _ = clean_orders(r.df, settings=Settings(), today=TODAY)
    pd.testing.assert_frame_equal(r.df, before)
    assert orders.loc[0, "customer_id"] == "1001" and orders.loc[0, "order_id"] == "O1"
