"""The file engine on big workbooks: headless refresh (and flag, clean, undo-clean) against a bare calamine read.

    python bench/bench_engine.py [--sizes 10000,100000,1000000] [--quick] [--ops-size 100000]

For each size a workbook is built once and cached under ``bench/.cache/`` (gitignored): the real template
(``build_template``) with that many orders from ``bench/_data.py`` (and monthly targets) written into 订单明细 as
Excel writes them (shared strings, dates as serials with the column's date style). Orders are generated and
written in chunks of 10,000 rows; each chunk's row XML and the shared strings it introduces are cached, chunk
*i* depends only on chunks before it, so a 100k book reuses the 10k book's chunks, an interrupted 1M build
resumes where it stopped, and a finished workbook is reused as long as the template builds to the same bytes.

Every measurement runs in a fresh subprocess (wall time from outside, peak RSS from ``wait4``):

* ``refresh``: ``salesbook refresh`` on a copy of the unrefreshed book;
* ``baseline``: ``python_calamine.CalamineWorkbook.from_path(p).get_sheet_by_name("订单明细").to_python()`` —
  the floor for any tool that reads the orders (``read s`` is that call alone, inside the process);
* at ``--ops-size`` (default 100k, or the largest size measured): ``flag``, ``clean`` and ``undo-clean`` on
  copies of the refreshed book.

``ratio`` = the command's wall time / the baseline's wall time (both whole processes; goal at 100k: ≤ 4×).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

CACHE = HERE / ".cache"
CHUNK = 10_000
CUSTOMERS = 70_000  # one customer universe for every size, so chunks are shared between sizes
SEED = 11
VERSION = "v2"  # bump when the generated data changes: cached chunks and workbooks are keyed by it
EXCEL_EPOCH = 693594  # date(1899, 12, 30).toordinal()

BASELINE = r"""
import json, sys, time
t0 = time.perf_counter()
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name("订单明细").to_python()
print(json.dumps({"read_s": time.perf_counter() - t0, "rows": len(rows)}))
"""


# -- building the workbooks ----------------------------------------------------------------------------------------
def _esc(s: str) -> str:
    if "&" in s or "<" in s or ">" in s:
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part name, from the workbook part and its relationships."""
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = {}
    for rel in re.findall(r"<Relationship [^>]*>", rels):
        rid = re.search(r'Id="([^"]+)"', rel).group(1)
        target = re.search(r'Target="([^"]+)"', rel).group(1)
        targets[rid] = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    out = {}
    for sheet in re.findall(r"<sheet [^>]*>", wb):
        name = re.search(r'name="([^"]+)"', sheet).group(1)
        rid = re.search(r'r:id="([^"]+)"', sheet).group(1)
        out[_unescape(name)] = targets[rid]
    return out


def _unescape(s: str) -> str:
    return re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), s).replace("&amp;", "&")


def _col_styles(sheet_xml: str) -> dict[int, str]:
    out = {}
    for col in re.findall(r"<col [^>]*>", sheet_xml):
        style = re.search(r'style="(\d+)"', col)
        if style:
            lo, hi = int(re.search(r'min="(\d+)"', col).group(1)), int(re.search(r'max="(\d+)"', col).group(1))
            for c in range(lo, hi + 1):
                out[c] = style.group(1)
    return out


ORDER_COLUMNS = ["order_id", "order_date", "customer_id", "customer_name", "salesperson", "region", "product_line",
                 "channel", "amount", "status"]


DIRTY = {"amount": 0.005, "order_date": 0.005, "customer_name": 0.005, "status": 0.003}  # what Clean fixes


def _chunk_frame(i: int, n_rows: int):
    """Orders ``i*CHUNK`` … (+n_rows): bench/_data.py's generator seeded per chunk, global order IDs, and a few
    cells typed the way users do (``¥1,234.50``, ``2024年3月5日``, trailing spaces, ``成交``) for Clean to fix."""
    import numpy as np

    from _data import raw_orders

    df = raw_orders(n_rows, customers=CUSTOMERS, seed=SEED * 1000 + i)
    df["order_id"] = [f"SO{i * CHUNK + k:07d}" for k in range(n_rows)]
    rng = np.random.default_rng(SEED * 7919 + i)
    for col, share in DIRTY.items():
        hit = np.flatnonzero(rng.random(n_rows) < share)
        for k in hit:
            v = df.at[k, col]
            df.at[k, col] = {"amount": lambda: f"¥{v:,.2f}", "order_date": lambda: f"{v.year}年{v.month}月{v.day}日",
                             "customer_name": lambda: f"{v}  ", "status": lambda: "成交"}[col]()
    return df


def _chunk_rows(i: int, n_rows: int, styles: dict[int, str], strings: dict[str, int],
                new: list[str]) -> bytes:
    """Row XML for one chunk, shared-string indices taken from / added to ``strings`` (``new``: the added ones)."""
    df = _chunk_frame(i, n_rows)
    start = i * CHUNK
    cols = [df[c].tolist() for c in ORDER_COLUMNS]
    s_attr = {c: f' s="{styles[c]}"' if c in styles else "" for c in range(1, len(ORDER_COLUMNS) + 1)}
    letters = [_col(c) for c in range(1, len(ORDER_COLUMNS) + 1)]
    out = []
    for k in range(n_rows):
        r = start + k + 2
        cells = []
        for j, values in enumerate(cols):
            v = values[k]
            ref = f"{letters[j]}{r}"
            if isinstance(v, str):
                idx = strings.get(v)
                if idx is None:
                    idx = strings[v] = len(strings)
                    new.append(v)
                cells.append(f'<c r="{ref}"{s_attr[j + 1]} t="s"><v>{idx}</v></c>')
            elif hasattr(v, "toordinal"):  # a date: an Excel serial with the column's date style
                cells.append(f'<c r="{ref}"{s_attr[j + 1]}><v>{v.toordinal() - EXCEL_EPOCH}</v></c>')
            else:
                cells.append(f'<c r="{ref}"{s_attr[j + 1]}><v>{float(v)!r}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out).encode()


def _chunks(n: int, styles: dict[int, str], say) -> tuple[list[Path], list[str]]:
    """The cached row chunks for ``n`` orders (building the missing ones, in order) and the shared strings."""
    folder = CACHE / f"chunks-{VERSION}-{SEED}-{hashlib.sha1(json.dumps(styles, sort_keys=True).encode()).hexdigest()[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    strings: dict[str, int] = {}
    all_strings: list[str] = []
    files = []
    n_chunks = -(-n // CHUNK)
    for i in range(n_chunks):
        rows = min(CHUNK, n - i * CHUNK)
        tag = f"{i:05d}" if rows == CHUNK else f"{i:05d}-{rows}"
        xml, new_file = folder / f"rows-{tag}.xml.gz", folder / f"strings-{tag}.json"
        if xml.exists() and new_file.exists():
            new = json.loads(new_file.read_text(encoding="utf-8"))
            for s in new:
                strings[s] = len(strings)
        else:
            new = []
            data = _chunk_rows(i, rows, styles, strings, new)
            tmp = xml.with_suffix(".tmp")
            with gzip.open(tmp, "wb", compresslevel=1) as f:
                f.write(data)
            new_file.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
            tmp.replace(xml)
            say(f"  chunk {i + 1}/{n_chunks} written")
        all_strings += new
        files.append(xml)
    return files, all_strings


def _sst(strings: list[str]) -> bytes:
    body = "".join(f"<si><t>{_esc(s)}</t></si>" for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst xmlns="http://schemas.openxmlformats.'
            f'org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">{body}</sst>').encode()


def _targets_rows(sheet_xml: str) -> str:
    from _data import raw_targets

    t = raw_targets()
    rows = []
    for k, (p, who, v) in enumerate(zip(t["period"], t["salesperson"], t["target"])):
        r = k + 2
        rows.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{p}</t></is></c><c r="B{r}" t="inlineStr">'
                    f'<is><t>{who}</t></is></c><c r="E{r}"><v>{v}</v></c></row>')
    return sheet_xml.replace("</sheetData>", "".join(rows) + "</sheetData>", 1)


def workbook(n: int, say=print) -> Path:
    """The cached workbook with ``n`` orders (built if missing or if the template changed)."""
    from salesbook.excel.template import build_template

    CACHE.mkdir(parents=True, exist_ok=True)
    tpl = CACHE / "template.xlsm"
    build_template(tpl, deterministic=True)
    key = hashlib.sha1(tpl.read_bytes()).hexdigest()[:10]
    out = CACHE / f"orders-{n}-{VERSION}-{key}.xlsm"
    if out.exists():
        return out
    say(f"building {out.name} …")
    with zipfile.ZipFile(tpl) as z:
        parts = _parts(z)
        orders_part, targets_part = parts["订单明细"], parts["销售目标"]
        orders_xml = z.read(orders_part).decode()
        styles = _col_styles(orders_xml)
        files, strings = _chunks(n, styles, say)
        head, tail = orders_xml.split("</sheetData>", 1)
        head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:N{n + 1}"/>', head)
        ct = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        if "relationships/sharedStrings" in rels:
            raise SystemExit("the template has a shared-strings part: bench_engine.py writes its own (update it)")
        tmp = out.with_suffix(".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as w:
            for info in z.infolist():
                name = info.filename
                if name == orders_part:
                    with w.open(zipfile.ZipInfo(name, info.date_time), "w", force_zip64=True) as f:
                        f.write(head.encode())
                        for chunk in files:
                            with gzip.open(chunk, "rb") as g:
                                shutil.copyfileobj(g, f, 1 << 20)
                        f.write(b"</sheetData>" + tail.encode())
                    continue
                data = z.read(name)
                if name == targets_part:
                    data = _targets_rows(data.decode()).encode()
                elif name == "[Content_Types].xml":
                    data = ct.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
                                      ).encode()
                elif name == "xl/_rels/workbook.xml.rels":
                    data = rels.replace("</Relationships>", '<Relationship Id="rIdBenchSst" Type="http://schemas.'
                                        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                        'Target="sharedStrings.xml"/></Relationships>').encode()
                zi = zipfile.ZipInfo(name, info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                w.writestr(zi, data)
            zi = zipfile.ZipInfo("xl/sharedStrings.xml", (2024, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            w.writestr(zi, _sst(strings))
    tmp.replace(out)
    return out


# -- measuring -----------------------------------------------------------------------------------------------------
# A small launcher forks the command and reports its wall time and peak RSS: measured from a big parent (this
# script has imported openpyxl and pandas), Linux would report the parent's RSS at fork as the child's maximum.
LAUNCHER = r"""
import json, os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump({"wall": time.perf_counter() - t0, "rss_mb": usage.ru_maxrss / 1024,
               "code": os.waitstatus_to_exitcode(status)}, f)
"""


def run(cmd: list[str], timeout: float = 7200) -> dict:
    """Run ``cmd`` in a fresh process: wall seconds, peak RSS (MB), exit code, output."""
    with tempfile.TemporaryDirectory() as tmp:
        res, out, err = Path(tmp) / "res.json", Path(tmp) / "out", Path(tmp) / "err"
        with open(out, "wb") as o, open(err, "wb") as e:
            subprocess.run([sys.executable, "-c", LAUNCHER, str(res), *cmd], stdout=o, stderr=e, timeout=timeout,
                           env={**os.environ, "PYTHONUNBUFFERED": "1"})
        r = json.loads(res.read_text())
        r["out"] = out.read_text(errors="replace")
        r["err"] = err.read_text(errors="replace")
        return r


def salesbook(cmd: str, path: Path) -> dict:
    return run([sys.executable, "-m", "salesbook.cli", cmd, str(path)])


def baseline(path: Path) -> dict:
    r = run([sys.executable, "-c", BASELINE, str(path)])
    if r["code"] == 0:
        r.update(json.loads(r["out"].strip().splitlines()[-1]))
    return r


def measure(sizes: list[int], ops_size: int, keep: Path | None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        for n in sizes:
            src = workbook(n)
            mb = src.stat().st_size / 1e6
            base = baseline(src)
            rows.append({"n": n, "mb": mb, "cmd": "baseline (calamine read)", **base, "ratio": 1.0})
            work = Path(tmp) / f"refresh-{n}.xlsm"
            shutil.copy(src, work)
            r = salesbook("refresh", work)
            rows.append({"n": n, "mb": mb, "cmd": "refresh", **r, "ratio": r["wall"] / base["wall"]})
            if n == ops_size and r["code"] == 0:
                for cmd, start in (("flag", work), ("clean", work), ("undo-clean", None)):
                    p = Path(tmp) / f"{cmd}-{n}.xlsm"
                    if start is not None:
                        shutil.copy(start, p)
                    else:  # undo what clean did, on the cleaned copy
                        p = Path(tmp) / f"clean-{n}.xlsm"
                    r2 = salesbook(cmd, p)
                    rows.append({"n": n, "mb": mb, "cmd": cmd, **r2, "ratio": r2["wall"] / base["wall"]})
            if keep:
                shutil.copy(work, keep / work.name)
    return rows


def table(rows: list[dict]) -> str:
    lines = [f"{'orders':>9} {'file MB':>8}  {'command':<26} {'wall s':>8} {'read s':>7} {'peak RSS MB':>12} "
             f"{'ratio':>6}  note"]
    for r in rows:
        note = "" if r["code"] == 0 else f"exit {r['code']}: {(r['err'] or r['out']).strip().splitlines()[-1:]}"
        if r["code"] == 0 and r["cmd"] != "baseline (calamine read)":
            flat = re.sub(r"\s+", "", r["out"])
            m = re.search(r"(\d+)笔订单参与分析，(\d+)行未计入", flat)
            if m:
                note = f"{m.group(1)} orders analysed, {m.group(2)} rows left out"
            elif m := re.search(r"(\d+)个(单元格|标记)", flat):
                note = f"{m.group(1)} cells {dict(flag='flagged', clean='cleaned').get(r['cmd'], 'restored')}"
        read = f"{r['read_s']:>7.2f}" if "read_s" in r else f"{'':>7}"
        goal = "  (goal ≤ 4×)" if r["cmd"] == "refresh" and r["n"] == 100_000 else ""
        lines.append(f"{r['n']:>9,} {r['mb']:>8.1f}  {r['cmd']:<26} {r['wall']:>8.2f} {read} {r['rss_mb']:>12.0f} "
                     f"{r['ratio']:>5.1f}×  {note}{goal}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated order counts (default 10000,100000)")
    ap.add_argument("--quick", action="store_true", help="10k only (flag/clean/undo-clean at 10k)")
    ap.add_argument("--ops-size", type=int, default=None,
                    help="size for flag/clean/undo-clean (default 100000, or the largest size measured)")
    ap.add_argument("--keep", type=Path, default=None, help="copy the refreshed workbooks into this folder")
    args = ap.parse_args()
    sizes = [10_000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    ops_size = args.ops_size or (100_000 if 100_000 in sizes else max(sizes))
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    rows = measure(sizes, ops_size, args.keep)
    print(table(rows))


if __name__ == "__main__":
    main()
