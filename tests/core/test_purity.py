"""The core is pure: no Excel libraries, and no function changes its input."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from salesbook import demo
from salesbook.core.pipeline import RawTable, run
from salesbook.settings import Settings
from tests.conftest import TODAY


def test_core_imports_with_excel_libraries_blocked():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('xlwings', 'openpyxl'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import salesbook.core.pipeline, salesbook.core.rfm, salesbook.demo\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_the_pipeline_does_not_mutate_its_input_tables():
    raw = demo.sample(60, 500, seed=3)
    tables = {k: RawTable(v.assign(_row=range(2, len(v) + 2)), k) for k, v in raw.items()}
    before = {k: t.df.copy() for k, t in tables.items()}
    run(tables, settings=Settings(), today=TODAY)
    for k, t in tables.items():
        pd.testing.assert_frame_equal(t.df, before[k])
