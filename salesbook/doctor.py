"""``salesbook doctor``: what a Windows or Mac user needs for the ribbon and the UDFs, and how to fix it.

Each check says, in every language (the ``[doctor]`` words), what it found and what to do. It runs anywhere: on
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

from . import words

OK, WARN, FAIL, NA = "ok", "warn", "fail", "n/a"
VERSION_PROPERTY = "salesbook.xlwings"
RIBBON_PART = "customUI/customUI14.xml"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report: a status (ok, warn, fail, n/a), what was found (``found``) and how to
    fix it (``fix``, empty when nothing is to do) — keys of the ``[doctor]`` words — and the values they name."""

    name: str
    status: str
    found: str
    fix: str = ""
    values: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str) -> str:
        """What was found, in ``lang``."""
        return _say(lang, self.found, self.values)

    def fix_text(self, lang: str) -> str:
        """How to fix it, in ``lang`` ("" when nothing is to do)."""
        return _say(lang, self.fix, self.values) if self.fix else ""


def _say(lang: str, key: str, values: tuple[tuple[str, object], ...]) -> str:
    return str(words.word(lang, "doctor", key)).format(**dict(values))


def _check(name: str, status: str, found: str, fix: str = "", /, **values: object) -> Check:
    return Check(name, status, found, fix, tuple(values.items()))


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
        checks.append(_check("excel", NA, "no_excel"))
    return checks


def _python() -> Check:
    v = sys.version_info
    ok = v >= (3, 10)
    return _check("python", OK if ok else FAIL, "python", "" if ok else "python_fix",
                  version=f"{v.major}.{v.minor}.{v.micro}")


def _xlwings() -> Check:
    return _check("xlwings", OK, "xlwings", version=xlwings.__version__)


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
        return [_check("workbook", FAIL, "not_found", name=name)], {}
    if path.suffix.lower() != ".xlsm":
        return [_check("workbook", FAIL, "not_xlsm", "not_xlsm_fix", name=name)], {}
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return [_check("workbook", FAIL, "not_workbook", name=name)], {}
    with z:
        names = set(z.namelist())
    out = []
    has_vba, has_ribbon = "xl/vbaProject.bin" in names, RIBBON_PART in names
    out.append(_check("vba", OK, "vba_ok") if has_vba else _check("vba", FAIL, "vba_missing", "vba_fix"))
    out.append(_check("ribbon", OK, "ribbon_ok") if has_ribbon else
               _check("ribbon", FAIL, "ribbon_missing", "ribbon_fix"))
    version = workbook_xlwings_version(path) if has_vba else None
    if version is None:
        out.append(_check("vba_version", WARN, "vba_version_unknown", "vba_version_unknown_fix"))
    elif version == xlwings.__version__:
        out.append(_check("vba_version", OK, "vba_version_same", version=version))
    else:
        out.append(_check("vba_version", FAIL, "vba_version_other", "vba_version_fix", version=version,
                          installed=xlwings.__version__))
    conf = _conf(path)
    ok = "salesbook.udfs" in str(conf.get("UDF Modules") or "")
    out.append(_check("udf_modules", OK, "udf_ok") if ok else
               _check("udf_modules", WARN, "udf_missing", "udf_fix"))
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
    # the same words in every line: 未设置，使用 PATH 上的 python / not set: python on PATH
    unset = " / ".join(str(words.word(lang, "doctor", "interpreter_unset")) for lang in words.LANGS)
    where = f"{key} = {configured}" if configured else f"{key} {unset}"
    if not exe or not Path(exe).exists():
        return _check("interpreter", FAIL, "no_interpreter", "no_interpreter_fix", where=where, key=key)
    try:
        probe = subprocess.run([exe, "-c", "import salesbook, xlwings; print(xlwings.__version__)"],
                               capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return _check("interpreter", FAIL, "cannot_run", exe=exe, error=e)
    if probe.returncode != 0:
        return _check("interpreter", FAIL, "cannot_import", "cannot_import_fix", exe=exe, key=key)
    version = probe.stdout.strip()
    same = version == xlwings.__version__
    return _check("interpreter", OK if same else FAIL, "interpreter_ok", "" if same else "interpreter_fix",
                  exe=exe, version=version, installed=xlwings.__version__)


def _dll(conf: dict[str, object]) -> Check:
    version = xlwings.__version__
    folders = {Path(sys.prefix), Path(sys.executable).parent, Path(xlwings.__file__).parent}
    found = [f for f in folders for bits in ("64", "32") if (f / f"xlwings{bits}-{version}.dll").exists()]
    if found:
        return _check("dll", OK, "dll_ok", version=version)
    return _check("dll", FAIL, "dll_missing", "dll_fix", version=version)


def _mark_of_the_web(path: Path) -> Check:
    blocked = False
    try:
        with open(f"{path}:Zone.Identifier", encoding="utf-8", errors="replace") as fh:
            blocked = re.search(r"ZoneId\s*=\s*[34]\b", fh.read()) is not None
    except OSError:
        pass
    if blocked:
        return _check("blocked", FAIL, "blocked", "blocked_fix")
    return _check("blocked", OK, "not_blocked")


def _applescript() -> Check:
    version = xlwings.__version__
    target = Path.home() / "Library/Application Scripts/com.microsoft.Excel" / f"xlwings-{version}.applescript"
    if target.exists():
        return _check("applescript", OK, "applescript_ok")
    return _check("applescript", FAIL, "applescript_missing", "applescript_fix", target=target)
