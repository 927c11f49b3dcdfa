"""The numbers core (performance, breakdown, trends, funnel) emits codes and messages, never words: every
code it can put in a table has a Chinese and an English word, and every message renders in both
languages without a Chinese character in the English (user data aside)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from salesbook import vocab
from salesbook.core import breakdown as bd
from salesbook.core import funnel as fn
from salesbook.core import performance, trends
from salesbook.core.pipeline import run
from salesbook.core.tables import NEW_LABEL, growth
from salesbook.excel import dashboard
from salesbook.messages import CATALOGUE, Msg, Unit, text
from salesbook.settings import Settings
from tests.conftest import TODAY, raw

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(("domain", "codes"), [
    ("band", (performance.BAND_MET, performance.BAND_NEAR, performance.BAND_MISS, performance.BAND_NONE)),
    ("pace", (performance.PACE_AHEAD, performance.PACE_BEHIND)),
    ("quadrant", (bd.QUADRANT_STAR, bd.QUADRANT_TO_FIX, bd.QUADRANT_STEADY)),
    ("customer_type", (bd.TYPE_NEW, bd.TYPE_RETURNING, bd.TYPE_REPEAT)),
    ("weekday", trends.WEEKDAYS),
    ("stage", (*fn.STAGES, fn.LOST)),
    ("since", (fn.SINCE_STAGE_DATE, fn.SINCE_CREATED)),
    ("lost_reason", (fn.NO_REASON,)),
    ("growth", (NEW_LABEL,)),
    ("kpi", tuple(k for k in bd.KPI_KINDS if k != "cac")),
    ("card", tuple(m for m, _kind, _better in dashboard.CARDS)),
])
def test_every_code_has_a_word_in_each_language(domain, codes):
    for code in codes:
        zh, en = vocab.label(domain, code, "zh"), vocab.label(domain, code, "en")
        assert zh != code and CJK.search(zh), (domain, code)  # a Chinese word, not the code
        assert en != code or code.isupper(), (domain, code)
        assert not CJK.search(en) and en[0].isupper(), (domain, code, en)
        assert vocab.parse(domain, zh) == vocab.parse(domain, en) == code  # typed back in either language


def test_the_funnel_summary_labels_are_codes_or_messages():
    leads = pd.DataFrame({"lead_id": ["L1", "L2"], "name": ["甲", "乙"], "stage": ["需求确认", "Won"],
                          "est_amount": [100.0, 200.0], "owner": ["x", "y"],
                          "created": pd.to_datetime(["2026-01-01", "2026-01-01"]),
                          "stage_date": pd.to_datetime([None, "2026-02-10"])})
    t = fn.funnel(leads, settings=Settings(), as_of=dt.date(2026, 3, 1))
    assert t["stages"]["stage"].tolist() == ["qualify", "proposal", "negotiation", "won", "lost"]
    assert t["stages"]["reached"].tolist() == [2, 1, 1, 1, 0]  # typed Chinese and English stages both count
    for label in t["summary"]["label"]:
        if isinstance(label, Msg):
            assert CJK.search(text(label, "zh")) and not CJK.search(text(label, "en"))
        else:
            assert label in vocab.DOMAINS["funnel_kpi"]
    basis = t["summary"].set_index("metric").loc["basis", "value"]
    # one won lead, created 2026-01-01, won 2026-02-10: a 40-day cycle
    assert text(basis, "zh") == "创建日期 + 平均成交周期 40 天"
    assert text(basis, "en") == "Created date + average sales cycle of 40 days"


def test_growth_on_an_empty_base_is_the_code_new():
    g = growth(pd.Series([5.0, 0.0, 6.0]), pd.Series([0.0, 0.0, 4.0]))
    assert g.iloc[0] == NEW_LABEL == "new" and pd.isna(g.iloc[1]) and g.iloc[2] == pytest.approx(0.5)


def test_every_numbers_message_renders_english_without_chinese():
    for key, (zh, en) in CATALOGUE.items():
        if key.split(".")[0] in ("perf", "kpi", "funnel", "dash"):
            assert CJK.search(zh) or "{" in zh, key
            assert not CJK.search(en), (key, en)


def test_blocks_declare_domains_and_units_for_the_edge():
    orders = pd.DataFrame([("O1", "2026-11-02", "C1", "甲", "张三", None, 100, "已成交"),
                           ("O2", "2026-11-03", "C2", "乙", "李四", "A产品", 300, "已成交")],
                          columns=["order_id", "order_date", "customer_id", "customer_name", "salesperson",
                                   "product_line", "amount", "status"])
    res = run({"orders": raw(orders)}, settings=Settings(), today=TODAY)
    blocks = {b.key: b for bs in res.sheets.values() for b in bs}
    lines = blocks["by_product_line"]
    col = lines.col("product_line")
    shown = {vocab.label(col.domain, v, "en") for v in lines.df["product_line"]}
    assert shown == {"A产品", "(blank)"}  # the user's line as typed, the empty cell in English
    assert {vocab.label(col.domain, v, "zh") for v in lines.df["product_line"]} == {"A产品", "(未填)"}
    kpi = blocks["kpi"]
    assert kpi.col("label").domain == "kpi"
    by = dict(zip(kpi.df["metric"], kpi.df["label"], strict=True))
    assert by["orders"] == "orders"  # a count: the code, no unit
    assert text(by["revenue"], "zh", Unit("万元", 10000)) == "销售额(万元)"
    assert text(by["revenue"], "en", Unit("元", 1)) == "Sales (CNY)"
    assert text(by["avg_ticket"], "en", Unit("万元", 10000)) == "Average order (CNY 10k)"
