"""The part-level xlwings engine: the real xw.Book API on a real .xlsm file."""

from __future__ import annotations

import datetime as dt
import zipfile

import pandas as pd
import pytest
import xlwings as xw

from salesbook.excel import engine, saving


@pytest.fixture
def book(tmp_path, template):
    path = tmp_path / "读写 测试.xlsm"
    path.write_bytes(template.read_bytes())
    return engine.open_book(path)


def test_values_round_trip_through_xlwings_conversion_and_a_save(book):
    sheet = book.sheets["订单明细"]
    df = pd.DataFrame({"a": [1.5, 2.0], "b": ["甲", "乙"], "c": [dt.datetime(2024, 1, 5), None]})
    sheet.range("A2").options(index=False).value = df
    book.save()
    again = engine.open_book(book.fullname)
    got = again.sheets["订单明细"].range("A2").options(pd.DataFrame, index=False, expand="table").value
    assert got["a"].tolist() == [1.5, 2.0]
    assert got["b"].tolist() == ["甲", "乙"]
    assert got["c"].iloc[0] == pd.Timestamp("2024-01-05")
    assert isinstance(again.impl, engine.FileBook)


def test_numbers_read_as_floats_like_excel(book):
    sheet = book.sheets["订单明细"]
    sheet.range("B5").value = 7
    assert sheet.range("B5").value == 7.0 and isinstance(sheet.range("B5").value, float)


def test_expand_end_resize_offset(book):
    s = book.sheets["销售目标"]
    s.range("A10").value = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert s.range("A10").expand().address == "$A$10:$C$12"
    assert s.range("A10").end("down").address == "$A$12"
    assert s.range("A10").end("right").address == "$C$10"
    assert s.range("A10").resize(2, 2).value == [[1.0, 2.0], [4.0, 5.0]]
    assert s.range("A10").offset(1, 1).value == 5.0


def test_colour_and_note_round_trip_after_save(book):
    r = book.sheets["订单明细"].range("C3:D4")
    r.color = (255, 199, 206)
    assert book.sheets["订单明细"].range("C3").note is None
    book.sheets["订单明细"].range("C3").add_note("金额异常：请核对")
    book.save()
    again = engine.open_book(book.fullname)
    assert again.sheets["订单明细"].range("D4").color == (255, 199, 206)
    assert again.sheets["订单明细"].range("C3").note.text == "金额异常：请核对"
    assert again.sheets["订单明细"].range("E3").color is None


def test_text_that_looks_like_a_formula_is_written_as_text(book):
    s = book.sheets["订单明细"]
    s.range("A20").value = "'=HYPERLINK(\"x\")"
    book.save()
    again = engine.open_book(book.fullname)
    assert again.sheets["订单明细"].range("A20").value == '=HYPERLINK("x")'
    with zipfile.ZipFile(book.fullname) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_vba_project_and_ribbon_relationship_survive_every_save(book, template):
    with zipfile.ZipFile(template) as z:
        vba = z.read("xl/vbaProject.bin")
    for _ in range(2):
        book.sheets["订单明细"].range("A2").value = "x"
        book.save()
        with zipfile.ZipFile(book.fullname) as z:
            assert z.read("xl/vbaProject.bin") == vba
            assert saving.RIBBON_PART in z.namelist()
        assert saving.has_ribbon_relationship(book.fullname)


def test_save_keeps_a_backup_of_the_previous_version(book):
    before = open(book.fullname, "rb").read()
    book.sheets["订单明细"].range("A2").value = "changed"
    book.save()
    backup = saving.backup_path(engine.open_book(book.fullname).impl.path)
    assert backup.read_bytes() == before


def test_range_calls_are_counted(book):
    calls = engine.calls(book)
    n = sum(calls.values())
    book.sheets["订单明细"].range("A2").value = [[1, 2], [3, 4]]
    assert sum(calls.values()) == n + 1
    assert calls["range.write"] >= 1


def test_sheets_add_and_lookup_by_chinese_name(book):
    new = book.sheets.add(name="新表 一", after=book.sheets["订单明细"])
    assert book.sheets["新表 一"] == new
    assert [s.name for s in book.sheets][1] == "新表 一"
    assert isinstance(book, xw.Book)
