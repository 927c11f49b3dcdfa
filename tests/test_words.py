"""The language files (salesbook/words/*.toml): every language has every word, with the same placeholders,
and every key the code asks for exists — so adding a language is one file, and a missing word fails here,
not in a user's workbook."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest

from salesbook import messages, vocab, words

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "salesbook" / "words").glob("*.toml"))


def _load(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _leaves(table: dict, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_leaves(value, (*prefix, key)))
        else:
            out[(*prefix, key)] = value
    return out


def _fields(value: object) -> set[str]:
    texts = value if isinstance(value, list) else [value]
    return {f for t in texts if isinstance(t, str) for _, f, _, _ in string.Formatter().parse(t) if f is not None}


REFERENCE = _leaves(_load(ROOT / "salesbook" / "words" / "zh.toml"))


def test_languages_are_the_files_reference_first():
    assert words.LANGS[0] == "zh" and set(words.LANGS) == {p.stem for p in FILES} and len(FILES) >= 2
    assert vocab.LANGS == words.LANGS


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_language_has_every_word_with_the_same_placeholders(path):
    table = _leaves(_load(path))
    assert table[("language", "code")] == path.stem
    missing = sorted(".".join(k) for k in REFERENCE.keys() - table.keys())
    extra = sorted(".".join(k) for k in table.keys() - REFERENCE.keys())
    assert not missing and not extra, f"{path.name}: missing {missing[:10]}, not in zh.toml {extra[:10]}"
    # a language may leave a value out ("1 row" needs no count) but never ask for one the code does not give
    wrong = [".".join(k) for k, v in REFERENCE.items() if not _fields(table[k]) <= _fields(v)]
    assert not wrong, f"{path.name}: placeholders not in zh.toml in {wrong}"
    empty = [".".join(k) for k, v in table.items() if v in ("", [])]
    assert not empty or path.stem == "zh", f"{path.name}: empty words {empty}"


def test_a_missing_word_falls_back_to_chinese_and_an_unknown_key_fails_loudly():
    assert words.word("xx", "domain", "band", "met") == "达标"  # a language without the word
    assert words.word("en", "domain", "band", "met") == "Met"
    with pytest.raises(KeyError):
        words.word("en", "domain", "band", "no_such_code")


def _literal_keys() -> dict[str, list[str]]:
    """Message keys the package names literally: msg("…") and words.word(lang, "message", "…")."""
    found: dict[str, list[str]] = {}
    for path in (ROOT / "salesbook").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "msg" \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.setdefault(node.args[0].value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_message_the_code_names_is_in_the_files():
    used = _literal_keys()
    assert len(used) > 100  # the finder finds the calls
    missing = {k: where for k, where in used.items() if k not in messages.CATALOGUE}
    assert not missing, missing


def test_every_word_path_the_code_names_is_in_the_files():
    """words.word(lang, "a", "b") with literal path parts: the reference file has that key."""
    bad = []
    for path in (ROOT / "salesbook").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "word" and len(node.args) > 1 \
                    and all(isinstance(a, ast.Constant) for a in node.args[1:]):
                key = tuple(a.value for a in node.args[1:])
                if key not in REFERENCE:
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {'.'.join(key)}")
    assert not bad, bad


def test_the_files_are_tidy():
    """Keys are codes (no CJK in a key), and each file parses on its own (no duplicate keys: tomllib refuses)."""
    cjk = re.compile(r"[\u3400-\u9fff]")
    for path in FILES:
        keys = [k for k in _leaves(_load(path)) if any(cjk.search(part) for part in k)]
        allowed = {("domain", "blank", "(未填)"), ("unit", "元"), ("unit", "万元")}  # stored values, not words
        assert set(keys) <= allowed, f"{path.name}: {keys}"


def test_no_language_is_named_in_code():
    """No `lang == "zh"`, `if zh else`, `("zh", "en")` in the package: words come from the files, so a new file is
    a new language everywhere. words.REFERENCE names the reference language once."""
    found = []
    for path in (ROOT / "salesbook").rglob("*.py"):
        if path.parent.name == "words":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Compare):
                consts = [c.value for c in (node.left, *node.comparators) if isinstance(c, ast.Constant)]
                if any(v in ("zh", "en") for v in consts):
                    found.append(where)
            elif isinstance(node, ast.IfExp) and isinstance(node.test, ast.Name) and node.test.id in ("zh", "en"):
                found.append(where)
            elif isinstance(node, ast.Tuple) and [getattr(e, "value", None) for e in node.elts] == ["zh", "en"]:
                found.append(where)
    assert not found, f"language named in code: {found}"
