"""Never rewrite what you don't own: every command leaves the user's parts of the workbook byte for byte.

The workbook is a zip of parts. salesbook owns its output sheets (仪表盘 … 变更记录 and the hidden ``_salesbook_*``
sheets): their sheet parts, their relationships and everything those lead to (drawings, charts). ``xl/styles.xml``
and the shared-strings table may only grow: every existing entry unchanged and in place (user cells point at
them by index), new ones appended. ``[Content_Types].xml``, the workbook part, its relationships and ``docProps/*``
are shared: salesbook may add to them, but a second refresh must leave them as they are. Every other member is the
user's and must come back as the very same bytes.

The decorated workbook (tests/data/decorate.py) carries, on the input sheets, what users make in Excel and what a
load-and-save through a spreadsheet library loses: formulas with saved results, a Table, a picture and a text box,
sparklines, a cross-sheet dropdown, conditional formats, rich text, notes by another author with their VML, a user
chart, theme/pattern/gradient fills on cells salesbook flags, a quote-prefixed name with trailing spaces that Clean
trims, defined names, a custom XML part and a calcChain.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from copy import copy
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from salesbook.cli import main
from tests.data.decorate import (
    MAIN, REL, Package, cell_text, decorate, edit_cells, read_sst, ref_of, rels_name,
    shared_strings_part, sheet_parts, si_text, split_ref, styles_part,
)

OUTPUT_SHEETS = {"仪表盘", "业绩分析", "多维拆解", "销售漏斗", "RFM", "客户分层", "客户画像", "维护计划", "问题与策略", "异常预警", "清洗日志",
                 "分析报告", "例会材料", "变更记录"}
INPUT_SHEETS = ("订单明细", "销售目标", "客户档案", "跟进记录", "线索", "参数", "策略库")
STAMP_LABEL = "刷新时间"
ACKNOWLEDGED = {"已核实", "忽略"}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def q(tag: str, ns: str = MAIN) -> str:
    return f"{{{ns}}}{tag}"


# -- the part model --------------------------------------------------------------------------------------------
def owned_sheet(name: str) -> bool:
    return name in OUTPUT_SHEETS or name.startswith("_salesbook")


def closure(pkg: Package, part: str, seen: set[str]) -> None:
    """``part``, its relationships part and everything they lead to (drawings → charts → …), recursively."""
    if part in seen:
        return
    seen.add(part)
    if rels_name(part) in pkg:
        seen.add(rels_name(part))
        for rel in pkg.rels(part):
            if "part" in rel and rel["part"] in pkg:
                closure(pkg, rel["part"], seen)


def classify(pkg: Package) -> dict[str, str]:
    """Every member → ``owned`` | ``styles`` | ``sst`` | ``shared`` | ``user``."""
    sheets = sheet_parts(pkg)
    owned: set[str] = set()
    for name, info in sheets.items():
        if owned_sheet(name):
            closure(pkg, info["part"], owned)
    wb = pkg.workbook_part
    shared = {"[Content_Types].xml", wb, rels_name(wb)} | {n for n in pkg.names if n.startswith("docProps/")}
    special = {styles_part(pkg): "styles", shared_strings_part(pkg): "sst"}
    out = {}
    for n in pkg.names:
        if n in special:
            out[n] = special[n]
        elif n in shared:
            out[n] = "shared"
        elif n in owned:
            out[n] = "owned"
        else:
            out[n] = "user"
    return out


def user_sheet_members(pkg: Package) -> dict[str, list[str]]:
    """User sheet name → its sheet part, relationships part and comments/VML parts."""
    out = {}
    for name, info in sheet_parts(pkg).items():
        if owned_sheet(name):
            continue
        part = info["part"]
        members = [part]
        if rels_name(part) in pkg:
            members.append(rels_name(part))
            members += [r["part"] for r in pkg.rels(part) if r["Type"] in (REL["comments"], REL["vmlDrawing"])
                        and r.get("part") in pkg]
        out[name] = members
    return out


def c14n(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n")


def cells_xml(data: bytes) -> dict[str, bytes]:
    root = etree.fromstring(data, etree.XMLParser(huge_tree=True))
    return {c.get("r"): c14n(c) for c in root.iter(q("c"))}


def explain(a: Package, b: Package, name: str) -> str:
    """Why a member differs: the cells for sheet parts, the first differing bytes otherwise."""
    x, y = a.read(name), b.read(name)
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        cx, cy = cells_xml(x), cells_xml(y)
        refs = sorted(set(cx) | set(cy), key=lambda r: split_ref(r))
        diff = [r for r in refs if cx.get(r) != cy.get(r)]
        rest = "" if diff else " (outside the cells)"
        sample = "; ".join(f"{r}: {cx.get(r, b'-')[:160]!r} → {cy.get(r, b'-')[:160]!r}" for r in diff[:3])
        return f"{name}: {len(diff)} cells differ{rest} {sample}"
    i = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
    return f"{name}: differs at byte {i}: {x[max(0, i - 60):i + 80]!r} → {y[max(0, i - 60):i + 80]!r}"


def user_member_losses(before: Package, after: Package, *, only: set[str] | None = None) -> list[str]:
    """User members of ``before`` that ``after`` lost or changed (with the reason)."""
    out = []
    for name, kind in classify(before).items():
        if kind != "user" or (only is not None and name not in only):
            continue
        if name not in after:
            out.append(f"{name}: missing")
        elif before.read(name) != after.read(name):
            out.append(explain(before, after, name))
    return out


def grow_only(before: Package, after: Package, kind: str) -> list[str]:
    """Entries of styles.xml / sharedStrings.xml that were changed, moved or removed."""
    a_part = styles_part(before) if kind == "styles" else shared_strings_part(before)
    b_part = styles_part(after) if kind == "styles" else shared_strings_part(after)
    if a_part is None or a_part not in before:
        return []
    if b_part is None or b_part not in after:
        return [f"{a_part}: missing"]
    a, b = before.xml(a_part), after.xml(b_part)
    problems = []
    if kind == "sst":
        sa, sb = a.findall(q("si")), b.findall(q("si"))
        bad = [i for i, si in enumerate(sa) if i >= len(sb) or c14n(si) != c14n(sb[i])]
        if bad:
            problems.append(f"shared strings changed at {bad[:10]} ({len(bad)} entries)")
        return problems
    for section in ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs"):
        sa, sb = a.find(q(section)), b.find(q(section))
        ea = [] if sa is None else [e for e in sa if isinstance(e.tag, str)]
        eb = [] if sb is None else [e for e in sb if isinstance(e.tag, str)]
        bad = [i for i, e in enumerate(ea) if i >= len(eb) or c14n(e) != c14n(eb[i])]
        if bad:
            problems.append(f"styles <{section}> entries changed or moved: {bad[:10]} of {len(ea)}")
    fa = {n.get("numFmtId"): n.get("formatCode") for n in a.iter(q("numFmt"))}
    fb = {n.get("numFmtId"): n.get("formatCode") for n in b.iter(q("numFmt"))}
    bad = [k for k, v in fa.items() if fb.get(k) != v]
    if bad:
        problems.append(f"styles numFmts changed: {bad}")
    ca, cb = a.find(q("colors")), b.find(q("colors"))
    if ca is not None and (cb is None or c14n(ca) != c14n(cb)):
        problems.append("styles <colors> changed")
    return problems


def shared_part_losses(before: Package, after: Package) -> list[str]:
    """What the shared parts said about the user's parts and names, and no longer say."""
    out = []
    kinds = classify(before)
    ct_a, ct_b = before.xml("[Content_Types].xml"), after.xml("[Content_Types].xml")
    defaults_b = {e.get("Extension", "").lower(): e.get("ContentType") for e in ct_b if e.get("Extension")}
    over_b = {e.get("PartName"): e.get("ContentType") for e in ct_b if e.get("PartName")}
    for e in ct_a:
        if e.get("Extension") and defaults_b.get(e.get("Extension").lower()) != e.get("ContentType"):
            out.append(f"content type Default {e.get('Extension')} lost")
        pn = e.get("PartName")
        if pn and kinds.get(pn[1:]) in ("user", "sst", "styles") and over_b.get(pn) != e.get("ContentType"):
            out.append(f"content type Override {pn} lost")
    wa, wb = before.workbook_part, after.workbook_part
    rels_b = {(r["Type"], r.get("part", r["Target"])) for r in after.rels(wb)}
    for r in before.rels(wa):
        target = r.get("part", r["Target"])
        if kinds.get(target) in ("user", "sst", "styles") and (r["Type"], target) not in rels_b:
            out.append(f"workbook relationship to {target} lost")
    sa, sb = sheet_parts(before), sheet_parts(after)
    for name, info in sa.items():
        if owned_sheet(name):
            continue
        if name not in sb:
            out.append(f"sheet {name} lost")
        elif (sb[name]["part"], sb[name]["state"]) != (info["part"], info["state"]):
            out.append(f"sheet {name} moved or changed state: {info} → {sb[name]}")
    out += [f"defined name {n} lost or changed" for n in set(defined_names(before)) - set(defined_names(after))
            if n[1] is None or not owned_sheet(n[1])]  # salesbook's sheets' print areas and filters are its own
    return out


def defined_names(pkg: Package) -> list[tuple[str, str | None, str]]:
    """(name, sheet it is local to, formula) — local names keyed by sheet name, not index."""
    names = list(sheet_parts(pkg))
    out = []
    for d in pkg.xml(pkg.workbook_part).iter(q("definedName")):
        local = d.get("localSheetId")
        out.append((d.get("name"), names[int(local)] if local is not None else None, d.text or ""))
    return out


def grid(pkg: Package, sheet: str) -> dict[tuple[int, int], Any]:
    sst = read_sst(pkg)
    root = pkg.xml(sheet_parts(pkg)[sheet]["part"])
    return {split_ref(c.get("r")): cell_text(c, sst) for c in root.iter(q("c"))}


def cell_els(pkg: Package, sheet: str) -> dict[str, etree._Element]:
    """Cell reference → ``<c>`` element of a sheet (parsed once per snapshot)."""
    cache = pkg.__dict__.setdefault("_cells", {})
    if sheet not in cache:
        root = pkg.xml(sheet_parts(pkg)[sheet]["part"])
        cache[sheet] = {c.get("r"): c for c in root.iter(q("c"))}
    return cache[sheet]


def cell_el(pkg: Package, sheet: str, ref: str) -> etree._Element | None:
    return cell_els(pkg, sheet).get(ref)


def notes(pkg: Package, sheet: str) -> dict[str, tuple[str, str]]:
    """Cell → (author, text) of the sheet's notes."""
    part = sheet_parts(pkg)[sheet]["part"]
    out = {}
    for rel in pkg.rels(part):
        if rel["Type"] == REL["comments"] and rel.get("part") in pkg:
            root = pkg.xml(rel["part"])
            authors = [a.text or "" for a in root.iter(q("author"))]
            for c in root.iter(q("comment")):
                out[c.get("ref")] = (authors[int(c.get("authorId", 0))], si_text(c.find(q("text"))))
    return out


def fill_of(pkg: Package, xf_index: int) -> bytes:
    root = pkg.xml(styles_part(pkg))
    xf = [e for e in root.find(q("cellXfs")) if isinstance(e.tag, str)][xf_index]
    fills = [e for e in root.find(q("fills")) if isinstance(e.tag, str)]
    return c14n(fills[int(xf.get("fillId", 0))])


def registry(pkg: Package, sheet: str) -> list[dict[str, Any]]:
    """Rows of one of salesbook's hidden registers (e.g. ``_salesbook_flags``) keyed by its header."""
    if sheet not in sheet_parts(pkg):
        return []
    g = grid(pkg, sheet)
    if not g:
        return []
    rows, cols = max(r for r, _ in g), max(c for _, c in g)
    header = [str(g.get((1, c))) for c in range(1, cols + 1)]
    out = [{h: g.get((r, c)) for c, h in enumerate(header, start=1)} for r in range(2, rows + 1)]
    return [r for r in out if r.get("sheet")]


def flagged_cells(pkg: Package) -> set[tuple[str, int, int]]:
    return {(r["sheet"], int(r["row"]), int(r["column"])) for r in registry(pkg, "_salesbook_flags")}


def cleaned_cells(pkg: Package) -> set[tuple[str, int, int]]:
    return {(r["sheet"], int(r["row"]), int(r["column"])) for r in registry(pkg, "_salesbook_undo")}


def header_row(g: dict[tuple[int, int], Any], label: str) -> tuple[int, dict[str, int]]:
    """The row holding ``label`` among the first rows, and its header → column map."""
    for r in range(1, 8):
        row = {v: c for (rr, c), v in g.items() if rr == r and isinstance(v, str)}
        if label in row:
            return r, row
    raise AssertionError(f"no header {label!r}")


# -- running the product -------------------------------------------------------------------------------------------
def cli(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, f"salesbook {' '.join(args)} failed ({res.exit_code}): {res.output}\n{res.exception!r}"
    return res.output


def summary_counts(output: str) -> tuple[int, int]:
    flat = re.sub(r"\s+", "", output)
    m = re.search(r"(\d+)笔订单参与分析，(\d+)行未计入", flat)
    assert m, output
    return int(m.group(1)), int(m.group(2))


def data_rows(pkg: Package, sheet: str = "订单明细", last_col: int = 12) -> int:
    rows = {r for (r, c), v in grid(pkg, sheet).items() if r > 1 and c <= last_col and v not in (None, "")}
    return len(rows)


class Decorated(tuple):
    """(path, decoration info) with a short repr (hypothesis prints its arguments)."""

    def __repr__(self) -> str:
        return f"Decorated({self[0].name!r})"


@pytest.fixture(scope="session")
def decorated(small_book, tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("装饰") / "用户 装饰.xlsm"
    info = decorate(small_book, path)
    return Decorated((path, info))


@pytest.fixture(scope="session")
def plain_counts(small_book, tmp_path_factory) -> tuple[int, int]:
    p = tmp_path_factory.mktemp("plain") / "plain.xlsm"
    shutil.copy(small_book, p)
    return summary_counts(cli("refresh", str(p)))


def fresh(src: Path, folder: Path, name: str = "工作簿.xlsm") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    shutil.copy(src, p)
    return p


# -- the decorated workbook itself ---------------------------------------------------------------------------------
def test_the_decoration_is_there(decorated):
    """The fixture really holds what the other tests rely on (so a loss cannot pass because nothing was there)."""
    path, info = decorated
    pkg = Package(path)
    for part in info["parts_added"]:
        assert part in pkg, part
    kinds = classify(pkg)
    assert all(kinds[p] == "user" for p in info["parts_added"])
    orders, cells = grid(pkg, "订单明细"), cell_els(pkg, "订单明细")
    for ref, f in info["formulas"]["cells"].items():
        c = cells[ref]
        assert c.findtext(q("f")) == f["f"] and c.findtext(q("v")) == f["v"]
    assert len(info["formulas"]["cells"]) >= 40
    assert orders[split_ref(info["quote_prefix"]["cell"])] == "'t Hooft Trading  "
    flagged = {(f["sheet"], f["row"], f["column"]) for f in info["flagged"]}
    for f in info["fills"]:
        assert ("订单明细", *split_ref(f["cell"])) in flagged
    assert any(n["flagged"] and n["sheet"] == "订单明细" for n in info["notes"])
    assert any(n["flagged"] and n["sheet"] == "客户档案" for n in info["notes"])
    assert notes(pkg, "客户档案")[info["notes"][2]["cell"]][0] == "王经理"
    assert ("客户层级列表", None, "策略库!$B$2:$B$5") in defined_names(pkg)


# -- refresh ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["decorated", "plain"])
def test_refresh_leaves_every_user_member_byte_identical(which, decorated, small_book, plain_counts, tmp_path):
    src = decorated[0] if which == "decorated" else small_book
    p = fresh(src, tmp_path)
    before = Package(p)
    out = cli("refresh", str(p))
    after = Package(p)
    losses = user_member_losses(before, after)
    assert not losses, "refresh changed the user's parts:\n" + "\n".join(losses)
    assert not grow_only(before, after, "styles"), grow_only(before, after, "styles")
    assert not grow_only(before, after, "sst"), grow_only(before, after, "sst")
    assert not shared_part_losses(before, after), shared_part_losses(before, after)
    if which == "decorated":  # the user's formulas still carry their saved results (Excel shows them as is)
        info, cells = decorated[1], cell_els(after, "订单明细")
        for block in ("formulas", "formula_column"):
            for ref, f in info[block]["cells"].items():
                c = cells.get(ref)
                assert c is not None and c.findtext(q("f")) == f["f"], f"{ref}: the formula is gone"
                assert (c.findtext(q("v")) or "") == f["v"], f"{ref}: the saved result is gone"
    orders, excluded = summary_counts(out)
    assert orders + excluded == data_rows(before), "every data row is either analysed or listed as left out"
    assert (orders, excluded) == plain_counts, "formulas and decorations must not change what is analysed"


def masked(pkg: Package, name: str) -> bytes:
    """A member's bytes, with salesbook's refresh stamp masked: the dashboard cell right of 刷新时间 and the
    刷新时间 column of 变更记录 (nothing else)."""
    sheets = sheet_parts(pkg)
    stamp_sheets = {sheets[s]["part"]: s for s in ("仪表盘", "变更记录") if s in sheets}
    if name not in stamp_sheets:
        return pkg.read(name)
    sst = read_sst(pkg)
    root = pkg.xml(name)
    cells = list(root.iter(q("c")))
    labels = [split_ref(c.get("r")) for c in cells if cell_text(c, sst) == STAMP_LABEL]
    assert labels, f"no {STAMP_LABEL} label in {stamp_sheets[name]}"
    if stamp_sheets[name] == "仪表盘":
        targets = {(r, c + 1) for r, c in labels}
    else:  # the change log: the 刷新时间 column below its header
        (hr, hc), = labels[:1]
        targets = {split_ref(c.get("r")) for c in cells if split_ref(c.get("r"))[1] == hc and
                   split_ref(c.get("r"))[0] > hr}
    for c in cells:
        if split_ref(c.get("r")) in targets:
            for child in list(c):
                c.remove(child)
            c.attrib.pop("t", None)
            c.set("masked", "1")
    return c14n(root)


def test_refreshing_twice_changes_nothing_but_the_stamp(decorated, tmp_path):
    p = fresh(decorated[0], tmp_path)
    cli("refresh", str(p))
    first = Package(p)
    cli("refresh", str(p))
    second = Package(p)
    assert set(first.names) == set(second.names)
    differ = [n for n in first.names if masked(first, n) != masked(second, n)]
    assert not differ, "a second refresh rewrote:\n" + "\n".join(explain(first, second, n) for n in differ)


# -- flag / clear, clean / undo --------------------------------------------------------------------------------------
def user_sheet_losses(before: Package, after: Package) -> list[str]:
    members = {m for ms in user_sheet_members(before).values() for m in ms}
    return user_member_losses(before, after, only=members)


def test_flag_then_clear_flags_gives_back_the_users_cells_notes_and_fills(decorated, tmp_path):
    path, info = decorated
    p = fresh(path, tmp_path)
    before = Package(p)
    cli("flag", str(p))
    mid = Package(p)
    painted = flagged_cells(mid)
    assert painted, "flag painted nothing"
    for f in info["fills"]:  # the user's fancy fills are on flagged cells: flag did repaint them
        assert ("订单明细", *split_ref(f["cell"])) in painted
    for n in info["notes"]:  # the user's notes are kept while flagged, with their author
        author, text = notes(mid, n["sheet"])[n["cell"]]
        assert n["text"] in text, f"{n['sheet']}!{n['cell']}: the user's note text is gone while flagged"
    assert user_member_losses(before, mid, only={m for m in [info["chart"]["part"], info["table"]["part"],
                                                              info["picture"]["media"], info["calc_chain"]]}) == []
    cli("clear-flags", str(p))
    after = Package(p)
    for f in info["fills"]:
        ref = f["cell"]
        assert c14n(cell_el(after, "订单明细", ref)) == c14n(cell_el(before, "订单明细", ref)), ref
        assert fill_of(after, f["xf"]) == fill_of(before, f["xf"]), f"{ref}: the {f['kind']} fill is not back"
    for n in info["notes"]:
        assert notes(after, n["sheet"]).get(n["cell"]) == notes(before, n["sheet"])[n["cell"]], n
    for sheet, row, col in painted:
        a, b = cell_el(before, sheet, ref_of(row, col)), cell_el(after, sheet, ref_of(row, col))
        assert (None if a is None else c14n(a)) == (None if b is None else c14n(b)), f"{sheet}!{ref_of(row, col)}"
    assert flagged_cells(after) == set(), "clear-flags left cells registered as painted"
    losses = user_sheet_losses(before, after)
    assert not losses, "flag → clear-flags did not give back:\n" + "\n".join(losses)
    assert not grow_only(before, after, "styles")
    cli("flag", str(p))  # and flag works again on the cleared book, painting the same cells
    assert flagged_cells(Package(p)) == painted


def test_clean_then_undo_gives_back_the_quote_prefix_and_the_spaces(decorated, tmp_path):
    path, info = decorated
    p = fresh(path, tmp_path)
    before = Package(p)
    cli("clean", str(p))
    mid = Package(p)
    qp = info["quote_prefix"]
    touched = cleaned_cells(mid)
    assert ("订单明细", *split_ref(qp["cell"])) in touched, "Clean did not trim the quote-prefixed name"
    assert grid(mid, "订单明细")[split_ref(qp["cell"])] == qp["cleaned"], \
        "Clean must trim the spaces and keep the apostrophe that is part of the text"
    cm, cb = cell_els(mid, "订单明细"), cell_els(before, "订单明细")
    for ref, f in info["formulas"]["cells"].items():  # the formulas are not Clean's
        assert c14n(cm[ref]) == c14n(cb[ref]), ref
    cli("undo-clean", str(p))
    after = Package(p)
    c_before, c_after = cell_el(before, "订单明细", qp["cell"]), cell_el(after, "订单明细", qp["cell"])
    assert c14n(c_after) == c14n(c_before), "the quote-prefixed name did not come back exactly"
    assert grid(after, "订单明细")[split_ref(qp["cell"])] == qp["text"]
    for sheet, row, col in touched:
        a, b = cell_el(before, sheet, ref_of(row, col)), cell_el(after, sheet, ref_of(row, col))
        assert (None if a is None else c14n(a)) == (None if b is None else c14n(b)), f"{sheet}!{ref_of(row, col)}"
    losses = user_sheet_losses(before, after)
    assert not losses, "clean → undo-clean did not give back:\n" + "\n".join(losses)
    assert not grow_only(before, after, "styles") and not grow_only(before, after, "sst")


def test_clean_on_a_merged_range_does_not_crash(decorated, tmp_path):
    path, info = decorated
    p = fresh(path, tmp_path)
    amount_col = header_row(grid(Package(p), "订单明细"), "金额")[1]["金额"]
    target = next(c for c in info["cleaned"] if c["sheet"] == "订单明细" and c["column"] == amount_col)
    top = ref_of(target["row"], target["column"])
    below = ref_of(target["row"] + 1, target["column"])
    edit_cells(p, p, {("订单明细", below): None}, merges={"订单明细": [f"{top}:{below}"]})
    before = Package(p)
    cli("clean", str(p))
    mid = Package(p)
    assert isinstance(grid(mid, "订单明细").get(split_ref(top)), float), "the merged amount was not cleaned"
    merged = {m.get("ref") for m in mid.xml(sheet_parts(mid)["订单明细"]["part"]).iter(q("mergeCell"))}
    assert f"{top}:{below}" in merged, "the merged range is gone"
    cli("undo-clean", str(p))
    after = Package(p)
    losses = user_sheet_losses(before, after)
    assert not losses, "\n".join(losses)


# -- text that looks like a formula ----------------------------------------------------------------------------------
TRICKY = ['=HYPERLINK("http://x","click")', "+86 138 0013 8000", "-abc", "@home", "=1+1", "'已电话确认",
          "'=SUM(A1:A3)", "=cmd|' /C calc'!A0"]
USER_COLUMNS = {"维护计划": ("客户编号", ("维护内容", "下一步计划")),
                "问题与策略": ("问题编号", ("状态", "进展", "5Why")),
                "异常预警": ("预警编号", ("处理结果", "核实说明"))}


def formulas_in_owned_sheets(pkg: Package) -> list[str]:
    out = []
    for name, info in sheet_parts(pkg).items():
        if owned_sheet(name):
            root = pkg.xml(info["part"])
            out += [f"{name}!{f.getparent().get('r')}: {f.text}" for f in root.iter(q("f"))]
    return out


def test_text_that_looks_like_a_formula_stays_text_and_nothing_typed_is_lost(decorated, tmp_path):
    path, info = decorated
    p = fresh(path, tmp_path)
    pkg = Package(p)
    edits: dict[tuple[str, str], str] = {}
    busy = {(f["sheet"], f["row"]) for f in info["flagged"] + info["cleaned"]}
    orders = grid(pkg, "订单明细")
    _, oh = header_row(orders, "客户名称")
    rows = [r for r in range(20, 400) if ("订单明细", r) not in busy][:4]
    names = TRICKY[:4]
    for r, name in zip(rows, names):
        edits[("订单明细", ref_of(r, oh["客户名称"]))] = name
    cust = grid(pkg, "客户档案")
    _, ch = header_row(cust, "客户名称")
    for r, name in zip([r for r in range(5, 40) if ("客户档案", r) not in busy][:3], TRICKY[4:7]):
        edits[("客户档案", ref_of(r, ch["客户名称"]))] = name
    typed: dict[tuple[str, str, str], str] = {}
    i = 0
    for sheet, (key, cols) in USER_COLUMNS.items():
        g = grid(pkg, sheet)
        hr, hdr = header_row(g, key)
        keys = [(r, g[(r, hdr[key])]) for r in range(hr + 1, hr + 40) if g.get((r, hdr[key]))][:3]
        assert keys, f"{sheet} has no rows"
        for r, k in keys:
            for col in cols:
                value = TRICKY[i % len(TRICKY)]
                i += 1
                edits[(sheet, ref_of(r, hdr[col]))] = value
                typed[(sheet, k, col)] = value
    edit_cells(p, p, edits)
    edited = Package(p)
    cli("refresh", str(p))
    after1 = Package(p)
    assert not formulas_in_owned_sheets(after1), "salesbook wrote formulas:\n" + "\n".join(
        formulas_in_owned_sheets(after1)[:10])
    cli("refresh", str(p))
    after = Package(p)
    assert not formulas_in_owned_sheets(after), "salesbook wrote formulas:\n" + "\n".join(
        formulas_in_owned_sheets(after)[:10])
    lost = []
    for sheet, (key, cols) in USER_COLUMNS.items():
        g = grid(after, sheet)
        hr, hdr = header_row(g, key)
        by_key = {g[(r, hdr[key])]: r for (r, c) in g if c == hdr[key] and r > hr and g[(r, c)]}
        for (s, k, col), value in typed.items():
            if s != sheet:
                continue
            got = g.get((by_key[k], hdr[col])) if k in by_key and col in hdr else None
            if got != value:
                lost.append(f"{sheet} [{k}] {col}: typed {value!r}, now {got!r}")
    assert not lost, f"{len(lost)} of {len(typed)} typed values lost after two refreshes:\n" + "\n".join(lost)
    # the CRM names reached the output as text
    shown = [v for name, inf in sheet_parts(after).items() if owned_sheet(name)
             for v in grid(after, name).values() if isinstance(v, str) and v in TRICKY[:7]]
    assert shown, "none of the formula-like customer names reached an output sheet: the test proves nothing"
    losses = user_member_losses(edited, after)
    assert not losses, "\n".join(losses)


# -- acknowledgements follow the business key ------------------------------------------------------------------------
def test_an_acknowledgement_follows_its_order_when_the_rows_are_sorted(small_book, tmp_path):
    """A user marks an order-level alert 已核实, then sorts 订单明细: the mark stays with that order."""
    import openpyxl

    p = fresh(small_book, tmp_path)
    wb = openpyxl.load_workbook(p, keep_vba=True)
    alerts = wb["异常预警"]
    hdr_row = next(r for r in range(1, 6) if "预警编号" in [c.value for c in alerts[r]])
    hdr = {c.value: c.column for c in alerts[hdr_row]}
    order_level = [(r, str(alerts.cell(r, hdr["预警编号"]).value), str(alerts.cell(r, hdr["对象"]).value))
                   for r in range(hdr_row + 1, alerts.max_row + 1)
                   if re.match(r"(unit_slip|outlier)\|", str(alerts.cell(r, hdr["预警编号"]).value or ""))]
    assert len(order_level) >= 2, "need two order-level alerts"
    ack_row, ack_key, ack_order = order_level[0]
    ack_rule = ack_key.split("|", 1)[0]
    alerts.cell(ack_row, hdr["处理结果"]).value = "已核实"
    orders = wb["订单明细"]
    last = max(r for r in range(2, orders.max_row + 1) if orders.cell(r, 1).value)
    rows = [[(c.value, copy(c._style)) for c in row] for row in orders.iter_rows(min_row=2, max_row=last)]
    for r, row in zip(range(2, last + 1), reversed(rows)):  # sorted by 订单编号, descending
        for c, (value, style) in enumerate(row, start=1):
            cell = orders.cell(r, c)
            cell.value = value
            cell._style = style
    wb.save(p)
    cli("refresh", str(p))
    cli("flag", str(p))
    pkg = Package(p)
    g = grid(pkg, "异常预警")
    hr, h = header_row(g, "预警编号")
    table = [(str(g.get((r, h["预警编号"]))), str(g.get((r, h["对象"]))), g.get((r, h["处理结果"])))
             for r in range(hr + 1, hr + 500) if g.get((r, h["预警编号"]))]
    mine = [d for k, subject, d in table if k.startswith(ack_rule + "|") and subject == ack_order]
    assert mine == ["已核实"], f"the acknowledgement did not stay with order {ack_order}: {mine}"
    acked = [(k, subject) for k, subject, d in table if d in ACKNOWLEDGED]
    assert len(acked) == 1, f"other alerts got acknowledged: {acked}"
    og = grid(pkg, "订单明细")
    _, oh = header_row(og, "订单编号")
    row_of = {v: r for (r, c), v in og.items() if c == oh["订单编号"] and r > 1}
    painted = flagged_cells(pkg)
    assert ("订单明细", row_of[ack_order], oh["金额"]) not in painted, "the acknowledged order was painted"
    for _, key, order in order_level[1:]:
        assert ("订单明细", row_of[order], oh["金额"]) in painted, f"{key} is not painted at its new row"


# -- LibreOffice -------------------------------------------------------------------------------------------------
@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_refreshed_decorated_book_with_the_formula_values(decorated, tmp_path):
    import openpyxl

    path, info = decorated
    p = fresh(path, tmp_path, "refreshed.xlsm")
    cli("refresh", str(p))
    out = tmp_path / "lo"
    out.mkdir()
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{out}/profile",
                    "--convert-to", "xlsx", "--outdir", str(out), str(p)], check=True, capture_output=True,
                   timeout=240)
    wb = openpyxl.load_workbook(out / "refreshed.xlsx", data_only=True)
    ws = wb["订单明细"]
    for block in ("formulas", "formula_column"):
        for ref, f in info[block]["cells"].items():
            got = ws[ref].value
            if f["v"] == "":
                assert got in (None, ""), ref
            else:
                assert got == pytest.approx(float(f["v"]), rel=1e-12, abs=1e-9), ref
    assert ws[info["quote_prefix"]["cell"]].value == info["quote_prefix"]["text"]
    assert set(INPUT_SHEETS) <= set(wb.sheetnames) and "仪表盘" in wb.sheetnames
    # what LibreOffice saw of the user's decorations
    lo = Package(out / "refreshed.xlsx")
    lo_sheets = sheet_parts(lo)
    assert any(n.startswith("xl/media/") and n.endswith(".png") for n in lo.names), "the picture is gone"
    assert b"sparklineGroup" in lo.read(lo_sheets["销售目标"]["part"]), "the sparklines are gone"
    assert any("销售目标".encode() in lo.read(n) for n in lo.names if n.startswith("xl/charts/")), "the user chart is gone"
    assert info["table"]["name"] in ws.tables, "the Table is gone"
    cf = {str(r.sqref) for r in ws.conditional_formatting}
    assert {c["sqref"] for c in info["conditional_formats"]} <= cf, "conditional formats are gone"
    dv = {str(d.sqref) for d in wb["客户档案"].data_validations.dataValidation}
    assert {d["sqref"] for d in info["dropdowns"]} <= dv, "the dropdowns are gone"
    assert set(info["defined_names"]) <= set(wb.defined_names), "defined names are gone"
    for n in info["notes"]:
        c = wb[n["sheet"]][n["cell"]].comment
        assert c is not None and n["text"] in c.text, f"{n['sheet']}!{n['cell']}: the note is gone"


# -- random button sequences -----------------------------------------------------------------------------------------
OPS = ("refresh", "flag", "clear", "clean", "undo")


def _run(path: Path, op: str) -> None:
    from salesbook import actions
    from salesbook.excel import engine

    book = engine.open_book(path)
    {"refresh": lambda: actions.refresh(book, now=dt.datetime(2026, 11, 25, 9, 0)),
     "flag": lambda: actions.flag(book), "clear": lambda: actions.clear_flags(book),
     "clean": lambda: actions.clean(book), "undo": lambda: actions.undo_clean(book)}[op]()
    book.save()


def outside_cells(data: bytes) -> bytes:
    """A sheet part without its cells and its note-drawing link (what flag may add while notes are painted)."""
    root = etree.fromstring(data, etree.XMLParser(huge_tree=True))
    for tag in ("sheetData", "legacyDrawing"):
        for el in root.findall(q(tag)):
            root.remove(el)
    return etree.tostring(root, method="c14n", exclusive=True)


def step_violations(start: Package, now: Package) -> list[str]:
    """User parts changed beyond what the commands own: flagged cells (fill, note), cleaned cells (value)."""
    allowed = flagged_cells(now) | cleaned_cells(now)
    sheets = sheet_parts(start)
    per_sheet = user_sheet_members(start)
    sheet_members = {m for ms in per_sheet.values() for m in ms}
    out = [m for m in user_member_losses(start, now) if m.split(":")[0] not in sheet_members]
    for name, members in per_sheet.items():
        part = sheets[name]["part"]
        if part not in now:
            out.append(f"{part}: missing")
            continue
        if outside_cells(start.read(part)) != outside_cells(now.read(part)):
            out.append(f"{name}: the sheet changed outside its cells (columns, views, formats, tables, …)")
        a, b = cells_xml(start.read(part)), cells_xml(now.read(part))
        for ref in set(a) | set(b):
            if a.get(ref) != b.get(ref) and (name, *split_ref(ref)) not in allowed:
                out.append(f"{name}!{ref} changed but is neither flagged nor cleaned")
        na, nb = notes(start, name), notes(now, name)
        for ref, (author, text) in na.items():
            if (name, *split_ref(ref)) not in allowed and nb.get(ref) != (author, text):
                out.append(f"{name}!{ref}: the user's note changed")
            elif ref not in nb or text not in nb[ref][1]:
                out.append(f"{name}!{ref}: the user's note text is gone")
    return out


@settings(max_examples=int(os.environ.get("SALESBOOK_LOSSLESS_EXAMPLES", 3)), deadline=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],  # sequences are ≤ 3 steps: nothing to shrink
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@pytest.mark.slow
@given(ops=st.lists(st.sampled_from(OPS), min_size=1, max_size=3))
def test_random_button_sequences_lose_nothing(decorated, tmp_path_factory, ops):
    p = fresh(decorated[0], tmp_path_factory.mktemp("seq"))
    start = Package(p)
    for i, op in enumerate(ops):
        _run(p, op)
        problems = step_violations(start, Package(p))
        assert not problems, f"after {ops[:i + 1]}:\n" + "\n".join(problems[:20])
    _run(p, "clear")
    _run(p, "undo")
    end = Package(p)
    losses = user_member_losses(start, end)
    assert not losses, f"after {ops} + clear-flags + undo-clean:\n" + "\n".join(losses)
    assert not grow_only(start, end, "styles") and not grow_only(start, end, "sst")
