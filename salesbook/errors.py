"""Errors that reach a user, each with a Chinese and an English message.

    SalesbookError              base: ``zh``, ``en``, ``str()`` gives both
     ├── WorkbookError          the file: missing, not a workbook, locked, read-only
     ├── SchemaError            the sheets: missing sheet or column, empty orders (lists every problem)
     └── SettingsError          a value in the 参数 Settings sheet that cannot be used

Row-level problems (a bad date in row 17) are *not* errors: they go to the cleaning log and
the run continues. Only problems that make a result impossible are raised.
"""

from __future__ import annotations

from dataclasses import dataclass


class SalesbookError(Exception):
    zh: str = "出错了"
    en: str = "Something went wrong"

    def message(self, lang: str = "both") -> str:
        if lang == "zh":
            return self.zh
        if lang == "en":
            return self.en
        return f"{self.zh}\n{self.en}"

    def __str__(self) -> str:
        return self.message("both")


_WORKBOOK_MESSAGES = {
    "not_found": ("找不到文件：{path}", "File not found: {path}"),
    "not_workbook": (
        "无法打开：{path} 不是有效的 Excel 工作簿（.xlsx/.xlsm）。",
        "Cannot open {path}: it is not a valid Excel workbook (.xlsx/.xlsm).",
    ),
    "locked": (
        "文件被占用或无权限写入：{path}。请在 Excel 中关闭它后重试。",
        "The file is locked or not writable: {path}. Close it in Excel and try again.",
    ),
    "read_only": (
        "文件是只读的：{path}。请取消只读属性，或另存为新文件。",
        "The file is read-only: {path}. Clear the read-only flag or save under a new name.",
    ),
    "folder_missing": ("文件夹不存在：{path}", "Folder does not exist: {path}"),
    "exists": ("文件已存在：{path}（使用 --force 覆盖）", "File exists: {path} (use --force to overwrite)"),
    "no_pdf": (
        "没有 Excel 时需要 LibreOffice 才能生成 PDF：{detail}",
        "Making a PDF without Excel needs LibreOffice: {detail}",
    ),
    "bad_import": ("无法读取导入文件 {path}：{detail}", "Cannot read import file {path}: {detail}"),
}


class WorkbookError(SalesbookError):
    def __init__(self, code: str, **ctx: str) -> None:
        self.code = code
        self.ctx = ctx
        zh, en = _WORKBOOK_MESSAGES[code]
        self.zh = zh.format(**ctx)
        self.en = en.format(**ctx)
        super().__init__(self.en)


@dataclass(frozen=True)
class Problem:
    """One structural problem, located as precisely as possible."""

    sheet: str
    zh: str
    en: str
    column: str | None = None
    row: int | None = None

    def where(self, lang: str) -> str:
        parts = [f"工作表「{self.sheet}」" if lang == "zh" else f"sheet '{self.sheet}'"]
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if lang == "zh" else f"row {self.row}")
        if self.column:
            parts.append(f"列「{self.column}」" if lang == "zh" else f"column '{self.column}'")
        return (" " if lang == "zh" else ", ").join(parts)


class SchemaError(SalesbookError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.zh = "工作簿结构有问题，无法分析：\n" + "\n".join(
            f"  · {p.where('zh')}：{p.zh}" for p in problems
        )
        self.en = "The workbook cannot be analysed:\n" + "\n".join(
            f"  · {p.where('en')}: {p.en}" for p in problems
        )
        super().__init__(self.en)


class SettingsError(SalesbookError):
    def __init__(self, key: str, value: object, row: int | None, zh: str, en: str) -> None:
        where_zh = f"参数表第 {row} 行 " if row else "参数 "
        where_en = f"Settings sheet row {row}, " if row else "setting "
        self.key = key
        self.zh = f"{where_zh}「{key}」的值 {value!r} 无效：{zh}"
        self.en = f"{where_en}'{key}' = {value!r} is invalid: {en}"
        super().__init__(self.en)
