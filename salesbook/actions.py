"""What the ribbon buttons and the CLI commands do, on an ``xw.Book`` (live Excel or a file).

Each action reads the book, calls the pure core, writes the outputs and returns a short
summary. The ribbon passes ``xw.Book.caller()``; the CLI passes a book opened by
:func:`salesbook.excel.engine.open_book` and saves it afterwards. Same code either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import xlwings as xw

from .core import pipeline
from .excel import io


@dataclass(frozen=True)
class RefreshSummary:
    as_of: dt.date
    sheets: dict[str, str]
    orders: int
    excluded_rows: int
    alerts: int
    log_entries: int
    result: pipeline.Result

    def message(self, lang: str = "zh") -> str:
        if lang == "zh":
            return (f"分析完成（截至 {self.as_of:%Y-%m-%d}）：{self.orders} 笔订单参与分析，"
                    f"{self.excluded_rows} 行未计入（见清洗日志），{self.alerts} 条预警。")
        return (f"Analysis done (as of {self.as_of:%Y-%m-%d}): {self.orders} orders analysed, "
                f"{self.excluded_rows} rows left out (see the cleaning log), {self.alerts} alerts.")


def refresh(book: xw.Book, *, lang: str = "zh", as_of: dt.date | None = None, today: dt.date | None = None,
            now: dt.datetime | None = None, progress: Callable[[str], None] | None = None) -> RefreshSummary:
    """Run every analysis and rewrite the output sheets. Input sheets are only read."""
    def say(msg: str) -> None:
        book.app.status_bar = f"salesbook: {msg}"
        if progress:
            progress(msg)

    say("读取数据 reading")
    tables, settings = io.read_tables(book)
    if as_of is not None:
        settings = settings.replace(as_of=as_of)
    result = pipeline.run(tables, settings=settings, today=today or dt.date.today(), progress=say)
    say("写入结果 writing")
    written = io.write_results(book, result, lang=lang, now=now)
    book.app.status_bar = False
    return RefreshSummary(result.as_of, written, int(len(result.clean["orders"])), result.excluded_rows,
                          len(result.frames["alerts"]), len(result.log), result)
