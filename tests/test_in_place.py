"""Flags and Clean data work in the user's own sheets without losing anything the user made."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from salesbook import actions
from salesbook.excel import engine, flags

INPUTS = ("订单明细", "销售目标", "客户档案", "跟进记录", "线索", "参数", "策略库")


@pytest.fixture
def path(small_book, tmp_path):
    p = tmp_path / "标记.xlsm"
    shutil.copy(small_book, p)
    return p


def cells(path, sheets=INPUTS):
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): (c.value, c.number_format, c.fill.fgColor.rgb if c.fill.fill_type else None,
                                       c.comment.text if c.comment else None)
            for ws in wb.worksheets if ws.title in sheets for row in ws.iter_rows() for c in row}


def slip_cell(book):
    """The demo's 元/万元 slip: the amount cell flagged as unit_slip."""
    _, result = actions.analyse(book)
    a = result.frames.alerts
    row = int(a[a["rule"] == "unit_slip"].iloc[0]["row"])
    col = [c.value for c in openpyxl.load_workbook(book.fullname)["订单明细"][1]].index("金额") + 1
    return row, col


def test_flag_paints_the_source_cell_with_a_note_that_says_why(path):
    book = engine.open_book(path)
    row, col = slip_cell(book)
    n = actions.flag(book)
    assert n > 0
    rng = book.sheets["订单明细"].range((row, col))
    assert rng.color == flags.COLORS["high"]
    text = rng.note.text
    assert "疑似 元/万元 混用" in text and ("倍" in text or "1/" in text) and "建议" in text


def test_adjacent_flags_are_painted_as_ranges(path):
    book = engine.open_book(path)
    calls = engine.calls(book)
    actions.flag(book)
    reg = flags.registry(book)
    assert calls["range.color"] < len(reg)  # fewer fill calls than painted cells


def test_user_colours_and_notes_survive_flag_and_clear(path):
    book = engine.open_book(path)
    row, col = slip_cell(book)
    sheet = book.sheets["订单明细"]
    sheet.range((row, col)).color = (0, 176, 80)
    sheet.range((row, col)).add_note("客户确认过这笔大单")
    sheet.range((2, 1)).color = (255, 255, 0)  # a colour on a cell salesbook never flags
    book.save()
    before = cells(path)
    book = engine.open_book(path)
    actions.flag(book)
    note = book.sheets["订单明细"].range((row, col)).note.text
    assert note.startswith("客户确认过这笔大单") and flags.MARK in note
    actions.clear_flags(book)
    book.save()
    assert cells(path) == before


def test_a_colour_the_user_sets_after_flagging_stays(path):
    book = engine.open_book(path)
    row, col = slip_cell(book)
    actions.flag(book)
    book.sheets["订单明细"].range((row, col)).color = (0, 112, 192)
    actions.clear_flags(book)
    assert book.sheets["订单明细"].range((row, col)).color == (0, 112, 192)


def test_flagging_twice_does_not_stack(path):
    book = engine.open_book(path)
    actions.flag(book)
    n = len(flags.registry(book))
    actions.flag(book)
    assert len(flags.registry(book)) == n
    row, col = slip_cell(book)
    assert book.sheets["订单明细"].range((row, col)).note.text.count(flags.MARK) == 1


def test_clean_then_undo_restores_every_value_and_format(path):
    before = cells(path)
    book = engine.open_book(path)
    n = actions.clean(book)
    book.save()
    cleaned = cells(path)
    changed = {k for k in before if cleaned.get(k) != before[k]}
    assert n >= 5 and len(changed) >= 5
    texts = [before[k][0] for k in changed]
    assert any(isinstance(t, str) and t.startswith("¥") for t in texts)  # ¥1,234.00 became a number
    assert any(isinstance(t, str) and "年" in t for t in texts)  # 2024年3月5日 became a date
    book = engine.open_book(path)
    restored, kept = actions.undo_clean(book)
    book.save()
    assert (restored, kept) == (n, 0)
    assert cells(path) == before


def test_undo_keeps_what_the_user_edited_after_clean(path):
    book = engine.open_book(path)
    actions.clean(book)
    reg = book.sheets["_salesbook_undo"].used_range.options(ndim=2).value
    sheet, row, col = reg[1][0], int(reg[1][1]), int(reg[1][2])
    book.sheets[sheet].range((row, col)).value = "用户后来改的"
    restored, kept = actions.undo_clean(book)
    assert kept == 1
    assert book.sheets[sheet].range((row, col)).value == "用户后来改的"


def test_refresh_and_flags_never_change_an_input_value(path):
    before = {k: v[0] for k, v in cells(path).items()}
    book = engine.open_book(path)
    actions.refresh(book)
    actions.flag(book)
    actions.refresh(book)
    book.save()
    assert {k: v[0] for k, v in cells(path).items()} == before


def _table(book, sheet_name, header_row=2):
    values = book.sheets[sheet_name].used_range.options(ndim=2).value
    header = values[header_row - 1]
    return header, values


def test_user_columns_survive_refresh_and_orphans_are_archived(path):
    book = engine.open_book(path)
    header, values = _table(book, "问题与策略")
    key_col, status_col, why_col = header.index("问题编号"), header.index("状态"), header.index("5Why")
    first_key = values[2][key_col]
    book.sheets["问题与策略"].range((3, status_col + 1)).value = "进行中"
    book.sheets["问题与策略"].range((3, why_col + 1)).value = "客户预算冻结→项目延期"
    # a row whose key will not come back: typed into a fake problem row
    n = len([r for r in values[2:] if r[key_col]])
    book.sheets["问题与策略"].range((3 + n, key_col + 1)).value = "completion_low|2020-01 已离职员工"
    book.sheets["问题与策略"].range((3 + n, status_col + 1)).value = "已完成"
    plan_header, plan = _table(book, "维护计划")
    book.sheets["维护计划"].range((3, plan_header.index("维护内容") + 1)).value = "已上门拜访，确认续约"
    plan_id = plan[2][plan_header.index("客户编号")]
    actions.refresh(book)
    actions.refresh(book)  # twice: nothing typed is lost, nothing duplicated
    header, values = _table(book, "问题与策略")
    rows = {r[key_col]: r for r in values[2:] if r[key_col]}
    assert rows[first_key][status_col] == "进行中"
    assert rows[first_key][why_col] == "客户预算冻结→项目延期"
    flat = [c for r in values for c in r]
    assert flat.count("completion_low|2020-01 已离职员工") == 1
    archive_at = next(i for i, r in enumerate(values) if r[0] and str(r[0]).startswith("已归档"))
    archive_header, archived = values[archive_at + 1], values[archive_at + 2]
    assert archived[archive_header.index("问题编号")] == "completion_low|2020-01 已离职员工"
    assert archived[archive_header.index("状态")] == "已完成"
    plan_header, plan = _table(book, "维护计划")
    match = [r for r in plan[2:] if r[plan_header.index("客户编号")] == plan_id]
    assert match[0][plan_header.index("维护内容")] == "已上门拜访，确认续约"


def test_an_acknowledged_alert_is_no_longer_painted(path):
    book = engine.open_book(path)
    row, col = slip_cell(book)
    header, values = _table(book, "异常预警")
    key_col, dec_col = header.index("预警编号"), header.index("处理结果")
    r = next(i for i, v in enumerate(values) if v[key_col] and str(v[key_col]).startswith("unit_slip|"))
    book.sheets["异常预警"].range((r + 1, dec_col + 1)).value = "已核实"
    actions.flag(book)
    assert book.sheets["订单明细"].range((row, col)).color is None
    actions.refresh(book)  # the decision survives a refresh
    header, values = _table(book, "异常预警")
    r = next(i for i, v in enumerate(values) if v[key_col] and str(v[key_col]).startswith("unit_slip|"))
    assert values[r][dec_col] == "已核实"


def test_the_change_log_records_tier_moves_and_alerts_and_nothing_when_nothing_changed(path):
    book = engine.open_book(path)
    log = "变更记录"

    def rows():
        return [r for r in book.sheets[log].used_range.options(ndim=2).value[1:] if r[0]]

    actions.refresh(book)  # the demo was refreshed by the CLI already: compares with that
    n = len(rows())
    actions.refresh(book)
    assert len(rows()) == n  # nothing changed, nothing appended
    # a big new order for a small customer moves it up
    orders = book.sheets["订单明细"]
    tiers = book.sheets["客户分层"].used_range.options(ndim=2).value
    small = next(r for r in tiers[2:] if r[2] == "普通")
    last = orders.used_range.last_cell.row
    orders.range((last + 1, 1)).value = [["NEW-1", tiers and book.sheets["仪表盘"].range("B2").value, small[0], small[1],
                                          "张伟", "华东", "A产品", "展会", 900000, "已成交"]]
    actions.refresh(book)
    new = rows()[n:]
    kinds = {r[2] for r in new}
    assert "客户层级" in kinds
    moved = next(r for r in new if r[2] == "客户层级")
    assert moved[3].startswith(small[0]) and moved[4] == "普通" and moved[5] in ("核心", "VIP")


def test_the_live_excel_path_of_flag_and_clear_restores_colours_and_notes(path, monkeypatch):
    """In Excel a cell's state is what the object model reads back (formula, format, colour, note
    text). That path runs here too, on the file engine, by hiding the engine's exact snapshots."""
    from salesbook.excel import cellstate

    monkeypatch.setattr(cellstate, "_file_range", lambda rng: None)
    book = engine.open_book(path)
    row, col = slip_cell(book)
    sheet = book.sheets["订单明细"]
    sheet.range((row, col)).color = (0, 176, 80)
    sheet.range((row, col)).add_note("客户确认过这笔大单")
    before = {(r, c): (sheet.range((r, c)).value, sheet.range((r, c)).color,
                       sheet.range((r, c)).note.text if sheet.range((r, c)).note else None)
              for r in range(row - 1, row + 2) for c in range(1, 13)}
    n = actions.flag(book)
    assert n > 0 and sheet.range((row, col)).color == flags.COLORS["high"]
    assert flags.MARK in sheet.range((row, col)).note.text
    state = flags.registry(book)["before"].iloc[0]
    assert '"formula"' in state  # the object-model state, not cell XML
    actions.clear_flags(book)
    after = {(r, c): (sheet.range((r, c)).value, sheet.range((r, c)).color,
                      sheet.range((r, c)).note.text if sheet.range((r, c)).note else None)
             for r in range(row - 1, row + 2) for c in range(1, 13)}
    assert after == before


def test_the_live_excel_path_of_clean_and_undo_puts_values_and_formats_back(path, monkeypatch):
    from salesbook.excel import cellstate

    monkeypatch.setattr(cellstate, "_file_range", lambda rng: None)
    book = engine.open_book(path)

    def state():
        out = {}
        for name in ("订单明细", "客户档案", "跟进记录"):
            values = book.sheets[name].used_range.options(ndim=2).value
            for i, row in enumerate(values, start=1):
                for j, v in enumerate(row, start=1):
                    if v is not None:
                        out[(name, i, j)] = (v, book.sheets[name].range((i, j)).number_format)
        return out

    before = state()
    n = actions.clean(book)
    assert n >= 5 and state() != before
    restored, kept = actions.undo_clean(book)
    assert (restored, kept) == (n, 0)
    assert state() == before
