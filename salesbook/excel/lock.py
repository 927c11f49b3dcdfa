"""One command at a time per workbook: an exclusive lock held from opening the file to saving it.

Two commands on one file (``salesbook clean`` while ``salesbook flag`` runs) would each read
the file, change their copy and save it — and the second save would silently drop the first
one's work. :func:`workbook_lock` serialises them: the second waits until the first has saved,
then reads the file *with* the first one's changes.

How:

* The lock is an OS lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows) on a small
  file beside the real workbook (symlinks resolved, so two paths to one file share the lock):
  ``.~salesbook.<name>.lock``. The OS drops the lock when the process ends, however it ends,
  so a killed command never leaves a lock behind that blocks the next one.
* The lock file is removed on release. On POSIX it is unlinked *while still locked*, and a
  process that acquires a lock checks that the file it locked is still the one at that name
  (otherwise it locked an unlinked file and tries again), so removing it is race-free. On
  Windows an open file cannot be deleted, so removal is attempted after unlocking and simply
  skipped while another process has the file open. A lock file left behind by a killed process
  is harmless: it holds no lock and is reused.
* Another *program* holding the workbook — Excel's owner file ``~$<name>`` or LibreOffice's
  ``.~lock.<name>#`` beside it — fails at once with ``WorkbookError("locked")``: waiting for a
  person to close a window makes no sense.
* Another *salesbook* holding it: wait up to ``timeout`` seconds (default: the environment
  variable ``SALESBOOK_LOCK_TIMEOUT``, else 10), then ``WorkbookError("busy")``.

The lock is re-entrant within one thread of one process (a nested ``workbook_lock`` on the
same file is a no-op), so library code may take it even when a caller already holds it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import WorkbookError
from .saving import os_error, real_path

DEFAULT_TIMEOUT_S = 10.0
TIMEOUT_ENV = "SALESBOOK_LOCK_TIMEOUT"

if os.name == "nt":  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import errno
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as e:  # a filesystem without flock (some network shares): go on unlocked
            if e.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                return True
            raise
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file of a workbook: beside the real file, ``.~salesbook.<name>.lock``."""
    real = real_path(path)
    return real.with_name(f".~salesbook.{real.name}.lock")


def owner_files(path: str | os.PathLike[str]) -> list[Path]:
    """Where Excel and LibreOffice mark a workbook as open, beside the path and beside the real file."""
    given = Path(os.path.abspath(path))
    found = []
    for p in dict.fromkeys([given, real_path(path)]):
        found += [p.with_name("~$" + p.name), p.with_name(f".~lock.{p.name}#")]
    return found


def check_not_open_elsewhere(path: str | os.PathLike[str]) -> None:
    """``WorkbookError("locked")`` if Excel or LibreOffice has the workbook open."""
    for owner in owner_files(path):
        if owner.exists():
            raise WorkbookError("locked", path=str(path))


def default_timeout() -> float:
    """Seconds to wait for another salesbook process holding the workbook
    (``SALESBOOK_LOCK_TIMEOUT``, never negative)."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S))
    except ValueError:
        return DEFAULT_TIMEOUT_S
    return max(0.0, value)


_held: dict[str, int] = {}  # normalised real path → the thread holding it
_held_guard = threading.Lock()


@contextlib.contextmanager
def workbook_lock(path: str | os.PathLike[str], *, timeout: float | None = None) -> Iterator[Path]:
    """Hold the workbook at ``path`` exclusively for the duration of the ``with`` block.

    Yields the real path (symlinks resolved). Raises ``WorkbookError``: ``locked`` (open in
    Excel/LibreOffice), ``busy`` (another salesbook still holds it after ``timeout`` seconds),
    ``folder_missing``, ``folder_read_only`` or ``disk_full`` (the lock file cannot be made).
    """
    real = real_path(path)
    key = os.path.normcase(str(real))
    me = threading.get_ident()
    with _held_guard:
        nested = _held.get(key) == me
    if nested:  # this thread holds it already
        yield real
        return

    check_not_open_elsewhere(path)
    lockfile = lock_path(real)
    fd = _acquire(path, real, lockfile, default_timeout() if timeout is None else timeout)
    try:
        check_not_open_elsewhere(path)  # Excel may have opened it while we waited
        with _held_guard:
            _held[key] = me
        try:
            yield real
        finally:
            with _held_guard:
                _held.pop(key, None)
    finally:
        _release(fd, lockfile)


def _acquire(path, real: Path, lockfile: Path, timeout: float) -> int:
    if not real.parent.is_dir():
        raise WorkbookError("folder_missing", path=str(real.parent))
    deadline = time.monotonic() + timeout
    pause = 0.02
    while True:
        try:
            fd = _open_lockfile(lockfile)
        except OSError as e:
            raise (os_error(e, real) or e) from e  # no lock file, no save: the same message
        try:
            locked = _try_lock(fd)
        except OSError:
            os.close(fd)
            raise
        if locked:
            if _is_current(fd, lockfile):
                _note_owner(fd)
                return fd
            _unlock(fd)  # we locked a file a releasing process had just removed: try again
            os.close(fd)
            continue
        os.close(fd)
        if time.monotonic() >= deadline:
            raise WorkbookError("busy", path=str(path), seconds=f"{timeout:g}")
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 1.5, 0.25)


def _open_lockfile(lockfile: Path) -> int:
    binary = getattr(os, "O_BINARY", 0)
    try:
        return os.open(lockfile, os.O_RDWR | os.O_CREAT | binary, 0o666)
    except PermissionError:
        if not lockfile.exists():
            raise
        return os.open(lockfile, os.O_RDONLY | binary)  # made by another user: flock works read-only too


def _is_current(fd: int, lockfile: Path) -> bool:
    try:
        on_disk = os.stat(lockfile)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


def _note_owner(fd: int) -> None:
    """Who holds the lock, for a curious person (never read by salesbook)."""
    if os.name == "nt":  # pragma: no cover - the locked byte cannot be rewritten there
        return
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"salesbook pid {os.getpid()}\n".encode(), 0)


def _release(fd: int, lockfile: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows: delete after closing; fails harmlessly if in use
        _unlock(fd)
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(lockfile)
        return
    try:
        if _is_current(fd, lockfile):
            with contextlib.suppress(OSError):
                os.unlink(lockfile)  # still locked: whoever opened it will see it is gone and retry
    finally:
        _unlock(fd)
        os.close(fd)
