"""salesbook — 销售分析: an Excel add-in and command line for sales teams.

Layers (data flows one way)::

    input sheets ──excel.io.read_tables──▶ RawTables ──core.pipeline.run──▶ Result ──excel.outputs.write_results──▶ sheets

``core`` is pure pandas; ``excel`` talks to a workbook only through xlwings' API (live Excel,
or :mod:`salesbook.excel.engine` for files); ``actions`` is what buttons and commands do.

The public surface is the names in ``__all__``::

    import salesbook
    book = salesbook.open_book("SalesTracker.xlsm")     # or xw.Book(...) in Excel
    summary = salesbook.refresh(book)                   # analyse and write the output sheets
    book.save()

Names are loaded on first use, so ``import salesbook.core`` stays free of xlwings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → module that defines it
_EXPORTS = {
    # the pure core
    "RawTable": "salesbook.core.pipeline",
    "Result": "salesbook.core.pipeline",
    "Settings": "salesbook.core.settings",
    "run": "salesbook.core.pipeline",
    # a workbook file without Excel, and a new one
    "new_workbook": "salesbook.excel.template",
    "open_book": "salesbook.excel.engine",
    # what the ribbon buttons and the CLI commands do (on an xw.Book)
    "RefreshSummary": "salesbook.actions",
    "analyse": "salesbook.actions",
    "clean": "salesbook.actions",
    "clear_flags": "salesbook.actions",
    "flag": "salesbook.actions",
    "import_rows": "salesbook.actions",
    "refresh": "salesbook.actions",
    "report": "salesbook.actions",
    "undo_clean": "salesbook.actions",
    # reading CRM/ERP exports
    "Imported": "salesbook.importing",
    "load_export": "salesbook.importing",
    # errors a user sees
    "SalesbookError": "salesbook.errors",
    "SchemaError": "salesbook.errors",
    "SettingsError": "salesbook.errors",
    "WorkbookError": "salesbook.errors",
}
_RENAMED = {"load_export": "load"}  # public name → name in its module

__all__ = [  # the keys of _EXPORTS, sorted (a test checks both)
    "analyse", "clean", "clear_flags", "flag", "import_rows", "Imported", "load_export", "new_workbook",
    "open_book", "RawTable", "refresh", "RefreshSummary", "report", "Result", "run", "SalesbookError",
    "SchemaError", "Settings", "SettingsError", "undo_clean", "WorkbookError",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .actions import RefreshSummary, analyse, clean, clear_flags, flag, import_rows, refresh, report, undo_clean
    from .core.pipeline import RawTable, Result, run
    from .core.settings import Settings
    from .errors import SalesbookError, SchemaError, SettingsError, WorkbookError
    from .excel.engine import open_book
    from .excel.template import new_workbook
    from .importing import Imported
    from .importing import load as load_export


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'salesbook' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
