"""Command line: ``salesbook new | demo | import | refresh``.

Each command opens the file, calls one function of :mod:`salesbook.actions` (the same ones
the ribbon calls), saves atomically with a backup, and turns library errors into one clear
message in every language and a non-zero exit code — never a traceback (``--debug`` shows one).
The words are the ``[cli]`` tables of :mod:`salesbook.words`, every language's shown together.
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
_HELP_ORDER = (*words.LANGS[1:], words.LANGS[0])  # help reads "English / 中文" (the first line is what lists show)


def _help(key: str) -> str:
    """An option's or command's help in every language: ``[cli.help]``."""
    return " / ".join(str(words.word(lang, "cli", "help", key)) for lang in _HELP_ORDER)


def _say(key: str, **values: object) -> str:
    """A ``[cli]`` message in every language, Chinese first: "已标记 3 个单元格 / 3 cells flagged"."""
    return " / ".join(str(words.word(lang, "cli", key)).format(**values) for lang in words.LANGS)


def _label(*path: str) -> str:
    """A short label in every language, side by side (刷新分析 Refreshing)."""
    return " ".join(str(words.word(lang, "cli", *path)) for lang in words.LANGS)


def _lang_option(f: Callable) -> Callable:
    return click.option("--lang", type=click.Choice(words.LANGS), default=words.REFERENCE, show_default=True,
                        help=_help("lang_new"))(f)


def _switch_lang_option(f: Callable) -> Callable:
    return click.option("--lang", type=click.Choice(words.LANGS), default=None, help=_help("lang_switch"))(f)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SalesbookError as e:
            said = "\n  ".join(e.message(lang) for lang in words.LANGS)
            console.print(f"[bold red]✗[/] {said}", highlight=False)
            if ctx.params.get("debug") or os.environ.get("SALESBOOK_DEBUG"):
                raise
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=f"salesbook — {_help('main')}\n\n{_help('main_more')}")
@click.version_option(__version__, prog_name="salesbook")
@click.option("--debug", is_flag=True, help=_help("debug"))
def main(debug: bool) -> None:
    """salesbook's command group: every command below; errors become one message and exit code 2."""


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


@main.command(help=_help("new"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@_lang_option
@click.option("--force", is_flag=True, help=_help("force"))
def new(path: Path, lang: str, force: bool) -> None:
    """Create an empty tracker at ``path`` (an .xlsm)."""
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
    summary = _progress_run(_label("progress", "refreshing"),
                            lambda say: actions.refresh(book, lang=lang, as_of=as_of, progress=say))
    _progress_run(_label("progress", "saving"), lambda say: book.save())
    return summary


def _report(summary: actions.RefreshSummary, path: Path, lang: str) -> None:
    out.print(summary.message(lang))
    for line in summary.notice_lines(lang):
        out.print(f"  ⚠ {line}", highlight=False)
    out.print(f"✓ {path.resolve()}")


@main.command(help=_help("refresh"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, help=_help("as_of"))
@_switch_lang_option
def refresh(path: Path, as_of: dt.datetime | None, lang: str | None) -> None:
    """Run every analysis on ``path`` and write the output sheets."""
    summary = _refresh_and_save(path, lang=lang, as_of=as_of.date() if as_of else None)
    _report(summary, path, summary.lang)


@main.command(help=_help("demo"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=Path("SalesTracker-demo.xlsm"))
@_lang_option
@click.option("--customers", default=300, show_default=True, type=click.IntRange(min=20), help=_help("customers"))
@click.option("--orders", "n_orders", default=4000, show_default=True, type=click.IntRange(min=100),
              help=_help("orders"))
@click.option("--seed", default=7, show_default=True)
def demo(path: Path, lang: str, customers: int, n_orders: int, seed: int) -> None:
    """Build a tracker with realistic sample data at ``path`` and refresh it."""
    from . import demo as demo_data
    from .excel.engine import open_book
    from .excel.inputs import append_rows, write_setting

    _new_workbook(path, lang=lang)
    raw = demo_data.sample(customers, n_orders, seed=seed, lang=lang)
    book = open_book(path)
    for key, df in raw.items():
        append_rows(book, schema.SHEET_BY_KEY[key], df)
    write_setting(book, "acquisition_costs", demo_data.ACQUISITION_COSTS)
    summary = _progress_run(_label("progress", "refreshing"),
                            lambda say: actions.refresh(book, lang=lang, progress=say, today=dt.date(2026, 11, 24)))
    book.save()
    _report(summary, path, lang)


def _book_action(path: Path, label: str, fn: Callable) -> object:
    book = _open(path)
    result = _progress_run(label, lambda say: fn(book))
    book.save()
    return result


@main.command(help=_help("clean"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def clean(path: Path) -> None:
    """Write normalised values into the input sheets of ``path`` (undo with undo-clean)."""
    n = _book_action(path, _label("progress", "cleaning"), actions.clean)
    out.print(f"✓ {_say('cleaned', n=n)} — {_label('undo')}: salesbook undo-clean {path}")


@main.command(name="undo-clean", help=_help("undo_clean"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def undo_clean(path: Path) -> None:
    """Restore the cells clean changed."""
    restored, kept = _book_action(path, _label("progress", "undoing"), actions.undo_clean)
    out.print(f"✓ {_say('restored', n=restored)}")
    if kept:
        out.print(f"  ⚠ {_say('kept', n=kept)}")


@main.command(help=_help("flag"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def flag(path: Path) -> None:
    """Paint alerts on the source cells with a note that says why."""
    n = _book_action(path, _label("progress", "flagging"), actions.flag)
    out.print(f"✓ {_say('flagged', n=n)}")


@main.command(name="clear-flags", help=_help("clear_flags"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def clear_flags(path: Path) -> None:
    """Remove only the fills and notes salesbook made."""
    n = _book_action(path, _label("progress", "clearing"), actions.clear_flags)
    out.print(f"✓ {_say('cleared', n=n)}")


@main.command(help=_help("report"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False, path_type=Path), default=None, help=_help("pdf"))
@_switch_lang_option
def report(path: Path, pdf: Path | None, lang: str | None) -> None:
    """Rebuild the customer-analysis report, dashboard and meeting pack (and with --pdf a PDF of them)."""
    pdf_out = _pdf_target(path, pdf) if pdf else None
    book = _open(path)
    with _pdf_writer(pdf_out) as pdf_tmp:
        summary = _progress_run(_label("progress", "report"),
                                lambda say: actions.report(book, lang=lang, progress=say, pdf=pdf_tmp))
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

    A missing folder is created; a read-only folder or a full disk is one error (every language), and
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


@main.command(help=_help("doctor"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
def doctor(path: Path | None) -> None:
    """Check what Excel needs for the ribbon and UDFs (for the workbook at ``path`` if given)."""
    from . import doctor as doc

    marks = {doc.OK: "[green]✓[/]", doc.WARN: "[yellow]⚠[/]", doc.FAIL: "[red]✗[/]", doc.NA: "·"}
    checks = doc.run(path)
    for c in checks:
        found = "\n    ".join(c.text(lang) for lang in words.LANGS)
        out.print(f"{marks[c.status]} {found}", highlight=False)
        if c.fix:
            fix = "\n      ".join(c.fix_text(lang) for lang in words.LANGS)
            out.print(f"    → {fix}", highlight=False)
    failed = [c for c in checks if c.status == doc.FAIL]
    if failed:
        sys.exit(1)


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_IMPORT_HELP = _help("import") + "\n\n" + "\n\n".join(str(words.word(lang, "cli", "help", "import_more"))
                                                     for lang in _HELP_ORDER)


@main.command(name="import", help=_IMPORT_HELP)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--orders", type=_FILE, help=_help("import_orders"))
@click.option("--targets", type=_FILE, help=_help("import_targets"))
@click.option("--customers", type=_FILE, help=_help("import_customers"))
@click.option("--followups", type=_FILE, help=_help("import_followups"))
@click.option("--leads", type=_FILE, help=_help("import_leads"))
@click.option("--replace", is_flag=True, help=_help("replace"))
def import_(path: Path, orders, targets, customers, followups, leads, replace: bool) -> None:
    """Load CRM/ERP exports into the input sheets of ``path``, mapping headers by alias; every file is read
    and checked before the workbook is touched, and rows the sheet already holds are skipped."""
    from .importing import load

    files = {"orders": orders, "targets": targets, "customers": customers, "followups": followups, "leads": leads}
    if not any(files.values()):
        raise click.UsageError(_say("need_file"))
    loaded = [load(schema.SHEET_BY_KEY[key], file) for key, file in files.items() if file]
    book = _open(path)
    for d in actions.import_files(book, loaded, replace=replace):
        imp, done, skipped = d.imported, d.written, d.skipped
        for note in imp.notes:  # what reading decided, in every language
            out.print(f"  · {' / '.join(messages.text(note, lang) for lang in words.LANGS)}", highlight=False)
        verb = f"{_label('replaced')} " if replace else ""
        out.print(f"✓ {imp.path.name} → 「{done['sheet']}」 {verb}{done['rows']} {_label('rows')} "
                  f"({_say('from_row', row=done['first_row'])})", highlight=False)
        if skipped:
            same = imp.spec.key if d.skipped_by_id else "row"  # why: the same ID, or an identical row
            said = " / ".join(str(words.word(lang, "cli", "skipped")).format(
                n=skipped, why=words.word(lang, "cli", "same", same)) for lang in words.LANGS)
            out.print(f"  ⚠ {said}", highlight=False)
        for h in imp.unknown:
            out.print(f"  ⚠ {_label('unknown_column')}「{h}」: {_say('kept_right')}", highlight=False)
        for h, k in imp.duplicates:
            out.print(f"  ⚠ {_label('duplicate_column')}「{h}」({k}): {_say('kept_unused')}", highlight=False)
        if imp.unused:
            listed = str(words.word(words.REFERENCE, "cli", "list_sep")).join(imp.unused)  # as the line begins
            out.print(f"  · {_label('unused')}: {listed}", highlight=False)
    book.save()
    out.print(f"✓ {path.resolve()}")


if __name__ == "__main__":  # pragma: no cover
    main()
