"""Cell notes (legacy comments) of one sheet, edited as splices of its comments and VML parts.

A note lives in three places: a ``<comment>`` in ``xl/commentsN.xml`` (text + author), a
``<v:shape>`` in a VML drawing (where the box is drawn) and the relationships between them.
Every edit here is a splice of one element, so a note salesbook adds and later removes
leaves both parts exactly as they were, and a user's note that salesbook extends is put
back element for element — author, rich text and all.
"""

from __future__ import annotations

import re

from . import package as pk
from .cells import text_of
from .xmlsafe import MAIN, REL, escape_text, ref, split_ref

AUTHOR = "salesbook"
_COMMENT = re.compile(rb"<(?:\w+:)?comment\b[^>]*?(?:/>|>.*?</(?:\w+:)?comment>)", re.S)
_SHAPE = re.compile(rb"<v:shape\b[^>]*>.*?</v:shape>", re.S)
_ROWCOL = re.compile(rb"<x:Row>\s*(\d+)\s*</x:Row>\s*<x:Column>\s*(\d+)\s*</x:Column>", re.S)
_AUTHOR = re.compile(rb"<(?:\w+:)?author>(.*?)</(?:\w+:)?author>|<(?:\w+:)?author\s*/>", re.S)
VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
            '<o:idmap v:ext="edit" data="{block}"/></o:shapelayout>')
SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
             '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


def _shape(spid: int, row: int, col: int) -> str:
    """A hidden note box, as Excel writes one (row and column are 0-based here)."""
    return (f'<v:shape id="_x0000_s{spid}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
            f'margin-top:1.5pt;width:240pt;height:105pt;z-index:{spid % 1024};visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f'<x:Anchor>{col + 1}, 15, {max(row - 1, 0)}, 10, {col + 4}, 15, {row + 6}, 4</x:Anchor>'
            f'<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData>'
            '</v:shape>')


class Notes:
    """The notes of one sheet part."""

    def __init__(self, pkg: pk.Package, sheet_part: str) -> None:
        self.pkg = pkg
        self.sheet_part = sheet_part
        self.comments_part = self.vml_part = None
        self.vml_rid = None
        for rel in pkg.rels(sheet_part):
            if rel.get("Type") == pk.RT_COMMENTS and pkg.exists(rel["part"]):
                self.comments_part = rel["part"]
            elif rel.get("Type") == pk.RT_VML and pkg.exists(rel["part"]):
                self.vml_part, self.vml_rid = rel["part"], rel["Id"]
        self.comments = pkg.read(self.comments_part) if self.comments_part else None
        self.vml = pkg.read(self.vml_part) if self.vml_part else None
        self.dirty = False

    # -- reading ----------------------------------------------------------------------
    def _find(self, row: int, col: int):
        """The ``<comment>`` of a cell (a plain search for its ref, then its element's bounds)."""
        if self.comments is None:
            return None
        key = f'ref="{ref(row, col)}"'.encode()
        pos = 0
        while (at := self.comments.find(key, pos)) >= 0:
            start = max(self.comments.rfind(b"<comment", 0, at), self.comments.rfind(b":comment", 0, at) - 1)
            m = _COMMENT.match(self.comments, start) if start >= 0 else None
            if m and m.start() < at < m.end() and key in m.group().split(b">", 1)[0]:
                return m
            pos = at + len(key)
        return None

    def _find_shape(self, row: int, col: int):
        if self.vml is None:
            return None
        pattern = re.compile(rb"<x:Row>\s*%d\s*</x:Row>\s*<x:Column>\s*%d\s*</x:Column>" % (row - 1, col - 1))
        pos = 0
        while (hit := pattern.search(self.vml, pos)) is not None:
            start = self.vml.rfind(b"<v:shape ", 0, hit.start())
            m = _SHAPE.match(self.vml, start) if start >= 0 else None
            if m and m.end() > hit.end() and b'"Note"' in m.group():
                return m
            pos = hit.end()
        return None

    def text(self, row: int, col: int) -> str | None:
        m = self._find(row, col)
        return None if m is None else text_of(m.group())

    def author(self, row: int, col: int) -> str | None:
        m = self._find(row, col)
        if m is None:
            return None
        aid = re.search(rb'authorId="(\d+)"', m.group().split(b">", 1)[0])
        names = self._authors()
        i = int(aid.group(1)) if aid else 0
        return names[i] if i < len(names) else None

    def cells(self) -> list[tuple[int, int]]:
        if self.comments is None:
            return []
        out = []
        for m in _COMMENT.finditer(self.comments):
            r = re.search(rb'ref="([A-Z]+\d+)"', m.group())
            if r:
                out.append(split_ref(r.group(1).decode()))
        return out

    def _authors(self) -> list[str]:
        block = re.search(rb"<(?:\w+:)?authors\b[^>]*>(.*?)</(?:\w+:)?authors>", self.comments or b"", re.S)
        if not block:
            return []
        return [text_of(b"<t>" + (m.group(1) or b"") + b"</t>") for m in _AUTHOR.finditer(block.group(1))]

    # -- snapshot / restore ---------------------------------------------------------------
    def snapshot(self, row: int, col: int) -> tuple[str, str]:
        m, s = self._find(row, col), self._find_shape(row, col)
        return (m.group().decode("utf-8") if m else "", s.group().decode("utf-8") if s else "")

    def restore(self, row: int, col: int, comment: str, shape: str) -> None:
        m = self._find(row, col)
        if comment:
            self._ensure_parts()
            if m:
                self.comments = self.comments[:m.start()] + comment.encode() + self.comments[m.end():]
            else:
                self._append_comment(comment.encode())
        elif m:
            self.comments = self.comments[:m.start()] + self.comments[m.end():]
        s = self._find_shape(row, col)
        if shape:
            self._ensure_parts()
            if s:
                self.vml = self.vml[:s.start()] + shape.encode() + self.vml[s.end():]
            else:
                self._append_shape(shape.encode())
        elif s:
            self.vml = self.vml[:s.start()] + self.vml[s.end():]
        self.dirty = True

    # -- editing ----------------------------------------------------------------------
    def set(self, row: int, col: int, text: str) -> None:
        """Set a note's text; an existing note keeps its author and box, a new one is by salesbook."""
        self._ensure_parts()
        body = f'<text><t xml:space="preserve">{escape_text(text)}</t></text>'
        p = self._prefix()
        if p:
            body = body.replace("<text>", f"<{p}text>").replace("</text>", f"</{p}text>") \
                .replace("<t ", f"<{p}t ").replace("</t>", f"</{p}t>")
        m = self._find(row, col)
        if m:
            el = m.group()
            head = el.split(b">", 1)[0]
            if head.endswith(b"/"):
                head = head[:-1]
            new = head + b">" + body.encode() + f"</{p}comment>".encode()
            self.comments = self.comments[:m.start()] + new + self.comments[m.end():]
        else:
            aid = self._author_id()
            self._append_comment(f'<{p}comment ref="{ref(row, col)}" authorId="{aid}">{body}</{p}comment>'.encode())
        if self._find_shape(row, col) is None:
            self._append_shape(_shape(self._next_spid(), row - 1, col - 1).encode())
        self.dirty = True

    def delete(self, row: int, col: int) -> None:
        m = self._find(row, col)
        if m:
            self.comments = self.comments[:m.start()] + self.comments[m.end():]
        s = self._find_shape(row, col)
        if s:
            self.vml = self.vml[:s.start()] + self.vml[s.end():]
        self.dirty = bool(m or s) or self.dirty

    def _prefix(self) -> str:
        m = re.match(rb"(?:<\?xml[^>]*>\s*)?<(\w+:)?comments\b", self.comments or b"")
        return m.group(1).decode() if m and m.group(1) else ""

    def _author_id(self) -> int:
        names = self._authors()
        if AUTHOR in names:
            return names.index(AUTHOR)
        p = self._prefix()
        close = re.search(rb"</(?:\w+:)?authors>", self.comments)
        el = f"<{p}author>{AUTHOR}</{p}author>".encode()
        if close:
            self.comments = self.comments[:close.start()] + el + self.comments[close.start():]
        else:
            empty = re.search(rb"<(?:\w+:)?authors\s*/>", self.comments)
            self.comments = self.comments[:empty.start()] + f"<{p}authors>".encode() + el + \
                f"</{p}authors>".encode() + self.comments[empty.end():]
        return len(names)

    def _append_comment(self, el: bytes) -> None:
        close = re.search(rb"</(?:\w+:)?commentList>", self.comments)
        if close:
            self.comments = self.comments[:close.start()] + el + self.comments[close.start():]
        else:
            empty = re.search(rb"<((?:\w+:)?)commentList\s*/>", self.comments)
            p = empty.group(1)
            self.comments = self.comments[:empty.start()] + b"<" + p + b"commentList>" + el + b"</" + p + \
                b"commentList>" + self.comments[empty.end():]

    def _append_shape(self, el: bytes) -> None:
        if b"_x0000_t202" not in self.vml.split(b"<v:shape ", 1)[0]:
            el = SHAPETYPE.encode() + el
        close = self.vml.rindex(b"</xml>")
        self.vml = self.vml[:close] + el + self.vml[close:]

    def _next_spid(self) -> int:
        ids = [int(x) for x in re.findall(rb'id="_x0000_s(\d+)"', self.vml or b"")]
        block = re.search(rb'<o:idmap[^>]*data="(\d+)', self.vml or b"")
        base = int(block.group(1)) * 1024 if block else 1024
        return max([base, *ids]) + 1

    def _ensure_parts(self) -> None:
        pkg = self.pkg
        if self.comments is None:
            self.comments_part = pkg.unused("xl/comments{}.xml")
            pkg.write(self.comments_part, b"")  # reserve the name for this sheet
            self.comments = (pk.XML_DECL + f'<comments xmlns="{MAIN}"><authors><author>{AUTHOR}</author></authors>'
                             f"<commentList></commentList></comments>".encode())
            pkg.add_rel(self.sheet_part, pk.RT_COMMENTS, self.comments_part)
            pkg.content_override(self.comments_part, pk.CT_COMMENTS)
        if self.vml is None:
            self.vml_part = pkg.unused("xl/drawings/vmlDrawing{}.vml")
            pkg.write(self.vml_part, b"")
            block = int(re.search(r"(\d+)", self.vml_part.rsplit("/", 1)[1]).group(1))
            self.vml = (VML_HEAD.format(block=block) + SHAPETYPE + "</xml>").encode()
            self.vml_rid = pkg.add_rel(self.sheet_part, pk.RT_VML, self.vml_part)
            pkg.content_default("vml", pk.CT_VML)
        self.dirty = True

    # -- saving -----------------------------------------------------------------------
    def finish(self, sheet_xml: bytes) -> bytes:
        """Write the parts back (or remove them when no note is left); returns the sheet XML,
        with its ``<legacyDrawing>`` added or removed to match."""
        if not self.dirty:
            return sheet_xml
        pkg = self.pkg
        names = self._authors()
        if names and names[-1] == AUTHOR and self.comments is not None:
            aid = len(names) - 1
            if not re.search(rb'authorId="%d"' % aid, self.comments):
                block = re.search(rb"<(?:\w+:)?authors\b[^>]*>(.*?)</(?:\w+:)?authors>", self.comments, re.S)
                last = list(_AUTHOR.finditer(block.group(1)))[-1]
                s, e = block.start(1) + last.start(), block.start(1) + last.end()
                self.comments = self.comments[:s] + self.comments[e:]
        has_comments = self.comments is not None and bool(_COMMENT.search(self.comments))
        if self.comments_part:
            if has_comments:
                pkg.write(self.comments_part, self.comments)
            else:
                self._drop(self.comments_part)
                pkg.content_override(self.comments_part, None)
                self.comments_part, self.comments = None, None
        has_shapes = self.vml is not None and b"<v:shape " in self.vml
        if self.vml_part:
            if has_shapes:
                pkg.write(self.vml_part, self.vml)
            else:
                self._drop(self.vml_part)
                if not any(n.lower().endswith(".vml") for n in pkg.names()):
                    pkg.content_default("vml", None)
                sheet_xml = _remove_legacy(sheet_xml, self.vml_rid)
                self.vml_part, self.vml, self.vml_rid = None, None, None
                return sheet_xml
        if self.vml_part and not re.compile(rb"<(?:\w+:)?legacyDrawing\b").search(
                sheet_xml, max(sheet_xml.rfind(b"sheetData>"), 0)):
            sheet_xml = _insert_legacy(sheet_xml, self.vml_rid)
        self.dirty = False
        return sheet_xml

    def _drop(self, part: str) -> None:
        for rel in self.pkg.rels(self.sheet_part):
            if rel.get("part") == part:
                self.pkg.remove_rel(self.sheet_part, rel["Id"])
        self.pkg.delete(part)


_AFTER_LEGACY = (b"legacyDrawingHF", b"drawingHF", b"picture", b"oleObjects", b"controls", b"webPublishItems",
                 b"tableParts", b"extLst")


def _rel_prefix(sheet_xml: bytes) -> str | None:
    root = re.search(rb"<(?:\w+:)?worksheet\b[^>]*>", sheet_xml)
    m = re.search(rb'xmlns:(\w+)="' + re.escape(REL.encode()) + rb'"', root.group()) if root else None
    return m.group(1).decode() if m else None


def _insert_legacy(sheet_xml: bytes, rid: str) -> bytes:
    m = re.match(rb"(?:<\?xml[^>]*>\s*)?<(\w+:)?worksheet\b", sheet_xml)
    p = (m.group(1) or b"").decode() if m else ""
    rp = _rel_prefix(sheet_xml)
    el = f'<{p}legacyDrawing {rp}:id="{rid}"/>' if rp else f'<{p}legacyDrawing xmlns:r="{REL}" r:id="{rid}"/>'
    at = None
    tail = max(sheet_xml.rfind(b"sheetData>"), 0)  # what follows sheetData: a short tail, not the cells
    for name in _AFTER_LEGACY:
        found = re.compile(rb"<(?:\w+:)?" + name + rb"\b").search(sheet_xml, tail)
        if found:
            at = found.start()
            break
    if at is None:
        at = sheet_xml.rindex(b"</")
    return sheet_xml[:at] + el.encode() + sheet_xml[at:]


def _remove_legacy(sheet_xml: bytes, rid: str | None) -> bytes:
    m = re.compile(rb"<(?:\w+:)?legacyDrawing\b[^>]*/>").search(sheet_xml, max(sheet_xml.rfind(b"sheetData>"), 0))
    if m and (rid is None or f'"{rid}"'.encode() in m.group()):
        return sheet_xml[:m.start()] + sheet_xml[m.end():]
    return sheet_xml
