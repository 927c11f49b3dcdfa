"""Reading salesbook's output tables back from an openpyxl worksheet (shared by workbook-level tests)."""

from __future__ import annotations


def rows_of(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def table(rows: list[list], first_header: str) -> tuple[list, list[list]]:
    """The block whose header row starts with ``first_header``: (header, data rows) up to a blank row."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    header, body = rows[start], []
    for r in rows[start + 1:]:
        if not any(v not in (None, "") for v in r):
            break
        body.append(r)
    return header, body
