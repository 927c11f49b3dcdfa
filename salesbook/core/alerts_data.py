"""Data-quality alerts: one alert per (rule, sheet, column), with the count and the first rows.

A messy export has the same problem on hundreds of rows (an unmapped status, a date shape);
one alert per row buries the business alerts. Each group names the rule, the column, how many
rows and the first of them ("未知状态 23 行：第 5、17、40、41、52… 行"), and keeps every
offending cell in ``cells`` — (row, note) pairs — so the in-place flags still paint each one
with its own reason. The key is ``rule|sheet|column`` in schema keys where known
(``status|orders|status``), so a user's 已核实/忽略 stays with the group when rows are added,
fixed or sorted, and when columns are moved or a header is renamed.

草稿 and any other status that cleaning recognised (a new value was set) is never an alert.
"""

from __future__ import annotations

import re

import pandas as pd

HIGH, MEDIUM, LOW = "高", "中", "低"
# rule → severity; only log rows flagged or excluded under these rules become alerts
DATA_RULES = {"possible_duplicate": MEDIUM, "duplicate_id": MEDIUM, "missing_contact": LOW, "status": HIGH,
              "future_date": MEDIUM, "date": HIGH, "amount": HIGH, "period": HIGH, "zero_amount": LOW,
              "customer_id": HIGH, "target": MEDIUM, "stage": MEDIUM, "score": LOW}
DATA_RULE_NAMES = {
    "possible_duplicate": "疑似重复", "duplicate_id": "编号重复", "missing_contact": "缺少联系方式",
    "status": "未知状态", "future_date": "未来日期", "date": "日期无法识别", "amount": "金额无法识别",
    "period": "周期无法识别", "zero_amount": "零金额", "customer_id": "客户无法识别", "target": "目标值无法识别",
    "stage": "阶段无法识别", "score": "评分无效",
}
FIRST_ROWS = 5  # rows quoted in the message; every row is painted
_SAMPLES = 3  # distinct original values quoted
_LETTER = re.compile(r"\s*\[[A-Z]{1,3}\]$")  # the reader's " [J]" after a header: where, not what


def _rows_text(rows: list[int], sep: str) -> str:
    shown = sep.join(str(r) for r in rows[:FIRST_ROWS])
    return shown + ("…" if len(rows) > FIRST_ROWS else "")


def _most_common(values: pd.Series) -> str:
    v = values.dropna().astype(str)
    return "" if v.empty else str(v.value_counts(sort=True).index[0])


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
    if "reason_en" not in log:  # the log's reasons are messages now: their Chinese and English text
        from ..messages import text
        log = log.assign(reason=log["reason"].map(lambda m: text(m, "zh")),
                         reason_en=log["reason"].map(lambda m: text(m, "en")))
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
        name = DATA_RULE_NAMES[rule]
        reason, reason_en = _most_common(g["reason"]), _most_common(g["reason_en"])
        samples = _samples(g["old_value"])
        excluded = int((g["action"] == "excluded").sum())
        msg = (f"{name} {n} 行：第 {_rows_text(numbers, '、')} 行。{reason}"
               + (f"；原值如 {'、'.join(f'「{s}」' for s in samples)}" if samples else "")
               + (f"；其中 {excluded} 行未计入分析" if excluded and excluded < n else "")
               + ("；这些行未计入分析" if excluded == n else ""))
        msg_en = (f"{rule.replace('_', ' ')}: {n} row{'s' if n > 1 else ''} ({_rows_text(numbers, ', ')}). "
                  f"{reason_en}" + (f"; values such as {', '.join(repr(s) for s in samples)}" if samples else "")
                  + (f"; {excluded} of them left out of the analysis" if excluded else ""))
        cells = tuple((int(r), f"{sheet} 第{int(r)}行 {column}：{why}"
                       + (f"（原值 {old}）" if old is not None and str(old).strip() and str(old) not in why else ""))
                      for r, why, old in zip(g["row"], g["reason"].fillna(""), g["old_value"], strict=True))
        key = f"{rule}|{sheet_keys.get(sheet, sheet)}|{column_keys.get((sheet, column)) or _LETTER.sub('', column)}"
        action = ("修正原表后重新刷新（未计入的行补齐后才会计入）" if excluded
                  else "逐行核实（已在原表标色，可用「标记异常」查看）")
        rows.append(dict(
            key=key, rule=rule, severity=DATA_RULES[rule], subject=where, owner=None,
            stake=float("nan"), count=n, message=msg, message_en=f"{where}: {msg_en}", value=n,
            baseline=None, action=action, sheet=sheet_keys.get(sheet), row=numbers[0],
            column=column_keys.get((sheet, column)), cells=cells, members=()))
    return rows
