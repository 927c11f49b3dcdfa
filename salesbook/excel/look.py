"""The one style table of the Excel edge: fills, fonts and number formats salesbook writes.

Every writer takes its colours and formats from here, so a sheet, the dashboard, the report
and the flags on the input sheets agree, and changing a colour or a format is one line.
Colours are (r, g, b) tuples, as xlwings' ``Range.color`` takes them.
"""

from __future__ import annotations

from functools import cache

from .. import words

# -- fills -----------------------------------------------------------------------------------------
HEADER_FILL = (31, 78, 121)  # dark blue: table header rows and KPI card heads (white bold text)
TITLE_FILL = (221, 235, 247)  # light blue: block titles and small headers
INPUT_FILL = (255, 242, 204)  # light yellow: cells a person types in (参数 values, the report's review)
RED, AMBER, GREEN, BLUE, GREY = (255, 199, 206), (255, 235, 156), (198, 239, 206), (221, 235, 247), (237, 237, 237)
WHITE = (255, 255, 255)

# -- number formats -------------------------------------------------------------------------------
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
# by column kind (see io.write_blocks); a rate's change in percentage points: the frame holds the
# fraction (0.011), the cell 1.1 with the unit in the format
NUMBER_FORMATS = {"amount": "#,##0.00", "pct": "0.0%", "growth": "+0.0%;-0.0%;0.0%", "int": "#,##0",
                  "num": "#,##0.0", "date": DATE_FORMAT}


@cache
def number_formats(lang: str) -> dict[str, str]:
    """The column kind → number format table for a workbook language: the shared formats, and a rate's
    change in the language's word for percentage points (+1.1个百分点 / +1.1 pp)."""
    pp = words.word(lang, "format", "points")
    return {**NUMBER_FORMATS, "pp": ";".join(f'{sign}0.0"{pp}"' for sign in ("+", "-", ""))}
