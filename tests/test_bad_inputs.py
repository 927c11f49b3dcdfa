"""The bad-input corpus (tests/data/bad, written by tests/data/make_bad.py): each file gets a clear
message or a correct result; none crashes, none loses or changes what the user typed.

Every case runs ``salesbook refresh`` through the CLI. Files that are not workbooks must exit 2
with the message the manifest names and stay byte-identical. Workbooks that analyse must keep
every input cell (value and type, formulas as formulas), keep or lack their VBA project as they
did, and then survive 标记异常 → 清除标记 → 清洗数据 → 撤销清洗 with the input cells back as typed.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from salesbook import actions, schema
from salesbook.cli import main
from salesbook.excel import engine

BAD = Path(__file__).parent / "data" / "bad"
CASES = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
INPUT_NAMES = {n for s in schema.INPUT_SHEETS for n in s.names()} | {"Orders"}


def test_the_corpus_is_big_enough_and_matches_its_generator():
    assert len(CASES) >= 40
    assert sorted(c["file"] for c in CASES) == sorted(p.name for p in BAD.iterdir() if p.name != "cases.json")
    source = (BAD.parent / "make_bad.py").read_text(encoding="utf-8")
    for c in CASES:
        assert c["file"].split(".")[0].split("_")[0] in source, c["file"]


def _opens(path: Path) -> bool:
    try:
        openpyxl.load_workbook(path, read_only=True).close()  # a workbook package openpyxl can open
        return True
    except Exception:  # noqa: BLE001 - anything that is not a workbook
        return False


def _inputs(path: Path) -> dict:
    """The exact bytes of every input sheet's part (values, types, formulas and their saved
    results, formats): a refresh must not change one byte of them."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
        out = {}
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book):
            if name in INPUT_NAMES:
                target = targets[rid].lstrip("/")
                out[name] = z.read(target if target.startswith("xl/") else "xl/" + target)
        return out


def _has_vba(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return "xl/vbaProject.bin" in z.namelist()


def _frame(wb, name: str, header_row: int = 2, header: str | None = None) -> pd.DataFrame:
    """The table under ``header_row``, or under the first row holding the cell ``header``."""
    rows = list(wb[name].values)
    if header is not None:
        header_row = next(i for i, r in enumerate(rows, start=1) if header in r)
    body = []
    for r in rows[header_row:]:
        if not any(v is not None for v in r):
            break
        body.append(r)
    return pd.DataFrame(body, columns=rows[header_row - 1])


def _check(check: str, path: Path, output: str, loaded: dict | None = None) -> None:
    loaded = {} if loaded is None else loaded
    if "wb" not in loaded:  # one full load per refreshed file, shared by its checks
        loaded["wb"] = openpyxl.load_workbook(path)
    wb = loaded["wb"]
    kind, _, arg = check.partition(":")
    if kind in ("excluded", "logged"):
        sheet, row, column = arg.split(":")
        log = _frame(wb, "清洗日志", header="行")  # the log under its summary
        hit = log[(log["工作表"] == sheet) & (log["行"] == int(row))
                  & log["列"].astype(str).str.contains(column, regex=False)]
        if kind == "excluded":
            hit = hit[hit["处理"] == "未计入分析"]
        assert not hit.empty, f"{check}: not in the cleaning log\n{log.head(20)}"
        reasons = hit["原因"].astype(str)  # a reason in the workbook's language (one column), no object repr
        assert reasons.str.len().min() > 3 and not reasons.str.contains(r"Msg\(|Bilingual\(").any()
    elif kind == "orders":
        assert re.search(rf"\b{arg} 笔订单参与分析", output), output
    elif kind == "monetary":
        cid, expr = arg.split(":")
        rfm = _frame(wb, "RFM").set_index("客户编号")
        expected = sum(float(x) for x in expr.split("+")) / 10_000  # shown in 万元
        assert rfm.loc[cid, "M 购买金额(万元)"] == pytest.approx(expected), rfm
    elif kind == "alert":
        alerts = _frame(wb, "异常预警")
        assert alerts["预警编号"].astype(str).str.startswith(arg + "|").any(), alerts
    elif kind == "text_not_formula":
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and ("HYPERLINK" in c.value or c.value.startswith(("+86", "-折扣", "@张三"))):
                        assert c.data_type == "s", f"{ws.title}!{c.coordinate} became a formula: {c.value}"
        names = set(_frame(wb, "RFM")["客户名称"]) | set(_frame(wb, "客户分层")["客户名称"])
        assert names & {"+86 乙公司", "-折扣客户", "@张三的客户"}  # written back as the text it was
    elif kind == "no_vba":
        assert not _has_vba(path) and path.suffix == ".xlsx"
    elif kind != "no_crash":
        raise AssertionError(f"unknown check {check}")


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_input(case, tmp_path):
    path = tmp_path / case["file"]
    shutil.copy(BAD / case["file"], path)
    before_bytes = path.read_bytes()
    opens = _opens(path)
    before = _inputs(path) if opens else None
    vba = _has_vba(path) if opens else None

    result = CliRunner().invoke(main, ["refresh", str(path), "--as-of", "2024-06-30"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if case["expect"] == "error":
        assert result.exit_code == 2, result.output
        for m in case["messages"]:
            assert m in result.output, f"{m!r} missing from:\n{result.output}"
        assert re.search(r"[一-龥]", result.output) and re.search(r"[A-Za-z]{4}", result.output)  # zh and en
        assert path.read_bytes() == before_bytes  # untouched
        return
    assert result.exit_code == 0, result.output
    loaded = {"wb": openpyxl.load_workbook(path)}  # the refreshed file opens, every part parsed (and is checked)
    assert _inputs(path) == before, "an input cell changed during refresh"
    assert _has_vba(path) == vba
    for check in case["checks"]:
        _check(check, path, result.output, loaded)

    # the in-place buttons, through the same functions the ribbon and CLI call
    book = engine.open_book(path)
    actions.flag(book)
    actions.clear_flags(book)
    actions.clean(book)
    actions.undo_clean(book)
    book.save()
    assert _inputs(path) == before, "an input cell is not back after flag/clear/clean/undo"
    assert _has_vba(path) == vba
