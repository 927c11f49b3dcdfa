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


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _rels(z, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part) of ``part``, read from its .rels part."""
    import posixpath
    import xml.etree.ElementTree as ET

    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in z.namelist():
        return {}
    out = {}
    for r in ET.fromstring(z.read(rels_part)).iter(f"{{{_PKG_REL}}}Relationship"):
        target = r.get("Target")
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[r.get("Id")] = (r.get("Type", ""), target)
    return out


def sheet_notes(path, sheet: str) -> dict[str, str]:
    """The notes (legacy comments) of one sheet, cell reference → text, read straight from the file's
    parts — a few milliseconds where ``openpyxl.load_workbook`` parses every sheet of the book."""
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rid = next(s.get(f"{{{_REL}}}id") for s in book.iter(f"{{{_MAIN}}}sheet") if s.get("name") == sheet)
        part = _rels(z, "xl/workbook.xml")[rid][1]
        notes = {}
        for kind, target in _rels(z, part).values():
            if kind.endswith("/comments"):
                for c in ET.fromstring(z.read(target)).iter(f"{{{_MAIN}}}comment"):
                    notes[c.get("ref")] = "".join(t.text or "" for t in c.iter(f"{{{_MAIN}}}t"))
        return notes
