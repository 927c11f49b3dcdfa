"""Command line: ``salesbook new | demo | import | refresh``.

Each command opens the file, calls one function of :mod:`salesbook.actions` (the same ones
the ribbon calls), saves atomically with a backup, and turns library errors into one clear
bilingual message and a non-zero exit code — never a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from . import __version__, actions, messages, schema, words
from .errors import SalesbookError, WorkbookError

console = Console(stderr=True, soft_wrap=True)  # a message is never broken mid-sentence (CI logs, pipes)
out = Console(soft_wrap=True)


def _lang_option(f: Callable) -> Callable:
    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                        help="Sheet names and headers in Chinese or English. / 工作表与表头语言。")(f)


def _switch_lang_option(f: Callable) -> Callable:
    return click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                        help="Switch the workbook to Chinese or English (default: keep its own language, "
                             "recorded in 参数 Settings). / 切换工作簿语言（默认沿用工作簿自身的语言）。")(f)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SalesbookError as e:
            console.print(f"[bold red]✗[/] {e.zh}\n  {e.en}", highlight=False)
            if ctx.params.get("debug") or os.environ.get("SALESBOOK_DEBUG"):
                raise
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="salesbook")
@click.option("--debug", is_flag=True, help="Show tracebacks. / 显示详细错误。")
def main(debug: bool) -> None:
    """salesbook — 销售分析 for Excel: clean, analyse and flag your sales workbook.

    The same analysis the ribbon runs inside Excel, from the command line.
    """


def _check_writable(path: Path) -> None:
    if not path.exists():
        raise WorkbookError("not_found", path=str(path))
    if not os.access(path, os.W_OK):
        from .excel.saving import real_path

        folder = real_path(path).parent
        if not os.access(folder, os.W_OK):  # a read-only filesystem: root included
            raise WorkbookError("folder_read_only", path=str(folder))
        raise WorkbookError("read_only", path=str(path))


def _hold_lock(path: Path) -> None:
    """Hold the workbook's lock until this command ends (see :mod:`salesbook.excel.lock`).

    Taken before the file is read and released after it is saved, so two commands on one file
    run one after the other and neither loses the other's work. Excel's ``~$`` owner file or
    LibreOffice's lock file beside the workbook fails at once ("locked").
    """
    from .excel.lock import workbook_lock

    click.get_current_context().with_resource(workbook_lock(path))


OTHER_FORMATS = {".xls": "Excel 97–2003 (.xls)", ".xlsb": "Excel binary (.xlsb)", ".ods": "OpenDocument (.ods)",
                 ".csv": "CSV", ".txt": "text", ".numbers": "Numbers", ".et": "WPS (.et)"}


def _check_format(path: Path) -> None:
    kind = OTHER_FORMATS.get(path.suffix.lower())
    if kind:
        raise WorkbookError("other_format", path=str(path), kind=kind)


def _open(path: Path):
    from .excel.engine import open_book

    _check_format(path)
    _check_writable(path)
    _hold_lock(path)
    return open_book(path)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_lang_option
@click.option("--force", is_flag=True, help="Overwrite an existing file. / 覆盖已有文件。")
def new(path: Path, lang: str, force: bool) -> None:
    """Create an empty tracker at PATH (.xlsm). / 新建空白销售跟踪表。"""
    _new_workbook(path, lang=lang, force=force)
    out.print(f"✓ {path}")


def _new_workbook(path: Path, *, lang: str, force: bool = True) -> None:
    """Copy the shipped template to ``path`` (an .xlsm) under the workbook's lock."""
    from .excel.saving import os_error
    from .excel.template import new_workbook

    if path.suffix.lower() != ".xlsm":
        raise WorkbookError("needs_xlsm", path=str(path), suggestion=str(path.with_suffix(".xlsm")))
    if not path.parent.exists():
        raise WorkbookError("folder_missing", path=str(path.parent))
    _hold_lock(path)
    if path.exists() and not force:
        raise WorkbookError("exists", path=str(path))
    try:
        new_workbook(path, lang=lang)
    except OSError as e:
        raise (os_error(e, path) or e) from e


def _progress_run(label: str, fn: Callable[[Callable[[str], None]], object]):
    with console.status(label) as status:
        return fn(lambda msg: status.update(f"{label} · {msg}"))


def _refresh_and_save(path: Path, *, lang: str | None, as_of: dt.date | None) -> actions.RefreshSummary:
    book = _open(path)
    summary = _progress_run("刷新分析 Refreshing", lambda say: actions.refresh(book, lang=lang, as_of=as_of,
                                                                            progress=say))
    _progress_run("保存 Saving", lambda say: book.save())
    return summary


def _report(summary: actions.RefreshSummary, path: Path, lang: str) -> None:
    out.print(summary.message(lang))
    for line in summary.notice_lines(lang):
        out.print(f"  ⚠ {line}", highlight=False)
    out.print(f"✓ {path.resolve()}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Analyse as of this date (default: latest order). / 分析截止日。")
@_switch_lang_option
def refresh(path: Path, as_of: dt.datetime | None, lang: str | None) -> None:
    """Run every analysis on PATH and write the output sheets. / 刷新全部分析。"""
    summary = _refresh_and_save(path, lang=lang, as_of=as_of.date() if as_of else None)
    _report(summary, path, summary.lang)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=Path("SalesTracker-demo.xlsm"))
@_lang_option
@click.option("--customers", default=300, show_default=True, type=click.IntRange(min=20),
              help="Number of sample customers (at least 20). / 示例客户数（至少 20）。")
@click.option("--orders", "n_orders", default=4000, show_default=True, type=click.IntRange(min=100),
              help="Number of sample orders (at least 100). / 示例订单数（至少 100）。")
@click.option("--seed", default=7, show_default=True)
def demo(path: Path, lang: str, customers: int, n_orders: int, seed: int) -> None:
    """Build a tracker with realistic sample data and refresh it. / 生成示例数据并刷新。"""
    from . import demo as demo_data
    from .excel.engine import open_book
    from .excel.inputs import append_rows, write_setting

    _new_workbook(path, lang=lang)
    raw = demo_data.sample(customers, n_orders, seed=seed)
    book = open_book(path)
    for key, df in raw.items():
        append_rows(book, schema.SHEET_BY_KEY[key], df)
    write_setting(book, "acquisition_costs", demo_data.ACQUISITION_COSTS)
    summary = _progress_run("刷新分析 Refreshing", lambda say: actions.refresh(book, lang=lang, progress=say,
                                                                            today=dt.date(2026, 11, 24)))
    book.save()
    _report(summary, path, lang)


def _book_action(path: Path, label: str, fn: Callable) -> object:
    book = _open(path)
    result = _progress_run(label, lambda say: fn(book))
    book.save()
    return result


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def clean(path: Path) -> None:
    """Write normalised values into the input sheets (undo with undo-clean). / 清洗数据。"""
    n = _book_action(path, "清洗数据 Cleaning", actions.clean)
    out.print(f"✓ 已规范 {n} 个单元格 / {n} cells normalised — 撤销: salesbook undo-clean {path}")


@main.command(name="undo-clean")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def undo_clean(path: Path) -> None:
    """Restore the cells clean changed. / 撤销清洗。"""
    restored, kept = _book_action(path, "撤销清洗 Undoing", actions.undo_clean)
    out.print(f"✓ 已恢复 {restored} 个单元格 / {restored} cells restored")
    if kept:
        out.print(f"  ⚠ {kept} 个单元格在清洗后被修改过，保留了您的修改 / edited since clean: kept")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def flag(path: Path) -> None:
    """Paint alerts on the source cells with a note that says why. / 标记异常。"""
    n = _book_action(path, "标记异常 Flagging", actions.flag)
    out.print(f"✓ 已标记 {n} 个单元格 / {n} cells flagged")


@main.command(name="clear-flags")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def clear_flags(path: Path) -> None:
    """Remove only the fills and notes salesbook made. / 清除标记。"""
    n = _book_action(path, "清除标记 Clearing", actions.clear_flags)
    out.print(f"✓ 已清除 {n} 个标记 / {n} flags cleared")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also print the report, dashboard and meeting pack to this PDF. / 同时输出 PDF。")
@_switch_lang_option
def report(path: Path, pdf: Path | None, lang: str | None) -> None:
    """Rebuild the customer-analysis report, dashboard and meeting pack. / 生成分析报告。"""
    pdf_out = _pdf_target(path, pdf) if pdf else None
    book = _open(path)
    with _pdf_writer(pdf_out) as pdf_tmp:
        summary = _progress_run("生成报告 Report", lambda say: actions.report(book, lang=lang, progress=say,
                                                                           pdf=pdf_tmp))
    book.save()
    out.print(summary.message(summary.lang))
    if pdf_out:
        out.print(f"✓ PDF: {pdf_out}")
    out.print(f"✓ {path.resolve()}")


def _pdf_target(workbook: Path, pdf: Path) -> Path:
    """Where ``--pdf`` writes (symlinks resolved): never over the workbook or its backup."""
    from .excel.saving import backup_path, real_path

    target = real_path(pdf)
    book = real_path(workbook)
    for p in (book, backup_path(book)):
        same = os.path.normcase(str(p)) == os.path.normcase(str(target))
        if not same and p.exists() and target.exists():
            same = os.path.samefile(p, target)  # a hard link, or a case-insensitive filesystem
        if same:
            raise WorkbookError("pdf_is_workbook", path=str(pdf))
    return target


@contextlib.contextmanager
def _pdf_writer(target: Path | None):
    """Print to a temporary name beside ``target``, renamed over it once the PDF is complete.

    A missing folder is created; a read-only folder or a full disk is one bilingual error, and
    an existing PDF of that name stays as it was.
    """
    if target is None:
        yield None
        return
    from .excel.saving import os_error

    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.pdf")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(target.parent, os.W_OK):  # also false for root on a read-only filesystem
            raise WorkbookError("folder_read_only", path=str(target.parent))
        yield str(tmp)
        if not tmp.exists():
            raise WorkbookError("no_pdf", detail="no output")
        os.replace(tmp, target)
    except OSError as e:
        raise (os_error(e, target) or e) from e
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
def doctor(path: Path | None) -> None:
    """Check what Excel needs for the ribbon and UDFs, and say how to fix it. / 检查 Excel 运行环境。"""
    from . import doctor as doc

    marks = {doc.OK: "[green]✓[/]", doc.WARN: "[yellow]⚠[/]", doc.FAIL: "[red]✗[/]", doc.NA: "·"}
    checks = doc.run(path)
    for c in checks:
        out.print(f"{marks[c.status]} {c.zh}\n    {c.en}", highlight=False)
        if c.fix_zh:
            out.print(f"    → {c.fix_zh}\n      {c.fix_en}", highlight=False)
    failed = [c for c in checks if c.status == doc.FAIL]
    if failed:
        sys.exit(1)


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_ID_WORDS = {"orders": ("订单编号相同", "same order ID"), "customers": ("客户编号相同", "same customer ID"),
             "leads": ("线索编号相同", "same lead ID")}


@main.command(name="import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--orders", type=_FILE, help="Orders export (.csv/.xlsx/.xls).")
@click.option("--targets", type=_FILE, help="Targets export, long or wide (one column per month).")
@click.option("--customers", type=_FILE, help="Customers export.")
@click.option("--followups", type=_FILE, help="Follow-ups export (customer ID or name).")
@click.option("--leads", type=_FILE, help="Leads / opportunities export.")
@click.option("--replace", is_flag=True, help="Replace the whole table instead of appending. / 整表替换而不是追加。")
def import_(path: Path, orders, targets, customers, followups, leads, replace: bool) -> None:
    """Load CRM/ERP exports into the input sheets, mapping headers by alias. / 导入 CRM 导出数据。

    Every file is read and checked before the workbook is touched: one without a required column is
    refused (exit 2) with the headers it has and the closest known name. Rows the sheet already holds
    (same ID, or the same row when there is no ID) are skipped and counted; --replace reloads."""
    from .importing import load

    files = {"orders": orders, "targets": targets, "customers": customers, "followups": followups, "leads": leads}
    if not any(files.values()):
        raise click.UsageError("give at least one of --orders/--targets/--customers/--followups/--leads")
    loaded = [load(schema.SHEET_BY_KEY[key], file) for key, file in files.items() if file]
    book = _open(path)
    for d in actions.import_files(book, loaded, replace=replace):
        imp, done, skipped = d.imported, d.written, d.skipped
        for note in imp.notes:
            out.print(f"  · {' / '.join(messages.text(note, lang) for lang in words.LANGS)}", highlight=False)
        verb = "替换为 replaced by" if replace else ""
        out.print(f"✓ {imp.path.name} → 「{done['sheet']}」 {verb} {done['rows']} 行 rows "
                  f"(from row {done['first_row']})", highlight=False)
        if skipped:
            why = _ID_WORDS[imp.spec.key] if d.skipped_by_id else ("整行相同", "identical row")
            out.print(f"  ⚠ {skipped} 行已在表中（{why[0]}），已跳过；用 --replace 整表重新导入 / "
                      f"{skipped} rows already in the sheet ({why[1]}) skipped; --replace reloads the table",
                      highlight=False)
        for h in imp.unknown:
            out.print(f"  ⚠ 未识别的列 unknown column「{h}」: 已原样保留在表格右侧 / kept as-is at the right",
                      highlight=False)
        for h, k in imp.duplicates:
            out.print(f"  ⚠ 重复的列 duplicate column「{h}」({k}): 已原样保留，分析用前一列 / kept as-is, not analysed",
                      highlight=False)
        if imp.unused:
            out.print(f"  · 已保留、不参与分析的列 kept, not analysed: {'、'.join(imp.unused)}", highlight=False)
    book.save()
    out.print(f"✓ {path.resolve()}")


if __name__ == "__main__":  # pragma: no cover
    main()
