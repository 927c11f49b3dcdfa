"""LibreOffice, an independent spreadsheet program, opens what salesbook writes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")]


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    outdir.mkdir(exist_ok=True)
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{outdir}/profile", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=240)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.exists(), f"LibreOffice produced no {fmt}"
    return out


def test_libreoffice_reads_the_refreshed_demo_with_the_same_values(demo_book, tmp_path):
    resaved = convert(demo_book, "xlsx", tmp_path)
    ours = openpyxl.load_workbook(demo_book)
    theirs = openpyxl.load_workbook(resaved)
    assert [n for n in ours.sheetnames] == [n for n in theirs.sheetnames]
    for name in ("RFM", "业绩分析", "客户分层"):
        a = [r for r in ours[name].iter_rows(max_row=12, values_only=True)]
        b = [r for r in theirs[name].iter_rows(max_row=12, values_only=True)]
        for ra, rb in zip(a, b, strict=False):
            for va, vb in zip(ra, rb, strict=False):
                if isinstance(va, float):
                    assert vb == pytest.approx(va, rel=1e-9)
                else:
                    assert va == vb
    dv = theirs["订单明细"].data_validations.dataValidation
    assert any("已成交" in (d.formula1 or "") for d in dv)


def test_the_dashboard_renders_to_a_non_blank_page(demo_book, tmp_path):
    wb = openpyxl.load_workbook(demo_book)
    for ws in list(wb.worksheets):
        if ws.title != "仪表盘":
            wb.remove(ws)
    single = tmp_path / "dashboard.xlsx"
    wb.save(single)
    pdf = convert(single, "pdf", tmp_path)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-gray", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    page = next(tmp_path.glob("page*.pgm")).read_bytes()
    pixels = page.split(b"\n", 3)[3]
    dark = sum(1 for p in pixels if p < 128)
    assert dark > 500, "the rendered dashboard is blank"
