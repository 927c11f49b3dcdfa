"""The 策略库 Playbook: what to do for each tier, RFM segment and detected problem.

Pre-filled from S0 表3 (tiers), S1 表4 (segments) and S3 表2 (problems); the sheet is
user-editable and the analyses read it back, so a manager's wording wins over these defaults.
"""

from __future__ import annotations

import re

import pandas as pd

COLUMNS = ["kind", "name", "features", "focus", "frequency", "owner", "action", "deadline", "resources", "expected"]
TIER, SEGMENT, PROBLEM = "客户层级", "RFM分群", "问题"
CLASS = "客户等级"  # S2 模板3 销售策略匹配表: A/B/C

DEFAULT_ROWS = [
    # S0 表3 客户分层策略表
    (TIER, "VIP", "近半年采购≥50万，合作≥2年", "高层对接、定制化服务、资源倾斜", "月度", "销售总监",
     "年度返利5%、免费新品试用；每月高层拜访+专属服务", "每月", "专属服务团队", "续约率与满意度提升"),
    (TIER, "核心", "近半年采购20-50万，合作≥1年", "业务培训、联合营销、售后保障", "季度", "客户经理",
     "订单满额赠品、优先参与活动；季度业务回顾+产品培训", "每季度", "售后绿色通道", "采购额向VIP层级提升"),
    (TIER, "普通", "近半年采购<20万，偶发性合作", "简化流程、新品推荐、优惠券发放", "月度", "销售代表",
     "消费满200减30、积分兑换；月度跟进+新品推荐", "每月", "小额优惠券", "复购率提升"),
    (TIER, "潜在", "有需求但未合作，资质匹配", "产品介绍、案例分享、体验邀请", "周度", "销售代表",
     "首单8折、免费试用1个月；每周1次电话触达", "每周", "产品案例与试用名额", "首单转化"),
    # S1 表4 客户维护策略建议表
    (SEGMENT, "高价值客户", "采购额高、合作稳定", "深化合作、提升粘性", "月度", "客户经理",
     "每月上门回访1次；提供年度产品优先试用权", "30天", "优先试用名额", "客户粘性提升"),
    (SEGMENT, "潜力客户", "采购频次或金额较高、仍有提升空间", "激活需求、促进复购", "月度", "销售代表",
     "推送首单/复购折扣券；邀请参加行业交流会", "30天", "市场活动名额", "复购率提升"),
    (SEGMENT, "流失风险客户", "长期未采购、历史合作中高", "挽留客户、挖掘原因", "每周", "销售代表",
     "电话沟通了解未合作原因；提供专属“回归优惠”方案", "15天", "回归优惠预算", "挽回流失客户"),
    (SEGMENT, "低价值客户", "三项均低", "低成本维护", "季度", "销售代表",
     "批量推送新品信息与促销活动", "90天", "营销自动化工具", "识别可培育客户"),
    # S2 第四步 / 模板3 销售策略匹配表 (A/B/C classes; the plan uses them for 潜在 customers and leads)
    (CLASS, "A", "高价值/高潜力，优先跟进", "成立专项跟进小组（销售经理+技术支持工程师），提供定制化解决方案",
     "周度", "销售经理", "安排高层互访（我方总经理与客户对接），承诺优先交付", "每周", "专项小组、技术支持工程师",
     "加速决策、促成首单"),
    (CLASS, "B", "中等价值/潜力，定期维护", "定期发送行业案例与产品对比资料", "周度", "销售代表",
     "邀请参与产品体验会，灵活调整付款周期（如：分期付款）", "每月", "行业案例库、体验会名额", "推进到方案与商务阶段"),
    (CLASS, "C", "低价值/潜力，低频触达", "通过标准化产品手册、线上客服咨询触达", "周度", "销售代表",
     "发送标准化产品手册，线上客服答疑，降低跟进成本", "每季度", "标准产品手册、线上客服", "识别可培育客户"),
    # S3 表2 业绩问题分析与提升策略表 (+ S0 异常情况跟进)
    (PROBLEM, "完成率低", "个人/产品线完成率低于预警线", "定位未达标原因（5Why）", "每周", "区域经理",
     "逐单复盘在谈商机，制定补量计划；开展销售技巧专项培训", "15天", "培训预算、经理陪访", "完成率回到 100%"),
    (PROBLEM, "环比下滑", "销售额环比下降超过预警线", "查明下滑原因（季节、竞品、客户流失）", "每周", "销售负责人",
     "联系本期未下单的老客户；针对性推出促销", "15天", "促销政策", "销售额恢复至上期水平"),
    (PROBLEM, "产品占比下降", "产品线销售占比明显下降", "产品竞争力与推广", "每月", "产品经理",
     "联合产品部优化产品功能，针对性推出“买赠”促销活动", "30天", "市场部物料支持", "占比回升"),
    (PROBLEM, "区域完成率低", "区域完成率低于区域预警线", "区域资源与客户开发", "每周", "区域经理",
     "为该区域增派销售支持人员，开展区域客户专项培训", "30天", "增派销售支持", "区域完成率提升至 90% 以上"),
    (PROBLEM, "老客户流失", "老客户流失率上升", "老客户回访与挽留", "每月", "销售负责人",
     "建立老客户回访SOP，每月至少完成3次老客户沟通", "30天", "回访SOP", "流失率下降"),
    (PROBLEM, "客户沉默", "客户沉默超过其平均采购周期的1.5倍", "流失预警", "每周", "客户负责人",
     "本周内电话回访，了解需求变化与竞品情况", "7天", "回归优惠", "恢复下单"),
    (PROBLEM, "跟进逾期", "超过层级沟通频率未跟进", "维护计划执行", "每周", "客户负责人",
     "按维护计划补做跟进并记录", "7天", "无", "维护计划按时完成"),
    (PROBLEM, "客单价低", "客单价明显低于团队平均", "提升单笔订单金额", "每月", "销售经理",
     "针对性推出“批量采购折扣”，捆绑销售", "30天", "市场部物料支持", "客单价提升15%"),
]


def default_playbook() -> pd.DataFrame:
    return pd.DataFrame(DEFAULT_ROWS, columns=COLUMNS)


def lookup(playbook: pd.DataFrame, kind: str) -> dict[str, dict[str, str]]:
    """name → row (as a dict) for one kind; the user's sheet wins over the defaults."""
    merged = pd.concat([default_playbook(), playbook], ignore_index=True) if not playbook.empty else default_playbook()
    rows = merged[merged["kind"] == kind].drop_duplicates("name", keep="last")
    return {r["name"]: {k: ("" if pd.isna(v) else str(v)) for k, v in r.items()} for _, r in rows.iterrows()}


MAX_DEADLINE_DAYS = 3660  # ten years; as_of (≤ 2199-12-31) + this stays far inside pandas' range


def deadline_days(text: str, default: int = 30) -> int:
    """'15天' → 15, '每周' → 7, '每月' → 30, '每季度' → 90."""
    m = re.search(r"(\d+)\s*天", text or "")
    if m:  # capped: '99999999天' typed in 策略库 must not push as_of + days past pandas' year 2262
        return min(int(m.group(1)), MAX_DEADLINE_DAYS)
    for word, days in (("周", 7), ("季", 90), ("月", 30), ("年", 365)):
        if word in (text or ""):
            return days
    return default
