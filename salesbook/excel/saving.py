"""Atomic, backed-up saves that keep the ribbon.

openpyxl (with ``keep_vba=True``) carries ``vbaProject.bin`` and the ``customUI`` parts
through a save, but rewrites ``_rels/.rels`` and drops the relationship that tells Excel
to load the ribbon. Every save therefore goes through :func:`save_workbook`, which

1. writes the workbook to a temporary file in the same folder,
2. re-adds the ribbon relationship (and, for reproducible builds, fixes zip timestamps),
3. copies the previous version to ``<name>.bak<ext>``,
4. renames the temporary file over the target (``os.replace``, atomic on one filesystem).

A crash at any point leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..errors import WorkbookError

RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_REL = f'<Relationship Id="rIdSalesbookRibbon" Type="{RIBBON_REL_TYPE}" Target="{RIBBON_PART}"/>'
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def backup_path(target: Path) -> Path:
    return target.with_name(f"{target.stem}.bak{target.suffix}")


def save_workbook(wb, target: Path, *, deterministic: bool = False, keep_backup: bool = True) -> None:
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise WorkbookError("folder_missing", path=str(folder))
    if target.exists() and not os.access(target, os.W_OK):
        raise WorkbookError("read_only", path=str(target))
    _remove_stale_temporaries(folder, target)
    fd, raw_tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=folder)
    os.close(fd)
    fixed_tmp = raw_tmp + ".zip"
    try:
        wb.save(raw_tmp)
        postprocess(Path(raw_tmp), Path(fixed_tmp), deterministic=deterministic)
        with open(fixed_tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if keep_backup and target.exists():
            shutil.copy2(target, backup_path(target))
        try:
            os.replace(fixed_tmp, target)
        except PermissionError as e:
            raise WorkbookError("locked", path=str(target)) from e
    finally:
        for p in (raw_tmp, fixed_tmp):
            if os.path.exists(p):
                os.remove(p)


def _remove_stale_temporaries(folder: Path, target: Path, older_than_s: float = 600) -> None:
    """Temporary files left by a save that was killed (the original was never touched)."""
    import time

    for p in folder.glob(f".{target.stem}.*.tmp*"):
        try:
            if time.time() - p.stat().st_mtime > older_than_s:
                p.unlink()
        except OSError:
            pass


def postprocess(src: Path, dst: Path, *, deterministic: bool) -> None:
    """Copy the zip ``src`` to ``dst``, restoring the ribbon relationship."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        has_ribbon = RIBBON_PART in names
        for info in zin.infolist():
            data = zin.read(info.filename)
            if deterministic and info.filename == "docProps/core.xml":  # openpyxl stamps "now" on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2024-01-01T00:00:00Z\g<2>", data)
            if info.filename == "_rels/.rels" and has_ribbon and RIBBON_REL_TYPE.encode() not in data:
                data = data.replace(b"</Relationships>", RIBBON_REL.encode() + b"</Relationships>")
            out = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME if deterministic else info.date_time)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o600 << 16
            zout.writestr(out, data)


def has_ribbon_relationship(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return RIBBON_PART in z.namelist() and RIBBON_REL_TYPE.encode() in z.read("_rels/.rels")
