"""``salesbook doctor``: what a Windows or Mac user needs for the ribbon and the UDFs, and how to fix it.

Each check says, in Chinese and English, what it found and what to do. It runs anywhere: on
Linux the Excel-only checks are reported as not applicable, and the headless commands still work.

What the ribbon needs (xlwings' standalone workbook, SPEC §5):
* the workbook: an ``.xlsm`` with its VBA project, the ribbon part, and the ``xlwings`` VBA module of
  exactly the installed xlwings version (recorded at build time in the custom document property
  ``salesbook.xlwings``; read from the VBA itself when pyOpenVBA is installed);
* ``xlwings.conf``: the interpreter for this platform (``Interpreter_Win``/``Interpreter_Mac``, default
  ``python`` on PATH) that can ``import salesbook`` with the same xlwings, and ``UDF Modules`` =
  ``salesbook.udfs``;
* Windows: xlwings' DLL beside that Python, and a workbook not blocked as downloaded from the internet
  (Mark of the Web: Excel then disables its macros); macOS: xlwings' AppleScript file installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import xlwings

OK, WARN, FAIL, NA = "ok", "warn", "fail", "n/a"
VERSION_PROPERTY = "salesbook.xlwings"
RIBBON_PART = "customUI/customUI14.xml"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report: a status (ok, warn, fail, n/a), what was found and how to fix it, in Chinese and English."""

    name: str
    status: str
    zh: str
    en: str
    fix_zh: str = ""
    fix_en: str = ""


def run(path: Path | None = None, *, platform: str = sys.platform) -> list[Check]:
    """Every check, for the workbook at ``path`` if given, as this machine (``platform``) sees it."""
    checks = [_python(), _xlwings()]
    conf: dict[str, object] = {}
    if path is not None:
        book_checks, conf = _workbook(path)
        checks += book_checks
    if platform.startswith("win"):
        checks += [_interpreter(conf, platform), _dll(conf)]
        if path is not None:
            checks.append(_mark_of_the_web(path))
    elif platform == "darwin":
        checks += [_interpreter(conf, platform), _applescript()]
    else:
        checks.append(Check("excel", NA, "此系统没有 Excel：功能区与 UDF 不可用；salesbook refresh 等命令可用。",
                            "No Excel on this system: the ribbon and UDFs are unavailable; salesbook refresh "
                            "and the other commands work."))
    return checks


def _python() -> Check:
    v = sys.version_info
    ok = v >= (3, 10)
    return Check("python", OK if ok else FAIL, f"Python {v.major}.{v.minor}.{v.micro}", f"Python {v.major}.{v.minor}.{v.micro}",
                 "" if ok else "请安装 Python 3.10 或更新版本。", "" if ok else "Install Python 3.10 or newer.")


def _xlwings() -> Check:
    return Check("xlwings", OK, f"xlwings {xlwings.__version__}（salesbook 固定的版本）",
                 f"xlwings {xlwings.__version__} (the version salesbook pins)")


def workbook_xlwings_version(path: Path) -> str | None:
    """The xlwings version of the workbook's VBA module: from the VBA when pyOpenVBA is installed, else the
    version recorded at build time in the document's custom properties."""
    try:
        from .excel import vba

        source = vba.read_modules(path).get("xlwings", "")
        m = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', source)
        if m:
            return m.group(1)
    except Exception:  # noqa: BLE001 — pyOpenVBA missing or the project unreadable: fall back to the property
        pass
    with zipfile.ZipFile(path) as z:
        if "docProps/custom.xml" not in z.namelist():
            return None
        text = z.read("docProps/custom.xml").decode("utf-8", "replace")
    m = re.search(rf'name="{re.escape(VERSION_PROPERTY)}"[^>]*>\s*<vt:lpwstr[^>]*>([^<]+)<', text)
    return m.group(1) if m else None


def _workbook(path: Path) -> tuple[list[Check], dict[str, object]]:
    name = str(path)
    if not path.exists():
        return [Check("workbook", FAIL, f"找不到文件：{name}", f"File not found: {name}")], {}
    if path.suffix.lower() != ".xlsm":
        return [Check("workbook", FAIL, f"{name} 不是 .xlsm：没有宏，功能区按钮无法运行。",
                      f"{name} is not an .xlsm: without macros the ribbon buttons cannot run.",
                      "用 salesbook new 新建跟踪表，再用 salesbook import 导入数据。",
                      "Create a tracker with salesbook new and load your data with salesbook import.")], {}
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return [Check("workbook", FAIL, f"{name} 不是有效的工作簿。", f"{name} is not a valid workbook.")], {}
    with z:
        names = set(z.namelist())
    out = []
    has_vba, has_ribbon = "xl/vbaProject.bin" in names, RIBBON_PART in names
    out.append(Check("vba", OK if has_vba else FAIL, "工作簿带有 VBA 项目。" if has_vba else "工作簿没有 VBA 项目。",
                     "The workbook has its VBA project." if has_vba else "The workbook has no VBA project.",
                     "" if has_vba else "用 salesbook new 新建跟踪表（带功能区和宏）。",
                     "" if has_vba else "Create a tracker with salesbook new (ribbon and macros included)."))
    out.append(Check("ribbon", OK if has_ribbon else FAIL,
                     "功能区「销售分析 Sales」已安装。" if has_ribbon else "工作簿没有「销售分析 Sales」功能区。",
                     "The 销售分析 Sales ribbon tab is installed." if has_ribbon else "The workbook has no Sales ribbon tab.",
                     "" if has_ribbon else "用 salesbook new 新建跟踪表。", "" if has_ribbon else "Create a tracker with salesbook new."))
    version = workbook_xlwings_version(path) if has_vba else None
    if version is None:
        out.append(Check("vba_version", WARN, "无法确定工作簿中 xlwings 宏模块的版本。",
                         "Could not tell the version of the workbook's xlwings VBA module.",
                         "若按钮报版本不符，请用 salesbook new 重建跟踪表。",
                         "If a button reports a version mismatch, rebuild the tracker with salesbook new."))
    else:
        same = version == xlwings.__version__
        out.append(Check("vba_version", OK if same else FAIL,
                         f"工作簿的 xlwings 宏模块版本 {version}" + ("，与已安装的一致。" if same else
                                                          f"，与已安装的 {xlwings.__version__} 不一致。"),
                         f"The workbook's xlwings VBA module is {version}" + (", as installed." if same else
                                                                           f"; {xlwings.__version__} is installed."),
                         "" if same else f"安装匹配的版本：pip install xlwings=={version}，或用 salesbook new 重建跟踪表。",
                         "" if same else f"Install the matching version (pip install xlwings=={version}) or rebuild "
                                         "the tracker with salesbook new."))
    conf = _conf(path)
    udfs = str(conf.get("UDF Modules") or "")
    ok = "salesbook.udfs" in udfs
    out.append(Check("udf_modules", OK if ok else WARN,
                     "xlwings.conf 的 UDF Modules 为 salesbook.udfs。" if ok else "xlwings.conf 未列出 salesbook.udfs：UDF 不可用。",
                     "xlwings.conf lists salesbook.udfs as UDF Modules." if ok else
                     "xlwings.conf does not list salesbook.udfs: the UDFs will not load.",
                     "" if ok else "在 xlwings.conf 工作表的 UDF Modules 一行填 salesbook.udfs。",
                     "" if ok else "Put salesbook.udfs in the UDF Modules row of the xlwings.conf sheet."))
    return out, conf


def _conf(path: Path) -> dict[str, object]:
    """The key/value rows of the workbook's ``xlwings.conf`` sheet (A = key, B = value)."""
    from .excel.engine import open_book

    book = open_book(path, read_only=True)
    names = [s.name for s in book.sheets]
    if "xlwings.conf" not in names:
        return {}
    rows = book.sheets["xlwings.conf"].range("A1:B20").value
    return {str(k): v for k, v in rows if k}


def _interpreter(conf: dict[str, object], platform: str) -> Check:
    key = "Interpreter_Win" if platform.startswith("win") else "Interpreter_Mac"
    configured = str(conf.get(key) or "").strip()
    command = configured or "python"
    exe = command if os.path.isabs(command) else shutil.which(command) or shutil.which("python3")
    where = f"{key} = {configured}" if configured else f"{key} 未设置，使用 PATH 上的 python / not set: python on PATH"
    if not exe or not Path(exe).exists():
        return Check("interpreter", FAIL, f"找不到 Python 解释器（{where}）。", f"No Python interpreter found ({where}).",
                     f"在 xlwings.conf 的 {key} 一行填 Python 的完整路径（已安装 salesbook 的那个）。",
                     f"Put the full path of the Python that has salesbook installed in the {key} row of xlwings.conf.")
    try:
        probe = subprocess.run([exe, "-c", "import salesbook, xlwings; print(xlwings.__version__)"],
                               capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Check("interpreter", FAIL, f"无法运行 {exe}：{e}", f"Cannot run {exe}: {e}")
    if probe.returncode != 0:
        return Check("interpreter", FAIL, f"{exe} 无法导入 salesbook。", f"{exe} cannot import salesbook.",
                     f"用这个 Python 安装：{exe} -m pip install salesbook，或在 {key} 填正确的解释器路径。",
                     f"Install it there ({exe} -m pip install salesbook) or set {key} to the right interpreter.")
    version = probe.stdout.strip()
    same = version == xlwings.__version__
    return Check("interpreter", OK if same else FAIL,
                 f"{exe} 可导入 salesbook（xlwings {version}）。", f"{exe} imports salesbook (xlwings {version}).",
                 "" if same else f"该解释器的 xlwings 版本应为 {xlwings.__version__}。",
                 "" if same else f"That interpreter's xlwings must be {xlwings.__version__}.")


def _dll(conf: dict[str, object]) -> Check:
    version = xlwings.__version__
    folders = {Path(sys.prefix), Path(sys.executable).parent, Path(xlwings.__file__).parent}
    found = [f for f in folders for bits in ("64", "32") if (f / f"xlwings{bits}-{version}.dll").exists()]
    return Check("dll", OK if found else FAIL,
                 f"找到 xlwings {version} 的 DLL。" if found else f"找不到 xlwings{version} 的 DLL（xlwings64-{version}.dll）。",
                 f"Found the xlwings {version} DLL." if found else f"The xlwings {version} DLL (xlwings64-{version}.dll) "
                                                               "is missing.",
                 "" if found else f"重新安装：pip install --force-reinstall xlwings=={version}",
                 "" if found else f"Reinstall it: pip install --force-reinstall xlwings=={version}")


def _mark_of_the_web(path: Path) -> Check:
    blocked = False
    try:
        with open(f"{path}:Zone.Identifier", encoding="utf-8", errors="replace") as fh:
            blocked = re.search(r"ZoneId\s*=\s*[34]\b", fh.read()) is not None
    except OSError:
        pass
    return Check("blocked", FAIL if blocked else OK,
                 "Windows 标记此文件来自互联网：Excel 会禁用其中的宏。" if blocked else "文件未被标记为来自互联网。",
                 "Windows marks this file as downloaded from the internet: Excel blocks its macros." if blocked
                 else "The file is not marked as downloaded from the internet.",
                 "右键文件 → 属性 → 勾选「解除锁定」→ 确定，然后重新打开。" if blocked else "",
                 "Right-click the file → Properties → tick Unblock → OK, then reopen it." if blocked else "")


def _applescript() -> Check:
    version = xlwings.__version__
    target = Path.home() / "Library/Application Scripts/com.microsoft.Excel" / f"xlwings-{version}.applescript"
    ok = target.exists()
    return Check("applescript", OK if ok else FAIL,
                 "已安装 xlwings 的 AppleScript。" if ok else f"缺少 {target}：Excel 无法调用 Python。",
                 "xlwings' AppleScript is installed." if ok else f"{target} is missing: Excel cannot call Python.",
                 "" if ok else "运行：xlwings runpython install", "" if ok else "Run: xlwings runpython install")
