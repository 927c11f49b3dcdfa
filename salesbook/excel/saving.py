"""Atomic, backed-up saves that keep the ribbon.

Every write of a workbook goes through :func:`atomic_write`, which is given a function that
streams the new file into a binary file handle. It

1. resolves symlinks, so the real file is replaced and a link stays a link;
2. writes the new file to a temporary file in the same folder (``.<stem>.<random>.tmp``),
   flushes and fsyncs it;
3. keeps the previous version as ``<name>.bak<ext>``, replacing an older backup only by a
   *complete* copy: the old file is copied to a temporary file, fsynced, then renamed over
   the backup name;
4. renames the temporary file over the target (``os.replace``, atomic on one filesystem),
   then fsyncs the folder.

A crash at any point leaves the workbook old or new, never half of one, and the backup a
complete workbook (or absent). An error at any step (disk full, read-only folder) removes the
temporary files and leaves the workbook *and* the backup byte-identical to what they were; a
failure of the final rename puts the previous backup back. Errors reach the user as one
bilingual :class:`~salesbook.errors.WorkbookError`: ``disk_full``, ``folder_read_only``,
``folder_missing``, ``read_only``, ``locked`` (Windows: the file is open in Excel) or
``write_failed``.

openpyxl (with ``keep_vba=True``) carries ``vbaProject.bin`` and the ``customUI`` parts
through a save, but rewrites ``_rels/.rels`` and drops the relationship that tells Excel
to load the ribbon; :func:`save_workbook` saves an openpyxl workbook through
:func:`postprocess`, which puts it back.

Concurrent commands on one file are serialised by :mod:`salesbook.excel.lock`, not here.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import io
import os
import re
import secrets
import shutil
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import WorkbookError

RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_REL = f'<Relationship Id="rIdSalesbookRibbon" Type="{RIBBON_REL_TYPE}" Target="{RIBBON_PART}"/>'
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)

_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


def backup_path(target: Path) -> Path:
    """Where the previous version of ``target`` is kept ('book.xlsm' → 'book.bak.xlsm')."""
    target = Path(target)
    return target.with_name(f"{target.stem}.bak{target.suffix}")


def real_path(path: str | os.PathLike[str]) -> Path:
    """The file a path names once every symlink is followed (the path itself if it does not exist)."""
    return Path(os.path.realpath(os.path.abspath(path)))


def os_error(exc: BaseException, path: str | os.PathLike[str], *,
             replacing: str | os.PathLike[str] | None = None) -> WorkbookError | None:
    """The user-facing error for an OS error met while writing ``path`` (None if it is not one).

    ``replacing``: the file being renamed over when it happened (on Windows a PermissionError
    there means that file is open in Excel). Looks through ``__cause__``/``__context__`` too,
    since libraries sometimes wrap an OSError.
    """
    seen = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, WorkbookError):
            return e
        if isinstance(e, OSError) and e.errno is not None:
            folder = str(Path(path).parent)
            if e.errno in _NO_SPACE:
                return WorkbookError("disk_full", path=str(path))
            if replacing is not None and os.name == "nt" and isinstance(e, PermissionError):
                return WorkbookError("locked", path=str(replacing))  # Windows: the file is open in Excel
            if e.errno in _NOT_WRITABLE:
                return WorkbookError("folder_read_only", path=folder)
            if e.errno == errno.ENOENT:
                return WorkbookError("folder_missing", path=folder)
            return WorkbookError("write_failed", path=str(path), detail=e.strerror or str(e))
        e = e.__cause__ or e.__context__
    return None


def _create_temp(folder: Path, prefix: str) -> tuple[int, Path]:
    """A new, empty file ``folder/.<prefix>.<random>.tmp`` (mode 0666 & ~umask, like any new file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = folder / f".{prefix}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder; NTFS journals the rename
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems do not support fsync on a folder
        pass
    finally:
        os.close(fd)


def _copy_to_temp(src: Path, folder: Path, prefix: str) -> Path:
    """A complete, fsynced copy of ``src`` in a new temporary file (removed again on any error)."""
    fd, tmp = _create_temp(folder, prefix)
    try:
        with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
            fd = -1
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        try:
            shutil.copystat(src, tmp)
        except OSError:
            pass
        return tmp
    except BaseException:
        if fd >= 0:
            os.close(fd)
        _unlink(tmp)
        raise


def _unlink(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)


def atomic_write(target: str | os.PathLike[str], write: Callable[[BinaryIO], None], *,
                 keep_backup: bool = True) -> Path:
    """Replace ``target`` by what ``write(fh)`` streams into ``fh``, atomically, keeping a backup.

    Returns the real path written (``target`` with symlinks resolved). On any error the
    workbook and its backup are left exactly as they were and no temporary file remains.
    """
    real = real_path(target)
    folder = real.parent
    if not folder.is_dir():
        raise WorkbookError("folder_missing", path=str(folder))
    existed = real.exists()
    if existed and not os.access(real, os.W_OK):
        if not os.access(folder, os.W_OK):  # a read-only filesystem (root included)
            raise WorkbookError("folder_read_only", path=str(folder))
        raise WorkbookError("read_only", path=str(real))
    _remove_stale_temporaries(folder, real)
    backup = backup_path(real)
    tmp = bak_tmp = bak_prev = None
    replacing: Path | None = None  # the file being renamed over, for the message
    try:
        fd, tmp = _create_temp(folder, real.stem)
        with os.fdopen(fd, "wb") as fh:
            if existed:
                try:
                    os.chmod(tmp, stat.S_IMODE(real.stat().st_mode))
                except OSError:
                    pass
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if keep_backup and existed:
            bak_tmp = _copy_to_temp(real, folder, backup.stem)
            if backup.exists():  # keep the previous backup until the new workbook is in place
                bak_prev = _keep_aside(backup, folder)
            replacing = backup
            os.replace(bak_tmp, backup)
            bak_tmp = None
        replacing = real
        try:
            os.replace(tmp, real)
        except BaseException:
            if bak_prev is not None:  # the workbook did not change: neither may its backup
                os.replace(bak_prev, backup)
                bak_prev = None
            elif keep_backup and existed:
                _unlink(backup)  # there was no backup before
            raise
        tmp = None
        _fsync_folder(folder)
        return real
    except OSError as e:
        mapped = os_error(e, real, replacing=replacing)
        if mapped is None:  # pragma: no cover - os_error maps every OSError with an errno
            raise
        raise mapped from e
    finally:
        for p in (tmp, bak_tmp, bak_prev):
            _unlink(p)


def _keep_aside(backup: Path, folder: Path) -> Path:
    """A second name for the current backup: a hard link, or a copy where links are not supported."""
    for _ in range(100):
        aside = folder / f".{backup.stem}.{secrets.token_hex(4)}.tmp"
        try:
            os.link(backup, aside)
            return aside
        except FileExistsError:
            continue
        except OSError as e:
            if e.errno in _NO_SPACE or e.errno in (errno.EACCES, errno.EROFS):
                raise
            break  # EPERM/ENOTSUP/EXDEV/EMLINK: no links here (FAT, some network shares)
    return _copy_to_temp(backup, folder, backup.stem)


def save_workbook(wb, target: Path, *, deterministic: bool = False, keep_backup: bool = True) -> Path:
    """Save an openpyxl workbook to ``target`` through :func:`atomic_write`, ribbon relationship restored."""
    def write(fh: BinaryIO) -> None:
        raw = io.BytesIO()
        wb.save(raw)
        raw.seek(0)
        postprocess(raw, fh, deterministic=deterministic)

    return atomic_write(target, write, keep_backup=keep_backup)


def _remove_stale_temporaries(folder: Path, target: Path, older_than_s: float = 600) -> None:
    """Temporary files left by a save that was killed (the original was never touched)."""
    import time

    for p in folder.glob(f".{glob.escape(target.stem)}.*.tmp*"):
        try:
            if time.time() - p.stat().st_mtime > older_than_s:
                p.unlink()
        except OSError:
            pass


def postprocess(src: Path | BinaryIO, dst: Path | BinaryIO, *, deterministic: bool) -> None:
    """Copy the zip ``src`` to ``dst`` (paths or binary files), restoring the ribbon relationship."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        has_ribbon = RIBBON_PART in names
        for info in zin.infolist():
            data = zin.read(info.filename)
            if deterministic and info.filename == "docProps/core.xml":  # openpyxl stamps "now" on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2024-01-01T00:00:00Z\g<2>", data)
            if info.filename == "xl/styles.xml":  # openpyxl writes font children out of schema order
                data = schema_font_order(data)
            if info.filename == "_rels/.rels" and has_ribbon and RIBBON_REL_TYPE.encode() not in data:
                data = data.replace(b"</Relationships>", RIBBON_REL.encode() + b"</Relationships>")
            out = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME if deterministic else info.date_time)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o600 << 16
            zout.writestr(out, data)


_FONT = re.compile(rb"<font>(.*?)</font>", re.S)
_CHILD = re.compile(rb"<(\w+)\b[^>]*/>|<(\w+)\b[^>]*>.*?</\2>", re.S)


def schema_font_order(styles: bytes) -> bytes:
    """Each ``<font>``'s children in the order the schema gives (b, i, …, sz, color, name, family, …)."""
    from .styles import FONT_ORDER

    rank = {name.encode(): i for i, name in enumerate(FONT_ORDER)}

    def fix(m: re.Match) -> bytes:
        kids = [(k.group(1) or k.group(2), k.group()) for k in _CHILD.finditer(m.group(1))]
        kids.sort(key=lambda k: rank.get(k[0], len(rank)))
        return b"<font>" + b"".join(x for _, x in kids) + b"</font>"

    return _FONT.sub(fix, styles)


def has_ribbon_relationship(path: Path) -> bool:
    """Whether the file at ``path`` has the ribbon part and the package relationship that loads it."""
    with zipfile.ZipFile(path) as z:
        return RIBBON_PART in z.namelist() and RIBBON_REL_TYPE.encode() in z.read("_rels/.rels")
