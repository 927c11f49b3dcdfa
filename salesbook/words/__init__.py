"""salesbook's words: one TOML file per language in this folder (``zh.toml``, ``en.toml``).

A language file holds every word the product shows in that language — vocabulary labels by code,
column headers, units, sentences, sheet names, input headers, settings notes, playbook rows, errors,
command-line text — under the same keys in every file. Code never holds a word; it asks for one by
key (:func:`word`) or gets all languages' words for a key at once (:func:`pairs`), in :data:`LANGS`
order. Adding a language is adding one file here: :data:`LANGS` lists every file, Chinese first
(the reference every other file must match; ``tests/test_words.py`` checks keys and placeholders).
A key missing from a file falls back to the Chinese word, so a half-translated file still runs.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REFERENCE = "zh"


def _files() -> dict[str, dict[str, Any]]:
    out = {}
    for entry in resources.files(__package__).iterdir():
        if entry.name.endswith(".toml"):
            out[entry.name[:-5]] = tomllib.loads(entry.read_text(encoding="utf-8"))
    return out


_WORDS = _files()
LANGS: tuple[str, ...] = (REFERENCE, *sorted(lang for lang in _WORDS if lang != REFERENCE))


def section(lang: str, *path: str) -> dict[str, Any]:
    """The table at ``path`` of ``lang``'s file (``section("en", "domain", "band")``); {} if absent."""
    table: Any = _WORDS.get(lang, {})
    for part in path:
        table = table.get(part, {}) if isinstance(table, dict) else {}
    return table if isinstance(table, dict) else {}


def word(lang: str, *path: str) -> Any:
    """One word (``word("en", "sheet", "orders")``); the Chinese word when ``lang`` lacks it.

    Raises KeyError when even the reference file lacks the key: a typo shows at once."""
    *where, key = path
    table = section(lang, *where)
    if key in table:
        return table[key]
    return section(REFERENCE, *where)[key]


@cache
def pairs(*path: str) -> dict[str, tuple[Any, ...]]:
    """key → its word in every language (:data:`LANGS` order) for the table at ``path``, in the
    reference file's key order: ``pairs("domain", "band")["met"]`` → ``("达标", "Met")``."""
    return {key: tuple(section(lang, *path).get(key, ref) for lang in LANGS)
            for key, ref in section(REFERENCE, *path).items()}


def index(lang: str) -> int:
    """``lang``'s position in :data:`LANGS` (the reference's for an unknown language)."""
    return LANGS.index(lang) if lang in LANGS else 0


def name(lang: str) -> str:
    """A language's own name (中文, English), as 参数 shows it."""
    return str(word(lang, "language", "name"))
