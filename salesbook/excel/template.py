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

from .. import schema, vocab
from ..core import parse, pipeline
from ..core import playbook as pb
from ..core.clean import LEAD_STAGES
from ..settings import Settings
from . import dashboard, meeting_sheet, report_sheet, saving, sheetstyle, vba

TEMPLATE = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
CONF_SHEET = "xlwings.conf"
FIXED_TIME = dt.datetime(2024, 1, 1)
HEADER_FILL = PatternFill("solid", fgColor="FF1F4E79")
INPUT_FILL = PatternFill("solid", fgColor="FFFFF2CC")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")

INPUT_HELP = {  # (Chinese, English): the note right of each input table
    "orders": ("每行一笔订单。金额默认单位为元（表头写“金额(万元)”则按万元）。状态：已成交/已签约/已回款/已取消。",
               "One order per row. Amounts are in CNY (a header 'Amount (CNY 10k)' or '金额(万元)' means 10,000s). "
               "Status: closed / signed / paid / cancelled."),
    "targets": ("每行一个目标：周期（2024-01、2024Q1、2024）+ 可选的销售负责人/产品线/区域。",
                "One target per row: a period (2024-01, 2024Q1, 2024) and optionally a salesperson, product line "
                "or region."),
    "customers": ("客户档案。客户简称用于把订单里的简称统一为全称；行业潜力/需求紧急度/成交可能性为 1–5 分。",
                  "Customer records. A short name links orders that use it to the full name; industry potential, "
                  "urgency and win likelihood are scored 1–5."),
    "followups": ("每次跟进一行；下次跟进日期用于维护计划与逾期提醒。",
                  "One contact per row; the next follow-up date drives the plan and overdue alerts."),
    "leads": ("线索阶段：需求确认→方案提交→商务谈判→成交/丢单。",
              "Lead stages: Qualification → Proposal → Negotiation → Won / Lost."),
}
STATUS_WORDS_EN = ("closed", "signed", "paid", "cancelled")  # read by parse.normalize_status like 已成交 …


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


LANGS = ("zh", "en")


def shipped_template(lang: str) -> Path:
    """The built workbook for ``lang`` that ships inside the package."""
    return Path(str(resources.files("salesbook") / "templates" / f"SalesTracker.{lang}.xlsm"))


def new_workbook(path: Path, *, lang: str = "zh") -> Path:
    """A new tracker at ``path``: a copy of the shipped template (ribbon, VBA and sheets included)."""
    source = shipped_template(lang)
    if not source.exists():  # a checkout whose templates were never built
        raise FileNotFoundError(f"{source} is missing: run python workbook/build.py")
    with source.open("rb") as fh:
        return saving.atomic_write(path, lambda out: shutil.copyfileobj(fh, out))  # --force keeps a backup


def build_template(path: Path, *, lang: str = "zh", deterministic: bool = True) -> Path:
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
    for key, zh, en in schema.OUTPUT_SHEETS:
        ws = wb.create_sheet(zh if lang == "zh" else en)
        ws["A1"] = "点击功能区「销售分析 → 刷新分析」或运行 salesbook refresh 生成本表。" if lang == "zh" else \
            "Click Sales → Refresh analysis on the ribbon, or run `salesbook refresh`, to fill this sheet."
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
        cell = ws.cell(1, j, col.zh if lang == "zh" else col.en)
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
    if spec.key in INPUT_HELP:
        help_text = INPUT_HELP[spec.key][0 if lang == "zh" else 1]
        ws.cell(1, len(spec.columns) + 2, help_text).font = Font(italic=True, color="FF808080")
    if spec.key == "orders":
        _dropdown(ws, spec, "status", parse.STATUSES if lang == "zh" else STATUS_WORDS_EN)
        _dropdown(ws, spec, "region", ())
    if spec.key == "leads":
        _dropdown(ws, spec, "stage", LEAD_STAGES if lang == "zh" else
                  tuple(vocab.label("stage", vocab.parse("stage", s), "en") for s in LEAD_STAGES))
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
    for key in ("industry_potential", "urgency", "win_likelihood", "satisfaction"):
        if any(c.key == key for c in spec.columns):
            j = [c.key for c in spec.columns].index(key) + 1
            dv = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True,
                                showErrorMessage=True, errorTitle="1–5", error="请输入 1–5 的整数 / Enter 1–5")
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


def build_workbook(path: Path, *, lang: str = "zh") -> Path:
    """The release workbook: the template plus VBA modules and the ribbon (deterministic)."""
    return build_template(path, lang=lang, deterministic=True)
