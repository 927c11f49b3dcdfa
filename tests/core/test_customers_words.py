"""Customers, alerts and the playbook in codes and messages: the words come at the edge, in either language.

The English check runs the whole analysis on the demo sample with every user-typed text replaced by
ASCII aliases, so any Chinese left in the rendered English cells is the product's own.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from salesbook import demo, messages, vocab
from salesbook.core import alerts_data, followup, problems, tiers
from salesbook.core import playbook as pb
from salesbook.core.numtext import number
from salesbook.core.pipeline import RawTable, run
from salesbook.messages import text
from salesbook.settings import Settings
from tests.conftest import TODAY

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
USER_TEXT = ("customer_name", "salesperson", "region", "product_line", "channel", "short_name", "industry", "size",
             "contact", "city", "owner", "tags", "content", "next_step", "name", "lost_reason")


# -- the default playbook -------------------------------------------------------------------------------------------
def test_the_default_playbook_has_the_same_rows_in_both_languages_and_english_is_english():
    zh, en = pb.default_playbook("zh"), pb.default_playbook("en")
    assert list(zh.columns) == list(en.columns) == pb.COLUMNS and len(zh) == len(en) == len(pb.DEFAULTS)
    for (kz, nz), (ke, ne), (kind, name) in zip(zip(zh["kind"], zh["name"], strict=True),
                                                       zip(en["kind"], en["name"], strict=True), pb.DEFAULTS,
                                                       strict=True):
        assert vocab.parse("playbook_kind", kz) == vocab.parse("playbook_kind", ke) == kind
        assert pb.name_code(kind, nz) == pb.name_code(kind, ne) == name  # each language's name reads back
    cells = [v for row in en.itertuples(index=False) for v in row]
    assert all(isinstance(v, str) and v.strip() for v in cells)
    assert not [v for v in cells if CJK.search(v)]
    # the Chinese rows are the seeds' (S0 表3, S1 表4, S2 模板3, S3 表2), e.g. 核心's 维护重点
    core = zh[(zh["kind"] == "客户层级") & (zh["name"] == "核心")].iloc[0]
    assert core["focus"] == "业务培训、联合营销、售后保障" and core["frequency"] == "季度"


def test_rows_typed_in_either_language_are_read_by_their_codes():
    typed = pd.DataFrame([["Tier", "Core", "", "EN focus", "Monthly", "", "EN action", "", "", ""],
                          ["客户层级", "普通", "", "中文重点", "月度", "", "中文行动", "", "", ""],
                          ["problem", "Completion low", "", "", "", "", "", "Weekly", "", ""],
                          ["问题", "我们自己的问题", "", "自定", "", "", "", "", "", ""],
                          ["客户等级", "b", "", "B focus", "", "", "", "", "", ""]], columns=pb.COLUMNS)
    book = pb.lookup(typed, pb.TIER)
    assert book["core"]["focus"] == "EN focus" and book["normal"]["focus"] == "中文重点"
    assert text(book["vip"]["focus"], "zh") == "高层对接、定制化服务、资源倾斜"  # no typed row: the default
    assert text(book["vip"]["focus"], "en") == "Senior contact, tailored service, priority resources"
    probs = pb.lookup(typed, pb.PROBLEM)
    assert pb.deadline_days(probs["completion_low"]["deadline"]) == 7 and "我们自己的问题" in probs
    assert pb.lookup(typed, pb.CLASS)["B"]["focus"] == "B focus"
    assert pb.lookup(typed, pb.TIER, "en")["prospect"]["action"].startswith("20% off the first order")


@pytest.mark.parametrize(("typed", "days"), [("15天", 15), ("15 days", 15), ("7d", 7), ("每周", 7), ("Weekly", 7),
                                             ("每月", 30), ("Monthly", 30), ("每季度", 90), ("Quarterly", 90),
                                             ("", 30), ("99999999 days", pb.MAX_DEADLINE_DAYS)])
def test_deadlines_read_in_either_language(typed, days):
    assert pb.deadline_days(typed) == days


def test_the_plan_takes_an_english_playbook_and_renders_defaults_in_the_workbook_language():
    tiers_t = pd.DataFrame({"customer_id": ["C1", "C2"], "customer_name": ["Acme", "Beta"],
                            "tier": [tiers.CORE, tiers.VIP]})
    fu = pd.DataFrame(columns=["customer_id", "date", "next_date", "satisfaction", "content", "next_step", "row"])
    fu = fu.astype({"date": "datetime64[ns]", "next_date": "datetime64[ns]"})
    orders = pd.DataFrame(columns=["customer_id", "salesperson"])
    english = pb.default_playbook("en")
    english = english[english["name"] != "VIP"]  # the user deleted the VIP row
    plan = followup.followup_plan(tiers_t, fu, orders, pd.DataFrame(), english, settings=Settings(),
                                  as_of=TODAY).set_index("customer_id")
    row = pb.default_playbook("en").set_index("name").loc["Core"]
    assert (plan.loc["C1", "focus"], plan.loc["C1", "frequency"], plan.loc["C1", "incentive"]) == (
        row["focus"], row["frequency"], row["action"])
    zh_vip = pb.default_playbook("zh").set_index("name").loc["VIP"]
    assert text(plan.loc["C2", "focus"], "zh") == zh_vip["focus"]  # the default, in the workbook's language
    assert text(plan.loc["C2", "focus"], "en") == pb.default_playbook("en").set_index("name").loc["VIP", "focus"]
    assert plan.loc["C1", "cadence_days"] == Settings().cadence_core and plan.loc["C2", "quota"] == Settings().quota_vip


# -- the whole analysis, rendered in English ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ascii_result():
    """The demo sample with every user-typed text replaced by an ASCII alias (statuses and stages stay)."""
    tables = {}
    alias: dict[str, str] = {}
    for key, df in demo.sample(60, 500, seed=3).items():
        df = df.copy()
        for col in USER_TEXT:
            if col in df:
                df[col] = df[col].map(lambda v: alias.setdefault(v, f"U{len(alias)}") if isinstance(v, str) and v
                                      else v)
        tables[key] = RawTable(df.assign(_row=range(2, len(df) + 2)), key)
    return run(tables, settings=Settings(), today=TODAY)


SHEETS = ("rfm", "tiers", "followup_plan", "problems", "alerts")


def _rendered(result, lang):
    unit = messages.unit_of(result.settings)
    for sheet in SHEETS:
        for block in result.sheets[sheet]:
            yield sheet, "title", text(block.title, lang, unit)
            for c in block.cols:
                if c.key not in block.df or c.key == "key":  # the key: an id that stays as earlier versions wrote it
                    continue
                for v in block.df[c.key]:
                    v = vocab.label(c.domain, v, lang) if c.domain else v
                    yield sheet, c.key, text(v, lang, unit)


def test_the_customer_and_alert_sheets_have_no_chinese_in_english(ascii_result):
    a = ascii_result.frames.alerts
    assert {"completion_low", "silent", "overdue"} <= set(a["rule"]), "the sample needs these alerts: the test needs them"
    data_rules = set(alerts_data.DATA_RULES)
    left = []
    for sheet, col, v in _rendered(ascii_result, "en"):
        if isinstance(v, str) and CJK.search(v):
            left.append((sheet, col, v))
    # the data-quality alerts quote the cleaning log's reason (owned by cleaning); nothing else may be Chinese
    quoted = {text(m, "en") for m, r in zip(a["message"], a["rule"], strict=True) if r in data_rules}
    assert [x for x in left if x[2] not in quoted] == []


def test_the_chinese_rendering_keeps_the_chinese_wording(ascii_result):
    t = ascii_result.frames.tiers
    r = t[t["total_orders"] > 0].iloc[0]
    unit = messages.unit_of(ascii_result.settings)
    amount = number(r["half_year_amount"] / 10_000, 2)  # as the 万元 cell shows it
    assert text(r["reason"], "zh", unit) == f"近半年 {amount}万元，合作 {number(r['years'], 1)} 年"
    assert text(r["reason"], "en", unit) == (f"{amount} (CNY 10k) in the last 6 months; "
                                             f"a customer for {number(r['years'], 1)} years")
    a = ascii_result.frames.alerts
    assert set(a["severity"]) <= set(vocab.DOMAINS["severity"]) and set(a["rule"]) <= set(vocab.DOMAINS["rule"])
    p = ascii_result.frames.problems
    assert set(p["severity"]) <= set(vocab.DOMAINS["severity"])
    for m, rule in zip(p["problem"], a.set_index("key").reindex(p["key"])["rule"], strict=True):
        zh_text = text(m, "zh", unit)
        assert zh_text.split("：")[0] in {vocab.label("rule", r_, "zh") for r_ in problems.BUSINESS_RULES}
        if isinstance(rule, str):
            assert zh_text.startswith(vocab.label("rule", rule, "zh") + "：")
