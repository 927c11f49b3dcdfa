"""salesbook — 销售分析: an Excel add-in and command line for sales teams.

Layers (data flows one way)::

    input sheets ──excel.io.read_tables──▶ RawTables ──core.pipeline.run──▶ Result ──excel.outputs.write_results──▶ sheets

``core`` is pure pandas; ``excel`` talks to a workbook only through xlwings' API (live Excel,
or :mod:`salesbook.excel.engine` for files); ``actions`` is what buttons and commands do.
"""

__version__ = "0.1.0"
