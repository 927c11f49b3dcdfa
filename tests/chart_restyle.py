"""A user's restyle of a chart, done to the file as Excel would save it: horizontal bars and a red first
series. Shared by the dashboard's and the report's "a restyled chart survives refreshes" tests."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

RED = "FF0000"


def restyle(path: Path, part: str, xml: str) -> str:
    """Rewrite the chart ``part`` of the workbook at ``path`` with bars and a red first series; returns the new xml."""
    restyled = xml.replace('<barDir val="col"/>', '<barDir val="bar"/>', 1)
    restyled = re.sub(r"(<ser>.*?</tx>)<spPr>.*?</spPr>", r'\1<spPr><a:solidFill xmlns:a="http://schemas.openxml'
                      rf'formats.org/drawingml/2006/main"><a:srgbClr val="{RED}"/></a:solidFill></spPr>',
                      restyled, count=1, flags=re.S)
    assert restyled != xml and 'val="bar"' in restyled and RED in restyled
    copy = path.with_name("restyle.tmp.xlsm")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, restyled.encode() if info.filename == part else zin.read(info.filename))
    shutil.move(copy, path)
    return restyled
