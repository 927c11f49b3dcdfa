"""XML helpers for the part-level engine: a parser that never fetches or expands, escaping, A1 refs.

Every part we parse comes from a file a user gave us, so the parser resolves no entities,
loads no DTD and reaches no network (no XXE, no billion laughs), and refuses huge trees.
"""

from __future__ import annotations

import re

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=False)


def parse(data: bytes) -> etree._Element:
    """Parse a part; a DTD or entity declaration is refused (no real Office part has one)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValueError("XML part declares a DTD or entities")
    return etree.fromstring(data, _PARSER)


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_X = re.compile("_(x[0-9A-Fa-f]{4}_)")


def escape_text(s: str) -> str:
    """Text for an element: XML-escaped; characters XML cannot hold become Excel's _xHHHH_ form."""
    if "_x" in s:
        s = _ESCAPED_X.sub(r"_x005F_\1", s)  # a literal "_x0041_" must not be decoded by Excel
    if _ILLEGAL.search(s):
        s = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(s: str) -> str:
    """Text escaped for an XML attribute value in double quotes."""
    return escape_text(s).replace('"', "&quot;")


_UNESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def unescape_excel(s: str) -> str:
    """Excel's _xHHHH_ escapes back to characters."""
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


def col_letter(c: int) -> str:
    """A 1-based column number as letters (1 → 'A', 28 → 'AB')."""
    out = ""
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


_LETTERS = {col_letter(i): i for i in range(1, 16385)}


def col_index(letters: str) -> int:
    """Column letters as a 1-based number ('AB' → 28); case-insensitive."""
    return _LETTERS[letters.upper()]


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)$")


def split_ref(ref: str) -> tuple[int, int]:
    """'B7' -> (7, 2)."""
    m = _REF.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_index(m.group(1))


def ref(row: int, col: int) -> str:
    """A cell reference from row and column numbers ((7, 2) → 'B7')."""
    return f"{col_letter(col)}{row}"


def local(tag: str) -> str:
    """An element's tag without its namespace ('{ns}row' → 'row')."""
    return tag.rsplit("}", 1)[-1]
