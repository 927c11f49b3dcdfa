"""The part-level file engine: what it reads, what it writes, and what it leaves alone (byte for byte)."""

from __future__ import annotations

import re
import zipfile

import pytest

from salesbook.excel import engine


@pytest.fixture
def book_path(tmp_path, template):
    path = tmp_path / "部件 引擎.xlsm"
    path.write_bytes(template.read_bytes())
    return path


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _raw(path) -> dict[str, tuple[int, int, bytes]]:
    """Each member's CRC, compressed size and compressed bytes: a raw copy keeps all three."""
    out = {}
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            n, e = int.from_bytes(data[i.header_offset + 26:i.header_offset + 28], "little"), \
                int.from_bytes(data[i.header_offset + 28:i.header_offset + 30], "little")
            start = i.header_offset + 30 + n + e
            out[i.filename] = (i.CRC, i.compress_size, data[start:start + i.compress_size])
    return out


def _sheet_part(path, name: str) -> str:
    parts = _parts(path)
    book = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet [^>]*name="{name}"[^>]*r:id="([^"]+)"', book).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")


def test_untouched_parts_are_copied_as_the_same_compressed_bytes(book_path):
    before = _raw(book_path)
    book = engine.open_book(book_path)
    book.sheets["销售目标"].range("A5").value = "2025-01"
    book.save()
    after = _raw(book_path)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed == {_sheet_part(book_path, "销售目标")}


def test_text_that_looks_like_a_formula_is_stored_as_text_never_as_a_formula(book_path):
    book = engine.open_book(book_path)
    sheet = book.sheets["订单明细"]
    sheet.range("D2").value = [["'=HYPERLINK(\"http://x\",\"click\")", "'+86 138", "'-abc", "'@home", "''t Hooft  "]]
    book.save()
    xml = _parts(book_path)[_sheet_part(book_path, "订单明细")]
    assert b"<f>" not in xml and b"<f " not in xml
    again = engine.open_book(book_path).sheets["订单明细"]
    assert again.range("D2:H2").value == ['=HYPERLINK("http://x","click")', "+86 138", "-abc", "@home", "'t Hooft  "]
    assert engine.calls(book)["text.unprotected"] == 0


def test_a_formula_keeps_its_saved_result_and_its_neighbours_can_be_written(book_path):
    """A formula's saved result is what reads give; writing next to it keeps <f> and <v> as they were."""
    with zipfile.ZipFile(book_path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    part = _sheet_part(book_path, "订单明细")
    xml = parts[part]
    cell = b'<row r="2"><c r="I2"><f>ROUND(12.345,2)</f><v>12.35</v></c></row>'
    xml = re.sub(rb"<sheetData\s*/>", b"<sheetData>" + cell + b"</sheetData>", xml) if b"<sheetData/>" in xml \
        else xml.replace(b"</sheetData>", cell + b"</sheetData>")
    parts[part] = xml
    with zipfile.ZipFile(book_path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)
    book = engine.open_book(book_path)
    sheet = book.sheets["订单明细"]
    assert sheet.range("I2").value == 12.35
    assert sheet.range("I2").formula == "=ROUND(12.345,2)"
    sheet.range("J2").value = 1
    sheet.range("I2").color = (255, 199, 206)
    book.save()
    saved = _parts(book_path)[part]
    assert re.search(rb'<c r="I2" s="\d+"><f>ROUND\(12.345,2\)</f><v>12.35</v></c>', saved), saved[-400:]


def test_existing_styles_are_never_renumbered_new_ones_are_appended_once(book_path):
    before = _parts(book_path)["xl/styles.xml"]
    count = int(re.search(rb'<cellXfs count="(\d+)"', before).group(1))
    for _ in range(2):
        book = engine.open_book(book_path)
        book.sheets["销售目标"].range("B3:B4").color = (1, 2, 3)
        book.save()
    after = _parts(book_path)["xl/styles.xml"]
    old_xfs = re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", before, re.S).group(1)
    new_xfs = re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", after, re.S).group(1)
    assert new_xfs.startswith(old_xfs)  # every old entry in place, byte for byte
    assert int(re.search(rb'<cellXfs count="(\d+)"', after).group(1)) == count + 1  # one new format, once


def test_a_note_added_and_removed_leaves_the_sheet_and_package_as_they_were(book_path):
    book = engine.open_book(book_path)
    book.sheets["订单明细"].range("C3").value = "x"
    book.save()
    before = _parts(book_path)
    book = engine.open_book(book_path)
    rng = book.sheets["订单明细"].range("C3")
    rng.add_note("第一行\n第二行 <&>")
    book.save()
    mid = _parts(book_path)
    assert any(n.startswith("xl/comments") for n in mid) and any(n.endswith(".vml") for n in mid)
    again = engine.open_book(book_path)
    assert again.sheets["订单明细"].range("C3").note.text == "第一行\n第二行 <&>"
    assert again.sheets["订单明细"].range("C3").note.impl.author == "salesbook"
    again.sheets["订单明细"].range("C3").note.delete()
    again.save()
    assert _parts(book_path) == before


def test_a_stray_value_far_away_reads_quickly_and_correctly(book_path):
    book = engine.open_book(book_path)
    book.sheets["订单明细"].range("XFD1048576").value = "远处"
    book.sheets["订单明细"].range("A2").value = "SO1"
    book.save()
    book = engine.open_book(book_path)
    sheet = book.sheets["订单明细"]
    assert sheet.used_range.address == "$A$1:$XFD$1048576"
    assert sheet.range("A2").value == "SO1" and sheet.range("XFD1048576").value == "远处"
    assert sheet.range("A1048576").end("up").row == 2
    assert sheet.range("XFD1").end("down").row == 1048576


def test_flag_clean_undo_clear_leave_the_whole_package_as_it_was_but_the_grown_style_table(small_book, tmp_path):
    from salesbook import actions

    path = tmp_path / "往返.xlsm"
    path.write_bytes(small_book.read_bytes())
    before = _parts(path)
    for step in (actions.flag, actions.clean, actions.undo_clean, actions.clear_flags):
        book = engine.open_book(path)
        step(book)
        book.save()
    after = _parts(path)
    assert set(after) == set(before)
    assert [n for n in before if before[n] != after[n]] in ([], ["xl/styles.xml"])
    styles_before = re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", before["xl/styles.xml"], re.S).group(1)
    assert re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", after["xl/styles.xml"], re.S).group(1).startswith(styles_before)


def test_a_sheet_written_with_a_namespace_prefix_is_read_and_edited_in_its_own_prefix(book_path):
    """Tools built on the Open XML SDK write <x:worksheet>, <x:row>, <x:c>: edits must keep that form."""
    with zipfile.ZipFile(book_path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    part = _sheet_part(book_path, "销售目标")
    x = parts[part].decode().replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                                     'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    x = re.sub(r"<(/?)(?!x:|\?)([A-Za-z]+)([ >/])", r"<\1x:\2\3", x)
    row = ('<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>2026-11</x:t></x:is></x:c>'
           '<x:c r="E2"><x:v>100000</x:v></x:c></x:row>')
    x = x.replace("</x:sheetData>", row + "</x:sheetData>") if "</x:sheetData>" in x else \
        x.replace("<x:sheetData/>", f"<x:sheetData>{row}</x:sheetData>")
    parts[part] = x.encode()
    with zipfile.ZipFile(book_path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)
    book = engine.open_book(book_path)
    sheet = book.sheets["销售目标"]
    assert sheet.range("A2:E2").value == ["2026-11", None, None, None, 100000.0]
    sheet.range("C3").value = "新"
    sheet.range("A2").add_note("核对")
    sheet.range("E2").color = (255, 0, 0)
    book.save()
    saved = _parts(book_path)[part]
    assert b'<x:row r="3"><x:c r="C3" t="inlineStr"><x:is><x:t>\xe6\x96\xb0</x:t></x:is></x:c></x:row>' in saved
    assert b"<x:legacyDrawing " in saved and b"<c " not in saved and b"<row " not in saved
    again = engine.open_book(book_path).sheets["销售目标"]
    assert again.range("C3").value == "新" and again.range("A2").note.text == "核对"
    assert again.range("E2").color == (255, 0, 0) and again.range("E2").value == 100000.0
