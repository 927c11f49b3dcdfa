"""A corpus of CRM/ERP exports shaped like real ones, each with the truth it must import and refresh to.

    python tests/data/exports.py OUT_DIR          # writes every case's files and truth.json
    python tests/data/exports.py --xls            # remakes the committed .xls fixture (needs soffice)

``cases(out_dir)`` writes the files and returns :class:`Case` objects. Every number of a truth is
computed here from the records the generator drew (amounts in 元, statuses by their meaning), never
by salesbook: sales per rep and month, completion per target row, the customer count.

Shapes: title rows (merged title, export stamp, unit line), GBK CSV, semicolon- and tab-separated
text, ``.xls`` (a fixture made once from this generator's rows by LibreOffice — xlwt is not a
dependency; ``test_exports`` checks the fixture still equals the rows), wide targets (months with the
year in the header, ``1月…12月`` with the year in a title, a 合计 column and a 合计 row), long targets
by quarter, units in the header / a title / nowhere, 单据状态/负责销售/客户编码/价税合计/跟进时间 and
friends, names without ids (full names and 简称), follow-ups by name, duplicates across imports,
草稿/作废 statuses and S0's "2024年Q1总计" target rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "exports"
XLS_CASE = "kingdee_xls"
AS_OF = dt.date(2025, 6, 30)
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)][:18]  # 2024-01 … 2025-06
REPS = ["张伟", "王芳", "李娜", "刘洋", "陈静"]
REGIONS = ["华东", "华北", "华南", "西南"]
PRODUCTS = ["A系列", "B系列", "C系列"]
CHANNELS = ["直销", "渠道", "线上"]
COUNTED = {"已成交", "成交", "已完成", "已签约", "已回款", "closed won"}
_CITIES = ["上海", "北京", "深圳", "成都", "杭州", "南京", "武汉", "苏州"]
_WORDS = ["鼎盛", "华信", "恒通", "远航", "博雅", "金桥", "瑞丰", "天成", "宏图", "新锐"]
_TRADES = ["科技", "贸易", "制造", "物流"]


@dataclass
class Case:
    name: str
    imports: list[tuple[str, Path]]  # (sheet key, file) in import order
    sales: dict[str, float] = field(default_factory=dict)  # "rep|YYYY-MM" → counted sales in 元
    completion: dict[str, float] = field(default_factory=dict)  # "period|rep" → actual / target
    customers: int | None = None  # rows of 客户分层
    followups: dict[str, int] = field(default_factory=dict)  # customer id → follow-ups kept
    notices: list[str] = field(default_factory=list)  # coverage codes the refresh must report
    skipped: list[int] = field(default_factory=list)  # rows each import must skip as already present
    draft_rows: int = 0  # 草稿 orders (must not be "unknown status")
    xfail: dict[str, str] = field(default_factory=dict)  # check → why it cannot pass on this branch alone

    def truth(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("name", "imports")}


def customers(rng) -> list[dict]:
    out = []
    for i in range(40):
        word = _WORDS[i % 10] + ("" if i < 10 else str(i // 10 + 1))
        city = _CITIES[i % len(_CITIES)]
        out.append({"id": f"C{1001 + i}", "name": f"{city}{word}{_TRADES[i % 4]}有限公司", "short": word,
                    "rep": REPS[i % 5], "region": REGIONS[i % 4]})
    return out


def orders(rng, custs, n=400, statuses=None, wan=False) -> list[dict]:
    """Order records: date, customer, rep, amount (元; a multiple of 100 when ``wan``), status as typed."""
    start = dt.date(2024, 1, 1)
    days = (AS_OF - start).days + 1
    statuses = statuses or {"已成交": 0.5, "已签约": 0.2, "已回款": 0.22, "已取消": 0.08}
    names, probs = list(statuses), np.array(list(statuses.values()), dtype=float)
    out = []
    for i in range(n):
        c = custs[int(rng.integers(len(custs)))]
        amount = float(rng.integers(20, 800) * 100) if wan else round(float(rng.uniform(2000, 80000)), 2)
        out.append({"id": f"SO{250000 + i}", "date": start + dt.timedelta(days=int(rng.integers(days))), "cust": c,
                    "rep": c["rep"] if rng.random() < 0.8 else REPS[int(rng.integers(5))],
                    "region": c["region"], "product": PRODUCTS[int(rng.integers(3))],
                    "channel": CHANNELS[int(rng.integers(3))], "amount": amount,
                    "status": names[int(rng.choice(len(names), p=probs / probs.sum()))]})
    return out


def sales_truth(recs) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for r in recs:
        if r["status"] in COUNTED:
            out[f"{r['rep']}|{r['date']:%Y-%m}"] += r["amount"]
    return dict(out)


def completion_truth(sales: dict[str, float], targets: dict[tuple[str, str], float]) -> dict[str, float]:
    """(period, rep) → target in 元; periods 'YYYY-MM' or 'YYYYQn'; only periods ended by AS_OF."""
    out = {}
    for (period, rep), target in targets.items():
        months = [period] if "Q" not in period else [
            f"{period[:4]}-{3 * (int(period[-1]) - 1) + k:02d}" for k in (1, 2, 3)]
        if months[-1] > f"{AS_OF:%Y-%m}":
            continue
        out[f"{period}|{rep}"] = sum(sales.get(f"{rep}|{m}", 0.0) for m in months) / target
    return out


def counted_customers(recs, key="id") -> int:
    return len({r["cust"][key] for r in recs if r["status"] in COUNTED})


# -- writers --------------------------------------------------------------------------------------------
def write_xlsx(path: Path, rows: list[list], merges: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "导出数据"
    for row in rows:
        ws.append(row)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def write_text(path: Path, rows: list[list], *, encoding="utf-8", sep=",") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=sep).writerows([["" if v is None else v for v in r] for r in rows])
    return path


def _rows(recs, header, cell) -> list[list]:
    return [header, *[[cell(r, h) for h in header] for r in recs]]


# -- the cases ------------------------------------------------------------------------------------------
def kingdee_rows(custs=None) -> tuple[list[list], list[dict]]:
    """The rows of the .xls case (金蝶 序时簿: title row, names only, 部门 column)."""
    rng = np.random.default_rng(3)
    recs = orders(rng, custs or customers(rng), statuses={"已成交": 0.9, "作废": 0.1})
    head = ["单据编号", "日期", "购货单位", "业务员", "部门", "价税合计", "单据状态"]
    body = [[r["id"], r["date"].strftime("%Y-%m-%d"), r["cust"]["name"], r["rep"], "销售一部", r["amount"],
             r["status"]] for r in recs]
    return [["销售订单序时簿", None, None, None, None, None, None], head, *body], recs


def cases(out: Path) -> list[Case]:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2025)
    custs = customers(rng)
    made: list[Case] = []

    # A 纷享销客: merged title, export stamp, blank row; 单据状态 synonyms, 负责销售, 客户编码, 价税合计
    a = orders(rng, custs, statuses={"已成交": 0.4, "成交": 0.1, "已签约": 0.2, "已回款": 0.2, "作废": 0.1})
    head = ["订单编号", "下单日期", "客户编码", "客户名称", "负责销售", "所属区域", "产品线", "客户来源", "价税合计",
            "单据状态", "回款金额", "所属部门"]
    rows = [["2024—2025年订单明细"] + [None] * 11, ["导出时间：2025-07-01 09:30", None, None, "导出人：管理员"],
            [None] * 12,
            head, *[[r["id"], dt.datetime.combine(r["date"], dt.time()), r["cust"]["id"], r["cust"]["name"], r["rep"],
                     r["region"], r["product"], r["channel"], r["amount"], r["status"],
                     r["amount"] if r["status"] == "已回款" else 0, "销售部"] for r in a]]
    fx = write_xlsx(out / "A_纷享销客_订单.xlsx", rows, merges=("A1:L1",))
    made.append(Case("fxiaoke_title", [("orders", fx)], sales_truth(a), customers=counted_customers(a)))

    # B 用友 GBK CSV: 单据编号/单据日期/业务员/地区/存货分类, "1,234.50", 2024/3/5
    b = orders(rng, custs)
    head = ["单据编号", "单据日期", "客户编码", "客户名称", "业务员", "地区", "存货分类", "价税合计", "单据状态"]
    rows = [head, *[[r["id"], f"{r['date'].year}/{r['date'].month}/{r['date'].day}", r["cust"]["id"],
                     r["cust"]["name"], r["rep"], r["region"], r["product"], f"{r['amount']:,.2f}", r["status"]]
                    for r in b]]
    yy = write_text(out / "B_用友_订单.csv", rows, encoding="gbk")
    made.append(Case("yonyou_gbk", [("orders", yy)], sales_truth(b), customers=counted_customers(b)))

    # C 金蝶 .xls (committed fixture), names only
    _rows_c, c = kingdee_rows()
    made.append(Case(XLS_CASE, [("orders", FIXTURES / "C_金蝶_订单.xls")], sales_truth(c),
                     customers=counted_customers(c, "name"), notices=["no_customer_id"]))

    # D unit in the header, semicolon-separated UTF-8 with BOM, no status column
    d = orders(rng, custs, statuses={"已成交": 1.0}, wan=True)
    rows = [["订单号", "下单日期", "客户ID", "客户", "销售", "金额 (万元)"],
            *[[r["id"], r["date"].isoformat(), r["cust"]["id"], r["cust"]["name"], r["rep"],
               f"{r['amount'] / 1e4:.2f}"] for r in d]]
    wd = write_text(out / "D_万元表头_订单.csv", rows, encoding="utf-8-sig", sep=";")
    made.append(Case("wan_header_semicolon", [("orders", wd)], sales_truth(d), customers=counted_customers(d),
                     notices=["no_status"]))

    # E unit only in a title row
    e = orders(rng, custs, wan=True)
    head = ["订单编号", "日期", "客户编号", "客户名称", "销售代表", "金额", "订单状态"]
    rows = [["订单明细（单位：万元）"] + [None] * 6, head,
            *[[r["id"], r["date"].strftime("%Y年%m月%d日"), r["cust"]["id"], r["cust"]["name"], r["rep"],
               r["amount"] / 1e4, r["status"]] for r in e]]
    we = write_xlsx(out / "E_标题单位_订单.xlsx", rows, merges=("A1:G1",))
    made.append(Case("wan_title", [("orders", we)], sales_truth(e), customers=counted_customers(e)))

    # F HubSpot (Chinese UI), tab-separated, closed won / closed lost, timestamps
    f = orders(rng, custs, statuses={"closed won": 0.85, "closed lost": 0.15})
    rows = [["记录 ID", "交易名称", "交易阶段", "金额", "关闭日期", "交易所有者", "公司名称"],
            *[[r["id"], f"{r['cust']['short']}-{r['product']}", r["status"], r["amount"],
               f"{r['date']:%Y-%m-%d} 14:{int(r['amount']) % 60:02d}", r["rep"], r["cust"]["name"]] for r in f]]
    hf = write_text(out / "F_HubSpot_交易.tsv", rows, sep="\t")
    made.append(Case("hubspot_tab", [("orders", hf)], sales_truth(f), customers=counted_customers(f, "name")))

    # G wide monthly targets with years in the header, 万元 in a title, a 合计 column and a 合计 row
    tg = {(m, rep): float(rng.integers(20, 60)) * 1e4 for m in MONTHS for rep in REPS}
    rows = [["2024—2025年度销售目标"], ["单位：万元"], ["销售负责人", *[f"{m[:4]}年{int(m[5:])}月" for m in MONTHS], "合计"],
            *[[rep, *[tg[(m, rep)] / 1e4 for m in MONTHS], sum(tg[(m, rep)] for m in MONTHS) / 1e4] for rep in REPS],
            ["合计", *[sum(tg[(m, rep)] for rep in REPS) / 1e4 for m in MONTHS], None]]
    wg = write_xlsx(out / "G_宽表目标_万元.xlsx", rows, merges=("A1:T1",))
    made.append(Case("targets_wide_month", [("orders", fx), ("targets", wg)], sales_truth(a),
                     completion=completion_truth(sales_truth(a), tg)))

    # H wide 1月…12月, the year only in the title, a blank first header, 全年合计; amounts in 元
    th = {(f"2025-{m:02d}", rep): float(rng.integers(20, 60)) * 1e4 for m in range(1, 13) for rep in REPS}
    rows = [["2025年销售目标"], ["", *[f"{m}月" for m in range(1, 13)], "全年合计"],
            *[[rep, *[th[(f"2025-{m:02d}", rep)] for m in range(1, 13)],
               sum(th[(f"2025-{m:02d}", rep)] for m in range(1, 13))] for rep in REPS]]
    wh = write_text(out / "H_宽表目标_1到12月.csv", rows)
    made.append(Case("targets_wide_1to12", [("orders", yy), ("targets", wh)], sales_truth(b),
                     completion=completion_truth(sales_truth(b), th)))

    # I long quarterly targets, unit in the header 目标（万）
    ti = {(f"{y}Q{q}", rep): float(rng.integers(60, 180)) * 1e4 for y in (2024, 2025) for q in (1, 2, 3, 4)
          for rep in REPS if f"{y}Q{q}" <= "2025Q2"}
    rows = [["考核周期", "销售负责人", "目标（万）"], *[[p, rep, v / 1e4] for (p, rep), v in ti.items()]]
    li = write_text(out / "I_季度目标.csv", rows)
    made.append(Case("targets_long_quarter", [("orders", fx), ("targets", li)], sales_truth(a),
                     completion=completion_truth(sales_truth(a), ti)))

    # J targets in 万元 with no unit anywhere: only their size against sales tells
    tj = {(m, rep): float(rng.integers(20, 60)) * 1e4 for m in MONTHS for rep in REPS}
    rows = [["月份", "销售负责人", "目标"], *[[m, rep, v / 1e4] for (m, rep), v in tj.items()]]
    lj = write_xlsx(out / "J_目标无单位.xlsx", rows)
    made.append(Case("targets_no_unit", [("orders", fx), ("targets", lj)], sales_truth(a),
                     completion=completion_truth(sales_truth(a), tj)))

    # K 客户档案 with ids + orders with only names (full names and 简称)
    k_cust = [["客户编码", "客户名称", "客户简称", "行业", "客户级别", "负责人", "联系电话", "首次成交日期"],
              *[[c["id"], c["name"], c["short"], _TRADES[i % 4], "A", c["rep"], f"1380000{i:04d}",
                 dt.datetime(2023, 1 + i % 12, 1)] for i, c in enumerate(custs)]]
    wk = write_xlsx(out / "K_客户档案.xlsx", k_cust)
    k = orders(rng, custs)
    rows = [["下单日期", "客户名称", "负责销售", "金额", "订单状态"],
            *[[r["date"].isoformat(), r["cust"]["short"] if i % 4 == 0 else r["cust"]["name"], r["rep"],
               r["amount"], r["status"]] for i, r in enumerate(k)]]
    ok = write_text(out / "K_订单仅名称.csv", rows)
    made.append(Case("names_without_ids", [("customers", wk), ("orders", ok)], sales_truth(k), customers=len(custs)))

    # L follow-ups by name (tab-separated), with ids on the orders
    fl = [(custs[int(rng.integers(len(custs)))], AS_OF - dt.timedelta(days=int(rng.integers(1, 300))))
          for _ in range(120)]
    rows = [["客户名称", "跟进时间", "跟进方式", "跟进内容", "跟进人"],
            *[[c["name"], f"{d:%Y-%m-%d} 10:30", "电话", "沟通需求", c["rep"]] for c, d in fl]]
    tl = write_text(out / "L_跟进记录_按名称.txt", rows, sep="\t")
    counts: dict[str, int] = defaultdict(int)
    for c, _d in fl:
        counts[c["id"]] += 1
    made.append(Case("followups_by_name", [("customers", wk), ("orders", fx), ("followups", tl)], sales_truth(a),
                     followups=dict(counts)))

    # M duplicates across imports: no ids; the same file twice, then a file overlapping it by 60 rows
    m = orders(rng, custs, n=300)
    head = ["日期", "客户编号", "客户名称", "销售代表", "金额", "状态"]

    def rows_of(recs):
        return [head, *[[r["date"].isoformat(), r["cust"]["id"], r["cust"]["name"], r["rep"], r["amount"],
                         r["status"]] for r in recs]]
    m2 = orders(rng, custs, n=100)
    m1f = write_text(out / "M_订单_第一次.csv", rows_of(m))
    m2f = write_text(out / "M_订单_第二次.csv", rows_of(m[-60:] + m2))
    made.append(Case("duplicates_across_imports", [("orders", m1f), ("orders", m1f), ("orders", m2f)],
                     sales_truth(m + m2), customers=counted_customers(m + m2), skipped=[0, 300, 60],
                     notices=["no_order_id"]))

    # N 草稿 and 作废: neither is a sale
    n = orders(rng, custs, statuses={"已成交": 0.7, "草稿": 0.15, "作废": 0.15})
    rows = [["单据编号", "单据日期", "客户编码", "负责销售", "含税金额", "单据状态"],
            *[[r["id"], dt.datetime.combine(r["date"], dt.time()), r["cust"]["id"], r["rep"], r["amount"],
               r["status"]] for r in n]]
    wn = write_xlsx(out / "N_草稿作废.xlsx", rows)
    made.append(Case("draft_and_void", [("orders", wn)], sales_truth(n), customers=counted_customers(n),
                     draft_rows=sum(r["status"] == "草稿" for r in n)))

    # O S0 表1 style: monthly rows and a "2024年Q1总计" row per rep, which is the Q1 target
    to = {}
    rows = [["周期", "销售负责人", "目标值"]]
    for rep in REPS:
        months = {f"2024-{mm:02d}": float(rng.integers(20, 60)) * 1e4 for mm in (1, 2, 3)}
        for mth, v in months.items():
            rows.append([f"{mth[:4]}年{int(mth[5:])}月", rep, v])
            to[(mth, rep)] = v
        rows.append(["2024年Q1总计", rep, sum(months.values())])
        to[("2024Q1", rep)] = sum(months.values())
    wo = write_text(out / "O_总计周期目标.csv", rows)
    made.append(Case("total_periods", [("orders", fx), ("targets", wo)], sales_truth(a),
                     completion=completion_truth(sales_truth(a), to)))
    (out / "truth.json").write_text(json.dumps({c.name: {"imports": [[k, str(p)] for k, p in c.imports],
                                                          **c.truth()} for c in made}, ensure_ascii=False,
                                               indent=1, default=str), encoding="utf-8")
    return made


def make_xls_fixture() -> Path:
    """Write the .xls case with LibreOffice (once; the file is committed): xlsx → xls."""
    rows, _ = kingdee_rows()
    FIXTURES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = write_xlsx(Path(tmp) / "C_金蝶_订单.xlsx", rows, merges=("A1:G1",))
        subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(FIXTURES), str(src)],
                       check=True, capture_output=True, timeout=120)
    return FIXTURES / "C_金蝶_订单.xls"


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["--xls"]:
        print(make_xls_fixture())
    else:
        for case in cases(Path(sys.argv[1])):
            print(case.name, [p.name for _, p in case.imports])
