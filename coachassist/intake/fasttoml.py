"""A fast reader for the plain TOML that intake files almost always are, with tomllib behind it.

tomllib is pure Python and spends ~6 µs per ``key = value`` line; an intake is mostly lines
like ``trust_1 = 4``, so reading 10,000 teams or an organisation-wide intake was almost all
TOML parsing. ``loads`` reads only a strict subset, written the way tomli-w (and so every
coachassist writer) writes it:

- ``[a.b]`` and ``[[a]]`` headers of bare keys; ``key = value`` with a bare key;
- values: integers (no sign other than ``-``, no ``_``, no leading zero), decimals like
  ``2.5``, ``true``/``false``, basic strings without any backslash, and arrays of such
  strings, on one line or one per line as tomli-w writes them;
- blank lines and whole-line comments.

Anything else (an escape, an inline table, a dotted or quoted key, a key or table defined
twice, a control character, ...) returns ``None`` and the caller parses with tomllib, which
also gives the error message. So a file is either read exactly as tomllib reads it, or by
tomllib itself; tests/inputs/test_fasttoml.py holds the two to the same result.
"""

from __future__ import annotations

import re
from typing import Any

_KEY = r"[A-Za-z0-9_-]+"
_STR = r'"[^"\\\x00-\x1f\x7f]*"'
_LINE = re.compile(
    rf"(?:(?P<key>{_KEY}) = (?P<value>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|true|false|{_STR}"
    rf"|\[(?: *{_STR} *,)* *(?:{_STR} *)?\]|\[)"
    rf"|\[(?P<table>{_KEY}(?:\.{_KEY})*)\]"
    rf"|\[\[(?P<array>{_KEY}(?:\.{_KEY})*)\]\]"
    r"|(?P<blank> *(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?))\Z"
)
_INT = r"(?:0|[1-9][0-9]*)"
_RUN = re.compile(rf"(?:{_KEY} = {_INT}\n)+")
_PAIR = re.compile(rf"({_KEY}) = ({_INT})\n")
_ITEM = re.compile(rf" *(?P<item>{_STR}),\Z")
_STRINGS = re.compile(_STR)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class _Unusual(Exception):
    """Outside the subset: let tomllib read it."""


def loads(text: str) -> dict[str, Any] | None:
    """The document as tomllib would read it, or None when it is not in the plain subset."""
    if _CONTROL.search(text.replace("\r\n", "\n")):
        return None
    try:
        return _parse(text.replace("\r\n", "\n"))
    except _Unusual:
        return None


def _parse(text: str) -> dict[str, Any]:
    root: dict[str, Any] = {}
    table = root
    arrays: set[int] = set()  # arrays of tables ([[a]]); a value array may not take tables
    pos, size = 0, len(text)
    while pos < size:
        run = _RUN.match(text, pos)
        if run:  # most of an intake: lines of answers, `trust_1 = 4`, read as one block
            pairs = _PAIR.findall(run.group())
            keys = [key for key, _ in pairs]
            if len(set(keys)) != len(keys) or not table.keys().isdisjoint(keys):
                raise _Unusual
            table.update(zip(keys, map(int, (raw for _, raw in pairs)), strict=True))
            pos = run.end()
            continue
        line, pos = _line(text, pos)
        found = _LINE.match(line)
        if found is None:
            raise _Unusual
        if found["key"]:
            key, raw = found["key"], found["value"]
            if key in table:
                raise _Unusual
            if raw == "[":  # a multi-line array of strings, one per line, "]" alone at the end
                items: list[str] = []
                while True:
                    if pos >= size:
                        raise _Unusual
                    line, pos = _line(text, pos)
                    if line == "]":
                        break
                    item = _ITEM.match(line)
                    if item is None:
                        raise _Unusual
                    items.append(item["item"][1:-1])
                table[key] = items
            else:
                table[key] = _value(raw)
        elif found["table"]:
            table = _table(root, found["table"].split("."))
        elif found["array"]:
            table = _array(root, found["array"].split("."), arrays)
    return root


def _line(text: str, pos: int) -> tuple[str, int]:
    """The line from ``pos`` (without its newline) and where the next one starts."""
    end = text.find("\n", pos)
    if end == -1:
        return text[pos:], len(text)
    return text[pos:end], end + 1


def _value(raw: str) -> Any:
    if raw[0] == '"':
        return raw[1:-1]
    if raw[0] == "[":
        return [s[1:-1] for s in _STRINGS.findall(raw)]
    if raw in ("true", "false"):
        return raw == "true"
    return float(raw) if "." in raw else int(raw)


def _parent(root: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    """The table that holds the last part; the last table of an array of tables."""
    node = root
    for part in parts:
        child = node.setdefault(part, {})
        if isinstance(child, list):
            if not child or not isinstance(child[-1], dict):
                raise _Unusual
            child = child[-1]
        if not isinstance(child, dict):
            raise _Unusual
        node = child
    return node


def _table(root: dict[str, Any], parts: list[str]) -> dict[str, Any]:
    parent = _parent(root, parts[:-1])
    if parts[-1] in parent:  # defined before, or created implicitly: tomllib's rules differ
        raise _Unusual
    new: dict[str, Any] = {}
    parent[parts[-1]] = new
    return new


def _array(root: dict[str, Any], parts: list[str], arrays: set[int]) -> dict[str, Any]:
    parent = _parent(root, parts[:-1])
    existing = parent.get(parts[-1])
    if existing is None:
        existing = parent[parts[-1]] = []
        arrays.add(id(existing))
    elif not isinstance(existing, list) or id(existing) not in arrays:
        raise _Unusual
    new: dict[str, Any] = {}
    existing.append(new)
    return new
