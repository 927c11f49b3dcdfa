"""Data-quality alerts: one alert per (rule, sheet, column), with the count and the first rows.

A messy export has the same problem on hundreds of rows (an unmapped status, a date shape);
one alert per row buries the business alerts. Each group names the rule, the column, how many
rows and the first of them ("未知状态 23 行：第 5、17、40、41、52… 行" / "Unknown status: 23 rows
(5, 17, 40, 41, 52…)", a message rendered at the edge), and keeps every
offending cell in ``cells`` — (row, note) pairs — so the in-place flags still paint each one
with its own reason. The key is ``rule|sheet|column`` in schema keys where known
(``status|orders|status``), so a user's 已核实/忽略 stays with the group when rows are added,
fixed or sorted, and when columns are moved or a header is renamed.

草稿 and any other status that cleaning recognised (a new value was set) is never an alert.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..messages import Code, Join, msg, text
from ..words import REFERENCE

HIGH, MEDIUM, LOW = "high", "medium", "low"
# rule → severity; only log rows flagged or excluded under these rules become alerts (words: vocab "rule")
DATA_RULES = {"possible_duplicate": MEDIUM, "duplicate_id": MEDIUM, "missing_contact": LOW, "status": HIGH,
              "future_date": MEDIUM, "date": HIGH, "amount": HIGH, "period": HIGH, "zero_amount": LOW,
              "customer_id": HIGH, "target": MEDIUM, "stage": MEDIUM, "score": LOW}
FIRST_ROWS = 5  # rows quoted in the message; every row is painted
_SAMPLES = 3  # distinct original values quoted
_LETTER = re.compile(r"\s*\[[A-Z]{1,3}\]$")  # the reader's " [J]" after a header: where, not what


def _rows_text(rows: list[int]) -> Join:
    shown = [str(r) for r in rows[:FIRST_ROWS]]
    return Join((*shown[:-1], shown[-1] + ("…" if len(rows) > FIRST_ROWS else "")), "join.list")


def _most_common(values: pd.Series) -> Any:
    """The most frequent reason (a message, or text), the first of equals."""
    counts: dict[str, list] = {}
    for v in values.dropna():
        counts.setdefault(repr(v), [v, 0])[1] += 1
    return max(counts.values(), key=lambda c: c[1])[0] if counts else ""


def _samples(values: pd.Series) -> list[str]:
    v = values.dropna().astype(str).str.strip()
    return list(dict.fromkeys(x for x in v if x))[:_SAMPLES]


def groups(log: pd.DataFrame, sheet_keys: dict[str, str], column_keys: dict[tuple[str, str], str]) -> list[dict]:
    """Group the cleaning log's flagged and excluded rows into one alert per (rule, sheet, column).

    Parameters: the cleaning log (sheet, row, column, old_value, new_value, rule, action, reason,
    reason_en); ``sheet_keys`` sheet name → schema key, ``column_keys`` (sheet name, header) →
    column key, used to locate the cells to paint.

    Returns alert rows as dicts (the columns of :data:`salesbook.core.alerts.COLUMNS`): ``count``
    = rows affected, ``row`` = the first, ``cells`` = every (row, note)."""
    if log.empty:
        return []
    pick = log[log["action"].isin(["flagged", "excluded"]) & log["rule"].isin(list(DATA_RULES))]
    pick = pick[pick["row"].notna()]
    known = (pick["rule"] == "status") & pick["new_value"].notna() & (pick["new_value"].astype(str).str.strip() != "")
    pick = pick[~known]  # a status cleaning mapped (草稿, 作废 …) is an ordinary status
    if pick.empty:
        return []
    pick = pick.assign(column=pick["column"].fillna("").astype(str), row=pick["row"].astype("int64"))
    rows = []
    for (rule, sheet, column), g in pick.groupby(["rule", "sheet", "column"], sort=False):
        g = g.sort_values("row", kind="stable").drop_duplicates("row")
        numbers = g["row"].tolist()
        n = len(numbers)
        where = f"{sheet} · {column}" if column else str(sheet)
        reason = _most_common(g["reason"])
        samples = _samples(g["old_value"])
        excluded = int((g["action"] == "excluded").sum())
        quoted = Join(tuple(msg("alert.data_quote", v=x) for x in samples), "join.list")
        message = msg("alert.data_one" if n == 1 else "alert.data", rule=Code("rule", rule), n=n,
                      rows=_rows_text(numbers), reason=reason,
                      samples=msg("alert.data_samples", values=quoted) if samples else "",
                      left_out=(msg("alert.data_all_out") if excluded == n else
                                msg("alert.data_some_out", n=excluded) if excluded else ""))
        cells = tuple((int(r), msg("alert.data_cell", sheet=str(sheet), row=int(r), column=column, why=why,
                                   old=(msg("alert.data_old", v=str(old)) if old is not None and str(old).strip()
                                        and str(old) not in text(why, REFERENCE) else "")))
                      for r, why, old in zip(g["row"], g["reason"].fillna(""), g["old_value"], strict=True))
        key = f"{rule}|{sheet_keys.get(sheet, sheet)}|{column_keys.get((sheet, column)) or _LETTER.sub('', column)}"
        action = msg("alert.action.data_fix") if excluded else msg("alert.action.data_check")
        rows.append(dict(
            key=key, rule=rule, severity=DATA_RULES[rule], subject=where, owner=None,
            stake=float("nan"), count=n, message=message, value=n,
            baseline=None, action=action, sheet=sheet_keys.get(sheet), row=numbers[0],
            column=column_keys.get((sheet, column)), cells=cells, members=()))
    return rows
