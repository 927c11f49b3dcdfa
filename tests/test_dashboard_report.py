"""Dashboard charts, the report and the meeting pack, checked in the file itself and on paper.

Charts are read straight out of the saved zip (sheet → drawing → chart parts), so the test sees
what Excel will see: native chart parts whose series point at cells, not pictures. The PDF is
made by the real ``salesbook report --pdf`` (LibreOffice) and rendered with pdftoppm.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

import openpyxl
import pandas as pd
import pytest

from tests.chart_restyle import restyle
from click.testing import CliRunner
from openpyxl.utils.cell import range_boundaries

from salesbook import actions
from salesbook.cli import main
from salesbook.core import meeting

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_lo = pytest.mark.skipif(SOFFICE is None or shutil.which("pdftoppm") is None,
                              reason="LibreOffice and poppler are not installed (.ci/run installs them)")
NS = {"main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}


def invoke(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    from xml.etree import ElementTree as ET

    p = PurePosixPath(part)
    rels = p.parent / "_rels" / (p.name + ".rels")
    if str(rels) not in z.namelist():
        return {}
    root = ET.fromstring(z.read(str(rels)))
    out = {}
    for rel in root.findall("rel:Relationship", NS):
        target = rel.get("Target")
        out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else _join(p.parent, target)
    return out


def _join(base: PurePosixPath, target: str) -> str:
    parts = list(base.parts)
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def charts_of(path: Path, sheet: str) -> list[dict]:
    """The native charts drawn on ``sheet``: kinds, title, series references and anchor cells."""
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rid = next(s.get(f"{{{NS['r']}}}id") for s in wb.iter(f"{{{NS['main']}}}sheet") if s.get("name") == sheet)
        sheet_part = _rels(z, "xl/workbook.xml")[rid]
        drawing = ET.fromstring(z.read(sheet_part)).find("main:drawing", NS)
        if drawing is None:
            return []
        drawing_part = _rels(z, sheet_part)[drawing.get(f"{{{NS['r']}}}id")]
        chart_parts = _rels(z, drawing_part)
        out = []
        for anchor in ET.fromstring(z.read(drawing_part)):
            ref = anchor.find(".//c:chart", NS)
            if ref is None:
                continue
            chart = ET.fromstring(z.read(chart_parts[ref.get(f"{{{NS['r']}}}id")]))
            plot = chart.find(".//c:plotArea", NS)
            kinds = [el.tag.split("}")[1] for el in plot if el.tag.endswith("Chart")]
            series = [{"cat": (s.find("c:cat//c:f", NS).text if s.find("c:cat//c:f", NS) is not None else None),
                       "val": s.find("c:val//c:f", NS).text} for s in plot.iter(f"{{{NS['c']}}}ser")]
            title_el = chart.find(".//c:title", NS)
            title = "".join(t.text or "" for t in title_el.iter(f"{{{NS['a']}}}t"))
            title_ref = title_el.find(".//c:strRef/c:f", NS)
            cell = lambda m: (int(m.find("xdr:col", NS).text), int(m.find("xdr:row", NS).text))  # noqa: E731
            to = anchor.find("xdr:to", NS)
            out.append({"kinds": kinds, "title": title, "series": series, "anchor": anchor.tag.split("}")[1],
                        "title_ref": title_ref.text if title_ref is not None else None,
                        "from": cell(anchor.find("xdr:from", NS)), "to": cell(to) if to is not None else None})
        return out


def _cells(wb, ref: str) -> list:
    sheet, rng = ref.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    c1, r1, c2, r2 = range_boundaries(rng.replace("$", ""))
    return [ws.cell(r, c).value for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _header_row(ws, header: str) -> int:
    return next(r for r in range(1, 60) if any(ws.cell(r, c).value == header for c in range(1, 15)))


def _sheet_frame(wb, name: str, header_row: int = 2) -> pd.DataFrame:
    rows = list(wb[name].values)
    header = rows[header_row - 1]
    body = []
    for r in rows[header_row:]:
        if not any(v is not None for v in r):
            break  # the first block ends at a blank row
        body.append(r)
    return pd.DataFrame(body, columns=header)


def test_the_dashboard_has_seven_native_charts_bound_to_its_own_cells(demo_book):
    found = charts_of(demo_book, "仪表盘")
    assert len(found) == 7
    assert [c["kinds"] for c in found] == [["barChart", "lineChart"], ["barChart", "lineChart"], ["pieChart"],
                                           ["barChart"], ["barChart"], ["barChart", "lineChart"], ["barChart"]]
    wb = openpyxl.load_workbook(demo_book, data_only=True)
    for c in found:  # each title is a cell of the chart's own data slot (Excel shows the cell's text)
        assert c["title_ref"] and c["title_ref"].startswith("'仪表盘'!$")
        c["title"] = _cells(wb, c["title_ref"])[0]
    assert [c["title"][:4] for c in found] == ["月度销售", "完成率（", "产品线占", "客户层级", "RFM ", "客户集中", "销售漏斗"]
    for chart in found:
        assert chart["anchor"] == "twoCellAnchor"  # moves and sizes with its cells
        for s in chart["series"]:
            assert s["val"].startswith("'仪表盘'!$") and s["cat"].startswith("'仪表盘'!$")
            values, cats = _cells(wb, s["val"]), _cells(wb, s["cat"])
            assert len(values) == len(cats) > 0  # a fixed slot: short tables end in empty rows
            assert all(isinstance(v, (int, float)) for v in values if v is not None)
            assert all(c not in (None, "") for c, v in zip(cats, values, strict=True) if v is not None)
            assert cats[0] not in (None, "")
    # no two charts overlap
    boxes = [(c["from"], c["to"]) for c in found]
    for i, (a0, a1) in enumerate(boxes):
        for b0, b1 in boxes[i + 1:]:
            assert a1[0] <= b0[0] or b1[0] <= a0[0] or a1[1] <= b0[1] or b1[1] <= a0[1], (a0, a1, b0, b1)

    # the numbers behind the charts are the analysis' numbers
    by = {c["title"][:4]: c for c in found}
    tiers = _sheet_frame(wb, "客户分层")
    tier_chart = {k: v for k, v in zip(_cells(wb, by["客户层级"]["series"][0]["cat"]),
                                        _cells(wb, by["客户层级"]["series"][0]["val"]), strict=True) if k}
    assert tier_chart == {k: tiers["客户层级"].tolist().count(k) for k in ("VIP", "核心", "普通", "潜在")}
    rfm = _sheet_frame(wb, "RFM")
    seg_chart = dict(zip(_cells(wb, by["RFM "]["series"][0]["cat"]), _cells(wb, by["RFM "]["series"][0]["val"]),
                         strict=True))
    assert {k: v for k, v in seg_chart.items() if v} == dict(collections.Counter(rfm["客户分层"]))
    months = _cells(wb, by["月度销售"]["series"][0]["cat"])
    assert months == sorted(months) and len(months) == 12
    people = [p for p in _cells(wb, by["完成率（"]["series"][0]["cat"]) if p]
    completion = [v for v in _cells(wb, by["完成率（"]["series"][0]["val"]) if v is not None]
    assert completion == sorted(completion, reverse=True) and len(set(people)) == len(people) > 3
    assert set(_cells(wb, by["完成率（"]["series"][1]["val"])) - {None} == {1}  # the 100% line
    pareto = [v for v in _cells(wb, by["客户集中"]["series"][1]["val"]) if v is not None]
    assert pareto == sorted(pareto) and 0 < pareto[-1] <= 1
    assert re.search(r"前 20% 客户贡献 \d+%", by["客户集中"]["title"])
    funnel = dict(zip(_cells(wb, by["销售漏斗"]["series"][0]["cat"]), _cells(wb, by["销售漏斗"]["series"][0]["val"]),
                      strict=True))
    stages = _sheet_frame(wb, "销售漏斗", header_row=_header_row(wb["销售漏斗"], "到达线索数"))
    reached = dict(zip(stages["阶段"], stages["到达线索数"], strict=True))
    assert list(funnel) == ["需求确认", "方案提交", "商务谈判", "成交"]
    assert all(funnel[k] == reached[k] for k in funnel) and list(funnel.values()) == sorted(funnel.values(),
                                                                                         reverse=True)


def test_the_kpi_cards_show_value_change_and_status_colour(demo_book):
    wb = openpyxl.load_workbook(demo_book)
    ws = wb["仪表盘"]
    assert ws["A8"].value == "本月销售额(万元)" and isinstance(ws["A9"].value, float)
    change = ws["A10"].value
    assert change.startswith("较上月同期")
    colour = ws["A10"].fill.fgColor.rgb
    assert colour in ("00C6EFCE", "00FFC7CE", "FFC6EFCE", "FFFFC7CE")  # green or red, by direction
    assert (colour.endswith("C6EFCE")) == ("+" in change)  # sales up is good
    assert ws["A12"].value == "退单率" and (ws["A14"].fill.fgColor.rgb.endswith("C6EFCE")) == ("-" in ws["A14"].value)


def test_charts_stay_bound_after_saves_flags_cleaning_and_a_second_refresh(work_copy):
    before = charts_of(work_copy, "仪表盘")
    report_before = charts_of(work_copy, "分析报告")
    assert len(report_before) == 6
    for cmd in (["flag"], ["clean"], ["undo-clean"], ["clear-flags"], ["refresh"], ["refresh"], ["report"]):
        invoke(*cmd, work_copy)
        assert charts_of(work_copy, "仪表盘") == before, cmd
        assert charts_of(work_copy, "分析报告") == report_before, cmd


@needs_lo
@pytest.mark.libreoffice
def test_libreoffice_reads_the_charts_with_the_same_ranges(demo_book, tmp_path):
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path), str(demo_book)], check=True, capture_output=True, timeout=240)
    theirs = charts_of(tmp_path / (demo_book.stem + ".xlsx"), "仪表盘")
    ours = charts_of(demo_book, "仪表盘")
    norm = lambda ref: ref.replace("'", "") if ref else ref  # noqa: E731
    assert len(theirs) == 7
    assert sorted(norm(s["val"]) for c in theirs for s in c["series"]) == \
        sorted(norm(s["val"]) for c in ours for s in c["series"])


def _dark_share(pgm: bytes) -> float:
    magic, dims, _maxval, pixels = pgm.split(b"\n", 3)
    assert magic == b"P5"
    return sum(1 for p in pixels if p < 200) / max(1, len(pixels))


def _blue_pixels(ppm: bytes) -> int:
    _magic, _dims, _maxval, pixels = ppm.split(b"\n", 3)
    rgb = zip(pixels[0::3], pixels[1::3], pixels[2::3], strict=False)
    return sum(1 for r, g, b in rgb if b > 150 and r < 120 and g < 160)  # the chart bars


@needs_lo
@pytest.mark.libreoffice
def test_report_pdf_reads_as_an_analysis_and_every_page_has_ink(work_copy, tmp_path):
    pdf = tmp_path / "周报 报告.pdf"
    invoke("report", work_copy, "--pdf", pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                          timeout=120).stdout.decode()
    for heading in ("分析背景与目标", "客户整体概况", "客户分层结果", "关键问题与需求", "策略建议", "下一步计划"):
        assert heading in text
    assert re.search(r"区域今年完成率 \d+\.\d%，拖累团队完成率 \d+\.\d 个百分点", text)
    assert re.search(r"今年累计销售额 [\d,]+\.\d\d万元", text)
    wb = openpyxl.load_workbook(work_copy)
    titles = [r[0] for r in wb["例会材料"].iter_rows(values_only=True) if r[0] and "· 例会材料" in str(r[0])]
    for t in titles:
        assert t.split(" · ")[0] in text.replace(" ", "")  # every meeting page is printed
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                            check=True).stdout.decode()).group(1))
    assert pages >= 1 + 3 + len(titles)  # dashboard, report, one page per salesperson and region
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(tmp_path / "g")], check=True, timeout=300)
    for page in sorted(tmp_path.glob("g-*.pgm")):
        assert _dark_share(page.read_bytes()) > 0.002, f"{page.name} is blank"
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "c")], check=True,
                   timeout=120)
    first = next(tmp_path.glob("c-*.ppm")).read_bytes()
    assert _blue_pixels(first) > 2000, "the dashboard page shows no chart bars"


def test_the_report_in_english(work_copy):
    invoke("report", work_copy, "--lang", "en")
    wb = openpyxl.load_workbook(work_copy)
    assert "Report" in wb.sheetnames and "Meeting pack" in wb.sheetnames and "分析报告" not in wb.sheetnames
    text = "\n".join(str(r[0]) for r in wb["Report"].iter_rows(values_only=True) if r[0])
    for heading in ("1. Background and objectives", "2. Customer overview", "3. Customer segmentation",
                    "4. Key issues and needs", "5. Recommended strategies", "6. Next steps"):
        assert heading in text
    assert re.search(r"costs the team \d+\.\d percentage points", text)
    assert not re.search(r"[一-龥]{2,}(?:家|笔|条)", text)  # no Chinese counting sentences left over
    found = charts_of(work_copy, "Report")  # the template's charts followed the sheet's new name
    assert len(found) == 6 and all(s["val"].startswith("'Report'!$") for c in found for s in c["series"])
    values = openpyxl.load_workbook(work_copy, data_only=True)
    assert {_cells(values, c["title_ref"])[0] for c in found} >= {"Monthly sales vs target", "Customer tiers"}
    dash = charts_of(work_copy, "Dashboard")
    assert len(dash) == 7 and all(c["title_ref"].startswith("'Dashboard'!$") for c in dash)
    pack = [r[0] for r in wb["Meeting pack"].iter_rows(values_only=True) if r[0]]
    assert any("meeting pack (as of" in str(v) for v in pack) and "Open alerts" in pack


def test_the_meeting_pack_has_one_page_per_salesperson_and_region(work_copy):
    wb = openpyxl.load_workbook(work_copy)
    ws = wb["例会材料"]
    rows = list(ws.iter_rows(values_only=True))
    starts = [i for i, r in enumerate(rows, start=1) if r[0] and "· 例会材料" in str(r[0])]
    orders = _sheet_frame(wb, "订单明细", header_row=1)
    reps, regions = set(orders["销售负责人"].dropna()), set(orders["区域"].dropna())
    subjects = [str(rows[i - 1][0]).split(" · ")[0] for i in starts]
    assert set(subjects) == reps | {f"{r}区域" for r in regions}
    assert [b.id + 1 for b in ws.row_breaks.brk] == starts[1:]  # each page starts on a new sheet of paper
    as_of = wb["仪表盘"]["B2"].value
    for start, end in zip(starts, starts[1:] + [len(rows) + 1], strict=True):
        page = rows[start - 1:end - 1]
        labels = [r[0] for r in page]
        due_at = next(i for i, v in enumerate(labels) if v and str(v).startswith("本周待跟进"))
        for r in page[due_at + 2:]:
            if r[0] is None or r[0] == "（无）":
                break
            assert r[3] <= as_of + pd.Timedelta(days=meeting.DUE_DAYS)  # due this week or overdue


def test_an_acknowledged_alert_leaves_the_meeting_pack(work_copy):
    wb = openpyxl.load_workbook(work_copy, keep_vba=True)
    alerts = wb["异常预警"]
    header = [c.value for c in alerts[2]]
    msg_col, dec_col = header.index("说明"), header.index("处理结果")
    text = "\n".join(str(r[5]) for r in wb["例会材料"].iter_rows(values_only=True) if r[5])  # 说明 is column F
    row = next(r for r in alerts.iter_rows(min_row=3) if r[msg_col].value and str(r[msg_col].value)[:30] in text)
    message = str(row[msg_col].value)
    row[dec_col].value = "已核实"
    wb.save(work_copy)
    invoke("report", work_copy)
    text = "\n".join(str(r[5]) for r in openpyxl.load_workbook(work_copy)["例会材料"].iter_rows(values_only=True)
                     if r[5])
    assert message not in text
    assert "说明" in text  # the other alerts are still listed


def _dashboard_chart_parts(path: Path) -> dict[str, bytes]:
    """The dashboard's chart parts by name (found through the sheet's drawing relationships)."""
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rid = next(s.get(f"{{{NS['r']}}}id") for s in wb.iter(f"{{{NS['main']}}}sheet") if s.get("name") == "仪表盘")
        sheet_part = _rels(z, "xl/workbook.xml")[rid]
        drawing = ET.fromstring(z.read(sheet_part)).find("main:drawing", NS)
        drawing_part = _rels(z, sheet_part)[drawing.get(f"{{{NS['r']}}}id")]
        return {name: z.read(name) for name in _rels(z, drawing_part).values()}


def test_a_restyled_chart_survives_two_refreshes_while_its_numbers_change(small_book, tmp_path):
    from salesbook.excel import engine

    path = tmp_path / "改过样式.xlsm"
    shutil.copy(small_book, path)
    parts = _dashboard_chart_parts(path)
    monthly = next(n for n, x in parts.items() if b"<c:lineChart>" in x or b"<lineChart>" in x)
    xml = parts[monthly].decode()
    restyled = restyle(path, monthly, xml)  # the user's restyle: horizontal bars, a red first series
    before = openpyxl.load_workbook(path, data_only=True)["仪表盘"]
    slot = [before.cell(r, 21).value for r in range(18, 30)]  # the monthly slot's sales (U18:U29)

    book = engine.open_book(path)
    actions.refresh(book, today=dt.date(2026, 11, 24))
    book.save()
    orders = book.sheets["订单明细"]
    last = orders.used_range.last_cell.row
    header = orders.range("A1").expand("right").value
    row = [None] * len(header)
    latest = max(v for v in orders.range((2, header.index("下单日期") + 1), (last, header.index("下单日期") + 1)).value
                 if isinstance(v, dt.datetime))
    for name, value in (("订单编号", "SO-新-1"), ("下单日期", latest), ("客户编号", "C0001"), ("金额", 1_000_000),
                        ("订单状态", "已成交"), ("销售负责人", "王芳")):
        row[header.index(name)] = value
    orders.range((last + 1, 1)).value = row
    book.save()
    book = engine.open_book(path)
    actions.refresh(book, today=dt.date(2026, 11, 24))
    book.save()

    assert _dashboard_chart_parts(path)[monthly] == restyled.encode()  # byte for byte: nobody rewrote it
    after = openpyxl.load_workbook(path, data_only=True)["仪表盘"]
    now = [after.cell(r, 21).value for r in range(18, 30)]
    assert now[-1] == pytest.approx(slot[-1] + 100, abs=0.01)  # +1,000,000 元 = +100 万元 in the last month
    assert now[:-1] == pytest.approx(slot[:-1])
