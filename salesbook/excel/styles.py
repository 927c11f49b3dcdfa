"""The workbook's style table (``xl/styles.xml``), read and appended to, never renumbered.

Cells point at cell formats (``cellXfs``) by index, and formats point at fonts, fills and
number formats by index, so an existing entry must never move. A style change on a cell
derives a new format from the cell's current one (its font, border, protection and
alignment kept) and appends it — once: an identical entry already in the table is reused, so
refreshing twice adds nothing the second time. The new entries are spliced in before each
collection's closing tag; every byte of the existing entries stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .xmlsafe import escape_attr, local, parse

BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss",
    46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}
_BUILTIN_BY_CODE = {code: i for i, code in BUILTIN_FORMATS.items() if i in (0, 1, 2, 3, 4, 9, 10, 49)}
_DATE_IDS = set(range(14, 23)) | {45, 46, 47}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
              "name", "family", "charset", "scheme")


def is_date_format(code: str) -> bool:
    """Whether a number-format code shows a date or time (quoted text ignored)."""
    bare = _QUOTED.sub("", code).lower()
    return any(ch in bare for ch in "dmyhs") and "general" not in bare


@dataclass(frozen=True)
class Font:
    """The font properties salesbook sets on a cell (None: keep the cell's own)."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None  # ARGB hex
    name: str | None = None


class StyleTable:
    """Read access to the formats cells use, and derivation of new ones."""

    COLLECTIONS = ("numFmts", "fonts", "fills", "cellXfs")

    def __init__(self, data: bytes) -> None:
        self.original = data
        root = parse(data)
        self.ns = root.nsmap.get(None) or etree.QName(root).namespace
        self.prefix = next((p + ":" for p, u in root.nsmap.items() if p and u == self.ns), "") \
            if root.nsmap.get(None) != self.ns else ""
        self._root = root
        self.num_formats: dict[int, str] = dict(BUILTIN_FORMATS)
        for nf in self._all("numFmts", "numFmt"):
            self.num_formats[int(nf.get("numFmtId"))] = nf.get("formatCode", "General")
        self.fonts = self._all("fonts", "font")
        self.fills = self._all("fills", "fill")
        self.xfs = self._all("cellXfs", "xf")
        self._keys = {name: {} for name in ("fonts", "fills", "cellXfs")}
        for name, items in (("fonts", self.fonts), ("fills", self.fills), ("cellXfs", self.xfs)):
            for i, el in enumerate(items):
                self._keys[name].setdefault(_canon(el), i)
        self.added: dict[str, list[str]] = {name: [] for name in self.COLLECTIONS}
        self._derived: dict[tuple, int] = {}

    def _all(self, collection: str, item: str) -> list:
        coll = self._root.find(f"{{{self.ns}}}{collection}")
        return [] if coll is None else [el for el in coll if local(el.tag) == item]

    @property
    def changed(self) -> bool:
        return any(self.added.values())

    # -- reading ------------------------------------------------------------------------
    def xf(self, index: int):
        return self.xfs[index] if 0 <= index < len(self.xfs) else None

    def number_format(self, index: int) -> str:
        xf = self.xf(index)
        return self.num_formats.get(int(xf.get("numFmtId", 0)), "General") if xf is not None else "General"

    def is_date(self, index: int) -> bool:
        xf = self.xf(index)
        if xf is None:
            return False
        fid = int(xf.get("numFmtId", 0))
        return fid in _DATE_IDS or (fid >= 164 and is_date_format(self.num_formats.get(fid, "")))

    def fill_rgb(self, index: int) -> str | None:
        """The solid fill colour (RRGGBB) of a format, or None (no fill, pattern, gradient, theme)."""
        xf = self.xf(index)
        if xf is None:
            return None
        fill_id = int(xf.get("fillId", 0))
        if not 0 <= fill_id < len(self.fills):
            return None
        pattern = self.fills[fill_id].find(f"{{{self.ns}}}patternFill")
        if pattern is None or pattern.get("patternType") != "solid":
            return None
        fg = pattern.find(f"{{{self.ns}}}fgColor")
        rgb = fg.get("rgb") if fg is not None else None
        return rgb[-6:].upper() if rgb else None

    def font(self, index: int) -> Font:
        xf = self.xf(index)
        fid = int(xf.get("fontId", 0)) if xf is not None else 0
        if not 0 <= fid < len(self.fonts):
            return Font()
        el = self.fonts[fid]
        kids = {local(k.tag): k for k in el}

        def flag(name):
            k = kids.get(name)
            return k is not None and k.get("val", "1") not in ("0", "false")

        sz = kids.get("sz")
        color = kids.get("color")
        name = kids.get("name")
        return Font(flag("b"), flag("i"), float(sz.get("val")) if sz is not None else None,
                    color.get("rgb") if color is not None else None, name.get("val") if name is not None else None)

    def fill_id(self, index: int) -> int:
        xf = self.xf(index)
        return int(xf.get("fillId", 0)) if xf is not None else 0

    def wrap(self, index: int) -> bool:
        xf = self.xf(index)
        al = xf.find(f"{{{self.ns}}}alignment") if xf is not None else None
        return al is not None and al.get("wrapText") in ("1", "true")

    # -- deriving -----------------------------------------------------------------------
    def derive(self, base: int, **changes) -> int:
        """A format like ``base`` with ``changes`` (fill=RRGGBB|None, number_format=code,
        font=dict(bold=, italic=, size=, color=ARGB, name=), wrap=bool, quote=bool); reset=True gives
        the default format."""
        if changes.get("reset"):
            return 0
        key = (base, tuple(sorted((k, tuple(sorted(v.items())) if isinstance(v, dict) else v)
                                  for k, v in changes.items())))
        hit = self._derived.get(key)
        if hit is not None:
            return hit
        xf = self.xf(base)
        attrs = dict(xf.attrib) if xf is not None else {"numFmtId": "0", "fontId": "0", "fillId": "0",
                                                          "borderId": "0", "xfId": "0"}
        children = [etree.tostring(k, encoding="unicode") for k in xf] if xf is not None else []
        children = [_strip_ns(c) for c in children]
        if "fill" in changes:
            attrs["fillId"] = str(self._fill(changes["fill"]))
            attrs["applyFill"] = "1"
        if "fill_of" in changes:  # the fill of another format, as it is (pattern, gradient, theme colour)
            other = self.xf(changes["fill_of"])
            other = dict(other.attrib) if other is not None else {}
            attrs["fillId"] = other.get("fillId", "0")
            if "applyFill" in other:
                attrs["applyFill"] = other["applyFill"]
            else:
                attrs.pop("applyFill", None)
        if "number_format" in changes:
            attrs["numFmtId"] = str(self._num_format(changes["number_format"]))
            attrs["applyNumberFormat"] = "1"
        if "font" in changes:
            attrs["fontId"] = str(self._font(int(attrs.get("fontId", 0)), changes["font"]))
            attrs["applyFont"] = "1"
        if "quote" in changes:
            if changes["quote"]:
                attrs["quotePrefix"] = "1"
            else:
                attrs.pop("quotePrefix", None)
        if "wrap" in changes:
            children = [c for c in children if not c.lstrip("<").startswith(("alignment", self.prefix + "alignment"))]
            old = xf.find(f"{{{self.ns}}}alignment") if xf is not None else None
            al = {k: v for k, v in (old.attrib.items() if old is not None else [])}
            if changes["wrap"]:
                al["wrapText"] = "1"
            else:
                al.pop("wrapText", None)
            if al:
                children.insert(0, f"<{self.prefix}alignment " + " ".join(f'{k}="{escape_attr(v)}"'
                                                                          for k, v in al.items()) + "/>")
                attrs["applyAlignment"] = "1"
        p = self.prefix
        body = "".join(children)
        attr_text = " ".join(f'{k}="{escape_attr(v)}"' for k, v in attrs.items())
        xml = f"<{p}xf {attr_text}/>" if not body else f"<{p}xf {attr_text}>{body}</{p}xf>"
        index = self._append("cellXfs", self.xfs, xml)
        self._derived[key] = index
        return index

    def _append(self, collection: str, items: list, xml: str) -> int:
        el = self._element(xml)
        k = _canon(el)
        found = self._keys[collection].get(k)
        if found is not None:
            return found
        items.append(el)
        index = len(items) - 1
        self._keys[collection][k] = index
        self.added[collection].append(xml)
        return index

    def _element(self, xml: str):
        p = self.prefix[:-1]
        ns = f'xmlns:{p}="{self.ns}"' if p else f'xmlns="{self.ns}"'
        return etree.fromstring(f"<{self.prefix}w {ns}>{xml}</{self.prefix}w>")[0]

    def _fill(self, rgb: str | None) -> int:
        if rgb is None:
            return 0
        p = self.prefix
        xml = (f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="FF{rgb.upper()}"/>'
               f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>')
        return self._append("fills", self.fills, xml)

    def _num_format(self, code: str) -> int:
        if code in _BUILTIN_BY_CODE:
            return _BUILTIN_BY_CODE[code]
        for fid, c in self.num_formats.items():
            if c == code and (fid >= 164 or fid in _BUILTIN_BY_CODE.values()):
                return fid
        fid = max([163, *self.num_formats]) + 1
        self.num_formats[fid] = code
        self.added["numFmts"].append(f'<{self.prefix}numFmt numFmtId="{fid}" formatCode="{escape_attr(code)}"/>')
        return fid

    def _font(self, base: int, change: dict) -> int:
        el = self.fonts[base] if 0 <= base < len(self.fonts) else None
        kids: dict[str, str] = {}
        if el is not None:
            for k in el:
                kids[local(k.tag)] = _strip_ns(etree.tostring(k, encoding="unicode"))
        p = self.prefix
        if "bold" in change:
            kids.pop("b", None)
            if change["bold"]:
                kids["b"] = f"<{p}b/>"
        if "italic" in change:
            kids.pop("i", None)
            if change["italic"]:
                kids["i"] = f"<{p}i/>"
        if change.get("size") is not None:
            kids["sz"] = f'<{p}sz val="{_num(change["size"])}"/>'
        if change.get("color") is not None:
            kids["color"] = f'<{p}color rgb="{change["color"]}"/>'
        if change.get("name") is not None:
            kids["name"] = f'<{p}name val="{escape_attr(change["name"])}"/>'
            kids.pop("scheme", None)
        body = "".join(kids[k] for k in FONT_ORDER if k in kids)
        body += "".join(v for k, v in kids.items() if k not in FONT_ORDER)
        return self._append("fonts", self.fonts, f"<{p}font>{body}</{p}font>")

    # -- writing ------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The original bytes with the new entries spliced in (and the counts updated)."""
        data = self.original
        for collection in self.COLLECTIONS:
            new = self.added[collection]
            if not new:
                continue
            p = re.escape(self.prefix.encode())
            blob = "".join(new).encode()
            close = re.search(rb"</" + p + collection.encode() + rb"\s*>", data)
            if close:
                data = data[:close.start()] + blob + data[close.start():]
            else:
                empty = re.search(rb"<" + p + collection.encode() + rb"\b[^>]*/>", data)
                if empty:
                    opening = empty.group()[:-2] + b">"
                    data = data[:empty.start()] + opening + blob + b"</" + self.prefix.encode() + \
                        collection.encode() + b">" + data[empty.end():]
                else:  # only numFmts may be absent: it is the first child of styleSheet
                    root = re.search(rb"<" + p + rb"styleSheet\b[^>]*>", data)
                    tag = self.prefix + "numFmts"
                    data = data[:root.end()] + f"<{tag}>".encode() + blob + f"</{tag}>".encode() + \
                        data[root.end():]
            data = _recount(data, self.prefix, collection)
        return data


def _num(v) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def _canon(el) -> bytes:
    return etree.tostring(el, method="c14n")


_NS_DECL = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def _strip_ns(xml: str) -> str:
    return _NS_DECL.sub("", xml)


def _recount(data: bytes, prefix: str, collection: str) -> bytes:
    p = re.escape(prefix.encode())
    m = re.search(rb"<" + p + collection.encode() + rb"\b[^>]*>(.*?)</" + p + collection.encode() + rb">", data,
                  re.S)
    if not m:
        return data
    item = {"numFmts": b"numFmt", "fonts": b"font", "fills": b"fill", "cellXfs": b"xf"}[collection]
    n = len(re.findall(rb"<" + p + item + rb"[\s/>]", m.group(1)))
    start_tag_end = data.index(b">", m.start()) + 1
    tag = data[m.start():start_tag_end]
    if re.search(rb'\bcount="\d+"', tag):
        new_tag = re.sub(rb'\bcount="\d+"', b'count="%d"' % n, tag)
    else:
        new_tag = tag[:-1] + b' count="%d">' % n
    return data[:m.start()] + new_tag + data[start_tag_end:]
