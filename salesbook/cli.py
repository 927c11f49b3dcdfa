"""Command line: ``salesbook new | demo | import | refresh``.

Each command opens the file, calls one function of :mod:`salesbook.actions` (the same ones
the ribbon calls), saves atomically with a backup, and turns library errors into one clear
bilingual message and a non-zero exit code — never a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pandas as pd
from rich.console import Console

from . import __version__, actions, schema
from .errors import SalesbookError, WorkbookError

console = Console(stderr=True)
out = Console()


def _lang_option(f: Callable) -> Callable:
    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                        help="Sheet names and headers in Chinese or English. / 工作表与表头语言。")(f)


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
        raise WorkbookError("read_only", path=str(path))
    lock = path.with_name("~$" + path.name)
    if lock.exists():  # Excel keeps this file while the workbook is open
        raise WorkbookError("locked", path=str(path))


def _open(path: Path):
    from .excel.engine import open_book

    _check_writable(path)
    return open_book(path)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_lang_option
@click.option("--force", is_flag=True, help="Overwrite an existing file. / 覆盖已有文件。")
def new(path: Path, lang: str, force: bool) -> None:
    """Create an empty tracker at PATH. / 新建空白销售跟踪表。"""
    from .excel.template import build_template

    if path.exists() and not force:
        raise WorkbookError("exists", path=str(path))
    build_template(path, lang=lang, deterministic=False)
    out.print(f"✓ {path}")


def _progress_run(label: str, fn: Callable[[Callable[[str], None]], object]):
    with console.status(label) as status:
        return fn(lambda msg: status.update(f"{label} · {msg}"))


def _refresh_and_save(path: Path, *, lang: str, as_of: dt.date | None) -> actions.RefreshSummary:
    book = _open(path)
    summary = _progress_run("刷新分析 Refreshing", lambda say: actions.refresh(book, lang=lang, as_of=as_of,
                                                                            progress=say))
    _progress_run("保存 Saving", lambda say: book.save())
    return summary


def _report(summary: actions.RefreshSummary, path: Path, lang: str) -> None:
    out.print(summary.message(lang))
    if summary.excluded_rows:
        out.print(f"  ⚠ {summary.excluded_rows} 行未计入分析 / rows left out — 见「{summary.sheets['cleaning_log']}」")
    out.print(f"✓ {path.resolve()}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Analyse as of this date (default: latest order). / 分析截止日。")
@_lang_option
def refresh(path: Path, as_of: dt.datetime | None, lang: str) -> None:
    """Run every analysis on PATH and write the output sheets. / 刷新全部分析。"""
    summary = _refresh_and_save(path, lang=lang, as_of=as_of.date() if as_of else None)
    _report(summary, path, lang)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=Path("SalesTracker-demo.xlsm"))
@_lang_option
@click.option("--customers", default=300, show_default=True, help="Number of sample customers.")
@click.option("--orders", "n_orders", default=4000, show_default=True, help="Number of sample orders.")
@click.option("--seed", default=7, show_default=True)
def demo(path: Path, lang: str, customers: int, n_orders: int, seed: int) -> None:
    """Build a tracker with realistic sample data and refresh it. / 生成示例数据并刷新。"""
    from . import demo as demo_data
    from .excel.engine import open_book
    from .excel.io import append_rows
    from .excel.template import build_template

    build_template(path, lang=lang, deterministic=False)
    raw = demo_data.sample(customers, n_orders, seed=seed)
    book = open_book(path)
    for key, df in raw.items():
        append_rows(book, schema.SHEET_BY_KEY[key], df)
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
@_lang_option
def report(path: Path, pdf: Path | None, lang: str) -> None:
    """Rebuild the customer-analysis report, dashboard and meeting pack. / 生成分析报告。"""
    book = _open(path)
    summary = _progress_run("生成报告 Report", lambda say: actions.report(book, lang=lang, progress=say,
                                                                       pdf=str(pdf.resolve()) if pdf else None))
    book.save()
    out.print(summary.message(lang))
    if pdf:
        out.print(f"✓ PDF: {pdf.resolve()}")
    out.print(f"✓ {path.resolve()}")


def _read_export(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    return pd.read_csv(path, dtype=object, encoding=enc, keep_default_na=False)
                except UnicodeDecodeError:
                    continue
            raise ValueError("unknown text encoding")
        return pd.read_excel(path, dtype=object, engine="openpyxl")
    except FileNotFoundError as e:
        raise WorkbookError("not_found", path=str(path)) from e
    except Exception as e:
        raise WorkbookError("bad_import", path=str(path), detail=str(e)) from e


def typed_import(spec: schema.SheetSpec, df: pd.DataFrame, units: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Numbers and dates in an export become numbers and dates in the sheet (in 元).

    Text that does not parse stays exactly as exported, so cleaning can flag it with its row.
    """
    from .core import parse

    df = df.copy()
    notes = []
    for col in spec.columns:
        if col.key not in df:
            continue
        if col.kind == "amount":
            factor = 1e4 if "万" in (units.get(col.key) or "") else 1.0
            df[col.key] = [raw if (v := parse.parse_amount(raw)) is None else v * factor for raw in df[col.key]]
            if factor != 1:
                notes.append(f"{col.zh}: 万元 → 元 (×10000)")
        elif col.kind == "date":
            df[col.key] = [raw if (v := parse.parse_date(raw)) is None else v for raw in df[col.key]]
    return df.replace({"": None}), notes


@main.command(name="import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--orders", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Orders CSV/XLSX.")
@click.option("--targets", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Targets CSV/XLSX.")
@click.option("--customers", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Customers CSV/XLSX.")
@click.option("--followups", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Follow-ups CSV/XLSX.")
@click.option("--replace", is_flag=True, help="Replace the sheet's rows instead of appending. / 替换而不是追加。")
def import_(path: Path, orders, targets, customers, followups, replace: bool) -> None:
    """Load CSV/XLSX exports into the input sheets, mapping headers by alias. / 导入 CRM 导出数据。"""
    from .excel.io import append_rows

    files = {"orders": orders, "targets": targets, "customers": customers, "followups": followups}
    if not any(files.values()):
        raise click.UsageError("give at least one of --orders/--targets/--customers/--followups")
    book = _open(path)
    for key, file in files.items():
        if not file:
            continue
        spec = schema.SHEET_BY_KEY[key]
        df = _read_export(file)
        match = schema.match_headers(spec, list(df.columns))
        renamed = df.rename(columns={df.columns[i]: k for i, k in match.mapping.items()})
        renamed, notes = typed_import(spec, renamed, match.units)
        done = append_rows(book, spec, renamed, replace=replace)
        for note in notes:
            out.print(f"  · {note}")
        out.print(f"✓ {file.name} → 「{done['sheet']}」 {done['rows']} 行 rows (from row {done['first_row']})")
        for _, h in match.unknown:
            out.print(f"  ⚠ 未识别的列 unknown column「{h}」: 已原样保留在表格右侧 / kept as-is at the right")
        for _, h, k in match.duplicates:
            out.print(f"  ⚠ 重复的列 duplicate column「{h}」({k}): 已原样保留 / kept as-is")
    book.save()
    out.print(f"✓ {path.resolve()}")


if __name__ == "__main__":  # pragma: no cover
    main()
