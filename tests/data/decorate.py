"""A decorated workbook, made without Excel: what real users add to their input sheets, written as Excel writes it.

    python tests/data/decorate.py SRC.xlsm DST.xlsm     # prints where each decoration lives (JSON)

``decorate(src, dst)`` takes a workbook made by salesbook (e.g. ``salesbook demo X.xlsm --customers 60 --orders 800``)
and writes a copy whose *input* sheets carry the things users make in Excel and that a load-and-save through
openpyxl loses or rewrites. Everything is done by editing the zip's parts (lxml on the XML, new parts written
out as Excel writes them); the workbook is never loaded and saved by a spreadsheet library. The decorations:

* every string of the input sheets moved to a shared-strings part (``t="s"``), as Excel stores them;
* 订单明细: ~50 金额 cells become formulas with their saved results (``<f>ROUND(12855.4,2)</f><v>12855.4</v>``),
  a formula column 毛利 (``IF(ISNUMBER(I2),I2-L2,"")``) with saved results, and ``xl/calcChain.xml``;
* 订单明细: an Excel Table (``xl/tables/tableN.xml``) over the data, a colour scale and a cellIs rule (dxf);
* 订单明细: a theme-colour fill, a ``lightGray`` pattern fill and a gradient fill on cells salesbook flags, and a
  quote-prefixed 客户名称 ``'t Hooft Trading␣␣`` (leading apostrophe that is text, trailing spaces) that Clean trims;
* notes by 王经理 (``xl/commentsN.xml`` + legacy VML) on 订单明细 and 客户档案, one on each sheet on a cell
  salesbook flags;
* 客户档案: a picture (PNG in ``xl/media``) and a text box in a drawing, a rich-text shared string (runs),
  a cross-sheet dropdown as Excel 2010+ writes it (x14 ``dataValidations`` ext, list ``策略库!$B$2:$B$5``) and
  a classic dropdown whose list is a defined name;
* 销售目标: sparklines (x14 ``sparklineGroups``) and a user bar chart bound to 销售目标 cells;
* workbook: defined names and a custom XML part (``customXml/item1.xml`` + ``itemProps1.xml``).

Which cells salesbook flags and cleans is found by running ``salesbook flag`` / ``salesbook clean`` on scratch
copies (hidden sheets ``_salesbook_flags`` / ``_salesbook_undo``: sheet, row, column), unless given.
The result is deterministic: the same source gives the same bytes.

The module also exports the small part-model helpers the lossless tests use (``Package``, ``sheet_parts``,
``cell_text``, ``edit_cells``).
"""

from __future__ import annotations

import copy
import json
import posixpath
import re
import shutil
import struct
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
XML_NS = "http://www.w3.org/XML/1998/namespace"

RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL = {
    "worksheet": RT + "worksheet", "sharedStrings": RT + "sharedStrings", "styles": RT + "styles",
    "drawing": RT + "drawing", "image": RT + "image", "chart": RT + "chart", "table": RT + "table",
    "comments": RT + "comments", "vmlDrawing": RT + "vmlDrawing", "calcChain": RT + "calcChain",
    "customXml": RT + "customXml", "customXmlProps": RT + "customXmlProps",
    "officeDocument": RT + "officeDocument",
}
CTYPE = {
    "sharedStrings": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
    "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    "chart": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
    "table": "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml",
    "comments": "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    "calcChain": "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml",
    "customXmlProps": "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    "vml": "application/vnd.openxmlformats-officedocument.vmlDrawing",
    "png": "image/png",
}
DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
ZIP_DATE = (2026, 1, 1, 0, 0, 0)

ORDERS, TARGETS, CUSTOMERS, SETTINGS, PLAYBOOK = "订单明细", "销售目标", "客户档案", "参数", "策略库"
INPUT_SHEETS = ("订单明细", "销售目标", "客户档案", "跟进记录", "线索", "参数", "策略库")
AUTHOR = "王经理"

# CT_Worksheet child order (ECMA-376 Part 1, 18.3.1.99)
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
    "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
]
STYLES_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                "tableStyles", "colors", "extLst"]
WORKBOOK_ORDER = ["fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                  "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize", "customWorkbookViews",
                  "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects",
                  "extLst"]


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


# -- cell references -----------------------------------------------------------------------------------------------
def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """'I10' → (row 10, column 9)."""
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref)
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_index(m.group(1))


def ref_of(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


# -- the package ---------------------------------------------------------------------------------------------------
def rels_name(part: str) -> str:
    d, n = posixpath.split(part)
    return posixpath.join(d, "_rels", n + ".rels")


def resolve(source: str, target: str) -> str:
    """A relationship target as a zip member name (``source`` is the part that owns the .rels)."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


class Package:
    """The zip's members as bytes, in their order; XML parts parsed on demand."""

    def __init__(self, path: str | Path):
        with zipfile.ZipFile(path) as z:
            self.names = [i.filename for i in z.infolist() if not i.is_dir()]
            self.data = {n: z.read(n) for n in self.names}

    # raw access
    def __contains__(self, name: str) -> bool:
        return name in self.data

    def read(self, name: str) -> bytes:
        return self.data[name]

    def write(self, name: str, data: bytes) -> None:
        if name not in self.data:
            self.names.append(name)
        self.data[name] = data

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.data[name], etree.XMLParser(remove_blank_text=False, huge_tree=True))

    def put_xml(self, name: str, root: etree._Element) -> None:
        self.write(name, DECL + etree.tostring(root, encoding="UTF-8"))

    def free(self, pattern: str) -> str:
        """The first unused member name for a pattern such as ``xl/drawings/drawing{}.xml``."""
        n = 1
        while pattern.format(n) in self.data:
            n += 1
        return pattern.format(n)

    # relationships
    def rels(self, part: str) -> list[dict[str, str]]:
        """Relationships of ``part`` ('' for the package): Id, Type, Target, and the resolved member ``part``."""
        name = rels_name(part) if part else "_rels/.rels"
        if name not in self.data:
            return []
        out = []
        for rel in self.xml(name):
            if not isinstance(rel.tag, str):
                continue
            d = dict(rel.attrib)
            if d.get("TargetMode") != "External":
                d["part"] = resolve(part, d["Target"])
            out.append(d)
        return out

    def add_rel(self, part: str, rtype: str, target_part: str) -> str:
        name = rels_name(part)
        if name in self.data:
            root = self.xml(name)
        else:
            root = etree.Element(q(PR, "Relationships"), nsmap={None: PR})
        used = {r.get("Id") for r in root}
        n = 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        etree.SubElement(root, q(PR, "Relationship"), Id=rid, Type=rtype, Target=relative(part, target_part))
        self.put_xml(name, root)
        return rid

    # content types
    def add_override(self, part: str, ctype: str) -> None:
        root = self.xml("[Content_Types].xml")
        if any(e.get("PartName") == "/" + part for e in root):
            return
        etree.SubElement(root, q(CT, "Override"), PartName="/" + part, ContentType=ctype)
        self.put_xml("[Content_Types].xml", root)

    def add_default(self, ext: str, ctype: str) -> None:
        root = self.xml("[Content_Types].xml")
        if any(e.get("Extension", "").lower() == ext for e in root):
            return
        defaults = [e for e in root if e.tag == q(CT, "Default")]
        el = etree.Element(q(CT, "Default"), Extension=ext, ContentType=ctype)
        if defaults:
            defaults[-1].addnext(el)
        else:
            root.insert(0, el)
        self.put_xml("[Content_Types].xml", root)

    # workbook structure
    @property
    def workbook_part(self) -> str:
        return next(r["part"] for r in self.rels("") if r["Type"] == REL["officeDocument"])

    def save(self, path: str | Path) -> None:
        """Deterministic zip: fixed dates, the members' order kept, new members appended."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for n in self.names:
                info = zipfile.ZipInfo(n, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, self.data[n])
        tmp.replace(path)


def sheet_parts(pkg: Package) -> dict[str, dict[str, Any]]:
    """Sheet name → {part, sheetId, state, index} from the workbook part and its relationships."""
    wb_part = pkg.workbook_part
    rels = {r["Id"]: r for r in pkg.rels(wb_part)}
    out = {}
    for i, s in enumerate(pkg.xml(wb_part).iter(q(MAIN, "sheet"))):
        rel = rels[s.get(q(R, "id"))]
        out[s.get("name")] = {"part": rel["part"], "sheetId": int(s.get("sheetId")), "state": s.get("state", "visible"),
                              "index": i}
    return out


def shared_strings_part(pkg: Package) -> str | None:
    return next((r["part"] for r in pkg.rels(pkg.workbook_part) if r["Type"] == REL["sharedStrings"]), None)


def styles_part(pkg: Package) -> str | None:
    return next((r["part"] for r in pkg.rels(pkg.workbook_part) if r["Type"] == REL["styles"]), None)


def si_text(si: etree._Element) -> str:
    """The plain text of a shared string / inline string (phonetic runs excluded)."""
    return "".join(t.text or "" for t in si.iter(q(MAIN, "t")) if t.getparent().tag != q(MAIN, "rPh"))


def read_sst(pkg: Package) -> list[str]:
    part = shared_strings_part(pkg)
    if part is None or part not in pkg:
        return []
    return [si_text(si) for si in pkg.xml(part).iter(q(MAIN, "si"))]


def cell_text(c: etree._Element, sst: list[str]) -> Any:
    """A ``<c>`` element's value: str for strings, float for numbers, bool, '#ERR' strings, None when empty."""
    t = c.get("t", "n")
    v = c.find(q(MAIN, "v"))
    if t == "inlineStr":
        is_ = c.find(q(MAIN, "is"))
        return si_text(is_) if is_ is not None else None
    if v is None or v.text is None:
        return None
    if t == "s":
        return sst[int(v.text)]
    if t in ("str", "e"):
        return v.text
    if t == "b":
        return v.text == "1"
    return float(v.text)


def sheet_cells(pkg: Package, part: str, sst: list[str] | None = None) -> dict[str, Any]:
    """Cell reference → value of every cell of a sheet part that holds one."""
    sst = read_sst(pkg) if sst is None else sst
    out = {}
    for c in pkg.xml(part).iter(q(MAIN, "c")):
        val = cell_text(c, sst)
        if val is not None:
            out[c.get("r")] = val
    return out


# -- sheet XML editing ---------------------------------------------------------------------------------------------
def insert_ordered(parent: etree._Element, el: etree._Element, order: list[str]) -> etree._Element:
    """Insert ``el`` among ``parent``'s children at the place the schema's sequence gives it."""
    name = etree.QName(el).localname
    rank = order.index(name)
    for i, child in enumerate(parent):
        if not isinstance(child.tag, str):
            continue
        cname = etree.QName(child).localname
        if cname in order and order.index(cname) > rank:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def with_namespaces(root: etree._Element, extra: dict[str, str]) -> etree._Element:
    """The same element with more namespace declarations on it (lxml cannot add them in place)."""
    nsmap = dict(root.nsmap)
    if all(nsmap.get(k) == v for k, v in extra.items()):
        return root
    nsmap.update(extra)
    new = etree.Element(root.tag, nsmap=nsmap)
    for k, v in root.attrib.items():
        new.set(k, v)
    new.text = root.text
    for child in list(root):
        new.append(child)
    if "x14ac" in extra and q(MC, "Ignorable") not in new.attrib:
        new.set(q(MC, "Ignorable"), "x14ac")  # as Excel declares it
    return new


def get_row(sheet_data: etree._Element, r: int) -> etree._Element:
    """The ``<row r=…>`` element, inserted in order if missing."""
    for row in sheet_data.iter(q(MAIN, "row")):
        n = int(row.get("r"))
        if n == r:
            return row
        if n > r:
            new = etree.Element(q(MAIN, "row"), r=str(r))
            row.addprevious(new)
            return new
    return etree.SubElement(sheet_data, q(MAIN, "row"), r=str(r))


def get_cell(sheet_data: etree._Element, ref: str) -> etree._Element:
    r, col = split_ref(ref)
    row = get_row(sheet_data, r)
    for c in row.iter(q(MAIN, "c")):
        cc = split_ref(c.get("r"))[1]
        if cc == col:
            return c
        if cc > col:
            new = etree.Element(q(MAIN, "c"), r=ref)
            c.addprevious(new)
            return new
    return etree.SubElement(row, q(MAIN, "c"), r=ref)


def clear_value(c: etree._Element) -> None:
    for child in list(c):
        c.remove(child)
    if "t" in c.attrib:
        del c.attrib["t"]


def set_string(c: etree._Element, idx: int) -> None:
    clear_value(c)
    c.set("t", "s")
    etree.SubElement(c, q(MAIN, "v")).text = str(idx)


def set_formula(c: etree._Element, formula: str, value: str, t: str | None = None) -> None:
    clear_value(c)
    if t:
        c.set("t", t)
    etree.SubElement(c, q(MAIN, "f")).text = formula
    etree.SubElement(c, q(MAIN, "v")).text = value


def num_text(v: float) -> str:
    """A number as Excel writes it in ``<v>`` (shortest round-trip form, no trailing .0)."""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


class SharedStrings:
    """The workbook's shared-strings table, created (with its relationship and content type) if missing."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.part = shared_strings_part(pkg)
        if self.part is not None and self.part in pkg:
            self.root = pkg.xml(self.part)
        else:
            self.part = None
            self.root = etree.Element(q(MAIN, "sst"), nsmap={None: MAIN})
        self.index: dict[str, int] = {}
        for i, si in enumerate(self.root.iter(q(MAIN, "si"))):
            if len(si) == 1 and si[0].tag == q(MAIN, "t"):
                self.index.setdefault(si[0].text or "", i)
        self.n = len(self.root.findall(q(MAIN, "si")))

    def add(self, text: str) -> int:
        if text in self.index:
            return self.index[text]
        si = etree.SubElement(self.root, q(MAIN, "si"))
        t = etree.SubElement(si, q(MAIN, "t"))
        t.text = text
        if text != text.strip() or "\n" in text:
            t.set(q(XML_NS, "space"), "preserve")
        self.index[text] = self.n
        self.n += 1
        return self.n - 1

    def add_si(self, si: etree._Element) -> int:
        self.root.append(si)
        self.n += 1
        return self.n - 1

    def save(self) -> str:
        pkg = self.pkg
        if self.part is None:
            self.part = posixpath.join(posixpath.dirname(pkg.workbook_part), "sharedStrings.xml")
            pkg.add_rel(pkg.workbook_part, REL["sharedStrings"], self.part)
            pkg.add_override(self.part, CTYPE["sharedStrings"])
        refs = 0
        for info in sheet_parts(pkg).values():
            if info["part"] in pkg:
                refs += len(re.findall(rb'<c [^>]*t="s"', pkg.read(info["part"])))
        self.root.set("count", str(refs))
        self.root.set("uniqueCount", str(self.n))
        pkg.put_xml(self.part, self.root)
        return self.part


class Styles:
    """Append-only edits of the styles part: new fills, cell formats and dxfs get the next index."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.part = styles_part(pkg)
        self.root = pkg.xml(self.part)

    def _list(self, name: str) -> etree._Element:
        el = self.root.find(q(MAIN, name))
        if el is None:
            el = insert_ordered(self.root, etree.Element(q(MAIN, name), count="0"), STYLES_ORDER)
        return el

    def _append(self, name: str, child: etree._Element) -> int:
        lst = self._list(name)
        lst.append(child)
        n = len([c for c in lst if isinstance(c.tag, str)])
        lst.set("count", str(n))
        return n - 1

    def fill(self, xml: str) -> int:
        return self._append("fills", etree.fromstring(xml))

    def xf(self, **attrs: str) -> int:
        base = {"numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"}
        base.update(attrs)
        return self._append("cellXfs", etree.Element(q(MAIN, "xf"), base))

    def xf_like(self, base: int, **attrs: str) -> int:
        """A new cell format: a copy of format ``base`` (number format, font, border, alignment) with ``attrs``."""
        xfs = [e for e in self._list("cellXfs") if isinstance(e.tag, str)]
        el = copy.deepcopy(xfs[base])
        for k, v in attrs.items():
            el.set(k, v)
        return self._append("cellXfs", el)

    def dxf(self, xml: str) -> int:
        return self._append("dxfs", etree.fromstring(xml))

    def quote_prefix_xf(self) -> int:
        for i, xf in enumerate(self._list("cellXfs")):
            if xf.get("quotePrefix") == "1" and xf.get("fillId", "0") == "0" and xf.get("numFmtId", "0") == "0":
                return i
        return self.xf(quotePrefix="1")

    def save(self) -> None:
        self.pkg.put_xml(self.part, self.root)


def _frag(xml: str, **ns: str) -> etree._Element:
    decl = " ".join(f'xmlns{":" + k if k else ""}="{v}"' for k, v in {"": MAIN, **ns}.items())
    tag_end = re.match(r"<[\w:]+", xml).end()
    return etree.fromstring(xml[:tag_end] + " " + decl + xml[tag_end:])


# -- small generated parts -----------------------------------------------------------------------------------------
def png(width: int = 48, height: int = 32) -> bytes:
    """A small deterministic RGB PNG (a blue-orange gradient with a white bar)."""
    rows = []
    for y in range(height):
        px = bytearray()
        for x in range(width):
            if height // 3 <= y < height // 3 + 4:
                px += b"\xff\xff\xff"
            else:
                px += bytes((int(31 + 224 * x / width), int(78 + 100 * y / height), int(121 + 80 * (1 - x / width))))
        rows.append(b"\x00" + bytes(px))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + \
        chunk(b"IEND", b"")


def _anchor(col: int, row: int, col2: int, row2: int) -> str:
    """A twoCellAnchor's from/to (0-based columns and rows)."""
    return (f"<xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>"
            f"<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{col2}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row2}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>")


def drawing_xml(shapes: list[str]) -> bytes:
    return DECL + (f'<xdr:wsDr xmlns:xdr="{XDR}" xmlns:a="{A}">' + "".join(shapes) + "</xdr:wsDr>").encode()


def picture_anchor(shape_id: int, rid: int | str, col: int, row: int) -> str:
    return (f'<xdr:twoCellAnchor editAs="oneCell">{_anchor(col, row, col + 2, row + 3)}'
            f'<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="{shape_id}" name="图片 {shape_id - 1}" descr="公司标志"/>'
            f'<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
            f'<xdr:blipFill><a:blip xmlns:r="{R}" r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
            f'</xdr:blipFill>'
            f'<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="609600"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:twoCellAnchor>')


def textbox_anchor(shape_id: int, col: int, row: int, text: str) -> str:
    return (f'<xdr:twoCellAnchor>{_anchor(col, row, col + 4, row + 4)}'
            f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{shape_id}" name="文本框 {shape_id - 1}"/>'
            f'<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="2438400" cy="762000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            f'<a:solidFill><a:schemeClr val="lt1"/></a:solidFill><a:ln w="9525" cmpd="sng"><a:solidFill>'
            f'<a:schemeClr val="lt1"><a:shade val="50000"/></a:schemeClr></a:solidFill></a:ln></xdr:spPr>'
            f'<xdr:style><a:lnRef idx="0"><a:scrgbClr r="0" g="0" b="0"/></a:lnRef><a:fillRef idx="0">'
            f'<a:scrgbClr r="0" g="0" b="0"/></a:fillRef><a:effectRef idx="0"><a:scrgbClr r="0" g="0" b="0"/>'
            f'</a:effectRef><a:fontRef idx="minor"><a:schemeClr val="dk1"/></a:fontRef></xdr:style>'
            f'<xdr:txBody><a:bodyPr vertOverflow="clip" horzOverflow="clip" wrap="square" rtlCol="0" anchor="t"/>'
            f'<a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN" altLang="en-US" sz="1100" b="1"/><a:t>{_esc(text)}</a:t>'
            f'</a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>')


def chart_anchor(shape_id: int, rid: str, col: int, row: int) -> str:
    return (f'<xdr:twoCellAnchor>{_anchor(col, row, col + 7, row + 15)}'
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{shape_id}" name="图表 {shape_id - 1}"/>'
            f'<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
            f'</xdr:xfrm><a:graphic><a:graphicData uri="{C}"><c:chart xmlns:c="{C}" xmlns:r="{R}" r:id="{rid}"/>'
            f'</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>')


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def bar_chart_xml(title: str, sheet: str, cat_ref: str, val_ref: str, name_ref: str, name: str,
                  cats: list[str], vals: list[float]) -> bytes:
    str_pts = "".join(f'<c:pt idx="{i}"><c:v>{_esc(v)}</c:v></c:pt>' for i, v in enumerate(cats))
    num_pts = "".join(f'<c:pt idx="{i}"><c:v>{num_text(v)}</c:v></c:pt>' for i, v in enumerate(vals))
    txpr = ('<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr><a:endParaRPr lang="zh-CN"/>'
            '</a:p></c:txPr>')
    return DECL + (
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}"><c:date1904 val="0"/><c:lang val="zh-CN"/>'
        f'<c:roundedCorners val="0"/><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>'
        f'<a:defRPr sz="1400" b="0"/></a:pPr><a:r><a:rPr lang="zh-CN" altLang="en-US"/><a:t>{_esc(title)}</a:t></a:r>'
        f'</a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/><c:ser>'
        f'<c:idx val="0"/><c:order val="0"/><c:tx><c:strRef><c:f>{sheet}!{name_ref}</c:f><c:strCache>'
        f'<c:ptCount val="1"/><c:pt idx="0"><c:v>{_esc(name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        f'<c:spPr><a:solidFill><a:schemeClr val="accent1"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
        f'<c:cat><c:strRef><c:f>{sheet}!{cat_ref}</c:f><c:strCache><c:ptCount val="{len(cats)}"/>{str_pts}'
        f'</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:f>{sheet}!{val_ref}</c:f><c:numCache>'
        f'<c:formatCode>#,##0</c:formatCode><c:ptCount val="{len(vals)}"/>{num_pts}</c:numCache></c:numRef></c:val>'
        f'</c:ser><c:gapWidth val="182"/><c:axId val="500000001"/><c:axId val="500000002"/></c:barChart>'
        f'<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{txpr}<c:crossAx val="500000002"/>'
        f'<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>'
        f'<c:noMultiLvlLbl val="0"/></c:catAx><c:valAx><c:axId val="500000002"/><c:scaling>'
        f'<c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:majorGridlines/>'
        f'<c:numFmt formatCode="#,##0" sourceLinked="1"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/>{txpr}<c:crossAx val="500000001"/><c:crosses val="autoZero"/>'
        f'<c:crossBetween val="between"/></c:valAx></c:plotArea><c:legend><c:legendPos val="b"/>'
        f'<c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:printSettings><c:headerFooter/><c:pageMargins b="0.75" l="0.7" r="0.7" t="0.75" header="0.3" '
        f'footer="0.3"/><c:pageSetup/></c:printSettings></c:chartSpace>').encode()


NOTE_RPR = '<rPr><sz val="9"/><color indexed="81"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr>'
NOTE_RPR_B = '<rPr><b/><sz val="9"/><color indexed="81"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr>'


def comments_xml(notes: list[tuple[str, str]]) -> bytes:
    """A comments part by AUTHOR, each note as Excel writes it: bold 'author:' run, then the text."""
    body = "".join(
        f'<comment ref="{ref}" authorId="0" shapeId="0"><text><r>{NOTE_RPR_B}<t>{AUTHOR}:</t></r>'
        f'<r>{NOTE_RPR}<t xml:space="preserve">\n{_esc(text)}</t></r></text></comment>' for ref, text in notes)
    return DECL + (f'<comments xmlns="{MAIN}"><authors><author>{AUTHOR}</author></authors>'
                   f'<commentList>{body}</commentList></comments>').encode()


def vml_xml(refs: list[str], idmap: int) -> bytes:
    """The legacy VML drawing that positions the note boxes (one hidden shape per note)."""
    shapes = []
    for i, ref in enumerate(refs):
        row, col = split_ref(ref)
        r0, c0 = row - 1, col - 1
        anchor = f"{c0 + 1}, 15, {max(r0 - 1, 0)}, 10, {c0 + 3}, 15, {max(r0 - 1, 0) + 4}, 4"
        shapes.append(
            f'<v:shape id="_x0000_s{idmap * 1024 + 1 + i}" type="#_x0000_t202" style=\'position:absolute;\r\n'
            f' margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.25pt;z-index:{i + 1};\r\n'
            f' visibility:hidden\' fillcolor="#ffffe1" o:insetmode="auto">\r\n'
            f' <v:fill color2="#ffffe1"/>\r\n <v:shadow on="t" color="black" obscured="t"/>\r\n'
            f' <v:path o:connecttype="none"/>\r\n <v:textbox style=\'mso-direction-alt:auto\'>\r\n'
            f'  <div style=\'text-align:left\'></div>\r\n </v:textbox>\r\n <x:ClientData ObjectType="Note">\r\n'
            f'  <x:MoveWithCells/>\r\n  <x:SizeWithCells/>\r\n  <x:Anchor>\r\n   {anchor}</x:Anchor>\r\n'
            f'  <x:AutoFill>False</x:AutoFill>\r\n  <x:Row>{r0}</x:Row>\r\n  <x:Column>{c0}</x:Column>\r\n'
            f' </x:ClientData>\r\n</v:shape>')
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml"\r\n xmlns:o="urn:schemas-microsoft-com:office:office"\r\n'
            ' xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n <o:shapelayout v:ext="edit">\r\n'
            f'  <o:idmap v:ext="edit" data="{idmap}"/>\r\n </o:shapelayout>'
            '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"\r\n'
            '  path="m,l,21600r21600,l21600,xe">\r\n  <v:stroke joinstyle="miter"/>\r\n'
            '  <v:path gradientshapeok="t" o:connecttype="rect"/>\r\n </v:shapetype>'
            + "".join(shapes) + "</xml>").encode()


# -- discovery: which cells salesbook flags and cleans ---------------------------------------------------------------
def _registry(path: Path, sheet: str) -> list[dict[str, Any]]:
    """The rows of one of salesbook's hidden registers as dicts keyed by its header (sheet, row, column, …)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    if sheet not in wb.sheet_names:
        return []
    rows = wb.get_sheet_by_name(sheet).to_python()
    if not rows:
        return []
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r)) for r in rows[1:] if r and r[0]]


def discover(src: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Run ``salesbook flag`` and ``salesbook clean`` on scratch copies; the cells they touch."""
    from click.testing import CliRunner

    from salesbook.cli import main

    out: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for cmd, sheet, extra in (("flag", "_salesbook_flags", "keys"), ("clean", "_salesbook_undo", "rule")):
            p = Path(tmp) / f"{cmd}.xlsm"
            shutil.copy(src, p)
            res = CliRunner().invoke(main, [cmd, str(p)])
            if res.exit_code != 0:
                raise RuntimeError(f"salesbook {cmd} failed on a scratch copy: {res.output}")
            out["flagged" if cmd == "flag" else "cleaned"] = [
                {"sheet": r["sheet"], "row": int(r["row"]), "column": int(r["column"]), extra: str(r.get(extra) or "")}
                for r in _registry(p, sheet)]
    return out


# -- the decoration ------------------------------------------------------------------------------------------------
def to_shared_strings(pkg: Package, sst: SharedStrings, parts: list[str]) -> dict[str, etree._Element]:
    """Move every inline string of these sheets to the shared-strings table (``t="s"``), as Excel saves them."""
    roots = {}
    for part in parts:
        root = pkg.xml(part)
        for c in list(root.iter(q(MAIN, "c"))):
            if c.get("t") != "inlineStr":
                continue
            is_ = c.find(q(MAIN, "is"))
            if is_ is None:  # an empty inline string: Excel keeps no such cell unless it is styled
                if c.get("s") is None:
                    c.getparent().remove(c)
                else:
                    del c.attrib["t"]
                continue
            if len(is_) == 1 and is_[0].tag == q(MAIN, "t"):
                idx = sst.add(is_[0].text or "")
            else:
                si = etree.Element(q(MAIN, "si"))
                si[:] = list(is_)
                idx = sst.add_si(si)
            set_string(c, idx)
        roots[part] = root
    return roots


def _header(root: etree._Element, sst_texts: list[str], row: int = 1) -> dict[str, int]:
    out = {}
    for c in root.iter(q(MAIN, "c")):
        r, col = split_ref(c.get("r"))
        if r == row:
            v = cell_text(c, sst_texts)
            if isinstance(v, str):
                out.setdefault(v, col)
        elif r > row:
            break
    return out


def _values(root: etree._Element, sst_texts: list[str]) -> dict[tuple[int, int], Any]:
    out = {}
    for c in root.iter(q(MAIN, "c")):
        out[split_ref(c.get("r"))] = cell_text(c, sst_texts)
    return out


def _sst_texts(sst: SharedStrings) -> list[str]:
    return [si_text(si) for si in sst.root.iter(q(MAIN, "si"))]


def decorate(src: str | Path, dst: str | Path, *, flagged: list[dict] | None = None,
             cleaned: list[dict] | None = None) -> dict[str, Any]:
    """Write ``dst``: a copy of ``src`` with the decorations listed in the module docstring; return where they are."""
    src, dst = Path(src), Path(dst)
    if flagged is None or cleaned is None:
        found = discover(src)
        flagged = found["flagged"] if flagged is None else flagged
        cleaned = found["cleaned"] if cleaned is None else cleaned
    pkg = Package(src)
    sheets = sheet_parts(pkg)
    for name in (ORDERS, TARGETS, CUSTOMERS, SETTINGS, PLAYBOOK):
        if name not in sheets:
            raise ValueError(f"{src}: no sheet {name}")
    wb_part = pkg.workbook_part
    sst = SharedStrings(pkg)
    styles = Styles(pkg)
    inputs = [n for n in INPUT_SHEETS if n in sheets]
    roots = to_shared_strings(pkg, sst, [sheets[n]["part"] for n in inputs])
    texts = _sst_texts(sst)
    info: dict[str, Any] = {"source": str(src), "sheets": {n: sheets[n]["part"] for n in sheets},
                            "flagged": flagged, "cleaned": cleaned, "parts_added": []}
    added = info["parts_added"]

    flagged_at = {(f["sheet"], f["row"], f["column"]): f for f in flagged}
    cleaned_at = {(c["sheet"], c["row"], c["column"]): c for c in cleaned}
    busy_rows = {(s, r) for s, r, _ in flagged_at} | {(s, r) for s, r, _ in cleaned_at}

    # ---- 订单明细 -----------------------------------------------------------------------------------------------
    o_part = sheets[ORDERS]["part"]
    o_root = with_namespaces(roots[o_part], {"r": R, "mc": MC, "x14ac": X14AC})
    o_data = o_root.find(q(MAIN, "sheetData"))
    hdr = _header(o_root, texts)
    c_amount, c_cost, c_name, c_id = hdr["金额"], hdr["成本"], hdr["客户名称"], hdr["订单编号"]
    vals = _values(o_root, texts)
    last_row = max(r for (r, c), v in vals.items() if c == c_id and v not in (None, "") and r > 1)
    amount_letter, cost_letter = col_letter(c_amount), col_letter(c_cost)
    # (a) formulas with saved results on ~50 amount cells
    formulas = {}
    for r in range(10, last_row + 1):
        if len(formulas) >= 50:
            break
        v = vals.get((r, c_amount))
        if not isinstance(v, float) or (ORDERS, r) in busy_rows:
            continue
        text = num_text(v)
        if "e" in text or ("." in text and len(text.split(".")[1]) > 2):
            continue
        cell = get_cell(o_data, ref_of(r, c_amount))
        set_formula(cell, f"ROUND({text},2)", text)
        formulas[ref_of(r, c_amount)] = {"f": f"ROUND({text},2)", "v": text}
    info["formulas"] = {"sheet": ORDERS, "part": o_part, "cells": formulas}
    # (b) a formula column to the right: 毛利 = 金额 - 成本, with saved results
    free_col = max(hdr[h] for h in ("订单编号", "下单日期", "客户编号", "客户名称", "金额", "订单状态", "成本")) + 1
    while vals.get((1, free_col)) not in (None, ""):
        free_col += 1
    m_letter = col_letter(free_col)
    set_string(get_cell(o_data, ref_of(1, free_col)), sst.add("毛利"))
    hdr_style = next((c.get("s") for c in o_data.iter(q(MAIN, "c")) if c.get("r") == ref_of(1, c_amount)), None)
    if hdr_style:
        get_cell(o_data, ref_of(1, free_col)).set("s", hdr_style)
    margin = {}
    for r in range(2, last_row + 1):
        a, k = vals.get((r, c_amount)), vals.get((r, c_cost))
        f = f'IF(ISNUMBER({amount_letter}{r}),{amount_letter}{r}-{cost_letter}{r},"")'
        cell = get_cell(o_data, ref_of(r, free_col))
        if isinstance(a, float) and (k is None or isinstance(k, float)):
            v = num_text(a - (k or 0.0))
            set_formula(cell, f, v)
        else:
            v = ""
            set_formula(cell, f, "", t="str")
        margin[ref_of(r, free_col)] = {"f": f, "v": v}
    info["formula_column"] = {"sheet": ORDERS, "column": m_letter, "header": "毛利", "cells": margin}
    # (c) fills on flagged cells: theme colour, lightGray pattern, gradient
    o_flagged = sorted((f for f in flagged if f["sheet"] == ORDERS),
                       key=lambda f: (f["column"] != c_amount, f["row"]))
    o_flagged = [f for f in o_flagged if ref_of(f["row"], f["column"]) not in formulas]
    if len(o_flagged) < 3:
        raise ValueError(f"need 3 flagged cells on {ORDERS}, salesbook flags {len(o_flagged)}")
    fill_defs = [
        ("theme", '<fill xmlns="%s"><patternFill patternType="solid"><fgColor theme="5" tint="0.59999389629810485"/>'
                  '<bgColor indexed="64"/></patternFill></fill>'),
        ("pattern", '<fill xmlns="%s"><patternFill patternType="lightGray"><fgColor rgb="FF7030A0"/>'
                    '<bgColor rgb="FFFFFF00"/></patternFill></fill>'),
        ("gradient", '<fill xmlns="%s"><gradientFill degree="90"><stop position="0"><color theme="0"/></stop>'
                     '<stop position="1"><color theme="4"/></stop></gradientFill></fill>'),
    ]
    fills = []
    for (kind, xml), f in zip(fill_defs, o_flagged[:3]):
        fill_id = styles.fill(xml % MAIN)
        ref = ref_of(f["row"], f["column"])
        cell = get_cell(o_data, ref)
        base = cell.get("s")
        xf = styles.xf_like(int(base or 0), fillId=str(fill_id), applyFill="1")  # as Excel: the cell's format + fill
        cell.set("s", str(xf))
        fills.append({"sheet": ORDERS, "cell": ref, "kind": kind, "fillId": fill_id, "xf": xf, "was_s": base,
                      "keys": f["keys"]})
    info["fills"] = fills
    # (d) a quote-prefixed customer name with trailing spaces, on a row Clean does not touch otherwise
    qp_xf = styles.quote_prefix_xf()
    qp_text = "'t Hooft Trading  "
    qp_row = next(r for r in range(last_row // 2, last_row + 1)
                  if (ORDERS, r) not in busy_rows and isinstance(vals.get((r, c_amount)), float)
                  and isinstance(vals.get((r, c_name)), str) and vals[(r, c_name)] == vals[(r, c_name)].strip())
    qp_cell = get_cell(o_data, ref_of(qp_row, c_name))
    set_string(qp_cell, sst.add(qp_text))
    qp_cell.set("s", str(qp_xf))
    info["quote_prefix"] = {"sheet": ORDERS, "cell": ref_of(qp_row, c_name), "text": qp_text, "xf": qp_xf,
                            "cleaned": qp_text.strip()}
    # (e) conditional formatting: a colour scale on 金额, a cellIs rule (with a dxf) on 成本
    dxf = styles.dxf(f'<dxf xmlns="{MAIN}"><font><color rgb="FF9C0006"/></font><fill><patternFill>'
                     f'<bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>')
    amount_rng, cost_rng = f"{amount_letter}2:{amount_letter}{last_row}", f"{cost_letter}2:{cost_letter}{last_row}"
    insert_ordered(o_root, _frag(
        f'<conditionalFormatting sqref="{amount_rng}"><cfRule type="colorScale" priority="2"><colorScale>'
        f'<cfvo type="min"/><cfvo type="percentile" val="50"/><cfvo type="max"/><color rgb="FFF8696B"/>'
        f'<color rgb="FFFFEB84"/><color rgb="FF63BE7B"/></colorScale></cfRule></conditionalFormatting>'),
        WORKSHEET_ORDER)
    insert_ordered(o_root, _frag(
        f'<conditionalFormatting sqref="{cost_rng}"><cfRule type="cellIs" dxfId="{dxf}" priority="1" '
        f'operator="greaterThan"><formula>100000</formula></cfRule></conditionalFormatting>'), WORKSHEET_ORDER)
    info["conditional_formats"] = [{"sheet": ORDERS, "sqref": amount_rng, "type": "colorScale"},
                                   {"sheet": ORDERS, "sqref": cost_rng, "type": "cellIs", "dxfId": dxf}]
    # (f) an Excel Table over the data
    table_part = pkg.free("xl/tables/table{}.xml")
    table_ref = f"A1:{m_letter}{last_row}"
    hdr2 = _header(o_root, _sst_texts(sst))
    names = {c: h for h, c in hdr2.items()}
    cols = "".join(f'<tableColumn id="{i}" name="{_esc(names[i])}"/>' for i in range(1, free_col + 1))
    table_id = 1 + sum(1 for n in pkg.names if n.startswith("xl/tables/"))
    pkg.write(table_part, DECL + (
        f'<table xmlns="{MAIN}" id="{table_id}" name="表{table_id}" displayName="表{table_id}" ref="{table_ref}" '
        f'totalsRowShown="0"><autoFilter ref="{table_ref}"/><tableColumns count="{free_col}">{cols}</tableColumns>'
        f'<tableStyleInfo name="TableStyleLight9" showFirstColumn="0" showLastColumn="0" showRowStripes="1" '
        f'showColumnStripes="0"/></table>').encode())
    pkg.add_override(table_part, CTYPE["table"])
    rid = pkg.add_rel(o_part, REL["table"], table_part)
    insert_ordered(o_root, _frag(f'<tableParts count="1"><tablePart r:id="{rid}"/></tableParts>', r=R),
                   WORKSHEET_ORDER)
    added.append(table_part)
    info["table"] = {"sheet": ORDERS, "part": table_part, "ref": table_ref, "name": f"表{table_id}"}

    # ---- 客户档案 -----------------------------------------------------------------------------------------------
    k_part = sheets[CUSTOMERS]["part"]
    k_root = with_namespaces(roots[k_part], {"r": R, "mc": MC, "x14ac": X14AC})
    k_data = k_root.find(q(MAIN, "sheetData"))
    k_hdr = _header(k_root, _sst_texts(sst))
    k_vals = _values(k_root, _sst_texts(sst))
    k_last = max(r for (r, c), v in k_vals.items() if c == 1 and v not in (None, ""))
    # rich text in 画像标签
    tag_col = k_hdr.get("画像标签", 14)
    rich_row = next(r for r in range(3, k_last + 1) if (CUSTOMERS, r) not in busy_rows)
    si = _frag('<si><r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="宋体"/><family val="3"/>'
               '<charset val="134"/><scheme val="minor"/></rPr><t>重点客户</t></r><r><rPr><sz val="11"/>'
               '<color theme="1"/><rFont val="宋体"/><family val="3"/><charset val="134"/><scheme val="minor"/></rPr>'
               '<t xml:space="preserve">：年底续约，报价需 </t></r><r><rPr><i/><u/><sz val="11"/><color rgb="FF0070C0"/>'
               '<rFont val="宋体"/><family val="3"/><charset val="134"/><scheme val="minor"/></rPr>'
               '<t>经理审批</t></r></si>')
    rich_idx = sst.add_si(si)
    set_string(get_cell(k_data, ref_of(rich_row, tag_col)), rich_idx)
    info["rich_text"] = {"sheet": CUSTOMERS, "cell": ref_of(rich_row, tag_col), "sst_index": rich_idx,
                         "text": si_text(si), "runs": 3}
    # drawing: a picture and a text box
    media = pkg.free("xl/media/image{}.png")
    pkg.write(media, png())
    pkg.add_default("png", CTYPE["png"])
    k_drawing = pkg.free("xl/drawings/drawing{}.xml")
    pkg.write(k_drawing, b"")  # reserve the name; content written below
    img_rid = pkg.add_rel(k_drawing, REL["image"], media)
    right = max(c for (_, c) in k_vals) + 2
    pkg.write(k_drawing, drawing_xml([picture_anchor(2, img_rid, right, 1),
                                      textbox_anchor(3, right, 5, "王经理：沉默客户本周内电话回访，VIP 客户由我陪访")]))
    pkg.add_override(k_drawing, CTYPE["drawing"])
    rid = pkg.add_rel(k_part, REL["drawing"], k_drawing)
    insert_ordered(k_root, _frag(f'<drawing r:id="{rid}"/>', r=R), WORKSHEET_ORDER)
    added += [media, k_drawing, rels_name(k_drawing)]
    info["picture"] = {"sheet": CUSTOMERS, "drawing": k_drawing, "media": media, "shape": "图片 1"}
    info["textbox"] = {"sheet": CUSTOMERS, "drawing": k_drawing, "shape": "文本框 2",
                       "text": "王经理：沉默客户本周内电话回访，VIP 客户由我陪访"}
    # dropdowns: cross-sheet list as Excel 2010+ writes it (x14 ext), and a classic one whose list is a defined name
    tier_list = f"{PLAYBOOK}!$B$2:$B$5"
    dv_rng = f"{col_letter(tag_col)}2:{col_letter(tag_col)}{k_last}"
    named_rng = f"{col_letter(right - 1)}2:{col_letter(right - 1)}{k_last}"
    dvs = k_root.find(q(MAIN, "dataValidations"))
    if dvs is None:
        dvs = insert_ordered(k_root, _frag('<dataValidations count="0"/>'), WORKSHEET_ORDER)
    dvs.append(_frag(f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
                     f'sqref="{named_rng}"><formula1>客户层级列表</formula1></dataValidation>'))
    dvs.set("count", str(len(dvs)))
    x14_dv = (f'<ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}"><x14:dataValidations '
              f'count="1" xmlns:xm="{XM}"><x14:dataValidation type="list" allowBlank="1" showInputMessage="1" '
              f'showErrorMessage="1"><x14:formula1><xm:f>{tier_list}</xm:f></x14:formula1><xm:sqref>{dv_rng}'
              f'</xm:sqref></x14:dataValidation></x14:dataValidations></ext>')
    insert_ordered(k_root, _frag(f"<extLst>{x14_dv}</extLst>"), WORKSHEET_ORDER)
    info["dropdowns"] = [{"sheet": CUSTOMERS, "sqref": dv_rng, "formula": tier_list, "kind": "x14"},
                         {"sheet": CUSTOMERS, "sqref": named_rng, "formula": "客户层级列表", "kind": "main"}]

    # ---- notes by another author (comments + legacy VML) on 订单明细 and 客户档案 ---------------------------------
    k_flag = sorted((f for f in flagged if f["sheet"] == CUSTOMERS), key=lambda f: (f["row"], f["column"]))
    if not k_flag:
        raise ValueError(f"salesbook flags no cell on {CUSTOMERS}")
    o_notes = [(fills[0]["cell"], "客户确认过这笔大单，金额以合同为准"), ("A2", "首单，来自展会")]
    k_notes = [(ref_of(k_flag[0]["row"], k_flag[0]["column"]), "春节后再联系，客户在走内部流程"),
               (ref_of(2, 2), "全称以营业执照为准")]
    info["notes"] = []
    idmap = 1 + sum(1 for n in pkg.names if n.endswith(".vml"))
    for part, root, notes in ((o_part, o_root, o_notes), (k_part, k_root, k_notes)):
        comments = pkg.free("xl/comments{}.xml")
        pkg.write(comments, comments_xml(notes))
        vml = pkg.free("xl/drawings/vmlDrawing{}.vml")
        pkg.write(vml, vml_xml([r for r, _ in notes], idmap))
        idmap += 1
        pkg.add_override(comments, CTYPE["comments"])
        pkg.add_default("vml", CTYPE["vml"])
        rid_v = pkg.add_rel(part, REL["vmlDrawing"], vml)
        pkg.add_rel(part, REL["comments"], comments)
        insert_ordered(root, _frag(f'<legacyDrawing r:id="{rid_v}"/>', r=R), WORKSHEET_ORDER)
        added += [comments, vml]
        sheet = ORDERS if part == o_part else CUSTOMERS
        for ref, text in notes:
            r, c = split_ref(ref)
            info["notes"].append({"sheet": sheet, "cell": ref, "author": AUTHOR, "text": text,
                                  "flagged": (sheet, r, c) in flagged_at, "comments": comments, "vml": vml})

    # ---- 销售目标: sparklines and a user chart --------------------------------------------------------------------
    t_part = sheets[TARGETS]["part"]
    t_root = with_namespaces(roots[t_part], {"r": R, "mc": MC, "x14ac": X14AC})
    t_vals = _values(t_root, _sst_texts(sst))
    t_hdr = _header(t_root, _sst_texts(sst))
    p_col, s_col, v_col = t_hdr["周期"], t_hdr["销售负责人"], t_hdr["目标值"]
    t_last = max(r for (r, c), v in t_vals.items() if c == p_col and v not in (None, ""))
    runs: list[tuple[str, int, int]] = []
    for r in range(2, t_last + 1):
        who = t_vals.get((r, s_col))
        if runs and runs[-1][0] == who and runs[-1][2] == r - 1:
            runs[-1] = (who, runs[-1][1], r)
        else:
            runs.append((who, r, r))
    spark_col = max(c for (r, c), v in t_vals.items() if v not in (None, "")) + 1
    vl = col_letter(v_col)
    sparks = [(f"{TARGETS}!{vl}{a}:{vl}{b}", ref_of(2 + i, spark_col)) for i, (_, a, b) in enumerate(runs[:7])]
    spark_xml = "".join(f"<x14:sparkline><xm:f>{f}</xm:f><xm:sqref>{ref}</xm:sqref></x14:sparkline>"
                        for f, ref in sparks)
    insert_ordered(t_root, _frag(
        f'<extLst><ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" xmlns:x14="{X14}"><x14:sparklineGroups '
        f'xmlns:xm="{XM}"><x14:sparklineGroup displayEmptyCellsAs="gap" markers="1" high="1">'
        f'<x14:colorSeries theme="4" tint="-0.499984740745262"/><x14:colorNegative theme="5"/>'
        f'<x14:colorAxis rgb="FF000000"/><x14:colorMarkers theme="4" tint="-0.499984740745262"/>'
        f'<x14:colorFirst theme="4" tint="0.39997558519241921"/><x14:colorLast theme="4" tint="0.39997558519241921"/>'
        f'<x14:colorHigh theme="4"/><x14:colorLow theme="4"/><x14:sparklines>{spark_xml}</x14:sparklines>'
        f'</x14:sparklineGroup></x14:sparklineGroups></ext></extLst>'), WORKSHEET_ORDER)
    info["sparklines"] = {"sheet": TARGETS, "cells": [r for _, r in sparks], "sources": [f for f, _ in sparks]}
    # the chart: first salesperson's first 12 targets
    first, a, b = runs[0][0], runs[0][1], min(runs[0][2], runs[0][1] + 11)
    cats = [str(t_vals.get((r, p_col))) for r in range(a, b + 1)]
    nums = [float(t_vals.get((r, v_col)) or 0) for r in range(a, b + 1)]
    pl = col_letter(p_col)
    chart = pkg.free("xl/charts/chart{}.xml")
    pkg.write(chart, bar_chart_xml(f"{first} 月度目标", TARGETS, f"${pl}${a}:${pl}${b}", f"${vl}${a}:${vl}${b}",
                                   f"${vl}$1", "目标值", cats, nums))
    pkg.add_override(chart, CTYPE["chart"])
    t_drawing = pkg.free("xl/drawings/drawing{}.xml")
    pkg.write(t_drawing, b"")
    c_rid = pkg.add_rel(t_drawing, REL["chart"], chart)
    pkg.write(t_drawing, drawing_xml([chart_anchor(2, c_rid, spark_col + 1, 1)]))
    pkg.add_override(t_drawing, CTYPE["drawing"])
    rid = pkg.add_rel(t_part, REL["drawing"], t_drawing)
    insert_ordered(t_root, _frag(f'<drawing r:id="{rid}"/>', r=R), WORKSHEET_ORDER)
    added += [chart, t_drawing, rels_name(t_drawing)]
    info["chart"] = {"sheet": TARGETS, "part": chart, "drawing": t_drawing, "type": "barChart",
                     "refs": [f"{TARGETS}!${pl}${a}:${pl}${b}", f"{TARGETS}!${vl}${a}:${vl}${b}"]}

    # ---- calcChain for the formulas ------------------------------------------------------------------------------
    calc = posixpath.join(posixpath.dirname(wb_part), "calcChain.xml")
    o_id = sheets[ORDERS]["sheetId"]
    refs = sorted([split_ref(r) for r in list(formulas) + list(margin)])
    entries = "".join(f'<c r="{ref_of(r, c)}"{f" i={chr(34)}{o_id}{chr(34)}" if i == 0 else ""}/>'
                      for i, (r, c) in enumerate(refs))
    pkg.write(calc, DECL + f'<calcChain xmlns="{MAIN}">{entries}</calcChain>'.encode())
    pkg.add_rel(wb_part, REL["calcChain"], calc)
    pkg.add_override(calc, CTYPE["calcChain"])
    added.append(calc)
    info["calc_chain"] = calc

    # ---- workbook: defined names; custom XML -------------------------------------------------------------------
    wb = pkg.xml(wb_part)
    dn = wb.find(q(MAIN, "definedNames"))
    if dn is None:
        dn = insert_ordered(wb, etree.Element(q(MAIN, "definedNames")), WORKBOOK_ORDER)
    names = {"客户层级列表": tier_list, "订单数据": f"{ORDERS}!$A$1:${m_letter}${last_row}",
             "异常金额阈值": f"{SETTINGS}!$B$42"}
    for n, ref in names.items():
        etree.SubElement(dn, q(MAIN, "definedName"), name=n).text = ref
    pkg.put_xml(wb_part, wb)
    info["defined_names"] = names
    item = pkg.free("customXml/item{}.xml")
    props = item.replace("/item", "/itemProps")
    pkg.write(item, b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n'
                    b'<b:Sources SelectedStyle="\\APASixthEditionOfficeOnline.xsl" StyleName="APA" Version="6" '
                    b'xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" '
                    b'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"></b:Sources>\r\n')
    pkg.write(props, b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n'
                     b'<ds:datastoreItem ds:itemID="{6B2E8C1A-3D4F-4A5B-9C7D-0E1F2A3B4C5D}" '
                     b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs>'
                     b'<ds:schemaRef ds:uri="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/>'
                     b'</ds:schemaRefs></ds:datastoreItem>')
    pkg.add_rel(item, REL["customXmlProps"], props)
    pkg.add_override(props, CTYPE["customXmlProps"])
    pkg.add_rel(wb_part, REL["customXml"], item)
    added += [item, props, rels_name(item)]
    info["custom_xml"] = {"item": item, "props": props}

    # ---- write back ---------------------------------------------------------------------------------------------
    for part, root in ((o_part, o_root), (k_part, k_root), (t_part, t_root)):
        roots[part] = root
    for part, root in roots.items():
        pkg.put_xml(part, root)
    styles.save()
    info["shared_strings"] = sst.save()
    info["styles"] = {"part": styles.part, "quote_prefix_xf": qp_xf}
    for n in (o_part, k_part, t_part):
        if rels_name(n) in pkg and rels_name(n) not in added:
            added.append(rels_name(n))
    pkg.save(dst)
    return info


# -- editing cells of any sheet (for test inputs) -----------------------------------------------------------------
def edit_cells(src: str | Path, dst: str | Path, edits: dict[tuple[str, str], Any], *,
               quote_prefix: bool = True, merges: dict[str, list[str]] | None = None) -> None:
    """Set cells by (sheet, ref) — text goes to the shared strings, numbers to ``<v>``, None clears — by editing
    the parts, as Excel stores typed values. Text starting with ``= + - @`` gets a quote-prefix style (that is
    how a user types it in Excel: ``'=SUM(…)``). ``merges`` adds merged ranges ({sheet: ["I121:I122"]}).
    Every other member stays byte-identical."""
    pkg = Package(src)
    sheets = sheet_parts(pkg)
    sst = SharedStrings(pkg)
    styles = Styles(pkg)
    qp = None
    by_part: dict[str, etree._Element] = {}
    for (sheet, ref), value in edits.items():
        part = sheets[sheet]["part"]
        root = by_part.setdefault(part, pkg.xml(part))
        cell = get_cell(root.find(q(MAIN, "sheetData")), ref)
        if value is None:
            clear_value(cell)
        elif isinstance(value, str):
            set_string(cell, sst.add(value))
            if quote_prefix and value[:1] in ("=", "+", "-", "@"):
                qp = styles.quote_prefix_xf() if qp is None else qp
                cell.set("s", str(qp))
        else:
            clear_value(cell)
            etree.SubElement(cell, q(MAIN, "v")).text = num_text(float(value))
    for sheet, refs in (merges or {}).items():
        part = sheets[sheet]["part"]
        root = by_part.setdefault(part, pkg.xml(part))
        mc = root.find(q(MAIN, "mergeCells"))
        if mc is None:
            mc = insert_ordered(root, etree.Element(q(MAIN, "mergeCells"), count="0"), WORKSHEET_ORDER)
        for ref in refs:
            etree.SubElement(mc, q(MAIN, "mergeCell"), ref=ref)
        mc.set("count", str(len(mc)))
    for part, root in by_part.items():
        pkg.put_xml(part, root)
    if qp is not None:
        styles.save()
    sst.save()
    pkg.save(dst)


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    info = decorate(argv[0], argv[1])
    print(json.dumps(info, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(sys.argv[1:])
