"""The workbook of a file: its sheets (order, names, visibility), styles, shared strings, saving.

``xl/workbook.xml`` is shared between the user and salesbook: the user's defined names,
views and calculation settings live there next to the sheet list. It is rewritten only when
the sheet list or salesbook's print areas change, and then as splices of the ``<sheet>`` and
``<definedName>`` elements involved.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import re
from typing import Any

import python_calamine

from ..errors import WorkbookError
from . import cells as cx
from . import guard
from . import package as pk
from .cells import text_of
from .sheetxml import Grid, SheetPart
from .styles import StyleTable
from .xmlsafe import REL, escape_attr, escape_text, split_ref

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*/>")
_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>.*?</(?:\w+:)?si>)", re.S)
_DEFINED = re.compile(rb"<(?:\w+:)?definedName\b[^>]*>.*?</(?:\w+:)?definedName>|<(?:\w+:)?definedName\b[^>]*/>",
                      re.S)


class WorkbookModel:
    """The workbook part of a file: its sheets (in tab order, with their states), shared strings,
    styles and defined names; edits are written back into the package by :meth:`finish`."""

    def __init__(self, pkg: pk.Package, calls: collections.Counter[str] | None = None) -> None:
        self.pkg = pkg
        self.calls = calls if calls is not None else collections.Counter()
        rels = pkg.rels("")
        main = next((r["part"] for r in rels if r.get("Type", "").endswith("/officeDocument")), "xl/workbook.xml")
        self.part = main
        self.xml = pkg.read(main)
        self.rels = {r["Id"]: r for r in pkg.rels(main)}
        self.sheets: list[SheetPart] = []
        self.elements: dict[int, bytes] = {}  # id(sheet) -> its original <sheet> element
        self.states: dict[int, str] = {}
        for m in _SHEET.finditer(self.xml):
            a = pk.attrs(m.group())
            rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), None)
            rel = self.rels.get(rid or "")
            if rel is None or rel.get("Type") != pk.RT_WORKSHEET:
                continue  # chart sheets and dialog sheets are left alone
            s = SheetPart(self, a.get("name", ""), rel["part"], source_name=a.get("name", ""))
            self.sheets.append(s)
            self.elements[id(s)] = m.group()
            self.states[id(s)] = a.get("state", "visible")
        self.original_order = [id(s) for s in self.sheets]
        self.original_names = {id(s): s.name for s in self.sheets}
        self.original_states = dict(self.states)
        self._styles: StyleTable | None = None
        self._shared: list[str] | None = None
        self._calamine = None
        self.new_parts: set[str] = set()

    def count(self, what: str, n: int = 1) -> None:
        self.calls[what] += n

    # -- shared resources ---------------------------------------------------------------
    def styles_part(self) -> str | None:
        return next((r["part"] for r in self.rels.values() if r.get("Type") == pk.RT_STYLES), None)

    def styles(self) -> StyleTable:
        if self._styles is None:
            part = self.styles_part()
            if part is None or not self.pkg.exists(part):
                raise ValueError("workbook without a styles part")
            try:
                self._styles = StyleTable(self.pkg.read(part))
            except (ValueError, SyntaxError) as e:  # lxml's XMLSyntaxError is a SyntaxError
                raise guard.reader_error(e, self.pkg.path, part) from e
        return self._styles

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            part = next((r["part"] for r in self.rels.values() if r.get("Type") == pk.RT_SHARED_STRINGS), None)
            if part is None or not self.pkg.exists(part):
                self._shared = []
            else:
                self._shared = [text_of(m.group()) for m in _SI.finditer(self.pkg.read(part))]
        return self._shared

    def calamine(self):
        if self._calamine is None:
            try:
                self._calamine = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.pkg.data))
            except Exception as e:  # calamine refuses entities, DTDs and damaged parts with its own errors
                raise guard.reader_error(e, self.pkg.path, "xl/workbook.xml") from e
        return self._calamine

    def read_grid(self, sheet: SheetPart) -> Grid:
        """The sheet's values as saved (formulas give their saved results).

        python-calamine allocates the whole rectangle a sheet's cells span, so a sheet whose
        cells sit in a huge, nearly empty rectangle (a stray value at XFD1048576) is read cell
        by cell instead (:func:`.guard.sheet_extent` decides, from one streaming pass)."""
        if sheet.part in self.pkg.changed or sheet.source_name is None:
            return self._sparse_grid(sheet.xml())
        extent = guard.sheet_extent(self.pkg.zip, sheet.part)
        if extent.sparse:
            return self._sparse_grid(sheet.xml())
        try:
            cal = self.calamine().get_sheet_by_name(sheet.source_name)
            rows = cal.to_python(skip_empty_area=True)
        except WorkbookError:
            raise
        except Exception as e:
            raise guard.reader_error(e, self.pkg.path, sheet.part) from e
        top, left = cal.start or (0, 0)
        _as_excel_values(rows)
        return Grid(rows, top + 1, left + 1)

    def _sparse_grid(self, data: bytes) -> Grid:
        shared, is_date = None, self.styles().is_date
        out: dict[tuple[int, int], Any] = {}
        for m in re.finditer(rb"<(?:\w+:)?c\b[^>]*?(?:/>|>.*?</(?:\w+:)?c>)", data, re.S):
            el = m.group()
            r = re.search(rb'\sr="([A-Z]+\d+)"', el.split(b">", 1)[0])
            if r is None or el.endswith(b"/>"):
                continue
            if b't="s"' in el.split(b">", 1)[0] and shared is None:
                shared = self.shared_strings()
            v = cx.value_of(el, shared, is_date)
            if v not in (None, ""):
                out[split_ref(r.group(1).decode())] = v
        return Grid(sparse=out)

    # -- sheets ---------------------------------------------------------------------------
    def sheet_state(self, sheet: SheetPart) -> str:
        return self.states.get(id(sheet), "visible")

    def set_state(self, sheet: SheetPart, state: str) -> None:
        self.states[id(sheet)] = state

    def add_sheet(self, name: str, index: int) -> SheetPart:
        part = self.pkg.unused("xl/worksheets/sheet{}.xml")
        self.pkg.write(part, b"")  # reserve the name
        s = SheetPart(self, name, part, new=True)
        self.sheets.insert(index, s)
        self.states[id(s)] = "visible"
        self.new_parts.add(part)
        return s

    def delete_sheet(self, sheet: SheetPart) -> None:
        if not sheet.cleared or sheet.part not in self.new_parts:
            self.drop_owned_parts(sheet)
        self.sheets.remove(sheet)
        rid = next((k for k, r in self.rels.items() if r.get("part") == sheet.part), None)
        if rid:
            self.pkg.remove_rel(self.part, rid)
            self.rels.pop(rid)
        self.pkg.delete(sheet.part)
        self.pkg.content_override(sheet.part, None)
        self.elements.pop(id(sheet), None)

    def drop_owned_parts(self, sheet: SheetPart) -> None:
        """Remove what hangs off a salesbook sheet (drawing, charts, notes) before it is rewritten."""
        for rel in self.pkg.rels(sheet.part):
            target = rel.get("part")
            if not target or rel.get("TargetMode") == "External":
                continue
            self._drop_tree(target)
        self.pkg.delete(pk.rels_path(sheet.part))

    def _drop_tree(self, part: str) -> None:
        if not self.pkg.exists(part):
            return
        for rel in self.pkg.rels(part):
            if rel.get("part") and rel.get("TargetMode") != "External" and rel["part"] != part:
                self._drop_tree(rel["part"])
        self.pkg.delete(pk.rels_path(part))
        self.pkg.delete(part)
        self.pkg.content_override(part, None)

    # -- saving ----------------------------------------------------------------------------
    def finish(self) -> None:
        """Write every changed part into the package (called before the package is saved)."""
        pkg = self.pkg
        for sheet in self.sheets:
            data = sheet.to_bytes()
            if data is not None:
                pkg.write(sheet.part, data)
            if sheet.part in self.new_parts:
                pkg.content_override(sheet.part, pk.CT_WORKSHEET)
        if self._styles is not None and self._styles.changed:
            pkg.write(self.styles_part(), self._styles.to_bytes())
            self._styles = None  # the table to read from now is the one just written
        self._write_workbook()

    def _write_workbook(self) -> None:
        order = [id(s) for s in self.sheets]
        names = {id(s): s.name for s in self.sheets}
        prints = {id(s): _sheet_names(s) for s in self.sheets if s.cleared}
        unchanged = (order == self.original_order and names == self.original_names
                     and self.states == self.original_states and not any(prints.values())
                     and not any(s.cleared for s in self.sheets))
        if unchanged:
            return
        renames = {self.original_names[id(s)]: s.name for s in self.sheets
                   if id(s) in self.original_names and s.name != self.original_names[id(s)]}
        if renames:  # the template's charts (and the names kept below) follow a renamed sheet, as in Excel
            _rename_in_charts(self.pkg, renames)
        data = self.xml
        root = re.search(rb"<(\w+:)?workbook\b[^>]*>", data)
        p = (root.group(1) or b"").decode()
        rp = re.search(rb'xmlns:(\w+)="' + re.escape(REL.encode()) + rb'"', root.group())
        rpfx = rp.group(1).decode() if rp else None
        # the sheet list
        elements = []
        max_id = max([int(x) for x in re.findall(rb'sheetId="(\d+)"', data)] or [0])
        for s in self.sheets:
            el = self.elements.get(id(s))
            if el is None:
                max_id += 1
                rid = self.pkg.add_rel(self.part, pk.RT_WORKSHEET, s.part)
                self.rels[rid] = {"Id": rid, "Type": pk.RT_WORKSHEET, "part": s.part}
                idattr = f'{rpfx}:id="{rid}"' if rpfx else f'xmlns:r="{REL}" r:id="{rid}"'
                el = f'<{p}sheet name="{escape_attr(s.name)}" sheetId="{max_id}" {idattr}/>'.encode()
            if s.name != self.original_names.get(id(s)):
                el = _set_attr(el, b"name", escape_attr(s.name).encode())
            state = self.states.get(id(s), "visible")
            if state != self.original_states.get(id(s)):
                el = _set_attr(el, b"state", None if state == "visible" else state.encode())
            self.elements[id(s)] = el
            elements.append(el)
        first, last = None, None
        for m in _SHEET.finditer(data):
            first = m.start() if first is None else first
            last = m.end()
        if first is None:
            open_tag = re.search(rb"<(?:\w+:)?sheets\b[^>]*>", data)
            first = last = open_tag.end()
        data = data[:first] + b"".join(elements) + data[last:]
        # defined names: shift sheet-local names, set salesbook's print areas
        position = {sid: i for i, sid in enumerate(order)}
        old_position = {i: sid for i, sid in enumerate(self.original_order)}
        kept = []
        fresh: dict[tuple[int, str], bytes] = {}  # salesbook's sheet-local names, as they are now
        for sid, owned in prints.items():
            s = next(x for x in self.sheets if id(x) == sid)
            quoted = "'" + s.name.replace("'", "''") + "'"
            for name, (area, hidden) in owned.items():
                extra = ' hidden="1"' if hidden else ""
                fresh[(sid, name)] = (f'<{p}definedName name="{name}" localSheetId="{position[sid]}"{extra}>'
                                      f"{escape_text(quoted + '!' + _absolute(area))}</{p}definedName>").encode()
        block = re.search(rb"<(?:\w+:)?definedNames\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?definedNames>)", data, re.S)
        existing = list(_DEFINED.finditer(block.group(1) or b"")) if block else []
        for m in existing:
            el = m.group()
            a = pk.attrs(el.split(b">", 1)[0])
            local = a.get("localSheetId")
            if local is not None:
                sid = old_position.get(int(local))
                if sid is None or sid not in position:
                    continue
                if a.get("name") in _OWNED_NAMES and sid in prints:  # a salesbook sheet rewritten:
                    el = fresh.pop((sid, a["name"]), None)  # its name set in place (same bytes if unchanged)
                    if el is not None:
                        kept.append(el)
                    continue
                if position[sid] != int(local):
                    el = re.sub(rb'localSheetId="\d+"', b'localSheetId="%d"' % position[sid], el, count=1)
            kept.append(renamed_refs(el, renames) if renames else el)
        kept.extend(fresh.values())  # names the file did not have yet
        new_block = (f"<{p}definedNames>".encode() + b"".join(kept) + f"</{p}definedNames>".encode()) if kept else b""
        if block:
            data = data[:block.start()] + new_block + data[block.end():]
        elif new_block:
            after = re.search(rb"</(?:\w+:)?sheets>", data)
            data = data[:after.end()] + new_block + data[after.end():]
        # the active tab must point at a visible sheet that exists
        m = re.search(rb'activeTab="(\d+)"', data)
        if m and int(m.group(1)) >= len(self.sheets):
            data = data[:m.start(1)] + b"0" + data[m.end(1):]
        self.pkg.write(self.part, data)
        self.xml = data
        self.original_order, self.original_names = order, names
        self.original_states = dict(self.states)


def renamed_refs(data: bytes, renames: dict[str, str]) -> bytes:
    """References to renamed sheets in XML text ('old'!$A$1, old!$A$1) pointed at the new names."""
    for old, new in renames.items():
        target = escape_text("'" + new.replace("'", "''") + "'!").encode()
        for ref in ("'" + old.replace("'", "''") + "'", old):
            data = re.sub(rb"(?<![\w'.\x80-\xff])" + re.escape(escape_text(ref).encode()) + rb"!", lambda _m: target, data)
    return data


def _rename_in_charts(pkg: pk.Package, renames: dict[str, str]) -> None:
    """Point the series, categories and titles of every chart part at the sheets' new names."""
    for name in pkg.names():
        if name.startswith("xl/charts/") and name.endswith(".xml"):
            data = pkg.read(name)
            new = renamed_refs(data, renames)
            if new != data:
                pkg.write(name, new)


_OWNED_NAMES = ("_xlnm.Print_Area", "_xlnm.Print_Titles", "_xlnm._FilterDatabase")


def _sheet_names(sheet: SheetPart) -> dict[str, tuple[str, bool]]:
    """The sheet-local defined names of a salesbook sheet: name → (range, hidden)."""
    out = {}
    if sheet.print_area:
        out["_xlnm.Print_Area"] = (sheet.print_area, False)
    if sheet.print_titles:
        out["_xlnm.Print_Titles"] = (sheet.print_titles, False)
    if sheet.autofilter:  # Excel keeps the filtered range in this hidden name
        out["_xlnm._FilterDatabase"] = (sheet.autofilter, True)
    return out


def _absolute(area: str) -> str:
    """'A1:C3' → '$A$1:$C$3'; rows '1:2' → '$1:$2'."""
    return ":".join(re.sub(r"^([A-Z]*)(\d*)$", lambda m: (f"${m.group(1)}" if m.group(1) else "")
                           + (f"${m.group(2)}" if m.group(2) else ""), part) for part in area.split(":"))


def _as_excel_values(rows: list[list]) -> None:
    """In place, in one pass: what Excel's Range.Value gives — empty cells None, dates as
    datetimes, every number a float."""
    date, datetime = dt.date, dt.datetime
    for row in rows:
        for j, v in enumerate(row):
            t = type(v)
            if t is str:
                if not v:
                    row[j] = None
            elif t is date:
                row[j] = datetime(v.year, v.month, v.day)
            elif t is int:
                row[j] = float(v)


def _set_attr(tag: bytes, name: bytes, value: bytes | None) -> bytes:
    pattern = re.compile(rb"\s" + name + rb'="[^"]*"')
    if value is None:
        return pattern.sub(b"", tag)
    if pattern.search(tag):
        return pattern.sub(b" " + name + b'="' + value.replace(b"\\", b"\\\\") + b'"', tag)
    return tag[:-2].rstrip() + b" " + name + b'="' + value + b'"/>'
