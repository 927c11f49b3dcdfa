"""Shared fixtures: real workbooks built by the real builder, written and re-read from disk."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from salesbook.core.pipeline import RawTable

from hypothesis import settings as _hsettings

# HYPOTHESIS_PROFILE=thorough runs the property tests with many more examples (by hand, not in CI)
_hsettings.register_profile("thorough", max_examples=300, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    _hsettings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

TODAY = dt.date(2026, 11, 24)


def raw(df: pd.DataFrame, sheet: str = "订单明细") -> RawTable:
    """Input rows as they would be read from a sheet whose header is row 1."""
    df = df.copy().astype(object)
    df["_row"] = range(2, len(df) + 2)
    return RawTable(df, sheet)


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    from salesbook.excel.template import new_workbook

    path = tmp_path_factory.mktemp("tpl") / "空白模板.xlsm"
    new_workbook(path)
    return path


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory) -> Path:
    """A demo tracker built and refreshed by the CLI (in a Chinese-named folder)."""
    from click.testing import CliRunner

    from salesbook.cli import main

    path = tmp_path_factory.mktemp("销售数据") / "演示 销售跟踪.xlsm"
    result = CliRunner().invoke(main, ["demo", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def small_book(tmp_path_factory) -> Path:
    """A smaller refreshed demo (60 customers, 800 orders) for tests that refresh it many times."""
    from click.testing import CliRunner

    from salesbook.cli import main

    path = tmp_path_factory.mktemp("小样本") / "小 样本.xlsm"
    result = CliRunner().invoke(main, ["demo", str(path), "--customers", "60", "--orders", "800"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def work_copy(tmp_path, demo_book) -> Path:
    target = tmp_path / demo_book.name
    shutil.copy(demo_book, target)
    return target


def pytest_collection_modifyitems(config, items):
    """A test that drives LibreOffice is slow (a soffice start each): it runs in the slow phase of
    ``scripts/test.sh`` (which CI runs), not in the quick suite (``scripts/test.sh --fast``)."""
    for item in items:
        if item.get_closest_marker("libreoffice") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
