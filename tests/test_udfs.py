"""The worksheet functions, called as Excel would call them: with the calling cell of a real workbook."""

from __future__ import annotations

import datetime as dt
import inspect
import shutil
from types import SimpleNamespace

import openpyxl
import pytest

from salesbook import actions, lookup, udfs, vocab
from salesbook.excel import engine, vba


@pytest.fixture
def book(small_book, tmp_path):
    path = tmp_path / "公式.xlsm"
    shutil.copy(small_book, path)
    lookup._CACHE.clear()
    return engine.open_book(path)


def caller(book):
    return book.sheets["订单明细"].range("Z1")


def expected(book):
    wb = openpyxl.load_workbook(book.fullname)
    rfm = list(wb["RFM"].values)
    header = rfm[1]
    row = rfm[2]
    tiers = {r[0]: r[2] for r in list(wb["客户分层"].values)[2:]}
    return dict(zip(header, row, strict=False)), tiers


def test_every_udf_has_a_docstring_for_the_function_wizard():
    names = vba.udf_names()
    assert sorted(names) == ["COMPLETION_RATE", "CUSTOMER_TIER", "GROWTH", "RFM_SCORE", "RFM_SEGMENT", "RFM_TIER"]
    for n in names:
        doc = inspect.getdoc(getattr(udfs, n))
        assert doc and len(doc) > 20


def test_lookups_return_the_last_analysis(book):
    row, tiers = expected(book)
    cid = row["客户编号"]
    assert udfs.RFM_SCORE(cid, caller=caller(book)) == row["RFM得分"]
    assert udfs.RFM_TIER(cid, caller=caller(book)) == row["客户分层"]
    assert udfs.CUSTOMER_TIER(cid, caller=caller(book)) == tiers[cid]
    english = udfs.RFM_TIER(cid, "en", caller=caller(book))
    assert english == vocab.label("segment", vocab.parse("segment", row["客户分层"]), "en")
    assert english in ("High value", "Churn risk", "Potential", "Low value", "Lapsed high value", "Lapsed")
    assert udfs.CUSTOMER_TIER(cid, "en", caller=caller(book)) == vocab.label("tier", vocab.parse("tier", tiers[cid]), "en")


def test_ranges_spill_in_the_same_shape(book):
    row, tiers = expected(book)
    ids = list(tiers)[:3]
    out = udfs.CUSTOMER_TIER([[i] for i in ids], caller=caller(book))
    assert out == [[tiers[i]] for i in ids]
    assert udfs.COMPLETION_RATE([45.2, 85000], [40, 100000]) == [pytest.approx(1.13), pytest.approx(0.85)]


def test_unknown_ids_and_bad_arguments_return_readable_text(book):
    assert udfs.CUSTOMER_TIER("NOPE", caller=caller(book)) == "#未知客户"
    assert udfs.CUSTOMER_TIER("NOPE", "en", caller=caller(book)) == "#unknown id"
    assert udfs.CUSTOMER_TIER(None, caller=caller(book)) == ""
    assert udfs.RFM_SEGMENT(6, 1, 1) == "#分数应为1-5"
    assert udfs.COMPLETION_RATE(10, 0) == "#无目标"
    assert udfs.COMPLETION_RATE("abc", 10) == "#不是数字"


def test_pure_udfs():
    assert udfs.RFM_SEGMENT(5, 5, 5) == "高价值客户"
    assert udfs.RFM_SEGMENT(1, 3, 1, "en") == "Churn risk"
    # without lang: the words of the workbook the formula is in (its sheet names say which)
    in_book = lambda *names: SimpleNamespace(sheet=SimpleNamespace(book=SimpleNamespace(  # noqa: E731
        sheets=[SimpleNamespace(name=n) for n in names])))
    assert udfs.RFM_SEGMENT(1, 3, 1, caller=in_book("Orders", "RFM")) == "Churn risk"
    assert udfs.RFM_SEGMENT(1, 3, 1, caller=in_book("订单明细", "RFM")) == "流失风险客户"
    assert udfs.COMPLETION_RATE(220.5, 200) == pytest.approx(1.1025)
    assert udfs.GROWTH(120, 100) == pytest.approx(0.2)
    assert udfs.GROWTH(120, 0) == "新增" and udfs.GROWTH(120, None, "en") == "New"


def test_a_workbook_never_refreshed_asks_for_a_refresh(template, tmp_path):
    path = tmp_path / "空.xlsm"
    shutil.copy(template, path)
    book = engine.open_book(path)
    assert udfs.CUSTOMER_TIER("C0001", caller=book.sheets[0].range("A1")) == "#请先刷新分析"


def test_after_the_first_call_each_lookup_is_one_range_read(book):
    row, _ = expected(book)
    c = caller(book)
    udfs.RFM_SCORE(row["客户编号"], caller=c)
    calls = engine.calls(book)
    before = sum(calls.values())
    for _ in range(100):
        udfs.RFM_SCORE(row["客户编号"], caller=c)
    assert sum(calls.values()) - before == 100  # only the refresh stamp, never the RFM sheet again


def test_a_refresh_invalidates_the_cache(book):
    def codes():
        return {r[0]: r[9] for r in list(openpyxl.load_workbook(book.fullname)["RFM"].values)[2:]}

    old = codes()
    for cid in old:
        assert udfs.RFM_SCORE(cid, caller=caller(book)) == old[cid]  # cache filled
    settings = book.sheets["参数"]
    values = settings.used_range.options(ndim=2).value
    r = next(i for i, v in enumerate(values, start=1) if v[0] == "rfm_method")
    settings.range((r, 2)).value = "fixed"  # a different scoring: codes change
    actions.refresh(book, now=dt.datetime(2030, 1, 1, 9, 0))
    book.save()
    new = codes()
    changed = [cid for cid in new if new[cid] != old.get(cid)]
    assert changed, "the scoring change should change some codes"
    for cid in changed:
        assert udfs.RFM_SCORE(cid, caller=caller(book)) == new[cid]


def _full_width(text: str) -> str:
    """ASCII letters and digits as their full-width forms (U+FF01…), as an IME types them."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_a_full_width_id_finds_its_customer(book):
    row, tiers = expected(book)
    cid = str(row["客户编号"])
    typed = "\u3000" + _full_width(cid) + " "
    assert typed.strip() != cid  # really typed differently
    assert udfs.CUSTOMER_TIER(typed, caller=caller(book)) == tiers[cid]
    assert udfs.RFM_SCORE(typed, caller=caller(book)) == row["RFM得分"]
