"""变更记录 Change log: what each refresh changed since the previous one.

The previous refresh's state (tiers, RFM segments, open alerts, completion rates) is kept in a
hidden sheet; each refresh compares, appends one row per change to the change-log sheet
("C003 甲公司: 潜力客户 → 流失风险客户", new and resolved alerts, completion moves) and stores
the new state. A refresh that changes nothing appends nothing, so refreshing twice leaves
the workbook as it was.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import xlwings as xw

from .. import messages, schema, vocab, words
from ..core.alerts_common import canonical_key
from ..core.numtext import pct
from ..core.pipeline import Result
from ..messages import Code, Num, msg
from . import store
from .book import ensure_sheet, rename_sheet, sheet_names
from .cellstate import put
from .look import TITLE_FILL

STATE = "_salesbook_state"
STATE_HEADER = ["kind", "key", "value"]
SHEET = "changelog"  # its sheet's key (the name is a word: [sheet] changelog)
STORED = "zh"  # the hidden state keeps tiers, segments and alert subjects in the words older versions stored
KINDS = {k: k for k in vocab.DOMAINS["change"]}  # change type → its code (words: vocab domain "change")
_VALUE_DOMAIN = {"tier": "tier", "segment": "segment"}  # the before/after of these changes are codes


TEAM = "团队"  # the subject of the team's own completion (shown as change.team in the workbook's language)


def header(lang: str) -> list[str]:
    """The change-log sheet's header row in ``lang`` (words ``[changelog]``)."""
    return [words.word(lang, "changelog", key) for key in words.section(words.REFERENCE, "changelog")]


def state_of(result: Result) -> dict[tuple[str, str], str]:
    """What the change log compares between refreshes: tiers, segments, open alerts and completion, by key."""
    f = result.frames
    state: dict[tuple[str, str], str] = {}
    names = dict(zip(f.tiers["customer_id"], f.tiers["customer_name"].fillna(""), strict=True))
    for cid, tier in zip(f.tiers["customer_id"], f.tiers["tier"], strict=True):
        state[("tier", f"{cid} {names.get(cid, '')}".strip())] = vocab.label("tier", tier, STORED)  # as stored before
    for cid, seg in zip(f.rfm["customer_id"], f.rfm["segment"], strict=True):
        state[("segment", f"{cid} {names.get(cid, '')}".strip())] = vocab.label("segment", seg, STORED)
    for key, subject in zip(f.alerts["key"], f.alerts["subject"], strict=True):
        # the rule's word is added when shown (the key starts with its code)
        state[("alert", key)] = messages.text(subject, STORED)
    perf = f.performance
    for r in perf.itertuples(index=False):
        if pd.notna(r.completion):
            who = " / ".join(str(x) for x in (r.salesperson, r.product_line, r.region) if isinstance(x, str)) or TEAM
            state[("completion", f"{r.period_label} {who}")] = pct(r.completion)  # as the cell shows it
    return state


def diff(old: dict[tuple[str, str], str], new: dict[tuple[str, str], str]) -> list[tuple[str, str, str, str]]:
    """(type code, subject, before, after) for every change; alerts as new/resolved, their subject the
    alert's key (rule|…) and before/after its subject (:func:`_shown` words them)."""
    out = []
    for (kind, key), value in sorted(new.items()):
        before = old.get((kind, key))
        if kind == "alert":
            if before is None:
                out.append((KINDS["alert_new"], key, "", value))
        elif before is not None and before != value:
            out.append((KINDS[kind], key, before, value))
        elif before is None and kind in ("tier", "segment") and any(k == kind for k, _ in old):
            out.append((KINDS[kind], key, NEW, value))
    for (kind, key), value in sorted(old.items()):
        if kind == "alert" and (kind, key) not in new:
            out.append((KINDS["alert_resolved"], key, value, ""))
    return out


NEW = "(new)"  # the before of a customer new to a tier or segment, shown as the catalogue's change.new


def _shown(change: tuple, lang: str) -> list:
    """A change row in ``lang``: its type's word, an alert as 'rule: subject', tiers and segments as words."""
    kind, subject, before, after = change
    if isinstance(subject, messages.Msg):
        subject = messages.text(subject, lang)

    def value(v):
        if v == NEW:
            return messages.text(msg("change.new"), lang)
        domain = _VALUE_DOMAIN.get(kind)
        return vocab.label(domain, vocab.parse(domain, v) or v, lang) if domain and v else v

    if kind == "completion" and str(subject).endswith(f" {TEAM}"):
        subject = f"{str(subject)[: -len(TEAM)]}{messages.text(msg('change.team'), lang)}"
    if kind in ("alert_new", "alert_resolved"):
        rule = str(subject).split("|", 1)[0]
        what = str(after or before)
        old = f"{vocab.label('rule', rule, STORED)}："  # a state stored by an older version held 'rule：subject'
        what = what.removeprefix(old)
        said = (messages.text(msg("change.alert", rule=Code("rule", rule), subject=what), lang)
                if rule in vocab.DOMAINS["rule"] and "|" in str(subject) else (after or before))
        before, after = (said, "") if kind == "alert_resolved" else ("", said)
        subject = said
    return [vocab.label("change", kind, lang), subject, value(before), value(after)]


def _read_state(book: xw.Book) -> dict[tuple[str, str], str] | None:
    """The previous refresh's state, or None before the first refresh."""
    if not store.exists(book, STATE):
        return None
    return {(str(k), canonical_key(str(key)) if k == "alert" else str(key)): "" if v is None else str(v)
            for k, key, v in store.read(book, STATE, STATE_HEADER)}


def record(book: xw.Book, result: Result, *, lang: str, now: dt.datetime) -> int:
    """Append this refresh's changes to the change-log sheet; returns how many rows were appended."""
    new = state_of(result)
    old = _read_state(book)
    if old is None:
        changes = [(KINDS["first"], msg("change.first", customers=Num(len(result.frames.tiers)),
                                        alerts=Num(len(result.frames.alerts))), "", "")]
    else:
        changes = diff(old, new)
    if old != new:
        store.write(book, STATE, STATE_HEADER, [[k, key, v] for (k, key), v in sorted(new.items())])
    if not changes:
        return 0
    log = ensure_sheet(book, rename_sheet(book, SHEET, lang))
    used = log.used_range
    existing = used.options(ndim=2).value or [[None]]
    empty = all(v in (None, "") for v in existing[0])
    start = 1 if empty else used.row + len(existing)
    stamp, as_of = now.replace(microsecond=0), dt.datetime.combine(result.as_of, dt.time())
    rows = [[stamp, as_of, *_shown(c, lang)] for c in changes]
    if empty:
        rows = [header(lang), *rows]
    put(log.range((start, 1)), rows)
    if empty:
        log.range((1, 1), (1, 6)).font.bold = True
        log.range((1, 1), (1, 6)).color = TITLE_FILL
        for j, w in enumerate((18, 12, 10, 40, 20, 20), start=1):
            log.range((1, j)).column_width = w
    first = start + (1 if empty else 0)
    log.range((first, 1), (start + len(rows) - 1, 1)).number_format = "yyyy-mm-dd hh:mm"
    log.range((first, 2), (start + len(rows) - 1, 2)).number_format = "yyyy-mm-dd"
    return len(changes)


def latest(book: xw.Book) -> pd.DataFrame:
    """The newest refresh's changes (type, subject, before, after), from the change-log sheet."""
    cols = ["type", "subject", "before", "after"]
    names = sheet_names(book)
    name = schema.find_sheet(SHEET, names)
    if name is None:
        return pd.DataFrame(columns=cols)
    values = book.sheets[name].used_range.options(ndim=2).value or []
    rows = [r for r in values[1:] if r and r[0] is not None]
    if not rows:
        return pd.DataFrame(columns=cols)
    newest = max(r[0] for r in rows)
    batch = [[vocab.parse("change", r[2]) or r[2], *r[3:6]] for r in rows if r[0] == newest]
    batch = [r for r in batch if r[0] != KINDS["first"]]
    return pd.DataFrame(batch, columns=cols).fillna("")
