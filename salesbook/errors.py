"""Errors that reach a user, with a message in every language (the ``[error]`` tables of :mod:`salesbook.words`).

    SalesbookError              base: ``message(lang)`` renders one language; ``str()`` every language, one per line
     ├── WorkbookError          the file: missing, not a workbook, locked, read-only
     ├── SchemaError            the sheets: missing sheet or column, empty orders (lists every problem)
     └── SettingsError          a value in the 参数 Settings sheet that cannot be used

Row-level problems (a bad date in row 17) are *not* errors: they go to the cleaning log and
the run continues. Only problems that make a result impossible are raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import words


def _say(lang: str, *path: str, **values: object) -> str:
    return str(words.word(lang, "error", *path)).format(**values)


class SalesbookError(Exception):
    """Base of every error salesbook raises on purpose; :meth:`message` is what the user sees."""

    def message(self, lang: str) -> str:
        """The message in ``lang`` (a language without these words gets the Chinese ones)."""
        return _say(lang, "generic")

    def __str__(self) -> str:
        return "\n".join(self.message(lang) for lang in words.LANGS)


class WorkbookError(SalesbookError):
    """The workbook file cannot be used as asked (missing, locked, not a workbook, read-only…);
    ``code`` names the case (a key of ``[error.workbook]``), ``ctx`` the values its message names."""

    def __init__(self, code: str, **ctx: str) -> None:
        self.code = code
        self.ctx = ctx
        super().__init__(str(self))  # an unknown code is a KeyError here, at once

    def message(self, lang: str) -> str:
        """The message in ``lang``."""
        return _say(lang, "workbook", self.code, **self.ctx)


@dataclass(frozen=True)
class Problem:
    """One structural problem (``code``, a key of ``[error.problem]``), located as precisely as possible."""

    sheet: str
    code: str
    column: str | None = None
    row: int | None = None

    def text(self, lang: str) -> str:
        """What is wrong, in ``lang``."""
        return _say(lang, "problem", self.code)

    def where(self, lang: str) -> str:
        """Sheet, row and column in ``lang``: 工作表「订单明细」 第 1 行 … / sheet '订单明细', row 1, …"""
        parts = [_say(lang, "where_sheet", sheet=self.sheet)]
        if self.row is not None:
            parts.append(_say(lang, "where_row", row=self.row))
        if self.column:
            parts.append(_say(lang, "where_column", column=self.column))
        return _say(lang, "where_sep").join(parts)


class SchemaError(SalesbookError):
    """The input sheets cannot be analysed; ``problems`` lists every structural problem at once (sheet, row, column)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(str(self))

    def message(self, lang: str) -> str:
        """A heading, then one line per problem, in ``lang``."""
        lines = [_say(lang, "schema_line", where=p.where(lang), problem=p.text(lang)) for p in self.problems]
        return "\n".join([_say(lang, "schema"), *lines])


class SettingsError(SalesbookError):
    """A value on the 参数 Settings sheet is invalid; the message names the key, the value and the sheet row,
    and why (``reason``, a key of ``[setting.invalid]``, with the ``values`` it names)."""

    def __init__(self, key: str, value: object, row: int | None, reason: str, **values: object) -> None:
        self.key, self.value, self.row = key, value, row
        self.reason, self.values = reason, values
        super().__init__(str(self))

    def message(self, lang: str) -> str:
        """The message in ``lang``."""
        why = str(words.word(lang, "setting", "invalid", self.reason)).format(**self.values)
        return _say(lang, "setting_row" if self.row else "setting", row=self.row, key=self.key,
                    value=repr(self.value), reason=why)
