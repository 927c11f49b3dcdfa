"""One orchestrator: raw sheet tables in, every analysis out. Used by the ribbon, the CLI and tests.

``run(tables, settings=…, today=…)`` takes the raw input tables (values as typed, one column
per schema key, plus ``_row``) and returns a :class:`Result` with the clean tables, the
cleaning log, each analysis as a DataFrame, and ``sheets``: the output sheets as blocks
ready for the writer. Nothing here touches Excel or files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from .. import words
from ..messages import Code, Day, DisplayUnit, msg
from ..settings import Settings
from . import alerts as al
from . import breakdown as bd
from . import clean, coverage, followup, linking, logsummary, outlook, performance, portrait, problems, rfm, tiers, trends
from . import funnel as fn
from . import kpi_customers as kc
from . import playbook as pb
from . import targets as tg
from .tables import Block, cols


@dataclass(frozen=True)
class RawTable:
    """One input sheet as read: values as typed (a column per schema key, plus ``_row``), the sheet's
    name, the headers as typed, units found in headers, and each key's sheet column (for painting)."""
    df: pd.DataFrame
    sheet: str
    labels: Mapping[str, str] = field(default_factory=dict)  # key → header as the user typed it
    units: Mapping[str, str] = field(default_factory=dict)  # key → unit found in the header
    columns: Mapping[str, int] = field(default_factory=dict)  # key → sheet column (1-based), for painting


@dataclass(frozen=True)
class Tables:
    """Every analysis of a run, by name (one DataFrame each; columns in the producing module's docstring)."""
    performance: pd.DataFrame
    kpi: pd.DataFrame
    trend: pd.DataFrame
    daily: pd.DataFrame
    weekly: pd.DataFrame
    product_repeat: pd.DataFrame
    by_product_line: pd.DataFrame
    by_salesperson: pd.DataFrame
    by_region: pd.DataFrame
    by_channel: pd.DataFrame
    customer_types: pd.DataFrame
    funnel_summary: pd.DataFrame
    funnel_stages: pd.DataFrame
    funnel_stalled: pd.DataFrame
    funnel_lost_reasons: pd.DataFrame
    rfm: pd.DataFrame
    tiers: pd.DataFrame
    portrait_tags: pd.DataFrame
    portrait_matrix: pd.DataFrame
    plan: pd.DataFrame
    alerts: pd.DataFrame
    problems: pd.DataFrame

    def by(self, dimension: str) -> pd.DataFrame:
        """The year-to-date table of one dimension (product_line, salesperson, region, channel)."""
        return getattr(self, f"by_{dimension}")


@dataclass(frozen=True)
class Result:
    """One run of every analysis: the as-of date, the settings used, the clean input tables, the
    cleaning log, the analyses by name (:class:`Tables`), the output sheets as blocks for the writer,
    and the notices (what changes the numbers of a whole sheet — a missing status column, targets
    read as 万元 by their size; the CLI's refresh summary and the dashboard's info block show them)."""
    as_of: dt.date
    settings: Settings
    clean: dict[str, pd.DataFrame]
    log: pd.DataFrame
    frames: Tables
    sheets: dict[str, list[Block]]
    notices: tuple = ()  # coverage.Notice

    @property
    def excluded_rows(self) -> int:
        """Input rows left out of the analysis (each sheet and row once)."""
        ex = self.log[self.log["action"] == clean.EXCLUDED]
        return int(ex[["sheet", "row"]].drop_duplicates().shape[0])

    def with_notices(self, more) -> Result:
        """A copy with ``more`` notices after its own."""
        return dataclasses.replace(self, notices=(*self.notices, *more))


def _empty_raw(keys) -> pd.DataFrame:
    return pd.DataFrame({**{k: pd.Series(dtype="object") for k in keys}, "_row": pd.Series(dtype="int64")})


def resolve_as_of(orders: pd.DataFrame, settings: Settings, today: dt.date) -> dt.date:
    """参数 as_of if set, else the latest order date not after ``today`` (else the latest order date, else today)."""
    if settings.as_of:
        return settings.as_of
    dates = orders["order_date"].dropna()
    past = dates[dates <= pd.Timestamp(today)]
    pick = past if not past.empty else dates
    return pick.max().date() if not pick.empty else today


def run(tables: Mapping[str, RawTable], *, settings: Settings, today: dt.date,
        progress: Callable[[str], None] | None = None) -> Result:
    """Every analysis from the raw input tables (see the module docstring): clean, compute, lay out.
    ``progress`` is called with the key of each stage before it runs (its words: ``[progress]`` of the
    language files): cleaning, performance, customers, alerts."""
    say = progress or (lambda _msg: None)

    def raw(key: str, cols_: tuple[str, ...]) -> RawTable:  # a table the workbook lacks: empty, named in its language
        return tables.get(key) or RawTable(_empty_raw(cols_), words.word(settings.language or words.REFERENCE,
                                                                         "sheet", key))

    say("cleaning")
    rc = raw("customers", ("customer_id",))
    customers, log_c = clean.clean_customers(rc.df, sheet=rc.sheet, labels=rc.labels)
    ro = raw("orders", ("order_date", "customer_id", "amount"))
    orders, log_o = clean.clean_orders(ro.df, settings=settings, today=today, sheet=ro.sheet, labels=ro.labels,
                                       units=ro.units, customers=customers)
    rt = raw("targets", ("period", "target"))
    targets, log_t = tg.clean_targets(rt.df, settings=settings, sheet=rt.sheet, labels=rt.labels, units=rt.units,
                                      orders=orders)
    regions = linking.region_names(orders["region"], targets["region"])
    log_r_o, log_r_t = clean.Log(ro.sheet, ro.labels), clean.Log(rt.sheet, rt.labels)
    orders = linking.unify_regions(orders, regions, log_r_o)
    targets = linking.unify_regions(targets, regions, log_r_t)
    log_o = pd.concat([x for x in (log_o, log_r_o.frame()) if not x.empty] or [log_o], ignore_index=True)
    log_t = pd.concat([x for x in (log_t, log_r_t.frame()) if not x.empty] or [log_t], ignore_index=True)
    rf = raw("followups", ("customer_id", "date"))
    followups, log_f = clean.clean_followups(rf.df, today=today, sheet=rf.sheet, labels=rf.labels,
                                             customers=customers)
    rl = raw("leads", ("stage",))
    leads, log_l = clean.clean_leads(rl.df, sheet=rl.sheet, labels=rl.labels, customers=customers)
    # no 策略库 sheet: no typed rows, the defaults speak (in the workbook's language, at the edge)
    playbook = tables["playbook"].df.drop(columns="_row") if "playbook" in tables else pd.DataFrame(columns=pb.COLUMNS)
    log = pd.concat([x for x in (log_o, log_t, log_c, log_f, log_l) if not x.empty] or [log_o], ignore_index=True)

    as_of = resolve_as_of(orders, settings, today)
    say("performance")
    perf = performance.performance(orders, targets, settings=settings, as_of=as_of)
    perf = outlook.with_attainment(perf, orders, settings=settings, as_of=as_of)
    kpi = bd.kpi_table(orders, leads, settings=settings, as_of=as_of, customers=customers)
    trend = bd.monthly_trend(orders, targets, settings=settings, as_of=as_of, customers=customers)
    daily = trends.daily_trend(orders, settings=settings, as_of=as_of, customers=customers)
    weekly = trends.weekly_trend(orders, settings=settings, as_of=as_of, customers=customers)
    product_repeat = kc.product_repeat(orders, settings=settings, as_of=as_of)
    dims = {d: bd.by_dimension(orders, d, settings=settings, as_of=as_of, targets=targets, customers=customers)
            for d in ("product_line", "salesperson", "region", "channel")}
    ctypes = bd.customer_types(orders, settings=settings, as_of=as_of, customers=customers)
    funnel_t = fn.funnel(leads, settings=settings, as_of=as_of)
    say("customers")
    rfm_t, churn_fit = outlook.with_churn(rfm.rfm(orders, settings=settings, as_of=as_of), orders,
                                          settings=settings, as_of=as_of)
    tier_t = tiers.tiers(orders, customers, leads, rfm_t, settings=settings, as_of=as_of)
    portrait_tags = portrait.tag_counts(customers, tier_t)
    portrait_matrix = portrait.matrix(customers, orders, settings=settings, as_of=as_of)
    plan = followup.followup_plan(tier_t, followups, orders, customers, playbook, settings=settings, as_of=as_of)
    say("alerts")
    sheet_keys = {t.sheet: k for k, t in tables.items()}
    column_keys = {(t.sheet, label): key for t in tables.values() for key, label in t.labels.items()}
    alerts = al.combine(
        al.performance_alerts(perf, targets, orders, settings=settings, as_of=as_of),
        al.share_alerts(dims["product_line"], orders, settings=settings, as_of=as_of),
        al.churn_alerts(orders, customers, settings=settings, as_of=as_of),
        al.silent_alerts(rfm_t, orders, customers, settings=settings, as_of=as_of),
        al.overdue_alerts(plan, followups, customers, orders, settings=settings, as_of=as_of),
        al.amount_alerts(orders, customers, settings=settings),
        al.data_alerts(log, sheet_keys, column_keys),
    )
    probs = problems.problems(alerts, plan, playbook, as_of=as_of)

    frames = Tables(performance=perf, kpi=kpi, trend=trend, daily=daily, weekly=weekly,
                    product_repeat=product_repeat, **{f"by_{d}": t for d, t in dims.items()},
                    customer_types=ctypes, **{f"funnel_{k}": t for k, t in funnel_t.items()}, rfm=rfm_t, tiers=tier_t,
                    portrait_tags=portrait_tags, portrait_matrix=portrait_matrix, plan=plan, alerts=alerts,
                    problems=probs)
    sheets = layout(frames, log, settings=settings, as_of=as_of, churn_fit=churn_fit)
    clean_tables = {"orders": orders, "targets": targets, "customers": customers, "followups": followups,
                    "leads": leads, "playbook": playbook}
    return Result(as_of, settings, clean_tables, log, frames, sheets,
                  tuple(coverage.missing_columns(tables, clean_tables, log, settings)))


def layout(f: Tables, log: pd.DataFrame, *, settings: Settings, as_of: dt.date,
           churn_fit=None) -> dict[str, list[Block]]:
    """Output sheets as blocks: column keys, kinds and vocabulary domains, and titles as messages.
    Headers and words are the vocabulary's, chosen by the writer in the workbook's language."""
    ytd = {"start": Day(dt.date(as_of.year, 1, 1)), "end": Day(as_of)}
    kpi = f.kpi.assign(label=with_unit(f.kpi, "kpi"))
    perf_cols = cols("period_label", "salesperson", "product_line", "region", ("actual", "amount"),
                     ("target", "amount"), ("gap", "amount"), ("completion", "pct"), ("yoy", "growth"),
                     ("mom", "growth"), ("band", "text", False, "band"), ("elapsed", "pct"),
                     ("pace", "text", False, "pace"), *((("p_hit", "pct"),) if "p_hit" in f.performance else ()),
                     "note")
    dim_cols = {
        "product_line": cols(("product_line", "text", False, "blank"), ("revenue", "amount"), ("share", "pct"), ("share_change", "pp"),
                             ("orders", "int"), ("avg_ticket", "amount"), ("yoy", "growth"),
                             ("quadrant", "text", False, "quadrant"),
                             *((("margin", "amount"), ("margin_rate", "pct")) if "margin" in f.by_product_line else ())),
        "salesperson": cols(("rank", "int"), ("salesperson", "text", False, "blank"), ("revenue", "amount"),
                            *((("target", "amount"), ("completion", "pct")) if "target" in f.by_salesperson else ()),
                            ("orders", "int"), ("avg_ticket", "amount"), ("new_customers", "int"),
                            ("collection_rate", "pct"), ("score", "num"), ("yoy", "growth")),
        "region": cols(("region", "text", False, "blank"), ("revenue", "amount"), ("share", "pct"),
                       *((("target", "amount"), ("completion", "pct")) if "target" in f.by_region else ()),
                       ("customers", "int"), ("yoy", "growth")),
        "channel": cols(("channel", "text", False, "blank"), ("revenue", "amount"), ("share", "pct"), ("orders", "int"), ("customers", "int"),
                        ("yoy", "growth")),
    }
    sales_cols = (("revenue", "amount"), ("orders", "int"), ("avg_ticket", "amount"), ("customers", "int"),
                  ("new_customers", "int"))
    breakdown = [
        Block("kpi", msg("title.kpi" if settings.acquisition_costs else "title.kpi_no_cac", as_of=Day(as_of)), kpi,
              cols(("label", "text", False, "kpi"), ("current", "row"), ("previous", "row"), ("change", "row"), ("ytd", "row"),
                   ("last_year", "row"), ("yoy", "row"))),
        Block("trend", msg("title.trend"), f.trend,
              cols("month", ("revenue", "amount"), ("target", "amount"), ("completion", "pct"), ("orders", "int"),
                   ("avg_ticket", "amount"), ("customers", "int"), ("new_customers", "int"), ("mom", "growth"),
                   ("yoy", "growth"))),
        Block("weekly", msg("title.weekly"), f.weekly,
              cols("week", ("week_start", "date"), *sales_cols, ("wow", "growth"), ("yoy", "growth"))),
        Block("daily", msg("title.daily"), f.daily,
              cols(("day", "date"), ("weekday", "text", False, "weekday"), *sales_cols, ("wow", "growth"))),
        *[Block(f"by_{d}", msg(f"title.by_{d}", **ytd), f.by(d), dim_cols[d])
          for d in ("product_line", "salesperson", "region", "channel")],
        Block("customer_types", msg("title.customer_types", **ytd), f.customer_types,
              cols(("type", "text", False, "customer_type"), ("customers", "int"), ("orders", "int"),
                   ("revenue", "amount"), ("share", "pct"))),
        Block("product_repeat", msg("title.product_repeat", **ytd), f.product_repeat,
              cols(("product_line", "text", False, "blank"), ("customers", "int"), ("repeat_customers", "int"),
                   ("repeat_rate", "pct"),
                   ("last_year", "pct"), ("change", "pp"))),
    ]
    rfm_title = (msg("title.rfm_churn", as_of=Day(as_of), window=settings.rfm_window_days,
                     churn=outlook.churn_title(churn_fit))
                 if churn_fit else msg("title.rfm", as_of=Day(as_of), window=settings.rfm_window_days))
    return {
        "performance": [Block("performance", msg("title.performance"), f.performance, perf_cols)],
        "breakdown": breakdown,
        "funnel": funnel_blocks(f, settings=settings, as_of=as_of),
        "rfm": [Block("rfm", rfm_title, f.rfm,
                      cols("customer_id", "customer_name", ("last_order", "date"), ("recency_days", "int"),
                           ("frequency", "int"), ("monetary", "amount"), ("r_score", "int"), ("f_score", "int"),
                           ("m_score", "int"), "rfm_code", ("segment", "text", False, "segment"),
                           ("revenue_share", "pct"), ("cum_share", "pct"), ("pareto_top20", "flag"),
                           ("avg_cycle_days", "num"), "top_product", ("top_product_share", "pct"),
                           ("lifetime_amount", "amount"),
                           *((("p_alive", "pct"), ("expected_90d", "num")) if "p_alive" in f.rfm else ())))],
        "tiers": [Block("tiers", msg("title.tiers"), f.tiers,
                        cols("customer_id", "customer_name", ("tier", "text", False, "tier"),
                             ("half_year_amount", "amount"), ("years", "num"), ("first_date", "date"),
                             ("total_orders", "int"), ("abc_score", "num"), "abc_class", "reason"))],
        "portrait": portrait_blocks(f, settings=settings, as_of=as_of),
        "followup_plan": [Block("plan", msg("title.plan"), f.plan,
                                cols("customer_id", "customer_name", ("tier", "text", False, "tier"), "owner", "focus",
                                     "frequency", "incentive", ("last_contact", "date"), ("next_due", "date"),
                                     ("overdue_days", "int"), ("services_this_month", "int"), ("quota", "int"),
                                     ("last_satisfaction", "num"), ("maintenance", "text", True),
                                     ("plan_next", "text", True)), id_col="customer_id")],
        "problems": [Block("problems", msg("title.problems"), f.problems,
                           cols("key", ("severity", "text", False, "severity"), "problem", "evidence", "strategy",
                                "owner", ("deadline", "date"), "resources", "expected", ("status", "text", True),
                                ("progress", "text", True), ("why5", "text", True)), id_col="key")],
        "alerts": [Block("alerts", msg("title.alerts"), f.alerts,
                         cols(("severity", "text", False, "severity"), ("rule", "text", False, "rule"), "subject",
                              "owner", ("stake", "amount"), "message", "action", ("decision", "text", True),
                              ("decision_note", "text", True), "key"),
                         id_col="key")],
        "cleaning_log": [Block("log_summary", logsummary.headline(log), logsummary.summary(log),
                               cols(("action", "text", False, "action"), "sheet", ("count", "int"), "column",
                                    ("rule", "text", False, "log_rule"), "reason", "rows")),
                         Block("cleaning_log", msg("title.cleaning_log"), logsummary.shown(log),
                               cols(("action", "text", False, "action"), "sheet", ("row", "int"), "column",
                                    ("rule", "text", False, "log_rule"), "reason", "old_value", "new_value"))],
    }


def funnel_blocks(f: Tables, *, settings: Settings, as_of: dt.date) -> list[Block]:
    """The 销售漏斗 sheet: headline numbers, the stages, stalled leads and (when typed) lost reasons."""
    summary = f.funnel_summary.assign(label=with_unit(f.funnel_summary, "funnel_kpi"))
    blocks = [
        Block("funnel_summary", msg("title.funnel_summary", as_of=Day(as_of)), summary,
              cols(("label", "text", False, "funnel_kpi"), ("value", "row"))),
        Block("funnel_stages", msg("title.funnel_stages"), f.funnel_stages,
              cols(("stage", "text", False, "stage"), ("reached", "int"), ("conversion", "pct"), ("lost", "int"),
                   ("open", "int"), ("amount", "amount"), ("probability", "pct"), ("weighted", "amount"),
                   ("avg_days_in_stage", "num"), ("avg_days_to_reach", "num"))),
        Block("funnel_stalled", msg("title.funnel_stalled", days=settings.funnel_stall_days), f.funnel_stalled,
              cols("lead_id", "name", "owner", ("state", "text", False, "stage"), ("est_amount", "amount"),
                   ("weighted", "amount"), ("entered", "date"), ("since", "text", False, "since"),
                   ("days_in_stage", "int"))),
    ]
    if not f.funnel_lost_reasons.empty:
        blocks.append(Block("funnel_lost_reasons", msg("title.funnel_lost_reasons"), f.funnel_lost_reasons,
                            cols(("reason", "text", False, "lost_reason"), ("count", "int"), ("share", "pct"), ("amount", "amount"),
                                 ("top_stage", "text", False, "stage"))))
    return blocks


def portrait_blocks(f: Tables, *, settings: Settings, as_of: dt.date) -> list[Block]:
    """The 客户画像 sheet (S2 第三步): the industry × size matrix, then the tags by tier and A/B/C."""
    tag = str(settings.portrait_tag or "").strip()
    return [
        Block("portrait_matrix", msg("title.portrait_matrix_tag" if tag else "title.portrait_matrix", tag=tag,
                                     window=settings.rfm_window_days, as_of=Day(as_of)), f.portrait_matrix,
              cols(("industry", "text", False, "portrait"), ("size", "text", False, "portrait"),
                   *((("has_tag", "text", False, "yesno"),) if tag else ()), ("customers", "int"), ("buyers", "int"),
                   ("conversion", "pct"), ("revenue", "amount"), ("revenue_per_buyer", "amount"),
                   ("avg_budget", "amount"), ("avg_chain", "num"), "top_tags")),
        Block("portrait_tags", msg("title.portrait_tags"), f.portrait_tags,
              cols("tag", ("customers", "int"), ("tier_vip", "int"), ("tier_core", "int"), ("tier_normal", "int"),
                   ("tier_prospect", "int"), ("class_a", "int"), ("class_b", "int"), ("class_c", "int"))),
    ]


def with_unit(t: pd.DataFrame, domain: str) -> pd.Series:
    """A KPI-style table's ``label`` column with the display unit named on amount rows: a code of
    ``domain`` (or a message) stays as it is, and an amount row becomes ``kpi.with_unit``."""
    def one(label, kind):
        if kind != "amount":
            return label
        return msg("kpi.with_unit", label=label if not isinstance(label, str) else Code(domain, label),
                   unit=DisplayUnit())
    return pd.Series([one(v, k) for v, k in zip(t["label"], t["kind"], strict=True)], index=t.index, dtype="object")
