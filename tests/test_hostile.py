"""Hostile files: zip bombs, a stray cell at XFD1048576, 200 MB of shared strings, XXE, billion laughs,
control characters in imports, and settings or dates that overflow.

Every hostile workbook is made at test time in ``tmp_path`` from a real refreshed demo (the
``small_book`` fixture) by rewriting zip members — big parts are streamed or written as one deflate
block repeated, so making a 2 GB-expanding file takes a second or two and little memory. Each is
then given to ``salesbook refresh`` in a child process, timed and measured (peak RSS from
``os.wait4``), and must either

* exit 2 within :data:`BUDGET_S` seconds (plus the measured interpreter start) and under
  :data:`MEMORY_MB`, with one message in Chinese and English, no traceback, and the file (and its
  backup) byte for byte as before; or, for the sparse ones (a value far from the data),
* exit 0 with the same analysis as the clean file.

No output may ever contain /etc/passwd. The guard's own checks (:mod:`salesbook.excel.guard`) and
the parser behaviour they rely on (python-calamine, lxml) are tested directly, in process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from salesbook.cli import main
from salesbook.errors import WorkbookError
from salesbook.excel import guard

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 10.0  # what a user waits for a refusal
MEMORY_MB = 1024
SAFETY_AS = 8 << 30  # address-space cap for the child, so a runaway engine fails instead of the test machine
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
XXE_DTD = b'<!DOCTYPE %s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LOL_DTD = (b'<!DOCTYPE %s [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b"]>")


# -- making hostile files -------------------------------------------------------------------------------

@dataclasses.dataclass
class RawMember:
    """A member written as ready-made deflate data: ``chunks()`` yields it, ``declared`` may lie."""

    chunks: Callable[[], Iterator[bytes]]
    size: int
    crc: int
    csize: int
    declared: int | None = None


def _deflate(data: bytes, final: bool = False) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + (c.flush() if final else c.flush(zlib.Z_FULL_FLUSH))


def repeated(unit: bytes, total: int, head: bytes = b"", tail: bytes = b"", declared: int | None = None,
             block_size: int = 8 << 20) -> RawMember:
    """``head + unit * n + tail`` (about ``total`` bytes) as honest deflate data, made in about a second:
    one block of ``unit`` is compressed once, self-contained (full flush), and repeated."""
    block = unit * max(1, block_size // len(unit))
    n = max(1, total // len(block))
    h, b, t = _deflate(head), _deflate(block), _deflate(tail, final=True)
    crc = zlib.crc32(head)
    for _ in range(n):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)

    def chunks() -> Iterator[bytes]:
        yield h
        for _ in range(n):
            yield b
        yield t

    return RawMember(chunks, len(head) + len(block) * n + len(tail), crc, len(h) + len(b) * n + len(t), declared)


def _write_raw(zout: zipfile.ZipFile, name: str, m: RawMember, flag_bits: int = 0) -> None:
    zi = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.file_size = m.size if m.declared is None else m.declared
    zi.compress_size = m.csize
    zi.CRC = m.crc
    zi.flag_bits |= flag_bits
    zi.external_attr = 0o600 << 16
    zip64 = zi.file_size > zipfile.ZIP64_LIMIT or m.csize > zipfile.ZIP64_LIMIT
    zout.fp.seek(zout.start_dir)
    zi.header_offset = zout.fp.tell()
    zout.fp.write(zi.FileHeader(zip64))
    for piece in m.chunks():
        zout.fp.write(piece)
    zout.start_dir = zout.fp.tell()
    zout.filelist.append(zi)
    zout.NameToInfo[name] = zi
    zout._didModify = True  # noqa: SLF001 - so close() writes the central directory


Replacement = bytes | Callable[[io.BufferedIOBase], None] | RawMember


def rewrite(src: Path, dst: Path, replace: dict[str, Replacement]) -> Path:
    """Copy the package ``src`` to ``dst``, replacing (or adding) the members named in ``replace``:
    bytes, a function that streams the member into a writable file, or a :class:`RawMember`."""
    replace = dict(replace)

    def put(zout: zipfile.ZipFile, name: str, new: Replacement) -> None:
        if isinstance(new, RawMember):
            _write_raw(zout, name, new)
        elif callable(new):
            with zout.open(name, "w", force_zip64=True) as f:
                new(f)
        else:
            zout.writestr(name, new)

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                put(zout, info.filename, replace.pop(info.filename))
            else:
                zout.writestr(info, zin.read(info.filename))
        for name, new in replace.items():
            put(zout, name, new)
    return dst


def _attr(tag: str, name: str) -> str | None:
    m = re.search(r'(?:^|\s)%s="([^"]*)"' % re.escape(name), tag)
    return m.group(1) if m else None


def orders_part(zf: zipfile.ZipFile) -> str:
    """The part name of the 订单明细 / Orders sheet, found through workbook.xml and its relationships."""
    wb = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    sheet = next(t for t in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", wb) if _attr(t, "name") in ("订单明细", "Orders"))
    rid = _attr(sheet, "r:id")
    rel = next(t for t in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels) if _attr(t, "Id") == rid)
    target = _attr(rel, "Target")
    return target.lstrip("/") if target.startswith("/") else os.path.normpath("xl/" + target).replace(os.sep, "/")


def shared_strings(zf: zipfile.ZipFile) -> tuple[bytes, dict[str, bytes]]:
    """The existing shared-strings body (``<si>…`` items) and the member edits that make sure
    xl/sharedStrings.xml is declared (relationship + content type) even if the book had none."""
    edits: dict[str, bytes] = {}
    if "xl/sharedStrings.xml" in zf.namelist():
        sst = zf.read("xl/sharedStrings.xml")
        start = sst.index(b">", sst.index(b"<sst")) + 1
        body = sst[start:sst.rindex(b"</sst>")]
    else:
        body = b""
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        if SST_RT not in rels:
            edits["xl/_rels/workbook.xml.rels"] = rels.replace(
                "</Relationships>", f'<Relationship Id="rIdSstHostile" Type="{SST_RT}" '
                                    f'Target="sharedStrings.xml"/></Relationships>').encode()
        ct = zf.read("[Content_Types].xml").decode("utf-8")
        if "/xl/sharedStrings.xml" not in ct:
            edits["[Content_Types].xml"] = ct.replace(
                "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_CT}"/></Types>').encode()
    return body, edits


def _sst(body: bytes, extra: bytes, dtd: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + (dtd % b"sst" if dtd else b"")
            + b"<sst " + NS + b">" + body + extra + b"</sst>")


def with_dtd(xml: bytes, root: bytes, dtd: bytes, pad: int = 0) -> bytes:
    """A DOCTYPE right before the root element (after ``pad`` bytes of comment, to defeat prefix sniffing)."""
    i = re.search(rb"<(?:\w+:)?%s\b" % root, xml).start()
    comment = b"<!--" + b" " * pad + b"-->" if pad else b""
    return xml[:i] + comment + (dtd % root) + xml[i:]


def with_cell(sheet: bytes, row: int, ref: str, text: bytes) -> bytes:
    """``sheet`` with an inline-string cell appended to row ``row`` (created at the end if missing)."""
    cell = b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text)
    m = re.search(rb'<row r="%d"[^>]*?(?:/>|>.*?</row>)' % row, sheet, re.S)
    if m is None:
        return sheet.replace(b"</sheetData>", b'<row r="%d">%s</row></sheetData>' % (row, cell))
    tag = m.group(0)
    new = tag[:-2] + b">" + cell + b"</row>" if tag.endswith(b"/>") else tag[:-6] + cell + b"</row>"
    return sheet[:m.start()] + new + sheet[m.end():]


def stray(sheet: bytes, ref: str) -> bytes:
    """One numeric value at ``ref`` (e.g. XFD1048576), far from the data; the dimension claims it too."""
    row = int(re.search(r"\d+", ref).group())
    cell = b'<c r="%s"><v>1</v></c>' % ref.encode()
    m = re.search(rb'<row r="%d"[^>]*?(?:/>|>.*?</row>)' % row, sheet, re.S)
    if m is None:
        sheet = sheet.replace(b"</sheetData>", b'<row r="%d">%s</row></sheetData>' % (row, cell))
    else:
        tag = m.group(0)
        new = tag[:-2] + b">" + cell + b"</row>" if tag.endswith(b"/>") else tag[:-6] + cell + b"</row>"
        sheet = sheet[:m.start()] + new + sheet[m.end():]
    return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:%s"/>' % ref.encode(), sheet)


def _bomb_rows(total: int, declared: int | None = None) -> RawMember:
    return repeated(b'<row><c t="inlineStr"><is><t>bomb</t></is></c><c><v>1</v></c></row>', total,
                    head=b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ' + NS
                    + b"><sheetData>", tail=b"</sheetData></worksheet>", declared=declared)


def _big_sst(body: bytes, target: int) -> Callable[[io.BufferedIOBase], None]:
    """The book's own strings first (indexes unchanged), then unique filler up to ``target`` bytes."""
    def write(f: io.BufferedIOBase) -> None:
        head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst ' + NS + b">" + body
        f.write(head)
        n, i = len(head), 0
        while n < target:
            block = b"".join(b"<si><t>filler string %09d for the shared string table</t></si>" % (i + k)
                             for k in range(20_000))
            f.write(block)
            n, i = n + len(block), i + 20_000
        f.write(b"</sst>")
    return write


def make(case: str, src: Path, dst: Path) -> Path:
    """Build the hostile variant ``case`` of the workbook ``src`` at ``dst``."""
    with zipfile.ZipFile(src) as zf:
        part = orders_part(zf)
        sheet = zf.read(part)
        wb = zf.read("xl/workbook.xml")
        body, sst_edits = shared_strings(zf)
    row2_ref = "BZ2"  # right of every column the orders sheet uses
    cases: dict[str, Callable[[], dict[str, Replacement]]] = {
        # zip bombs
        "bomb_orders_2gb": lambda: {part: _bomb_rows(2_000_000_000)},
        "bomb_orders_lying_size": lambda: {part: _bomb_rows(2_000_000_000, declared=40_000_000)},
        "bomb_zeros_2gb": lambda: {"xl/media/image999.bin": repeated(b"\0" * 4096, 2_000_000_000)},
        "bomb_spread_3x600mb": lambda: {f"xl/worksheets/sheet{900 + i}.xml": _bomb_rows(600_000_000)
                                        for i in range(3)},
        # sparse: one value far from the data
        "stray_XFD1048576": lambda: {part: stray(sheet, "XFD1048576")},
        "stray_A1048576": lambda: {part: stray(sheet, "A1048576")},
        "stray_XFD1": lambda: {part: stray(sheet, "XFD1")},
        # huge shared-string table
        "sst_200mb": lambda: {**sst_edits, "xl/sharedStrings.xml": _big_sst(body, 200_000_000)},
        # XXE
        "xxe_shared_strings": lambda: {**sst_edits, "xl/sharedStrings.xml": _sst(body, b"<si><t>&xxe;</t></si>",
                                                                                  XXE_DTD)},
        "xxe_sheet": lambda: {part: with_cell(with_dtd(sheet, b"worksheet", XXE_DTD), 2, row2_ref, b"&xxe;")},
        "xxe_sheet_after_70kb": lambda: {part: with_cell(with_dtd(sheet, b"worksheet", XXE_DTD, pad=70_000), 2,
                                                         row2_ref, b"&xxe;")},
        # billion laughs
        "laughs_shared_strings": lambda: {**sst_edits, "xl/sharedStrings.xml": _sst(body, b"<si><t>&lol9;</t></si>",
                                                                                     LOL_DTD)},
        "laughs_sheet": lambda: {part: with_cell(with_dtd(sheet, b"worksheet", LOL_DTD), 2, row2_ref, b"&lol9;")},
        "laughs_workbook": lambda: {"xl/workbook.xml": _laughs_workbook(wb)},
    }
    return rewrite(src, dst, cases[case]())


def _laughs_workbook(wb: bytes) -> bytes:
    x = with_dtd(wb, b"workbook", LOL_DTD)
    dn = b'<definedName name="laughs">&lol9;</definedName>'
    if b"<definedNames>" in x:
        return x.replace(b"<definedNames>", b"<definedNames>" + dn, 1)
    return re.sub(rb"(</(?:\w+:)?sheets>)", rb"\1<definedNames>" + dn + b"</definedNames>", x, count=1)


# -- running the CLI, measured ------------------------------------------------------------------------------

@dataclasses.dataclass
class Run:
    rc: int | None
    out: str
    err: str
    seconds: float
    peak_mb: float
    timed_out: bool


def run_cli(*args: str, timeout: float) -> Run:
    """``python -m salesbook.cli ARGS`` in a child; its exit code, output, wall time and peak RSS."""
    env = {**os.environ, "COLUMNS": "400", "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("SALESBOOK_DEBUG", None)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (SAFETY_AS, SAFETY_AS))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        p = subprocess.Popen([sys.executable, "-m", "salesbook.cli", *args], stdout=out, stderr=err, env=env,
                             preexec_fn=limit)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                timed_out = True
                p.kill()
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.monotonic() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(None if timed_out else p.returncode, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss / 1024, timed_out)


@pytest.fixture(scope="session")
def start_s() -> float:
    """Seconds the interpreter takes to start and import the CLI here (added to every time budget)."""
    times = []
    for _ in range(2):
        t = time.monotonic()
        subprocess.run([sys.executable, "-m", "salesbook.cli", "--version"], capture_output=True, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        times.append(time.monotonic() - t)
    return min(min(times), 5.0)


_SUMMARY = re.compile(r"截至 (\d{4}-\d{2}-\d{2})）：(\d+) 笔订单参与分析，(\d+) 行未计入（见清洗日志），(\d+) 条预警")


def summary(run: Run) -> tuple[str, int, int, int]:
    m = _SUMMARY.search(run.out)
    assert m, f"no summary in the output:\n{run.out}\n{run.err}"
    return m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))


@pytest.fixture(scope="session")
def source(small_book, tmp_path_factory) -> Path:
    """The clean workbook every hostile file is made from (a refreshed demo, 800 orders)."""
    path = tmp_path_factory.mktemp("hostile-src") / "clean.xlsm"
    shutil.copy(small_book, path)
    return path


@pytest.fixture(scope="session")
def baseline(source, tmp_path_factory, start_s) -> tuple[str, int, int, int]:
    """What ``salesbook refresh`` says about the clean file."""
    path = tmp_path_factory.mktemp("hostile-base") / "clean.xlsm"
    shutil.copy(source, path)
    run = run_cli("refresh", str(path), timeout=60)
    assert run.rc == 0, run.err
    return summary(run)


def _sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _backup(path: Path) -> Path:
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def _passwd_lines() -> list[str]:
    try:
        lines = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [ln for ln in lines if ln.count(":") >= 5][:3]


def _assert_no_passwd(run: Run, *files: Path) -> None:
    secrets = _passwd_lines()
    for s in secrets:
        assert s not in run.out and s not in run.err
    for f in files:
        if not f.exists():
            continue
        with zipfile.ZipFile(f) as z:
            for info in z.infolist():
                data = b"".join(guard.iter_member(z, info.filename))
                for s in secrets:
                    for enc in (s.encode(), s.replace(":", "&#58;").encode()):
                        assert enc not in data, f"/etc/passwd in {f.name}:{info.filename}"


def _assert_refused(run: Run, path: Path, before: tuple, budget: float) -> None:
    assert not run.timed_out, f"no answer within {budget:.1f} s (peak {run.peak_mb:.0f} MB)"
    assert "Traceback" not in run.err, run.err[-3000:]
    assert run.rc == 2, f"exit {run.rc}\n{run.out}\n{run.err[-3000:]}"
    assert run.peak_mb < MEMORY_MB, f"peak {run.peak_mb:.0f} MB"
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    i = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("✗"))
    assert re.search(r"[\u4e00-\u9fff]", lines[i]), lines[i]  # Chinese, then English on the next line
    assert re.search(r"[A-Za-z]{3,} [a-z]{2,}", lines[i + 1]), lines[i + 1]
    assert (_sha(path), _sha(_backup(path))) == before, "the workbook or its backup changed"


REFUSED = ["bomb_orders_2gb", "bomb_orders_lying_size", "bomb_zeros_2gb", "bomb_spread_3x600mb", "sst_200mb",
           "xxe_shared_strings", "xxe_sheet", "xxe_sheet_after_70kb",
           "laughs_shared_strings", "laughs_sheet", "laughs_workbook"]
SLOW = {"bomb_orders_2gb", "bomb_orders_lying_size", "bomb_zeros_2gb", "bomb_spread_3x600mb", "sst_200mb"}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in REFUSED])
def test_a_hostile_file_is_refused_quickly_in_little_memory_and_left_as_it_was(case, source, tmp_path, start_s):
    path = make(case, source, tmp_path / f"{case}.xlsm")
    assert path.stat().st_size < 40_000_000  # the file itself is small: it is what it expands to that is not
    before = (_sha(path), _sha(_backup(path)))
    budget = BUDGET_S + start_s
    run = run_cli("refresh", str(path), timeout=budget)
    _assert_refused(run, path, before, budget)
    _assert_no_passwd(run)  # the file itself is unchanged (checked above)


@pytest.mark.slow  # each runs the CLI in a subprocess on a sheet that spans the whole grid
@pytest.mark.parametrize("case", ["stray_XFD1048576", "stray_A1048576", "stray_XFD1"])
def test_a_value_far_from_the_data_gives_the_same_analysis(case, source, baseline, tmp_path, start_s):
    path = make(case, source, tmp_path / f"{case}.xlsm")
    budget = BUDGET_S + start_s
    run = run_cli("refresh", str(path), timeout=budget)
    assert not run.timed_out, f"no answer within {budget:.1f} s (peak {run.peak_mb:.0f} MB)"
    assert "Traceback" not in run.err, run.err[-3000:]
    assert run.rc == 0, f"exit {run.rc}\n{run.out}\n{run.err[-3000:]}"
    assert run.peak_mb < MEMORY_MB, f"peak {run.peak_mb:.0f} MB"
    as_of, orders, excluded, alerts = summary(run)
    assert (as_of, orders) == baseline[:2]
    if case == "stray_A1048576":  # a row with an order number and nothing else: left out and logged
        assert excluded == baseline[2] + 1
    else:  # nothing in the schema's columns: the same analysis to the alert
        assert (excluded, alerts) == baseline[2:]
    with zipfile.ZipFile(path) as z:  # the stray value is still there, as typed
        sheet = b"".join(guard.iter_member(z, orders_part(z)))
        assert re.search(rb'<c r="%s"[^>]*>' % case.split("_")[1].encode(), sheet)


def test_generating_a_2gb_bomb_is_quick_and_small(source, tmp_path):
    t = time.monotonic()
    path = make("bomb_orders_2gb", source, tmp_path / "bomb.xlsm")
    assert time.monotonic() - t < 10
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(orders_part(z))
    assert info.file_size > 1_900_000_000 and info.compress_size < 10_000_000


# -- the guard, in process --------------------------------------------------------------------------------------

def _zip(members: dict[str, bytes | RawMember], *, encrypted: str | None = None) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        for name, data in members.items() if isinstance(members, dict) else members:
            if isinstance(data, RawMember):
                _write_raw(z, name, data, flag_bits=0x1 if name == encrypted else 0)
            else:
                z.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(buf.getvalue()))


def _fake(declared: int) -> RawMember:
    """A member whose central directory claims ``declared`` bytes packed 10:1 (the data is a few bytes:
    only :func:`guard.check_package`, which reads nothing, may see it)."""
    data = b"<x/>"
    return RawMember(lambda: iter([_deflate(data, final=True)]), len(data), zlib.crc32(data), declared // 10,
                     declared)


def _code(fn, *args, **kw) -> str:
    with pytest.raises(WorkbookError) as e:
        fn(*args, **kw)
    assert e.value.message("zh") and e.value.message("en") and e.value.message("zh") != e.value.message("en")
    return e.value.code


def test_the_demo_workbook_passes_the_guard(source):
    with zipfile.ZipFile(source) as z:
        guard.check_package(z, str(source))
        guard.check_zip_bytes(source.read_bytes(), str(source))
        for name in z.namelist():
            assert guard.bounded_read(z, name) == z.read(name)
            assert b"".join(guard.iter_member(z, name, chunk=4096)) == z.read(name)
        extent = guard.sheet_extent(z, orders_part(z))
    assert extent.regular and not extent.sparse and extent.cells > 800 * 8


def test_declared_sizes_over_the_limits_are_refused_before_reading():
    assert _code(guard.check_package, _zip({"xl/worksheets/sheet1.xml": _fake(1_000_000_001)}), "f") == "too_large"
    assert _code(guard.check_package, _zip({"xl/sharedStrings.xml": _fake(160_000_001)}), "f") == "too_large"
    guard.check_package(_zip({"xl/sharedStrings.xml": _fake(150_000_000)}), "f")
    assert _code(guard.check_package, _zip({f"xl/media/m{i}.bin": _fake(900_000_000) for i in range(3)}),
                 "f") == "too_large_total"


def test_an_absurd_compression_ratio_is_a_zip_bomb_but_only_for_big_xml_parts():
    zeros = repeated(b" " * 4096, 20_000_000, head=b"<a>", tail=b"</a>")
    assert zeros.size / zeros.csize > guard.MAX_RATIO
    z = _zip({"xl/worksheets/sheet1.xml": zeros})
    assert _code(guard.check_package, z, "f") == "zip_bomb"
    guard.check_package(_zip({"xl/media/blank.bmp": zeros}), "f")  # binary: copied raw, never parsed
    small = repeated(b" " * 4096, 900_000, head=b"<a>", tail=b"</a>", block_size=450_000)
    assert small.size < guard.RATIO_MIN_BYTES
    guard.check_package(_zip({"xl/styles.xml": small}), "f")  # tiny: costs nothing whatever its ratio


def test_realistic_sheets_compress_far_below_the_ratio_limit():
    """The most repetitive real sheets: a million empty styled rows, or the same value in every cell."""
    empty_rows = b"".join(b'<row r="%d" spans="1:14" s="3" customFormat="1"/>' % i for i in range(1, 200_001))
    same = b"".join(b'<row r="%d">' % i + b"".join(b'<c r="%s%d" t="s"><v>0</v></c>' % (c, i) for c in
                                                  (b"A", b"B", b"C", b"D", b"E", b"F")) + b"</row>"
                    for i in range(1, 100_001))
    for xml in (empty_rows, same):
        assert len(xml) / len(zlib.compress(xml, 9)) < guard.MAX_RATIO / 2


def test_too_many_members_duplicates_and_encryption_are_refused():
    many = _zip({f"xl/m/{i}.xml": b"" for i in range(guard.MAX_MEMBERS + 1)})
    assert _code(guard.check_package, many, "f") == "too_many_parts"
    assert _code(guard.check_zip_bytes, many.fp.getvalue(), "f") == "too_many_parts"
    guard.check_zip_bytes(b"not a zip at all", "f")  # not ours to judge: the zip reader says so
    assert _code(guard.check_package, _zip([("xl/a.xml", b"1"), ("xl/a.xml", b"2")]), "f") == "duplicate_part"
    assert _code(guard.check_package, _zip([("xl/a.xml", b"1"), ("XL/A.xml", b"2")]), "f") == "duplicate_part"
    data = repeated(b"<r/>", 1000, head=b"<a>", tail=b"</a>")
    assert _code(guard.check_package, _zip({"xl/a.xml": data}, encrypted="xl/a.xml"), "f") == "encrypted_part"


def _member(data: bytes, declared: int | None = None) -> RawMember:
    packed = _deflate(data, final=True)
    return RawMember(lambda: iter([packed]), len(data), zlib.crc32(data), len(packed), declared)


def test_bounded_read_refuses_a_part_that_lies_about_its_size():
    honest = _member(b"<a>" + os.urandom(1_500_000).hex().encode() + b"</a>")  # compresses about 2:1
    lying = dataclasses.replace(honest, declared=1_000_000)
    z = _zip({"xl/honest.xml": honest, "xl/lying.xml": lying})
    guard.check_package(z, "f")  # the declared sizes look fine
    assert len(guard.bounded_read(z, "xl/honest.xml")) == honest.size
    assert _code(guard.bounded_read, z, "xl/lying.xml") == "size_mismatch"
    with pytest.raises(WorkbookError) as e:
        list(guard.iter_member(z, "xl/lying.xml", chunk=65_536))
    assert e.value.code == "size_mismatch" and "xl/lying.xml" in e.value.message("en")
    assert _code(guard.bounded_read, z, "xl/honest.xml", limit=1_000_000) == "too_large"
    plain = zipfile.ZipFile(io.BytesIO(_zip_bytes({"xl/p.xml": b"<p>ok</p>"})))  # a real zip file, not a fake
    assert guard.bounded_read(plain, "xl/p.xml") == b"<p>ok</p>"


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in members.items():
            z.writestr(k, v)
    return buf.getvalue()


def test_a_corrupt_part_is_a_zip_error_not_a_size_error():
    good = repeated(b"<r/>", 100_000, head=b"<a>", tail=b"</a>")
    z = _zip({"xl/bad.xml": dataclasses.replace(good, crc=good.crc ^ 1)})
    with pytest.raises(zipfile.BadZipFile):
        guard.bounded_read(z, "xl/bad.xml")


def test_messages_name_the_file_and_the_part():
    z = _zip({"xl/worksheets/sheet1.xml": _fake(1_500_000_000)})
    with pytest.raises(WorkbookError) as e:
        guard.check_package(z, "/data/销售.xlsm")
    assert "/data/销售.xlsm" in e.value.message("zh") and "/data/销售.xlsm" in e.value.message("en")
    assert "xl/worksheets/sheet1.xml" in e.value.message("zh") and "1,500 MB" in e.value.message("en") \
        and "1,000 MB" in e.value.message("zh")


def test_parser_failures_become_bilingual_errors(source, tmp_path):
    python_calamine = pytest.importorskip("python_calamine")
    path = make("xxe_sheet", source, tmp_path / "xxe.xlsm")
    with pytest.raises(python_calamine.CalamineError) as e:
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("订单明细")
    err = guard.reader_error(e.value, path, "xl/worksheets/sheet1.xml")
    assert err.code == "unsafe_xml" and str(path) in err.message("zh") \
        and "xl/worksheets/sheet1.xml" in err.message("en")
    assert guard.reader_error(ValueError("XML part declares a DTD or entities"), path).code == "unsafe_xml"
    assert guard.reader_error(ValueError("mismatched tag"), path).code == "not_workbook"


# -- sheet extent: what calamine would allocate ----------------------------------------------------------------

def _sheet(rows: bytes) -> bytes:
    return b"<worksheet " + NS + b"><sheetData>" + rows + b"</sheetData></worksheet>"


def _extent(xml: bytes) -> guard.SheetExtent:
    return guard.sheet_extent(zipfile.ZipFile(io.BytesIO(_zip_bytes({"s.xml": xml}))), "s.xml")


GRID = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for c in (b"A", b"B", b"N"))
                + b"</row>" for r in range(1, 805))


@pytest.mark.parametrize(("extra", "sparse"), [
    (b"", False),
    (b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', True),
    (b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>', True),
    (b'<row r="900"><c r="XFD900"><v>1</v></c></row>', True),
    (b'<row r="900"><c r="xfd900"><v>1</v></c></row>', True),  # calamine reads lower case too
    (b'<row r="900"><c s="1" r="XFD900"><v>1</v></c></row>', True),  # r not first: cannot be bounded cheaply
    (b'<row r="900"><x:c r="XFD900"><v>1</v></x:c></row>', True),  # a namespace prefix
    (b'<row r="2"><c r="A999999"><v>1</v></c></row>', True),  # a cell beyond its own row
    (b'<row r="900"><c r="Z900"><v>1</v></c></row>', False),
    (b"<row><c><v>1</v></c><c><v>2</v></c></row>", False),  # no r: placed after the previous, harmless
])
def test_sheet_extent_bounds_the_grid(extra, sparse):
    e = _extent(_sheet(GRID + extra))
    assert e.sparse is sparse, e
    assert e.cells >= 804 * 3


def test_sheet_extent_sees_a_reference_cut_by_a_chunk_boundary():
    filler = b'<row r="5"><c r="A5"><v>1</v></c></row>'
    head = b"<worksheet " + NS + b"><sheetData>"
    pad = (8 << 20) - len(head) - 5
    body = filler * (pad // len(filler)) + b" " * (pad % len(filler))
    xml = head + body + b'<row r="7"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    e = _extent(xml)
    assert e.cols >= 16_384 and e.rows >= 1_048_576 and e.sparse


def test_sheet_extent_of_a_real_sized_orders_sheet_is_dense():
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%c%d"><v>1</v></c>' % (c, r) for c in b"ABCDEFGHIJKLMN")
                    + b"</row>" for r in range(1, 20_001))
    e = _extent(_sheet(rows))
    assert e.regular and not e.sparse and e.cols == 14 and 20_000 <= e.rows < 40_000 and e.cells == 280_000


# -- what the parsers the engine uses do with hostile XML (the guard relies on it) ----------------------------

def test_calamine_refuses_external_and_recursive_entities_and_lying_sizes(source, tmp_path):
    python_calamine = pytest.importorskip("python_calamine")
    for case in ("xxe_shared_strings", "xxe_sheet", "laughs_shared_strings", "laughs_sheet", "laughs_workbook"):
        path = make(case, source, tmp_path / f"{case}.xlsm")
        with pytest.raises(python_calamine.CalamineError, match="unrecognized entity"):
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            book.get_sheet_by_name("订单明细").to_python()


@pytest.mark.slow
def test_calamine_stops_at_the_declared_size(source, tmp_path):
    python_calamine = pytest.importorskip("python_calamine")
    path = make("bomb_orders_lying_size", source, tmp_path / "lying.xlsm")
    t = time.monotonic()
    with pytest.raises(python_calamine.CalamineError, match="larger than its declared"):
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("订单明细")
    assert time.monotonic() - t < 5


def test_lxml_safe_parser_neither_fetches_nor_expands():
    etree = pytest.importorskip("lxml.etree")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    xxe = _sst(b"", b"<si><t>&xxe;</t></si>", XXE_DTD)
    root = etree.fromstring(xxe, parser)
    t = root[0][0]
    assert t.text is None and [type(c).__name__ for c in t] == ["_Entity"]  # kept as a reference, unread
    for line in _passwd_lines():
        assert line.encode() not in etree.tostring(root)
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        etree.fromstring(_sst(b"", b"<si><t>&lol9;</t></si>", LOL_DTD), parser)


# -- imports: control characters are removed, and said so ----------------------------------------------------------

def test_control_characters_in_an_imported_csv_are_removed_and_counted(template, tmp_path):
    import openpyxl

    book = tmp_path / "book.xlsm"
    shutil.copy(template, book)
    csv = tmp_path / "orders.csv"
    csv.write_bytes("订单编号,下单日期,客户名称,金额,订单状态,备注\n"
                    "O1,2024-01-05,甲\x00公司,100,已成交,a\x07b\n"
                    "O2,2024-01-06\x1b,乙公司,2\x7f00,已成交,\"\x85\uffff多行\n备注\"\n".encode())
    result = CliRunner().invoke(main, ["import", str(book), "--orders", str(csv)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "已删除 6 个控制字符（第一个在第 2 行「客户名称」列） / 6 control characters removed (the first at row 2, column '客户名称')" in flat
    ws = openpyxl.load_workbook(book)["订单明细"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=3)]
    assert "甲公司" in values[0] and "ab" in values[0] and "乙公司" in values[1]
    assert 200 in values[1] and any(str(v).startswith("多行\n备注") for v in values[1])


def test_strip_control_chars_unit():
    import pandas as pd

    from salesbook.importing import strip_control_chars

    df = pd.DataFrame({"名称\x01": ["ok", "x\x02y", None, 5], "b": ["\t tab kept \r\n", "\x9f", "", "z"]},
                      dtype=object)
    out, s = strip_control_chars(df)
    assert list(out.columns) == ["名称", "b"]
    assert out["名称"].tolist()[:2] == ["ok", "xy"] and out["名称"].tolist()[3] == 5
    assert out["b"].tolist() == ["\t tab kept \r\n", "", "", "z"]
    assert (s.count, s.row, s.column) == (3, 1, "名称")
    clean = pd.DataFrame({"a": ["x", "y"]}, dtype=object)
    same, none = strip_control_chars(clean)
    assert same is clean and none.count == 0 and none.note() is None


# -- settings and dates that used to overflow: exit 2, workbook and backup intact ------------------------------------

def _set_setting(path: Path, key: str, value) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["参数"]
    for row in ws.iter_rows(min_row=1):
        if row[0].value == key:
            row[1].value = value
            break
    else:
        ws.append([key, value])
    wb.save(path)


@pytest.mark.parametrize(("key", "value"), [("rfm_window_days", "inf"), ("rfm_window_days", "1e309"),
                                            ("tier_recent_days", "nan"), ("cadence_vip", "-inf"),
                                            ("rfm_window_days", 10**30), ("as_of", "9999-12-31"),
                                            ("as_of", "0001-01-01"), ("tier_vip_amount", "inf")])
def test_an_inf_or_out_of_range_setting_exits_2_and_changes_nothing(key, value, source, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(source, path)
    _set_setting(path, key, value)
    before = (_sha(path), _sha(_backup(path)))
    result = CliRunner().invoke(main, ["refresh", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    flat = " ".join(result.output.split())
    assert key in flat and "无效" in flat and "invalid" in flat and "参数表第" in flat
    assert (_sha(path), _sha(_backup(path))) == before


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2262-04-12", "1677-09-21"])
def test_an_as_of_date_out_of_range_exits_2_and_changes_nothing(day, source, tmp_path):
    path = tmp_path / "book.xlsm"
    shutil.copy(source, path)
    before = (_sha(path), _sha(_backup(path)))
    result = CliRunner().invoke(main, ["refresh", str(path), "--as-of", day])
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "as_of" in flat and day in flat and "1950-01-01" in flat and "2199-12-31" in flat
    assert "无效" in flat and "invalid" in flat
    assert (_sha(path), _sha(_backup(path))) == before
