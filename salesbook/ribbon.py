"""The ribbon buttons of the 销售分析 Sales tab: one short function each.

Each is called by a VBA callback (``workbook/vba/SalesbookRibbon.bas``) through RunPython:
caller book → the same action the CLI runs → a one-line result in the status bar. Any error
becomes one message box in the workbook's language with what to fix, never a traceback. The words
are the ``[ribbon]`` table of :mod:`salesbook.words`.

To run one from Python (debugging, tests)::

    book = salesbook.excel.engine.open_book("SalesTracker.xlsm")   # or xw.Book("…") on Windows
    book.set_mock_caller()
    salesbook.ribbon.refresh()
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

import xlwings as xw

from . import actions, words
from .errors import SalesbookError


def _say(lang: str, key: str, **values: object) -> str:
    """A ``[ribbon]`` sentence in ``lang``."""
    return str(words.word(lang, "ribbon", key)).format(**values)


def _run(action: Callable[[xw.Book, str], str]) -> str | None:
    book = xw.Book.caller()
    lang = actions.book_lang(book)
    title = _say(lang, "title")
    try:
        message = action(book, lang)
    except SalesbookError as e:
        book.app.status_bar = False
        book.app.alert(e.message(lang), title=title, mode="critical")
        return None
    except Exception as e:  # the user sees one sentence; the details go to the console for support
        traceback.print_exc()
        book.app.status_bar = False
        book.app.alert(_say(lang, "unexpected", error=f"{type(e).__name__}: {e}"), title=title, mode="critical")
        return None
    book.app.status_bar = f"salesbook: {message}"
    return message


def refresh() -> str | None:
    """刷新分析 Refresh analysis: every output sheet."""
    return _run(lambda book, lang: actions.refresh(book, lang=lang).message(lang))


def rfm_tiers() -> str | None:
    """RFM分层 RFM tiers: the RFM and 客户分层 sheets."""
    return _run(lambda book, lang: actions.refresh(book, lang=lang, only=actions.RFM_SHEETS).message(lang))


def fill_strategy() -> str | None:
    """填充策略表 Fill strategy tables: 维护计划 and 问题与策略 from the playbook."""
    return _run(lambda book, lang: actions.refresh(book, lang=lang, only=actions.STRATEGY_SHEETS).message(lang))


def report() -> str | None:
    """生成报告 Report: dashboard, 分析报告 and 例会材料, and a PDF of them beside the workbook."""
    def go(book, lang):
        path = Path(book.fullname)
        pdf = path.with_name(_say(lang, "pdf_name", stem=path.stem))
        summary = actions.report(book, lang=lang, pdf=str(pdf))
        return _say(lang, "pdf_done", summary=summary.message(lang), pdf=pdf)
    return _run(go)


def clean() -> str | None:
    """清洗数据 Clean data: normalised values into the input sheets (undoable)."""
    return _run(lambda book, lang: _say(lang, "cleaned", n=actions.clean(book)))


def undo_clean() -> str | None:
    """撤销清洗 Undo clean: restore what Clean data changed."""
    def go(book, lang):
        restored, kept = actions.undo_clean(book)
        return _say(lang, "restored", n=restored) + (_say(lang, "kept", n=kept) if kept else "")
    return _run(go)


def flag() -> str | None:
    """标记异常 Flag anomalies: fill + note on the source cells."""
    return _run(lambda book, lang: _say(lang, "flagged", n=actions.flag(book)))


def clear_flags() -> str | None:
    """清除标记 Clear flags: only what salesbook painted."""
    return _run(lambda book, lang: _say(lang, "cleared", n=actions.clear_flags(book)))
