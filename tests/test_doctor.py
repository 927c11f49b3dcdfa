"""salesbook doctor: each check finds what it claims, on real workbook files."""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import xlwings
from click.testing import CliRunner

from salesbook import doctor
from salesbook.cli import main
from salesbook.excel import vba


def by_name(checks) -> dict[str, doctor.Check]:
    return {c.name: c for c in checks}


def rewrite_member(src: Path, dst: Path, member: str, fn) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, fn(data) if info.filename == member else data)


def test_the_shipped_template_passes_every_workbook_check(template):
    checks = by_name(doctor.run(template, platform="linux"))
    for name in ("vba", "ribbon", "vba_version", "udf_modules"):
        assert checks[name].status == doctor.OK, checks[name]
    assert checks["excel"].status == doctor.NA


def test_the_vba_version_is_read_without_pyopenvba_from_the_build_property(template, monkeypatch):
    def unavailable(path):
        raise ImportError("No module named 'pyopenvba'")

    monkeypatch.setattr(vba, "read_modules", unavailable)
    assert doctor.workbook_xlwings_version(template) == xlwings.__version__


def test_a_workbook_of_another_xlwings_version_fails_with_the_fix(template, tmp_path, monkeypatch):
    old = tmp_path / "old.xlsm"
    rewrite_member(template, old, "docProps/custom.xml",
                   lambda b: re.sub(rb"<vt:lpwstr([^>]*)>[^<]+<", rb"<vt:lpwstr\1>0.30.0<", b))
    monkeypatch.setattr(vba, "read_modules", lambda path: (_ for _ in ()).throw(ImportError()))
    check = by_name(doctor.run(old, platform="linux"))["vba_version"]
    assert check.status == doctor.FAIL
    assert "0.30.0" in check.text("en") and "pip install xlwings==0.30.0" in check.fix_text("en")
    assert "salesbook new" in check.fix_text("zh")


def test_a_workbook_without_ribbon_or_macros_fails(tmp_path):
    book = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    checks = by_name(doctor.run(book, platform="linux"))
    assert checks["workbook"].status == doctor.FAIL and ".xlsm" in checks["workbook"].text("en")


def test_windows_a_downloaded_file_is_reported_blocked_with_how_to_unblock(template, tmp_path):
    book = tmp_path / "下载的.xlsm"
    shutil.copy(template, book)
    # on NTFS this is the file's Zone.Identifier stream; elsewhere open() reads a file of that name
    Path(f"{book}:Zone.Identifier").write_text("[ZoneTransfer]\nZoneId=3\n", encoding="utf-8")
    checks = by_name(doctor.run(book, platform="win32"))
    assert checks["blocked"].status == doctor.FAIL and "Unblock" in checks["blocked"].fix_text("en")
    assert checks["dll"].status == doctor.FAIL  # no xlwings DLL on this Linux machine
    assert f"xlwings64-{xlwings.__version__}.dll" in checks["dll"].text("en")


def with_interpreter(template: Path, target: Path, value: str) -> Path:
    from salesbook.excel.engine import open_book

    shutil.copy(template, target)
    book = open_book(target)
    conf = book.sheets["xlwings.conf"]
    assert conf.range("A1").value == "Interpreter_Win"
    conf.range("B1").value = value
    book.save()
    return target


def test_windows_interpreter_from_xlwings_conf_must_import_salesbook(template, tmp_path):
    good = with_interpreter(template, tmp_path / "good.xlsm", sys.executable)
    check = by_name(doctor.run(good, platform="win32"))["interpreter"]
    assert check.status == doctor.OK and sys.executable in check.text("en")
    bad = with_interpreter(template, tmp_path / "bad.xlsm", str(tmp_path / "no" / "python.exe"))
    check = by_name(doctor.run(bad, platform="win32"))["interpreter"]
    assert check.status == doctor.FAIL and "Interpreter_Win" in check.fix_text("en")


def test_the_command_exits_1_on_a_failed_check_without_traceback(tmp_path):
    result = CliRunner().invoke(main, ["doctor", str(tmp_path / "missing.xlsm")])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "File not found" in result.output and "Traceback" not in result.output


def test_the_command_on_the_template_exits_0(template):
    result = CliRunner().invoke(main, ["doctor", str(template)])
    assert result.exit_code == 0, result.output
    assert "salesbook.udfs" in result.output
