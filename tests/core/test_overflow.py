"""Settings and dates that used to overflow: inf/nan/huge numbers, year 9999 or 0001.

Every value a user can type into 参数 either becomes a SettingsError naming the key, the value
and the row (in Chinese and English), or is in a range where no combination of allowed values
pushes a date outside pandas' timestamps (1677-09-22 … 2262-04-11). Out-of-range *row* dates
(an order dated '9999-12-31') are row-level problems: the row is left out, the run goes on.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from salesbook.core import parse, playbook
from salesbook.core.pipeline import run
from salesbook.errors import SettingsError
from salesbook.settings import (AS_OF_MAX, AS_OF_MIN, CADENCE_DAYS_MAX, QUOTA_MAX, WINDOW_DAYS_MAX,
                                Settings)
from tests.conftest import TODAY, raw

ORDER_COLS = ["order_id", "order_date", "customer_id", "customer_name", "salesperson", "product_line", "amount",
              "status"]


def _orders(dates):
    return pd.DataFrame([(f"O{i}", d, f"C{i % 3}", f"客户{i % 3}", "张三", "A产品", 20_000 * (i + 1), "已成交")
                         for i, d in enumerate(dates)], columns=ORDER_COLS)


def _tables(dates=("2024-09-03", "2024-10-10", "2024-11-12")):
    fu = pd.DataFrame([(f"C{i % 3}", d, d) for i, d in enumerate(dates)], columns=["customer_id", "date", "next_date"])
    return {"orders": raw(_orders(dates)), "followups": raw(fu, "跟进记录")}


def _assert_bilingual(err: SettingsError, key: str, shown: str, row: int | None):
    assert err.key == key
    zh, en = err.message("zh"), err.message("en")
    assert key in zh and key in en
    assert shown in zh and shown in en
    if row is not None:
        assert f"第 {row} 行" in zh and f"row {row}" in en
    assert "无效" in zh and "invalid" in en


# -- the 参数 sheet ------------------------------------------------------------------------------------

HOSTILE_NUMBERS = ["inf", "-inf", "nan", "NaN", "Infinity", "1e309", "-1e309", "inf%", "1" * 400]
DAY_KEYS = ["rfm_window_days", "tier_recent_days", "cadence_vip", "cadence_core", "cadence_normal",
            "cadence_potential"]
INT_KEYS = DAY_KEYS + ["quota_vip", "quota_core", "quota_normal", "quota_potential"]
FLOAT_KEYS = ["band_met", "band_near", "tier_vip_amount", "tier_vip_years", "tier_core_amount", "abc_weight_win",
              "abc_a_min", "score_weight_sales", "alert_completion_below", "alert_silent_factor",
              "alert_outlier_z", "alert_unit_slip"]


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
@pytest.mark.parametrize("key", INT_KEYS + FLOAT_KEYS)
def test_non_finite_settings_are_a_settings_error_with_key_value_and_row(key, value):
    with pytest.raises(SettingsError) as e:
        Settings.from_rows([("display_unit", "元", 3), (key, value, 7)])
    _assert_bilingual(e.value, key, value[:30], 7)


@pytest.mark.parametrize("value", [1e18, 10**30, "99999999", "1e18", 36_601, 200_000])
@pytest.mark.parametrize("key", ["rfm_window_days", "tier_recent_days"])
def test_windows_longer_than_a_century_are_refused(key, value):
    with pytest.raises(SettingsError) as e:
        Settings.from_rows([(key, value, 9)])
    _assert_bilingual(e.value, key, str(value) if not isinstance(value, float) else repr(value), 9)
    assert "36,600" in e.value.message("zh") and "36,600" in e.value.message("en")


@pytest.mark.parametrize(("key", "limit"), [("cadence_vip", CADENCE_DAYS_MAX), ("quota_core", QUOTA_MAX)])
def test_cadences_and_quotas_have_a_ceiling(key, limit):
    assert Settings.from_rows([(key, limit, 4)]).__getattribute__(key) == limit
    with pytest.raises(SettingsError) as e:
        Settings.from_rows([(key, limit + 1, 4)])
    _assert_bilingual(e.value, key, str(limit + 1), 4)


@pytest.mark.parametrize("value", ["inf,1,2,3", "1,2,3,inf", "nan,1,2,3", "1e309,1e309,1e309,1e309",
                                   "1,2,3,1e16"])
@pytest.mark.parametrize("key", ["rfm_r_cuts", "rfm_f_cuts", "rfm_m_cuts"])
def test_cut_points_must_be_finite(key, value):
    with pytest.raises(SettingsError) as e:
        Settings.from_rows([(key, value, 12)])
    _assert_bilingual(e.value, key, value, 12)


def test_huge_but_finite_thresholds_still_work_as_switch_offs():
    s = Settings.from_rows([("alert_unit_slip", "999999999", 2), ("tier_vip_amount", 1e15, 3),
                            ("rfm_window_days", WINDOW_DAYS_MAX, 4)])
    assert s.alert_unit_slip == 999_999_999 and s.tier_vip_amount == 1e15 and s.rfm_window_days == 36_600
    res = run(_tables(), settings=s, today=TODAY)
    assert len(res.clean["orders"]) == 3


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1949-12-31", "2200-01-01", "2262-04-12",
                                   dt.datetime(9999, 12, 31), dt.date(1, 1, 1), 2_958_465, "10000101"])
def test_an_as_of_setting_out_of_range_is_a_settings_error(value):
    with pytest.raises(SettingsError) as e:
        Settings.from_rows([("as_of", value, 3)])
    shown = f"{value.year:04d}-{value.month:02d}-{value.day:02d}" if isinstance(value, dt.date) else str(value)
    _assert_bilingual(e.value, "as_of", shown, 3)
    assert "1950-01-01" in e.value.message("zh") and "2199-12-31" in e.value.message("en")


@pytest.mark.parametrize("day", [dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(1949, 12, 31),
                                 dt.date(2200, 1, 1), dt.datetime(9999, 12, 31)])
def test_as_of_from_the_command_line_out_of_range_is_a_settings_error(day):
    """``--as-of`` reaches the settings through ``Settings.replace`` (actions.analyse)."""
    with pytest.raises(SettingsError) as e:
        Settings().replace(as_of=day)
    _assert_bilingual(e.value, "as_of", f"{day.year:04d}-{day.month:02d}-{day.day:02d}", None)


def test_as_of_at_both_ends_of_the_range_is_accepted():
    assert Settings.from_rows([("as_of", "2199-12-31", 3)]).as_of == AS_OF_MAX
    assert Settings.from_rows([("as_of", "1950-01-01", 3)]).as_of == AS_OF_MIN


# -- no combination of allowed values overflows ------------------------------------------------------------

def test_the_extreme_corners_of_every_day_setting_run_through_the_pipeline():
    pb = pd.DataFrame([(k, n, "f", "s", "99999999天", "r", "e") for k in ("alert", "tier")
                       for n in ("VIP", "核心", "普通", "潜在")],
                      columns=["kind", "name", "focus", "strategy", "deadline", "resources", "expected"])
    corners = [
        (AS_OF_MAX, AS_OF_MAX, ["2199-12-31", "2199-12-30", "1950-01-01", "2199-06-01"]),
        (AS_OF_MIN, AS_OF_MIN, ["1950-01-01", "1950-01-01", "2199-12-31"]),
        (None, AS_OF_MAX, ["2199-12-31", "2199-12-31", "2199-01-01"]),
        (None, AS_OF_MIN, ["1950-01-01", "1950-01-02", "1950-01-03"]),
    ]
    # each date corner with the day settings all at their minimum, all at their maximum, and two mixes
    extremes = ((1, 0, 0), (WINDOW_DAYS_MAX, CADENCE_DAYS_MAX, QUOTA_MAX), (1, CADENCE_DAYS_MAX, 0),
                (WINDOW_DAYS_MAX, 0, QUOTA_MAX))
    for (as_of, today, dates), (win, cad, quota) in itertools.product(corners, extremes):
        s = Settings(as_of=as_of, rfm_window_days=win, tier_recent_days=win, cadence_vip=cad, cadence_core=cad,
                     cadence_normal=cad, cadence_potential=cad, quota_vip=quota, quota_core=quota,
                     quota_normal=quota, quota_potential=quota, rfm_method="fixed",
                     rfm_m_cuts=(1e15 - 3, 1e15 - 2, 1e15 - 1, 1e15), tier_vip_amount=1e15,
                     alert_unit_slip=1e15, alert_silent_factor=1e15, tier_vip_years=-1e15)
        tables = _tables(dates)
        tables["targets"] = raw(pd.DataFrame([("2199-12", "张三", "A产品", 1e15), ("1900年", None, None, 1)],
                                             columns=["period", "salesperson", "product_line", "target"]), "销售目标")
        tables["playbook"] = raw(pb, "策略库")
        res = run(tables, settings=s, today=today)
        assert res.as_of == (as_of or max(dt.date.fromisoformat(d) for d in dates if d <= today.isoformat()))
        if not res.frames.problems.empty:
            assert res.frames.problems["deadline"].max() <= pd.Timestamp(res.as_of) + pd.Timedelta(days=3660)


# -- row dates out of range: left out, never a crash ----------------------------------------------------------

@pytest.mark.parametrize("bad", ["9999-12-31", "0001-01-01", "1677-09-21", "2262-04-12", "2300年1月1日", "10000101",
                                 dt.datetime(9999, 1, 1), dt.datetime(1, 1, 1), 2_958_465])
def test_an_order_dated_out_of_range_is_left_out_and_logged(bad):
    res = run({"orders": raw(_orders(["2024-09-03", bad]))}, settings=Settings(), today=TODAY)
    assert len(res.clean["orders"]) == 1
    assert res.excluded_rows == 1
    logged = res.log[(res.log["row"] == 3) & (res.log["column"] == "order_date")]
    assert not logged.empty


@pytest.mark.parametrize("bad", ["9999-12-31", "0001-01-01", "2262-04-12"])
def test_followup_and_lead_dates_out_of_range_do_not_crash(bad):
    fu = pd.DataFrame([("C1", bad, bad), ("C1", "2024-10-01", None)], columns=["customer_id", "date", "next_date"])
    leads = pd.DataFrame([("L1", "x", "C1", "成交", 100, "张三", bad, bad)],
                         columns=["lead_id", "name", "customer_id", "stage", "est_amount", "owner", "created",
                                  "stage_date"])
    res = run({"orders": raw(_orders(["2024-09-03", "2024-10-10"])), "followups": raw(fu, "跟进记录"),
               "leads": raw(leads, "线索")}, settings=Settings(), today=TODAY)
    assert len(res.clean["followups"]) == 1


@pytest.mark.parametrize("bad", ["9999-01", "0001年", "9999Q4", "2300年1月", dt.datetime(9999, 1, 1)])
def test_a_target_period_out_of_range_is_left_out(bad):
    targets = pd.DataFrame([(bad, "张三", "A产品", 100), ("2024-09", "张三", "A产品", 100)],
                           columns=["period", "salesperson", "product_line", "target"])
    res = run({"orders": raw(_orders(["2024-09-03", "2024-09-10"])), "targets": raw(targets, "销售目标")},
              settings=Settings(), today=TODAY)
    assert len(res.clean["targets"]) == 1
    assert parse.parse_period(bad) is None


def test_parsers_refuse_years_outside_the_window():
    assert parse.parse_date("9999-12-31") is None
    assert parse.parse_date("0001-01-01") is None
    assert parse.parse_date("1950-01-01") == dt.datetime(1950, 1, 1)
    assert parse.parse_date("2199-12-31") == dt.datetime(2199, 12, 31)
    assert parse.parse_period("2199-12") == pd.Period("2199-12", freq="M")


def test_playbook_deadlines_are_capped():
    assert playbook.deadline_days("15天") == 15
    assert playbook.deadline_days("99999999999999999999天") == playbook.MAX_DEADLINE_DAYS
