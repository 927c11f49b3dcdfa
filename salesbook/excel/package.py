"""An ``.xlsx``/``.xlsm`` file as a zip of parts: read lazily, edit a few, copy the rest byte for byte.

The whole file is held in memory (so saving over it works on every OS), parts are read on
demand, and saving writes every part nobody changed as the very same compressed bytes
(a raw copy: no decompress, no recompress). Relationship and content-type edits are
splices — an added ``<Relationship>`` or ``<Override>`` is inserted before the closing
tag and later removed exactly, so a part we edit and un-edit comes back byte for byte.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile

from . import guard
from .xmlsafe import escape_attr

CT_PART = "[Content_Types].xml"
RT_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
RT_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RT_VML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
RT_SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?/>|<(?:\w+:)?Relationship\b[^>]*>.*?</(?:\w+:)?Relationship>",
                     re.S)
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def attrs(tag: bytes) -> dict[str, str]:
    """Attributes of one start tag (entity-decoded for the few XML escapes)."""
    return {k.decode(): _unescape(v.decode("utf-8")) for k, v in _ATTR.findall(tag)}


def _unescape(s: str) -> str:
    if "&" not in s:
        return s
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def rels_path(part: str) -> str:
    """The relationships part of ``part`` ('xl/workbook.xml' → 'xl/_rels/workbook.xml.rels')."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(base_part: str, target: str) -> str:
    """A relationship target as a part name, relative to the part that holds the relationship."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target)).lstrip("/")


def relative(base_part: str, part: str) -> str:
    """The target to write in ``base_part``'s relationships for ``part`` (the inverse of :func:`resolve`)."""
    return posixpath.relpath(part, posixpath.dirname(base_part))


class Package:
    """The parts of one workbook file."""

    def __init__(self, data: bytes, path: str = "") -> None:
        self.data = data
        self.path = path
        guard.check_zip_bytes(data, path)  # before zipfile builds an object per directory entry
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise ValueError(f"not a zip package: {e}") from e
        guard.check_package(self.zip, path)
        self.infos = {i.filename: i for i in self.zip.infolist()}
        self.order = [i.filename for i in self.zip.infolist()]
        self.changed: dict[str, bytes] = {}
        self.deleted: set[str] = set()

    # -- parts ------------------------------------------------------------------------
    def exists(self, name: str) -> bool:
        return name not in self.deleted and (name in self.changed or name in self.infos)

    def read(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        if name in self.deleted or name not in self.infos:
            raise KeyError(name)
        return guard.bounded_read(self.zip, name, path=self.path)

    def write(self, name: str, data: bytes) -> None:
        info = self.infos.get(name)
        if info is not None and name not in self.deleted and name not in self.changed \
                and info.file_size == len(data) and self.zip.read(name) == data:
            return  # unchanged: keep the raw copy (inflated to compare only when the sizes agree)
        self.changed[name] = data
        self.deleted.discard(name)

    def delete(self, name: str) -> None:
        self.changed.pop(name, None)
        if name in self.infos:
            self.deleted.add(name)

    def names(self) -> list[str]:
        out = [n for n in self.order if n not in self.deleted]
        return out + [n for n in self.changed if n not in self.infos]

    def unused(self, pattern: str) -> str:
        """The first free name for a pattern like 'xl/worksheets/sheet{}.xml'."""
        existing = set(self.names())
        i = 1
        while pattern.format(i) in existing:
            i += 1
        return pattern.format(i)

    # -- relationships ----------------------------------------------------------------
    def rels(self, part: str) -> list[dict[str, str]]:
        """Relationships of a part: Id, Type, Target (resolved to a part name in 'part')."""
        name = rels_path(part) if part else "_rels/.rels"
        if not self.exists(name):
            return []
        out = []
        for m in _REL_RE.finditer(self.read(name)):
            a = attrs(m.group().split(b">", 1)[0])
            if a.get("TargetMode") != "External":
                a["part"] = resolve(part or "/", a.get("Target", ""))
            out.append(a)
        return out

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        name = rels_path(part)
        data = self.read(name) if self.exists(name) else \
            XML_DECL + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' \
            b"</Relationships>"
        ids = set(re.findall(rb'\bId="([^"]*)"', data))
        i = 1
        while b"rId%d" % i in ids:
            i += 1
        rid = f"rId{i}"
        el = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{escape_attr(relative(part, target_part))}"/>'
        close = data.rindex(b"</")
        self.write(name, data[:close] + el.encode() + data[close:])
        return rid

    def remove_rel(self, part: str, rid: str) -> None:
        name = rels_path(part)
        if not self.exists(name):
            return
        data = self.read(name)
        for m in _REL_RE.finditer(data):
            if attrs(m.group().split(b">", 1)[0]).get("Id") == rid:
                data = data[:m.start()] + data[m.end():]
                break
        if not _REL_RE.search(data):
            self.delete(name)  # nothing left: an empty rels part is noise
        else:
            self.write(name, data)

    # -- content types ----------------------------------------------------------------
    def content_override(self, part: str, content_type: str | None) -> None:
        """Set (or with None remove) the Override for a part."""
        data = self.read(CT_PART)
        pattern = re.compile(rb'<(?:\w+:)?Override\b[^>]*PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>')
        m = pattern.search(data)
        if content_type is None:
            if m:
                self.write(CT_PART, data[:m.start()] + data[m.end():])
            return
        el = f'<Override PartName="/{escape_attr(part)}" ContentType="{content_type}"/>'.encode()
        if m:
            if m.group() != el and content_type.encode() not in m.group():
                self.write(CT_PART, data[:m.start()] + el + data[m.end():])
            return
        close = data.rindex(b"</")
        self.write(CT_PART, data[:close] + el + data[close:])

    def content_default(self, extension: str, content_type: str | None) -> None:
        data = self.read(CT_PART)
        pattern = re.compile(rb'<(?:\w+:)?Default\b[^>]*Extension="' + re.escape(extension.encode()) + rb'"[^>]*/>',
                             re.I)
        m = pattern.search(data)
        if content_type is None:
            if m:
                self.write(CT_PART, data[:m.start()] + data[m.end():])
            return
        if m:
            return
        el = f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode()
        first = re.search(rb"<(?:\w+:)?(?:Default|Override)\b", data)
        at = first.start() if first else data.rindex(b"</")
        self.write(CT_PART, data[:at] + el + data[at:])

    # -- saving -----------------------------------------------------------------------
    def save(self, fh) -> None:
        """Write the package to a binary file: untouched parts as raw compressed bytes."""
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for name in self.order:
                if name in self.deleted:
                    continue
                if name in self.changed:
                    _write(out, name, self.changed[name], self.infos[name])
                else:
                    _copy_raw(self.data, self.infos[name], out)
            for name, data in self.changed.items():
                if name not in self.infos:
                    _write(out, name, data, None)


def _write(out: zipfile.ZipFile, name: str, data: bytes, like: zipfile.ZipInfo | None) -> None:
    info = zipfile.ZipInfo(name, like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr if like else 0o600 << 16
    out.writestr(info, data, compresslevel=6 if len(data) < 4_000_000 else 1)  # big sheets: speed over bytes


def _copy_raw(data: bytes, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Append a member to ``out`` as the same compressed bytes (no inflate/deflate)."""
    offset = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[offset + 26:offset + 30])
    start = offset + 30 + name_len + extra_len
    raw = data[start:start + info.compress_size]
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type = info.compress_type
    new.CRC = info.CRC
    new.compress_size = info.compress_size
    new.file_size = info.file_size
    new.flag_bits = info.flag_bits & ~0x08  # sizes go in the local header, no data descriptor
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    new.extra = b""
    zip64 = info.file_size > 0xFFFFFFFF or info.compress_size > 0xFFFFFFFF
    out.fp.seek(out.start_dir)
    new.header_offset = out.fp.tell()
    out.fp.write(new.FileHeader(zip64))
    out.fp.write(raw)
    out.start_dir = out.fp.tell()
    out.filelist.append(new)
    out.NameToInfo[new.filename] = new
    out._didModify = True  # noqa: SLF001 - so close() writes the central directory

