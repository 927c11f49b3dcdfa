"""Property test: whatever users type and whatever buttons they press, nothing they made is lost.

Random small workbooks (valid and dirty values, user colours and notes on input cells, notes in
user-owned output columns) go through random sequences of refresh / flag / clear flags / clean /
undo clean / user edits. A model tracks what every input cell must hold: unchanged, except Clean
data's documented changes (listed in its undo record), which Undo reverts unless the user edited
the cell since. After every step every input value matches the model; whenever no flags are
painted, every input cell's fill and note are exactly the user's.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesbook import actions, schema
from salesbook.excel import cleanwrite, engine, flags, io, store

TODAY = dt.date(2026, 11, 24)
INPUTS = ("订单明细", "销售目标", "客户档案", "跟进记录")
ORDER_COLS = 12
ORDER_KEYS = ["order_id", "order_date", "customer_id", "customer_name", "salesperson", "region", "product_line",
              "channel", "amount", "status"]

dates = st.one_of(
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 11, 20)).map(lambda d: dt.datetime(d.year, d.month, d.day)),
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 11, 20)).map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 11, 20)).map(lambda d: d.strftime("%Y/%m/%d")),
    st.sampled_from(["上周五", "", None, "2099-01-01"]),
)
amounts = st.one_of(st.floats(0, 5e6, allow_nan=False).map(lambda v: round(v, 2)),
                    st.integers(-500, 900000), st.sampled_from(["¥1,234.50", "1.2万", "(300)", "abc", None]))
statuses = st.sampled_from(["已成交", "已签约", "已回款", "已取消", "成交", "作废", "待定", None])
customers = st.sampled_from(["C1", "C2", "C3", " C4 ", "Ｃ５", None])
texts = st.sampled_from(["张伟", "李娜", " 王芳 ", "=cmd|' /C calc'!A0", "+86 138", "-", "@sum", "华东", None])
order_rows = st.lists(st.tuples(st.sampled_from(["O1", "O2", "O3", None]).map(lambda v: v) | st.text(
    alphabet="ABC123", min_size=1, max_size=4), dates, customers, texts, texts, texts, st.sampled_from(
    ["A产品", "B产品", None]), texts, amounts, statuses), min_size=1, max_size=25)
colours = st.sampled_from([(0, 176, 80), (255, 255, 0), (112, 48, 160)])
ops = st.lists(st.sampled_from(["refresh", "flag", "clear", "clean", "undo", "edit", "annotate", "import"]), min_size=1,
               max_size=7)


def input_cells(book):
    """Every non-empty cell of the input sheets, read through the engine (values as Excel gives them)."""
    out = {}
    for name in INPUTS:
        if name not in io.sheet_names(book):
            continue
        values = book.sheets[name].used_range.options(ndim=2).value or []
        for i, row in enumerate(values, start=1):
            for j, v in enumerate(row, start=1):
                if v is not None:
                    out[(name, i, j)] = v
    return out


def styles(book, keys):
    out = {}
    for name, r, c in keys:
        rng = book.sheets[name].range((r, c))
        note = rng.note
        out[(name, r, c)] = (rng.color, note.text if note is not None else None)
    return out


@pytest.fixture(scope="module")
def blank(tmp_path_factory, template):
    return template


@settings(max_examples=int(os.environ.get("SALESBOOK_PROPERTY_EXAMPLES", 15)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@pytest.mark.slow
@given(rows=order_rows, ops_=ops, data=st.data())
def test_no_user_cell_is_ever_lost(blank, tmp_path_factory, rows, ops_, data):
    path = tmp_path_factory.mktemp("prop") / "随机.xlsm"
    shutil.copy(blank, path)
    book = engine.open_book(path)
    orders = book.sheets["订单明细"]
    orders.range("A2").value = [list(r) + [None] * (ORDER_COLS - len(r)) for r in rows]
    book.sheets["销售目标"].range("A2").value = [["2026-11", "张伟", None, None, 100000]]
    # user formatting on some input cells
    styled = data.draw(st.lists(st.tuples(st.integers(2, len(rows) + 1), st.integers(1, 10)), max_size=5,
                                unique=True))
    for r, c in styled:
        orders.range((r, c)).color = data.draw(colours)
        if data.draw(st.booleans()):
            orders.range((r, c)).add_note("用户备注")
    expected = input_cells(book)
    user_style = styles(book, [("订单明细", r, c) for r in range(1, len(rows) + 2) for c in range(1, 11)])
    cleaned: list[tuple[tuple, object, object]] = []  # (cell, old, new) from Clean, newest last
    annotations: dict[str, str] = {}

    for op in ops_:
        try:
            if op == "refresh":
                actions.refresh(book, today=TODAY)
            elif op == "flag":
                actions.flag(book, today=TODAY)
            elif op == "clear":
                actions.clear_flags(book)
            elif op == "clean":
                prev = input_cells(book)
                actions.clean(book, today=TODAY)
                new_records = store.read(book, cleanwrite.UNDO, cleanwrite.UNDO_HEADER)[len(cleaned):]
                for sheet, row, col, _before, _after, new, _rule in new_records:  # what this Clean changed
                    cell = (sheet, int(row), int(col))
                    cleaned.append((cell, prev.get(cell), new))
                    expected[cell] = book.sheets[sheet].range((int(row), int(col))).value
            elif op == "undo":
                actions.undo_clean(book)
                for cell, old, new in reversed(cleaned):
                    current_model = expected.get(cell)
                    if current_model is not None and cleanwrite._same(current_model, new):
                        if old is None:
                            expected.pop(cell, None)
                        else:
                            expected[cell] = old
                cleaned.clear()
            elif op == "edit":
                r = data.draw(st.integers(2, len(rows) + 1))
                c = data.draw(st.integers(1, 10))
                v = data.draw(st.sampled_from(["用户改的", 123.0, "2025/1/1"]))
                orders.range((r, c)).value = v
                expected[("订单明细", r, c)] = orders.range((r, c)).value
            elif op == "import":  # rows from a CRM export, appended the way `salesbook import` does
                extra = data.draw(order_rows)
                frame = pd.DataFrame([list(r) for r in extra], columns=ORDER_KEYS[:len(extra[0])])
                done = io.append_rows(book, schema.SHEET_BY_KEY["orders"], frame)
                for i, r in enumerate(extra):
                    for j, v in enumerate(r):
                        got = orders.range((done["first_row"] + i, j + 1)).value
                        if isinstance(v, str) and v.strip():
                            assert got == v, (v, got)  # text stays exactly as exported
                        if got is not None:
                            expected[("订单明细", done["first_row"] + i, j + 1)] = got
            elif op == "annotate" and "问题与策略" in io.sheet_names(book):
                values = book.sheets["问题与策略"].used_range.options(ndim=2).value
                if len(values) > 2 and values[2][0]:
                    header = values[1]
                    key = values[2][header.index("问题编号")]
                    book.sheets["问题与策略"].range((3, header.index("进展") + 1)).value = "用户写的进展"
                    annotations[key] = "用户写的进展"
        except Exception as e:  # a structural error is allowed (e.g. all rows unreadable), a crash is not
            from salesbook.errors import SalesbookError

            assert isinstance(e, SalesbookError), f"{op} crashed: {e!r}"
        assert input_cells(book) == expected, f"after {op}"
        if flags.registry(book).empty:
            assert styles(book, list(user_style)) == user_style, f"after {op}"
        if annotations and op == "refresh":
            values = book.sheets["问题与策略"].used_range.options(ndim=2).value
            flat = {str(v) for row in values for v in row if v is not None}
            assert all(v in flat for v in annotations.values())
