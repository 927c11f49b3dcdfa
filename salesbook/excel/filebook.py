"""The book, app and engine objects of the file engine (see :mod:`.engine`)."""

from __future__ import annotations

import collections
import datetime as dt
import io
import math
import numbers
import os
import zipfile
from pathlib import Path
from typing import Any

from xlwings import base_classes as base

from ..errors import WorkbookError
from . import saving
from .filesheet import FileSheets
from .package import Package
from .sheetxml import SheetPart
from .workbookxml import WorkbookModel

ENGINE_NAME = "salesbook-file"


class FileEngine:
    """The engine object xlwings' converters ask for data cleaning (``c.engine.impl``)."""

    @property
    def apps(self) -> FileApps:
        return FileApps()

    @property
    def name(self) -> str:
        return ENGINE_NAME

    @property
    def type(self) -> str:
        return "file"

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any = None) -> Any:
        if x is None:
            return None
        if isinstance(x, float) and math.isnan(x):
            return None
        try:
            import pandas as pd

            if x is pd.NaT or (not isinstance(x, (str, bytes, list, tuple)) and pd.isna(x)):
                return None
            if isinstance(x, pd.Timestamp):
                return x.to_pydatetime()
        except (TypeError, ValueError):
            pass
        try:
            import numpy as np

            if isinstance(x, np.bool_):
                return bool(x)
            if isinstance(x, np.integer):
                return int(x)
            if isinstance(x, np.floating):
                return float(x)
            if isinstance(x, np.datetime64):
                return __import__("pandas").Timestamp(x).to_pydatetime()
        except ImportError:  # pragma: no cover - numpy is a dependency
            pass
        return x

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        # mirror what Excel's Range.Value gives the Windows engine: numbers are floats,
        # dates are datetimes built by the requested handler
        if datetime_builder is dt.datetime and empty_as is None and number_builder is None:
            return data  # FileRange.raw_value already gives exactly that
        def clean(v: Any) -> Any:
            t = type(v)
            if t is str:
                return v if v else empty_as
            if t is float:
                return v if number_builder is None else number_builder(v)
            if v is None:
                return empty_as
            if t is dt.datetime:
                return v if datetime_builder is dt.datetime else datetime_builder(
                    year=v.year, month=v.month, day=v.day, hour=v.hour, minute=v.minute, second=v.second,
                    microsecond=v.microsecond)
            if t is dt.date:
                return datetime_builder(year=v.year, month=v.month, day=v.day)
            if isinstance(v, (bool, dt.time)):
                return v
            if isinstance(v, numbers.Number):
                v = float(v)
                return number_builder(v) if number_builder is not None else v
            return v

        return [[clean(v) for v in row] for row in data]


_ENGINE = FileEngine()


class FileApps:
    """The engine's list of running applications: a file has none."""

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def keys(self) -> list[int]:
        return []

    @property
    def active(self):
        return None


class FileApp:
    """The 'application' of one file: status bar and alerts go to a callback."""

    def __init__(self, book: FileBook) -> None:
        self._book = book
        self._status_bar: str | bool = False
        self.screen_updating = True
        self.calculation = "automatic"
        self.display_alerts = False
        self.enable_events = True

    @property
    def engine(self) -> FileEngine:
        return _ENGINE

    @property
    def books(self):
        return FileBooks([self._book])

    @property
    def pid(self) -> int:
        return os.getpid()

    @property
    def version(self) -> str:
        return "salesbook file engine"

    @property
    def status_bar(self):
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value):
        self._status_bar = value
        if self._book.on_status and value:
            self._book.on_status(str(value))

    def calculate(self) -> None:
        pass

    def alert(self, prompt, title, buttons, mode, callback):
        self._book.alerts.append((title, prompt))
        return "ok"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileApp) and other._book is self._book

    def __hash__(self) -> int:
        return id(self._book)


class FileBooks:
    """The books of a file's application (just that one book)."""

    def __init__(self, books: list[FileBook]) -> None:
        self._books = books

    def __iter__(self):
        return iter(self._books)

    def __len__(self) -> int:
        return len(self._books)

    def __call__(self, name_or_index):
        if isinstance(name_or_index, int):
            return self._books[name_or_index - 1]
        for b in self._books:
            if b.name == name_or_index:
                return b
        raise KeyError(name_or_index)

    @property
    def active(self):
        return self._books[0] if self._books else None


class FileBook(base.Book):
    """One workbook file, held as its parts."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.calls: collections.Counter[str] = collections.Counter()
        self.alerts: list[tuple[str, str]] = []
        self.on_status = None
        self.generation = 0
        self.model = _load(self.path, self.calls)
        self._app = FileApp(self)

    def count(self, what: str, n: int = 1) -> None:
        self.calls[what] += n

    @property
    def api(self) -> WorkbookModel:
        return self.model

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def fullname(self) -> str:
        return str(self.path)

    @property
    def sheets(self) -> FileSheets:
        return FileSheets(self)

    @property
    def app(self) -> FileApp:
        return self._app

    @property
    def names(self):
        raise NotImplementedError("defined names are not used by salesbook")

    def activate(self) -> None:
        pass

    def close(self) -> None:
        pass

    def part(self, key: int) -> SheetPart:
        for s in self.model.sheets:
            if id(s) == key:
                return s
        raise KeyError("the sheet no longer exists")

    def _bytes(self) -> bytes:
        self.model.finish()
        buf = io.BytesIO()
        self.model.pkg.save(buf)
        return buf.getvalue()

    def to_pdf(self, path, quality=None) -> None:
        """Print the visible sheets to a PDF with headless LibreOffice (Excel does this itself)."""
        import shutil
        import subprocess
        import tempfile

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise WorkbookError("no_pdf", detail="soffice not found")
        self.count("book.to_pdf")
        hidden = [s for s in self.model.sheets if self.model.sheet_state(s) != "visible"]
        data = self._bytes()
        self._reload(data)
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "print.xlsx"
            src.write_bytes(_printable(data, {s.name for s in hidden}))
            done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                                   "--convert-to", "pdf", "--outdir", tmp, str(src)], capture_output=True,
                                  timeout=600)
            pdf = Path(tmp) / "print.pdf"
            if not pdf.exists():
                raise WorkbookError("no_pdf", detail=done.stderr.decode(errors="replace")[-300:] or "no output")
            shutil.move(str(pdf), path)

    def save(self, path=None, password=None) -> None:
        if self.read_only:
            raise WorkbookError("read_only", path=str(self.path))
        target = Path(path) if path else self.path
        self.count("save")
        data = self._bytes()
        written = saving.atomic_write(target, lambda fh: fh.write(data))
        self.path = Path(target) if path else self.path
        self._reload(data)
        return written

    def _reload(self, data: bytes) -> None:
        """After a save the file's bytes are the new starting point (edits are now in them)."""
        self.model = WorkbookModel(Package(data, str(self.path)), calls=self.calls)
        self.generation += 1


def _printable(data: bytes, hidden: set[str]) -> bytes:
    """The workbook with hidden sheets emptied, so LibreOffice neither lays out nor prints them."""
    model = WorkbookModel(Package(data))
    for s in model.sheets:
        if s.name in hidden:
            s.clear()
    model.finish()
    buf = io.BytesIO()
    model.pkg.save(buf)
    return buf.getvalue()


def _load(path: Path, calls) -> WorkbookModel:
    if not path.exists():
        raise WorkbookError("not_found", path=str(path))
    try:
        data = path.read_bytes()
    except PermissionError as e:
        raise WorkbookError("locked", path=str(path)) from e
    except IsADirectoryError as e:
        raise WorkbookError("not_workbook", path=str(path), detail="a folder") from e
    try:
        return WorkbookModel(Package(data, str(path)), calls=calls)
    except WorkbookError:
        raise
    except (ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, AttributeError, IndexError) as e:
        raise WorkbookError("not_workbook", path=str(path), detail=str(e)) from e
