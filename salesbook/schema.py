"""Sheets, column keys and the Chinese/English header aliases users actually type.

Code uses the English keys. A header matches a key when, after normalising (full-width →
half-width, case, spaces, underscores and a trailing unit in brackets dropped), it equals the
key, its Chinese name, its English name or one of the aliases. ``金额(万元)`` matches
``amount`` and carries the unit 万元.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = "text"  # text | date | amount | number | period | score
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: float = 14
    number_format: str | None = None


@dataclass(frozen=True)
class SheetSpec:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    user_owned: bool = True

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def header(self, key: str, lang: str) -> str:
        c = self.column(key)
        return c.zh if lang == "zh" else c.key


def C(key, zh, en, kind="text", required=False, aliases=(), width=14, fmt=None) -> Column:  # noqa: N802
    return Column(key, zh, en, kind, required, tuple(aliases), width, fmt)


DATE_FMT = "yyyy-mm-dd"
AMOUNT_FMT = "#,##0.00"

ORDERS = SheetSpec("orders", "订单明细", "Orders", (
    C("order_id", "订单编号", "Order ID", aliases=("订单号", "单号", "订单id", "order no", "order number", "id"), width=14),
    C("order_date", "下单日期", "Order date", "date", True,
      ("订单日期", "日期", "成交日期", "签约日期", "date", "orderdate"), 12, DATE_FMT),
    C("customer_id", "客户编号", "Customer ID", required=True,
      aliases=("客户id", "客户代码", "客户号", "customer", "customer code", "client id"), width=12),
    C("customer_name", "客户名称", "Customer name", aliases=("客户", "客户名", "客户全称", "client", "client name"), width=22),
    C("salesperson", "销售负责人", "Salesperson",
      aliases=("销售代表", "销售", "销售人员", "业务员", "负责人", "sales rep", "rep", "sales", "seller"), width=12),
    C("region", "区域", "Region", aliases=("地区", "大区", "销售区域", "area"), width=10),
    C("product_line", "产品线", "Product line", aliases=("产品", "产品类别", "产品类型", "品类", "product", "category"), width=12),
    C("channel", "渠道", "Channel", aliases=("客户来源渠道", "来源渠道", "来源", "销售渠道", "source"), width=12),
    C("amount", "金额", "Amount", "amount", True,
      ("销售额", "订单金额", "成交金额", "合同金额", "revenue", "sales amount", "value"), 14, AMOUNT_FMT),
    C("status", "订单状态", "Status", aliases=("状态", "order status"), width=10),
    C("collected", "回款金额", "Collected", "amount", aliases=("回款", "已回款金额", "回款额", "collected amount", "paid"),
      width=14, fmt=AMOUNT_FMT),
    C("cost", "成本", "Cost", "amount", aliases=("成本金额", "cost amount"), width=14, fmt=AMOUNT_FMT),
))

TARGETS = SheetSpec("targets", "销售目标", "Targets", (
    C("period", "周期", "Period", "period", True, ("期间", "月份", "季度", "时间", "month", "quarter"), 12),
    C("salesperson", "销售负责人", "Salesperson", aliases=ORDERS.column("salesperson").aliases, width=12),
    C("product_line", "产品线", "Product line", aliases=ORDERS.column("product_line").aliases, width=12),
    C("region", "区域", "Region", aliases=ORDERS.column("region").aliases, width=10),
    C("target", "目标值", "Target", "amount", True, ("目标", "目标金额", "销售目标", "target amount", "goal"), 14, AMOUNT_FMT),
))

CUSTOMERS = SheetSpec("customers", "客户档案", "Customers", (
    C("customer_id", "客户编号", "Customer ID", required=True, aliases=ORDERS.column("customer_id").aliases, width=12),
    C("customer_name", "客户名称", "Customer name", aliases=ORDERS.column("customer_name").aliases, width=22),
    C("short_name", "客户简称", "Short name", aliases=("简称", "别名", "alias"), width=12),
    C("industry", "所属行业", "Industry", aliases=("行业",), width=12),
    C("size", "企业规模", "Company size", aliases=("规模", "size"), width=10),
    C("contact", "联系人", "Contact", aliases=("联系人姓名", "contact person"), width=10),
    C("phone", "联系方式", "Phone", aliases=("电话", "手机", "联系电话", "phone number", "tel"), width=14),
    C("city", "所在地", "City", aliases=("城市", "地址", "location"), width=10),
    C("first_deal_date", "首次合作日期", "First deal date", "date", aliases=("首次合作时间", "合作开始日期", "first deal"),
      width=12, fmt=DATE_FMT),
    C("owner", "负责人", "Owner", aliases=("客户负责人", "销售负责人", "account owner"), width=10),
    C("industry_potential", "行业潜力", "Industry potential", "score", width=10),
    C("urgency", "需求紧急度", "Urgency", "score", width=10),
    C("win_likelihood", "成交可能性", "Win likelihood", "score", width=10),
    C("tags", "画像标签", "Tags", aliases=("标签", "客户标签"), width=20),
))

FOLLOWUPS = SheetSpec("followups", "跟进记录", "Follow-ups", (
    C("customer_id", "客户编号", "Customer ID", required=True, aliases=ORDERS.column("customer_id").aliases, width=12),
    C("date", "跟进日期", "Date", "date", True, ("日期", "维护日期", "拜访日期", "follow-up date"), 12, DATE_FMT),
    C("content", "维护内容", "Content", aliases=("跟进内容", "内容", "沟通内容", "notes"), width=30),
    C("satisfaction", "客户满意度", "Satisfaction", "score", aliases=("满意度",), width=10),
    C("next_step", "下一步计划", "Next step", aliases=("下一步", "后续计划", "next"), width=24),
    C("next_date", "下次跟进日期", "Next date", "date", aliases=("下次跟进时间", "下次日期", "next follow-up"),
      width=12, fmt=DATE_FMT),
    C("owner", "负责人", "Owner", aliases=("跟进人", "销售负责人", "销售代表"), width=10),
))

LEADS = SheetSpec("leads", "线索", "Leads", (
    C("lead_id", "线索编号", "Lead ID", aliases=("线索id", "商机编号"), width=12),
    C("name", "客户名称", "Name", aliases=("名称", "线索名称", "客户", "customer_name"), width=22),
    C("customer_id", "客户编号", "Customer ID", aliases=ORDERS.column("customer_id").aliases, width=12),
    C("stage", "跟进阶段", "Stage", required=True, aliases=("阶段", "商机阶段"), width=12),
    C("est_amount", "预估金额", "Estimated amount", "amount", aliases=("预计金额", "预估"), width=14, fmt=AMOUNT_FMT),
    C("owner", "负责人", "Owner", aliases=("销售负责人", "销售代表"), width=10),
    C("created", "创建日期", "Created", "date", aliases=("创建时间", "日期"), width=12, fmt=DATE_FMT),
    C("stage_date", "阶段日期", "Stage date", "date", aliases=("成交日期", "结束日期"), width=12, fmt=DATE_FMT),
))

SETTINGS = SheetSpec("settings", "参数", "Settings", (
    C("key", "参数", "Key", required=True, aliases=("参数名", "名称", "name"), width=30),
    C("value", "值", "Value", required=True, aliases=("参数值", "数值"), width=18),
    C("note", "说明", "Note", aliases=("备注", "描述", "description"), width=60),
))

PLAYBOOK = SheetSpec("playbook", "策略库", "Playbook", (
    C("kind", "类型", "Kind", required=True, width=10),
    C("name", "名称", "Name", required=True, width=14),
    C("features", "核心特征", "Features", width=28),
    C("focus", "维护重点", "Focus", width=28),
    C("frequency", "沟通频率", "Frequency", width=12),
    C("owner", "责任人", "Owner", width=12),
    C("action", "激励策略/具体行动", "Action", aliases=("具体行动", "激励策略", "提升策略"), width=36),
    C("deadline", "时限", "Deadline", width=10),
    C("resources", "资源支持", "Resources", width=24),
    C("expected", "预期效果", "Expected effect", width=24),
))

INPUT_SHEETS = (ORDERS, TARGETS, CUSTOMERS, FOLLOWUPS, LEADS, SETTINGS, PLAYBOOK)
REQUIRED_SHEETS = ("orders",)

# Output sheets: (key, zh, en). Headers come from the DataFrames the core returns.
OUTPUT_SHEETS = (
    ("dashboard", "仪表盘", "Dashboard"),
    ("performance", "业绩分析", "Performance"),
    ("breakdown", "多维拆解", "Breakdown"),
    ("rfm", "RFM", "RFM"),
    ("tiers", "客户分层", "Tiers"),
    ("followup_plan", "维护计划", "Follow-up plan"),
    ("problems", "问题与策略", "Problems"),
    ("alerts", "异常预警", "Alerts"),
    ("cleaning_log", "清洗日志", "Cleaning log"),
    ("report", "分析报告", "Report"),
    ("meeting", "例会材料", "Meeting pack"),
)

SHEET_BY_KEY = {s.key: s for s in INPUT_SHEETS}


def output_sheet_name(key: str, lang: str) -> str:
    for k, zh, en in OUTPUT_SHEETS:
        if k == key:
            return zh if lang == "zh" else en
    raise KeyError(key)


_UNIT_IN_HEADER = re.compile(r"[\(（\[【]\s*([^\)）\]】]*)\s*[\)）\]】]\s*$")


def normalize(text: object) -> str:
    """Full-width → half-width, lower case, no spaces/underscores/hyphens."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return re.sub(r"[\s_\-/:：]+", "", s)


def split_unit(header: object) -> tuple[str, str | None]:
    """'金额(万元)' -> ('金额', '万元'); '金额' -> ('金额', None)."""
    s = unicodedata.normalize("NFKC", str(header or "")).strip()
    m = _UNIT_IN_HEADER.search(s)
    if m:
        return s[: m.start()].strip(), m.group(1).strip() or None
    return s, None


def _lookup(spec: SheetSpec) -> dict[str, str]:
    table: dict[str, str] = {}
    for col in spec.columns:
        for name in (col.key, col.zh, col.en, *col.aliases):
            table.setdefault(normalize(name), col.key)
    # exact names beat aliases shared between columns (e.g. 负责人)
    for col in spec.columns:
        for name in (col.key, col.zh, col.en):
            table[normalize(name)] = col.key
    return table


_LOOKUPS = {s.key: _lookup(s) for s in INPUT_SHEETS}


@dataclass(frozen=True)
class HeaderMatch:
    mapping: dict[int, str]  # column index (0-based) -> key
    units: dict[str, str]  # key -> unit found in the header, e.g. 万元
    unknown: list[tuple[int, str]]  # (column index, header) not matched
    duplicates: list[tuple[int, str, str]]  # (column index, header, key already taken)


def match_headers(spec: SheetSpec, headers: list[object]) -> HeaderMatch:
    table = _LOOKUPS[spec.key]
    mapping: dict[int, str] = {}
    units: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    duplicates: list[tuple[int, str, str]] = []
    taken: set[str] = set()
    for i, h in enumerate(headers):
        if h is None or str(h).strip() == "":
            continue
        base, unit = split_unit(h)
        key = table.get(normalize(h)) or table.get(normalize(base))
        if key is None:
            unknown.append((i, str(h)))
        elif key in taken:
            duplicates.append((i, str(h), key))
        else:
            taken.add(key)
            mapping[i] = key
            if unit:
                units[key] = unit
    return HeaderMatch(mapping, units, unknown, duplicates)


def find_sheet(spec_key: str, sheet_names: list[str]) -> str | None:
    """The workbook's sheet for an input spec, by Chinese or English name."""
    if spec_key in SHEET_BY_KEY:
        spec = SHEET_BY_KEY[spec_key]
        candidates = (spec.zh, spec.en, spec.key)
    else:
        candidates = next((zh, en, k) for k, zh, en in OUTPUT_SHEETS if k == spec_key)
    wanted = {normalize(c) for c in candidates}
    for name in sheet_names:
        if normalize(name) in wanted:
            return name
    return None
