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
    """Base of every error salesbook raises on purpose; ``zh`` and ``en`` hold the message the user sees."""

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
    "folder_read_only": (
        "无法在文件夹中写入（只读或无权限）：{path}。原文件未被改动；请换一个文件夹，或取得写入权限后重试。",
        "Cannot write in the folder (read-only or no permission): {path}. Nothing was changed; "
        "choose another folder or get write permission and try again.",
    ),
    "disk_full": (
        "磁盘空间不足，无法写入 {path}。原文件及其备份均未被改动；请腾出空间后重试。",
        "The disk is full: could not write {path}. The existing file and its backup are unchanged; "
        "free some space and try again.",
    ),
    "write_failed": (
        "无法写入 {path}：{detail}。原文件未被改动。",
        "Could not write {path}: {detail}. The existing file is unchanged.",
    ),
    "busy": (
        "另一个 salesbook 命令正在处理此文件：{path}。已等待 {seconds} 秒；请等它完成后重试"
        "（可用环境变量 SALESBOOK_LOCK_TIMEOUT 设置等待秒数）。",
        "Another salesbook command is working on this file: {path}. Waited {seconds} s; try again when it "
        "has finished (SALESBOOK_LOCK_TIMEOUT sets how many seconds to wait).",
    ),
    "pdf_is_workbook": (
        "PDF 不能写到工作簿本身或它的备份上：{path}。请另选一个文件名。",
        "The PDF cannot be written over the workbook or its backup: {path}. Choose another file name.",
    ),
    "exists": ("文件已存在：{path}（使用 --force 覆盖）", "File exists: {path} (use --force to overwrite)"),
    "other_format": (
        "无法直接分析 {path}：{kind} 格式不能保存功能区和分析结果。请在 Excel 中另存为 .xlsm，"
        "或新建一个跟踪表（salesbook new）后用 salesbook import 导入其中的数据。",
        "Cannot analyse {path} in place: the {kind} format cannot hold the ribbon and the analysis. Save it as "
        ".xlsm in Excel, or create a tracker (salesbook new) and load its data with salesbook import.",
    ),
    "needs_xlsm": (
        "新建的跟踪表必须是 .xlsm（带宏的工作簿，功能区按钮需要宏）：{path}。例如：{suggestion}",
        "A new tracker must be an .xlsm (macro-enabled: the ribbon buttons need macros): {path}. "
        "For example: {suggestion}",
    ),
    "no_pdf": (
        "没有 Excel 时需要 LibreOffice 才能生成 PDF：{detail}",
        "Making a PDF without Excel needs LibreOffice: {detail}",
    ),
    "bad_import": ("无法读取导入文件 {path}：{detail}", "Cannot read import file {path}: {detail}"),
    # hostile or broken packages (salesbook.excel.guard); the file is never changed
    "too_large": (
        "无法打开 {path}：部件 {part} 解压后有 {size}，超过上限 {limit}。真实的工作簿不会这么大，"
        "文件可能已损坏或是恶意构造的；文件未被改动。",
        "Cannot open {path}: part {part} expands to {size}, over the limit of {limit}. No real workbook "
        "is this large; the file may be damaged or malicious. It was not changed.",
    ),
    "too_large_total": (
        "无法打开 {path}：全部部件解压后共 {size}，超过上限 {limit}。文件可能已损坏或是恶意构造的；文件未被改动。",
        "Cannot open {path}: its parts expand to {size} in total, over the limit of {limit}. The file may "
        "be damaged or malicious. It was not changed.",
    ),
    "zip_bomb": (
        "无法打开 {path}：部件 {part} 从 {packed} 解压为 {size}（压缩比 {ratio}:1，上限 {limit}:1），"
        "这是“压缩炸弹”的特征，真实的工作簿不会如此；文件未被改动。",
        "Cannot open {path}: part {part} expands from {packed} to {size} (ratio {ratio}:1, limit {limit}:1), "
        "the mark of a zip bomb, not of a real workbook. It was not changed.",
    ),
    "size_mismatch": (
        "无法打开 {path}：部件 {part} 解压后比其声明的 {declared} 更大，文件已损坏或被篡改；文件未被改动。",
        "Cannot open {path}: part {part} expands to more than its declared {declared}; the file is damaged "
        "or was tampered with. It was not changed.",
    ),
    "too_many_parts": (
        "无法打开 {path}：文件包含 {count} 个部件，超过上限 {limit}。文件可能已损坏或是恶意构造的；文件未被改动。",
        "Cannot open {path}: it holds {count} parts, over the limit of {limit}. The file may be damaged or "
        "malicious. It was not changed.",
    ),
    "duplicate_part": (
        "无法打开 {path}：部件 {part} 在文件中出现了不止一次，文件已损坏或被篡改；文件未被改动。",
        "Cannot open {path}: part {part} appears more than once; the file is damaged or was tampered with. "
        "It was not changed.",
    ),
    "encrypted_part": (
        "无法打开 {path}：部件 {part} 是加密的。请在 Excel 中取消密码保护后重试；文件未被改动。",
        "Cannot open {path}: part {part} is encrypted. Remove the password protection in Excel and try "
        "again. The file was not changed.",
    ),
    "unsafe_xml": (
        "无法打开 {path}：部件 {part} 含有 DTD 或实体声明（真实的 Excel 文件从不包含），可能是恶意文件；文件未被改动。",
        "Cannot open {path}: part {part} declares a DTD or entities, which no real Excel file does; it may "
        "be malicious. It was not changed.",
    ),
}


class WorkbookError(SalesbookError):
    """The workbook file cannot be used as asked (missing, locked, not a workbook, read-only…);
    ``code`` names the case."""

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
    """The input sheets cannot be analysed; ``problems`` lists every structural problem at once (sheet, row, column)."""

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
    """A value on the 参数 Settings sheet is invalid; the message names the key, the value and the sheet row."""

    def __init__(self, key: str, value: object, row: int | None, zh: str, en: str) -> None:
        where_zh = f"参数表第 {row} 行 " if row else "参数 "
        where_en = f"Settings sheet row {row}, " if row else "setting "
        self.key = key
        self.zh = f"{where_zh}「{key}」的值 {value!r} 无效：{zh}"
        self.en = f"{where_en}'{key}' = {value!r} is invalid: {en}"
        super().__init__(self.en)
