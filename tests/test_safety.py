"""Saving safely: two commands on one file, a full disk, a read-only folder, symlinks, ``report --pdf``.

Real files throughout. Parallel commands are real processes; the disk-full and read-only cases
run twice where the machine allows it — on a real, small or read-only tmpfs mount (skipped,
with the reason, when mounting is not permitted) — and always with the failure injected at
each step of the save (the temporary file, the backup copy, the renames), asserting that the
injected failure was actually reached. After every failure the folder holds exactly the files
it held before, byte for byte: workbook, backup (still a valid workbook), no temporary file,
no lock file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from salesbook.cli import main
from salesbook.errors import WorkbookError
from salesbook.excel import saving
from salesbook.excel.lock import lock_path, workbook_lock
from salesbook.excel.saving import atomic_write, backup_path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.datetime(2026, 11, 21)
BUSY = ("另一个 salesbook 命令正在处理此文件", "Another salesbook command is working on this file")
DISK_FULL = ("磁盘空间不足", "The disk is full")
READ_ONLY_FOLDER = ("无法在文件夹中写入（只读或无权限）", "Cannot write in the folder (read-only or no permission)")

# A command run in a real process. "holder" stops right after it has opened the workbook (so it
# holds the lock and has read the file) until the test creates marks/go; "waiter" records in
# marks/waiter-blocked that it asked for the lock and was refused; "second" is a waiter that
# starts its command only once the holder holds the workbook; "hold-and-die" takes the lock and
# is killed holding it.
CHILD = r'''
import os, sys, time
from pathlib import Path
role, marks, args = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
if role == "holder":
    from salesbook.excel import engine
    real_open = engine.open_book
    def open_book(*a, **k):
        book = real_open(*a, **k)
        (marks / "holder-inside").touch()
        deadline = time.monotonic() + 60
        while not (marks / "go").exists():
            if time.monotonic() > deadline:
                sys.exit(97)
            time.sleep(0.02)
        return book
    engine.open_book = open_book
elif role in ("waiter", "second"):
    from salesbook.excel import engine, lock  # imported while the first command works
    if role == "second":                       # start only once the first one holds the workbook
        deadline = time.monotonic() + 60
        while not (marks / "holder-inside").exists():
            if time.monotonic() > deadline:
                sys.exit(97)
            time.sleep(0.02)
    real_try = lock._try_lock
    def _try_lock(fd):
        ok = real_try(fd)
        if not ok:
            (marks / "waiter-blocked").touch()
        return ok
    lock._try_lock = _try_lock
elif role == "hold-and-die":
    import signal
    from salesbook.excel.lock import workbook_lock
    with workbook_lock(args[0]):
        (marks / "holder-inside").touch()
        os.kill(os.getpid(), signal.SIGKILL)
from salesbook.cli import main
sys.argv = ["salesbook", *args]
main()
'''


# ---------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """A refreshed demo tracker (30 customers, 200 orders) with its backup beside it."""
    path = tmp_path_factory.mktemp("tiny") / "小 样本.xlsm"
    r = CliRunner().invoke(main, ["demo", str(path), "--customers", "30", "--orders", "200"])
    assert r.exit_code == 0, r.output
    assert backup_path(path).exists()
    return path


@pytest.fixture
def book(tmp_path, tiny) -> Path:
    """A copy of the tracker and of its backup in a folder of their own."""
    folder = tmp_path / "销售 数据"
    folder.mkdir()
    path = folder / tiny.name
    shutil.copy(tiny, path)
    shutil.copy(backup_path(tiny), backup_path(path))
    return path


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry of the folder: a file's bytes (a symlink's target's), None for a folder."""
    return {p.name: None if p.is_dir() else p.read_bytes() for p in sorted(folder.iterdir())}


def assert_workbook(path: Path) -> openpyxl.Workbook:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert "xl/vbaProject.bin" in z.namelist()
    return openpyxl.load_workbook(path, keep_vba=True)


def assert_unchanged(folder: Path, before: dict[str, bytes]) -> None:
    after = snapshot(folder)
    assert sorted(after) == sorted(before), "files appeared or vanished"
    for name, data in before.items():
        assert after[name] == data, f"{name} changed"
    for name in before:
        if name.endswith(".xlsm") and not name.startswith(("~$", ".")) and before[name] is not None:
            assert_workbook(folder / name)  # workbook and backup


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def flat(text: str) -> str:
    """Messages as printed, without the line breaks rich adds to fit the terminal."""
    return text.replace("\n", "")


def expect_error(r, *needles):
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    for n in needles:
        assert n in flat(r.output), r.output


def child(role: str, marks: Path, *args, timeout_s: float = 60) -> subprocess.Popen:
    env = {**os.environ, "SALESBOOK_LOCK_TIMEOUT": str(timeout_s)}
    return subprocess.Popen([sys.executable, "-c", CHILD, role, str(marks), *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_cli(*args, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "salesbook.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def wait_for(mark: Path, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not mark.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"{mark.name} never appeared; the process ended with {proc.returncode}:\n{out}\n{err[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{mark.name} never appeared within {timeout_s} s")
        time.sleep(0.02)


def finish(proc: subprocess.Popen) -> tuple[str, str]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{err[-3000:]}"
    assert "Traceback" not in err
    return out, err


def run_in_turn(tmp_path: Path, first: list, second: list) -> tuple[str, str]:
    """``first`` opens the workbook and stops; ``second`` starts, asks for the lock and is refused
    (so it has not read the file yet); then ``first`` goes on and saves. Both must succeed."""
    marks = tmp_path / "marks"
    marks.mkdir()
    a = child("holder", marks, *first)
    b = child("second", marks, *second)
    try:
        wait_for(marks / "holder-inside", a)
        wait_for(marks / "waiter-blocked", b)
        assert b.poll() is None  # still waiting for the lock
        (marks / "go").touch()
        out_a, _ = finish(a)
        out_b, _ = finish(b)
        return out_a, out_b
    finally:
        for p in (a, b):
            if p.poll() is None:
                p.kill()
                p.wait()


def rows(wb: openpyxl.Workbook, sheet: str) -> list[tuple]:
    return [r for r in wb[sheet].iter_rows(values_only=True) if any(v is not None for v in r)]


def count_in(text: str, marker: str) -> int:
    import re

    return int(re.search(rf"(\d+) {marker}", text).group(1))


# ---------------------------------------------------------------- two commands at once

def test_clean_and_flag_at_once_keep_both_effects(book, tmp_path):
    assert "_salesbook_undo" not in openpyxl.load_workbook(book).sheetnames
    out_clean, out_flag = run_in_turn(tmp_path, ["clean", book], ["flag", book])
    cleaned, flagged = count_in(out_clean, "cells normalised"), count_in(out_flag, "cells flagged")
    assert cleaned > 0 and flagged > 0
    wb = assert_workbook(book)
    assert len(rows(wb, "_salesbook_undo")) - 1 == cleaned  # clean's work survived flag's save
    assert len(rows(wb, "_salesbook_flags")) - 1 == flagged
    assert not lock_path(book).exists()


NEW_ORDERS = ("订单编号,下单日期,客户编号,客户名称,销售负责人,区域,产品线,渠道,金额,订单状态\n"
              "SO2099000001,2026-11-20,C9001,并发测试有限公司,王芳,华东,A产品,直销,12000,已成交\n"
              "SO2099000002,2026-11-20,C9001,并发测试有限公司,王芳,华东,A产品,直销,8000,已成交\n"
              "SO2099000003,2026-11-19,C9002,锁测试贸易公司,李强,华北,B产品,渠道,5000,已成交\n")


@pytest.mark.parametrize("refresh_first", [True, False], ids=["refresh-then-import", "import-then-refresh"])
def test_refresh_and_import_at_once_keep_both_effects(book, tmp_path, refresh_first):
    csv = tmp_path / "新订单.csv"
    csv.write_text(NEW_ORDERS, encoding="utf-8")
    refresh = ["refresh", book, "--as-of", AS_OF.date().isoformat()]
    imp = ["import", book, "--orders", csv]
    assert openpyxl.load_workbook(book)["仪表盘"]["B2"].value != AS_OF
    run_in_turn(tmp_path, *([refresh, imp] if refresh_first else [imp, refresh]))
    wb = assert_workbook(book)
    ids = {r[0] for r in rows(wb, "订单明细")}
    assert {"SO2099000001", "SO2099000002", "SO2099000003"} <= ids  # the import survived
    assert wb["仪表盘"]["B2"].value == AS_OF  # the refresh survived
    rfm_ids = {r[0] for r in rows(wb, "RFM")}
    # the second command read the first one's result: a refresh after the import knows the new customers
    assert ("C9001" in rfm_ids) is (not refresh_first)


# ---------------------------------------------------------------- the lock

def test_a_held_lock_makes_a_command_wait_then_give_up_busy(book, tmp_path):
    link = tmp_path / "快捷方式.xlsm"
    link.symlink_to(book)
    assert lock_path(link) == lock_path(book)  # one lock per real file, whatever the path
    with workbook_lock(link, timeout=0):
        before = {k: v for k, v in snapshot(book.parent).items() if not k.startswith(".~salesbook.")}
        t0 = time.monotonic()
        r = run_cli("flag", book, env={"SALESBOOK_LOCK_TIMEOUT": "1"})
        waited = time.monotonic() - t0
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    for needle in BUSY:
        assert needle in flat(r.stderr), r.stderr
    assert waited >= 1
    assert_unchanged(book.parent, before)  # our lock file is gone too


def test_a_command_waits_for_the_lock_then_runs(book, tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    before = book.read_bytes()
    with workbook_lock(book, timeout=0):
        proc = child("waiter", marks, "clean", book, timeout_s=60)
        try:
            wait_for(marks / "waiter-blocked", proc)
            time.sleep(0.3)
            assert proc.poll() is None
            assert book.read_bytes() == before
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    out, _ = finish(proc)
    assert count_in(out, "cells normalised") > 0
    assert "_salesbook_undo" in assert_workbook(book).sheetnames
    assert backup_path(book).read_bytes() == before


def test_a_killed_command_leaves_no_lock_held(book, tmp_path, monkeypatch):
    marks = tmp_path / "marks"
    marks.mkdir()
    proc = child("hold-and-die", marks, book)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert (marks / "holder-inside").exists() and lock_path(book).exists()  # a stale lock file...
    monkeypatch.setenv("SALESBOOK_LOCK_TIMEOUT", "0")
    r = invoke("clean", book)  # ...holds nothing: no waiting
    assert r.exit_code == 0, r.output
    assert "_salesbook_undo" in assert_workbook(book).sheetnames
    assert not lock_path(book).exists()


@pytest.mark.parametrize("owner", ["~${}", ".~lock.{}#"], ids=["excel", "libreoffice"])
@pytest.mark.parametrize("via_link", [False, True], ids=["direct", "via-symlink"])
def test_a_workbook_open_in_excel_or_libreoffice_is_locked_at_once(book, tmp_path, monkeypatch, owner, via_link):
    (book.parent / owner.format(book.name)).write_bytes(b"someone")
    before = snapshot(book.parent)
    path = book
    if via_link:
        path = tmp_path / "link.xlsm"
        path.symlink_to(book)
    monkeypatch.setenv("SALESBOOK_LOCK_TIMEOUT", "30")
    t0 = time.monotonic()
    expect_error(invoke("flag", path), "被占用", "locked")
    assert time.monotonic() - t0 < 5  # no waiting for a person to close a window
    assert_unchanged(book.parent, before)


def test_the_lock_is_reentrant_in_one_thread_and_exclusive_across_processes(book):
    with workbook_lock(book) as real:
        with workbook_lock(book, timeout=0):
            assert real == Path(os.path.realpath(book))
        assert lock_path(book).exists()
        r = run_cli("flag", book, env={"SALESBOOK_LOCK_TIMEOUT": "0"})
        assert r.returncode == 2 and BUSY[1] in flat(r.stderr), r.stderr
    assert not lock_path(book).exists()


# ---------------------------------------------------------------- disk full, injected at each step

class _FullDisk:
    """A file with room for ``room`` more bytes; then a partial write and ENOSPC, as a real disk does."""

    def __init__(self, fh, room: int, hits: dict) -> None:
        self._fh, self._room, self._hits = fh, room, hits

    def write(self, data) -> int:
        data = bytes(data)
        if len(data) > self._room:
            self._fh.write(data[: self._room])
            self._room = 0
            self._hits["n"] += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()


def _inject(monkeypatch, book: Path, step: str, err: int) -> dict:
    """Make step ``step`` of saving ``book`` fail with ``err``; the returned dict counts the hits."""
    hits = {"n": 0}
    real = Path(os.path.realpath(book))
    created: dict[int, int] = {}  # fd → 1 for the first temporary file the save makes, 2 for the second…
    ordinal = itertools.count(1)

    def failing(*_a, **_k):
        hits["n"] += 1
        raise OSError(err, os.strerror(err))

    if step in ("temp", "backup_copy"):  # the 1st / 2nd temporary file written by the save
        real_create, real_fdopen = saving._create_temp, os.fdopen

        def create(folder, prefix):
            fd, tmp = real_create(folder, prefix)
            created[fd] = next(ordinal)  # fds are reused: the latest file with this fd counts
            return fd, tmp

        def fdopen(fd, *a, **k):
            fh = real_fdopen(fd, *a, **k)
            which = {"temp": 1, "backup_copy": 2}[step]
            if created.get(fd) == which:
                return _FullDisk(fh, 20_000, hits)
            return fh

        monkeypatch.setattr(saving, "_create_temp", create)
        monkeypatch.setattr(os, "fdopen", fdopen)
    elif step == "fsync":
        monkeypatch.setattr(os, "fsync", failing)
    elif step == "keep_aside":
        monkeypatch.setattr(os, "link", failing)
    elif step in ("backup_replace", "final_replace"):
        real_replace = os.replace
        dst = backup_path(real) if step == "backup_replace" else real

        def replace(a, b, *x, **k):
            if Path(b) == dst:
                return failing()
            return real_replace(a, b, *x, **k)

        monkeypatch.setattr(os, "replace", replace)
    elif step == "temp_create":
        real_open = os.open

        def open_(p, flags, *a, **k):
            if Path(p).parent == real.parent and Path(p).name.startswith(f".{real.stem}."):
                return failing()
            return real_open(p, flags, *a, **k)

        monkeypatch.setattr(os, "open", open_)
    elif step == "lockfile":
        real_open = os.open

        def open_(p, flags, *a, **k):
            if Path(p) == lock_path(real):
                return failing()
            return real_open(p, flags, *a, **k)

        monkeypatch.setattr(os, "open", open_)
    else:  # pragma: no cover
        raise ValueError(step)
    return hits


@pytest.mark.parametrize(("step", "err"), [
    *((step, errno.ENOSPC) for step in ("temp", "fsync", "backup_copy", "keep_aside", "backup_replace", "final_replace")),
    ("temp", errno.EDQUOT), ("final_replace", errno.EDQUOT),  # over quota reads like a full disk
], ids=lambda v: errno.errorcode[v] if isinstance(v, int) else v)
def test_a_full_disk_at_any_step_changes_nothing(book, monkeypatch, step, err):
    before = snapshot(book.parent)
    hits = _inject(monkeypatch, book, step, err)
    r = invoke("flag", book)
    monkeypatch.undo()
    assert hits["n"] >= 1, "the injected failure was never reached"
    expect_error(r, *DISK_FULL)
    assert_unchanged(book.parent, before)


def test_a_full_disk_at_the_final_rename_without_a_previous_backup_leaves_no_backup(book, monkeypatch):
    backup_path(book).unlink()
    before = snapshot(book.parent)
    hits = _inject(monkeypatch, book, "final_replace", errno.ENOSPC)
    r = invoke("flag", book)
    monkeypatch.undo()
    assert hits["n"] == 1
    expect_error(r, *DISK_FULL)
    assert_unchanged(book.parent, before)


def test_atomic_write_maps_a_full_disk_raised_by_the_writer_and_passes_other_errors(book):
    before = snapshot(book.parent)

    def full(fh):
        fh.write(b"PK\x03\x04" + b"x" * 5000)
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(WorkbookError) as e:
        atomic_write(book, full)
    assert e.value.code == "disk_full" and DISK_FULL[0] in e.value.message("zh") \
        and DISK_FULL[1] in e.value.message("en")
    assert_unchanged(book.parent, before)

    def buggy(fh):
        fh.write(b"half")
        raise ValueError("a bug in the writer")

    with pytest.raises(ValueError):
        atomic_write(book, buggy)
    assert_unchanged(book.parent, before)


def test_atomic_write_keeps_mode_and_a_complete_backup_and_returns_the_real_path(book, tmp_path):
    os.chmod(book, 0o640)
    old = book.read_bytes()
    link = tmp_path / "link.xlsm"
    link.symlink_to(book)
    written = atomic_write(link, lambda fh: fh.write(old[::-1]))
    assert written == Path(os.path.realpath(book))
    assert book.read_bytes() == old[::-1] and link.is_symlink()
    assert backup_path(book).read_bytes() == old
    assert (book.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in book.parent.iterdir()) == sorted([book.name, backup_path(book).name])
    with pytest.raises(WorkbookError) as e:
        atomic_write(tmp_path / "nope" / "x.xlsm", lambda fh: None)
    assert e.value.code == "folder_missing"


# ---------------------------------------------------------------- read-only folder, injected

@pytest.mark.parametrize(("step", "err"), [
    ("temp_create", errno.EACCES), ("temp_create", errno.EROFS), ("lockfile", errno.EROFS),
    ("lockfile", errno.EACCES), ("final_replace", errno.EPERM), ("backup_replace", errno.EACCES),
], ids=lambda v: errno.errorcode[v] if isinstance(v, int) else v)
def test_a_read_only_folder_is_one_clear_error_and_changes_nothing(book, monkeypatch, step, err):
    before = snapshot(book.parent)
    hits = _inject(monkeypatch, book, step, err)
    r = invoke("flag", book)
    monkeypatch.undo()
    assert hits["n"] >= 1, "the injected failure was never reached"
    expect_error(r, *READ_ONLY_FOLDER)
    assert str(book.parent) in flat(r.output)
    assert_unchanged(book.parent, before)


# ---------------------------------------------------------------- real mounts (root only; skipped otherwise)

@contextlib.contextmanager
def tmpfs(folder: Path, size: int):
    folder.mkdir(parents=True, exist_ok=True)
    size = -(-size // 4096) * 4096
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        pytest.skip(f"cannot mount a tmpfs here: {e}")
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {(r.stderr or r.stdout).strip() or r.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def _pages(n: int) -> int:
    return -(-n // 4096) * 4096


@pytest.mark.parametrize("fails_at", ["temp", "backup_copy"])
def test_a_really_full_disk_changes_nothing(book, tmp_path, monkeypatch, fails_at):
    scratch = tmp_path / "scratch.xlsm"
    shutil.copy(book, scratch)
    assert invoke("flag", scratch).exit_code == 0
    new_size, old_size, bak_size = scratch.stat().st_size, book.stat().st_size, backup_path(book).stat().st_size
    fixed = _pages(old_size) + _pages(bak_size) + 2 * 4096  # the files, the lock file's note, slack
    room = new_size // 2 if fails_at == "temp" else _pages(new_size) + old_size // 2
    with tmpfs(tmp_path / "small disk", fixed + room) as disk:
        path = disk / book.name
        shutil.copy(book, path)
        shutil.copy(backup_path(book), backup_path(path))
        before = snapshot(disk)
        copies = {"failed": 0}
        real_copy = saving._copy_to_temp

        def spy(*a, **k):
            try:
                return real_copy(*a, **k)
            except OSError as e:
                copies["failed"] += e.errno == errno.ENOSPC
                raise

        monkeypatch.setattr(saving, "_copy_to_temp", spy)
        r = invoke("flag", path)
        expect_error(r, *DISK_FULL)
        assert copies["failed"] == (1 if fails_at == "backup_copy" else 0)
        assert_unchanged(disk, before)


def test_a_really_read_only_folder_changes_nothing(book, tmp_path, tiny):
    disk = tmp_path / "只读"
    with tmpfs(disk, 4 << 20):
        shutil.copy(book, disk / book.name)
        shutil.copy(backup_path(book), backup_path(disk / book.name))
        (disk / "reports").mkdir()
        r = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {r.stderr.strip()}")
        before = snapshot(disk)
        expect_error(invoke("flag", disk / book.name), *READ_ONLY_FOLDER)
        assert_unchanged(disk, before)
        with pytest.raises(WorkbookError) as e:  # the save itself, without the CLI's checks and lock
            atomic_write(disk / book.name, lambda fh: fh.write(b"new"))
        assert e.value.code == "folder_read_only"
        assert_unchanged(disk, before)
        # a PDF into the read-only folder, or a folder to be created inside it
        elsewhere = book.parent
        elsewhere_before = snapshot(elsewhere)
        for out in (disk / "reports" / "r.pdf", disk / "new" / "r.pdf"):
            expect_error(invoke("report", book, "--pdf", out), *READ_ONLY_FOLDER)
        assert_unchanged(disk, before)
        assert_unchanged(elsewhere, elsewhere_before)


# ---------------------------------------------------------------- symlinks

def test_refresh_through_a_symlink_updates_the_real_file_and_keeps_the_link(book, tmp_path):
    links = tmp_path / "桌面"
    links.mkdir()
    link = links / "跟踪表.xlsm"
    link.symlink_to(os.path.relpath(book, links))
    target_text = os.readlink(link)
    old = book.read_bytes()
    r = invoke("refresh", link, "--as-of", AS_OF.date().isoformat())
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and os.readlink(link) == target_text
    assert assert_workbook(book)["仪表盘"]["B2"].value == AS_OF  # the real file has the new analysis
    assert backup_path(book).read_bytes() == old  # the backup is beside the real file
    assert sorted(p.name for p in links.iterdir()) == [link.name]  # no backup, temp or lock beside the link
    assert sorted(p.name for p in book.parent.iterdir()) == sorted([book.name, backup_path(book).name])


# ---------------------------------------------------------------- report --pdf

@pytest.mark.parametrize("onto", ["itself", "backup", "dotted", "symlink"])
def test_report_pdf_never_overwrites_the_workbook_or_its_backup(book, onto):
    (book.parent / "sub").mkdir()
    (book.parent / "alias.pdf").symlink_to(book.name)
    before = snapshot(book.parent)
    out = {"itself": book, "backup": backup_path(book), "dotted": book.parent / "sub" / ".." / book.name,
           "symlink": book.parent / "alias.pdf"}[onto]
    expect_error(invoke("report", book, "--pdf", out), "PDF 不能写到工作簿本身或它的备份上",
                 "The PDF cannot be written over the workbook or its backup")
    assert_unchanged(book.parent, before)


@pytest.mark.libreoffice
@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice (soffice) is not installed")
def test_report_pdf_into_a_missing_folder_creates_it(book, tmp_path):
    old = book.read_bytes()
    out = tmp_path / "新 报告" / "2026" / "11月.pdf"
    r = invoke("report", book, "--pdf", out)
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # the temporary PDF was renamed
    assert backup_path(book).read_bytes() == old
    assert_workbook(book)
