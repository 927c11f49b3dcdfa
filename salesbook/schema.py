"""Sheets, column keys and the header aliases real exports use.

Code uses the English keys. The names of sheets and columns are words (``[sheet]`` and
``[input.<sheet>]`` of the language files, :mod:`salesbook.words`): ``ORDERS.name("en")`` → ``Orders``,
``ORDERS.column("amount").name("zh")`` → ``金额``. A header matches a key when, after normalising
(full-width → half-width, case, spaces, underscores, a ``*`` required-marker and a trailing bracket
dropped), it equals the key, its name in any language or one of the aliases. ``金额(万元)``,
``金额（万元）``, ``金额 (万元)`` and ``金额/万元`` match ``amount`` and carry the unit 万元;
``客户名称(必填)`` matches ``customer_name`` (a bracket that names no unit is only dropped).

Aliases come from the headers of common exports — 纷享销客, 销售易, 用友 (U8/T+), 金蝶 (K/3,
云星空), 简道云, Salesforce and HubSpot in Chinese, and the usual Excel templates. A *weak*
alias (``创建时间`` for the order date) is used only when no column of the export has a
stronger name for that key. Headers listed in :data:`KNOWN_UNUSED` are recognised and kept
but not analysed (``所属部门`` is a department, not a salesperson), so they are not reported
as unknown.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace

from . import words


@dataclass(frozen=True)
class Column:
    """One input column: key, kind, whether required, the aliases of real exports, width, number format,
    weak aliases (used only when no stronger header names the column) and the key of its sheet.
    Its header in each language is a word (:meth:`name`)."""
    key: str
    kind: str = "text"  # text | date | amount | number | period | score
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: float = 14
    number_format: str | None = None
    weak: tuple[str, ...] = ()  # aliases used only when no stronger header names this key
    sheet: str = ""  # the key of its sheet (set by SheetSpec)

    def name(self, lang: str) -> str:
        """The column's header in ``lang`` (the template's header row)."""
        return words.word(lang, "input", self.sheet, self.key)

    def names(self) -> tuple[str, ...]:
        """The column's header in every language (:data:`words.LANGS` order)."""
        return words.pairs("input", self.sheet)[self.key]


@dataclass(frozen=True)
class SheetSpec:
    """One input sheet: key and columns; its name in each language is a word (:meth:`name`)."""
    key: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    user_owned: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(replace(c, sheet=self.key) for c in self.columns))

    def name(self, lang: str) -> str:
        """The sheet's name in ``lang``."""
        return sheet_name(self.key, lang)

    def names(self) -> tuple[str, ...]:
        """The sheet's name in every language (:data:`words.LANGS` order)."""
        return names_of_sheet(self.key)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def header(self, key: str, lang: str) -> str:
        """The header of column ``key`` in ``lang``, as the template writes it."""
        return self.column(key).name(lang)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


def C(key, kind="text", required=False, aliases=(), width=14, fmt=None, weak=()) -> Column:
    """A :class:`Column` (short form for the tables below)."""
    return Column(key, kind, required, tuple(aliases), width, fmt, tuple(weak))


DATE_FMT = "yyyy-mm-dd"
AMOUNT_FMT = "#,##0.00"

_CUSTOMER_ID = ("客户编码", "客户id", "客户代码", "客户号", "客户档案编码", "往来单位编码", "客户编号(系统)",
                "customer", "customer code", "customer no", "client id", "account id", "客户ID")
_CUSTOMER_NAME = ("客户", "客户名", "客户全称", "客户名称(全称)", "往来单位", "往来单位名称", "购货单位", "客户单位",
                  "单位名称", "公司名称", "企业名称", "客户公司", "购买方", "关联客户", "client", "client name",
                  "account name", "company", "company name", "客户/公司", "公司")
_SALESPERSON = ("负责销售", "客户经理", "销售代表", "销售", "销售人员", "销售员", "业务员", "业务人员", "业务代表",
                "负责人", "订单负责人", "归属销售", "跟单员", "经办人", "所有人", "商机所有人", "交易所有者",
                "销售姓名", "职员", "sales rep", "rep", "sales", "seller", "salesperson", "sales person",
                "owner", "opportunity owner", "deal owner", "account owner")
_REGION = ("所属区域", "地区", "大区", "销售区域", "销售大区", "片区", "区域名称", "所属大区", "area", "territory",
           "sales region")
_PRODUCT = ("产品", "产品类别", "产品类型", "产品分类", "产品系列", "品类", "存货分类", "物料分类", "商品类别",
            "商品分类", "业务线", "product", "category", "product category")
_CHANNEL = ("客户来源渠道", "来源渠道", "来源", "客户来源", "销售渠道", "线索来源", "商机来源", "获客渠道",
            "source", "lead source")
_OWNER = ("负责人", "客户负责人", "销售负责人", "负责销售", "客户经理", "业务员", "销售代表", "归属销售",
          "所有人", "客户所有人", "account owner", "owner")

ORDERS = SheetSpec("orders", (
    C("order_id", width=14,
      aliases=("订单号", "单号", "订单id", "单据编号", "单据号", "订单编码", "销售订单号", "销售订单编号", "合同编号",
               "订单ID", "记录id", "交易id", "order no", "order number", "id", "deal id", "record id")),
    C("order_date", "date", True, width=12, fmt=DATE_FMT,
      aliases=("订单日期", "单据日期", "下单时间", "成交日期", "成交时间", "签约日期", "签单日期", "合同日期",
               "业务日期", "销售日期", "开单日期", "订单时间", "关闭日期", "成交关闭日期", "date", "orderdate",
               "close date", "closed date"),
      weak=("日期", "时间", "创建时间", "创建日期", "制单日期", "录入日期", "结束日期")),
    C("customer_id", required=True, aliases=_CUSTOMER_ID, width=12),
    C("customer_name", aliases=_CUSTOMER_NAME, width=22),
    C("salesperson", aliases=_SALESPERSON, width=12),
    C("region", aliases=_REGION, width=10, weak=("省份", "所在省份")),
    C("product_line", aliases=_PRODUCT, width=12, weak=("产品名称", "商品名称")),
    C("channel", aliases=_CHANNEL, width=12),
    C("amount", "amount", True, width=14, fmt=AMOUNT_FMT,
      aliases=("销售额", "订单金额", "成交金额", "合同金额", "价税合计", "含税金额", "订单总额", "订单总金额", "总金额",
               "销售金额", "应收金额", "交易金额", "合计金额", "金额合计", "商机金额", "revenue", "sales amount",
               "value", "amount", "deal amount"),
      weak=("无税金额", "不含税金额", "本币无税金额", "净额")),
    C("status", width=10,
      aliases=("状态", "单据状态", "成交状态", "交易状态", "order status", "status", "deal status"),
      weak=("生命状态", "交易阶段", "阶段", "商机阶段", "stage", "deal stage")),
    C("collected", "amount", width=14, fmt=AMOUNT_FMT,
      aliases=("回款", "已回款金额", "回款额", "已回款", "已收款金额", "收款金额", "实收金额", "累计回款金额",
               "累计回款", "collected amount", "paid", "amount paid")),
    C("cost", "amount", width=14, fmt=AMOUNT_FMT,
      aliases=("成本金额", "总成本", "销售成本", "cost amount")),
))

TARGETS = SheetSpec("targets", (
    C("period", "period", True, width=12,
      aliases=("期间", "月份", "季度", "年月", "考核周期", "目标周期", "目标月份", "统计周期", "month", "quarter"),
      weak=("时间", "日期")),
    C("salesperson", aliases=(*_SALESPERSON, "姓名", "员工", "员工姓名"), width=12),
    C("product_line", aliases=_PRODUCT, width=12),
    C("region", aliases=_REGION, width=10),
    C("target", "amount", True, width=14, fmt=AMOUNT_FMT,
      aliases=("目标", "目标金额", "销售目标", "业绩目标", "目标销售额", "目标业绩", "销售任务", "任务额", "考核目标",
               "月度目标", "target amount", "goal", "quota", "target"),
      weak=("指标", "金额")),
))

CUSTOMERS = SheetSpec("customers", (
    C("customer_id", required=True, aliases=_CUSTOMER_ID, width=12),
    C("customer_name", aliases=_CUSTOMER_NAME, width=22),
    C("short_name", aliases=("简称", "别名", "alias", "short name"), width=12),
    C("industry", aliases=("行业", "客户行业", "行业类型", "industry"), width=12),
    C("size", aliases=("规模", "人员规模", "公司规模", "员工人数", "size"), width=10),
    C("contact", aliases=("联系人姓名", "主联系人", "首要联系人", "contact person", "contact"),
      width=10),
    C("phone", width=14,
      aliases=("电话", "手机", "联系电话", "手机号码", "手机号", "联系人手机", "联系人电话", "phone number", "tel",
               "mobile", "phone")),
    C("city", aliases=("城市", "所在城市", "地址", "详细地址", "省市", "location", "city"), width=10),
    C("first_deal_date", "date", width=12, fmt=DATE_FMT,
      aliases=("首次合作时间", "首次成交日期", "首次成交时间", "首次交易日期", "首单日期", "合作开始日期",
               "成为客户日期", "first deal")),
    C("owner", aliases=_OWNER, width=10),
    C("industry_potential", "score", width=10),
    C("urgency", "score", width=10),
    C("win_likelihood", "score", width=10),
    C("tags", aliases=("标签", "客户标签", "tags"), width=20, weak=("客户级别", "客户等级")),
    C("decision_style", aliases=("决策类型", "决策偏好", "决策方式", "decision style"),
      width=12),
    C("decision_chain",
      aliases=("决策人", "关键决策人", "决策链条", "决策流程", "decision makers", "decision chain"), width=20),
    C("budget", aliases=("年预算", "预算金额", "采购预算", "项目预算", "budget"), width=10),
    C("pain_points", aliases=("客户痛点", "核心痛点", "需求痛点", "pain points"), width=24),
))

FOLLOWUPS = SheetSpec("followups", (
    C("customer_id", required=True, aliases=_CUSTOMER_ID, width=12),
    C("date", "date", True, width=12, fmt=DATE_FMT,
      aliases=("跟进时间", "维护日期", "拜访日期", "拜访时间", "沟通时间", "沟通日期", "联系时间", "活动日期",
               "活动时间", "实际跟进时间", "follow-up date", "activity date"),
      weak=("日期", "时间", "创建时间")),
    C("content", width=30,
      aliases=("跟进内容", "内容", "沟通内容", "拜访内容", "跟进记录", "活动内容", "跟进情况", "notes"),
      weak=("备注", "描述", "说明")),
    C("satisfaction", "score", aliases=("满意度", "满意度评分"), width=10),
    C("next_step", aliases=("下一步", "后续计划", "下步计划", "下一步行动", "next"),
      width=24),
    C("next_date", "date", width=12, fmt=DATE_FMT,
      aliases=("下次跟进时间", "下次日期", "下次联系时间", "下次拜访日期", "计划跟进日期", "next follow-up")),
    C("owner", aliases=(*_OWNER, "跟进人", "拜访人"), width=10, weak=("创建人",)),
    # last, so the columns of workbooks made before it keep their letters; a name can stand in for the id
    C("customer_name", aliases=_CUSTOMER_NAME, width=22),
))

LEADS = SheetSpec("leads", (
    C("lead_id", aliases=("线索id", "商机编号", "商机id", "线索编码"), width=12),
    C("name", aliases=("名称", "线索名称", "商机名称", "客户", "公司名称", "customer_name"), width=22),
    C("customer_id", aliases=_CUSTOMER_ID, width=12),
    C("stage", required=True, aliases=("阶段", "商机阶段", "销售阶段", "stage"), width=12),
    C("est_amount", "amount", width=14, fmt=AMOUNT_FMT,
      aliases=("预计金额", "预估", "预计成交金额", "商机金额", "预计销售额"), weak=("金额",)),
    C("owner", aliases=_OWNER, width=10),
    C("created", "date", aliases=("创建时间",), width=12, fmt=DATE_FMT, weak=("日期",)),
    C("stage_date", "date", width=12, fmt=DATE_FMT,
      aliases=("成交日期", "结束日期", "赢单日期", "阶段变更时间")),
    # optional, for 丢单 leads: where the lead stopped and why (销售漏斗 Funnel)
    C("lost_stage", aliases=("丢失阶段", "输单阶段", "lost stage", "lost at"), width=12),
    C("lost_reason",
      aliases=("丢失原因", "输单原因", "赢单/输单原因", "失败原因", "lost reason", "loss reason", "closed lost reason"),
      width=20),
))

SETTINGS = SheetSpec("settings", (
    C("key", required=True, aliases=("参数名", "名称", "name"), width=30),
    C("value", required=True, aliases=("参数值", "数值"), width=18),
    C("note", aliases=("备注", "描述", "description"), width=60),
))
PLAYBOOK = SheetSpec("playbook", (
    C("kind", required=True, width=10),
    C("name", required=True, width=14),
    C("features", width=28),
    C("focus", width=28),
    C("frequency", width=12),
    C("owner", width=12),
    C("action", aliases=("具体行动", "激励策略", "提升策略"), width=36),
    C("deadline", width=10),
    C("resources", width=24),
    C("expected", width=24),
))

INPUT_SHEETS = (ORDERS, TARGETS, CUSTOMERS, FOLLOWUPS, LEADS, SETTINGS, PLAYBOOK)
REQUIRED_SHEETS = ("orders",)

# Output sheets in tab order (their names: the [sheet] words). Headers come from the DataFrames the core returns.
OUTPUT_SHEETS = ("dashboard", "performance", "breakdown", "funnel", "rfm", "tiers", "portrait", "followup_plan",
                 "problems", "alerts", "cleaning_log", "report", "meeting")

SHEET_BY_KEY = {s.key: s for s in INPUT_SHEETS}


def sheet_name(key: str, lang: str) -> str:
    """The name of sheet ``key`` (an input or output sheet, or ``changelog``) in ``lang``."""
    return words.word(lang, "sheet", key)


def names_of_sheet(key: str) -> tuple[str, ...]:
    """The name of sheet ``key`` in every language (:data:`words.LANGS` order)."""
    return words.pairs("sheet")[key]


def lang_of_sheet(key: str, name: str) -> str | None:
    """The first language (:data:`words.LANGS` order) whose name for sheet ``key`` is ``name``, or None."""
    return next((lang for lang, n in zip(words.LANGS, names_of_sheet(key), strict=True) if n == name), None)


# Alternatives for a required column: an export that has the second can stand in for the first
# (orders and follow-ups that carry only the customer's name are linked by name).
STAND_INS = {("orders", "customer_id"): "customer_name", ("followups", "customer_id"): "customer_name"}

# Headers of common exports that are recognised but not analysed: kept at the right of the sheet,
# listed as "kept, not used" instead of "unknown". 所属部门 is a department, never a salesperson.
KNOWN_UNUSED = frozenset({
    "所属部门", "部门", "销售部门", "创建人", "修改人", "最后修改人", "最后修改时间", "修改时间", "更新时间", "备注",
    "说明", "附件", "审核人", "审核状态", "审核日期", "审批状态", "制单人", "锁定状态", "业务类型", "单据类型",
    "币种", "汇率", "税率", "税额", "数量", "单价", "含税单价", "规格型号", "计量单位", "仓库", "发票号", "开票状态",
    "收货地址", "联系人", "联系电话", "手机号码", "客户级别", "客户等级", "跟进方式", "跟进类型", "附件数",
    "交易名称", "商机名称", "订单名称", "合同名称", "交易类型", "管道", "pipeline", "deal name", "opportunity name",
    "序号", "行号", "no", "no.", "#",
})

_UNIT_IN_HEADER = re.compile(r"(?:[(\[【]\s*([^)\]】]*?)\s*[)\]】]|[/／]\s*(万元|元|千元|万|亿元))\s*$")
_UNIT_WORD = re.compile(r"(万元|千元|亿元|元|万|rmb|cny|usd|¥|￥|\$)", re.IGNORECASE)
_TEN_THOUSAND = re.compile(r"\b10\s*k\b|\b10,?000s?\b|ten\s+thousand", re.IGNORECASE)
_REQUIRED_MARK = re.compile(r"^[*＊]+|[*＊]+$")


def normalize(text: object) -> str:
    """Full-width → half-width, lower case, no spaces/underscores/hyphens/slashes/colons."""
    s = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip().lower()
    return re.sub(r"[\s_\-/:：]+", "", s)


def split_unit(header: object) -> tuple[str, str | None]:
    """The header without its trailing bracket (and ``*`` marks), and the unit the bracket names.

    '金额(万元)' → ('金额', '万元'); '金额/万元' → ('金额', '万元'); '目标（万）' → ('目标', '万');
    '金额 (单位：元)' → ('金额', '元'); '客户名称(必填)' → ('客户名称', None); '金额' → ('金额', None).
    """
    s = _REQUIRED_MARK.sub("", unicodedata.normalize("NFKC", str(header if header is not None else "")).strip())
    m = _UNIT_IN_HEADER.search(s)
    if not m:
        return s.strip(), None
    inner = (m.group(1) if m.group(1) is not None else m.group(2)) or ""
    base = _REQUIRED_MARK.sub("", s[: m.start()].strip()).strip()
    if _TEN_THOUSAND.search(inner):  # English books name 万元 'CNY 10k' (as salesbook's own headers do)
        return base, "万元"
    unit = _UNIT_WORD.search(inner)
    return base, (unit.group(1) if unit else None)


def _names(col: Column) -> tuple[str, ...]:
    return (col.key, *col.names())


def _lookup(spec: SheetSpec) -> dict[str, tuple[str, int]]:
    """normalised header → (key, tier): 0 = the key or its own name, 1 = alias, 2 = weak alias.

    A name of a column always wins over another column's alias (负责人 is 客户档案's owner)."""
    table: dict[str, tuple[str, int]] = {}
    for tier, names_of in ((2, lambda c: c.weak), (1, lambda c: c.aliases), (0, _names)):
        for col in spec.columns:
            for name in names_of(col):
                n = normalize(name)
                if n not in table or table[n][1] >= tier:
                    table[n] = (col.key, tier)
    return table


_LOOKUPS = {s.key: _lookup(s) for s in INPUT_SHEETS}


@dataclass(frozen=True)
class HeaderMatch:
    """How a header row maps to keys: column index → key, units found in headers, headers matched to no key,
    and headers that name a key another column already took."""
    mapping: dict[int, str]  # column index (0-based) -> key
    units: dict[str, str]  # key -> unit found in the header, e.g. 万元
    unknown: list[tuple[int, str]]  # (column index, header) not matched
    duplicates: list[tuple[int, str, str]]  # (column index, header, key already taken)
    unused: list[tuple[int, str]] = field(default_factory=list)  # (column index, header) known, not analysed


def header_key(spec: SheetSpec, header: object) -> tuple[str, int] | None:
    """(key, tier) a single header names in ``spec``, or None."""
    table = _LOOKUPS[spec.key]
    base, _unit = split_unit(header)
    return table.get(normalize(header)) or table.get(normalize(base))


def match_headers(spec: SheetSpec, headers: list[object]) -> HeaderMatch:
    """Map each header cell to a key. When two headers name one key, the stronger name wins
    (``价税合计`` over ``无税金额``, ``下单日期`` over ``创建时间``), then the one further left."""
    found: list[tuple[int, str, str, int, str | None]] = []  # (index, header, key, tier, unit)
    unknown: list[tuple[int, str]] = []
    unused: list[tuple[int, str]] = []
    for i, h in enumerate(headers):
        if h is None or str(h).strip() == "":
            continue
        hit = header_key(spec, h)
        if hit is None:
            base, _ = split_unit(h)
            (unused if normalize(base) in _UNUSED else unknown).append((i, str(h)))
        else:
            found.append((i, str(h), hit[0], hit[1], split_unit(h)[1]))
    mapping: dict[int, str] = {}
    units: dict[str, str] = {}
    duplicates: list[tuple[int, str, str]] = []
    taken: set[str] = set()
    for i, h, key, _tier, unit in sorted(found, key=lambda f: (f[3], f[0])):
        if key in taken:
            duplicates.append((i, h, key))
            continue
        taken.add(key)
        mapping[i] = key
        if unit:
            units[key] = unit
    return HeaderMatch(dict(sorted(mapping.items())), units, unknown, sorted(duplicates), unused)


_UNUSED = frozenset(normalize(h) for h in KNOWN_UNUSED)


def missing_required(spec: SheetSpec, keys) -> list[Column]:
    """Required columns of ``spec`` not among ``keys`` (a stand-in such as the customer's name counts)."""
    keys = set(keys)
    return [c for c in spec.columns if c.required and c.key not in keys
            and STAND_INS.get((spec.key, c.key)) not in keys]


def closest(spec: SheetSpec, key: str, headers) -> tuple[str, str] | None:
    """(header seen, name it resembles) for the header most like one of ``key``'s names, or None."""
    col = spec.column(key)
    names = {normalize(n): n for n in (*_names(col), *col.aliases, *col.weak) if n}
    best: tuple[float, str, str] | None = None
    for h in headers:
        if h is None or not str(h).strip():
            continue
        base = normalize(split_unit(h)[0])
        for n, original in names.items():
            ratio = difflib.SequenceMatcher(None, base, n).ratio()
            if ratio >= 0.5 and (best is None or ratio > best[0]):
                best = (ratio, str(h), original)
    return (best[1], best[2]) if best else None


def find_sheet(spec_key: str, sheet_names: list[str]) -> str | None:
    """The workbook's sheet ``spec_key`` (an input or output sheet), by its name in any language or its key."""
    wanted = {normalize(c) for c in (*names_of_sheet(spec_key), spec_key)}
    for name in sheet_names:
        if normalize(name) in wanted:
            return name
    return None
