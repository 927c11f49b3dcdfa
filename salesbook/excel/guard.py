"""Bounded resources for hostile packages: refuse what no real workbook is, before anything is inflated.

A workbook is a zip of parts. A hostile one can declare or contain parts that expand to gigabytes
(a *zip bomb*), thousands of members, the same member twice (different readers then see different
files), or sizes that lie. The engine calls :func:`check_package` right after opening the zip and
before reading any part, and reads parts with :func:`bounded_read`; both raise a bilingual
:class:`~salesbook.errors.WorkbookError` (exit code 2, the file untouched).

Declared sizes are enough to bound every reader we use: Python's ``zipfile`` stops at the declared
size (and then fails the CRC), and calamine's Rust ``zip`` crate stops with "File is larger than
its declared uncompressed size" — measured on a part declared as 40 MB that inflates to 2 GB.
So once the declared sizes pass, no reader inflates more than they say.

:func:`sheet_extent` answers a different question, for calamine: python-calamine 0.9 turns a
sheet into a *dense* grid (32 bytes a cell) inside ``get_sheet_by_name``, so one stray value at
XFD1048576 next to A1 asks for 16,384 × 1,048,576 cells = 550 GB and the process *aborts*
(SIGABRT from Rust's allocator, exit 134 — no Python exception to catch). Before handing a sheet
to calamine, ask :func:`sheet_extent` and read the sheet another (sparse) way when
:attr:`SheetExtent.sparse` says so.

The limits, with the numbers behind them (real = what salesbook's own writer and Excel produce):

* A 1,000,000-order 订单明细 sheet is 300–750 MB of XML (openpyxl's writer: 623 MB for 10
  columns; salesbook's writers: 630–750 bytes a row for 14 columns, as CJK text is written as
  ``&#NNNNN;``), compressed 8–15:1 (measured 11.4:1, 10.1:1 and 8.9:1). Excel's own ceiling of
  1,048,576 rows at that width is ~790 MB. → :data:`MAX_PART_BYTES` = 1 GB a part,
  :data:`MAX_TOTAL_BYTES` = 2 GB for all parts together.
* Real XML parts compress 3–17:1; the most repetitive realistic sheet measured (a million empty,
  styled rows) 30:1. Deflate cannot exceed ~1032:1; a bomb needs 100:1 or more to be a bomb
  (a 3 MB file expanding to 300 MB+). → :data:`MAX_RATIO` = 100:1, checked for XML parts over
  :data:`RATIO_MIN_BYTES` = 1 MB (a tiny part with a high ratio costs nothing; binary parts —
  images, vbaProject.bin — are copied raw, never inflated by the parsers, and still count towards
  the size limits).
* Shared strings: an Excel-saved 1,000,000-order book with unique order numbers (~28 MB) and a
  unique free-text remark in every row (~75 MB) has a ~110 MB sharedStrings.xml. calamine reads
  a 200 MB table (2.7 million strings) in 1.5 s at 280 MB RSS, but an lxml tree of the same
  part takes 1.4 GB. → :data:`MAX_SHARED_STRINGS_BYTES` = 160 MB.
* Members: a workbook has ~5 parts per sheet plus charts, drawings and media; 255 sheets with a
  chart each is ~2,000. → :data:`MAX_MEMBERS` = 10,000, checked from the end-of-central-directory
  record too (:func:`check_zip_bytes`) so a central directory of millions of entries is refused
  before ``zipfile.ZipFile`` builds an object for each.
"""

from __future__ import annotations

import copy
import io
import os
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import WorkbookError

MAX_PART_BYTES = 1_000_000_000
MAX_TOTAL_BYTES = 2_000_000_000
MAX_SHARED_STRINGS_BYTES = 160_000_000
MAX_RATIO = 100
RATIO_MIN_BYTES = 1_000_000
MAX_MEMBERS = 10_000
SHARED_STRINGS = "xl/sharedStrings.xml"

_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _mb(n: int) -> str:
    """A size for a message: '2,000 MB', '6.8 MB', '0.2 MB'."""
    return f"{n / 1e6:,.0f} MB" if n >= 10e6 else f"{n / 1e6:.1f} MB"


def limit_for(name: str) -> int:
    """The most a part may expand to."""
    return MAX_SHARED_STRINGS_BYTES if name.lower() == SHARED_STRINGS.lower() else MAX_PART_BYTES


def is_xml(name: str) -> bool:
    """Whether a part is XML by its name (.xml, .rels, .vml); such parts get the size-ratio check."""
    return name.lower().endswith(_XML_SUFFIXES)


def check_zip_bytes(data: bytes | bytearray | memoryview, path: str = "") -> None:
    """Refuse a package whose end-of-central-directory record announces too many members.

    Cheap (reads the last 64 KB) and meant to run *before* ``zipfile.ZipFile(...)``, which builds one
    ``ZipInfo`` per central-directory entry. Anything that is not a readable zip passes: the zip
    reader reports it with its own error.
    """
    try:
        end = zipfile._EndRecData(io.BytesIO(data))  # noqa: SLF001 - the stdlib's own EOCD/zip64 reader
    except (OSError, struct.error, ValueError):
        return
    if end:
        count = end[zipfile._ECD_ENTRIES_TOTAL]  # noqa: SLF001
        if count > MAX_MEMBERS:
            raise WorkbookError("too_many_parts", path=str(path), count=f"{count:,}", limit=f"{MAX_MEMBERS:,}")


def check_package(zf: zipfile.ZipFile, path: str | os.PathLike[str] = "") -> None:
    """Refuse, before anything is read, a package no real workbook could be.

    Raises :class:`WorkbookError` for: more than :data:`MAX_MEMBERS` members; a member name twice;
    an encrypted member; a part declared larger than its limit (:func:`limit_for`); parts declared
    larger than :data:`MAX_TOTAL_BYTES` together; an XML part over :data:`RATIO_MIN_BYTES` whose
    declared size is more than :data:`MAX_RATIO` times its compressed size.
    """
    path = str(path)
    zf.salesbook_path = path  # so bounded_read names the file in its messages too
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise WorkbookError("too_many_parts", path=path, count=f"{len(infos):,}", limit=f"{MAX_MEMBERS:,}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        key = name.lower()  # Office part names are case-insensitive: 'xl/A.xml' and 'xl/a.xml' are one part
        if key in seen:
            raise WorkbookError("duplicate_part", path=path, part=name)
        seen.add(key)
        if info.flag_bits & 0x1:
            raise WorkbookError("encrypted_part", path=path, part=name)
        size = info.file_size
        limit = limit_for(name)
        if size > limit:
            raise WorkbookError("too_large", path=path, part=name, size=_mb(size), limit=_mb(limit))
        if is_xml(name) and size > RATIO_MIN_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookError("zip_bomb", path=path, part=name, size=_mb(size), packed=_mb(info.compress_size),
                                ratio=f"{size / max(info.compress_size, 1):,.0f}", limit=str(MAX_RATIO))
        total += size
        if total > MAX_TOTAL_BYTES:
            raise WorkbookError("too_large_total", path=path, size=f"> {_mb(MAX_TOTAL_BYTES)}",
                                limit=_mb(MAX_TOTAL_BYTES))


def _open_probe(zf: zipfile.ZipFile, name: str, limit: int | None, path: str):
    """(opened member, declared size, path) — the member opened to yield one byte past its declared size."""
    path = path or getattr(zf, "salesbook_path", "") or str(zf.filename or "")
    info = zf.getinfo(name)
    limit = limit_for(name) if limit is None else limit
    if info.file_size > limit:
        raise WorkbookError("too_large", path=path, part=name, size=_mb(info.file_size), limit=_mb(limit))
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1  # zipfile stops at the declared size; let it hand us one byte more
    return zf.open(probe), info.file_size, path


def bounded_read(zf: zipfile.ZipFile, name: str, limit: int | None = None, *, path: str = "") -> bytes:
    """The bytes of one member, never more than its declared size nor ``limit`` (default :func:`limit_for`).

    Declared sizes can lie. ``zipfile`` would silently stop at the declared size (and then fail the
    CRC); here the member is inflated one byte past its declared size, and if that byte exists the
    part is refused (``size_mismatch``) instead of being read truncated or in full.
    """
    f, declared, path = _open_probe(zf, name, limit, path)
    with f:
        data = f.read(declared)  # a CRC error here is a damaged part: zipfile's own BadZipFile
        try:
            extra = f.read(1)
        except zipfile.BadZipFile:  # one byte past the declared size, so the CRC of what was read fails
            extra = b"?"
    if extra or len(data) > declared:
        raise WorkbookError("size_mismatch", path=path, part=name, declared=_mb(declared))
    return data


def iter_member(zf: zipfile.ZipFile, name: str, limit: int | None = None, *, path: str = "",
                chunk: int = 8 << 20) -> Iterator[bytes]:
    """The bytes of one member in chunks of at most ``chunk`` bytes, with :func:`bounded_read`'s checks."""
    f, declared, path = _open_probe(zf, name, limit, path)
    seen = 0
    with f:
        while seen < declared:
            data = f.read(min(chunk, declared - seen))
            if not data:  # shorter than declared: harmless (zipfile checked the CRC at the end)
                return
            seen += len(data)
            yield data
        try:
            extra = f.read(1)
        except zipfile.BadZipFile:  # one byte past the declared size, so the CRC of what was read fails
            extra = b"?"
    if extra:
        raise WorkbookError("size_mismatch", path=path, part=name, declared=_mb(declared))


_UNSAFE = re.compile(r"entit|doctype|dtd|amplification", re.IGNORECASE)


def reader_error(exc: BaseException, path: str | os.PathLike[str] = "", part: str = "") -> WorkbookError:
    """The bilingual error for a parser's failure on a part (to ``raise … from exc``).

    What the parsers do with hostile XML, measured: python-calamine 0.9 raises ``XmlError: unrecognized
    entity `&xxe;``` for an external entity and for billion laughs, in workbook.xml, sharedStrings.xml
    (then from ``from_filelike``/``from_path``, "Cannot detect file format" or the XmlError) and sheets
    (from ``get_sheet_by_name``) — nothing is fetched, nothing expanded; lxml with
    ``resolve_entities=False, no_network=True, load_dtd=False`` keeps ``&xxe;`` as an unread entity
    node and refuses billion laughs with "Maximum entity amplification factor exceeded". Those become
    ``unsafe_xml``; any other parser failure is a damaged workbook (``not_workbook``).
    """
    path = str(path)
    if _UNSAFE.search(str(exc)):
        return WorkbookError("unsafe_xml", path=path, part=part or "?")
    return WorkbookError("not_workbook", path=path)


# -- sheet extent, for calamine's dense grid -------------------------------------------------------------

DENSE_FLOOR = 1_000_000  # cells; below this calamine's grid costs at most 32 MB, whatever the sheet
DENSE_FACTOR = 4  # a grid up to 4 × the cells actually written is a normal, rectangular sheet
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class SheetExtent:
    """Upper bounds for one sheet: the last row and column any cell names, and how many cells it writes.

    ``rows`` is within a factor 2 of the truth (its leading digit is exact), ``cols`` exact up to Z
    and within 26 beyond. ``cells`` counts ``<c r="…">`` elements. ``regular`` is False when some
    ``r="…"`` is not the first attribute of a ``<c>`` or ``<row>``, or sits on a namespace-prefixed
    element (``<x:c r="…">``) — legal, never written by Excel, LibreOffice or openpyxl — and then
    the bounds mean nothing. (Cells and rows written *without* ``r`` are harmless: calamine places
    them right after the previous one, so they cannot reach far.)
    """

    rows: int
    cols: int
    cells: int
    regular: bool = True

    @property
    def dense(self) -> int:
        """Cells in the rectangular grid calamine would allocate (at most), for a regular sheet."""
        return self.rows * self.cols

    @property
    def sparse(self) -> bool:
        """True when calamine must not read this sheet: its grid may be far larger than its data."""
        return not self.regular or self.dense > max(DENSE_FLOOR, DENSE_FACTOR * self.cells)


def _bigger_cell(digits: int, first_digit: int, letters: int, first_letter: int) -> re.Pattern[bytes]:
    """A pattern for a ``<c r="…"`` naming a row or column beyond the bounds found so far.

    It starts with the literal ``<c r="`` (the regex engine skips to it with a fast search) and, in a
    normal sheet, matches only a handful of times: each match raises the bounds and the pattern is rebuilt.
    """
    cols = [rb"[A-Za-z]{%d,}\d" % (letters + 1)]
    if letters and first_letter < 25:
        nxt = _LETTERS[first_letter + 1]
        cols.append(rb"[%s-Z%s-z][A-Za-z]{%d}\d" % (nxt.encode(), nxt.lower().encode(), letters - 1))
    rows = [rb"\d{%d,}" % (digits + 1)]
    if digits and first_digit < 9:
        rows.append(rb'[%d-9]\d{%d}"' % (first_digit + 1, digits - 1))
    return re.compile(rb'<c r="(?:%s|[A-Za-z]{1,3}(?:%s))' % (b"|".join(cols), b"|".join(rows)))


_CELL_REF = re.compile(rb'<c r="([A-Za-z]+)(\d+)')
_TAIL = 64  # bytes carried into the next chunk: longer than any '<c r="XFD1048576"'


def sheet_extent(zf: zipfile.ZipFile, name: str) -> SheetExtent:
    """Bounds of one worksheet part from one streaming pass (memory: one 8 MB chunk), without calamine.

    Call it before ``CalamineWorkbook.get_sheet_by_name`` and read the sheet sparsely when
    :attr:`SheetExtent.sparse`: calamine allocates rows × columns × 32 bytes up front and aborts the
    process when that fails. Bounds come from the class (length and leading character) of every cell
    reference; calamine, like Excel, reads ``xfd`` as ``XFD``. The part is read with
    :func:`iter_member`, so a lying size is refused here too. Cost: inflating the part plus three
    ``bytes.count`` and one regex scan, ~1 s per 100 MB of XML on a slow machine.
    """
    digits = first_digit = letters = first_letter = 0
    cells = r_attrs = r_first = 0
    pattern = _bigger_cell(digits, first_digit, letters, first_letter)
    tail = b""
    for chunk in iter_member(zf, name):
        data = tail + chunk

        def count(s: bytes, data: bytes = data, tail: bytes = tail) -> int:  # not already counted in the tail
            return data.count(s) - tail.count(s)

        c = count(b'<c r="')
        cells += c
        r_attrs += count(b' r="')
        r_first += c + count(b'<row r="')
        pos = 0
        while m := pattern.search(data, pos):
            ref = _CELL_REF.match(data, m.start())
            col, row = ref.group(1).upper(), ref.group(2).lstrip(b"0") or b"0"
            if (len(row), row[:1]) > (digits, str(first_digit).encode()):
                digits, first_digit = len(row), int(row[:1])
            if (len(col), col[:1]) > (letters, _LETTERS[first_letter].encode() if letters else b""):
                letters, first_letter = len(col), _LETTERS.index(col[:1].decode())
            pattern = _bigger_cell(digits, first_digit, letters, first_letter)
            pos = m.start() + 1
        tail = data[-_TAIL:]
    rows = (first_digit + 1) * 10 ** (digits - 1) - 1 if digits else 0
    if letters <= 1:
        cols = first_letter + 1 if letters else 0
    else:  # the last column whose first letter is first_letter: 'X' + 'Z' * (letters - 1)
        cols = (first_letter + 1) * 26 ** (letters - 1) + sum(26 ** k for k in range(1, letters))
    return SheetExtent(rows, cols, cells, regular=r_attrs == r_first)
