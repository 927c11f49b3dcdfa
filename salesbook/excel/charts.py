"""Native Excel charts bound to worksheet ranges, from small declarative specs.

A :class:`ChartSpec` names its data by A1 ranges on the same sheet, so a chart is a real Excel
chart that users can restyle, and its numbers are visible cells. The charts are drawn once, when
the template is built (:func:`add_to_template`, with openpyxl); they belong to the workbook, and a
refresh — in Excel or headless — writes only the cells they are bound to. No chart code runs at
refresh time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries


@dataclass(frozen=True)
class Series:
    """One series of a chart: its title (or the cell holding it), the A1 range of its values, bar or line,
    and whether it is on the secondary axis."""
    title: str
    values: str  # A1 range of the values (no header)
    kind: str = "bar"  # bar | line
    secondary: bool = False
    title_ref: str | None = None  # the series name from this cell ('Sheet'!$B$2) instead of ``title``


@dataclass(frozen=True)
class ChartSpec:
    """A chart bound to cells: title (or its cell), kind (column, bar, pie, combo), the category range, the
    series, and the cells it covers (it moves and sizes with them)."""
    title: str
    kind: str  # column | bar | pie | combo
    categories: str  # A1 range of the category labels
    series: tuple[Series, ...]
    area: str  # the cells the chart covers, e.g. "A16:H30": it moves and sizes with them
    span: tuple[float, float] | None = None  # share of the area's width to use, e.g. (0, 0.5): left half
    y_format: str | None = None
    y2_format: str | None = None
    extra: dict = field(default_factory=dict)
    title_ref: str | None = None  # the chart title from this cell; ``title`` is then its cached text


def _ref(ws, a1: str) -> Reference:
    c1, r1, c2, r2 = range_boundaries(a1)
    return Reference(ws, min_col=c1, min_row=r1, max_col=c2, max_row=r2)


def _str_ref(ref: str, cached: str):
    """A reference to one cell with its cached text: Excel shows the cell, clients that do not follow
    references in chart titles (LibreOffice) the cached text."""
    from openpyxl.chart.data_source import StrData, StrRef, StrVal

    return StrRef(f=ref, strCache=StrData(ptCount=1, pt=[StrVal(idx=0, v=cached)]) if cached else None)


def _series_label(s: Series):
    from openpyxl.chart.series import SeriesLabel

    return SeriesLabel(strRef=_str_ref(s.title_ref, s.title)) if s.title_ref else SeriesLabel(v=s.title)


def _title(spec: ChartSpec):
    if not spec.title_ref:
        return spec.title
    from openpyxl.chart.text import Text
    from openpyxl.chart.title import Title

    return Title(tx=Text(strRef=_str_ref(spec.title_ref, spec.title)), overlay=False)


def _openpyxl_chart(ws, spec: ChartSpec):
    cats = _ref(ws, spec.categories)
    if spec.kind == "pie":
        chart = PieChart()
        for s in spec.series:
            chart.add_data(_ref(ws, s.values))
            chart.series[-1].tx = _series_label(s) if s.title_ref else None
        chart.set_categories(cats)
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showPercent = True
        chart.dataLabels.showCatName = True
        chart.dataLabels.showVal = False
        chart.dataLabels.showSerName = False
        chart.dataLabels.showLegendKey = False
    else:
        chart = BarChart()
        chart.type = "bar" if spec.kind == "bar" else "col"
        lines = LineChart()
        lines2 = LineChart()
        for s in spec.series:
            target = chart if s.kind == "bar" else (lines2 if s.secondary else lines)
            target.add_data(_ref(ws, s.values))
            target.series[-1].tx = _series_label(s)
            if s.kind == "line":
                target.series[-1].smooth = False
        chart.set_categories(cats)
        if spec.y_format:
            chart.y_axis.number_format = spec.y_format
            chart.y_axis.majorGridlines = chart.y_axis.majorGridlines
        if lines.series:
            lines.set_categories(cats)
            chart += lines
        if lines2.series:
            lines2.set_categories(cats)
            lines2.y_axis.axId = 200
            lines2.y_axis.crosses = "max"
            if spec.y2_format:
                lines2.y_axis.number_format = spec.y2_format
            chart += lines2
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        if spec.kind == "bar":  # horizontal bars read top-down: the first category on top (a funnel)
            chart.x_axis.scaling.orientation = "maxMin"
    chart.title = _title(spec)
    chart.legend.position = "b"
    return chart


def add_to_template(ws, specs: list[ChartSpec]) -> None:
    """Draw ``specs`` on an openpyxl worksheet (the template build): the charts then belong to the
    workbook, and a refresh only writes the cells they are bound to."""
    for spec in specs:
        chart = _openpyxl_chart(ws, spec)
        chart.anchor = _cell_anchor(ws, spec.area, spec.span)
        ws.add_chart(chart)


GAP_PT = 4  # white space between neighbouring charts
_EMU_PER_PT = 12700


def _column_emu(ws, col: int) -> int:
    width = ws.column_dimensions[get_column_letter(col)].width or 8.43
    return int((width * 8 + 5) * 9525)  # Excel's pixel width of a column (Calibri 12, the book's font), in EMU


def _cell_anchor(ws, area: str, span: tuple[float, float] | None) -> TwoCellAnchor:
    """A two-cell anchor: the chart spans exactly these cells, whatever their widths in any client."""
    c1, r1, c2, r2 = range_boundaries(area)
    gap = GAP_PT * _EMU_PER_PT
    if span is None:  # up to the start of the next column and row; the gap is on the left
        return TwoCellAnchor(_from=AnchorMarker(col=c1 - 1, colOff=gap, row=r1 - 1, rowOff=0),
                             to=AnchorMarker(col=c2, colOff=0, row=r2, rowOff=0))
    # a share of one wide column (two charts side by side): offsets from the column's left edge, on
    # Excel's width of the column (other clients draw a column wider: the figures then keep their size)
    width = _column_emu(ws, c2)
    return TwoCellAnchor(_from=AnchorMarker(col=c1 - 1, colOff=int(span[0] * width) + gap, row=r1 - 1, rowOff=0),
                         to=AnchorMarker(col=c2 - 1, colOff=int(span[1] * width) - gap, row=r2, rowOff=0))
