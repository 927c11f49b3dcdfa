"""The ribbon buttons of the 销售分析 Sales tab: one short function each.

Each is called by a VBA callback (``workbook/vba/SalesbookRibbon.bas``) through RunPython:
caller book → the same action the CLI runs → a one-line result in the status bar. Any error
becomes one message box in the workbook's language with what to fix, never a traceback.

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

from . import actions
from .errors import SalesbookError

TITLE = "salesbook · 销售分析"


def _run(action: Callable[[xw.Book, str], str]) -> str | None:
    book = xw.Book.caller()
    lang = actions.book_lang(book)
    try:
        message = action(book, lang)
    except SalesbookError as e:
        book.app.status_bar = False
        book.app.alert(e.message(lang), title=TITLE, mode="critical")
        return None
    except Exception as e:  # the user sees one sentence; the details go to the console for support
        traceback.print_exc()
        book.app.status_bar = False
        text = (f"出错了：{type(e).__name__}: {e}\n请把这条信息发给管理员。" if lang == "zh"
                else f"Something went wrong: {type(e).__name__}: {e}\nPlease send this message to your admin.")
        book.app.alert(text, title=TITLE, mode="critical")
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
        pdf = path.with_name(path.stem + (" 分析报告.pdf" if lang == "zh" else " report.pdf"))
        summary = actions.report(book, lang=lang, pdf=str(pdf))
        return summary.message(lang) + ("\nPDF: " if lang != "zh" else "\n已生成 PDF：") + str(pdf)
    return _run(go)


def clean() -> str | None:
    """清洗数据 Clean data: normalised values into the input sheets (undoable)."""
    def go(book, lang):
        n = actions.clean(book)
        return f"已规范 {n} 个单元格，可用「撤销清洗」恢复" if lang == "zh" else f"{n} cells normalised (Undo clean restores)"
    return _run(go)


def undo_clean() -> str | None:
    """撤销清洗 Undo clean: restore what Clean data changed."""
    def go(book, lang):
        restored, kept = actions.undo_clean(book)
        if lang == "zh":
            return f"已恢复 {restored} 个单元格" + (f"；{kept} 个清洗后被修改过，保留了您的修改" if kept else "")
        return f"{restored} cells restored" + (f"; {kept} edited since Clean were kept" if kept else "")
    return _run(go)


def flag() -> str | None:
    """标记异常 Flag anomalies: fill + note on the source cells."""
    return _run(lambda book, lang: (f"已标记 {actions.flag(book)} 个单元格" if lang == "zh"
                                    else f"{actions.flag(book)} cells flagged"))


def clear_flags() -> str | None:
    """清除标记 Clear flags: only what salesbook painted."""
    return _run(lambda book, lang: (f"已清除 {actions.clear_flags(book)} 个标记" if lang == "zh"
                                    else f"{actions.clear_flags(book)} flags cleared"))
