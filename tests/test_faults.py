"""Kill the process during a save, at several points: the workbook always opens, old or new.

A child process refreshes a copy of the demo (stamping the dashboard with a known time) and
saves it. It is killed with SIGKILL at a chosen step of the save — while openpyxl writes the
temporary file, while the ribbon relationship is restored, while the backup is copied, just
before and just after the atomic rename — and, separately, after random delays. Afterwards
the workbook must open, with the VBA project, and hold either the old or the new refresh.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest

NEW_STAMP = dt.datetime(2030, 1, 1, 9, 30)

CHILD = r'''
import datetime as dt, os, signal, sys, zipfile, shutil, openpyxl
from salesbook import actions
from salesbook.excel import engine, saving
path, point, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
calls = {"n": 0}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def after_n(fn):
    def wrapped(*a, **k):
        calls["n"] += 1
        if calls["n"] == nth:
            die()
        return fn(*a, **k)
    return wrapped

if point == "openpyxl_write":      # inside openpyxl's save: a half-written temporary file
    zipfile.ZipFile.writestr = after_n(zipfile.ZipFile.writestr)
elif point == "postprocess":       # while the ribbon relationship is put back (second zip)
    real = saving.postprocess
    def pp(src, dst, **k):
        zipfile.ZipFile.writestr = after_n(zipfile.ZipFile.writestr)
        return real(src, dst, **k)
    saving.postprocess = pp
elif point == "backup":            # while the previous version is copied to the backup
    shutil.copy2 = after_n(shutil.copy2)
elif point == "before_replace":
    os.replace = after_n(os.replace)
elif point == "after_replace":
    real_replace = os.replace
    def rep(a, b):
        real_replace(a, b)
        die()
    os.replace = rep
book = engine.open_book(path)
actions.refresh(book, now=dt.datetime(2030, 1, 1, 9, 30))
print("saving", flush=True)
book.save()
print("saved", flush=True)
'''


def stamp(path):
    wb = openpyxl.load_workbook(path, keep_vba=True)
    with zipfile.ZipFile(path) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        assert z.testzip() is None
    return wb["仪表盘"]["B3"].value


def run_child(path, point, nth):
    return subprocess.run([sys.executable, "-c", CHILD, str(path), point, str(nth)], capture_output=True, text=True,
                          timeout=300, cwd=os.getcwd())


@pytest.mark.parametrize(("point", "nth"), [
    ("openpyxl_write", 1), ("openpyxl_write", 8), ("openpyxl_write", 20),
    ("postprocess", 1), ("postprocess", 10),
    ("backup", 1), ("before_replace", 1), ("after_replace", 1),
])
def test_a_kill_at_each_step_of_the_save_leaves_old_or_new(point, nth, small_book, tmp_path):
    path = tmp_path / "崩溃 测试.xlsm"
    shutil.copy(small_book, path)
    old = stamp(path)
    out = run_child(path, point, nth)
    assert out.returncode == -signal.SIGKILL, out.stderr[-1500:]
    assert stamp(path) in (old, NEW_STAMP)
    if point == "after_replace":
        assert stamp(path) == NEW_STAMP
    else:
        assert stamp(path) == old  # the rename had not happened: the original is untouched


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 2.5, 4.0])
def test_a_kill_at_a_random_moment_leaves_old_or_new(delay, small_book, tmp_path):
    path = tmp_path / "随机.xlsm"
    shutil.copy(small_book, path)
    old = stamp(path)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), "none", "0"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    child.kill()
    child.wait(60)
    assert stamp(path) in (old, NEW_STAMP)
