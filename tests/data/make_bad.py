"""Write the bad-input corpus: tests/data/bad/*.xlsm (and friends) plus cases.json.

    python tests/data/make_bad.py

Every case starts from a fresh tracker (the real template, VBA and ribbon included) holding a
small, valid data set, then breaks one thing the way users and CRM exports do. cases.json says
what each file is and what salesbook must do with it: ``error`` (exit code 2 and a message
naming the place, in Chinese and English; the file untouched) or ``ok`` (the run completes; the
``checks`` name what tests/test_bad_inputs.py verifies in the result). The files are committed;
the test does not regenerate them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent / "bad"
D = dt.datetime

ORDERS = [  # order_id, date, customer_id, name, salesperson, region, product, channel, amount, status
    ("SO001", D(2024, 1, 15), "C001", "甲公司", "张伟", "华东", "A产品", "展会", 12000, "已成交"),
    ("SO002", D(2024, 2, 20), "C002", "乙公司", "王芳", "华南", "B产品", "电话营销", 8000, "已回款"),
    ("SO003", D(2024, 3, 5), "C001", "甲公司", "张伟", "华东", "B产品", "展会", 15000, "已签约"),
    ("SO004", D(2024, 3, 18), "C003", "丙公司", "王芳", "华南", "A产品", "线上推广", 6000, "已成交"),
    ("SO005", D(2024, 4, 2), "C002", "乙公司", "王芳", "华南", "A产品", "电话营销", 9000, "已成交"),
    ("SO006", D(2024, 5, 9), "C001", "甲公司", "张伟", "华东", "A产品", "展会", 11000, "已回款"),
    ("SO007", D(2024, 6, 1), "C003", "丙公司", "王芳", "华南", "C产品", "线上推广", 7000, "已取消"),
    ("SO008", D(2024, 6, 20), "C004", "丁公司", "张伟", "华东", "A产品", "展会", 20000, "已成交"),
]
TARGETS = [("2024-01", "张伟", None, None, 10000), ("2024-02", "王芳", None, None, 10000),
           ("2024Q2", "张伟", None, None, 30000), ("2024Q2", "王芳", None, None, 30000)]
CUSTOMERS = [("C001", "甲公司"), ("C002", "乙公司"), ("C003", "丙公司"), ("C004", "丁公司")]
FOLLOWUPS = [("C001", D(2024, 5, 10), "回访", 4, "推荐新品", D(2024, 6, 10), "张伟"),
             ("C002", D(2024, 4, 3), "电话", 3, "报价", D(2024, 5, 3), "王芳")]

CASES: list[dict] = []


def case(file: str, what: str, expect: str = "ok", messages: tuple[str, ...] = (), checks: tuple[str, ...] = ()):
    def register(fn: Callable):
        CASES.append({"file": file, "what": what, "expect": expect, "messages": list(messages),
                      "checks": list(checks), "_make": fn})
        return fn
    return register


def filled(template: Path, *, vba: bool = True) -> openpyxl.Workbook:
    wb = openpyxl.load_workbook(template, keep_vba=vba)
    for r, row in enumerate(ORDERS, start=2):
        for c, v in enumerate(row, start=1):
            wb["订单明细"].cell(r, c, v)
    for r, row in enumerate(TARGETS, start=2):
        for c, v in enumerate(row, start=1):
            wb["销售目标"].cell(r, c, v)
    for r, row in enumerate(CUSTOMERS, start=2):
        for c, v in enumerate(row, start=1):
            wb["客户档案"].cell(r, c, v)
    for r, row in enumerate(FOLLOWUPS, start=2):
        for c, v in enumerate(row, start=1):
            wb["跟进记录"].cell(r, c, v)
    return wb


def set_col(wb, sheet: str, col: int, values: list, start: int = 2) -> None:
    for i, v in enumerate(values):
        cell = wb[sheet].cell(start + i, col)
        cell.value = v  # (cell(r, c, None) would leave the old value)
        if isinstance(v, str) and v.startswith("="):
            cell.data_type = "s"  # text a CRM exported, as Excel keeps it after an import: not a formula


# ---- types and values -------------------------------------------------------------------------
@case("金额是文字.xlsm", "amount typed as words (一万二) and as a date", checks=("excluded:订单明细:2:金额",))
def _(wb):
    set_col(wb, "订单明细", 9, ["一万二", D(2024, 1, 1)])


@case("日期是数字.xlsm", "order dates typed as Excel serial numbers and as a plain integer 2024",
      checks=("excluded:订单明细:3:下单日期",))
def _(wb):
    set_col(wb, "订单明细", 2, [45306, 2024])


@case("状态是布尔值.xlsm", "TRUE/FALSE in the status column", checks=("logged:订单明细:2:订单状态",))
def _(wb):
    set_col(wb, "订单明细", 10, [True, False])


@case("公式单元格.xlsm", "formulas in data cells (=1000+2000, =DATE(2024,3,1)) never calculated by Excel",
      checks=("excluded:订单明细:2:金额", "excluded:订单明细:3:下单日期"))
def _(wb):
    wb["订单明细"]["I2"] = "=1000+2000"
    wb["订单明细"]["B3"] = "=DATE(2024,3,1)"


@case("错误值.xlsm", "#N/A, #DIV/0! and #VALUE! in amount, date and customer cells",
      checks=("excluded:订单明细:2:金额", "excluded:订单明细:3:下单日期"))
def _(wb):
    wb["订单明细"]["I2"] = "#N/A"
    wb["订单明细"]["B3"] = "#DIV/0!"
    wb["订单明细"]["C4"] = "#VALUE!"


for _fmt, _text in [("斜杠", "2024/3/1"), ("中文", "2024年3月1日"), ("紧凑", "20240301"), ("点号", "2024.03.01"),
                    ("横杠日月年", "01-03-2024"), ("无年份", "3月1日"), ("带时间", "2024-03-01 14:30")]:
    def _make(wb, text=_text):
        set_col(wb, "订单明细", 2, [text] * 3)
    case(f"日期文本_{_fmt}.xlsm", f"order dates as text: {_text}", checks=("no_crash",))(_make)


@case("金额带符号.xlsm", "amounts with ¥, RMB, 元, thousands commas, 万 and (negative)",
      checks=("monetary:C001:12000+15000+11000", "monetary:C002:8000+9000"))
def _(wb):
    set_col(wb, "订单明细", 9, ["¥12,000", "RMB 8000", "1.5万", "6,000元", "9000.00", "￥11,000"])
    wb["订单明细"]["I8"] = "(7000)"


@case("金额单位万元.xlsm", "the amount header says 金额(万元)", checks=("monetary:C004:200000",))
def _(wb):
    wb["订单明细"]["I1"] = "金额(万元)"
    set_col(wb, "订单明细", 9, [1.2, 0.8, 1.5, 0.6, 0.9, 1.1, 0.7, 20])


# ---- headers and layout -----------------------------------------------------------------------
@case("合并表头.xlsm", "header cells 订单编号 and 下单日期 merged into one", "error", ("订单明细", "下单日期", "order_date"))
def _(wb):
    wb["订单明细"].merge_cells("A1:B1")


@case("隐藏行列.xlsm", "hidden rows and a hidden column: still analysed", checks=("orders:8",))
def _(wb):
    ws = wb["订单明细"]
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[5].hidden = True
    ws.column_dimensions["H"].hidden = True


@case("中英混合表头.xlsm", "headers half Chinese, half English (order_date, Customer ID, amount)", checks=("orders:8",))
def _(wb):
    ws = wb["订单明细"]
    ws["B1"], ws["C1"], ws["I1"], ws["J1"] = "order_date", "customer_id", "Amount", "status"


@case("多余列.xlsm", "extra columns the CRM added (备注, 内部编码) between and after ours", checks=("orders:8",))
def _(wb):
    ws = wb["订单明细"]
    ws["M1"] = "CRM备注"
    set_col(wb, "订单明细", 13, ["加急", "老客户", "=不是公式", "+86 138 0000 0000"])
    ws["O1"] = "内部编码"
    set_col(wb, "订单明细", 15, [1, 2, 3])


@case("只有一行.xlsm", "one order only", checks=("orders:1",))
def _(wb):
    wb["订单明细"].delete_rows(3, 10)


@case("零行订单.xlsm", "orders sheet with the header and no rows", "error", ("订单明细", "没有数据行", "no data rows"))
def _(wb):
    wb["订单明细"].delete_rows(2, 20)


@case("空格行.xlsm", "orders rows that hold only spaces", "error", ("订单明细", "没有数据行", "no data rows"))
def _(wb):
    ws = wb["订单明细"]
    ws.delete_rows(2, 20)
    for r in range(2, 6):
        for c in range(1, 11):
            ws.cell(r, c, "   ")


@case("重复表头.xlsm", "two columns both headed 金额", checks=("no_crash",))
def _(wb):
    wb["订单明细"]["K1"] = "金额"


@case("表头不在首行.xlsm", "a title row and a blank row above the header", checks=("orders:8",))
def _(wb):
    ws = wb["订单明细"]
    ws.insert_rows(1, 2)
    ws["A1"] = "2024 年订单导出"


@case("改名工作表.xlsm", "the orders sheet renamed to 订单 2024", "error", ("订单明细", "Orders"))
def _(wb):
    wb["订单明细"].title = "订单 2024"


@case("英文工作表名.xlsm", "the orders sheet renamed to its English name Orders", checks=("orders:8",))
def _(wb):
    wb["订单明细"].title = "Orders"


@case("缺客户编号列.xlsm", "the 客户编号 column deleted: the customer name stands in, and the log says so",
      checks=("orders:8", "logged:订单明细:2:customer_id"))
def _(wb):
    wb["订单明细"].delete_cols(3)


@case("缺金额列.xlsm", "the 金额 column deleted", "error", ("订单明细", "金额", "amount"))
def _(wb):
    wb["订单明细"].delete_cols(9)


@case("缺目标表.xlsm", "no 销售目标 sheet at all: analysis without targets", checks=("orders:8",))
def _(wb):
    del wb["销售目标"]


@case("缺参数表.xlsm", "no 参数 sheet: seed defaults apply", checks=("orders:8",))
def _(wb):
    del wb["参数"]


@case("保护工作表.xlsm", "the orders sheet is password-protected: read it, never write into it",
      checks=("orders:8",))
def _(wb):
    wb["订单明细"].protection.sheet = True
    wb["订单明细"].protection.password = "销售123"


# ---- values from CRM exports ------------------------------------------------------------------
@case("CRM公式文本.xlsm", "customer names starting with =, +, -, @ (text from a CRM, not formulas)",
      checks=("text_not_formula",))
def _(wb):
    set_col(wb, "订单明细", 4, ['=HYPERLINK("http://x.cn","甲")', "+86 乙公司", "-折扣客户", "@张三的客户"])
    set_col(wb, "客户档案", 2, ['=HYPERLINK("http://x.cn","甲")', "+86 乙公司", "-折扣客户", "@张三的客户"])


@case("未知状态.xlsm", "statuses nobody defined (已作废, pending)", checks=("logged:订单明细:2:订单状态",))
def _(wb):
    set_col(wb, "订单明细", 10, ["已作废", "pending"])


@case("负数金额.xlsm", "returns booked as negative amounts", checks=("orders:8",))
def _(wb):
    set_col(wb, "订单明细", 9, [-3000, -500], start=8)


@case("未来日期.xlsm", "order dates in the future (typo 2042)", checks=("no_crash",))
def _(wb):
    set_col(wb, "订单明细", 2, [D(2042, 3, 1)], start=3)


@case("重复订单号.xlsm", "the same order id on two rows", checks=("alert:duplicate_id",))
def _(wb):
    set_col(wb, "订单明细", 1, ["SO001"], start=3)


@case("小计行.xlsm", "a 2024年Q1总计 subtotal row inside the data", checks=("monetary:C001:12000+15000+11000",))
def _(wb):
    ws = wb["订单明细"]
    ws.insert_rows(6)
    ws["A6"], ws["I6"] = "2024年Q1总计", 41000


@case("编号空格全角.xlsm", "customer ids with spaces and full-width letters (' C001 ', 'Ｃ００１')",
      checks=("monetary:C001:12000+15000+11000",))
def _(wb):
    set_col(wb, "订单明细", 3, [" C001 "], start=2)
    set_col(wb, "订单明细", 3, ["Ｃ００１"], start=4)


@case("目标为零或空.xlsm", "targets of 0 and blank", checks=("no_crash",))
def _(wb):
    wb["销售目标"]["E2"] = 0
    wb["销售目标"]["E3"] = None


@case("参数无效.xlsm", "参数 silent_factor typed as text", "error", ("参数", "alert_silent_factor"))
def _(wb):
    ws = wb["参数"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "alert_silent_factor")
    ws.cell(row, 2, "一点五倍")


@case("超长文本.xlsm", "a 10,000-character customer name and note", checks=("orders:8",))
def _(wb):
    wb["订单明细"]["D2"] = "长" * 10_000
    wb["跟进记录"]["C2"] = "备注" * 5_000


@case("表情生僻字.xlsm", "emoji and rare CJK (𠀀𪚥) in names, ids and regions", checks=("orders:8",))
def _(wb):
    set_col(wb, "订单明细", 4, ["😀甲公司", "𠀀乙公司"])
    set_col(wb, "订单明细", 6, ["𪚥区"], start=5)
    set_col(wb, "订单明细", 3, ["C😀1"], start=8)


@case("远处格式单元格.xlsm", "a stray formatted cell at row 1,048,576 (the used range is the whole sheet)",
      checks=("orders:8",))
def _(wb):
    wb["订单明细"]["A1048576"].fill = PatternFill("solid", fgColor="FFFF00")
    wb["订单明细"]["L1048576"] = " "  # a value, too: Excel's used range really is a million rows


@case("全部日期无效.xlsm", "every order date unreadable", checks=("no_crash",))
def _(wb):
    set_col(wb, "订单明细", 2, ["不知道"] * len(ORDERS))


@case("空客户编号.xlsm", "customer id blank on a row: the customer name stands in, and the log says so",
      checks=("logged:订单明细:3:客户编号", "orders:8"))
def _(wb):
    set_col(wb, "订单明细", 3, [None], start=3)


@case("跟进记录坏日期.xlsm", "follow-up dates and satisfaction scores unreadable", checks=("no_crash",))
def _(wb):
    set_col(wb, "跟进记录", 2, ["上周"])
    set_col(wb, "跟进记录", 4, ["很好"])


# ---- files that are not what they claim -------------------------------------------------------
RAW: dict[str, Callable[[Path, Path], None]] = {}


def raw_case(file: str, what: str, expect: str, messages: tuple[str, ...] = (), checks: tuple[str, ...] = ()):
    def register(fn):
        CASES.append({"file": file, "what": what, "expect": expect, "messages": list(messages),
                      "checks": list(checks), "_raw": fn})
        return fn
    return register


@raw_case("损坏的压缩包.xlsm", "a truncated download: the zip is cut in half", "error", ("不是有效的 Excel", "not a valid"))
def _(good: Path, out: Path):
    data = good.read_bytes()
    out.write_bytes(data[: len(data) // 2])


@raw_case("随机字节.xlsm", "random bytes named .xlsm", "error", ("不是有效的 Excel", "not a valid"))
def _(good: Path, out: Path):
    import random

    out.write_bytes(bytes(random.Random(7).randrange(256) for _ in range(4096)))


@raw_case("空文件.xlsm", "a 0-byte file", "error", ("不是有效的 Excel", "not a valid"))
def _(good: Path, out: Path):
    out.write_bytes(b"")


@raw_case("其实是CSV.xlsm", "a CSV export renamed to .xlsm", "error", ("不是有效的 Excel", "not a valid"))
def _(good: Path, out: Path):
    out.write_text("订单编号,下单日期,金额\nSO1,2024-01-01,100\n", encoding="utf-8-sig")


@raw_case("没有宏.xlsx", "a plain .xlsx without VBA (saved as 'Excel Workbook')", "ok", checks=("orders:8", "no_vba"))
def _(good: Path, out: Path):
    wb = openpyxl.load_workbook(good)  # without keep_vba: the macros are dropped, as Excel does for .xlsx
    wb.save(out)


def main() -> None:
    from salesbook.excel.template import build_template

    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.xlsm"
        build_template(template)
        good = Path(tmp) / "good.xlsm"
        filled(template).save(good)
        for c in CASES:
            out = OUT / c["file"]
            if "_make" in c:
                wb = filled(template)
                c["_make"](wb)
                wb.save(out)
            else:
                c["_raw"](good, out)
    manifest = [{k: v for k, v in c.items() if not k.startswith("_")} for c in CASES]
    (OUT / "cases.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases written to {OUT}")


if __name__ == "__main__":
    main()
