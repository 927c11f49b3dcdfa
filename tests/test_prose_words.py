"""The product's prose speaks through the language files: settings notes, playbook rows, errors, the command
line, the ribbon, the UDFs and the doctor ask for their words by key, and every key they name exists — and
the Chinese and English words are the ones the product has always shown."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import click
import pytest

from salesbook import doctor, lookup, words
from salesbook.cli import main
from salesbook.core import playbook as pb
from salesbook.errors import Problem, SchemaError, SettingsError, WorkbookError
from salesbook.messages import text
from salesbook.settings import Settings

ROOT = Path(__file__).resolve().parents[1] / "salesbook"

# function → (argument index or indices of the key, the table it names), by file: one name, one table per file
KEYED_CALLS = {
    "errors.py": {"_say": (1, ("error",))},
    "excel/inputs.py": {"Problem": (1, ("error", "problem"))},
    "core/settings.py": {"SettingsError": (3, ("setting", "invalid"))},
    "cli.py": {"_help": (0, ("cli", "help")), "_say": (0, ("cli",)), "_label": (0, ("cli",)),
               "WorkbookError": (0, ("error", "workbook"))},
    "ribbon.py": {"_say": (1, ("ribbon",))},
    "lookup.py": {"_err": (0, ("udf",))},
    "actions.py": {"_step": (0, ("progress",))},
    "doctor.py": {"_check": ((2, 3), ("doctor",))},
    "importing.py": {"say": (0, ("error", "import_columns"))},
}


def _named_keys():
    for rel, calls in KEYED_CALLS.items():
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in calls:
                continue
            index, table = calls[name]
            for i in index if isinstance(index, tuple) else (index,):
                arg = node.args[i] if len(node.args) > i else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                    yield f"{rel}:{node.lineno}", (*table, arg.value)


def test_every_key_the_prose_code_names_is_in_every_language():
    named = list(_named_keys())
    assert len(named) > 60  # the finder finds the calls
    for lang in words.LANGS:
        missing = [f"{where} {'.'.join(key)}" for where, key in named
                   if key[-1] not in words.section(lang, *key[:-1])]
        assert not missing, (lang, missing)


def test_every_workbook_error_code_raised_anywhere_has_its_message():
    codes = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "WorkbookError" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                codes.add(node.args[0].value)
    assert len(codes) > 10
    assert codes <= set(words.section(words.REFERENCE, "error", "workbook")), codes


def test_every_setting_has_a_note_and_every_default_playbook_row_its_text_in_every_language():
    for lang in words.LANGS:
        notes = words.section(lang, "setting", "note")
        assert [f.name for f in dataclasses.fields(Settings)] == list(notes)
        for kind, name in pb.DEFAULTS:
            assert list(words.section(lang, "playbook", kind, name)) == pb.TEXT_COLUMNS, (lang, kind, name)


def test_errors_render_one_language_and_str_gives_every_language():
    e = WorkbookError("not_found", path="/x.xlsm")
    assert e.message("zh") == "找不到文件：/x.xlsm" and e.message("en") == "File not found: /x.xlsm"
    assert str(e).splitlines() == [e.message(lang) for lang in words.LANGS]
    assert e.message("xx") == e.message("zh")  # a language without the words: the reference's
    with pytest.raises(KeyError):
        WorkbookError("no_such_case", path="/x.xlsm")


def test_a_schema_error_locates_each_problem_in_each_language():
    e = SchemaError([Problem("订单明细", "column_missing", column="金额 / amount", row=1),
                     Problem("目标", "sheet_missing")])
    assert e.message("zh") == ("工作簿结构有问题，无法分析：\n"
                               "  · 工作表「订单明细」 第 1 行 列「金额 / amount」：缺少必需的列\n"
                               "  · 工作表「目标」：缺少工作表")
    assert e.message("en") == ("The workbook cannot be analysed:\n  · sheet '订单明细', row 1, column '金额 / amount': "
                               "required column missing\n  · sheet '目标': sheet missing")


def test_a_settings_error_names_the_row_key_value_and_why():
    with pytest.raises(SettingsError) as e:
        Settings.from_rows([("rfm_method", "median", 9)])
    assert e.value.message("zh") == "参数表第 9 行 「rfm_method」的值 'median' 无效：可选值：quantile / fixed"
    assert e.value.message("en") == ("Settings sheet row 9, 'rfm_method' = 'median' is invalid: "
                                     "allowed: quantile / fixed")
    with pytest.raises(SettingsError) as e:
        Settings(band_near=1.5)
    assert e.value.message("en") == "setting 'band_near' = 1.5 is invalid: cannot exceed band_met"


@pytest.mark.parametrize("lang", words.LANGS)
def test_what_a_new_settings_sheet_shows_reads_back(lang):
    rows = Settings.rows(lang)
    back = Settings.from_rows([(k, v, i) for i, (k, v, _) in enumerate(rows, start=2)])
    assert back.language == lang and back.revenue_statuses == Settings().revenue_statuses
    assert {back.display_unit, back.input_unit} <= {"元", "万元"}


def test_the_default_playbook_speaks_the_workbook_language_when_rendered():
    vip = pb.lookup(None, pb.TIER)["vip"]
    for lang in words.LANGS:
        assert text(vip["focus"], lang) == words.word(lang, "playbook", "tier", "vip", "focus")
    assert pb.plain(vip["deadline"]) == "每月"


def test_the_command_line_offers_every_language_and_speaks_them_all():
    for name in ("new", "demo", "refresh", "report"):
        option = next(p for p in main.commands[name].params if p.name == "lang")
        assert isinstance(option.type, click.Choice) and tuple(option.type.choices) == words.LANGS
        assert all(str(words.word(lang, "cli", "help", "lang_new" if name in ("new", "demo") else "lang_switch"))
                   in option.help for lang in words.LANGS)


def test_udf_texts_and_doctor_lines_come_from_the_words():
    assert lookup.completion("x", 1) == "#不是数字" and lookup.growth_of("x", 1, "en") == "#not a number"
    assert lookup.segment_of(9, 1, 1, "en") == "#scores are 1-5"
    check = doctor.run(None, platform="linux")[-1]
    assert check.status == doctor.NA and check.fix_text("en") == ""
    assert [check.text(lang) for lang in words.LANGS] == [words.word(lang, "doctor", "no_excel")
                                                          for lang in words.LANGS]
