from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesbook.core import parse


@pytest.mark.parametrize("value", ["2024-01-05", "2024/01/05", "2024/1/5", "2024年1月5日", "20240105", 45296,
                                   45296.0, dt.datetime(2024, 1, 5), dt.date(2024, 1, 5), "２０２４－０１－０５",
                                   " 2024-01-05 "])
def test_dates_in_every_accepted_form(value):
    assert parse.parse_date(value) == dt.datetime(2024, 1, 5)


@pytest.mark.parametrize("value", ["上周五", "2024-13-01", "2024-02-30", "", None, "abc", True, -5])
def test_unreadable_dates_are_none_not_guessed(value):
    assert parse.parse_date(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-01", pd.Period("2024-01", "M")), ("2024年1月", pd.Period("2024-01", "M")),
    ("2024年Q1", pd.Period("2024Q1", "Q")), ("2024Q1", pd.Period("2024Q1", "Q")),
    ("2024年第一季度", pd.Period("2024Q1", "Q")), ("2024", pd.Period("2024", "Y")), (202403, pd.Period("2024-03", "M")),
])
def test_periods(value, expected):
    assert parse.parse_period(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (1234.5, 1234.5), ("1,234.5", 1234.5), ("¥1,234", 1234.0), ("￥1,234", 1234.0), ("1.2万", 12000.0),
    ("(123)", -123.0), ("-5", -5.0), ("RMB 88", 88.0), ("3亿", 3e8), ("１２３", 123.0), (10.05, 10.05),
])
def test_amounts(value, expected):
    assert parse.parse_amount(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", ["", None, "about 5", "1.2.3", "万", True, float("nan")])
def test_unreadable_amounts_are_none(value):
    assert parse.parse_amount(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("成交", "已成交"), ("已完成", "已成交"), ("作废", "已取消"), ("取消", "已取消"), ("已签约", "已签约"),
    ("回款", "已回款"), ("Closed", "已成交"), ("  已成交 ", "已成交"), ("待定", None), (None, None),
])
def test_status_synonyms(value, expected):
    assert parse.normalize_status(value) == expected


@given(st.decimals(min_value=-1e9, max_value=1e9, places=2, allow_nan=False))
def test_amount_text_with_thousands_separators_round_trips(d):
    assert parse.parse_amount(f"{d:,.2f}") == pytest.approx(float(d), abs=0.005)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_date_format_parses_to_the_same_day(d):
    want = dt.datetime(d.year, d.month, d.day)
    for text in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y%m%d")):
        assert parse.parse_date(text) == want


def test_map_unique_handles_mixed_types_and_missing_values():
    s = pd.Series([1, 1.0, "1", None, float("nan"), True, dt.datetime(2024, 1, 1)], dtype=object)
    out = parse.map_unique(s, lambda v: type(v).__name__)
    assert out.tolist()[2] == "str"
    assert out.tolist()[3] == "NoneType" and out.tolist()[4] == "NoneType"
