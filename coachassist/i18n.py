"""User-facing strings in Dutch and English, from one source: ``messages/*.toml``.

Each area keeps its own file (core, tui, report); keys must be unique across files.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
_MESSAGES = Path(__file__).with_name("messages")


def default_lang() -> Lang:
    """Dutch when the system locale is Dutch, else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


@cache
def _catalog() -> dict[str, dict[str, str]]:
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, table: dict) -> None:
        if set(table) == {"nl", "en"} and all(isinstance(v, str) for v in table.values()):
            flat[prefix] = table
            return
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}.{key}" if prefix else key, value)

    for path in sorted(_MESSAGES.glob("*.toml")):
        with path.open("rb") as fh:
            walk("", tomllib.load(fh))
    return flat


def t(key: str, lang: Lang = "en", /, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    entry = _catalog().get(key)
    if entry is None:
        raise KeyError(f"no message {key!r} in {_MESSAGES}/*.toml")
    return entry[lang].format(**values) if values else entry[lang]


def keys() -> list[str]:
    return sorted(_catalog())
