"""Kill the process during a save, at each step of it: the workbook always opens, old or new.

A child process runs ``salesbook refresh --as-of`` on a copy of the demo (the as-of date lands
in the dashboard, so old and new are told apart) and is killed with SIGKILL at a chosen step of
:func:`salesbook.excel.saving.atomic_write` — while the temporary file is written, once it is
written and synced, while the previous version is copied to the backup, once the old backup
is kept aside, just before and just after each rename — and, separately, at random moments
inside the save and during the refresh. Afterwards the workbook must open, with the VBA project,
and hold either the old or the new refresh (exactly which one is known for each step); the
backup must be a complete workbook — the previous backup or the previous workbook — never
half of one. The lock a killed command held is gone: the next command runs at once.

The kill points hook the save's own file operations (the temporary files ``atomic_write``
creates, the syncs and renames of the workbook and its backup), not the engine that produces
the bytes, so they hold whatever writes the zip.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from salesbook.excel.lock import workbook_lock
from salesbook.excel.saving import backup_path

pytestmark = [pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX"),
              pytest.mark.slow]  # processes killed mid-save, on 100k-row workbooks: run in the slow phase

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-06-30"
NEW_STAMP = dt.datetime(2026, 6, 30)

CHILD = r'''
import os, signal, sys
from pathlib import Path
from salesbook.excel import saving
path, point, nth = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
real = Path(os.path.realpath(path))
backup = saving.backup_path(real)
temps = {}          # fd -> 1 for the workbook's temporary file, 2 for the backup copy, ... (fds are reused)
count = {"n": 0, "temps": 0}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def nth_call():
    count["n"] += 1
    return count["n"] == nth

real_create = saving._create_temp
def create(folder, prefix):
    fd, tmp = real_create(folder, prefix)
    count["temps"] += 1
    temps[fd] = count["temps"]
    if count["temps"] == 1:
        print("saving", flush=True)       # the save has begun (for the random kills)
    return fd, tmp
saving._create_temp = create

class Killer:                              # a file that dies once byte `at` is reached (after writing up to it)
    def __init__(self, fh, at):
        self._fh, self._at, self._done = fh, at, 0
    def write(self, data):
        data = bytes(data)
        if self._done + len(data) > self._at:
            self._fh.write(data[: self._at - self._done])
            self._fh.flush()
            die()
        self._done += len(data)
        return self._fh.write(data)
    def __getattr__(self, name):
        return getattr(self._fh, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self._fh.close()

real_fdopen, real_fsync, real_link, real_replace = os.fdopen, os.fsync, os.link, os.replace
ours = lambda p: Path(p) in (real, backup)

if point in ("temp_write", "backup_copy"):
    which = 1 if point == "temp_write" else 2
    def fdopen(fd, *a, **k):
        fh = real_fdopen(fd, *a, **k)
        return Killer(fh, nth) if temps.get(fd) == which else fh
    os.fdopen = fdopen
elif point == "temp_written":              # written and synced, backup not yet begun
    def fsync(fd):
        real_fsync(fd)
        if temps.get(fd) == 1:
            die()
    os.fsync = fsync
elif point == "backup_aside":              # the previous backup has its second name
    def link(a, b, *x, **k):
        real_link(a, b, *x, **k)
        die()
    os.link = link
elif point in ("before_replace", "after_replace"):
    def replace(a, b, *x, **k):
        if ours(b) and point == "before_replace" and nth_call():
            die()
        real_replace(a, b, *x, **k)
        if ours(b) and point == "after_replace" and nth_call():
            die()
    os.replace = replace

from salesbook.cli import main
sys.argv = ["salesbook", "refresh", str(path), "--as-of", "''' + AS_OF + r'''"]
main()
'''


def stamp(path: Path):
    """The workbook opens (zip intact, VBA kept, openpyxl reads it); its dashboard's as-of date."""
    with zipfile.ZipFile(path) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        assert z.testzip() is None
    wb = openpyxl.load_workbook(path, keep_vba=True)
    return wb["仪表盘"]["B2"].value


def child(path: Path, point: str, nth: int, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(path), point, str(nth)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


@pytest.fixture(scope="module")
def old_stamp(small_book):
    value = stamp(small_book)
    assert value != NEW_STAMP
    return value


@pytest.fixture
def copy(small_book, tmp_path) -> tuple[Path, bytes, bytes]:
    """The demo and its backup in a fresh folder; their bytes before the save."""
    path = tmp_path / "崩溃 测试.xlsm"
    shutil.copy(small_book, path)
    shutil.copy(backup_path(small_book), backup_path(path))
    return path, path.read_bytes(), backup_path(path).read_bytes()


def check_after_kill(path: Path, old: bytes, old_backup: bytes, old_stamp) -> str:
    """Old or new workbook, a complete backup, no lock left held. Returns "old" or "new"."""
    now = stamp(path)
    state = "old" if path.read_bytes() == old else "new"
    assert now == (old_stamp if state == "old" else NEW_STAMP)
    bak = backup_path(path)
    if bak.exists():
        assert bak.read_bytes() in (old_backup, old)  # both complete workbooks (stamped in the fixtures)
    with workbook_lock(path, timeout=0):  # the killed command's lock went with it
        pass
    return state


def next_command_runs(path: Path) -> None:
    """The killed command's temporaries are harmless: a refresh runs at once and saves."""
    r = subprocess.run([sys.executable, "-m", "salesbook.cli", "refresh", str(path), "--as-of", AS_OF], cwd=ROOT,
                       capture_output=True, text=True, timeout=120, env={**os.environ, "SALESBOOK_LOCK_TIMEOUT": "0"})
    assert r.returncode == 0, r.stderr[-2000:]
    assert stamp(path) == NEW_STAMP


# (point, nth — for the two writes: the byte at which it dies —, workbook afterwards, backup afterwards)
STEPS = [
    ("temp_write", 0, "old", "old_backup"),
    ("temp_write", 4096, "old", "old_backup"),
    ("temp_write", 100_000, "old", "old_backup"),
    ("temp_written", 1, "old", "old_backup"),
    ("backup_copy", 100_000, "old", "old_backup"),
    ("backup_aside", 1, "old", "old_backup"),
    ("before_replace", 1, "old", "old_backup"),  # before the backup's rename
    ("after_replace", 1, "old", "old"),          # backup renamed, workbook not yet
    ("before_replace", 2, "old", "old"),         # before the workbook's rename
    ("after_replace", 2, "new", "old"),          # both renamed
]


@pytest.mark.parametrize(("point", "nth", "workbook", "backup"), STEPS, ids=[f"{p}-{n}" for p, n, *_ in STEPS])
def test_a_kill_at_each_step_of_the_save_leaves_old_or_new(copy, old_stamp, point, nth, workbook, backup):
    path, old, old_backup = copy
    proc = child(path, point, nth)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL, f"the kill point was never reached:\n{out}\n{err[-1500:]}"
    assert "saving" in out  # it died inside the save
    assert check_after_kill(path, old, old_backup, old_stamp) == workbook
    assert backup_path(path).read_bytes() == {"old": old, "old_backup": old_backup}[backup]
    if (point, nth) in (("temp_write", 100_000), ("backup_copy", 100_000)):  # half-written temporaries left
        next_command_runs(path)


@pytest.mark.parametrize("delay", [None, 0.0, 0.05, 0.15, 0.4])
def test_a_kill_at_a_random_moment_leaves_old_or_new(copy, old_stamp, delay):
    """``None``: a random moment of the whole command; otherwise that long after the save began."""
    path, old, old_backup = copy
    proc = child(path, "none", 0)
    if delay is None:
        moment = random.uniform(0.3, 3.0)
        print(f"killed {moment:.2f} s after the start")  # shown if the test fails
        time.sleep(moment)
    else:
        line = proc.stdout.readline()  # "saving"
        assert line.strip() == "saving", proc.stderr.read()[-1500:]
        time.sleep(delay)
    proc.kill()
    proc.communicate(timeout=60)
    check_after_kill(path, old, old_backup, old_stamp)
