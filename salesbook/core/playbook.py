"""The 策略库 Playbook: what to do for each tier, RFM segment, A/B/C class and detected problem.

Pre-filled from S0 表3 (tiers), S1 表4 (segments), S2 模板3 (A/B/C classes) and S3 表2 (problems),
in the workbook's language (:func:`default_playbook`). The sheet is user-editable and the analyses
read it back, so a manager's wording wins over these defaults. A row's 类型 and 名称 may be typed in
either language: they are read as codes (``vocab.parse``: 核心 / Core → ``core``; a problem's name is
its alert rule, 完成率低 / Completion low → ``completion_low``); a name that is no code is kept as typed.
Where the sheet has no row for a name, the default row's text is used, as a message in both
languages (rendered in the workbook's language when written).
"""

from __future__ import annotations

import re

import pandas as pd

from .. import vocab
from ..messages import Msg, msg, text

COLUMNS = ["kind", "name", "features", "focus", "frequency", "owner", "action", "deadline", "resources", "expected"]
TEXT_COLUMNS = COLUMNS[2:]
TIER, SEGMENT, PROBLEM, CLASS = "tier", "segment", "problem", "class"  # vocab domain "playbook_kind"
_NAME_DOMAIN = {TIER: "tier", SEGMENT: "segment", PROBLEM: "rule"}

# (kind, name code, Chinese fields, English fields); fields in the order of TEXT_COLUMNS
DEFAULTS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    # S0 表3 客户分层策略表
    (TIER, "vip", ("近半年采购≥50万，合作≥2年", "高层对接、定制化服务、资源倾斜", "月度", "销售总监",
                   "年度返利5%、免费新品试用；每月高层拜访+专属服务", "每月", "专属服务团队", "续约率与满意度提升"),
     ("≥ CNY 500k in the last 6 months, customer ≥ 2 years", "Senior contact, tailored service, priority resources",
      "Monthly", "Sales director", "5% annual rebate, free trials of new products; monthly senior visit and dedicated service",
      "Monthly", "Dedicated service team", "Higher renewal and satisfaction")),
    (TIER, "core", ("近半年采购20-50万，合作≥1年", "业务培训、联合营销、售后保障", "季度", "客户经理",
                    "订单满额赠品、优先参与活动；季度业务回顾+产品培训", "每季度", "售后绿色通道", "采购额向VIP层级提升"),
     ("CNY 200k–500k in the last 6 months, customer ≥ 1 year", "Business training, joint marketing, after-sales support",
      "Quarterly", "Account manager", ("Gifts on large orders, first access to events; quarterly business review and "
      "product training"), "Quarterly", "After-sales fast lane", "Purchases growing toward VIP")),
    (TIER, "normal", ("近半年采购<20万，偶发性合作", "简化流程、新品推荐、优惠券发放", "月度", "销售代表",
                      "消费满200减30、积分兑换；月度跟进+新品推荐", "每月", "小额优惠券", "复购率提升"),
     ("< CNY 200k in the last 6 months, occasional orders", "Simple ordering, new-product tips, coupons", "Monthly",
      "Sales rep", "CNY 30 off orders over CNY 200, loyalty points; monthly follow-up with new-product tips", "Monthly",
      "Small coupons", "Higher repeat purchase rate")),
    (TIER, "prospect", ("有需求但未合作，资质匹配", "产品介绍、案例分享、体验邀请", "周度", "销售代表",
                        "首单8折、免费试用1个月；每周1次电话触达", "每周", "产品案例与试用名额", "首单转化"),
     ("Has a need, not yet a customer, a good fit", "Product introduction, case studies, trial invitations", "Weekly",
      "Sales rep", "20% off the first order, one-month free trial; one call a week", "Weekly",
      "Case studies and trial places", "First order")),
    # S1 表4 客户维护策略建议表
    (SEGMENT, "high_value", ("采购额高、合作稳定", "深化合作、提升粘性", "月度", "客户经理",
                             "每月上门回访1次；提供年度产品优先试用权", "30天", "优先试用名额", "客户粘性提升"),
     ("High purchases, steady relationship", "Deepen the relationship, build loyalty", "Monthly", "Account manager",
      "One visit a month; first access to the year's product trials", "30 days", "Priority trial places",
      "Stronger loyalty")),
    (SEGMENT, "potential", ("采购频次或金额较高、仍有提升空间", "激活需求、促进复购", "月度", "销售代表",
                            "推送首单/复购折扣券；邀请参加行业交流会", "30天", "市场活动名额", "复购率提升"),
     ("Buys often or spends well, with room to grow", "Activate demand, encourage repeat orders", "Monthly",
      "Sales rep", "Send first/repeat-order discount coupons; invite to industry events", "30 days", "Event places",
      "Higher repeat purchase rate")),
    (SEGMENT, "churn_risk", ("长期未采购、历史合作中高", "挽留客户、挖掘原因", "每周", "销售代表",
                             "电话沟通了解未合作原因；提供专属“回归优惠”方案", "15天", "回归优惠预算", "挽回流失客户"),
     ("No purchase for a long time, a medium-to-high history", "Keep the customer, find the reason", "Weekly",
      "Sales rep", "Call to learn why they stopped ordering; offer a dedicated come-back deal", "15 days",
      "Come-back discount budget", "Win back lapsing customers")),
    (SEGMENT, "low_value", ("三项均低", "低成本维护", "季度", "销售代表",
                            "批量推送新品信息与促销活动", "90天", "营销自动化工具", "识别可培育客户"),
     ("Low on all three", "Low-cost upkeep", "Quarterly", "Sales rep",
      "Bulk mailings of new products and promotions", "90 days", "Marketing automation", "Find customers worth growing")),
    # S2 第四步 / 模板3 销售策略匹配表 (A/B/C classes; the plan uses them for 潜在 customers and leads)
    (CLASS, "A", ("高价值/高潜力，优先跟进", "成立专项跟进小组（销售经理+技术支持工程师），提供定制化解决方案", "周度",
                  "销售经理", "安排高层互访（我方总经理与客户对接），承诺优先交付", "每周", "专项小组、技术支持工程师",
                  "加速决策、促成首单"),
     ("High value / high potential: follow up first", ("A dedicated team (sales manager and support engineer) with a "
      "tailored solution"), "Weekly", "Sales manager", ("Senior visits (our general manager meets the customer); "
      "promise priority delivery"), "Weekly", "Dedicated team, support engineer", "Faster decision, first order")),
    (CLASS, "B", ("中等价值/潜力，定期维护", "定期发送行业案例与产品对比资料", "周度", "销售代表",
                  "邀请参与产品体验会，灵活调整付款周期（如：分期付款）", "每月", "行业案例库、体验会名额",
                  "推进到方案与商务阶段"),
     ("Medium value / potential: regular upkeep", "Send industry cases and product comparisons regularly", "Weekly",
      "Sales rep", "Invite to product demos; flexible payment terms (e.g. instalments)", "Monthly",
      "Case library, demo places", "Move on to proposal and negotiation")),
    (CLASS, "C", ("低价值/潜力，低频触达", "通过标准化产品手册、线上客服咨询触达", "周度", "销售代表",
                  "发送标准化产品手册，线上客服答疑，降低跟进成本", "每季度", "标准产品手册、线上客服", "识别可培育客户"),
     ("Low value / potential: occasional contact", "Reach them with the standard brochure and online support",
      "Weekly", "Sales rep", "Send the standard brochure, answer questions online, keep follow-up cheap", "Quarterly",
      "Standard brochure, online support", "Find customers worth growing")),
    # S3 表2 业绩问题分析与提升策略表 (+ S0 异常情况跟进)
    (PROBLEM, "completion_low", ("个人/产品线完成率低于预警线", "定位未达标原因（5Why）", "每周", "区域经理",
                                 "逐单复盘在谈商机，制定补量计划；开展销售技巧专项培训", "15天", "培训预算、经理陪访",
                                 "完成率回到 100%"),
     ("A rep's or product line's completion below the alert line", "Find why the target is missed (5 Whys)",
      "Weekly", "Regional manager", "Review every open deal and plan how to close the gap; sales-skills training",
      "15 days", "Training budget, manager ride-alongs", "Completion back to 100%")),
    (PROBLEM, "mom_drop", ("销售额环比下降超过预警线", "查明下滑原因（季节、竞品、客户流失）", "每周", "销售负责人",
                           "联系本期未下单的老客户；针对性推出促销", "15天", "促销政策", "销售额恢复至上期水平"),
     ("Sales down on the previous period beyond the alert line", ("Find the cause (season, competitors, lost "
      "customers)"), "Weekly", "Salesperson", ("Call returning customers who did not order this period; a targeted "
      "promotion"), "15 days", "Promotion budget", "Sales back to the previous period's level")),
    (PROBLEM, "share_drop", ("产品线销售占比明显下降", "产品竞争力与推广", "每月", "产品经理",
                             "联合产品部优化产品功能，针对性推出“买赠”促销活动", "30天", "市场部物料支持", "占比回升"),
     ("A product line's share of sales clearly falling", "Product competitiveness and promotion", "Monthly",
      "Product manager", "Improve the product with the product team; a targeted buy-and-get promotion", "30 days",
      "Marketing material", "Share recovers")),
    (PROBLEM, "region_low", ("区域完成率低于区域预警线", "区域资源与客户开发", "每周", "区域经理",
                             "为该区域增派销售支持人员，开展区域客户专项培训", "30天", "增派销售支持",
                             "区域完成率提升至 90% 以上"),
     ("A region's completion below the regional alert line", "Regional resources and customer development", "Weekly",
      "Regional manager", "Send more sales support to the region; training for its customers", "30 days",
      "Extra sales support", "Regional completion above 90%")),
    (PROBLEM, "churn_up", ("老客户流失率上升", "老客户回访与挽留", "每月", "销售负责人",
                           "建立老客户回访SOP，每月至少完成3次老客户沟通", "30天", "回访SOP", "流失率下降"),
     ("Returning-customer churn rising", "Call back and keep returning customers", "Monthly", "Salesperson",
      "A call-back routine for returning customers: at least 3 calls a month", "30 days", "Call-back routine",
      "Lower churn")),
    (PROBLEM, "silent", ("客户沉默超过其平均采购周期的1.5倍", "流失预警", "每周", "客户负责人",
                         "本周内电话回访，了解需求变化与竞品情况", "7天", "回归优惠", "恢复下单"),
     ("A customer silent for over 1.5× their average purchase cycle", "Churn warning", "Weekly", "Account owner",
      "Call this week: ask about changing needs and competitors", "7 days", "Come-back discount", "Orders resume")),
    (PROBLEM, "overdue", ("超过层级沟通频率未跟进", "维护计划执行", "每周", "客户负责人",
                          "按维护计划补做跟进并记录", "7天", "无", "维护计划按时完成"),
     ("No follow-up within the tier's cadence", "Keep to the follow-up plan", "Weekly", "Account owner",
      "Catch up on the follow-up and record it", "7 days", "None", "Follow-up plan kept on time")),
    (PROBLEM, "low_ticket", ("客单价明显低于团队平均", "提升单笔订单金额", "每月", "销售经理",
                          "针对性推出“批量采购折扣”，捆绑销售", "30天", "市场部物料支持", "客单价提升15%"),
     ("Average order clearly below the team's", "Raise the value of each order", "Monthly", "Sales manager",
      "A targeted volume discount; bundles", "30 days", "Marketing material", "Average order up 15%")),
]
_EXTRA_NAMES = {"low_ticket": ("客单价低", "Low average order")}  # default names that are no alert rule


def _name_word(kind: str, name: str, lang: str) -> str:
    if kind == PROBLEM and name in _EXTRA_NAMES:
        return _EXTRA_NAMES[name][vocab.LANGS.index(lang) if lang in vocab.LANGS else 0]
    domain = _NAME_DOMAIN.get(kind)
    return vocab.label(domain, name, lang) if domain else name


def default_playbook(lang: str = "zh") -> pd.DataFrame:
    """The pre-filled 策略库 rows in ``lang`` (the sheet a new workbook starts with)."""
    i = vocab.LANGS.index(lang) if lang in vocab.LANGS else 0
    rows = [(vocab.label("playbook_kind", kind, lang), _name_word(kind, name, lang), *(zh, en)[i])
            for kind, name, zh, en in DEFAULTS]
    return pd.DataFrame(rows, columns=COLUMNS)


def kind_words(lang: str = "zh") -> tuple[str, ...]:
    """The words of the 类型 column's dropdown in ``lang``."""
    return tuple(vocab.labels("playbook_kind", lang).values())


def name_code(kind: str, name) -> str | None:
    """The code a typed 名称 means for a row of ``kind`` (a tier, segment or rule code; A/B/C upper-cased;
    otherwise the name as typed, stripped). None for a blank."""
    if name is None or (isinstance(name, float) and pd.isna(name)) or not str(name).strip():
        return None
    text = str(name).strip()
    if kind == PROBLEM:
        extra = next((c for c, pair in _EXTRA_NAMES.items() if vocab._fold(text) in map(vocab._fold, pair)), None)
        if extra:
            return extra
    domain = _NAME_DOMAIN.get(kind)
    code = vocab.parse(domain, text) if domain else None
    return code or (text.upper() if kind == CLASS and len(text) == 1 else text)


def _default_book(kind: str) -> dict[str, dict[str, Msg]]:
    return {name: {c: msg("both", zh=z, en=e) for c, z, e in zip(TEXT_COLUMNS, zh, en, strict=True)}
            for k, name, zh, en in DEFAULTS if k == kind}


def lookup(playbook: pd.DataFrame, kind: str, lang: str | None = None) -> dict[str, dict]:
    """name code → {column: text} for the rows of one ``kind`` (``TIER``/``SEGMENT``/``CLASS``/``PROBLEM``).

    The user's sheet wins over the defaults (the last row of a name wins); its text is kept as typed.
    A default's text is a message in both languages, or plain text in ``lang`` when one is given."""
    book: dict[str, dict] = _default_book(kind)
    if lang is not None:
        book = {n: {c: text(v, lang) for c, v in row.items()} for n, row in book.items()}
    if playbook is not None and not playbook.empty and {"kind", "name"} <= set(playbook.columns):
        for r in playbook.to_dict("records"):
            if vocab.parse("playbook_kind", r.get("kind")) != kind:
                continue
            code = name_code(kind, r.get("name"))
            if code is None:
                continue
            book[code] = {c: ("" if r.get(c) is None or (isinstance(r.get(c), float) and r.get(c) != r.get(c))
                              else str(r.get(c))) for c in TEXT_COLUMNS}
    return book


def plain(value) -> str:
    """A playbook value as Chinese text (a default's message rendered in Chinese; typed text as is)."""
    if isinstance(value, Msg):
        return text(value, "zh")
    return "" if value is None else str(value)


MAX_DEADLINE_DAYS = 3660  # ten years; as_of (≤ 2199-12-31) + this stays far inside pandas' range


def deadline_days(text, default: int = 30) -> int:
    """'15天' / '15 days' → 15, '每周' / 'Weekly' → 7, '每月' / 'Monthly' → 30, '每季度' / 'Quarterly' → 90."""
    text = plain(text)
    m = re.search(r"(\d+)\s*(天|days?\b|d\b)", text, flags=re.IGNORECASE)
    if m:  # capped: '99999999天' typed in 策略库 must not push as_of + days past pandas' year 2262
        return min(int(m.group(1)), MAX_DEADLINE_DAYS)
    low = text.casefold()
    for words, days in ((("周", "week"), 7), (("季", "quarter"), 90), (("月", "month"), 30), (("年", "year"), 365)):
        if any(w in low for w in words):
            return days
    return default
