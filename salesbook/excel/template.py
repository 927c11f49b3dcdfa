"""Build an empty SalesTracker workbook from xlwings' standalone template.

The template carries the ``xlwings`` VBA module that matches the installed (pinned) xlwings.
openpyxl adds the input sheets (headers, widths, formats, dropdowns), the 参数 and 策略库
sheets pre-filled with the seed defaults, the output sheets and the ``xlwings.conf`` sheet.
``vbaProject.bin`` is carried through untouched; VBA modules and the ribbon are added by
``workbook/build.py``.

That build is a build step (it needs pyOpenVBA and the repository's ``workbook/`` sources). Its
results, one workbook per language, ship inside the package (``salesbook/templates/``);
:func:`new_workbook` copies one, so ``salesbook new`` needs nothing but the installed package.
"""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import resources
from pathlib import Path

import openpyxl
import xlwings
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import schema, vocab, words
from ..core import pipeline
from ..core import playbook as pb
from ..settings import Settings
from . import dashboard, meeting_sheet, report_sheet, saving, sheetstyle, vba

TEMPLATE = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
CONF_SHEET = "xlwings.conf"
FIXED_TIME = dt.datetime(2024, 1, 1)
HEADER_FILL = PatternFill("solid", fgColor="FF1F4E79")
INPUT_FILL = PatternFill("solid", fgColor="FFFFF2CC")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")


def help_text(key: str, lang: str) -> str | None:
    """The note right of input table ``key`` in ``lang`` (words ``[input_help]``), or None."""
    return words.word(lang, "input_help", key) if key in words.section(words.REFERENCE, "input_help") else None


def help_texts() -> set[str]:
    """Every input table's note in every language (an import that replaces a table keeps it)."""
    return {text for texts in words.pairs("input_help").values() for text in texts}


def conf_rows(udf_modules: str = "salesbook.udfs") -> list[tuple[str, object]]:
    """The xlwings.conf settings (keys in A, values in B, from A1 down to the first empty cell)."""
    return [
        ("Interpreter_Win", "python"),
        ("Interpreter_Mac", ""),
        ("PYTHONPATH", ""),
        ("Conda Path", ""),
        ("Conda Env", ""),
        ("UDF Modules", udf_modules),
        ("Debug UDFs", False),
        ("Use UDF Server", False),
        ("Show Console", False),
    ]


def shipped_template(lang: str) -> Path:
    """The built workbook for ``lang`` that ships inside the package."""
    return Path(str(resources.files("salesbook") / "templates" / f"SalesTracker.{lang}.xlsm"))


def new_workbook(path: Path, *, lang: str = words.REFERENCE) -> Path:
    """A new tracker at ``path``: a copy of the shipped template (ribbon, VBA and sheets included)."""
    source = shipped_template(lang)
    if not source.exists():  # a checkout whose templates were never built
        raise FileNotFoundError(f"{source} is missing: run python workbook/build.py")
    with source.open("rb") as fh:
        return saving.atomic_write(path, lambda out: shutil.copyfileobj(fh, out))  # --force keeps a backup


def build_template(path: Path, *, lang: str = words.REFERENCE, deterministic: bool = True) -> Path:
    """Write an empty tracker to ``path`` (keeps the template's VBA project byte for byte)."""
    wb = openpyxl.load_workbook(TEMPLATE, keep_vba=True)
    conf = wb["_xlwings.conf"]
    conf.title = CONF_SHEET
    for row in conf.iter_rows():
        for cell in row:
            cell.value = None
    for i, (k, v) in enumerate(conf_rows(), start=1):
        conf.cell(i, 1, k)
        conf.cell(i, 2, v if v != "" else None)
    conf.sheet_state = "hidden"
    first = wb["Sheet1"]  # keeps its VBA document module (code name Sheet1): becomes the orders sheet
    for i, spec in enumerate(schema.INPUT_SHEETS):
        ws = first if i == 0 else wb.create_sheet(spec.name(lang))
        ws.title = spec.name(lang)
        _input_sheet(ws, spec, lang)
    empty = pipeline.run({}, settings=Settings(), today=FIXED_TIME.date())  # the output tables' columns
    for key in schema.OUTPUT_SHEETS:
        ws = wb.create_sheet(schema.sheet_name(key, lang))
        ws["A1"] = words.word(lang, "template", "placeholder")
        ws["A1"].font = Font(italic=True, color="FF808080")
        ws.sheet_properties.tabColor = "FF5B9BD5"
        if key == "dashboard":
            dashboard.build(ws, lang)  # its charts belong to the workbook; refresh writes their cells
        elif key == "report":
            report_sheet.build(ws, lang)  # likewise its figures
        elif key == "meeting":
            meeting_sheet.build(ws)
        else:  # page setup, frozen header, printed rows and columns: fixed, so the template's
            sheetstyle.build(ws, key, empty.sheets.get(key, []))
    wb.move_sheet(CONF_SHEET, offset=len(wb.sheetnames))  # last, hidden
    wb.active = 0
    # the xlwings version of the VBA module, readable without pyOpenVBA (salesbook doctor)
    wb.custom_doc_props.append(StringProperty(name="salesbook.xlwings", value=xlwings.__version__))
    if deterministic:
        wb.properties.created = FIXED_TIME
        wb.properties.modified = FIXED_TIME
        wb.properties.creator = "salesbook"
        wb.properties.lastModifiedBy = "salesbook"
    saving.save_workbook(wb, path, deterministic=deterministic, keep_backup=False)
    if vba.SOURCES.exists():
        vba.install(path)
    return path


def _input_sheet(ws, spec: schema.SheetSpec, lang: str) -> None:
    ws.sheet_properties.tabColor = "FFFFC000"
    for j, col in enumerate(spec.columns, start=1):
        cell = ws.cell(1, j, col.name(lang))
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = col.width
        # a column style formats what users type later without creating empty cells now
        if col.number_format:
            ws.column_dimensions[letter].number_format = col.number_format
        elif col.key in ("customer_id", "order_id", "phone", "lead_id"):
            ws.column_dimensions[letter].number_format = "@"  # ids and phones are text: keep leading zeros
    ws.freeze_panes = "A2"
    help_note = help_text(spec.key, lang)
    if help_note:
        ws.cell(1, len(spec.columns) + 2, help_note).font = Font(italic=True, color="FF808080")
    if spec.key == "orders":  # each status word is one parse.normalize_status reads
        _dropdown(ws, spec, "status", [each[words.index(lang)] for each in words.pairs("dropdown", "status").values()])
    if spec.key == "leads":
        _dropdown(ws, spec, "stage", tuple(vocab.labels("stage", lang).values()))
    if spec.key == "settings":
        for i, (key, value, note) in enumerate(Settings.rows(lang), start=2):
            ws.cell(i, 1, key)
            ws.cell(i, 2, value)
            ws.cell(i, 3, note)
            ws.cell(i, 2).fill = INPUT_FILL
    if spec.key == "playbook":
        for i, row in enumerate(pb.default_playbook(lang).itertuples(index=False), start=2):
            for j, v in enumerate(row, start=1):
                ws.cell(i, j, v).alignment = Alignment(wrap_text=True, vertical="top")
        _dropdown(ws, spec, "kind", pb.kind_words(lang))
    score_error = words.word(lang, "template", "score_error")
    for key in ("industry_potential", "urgency", "win_likelihood", "satisfaction"):
        if any(c.key == key for c in spec.columns):
            j = [c.key for c in spec.columns].index(key) + 1
            dv = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True,
                                showErrorMessage=True, errorTitle="1–5", error=score_error)
            dv.add(f"{get_column_letter(j)}2:{get_column_letter(j)}5000")
            ws.add_data_validation(dv)


def _dropdown(ws, spec: schema.SheetSpec, key: str, options) -> None:
    if not options:
        return
    j = [c.key for c in spec.columns].index(key) + 1
    dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                        showErrorMessage=False)  # a warning-free list: CRM synonyms are cleaned, not refused
    dv.add(f"{get_column_letter(j)}2:{get_column_letter(j)}100000")
    ws.add_data_validation(dv)


def build_workbook(path: Path, *, lang: str = words.REFERENCE) -> Path:
    """The release workbook: the template plus VBA modules and the ribbon (deterministic)."""
    return build_template(path, lang=lang, deterministic=True)
