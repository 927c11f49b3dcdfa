"""``salesbook demo`` at its smallest sizes: a workbook or a usage error (exit 2), never a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from salesbook.cli import main


def test_the_smallest_demo_works_even_when_a_salesperson_has_no_deal(tmp_path):
    # seed 3 with 20 customers leaves one salesperson without a deal (no basis for a target: none is made)
    r = CliRunner().invoke(main, ["demo", str(tmp_path / "小.xlsm"), "--customers", "20", "--orders", "100",
                                  "--seed", "3"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "小.xlsm").exists()


def test_a_demo_too_small_to_make_is_a_usage_error(tmp_path):
    for args in (["--customers", "5"], ["--orders", "10"]):
        r = CliRunner().invoke(main, ["demo", str(tmp_path / "x.xlsm"), *args])
        assert r.exit_code == 2 and r.exception is not None and isinstance(r.exception, SystemExit), r.output
        assert "Traceback" not in r.output and not (tmp_path / "x.xlsm").exists()
