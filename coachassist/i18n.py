"""User-facing strings in Dutch and English, from one source: ``messages/*.toml``.

Each area keeps its own file (core, tui, report); keys must be unique across files.

Parsing the ~90 KB of TOML took ~15 ms of every command's start-up, so the flat catalogue is
kept as JSON in the user's data folder, keyed by a hash of every message file; any edit means
a fresh parse. The cache is read only when it is this user's own file in this user's own folder
(as the knowledge-base cache), and must have the catalogue's shape; otherwise it is ignored.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable
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
    """Every message by dotted key: ``{"nl": ..., "en": ...}``."""
    import hashlib

    sources = [(path.name, path.read_bytes()) for path in sorted(_MESSAGES.glob("*.toml"))]
    digest = hashlib.sha256()
    for name, data in sources:
        digest.update(f"{name}:{len(data)}:".encode() + data)
    key = digest.hexdigest()
    cached = _read_cache(key)
    if cached is not None:
        return cached
    flat = _parse(data for _, data in sources)
    _write_cache(key, flat)
    return flat


def _parse(documents: Iterable[bytes]) -> dict[str, dict[str, str]]:
    import tomllib

    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, table: dict) -> None:
        if set(table) == {"nl", "en"} and all(isinstance(v, str) for v in table.values()):
            flat[prefix] = table
            return
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}.{key}" if prefix else key, value)

    for data in documents:
        walk("", tomllib.loads(data.decode("utf-8")))
    return flat


def _cache_file() -> Path:
    from coachassist.workspace import data_dir

    return data_dir() / "messages-cache.json"


def _read_cache(key: str) -> dict[str, dict[str, str]] | None:
    from coachassist.workspace import owned_by_this_user_only

    path = _cache_file()
    try:
        with path.open("rb") as fh:
            if not owned_by_this_user_only(fh.fileno(), path.parent):
                return None
            data = json.load(fh)
    except Exception:  # no cache yet, or one that cannot be read: parse afresh
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    messages = data.get("messages")
    if not isinstance(messages, dict):
        return None
    for entry in messages.values():
        if not isinstance(entry, dict) or entry.keys() != {"nl", "en"}:
            return None
        if not (isinstance(entry["nl"], str) and isinstance(entry["en"], str)):
            return None
    return messages


def _write_cache(key: str, flat: dict[str, dict[str, str]]) -> None:
    from coachassist.atomic import write_atomic
    from coachassist.errors import UserError

    text = json.dumps({"key": key, "messages": flat}, ensure_ascii=False)
    with contextlib.suppress(UserError):  # a cache is a convenience; the messages were read
        write_atomic(_cache_file(), text, make_folder=True)


def t(key: str, lang: Lang = "en", /, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled in; a value that is itself
    a ``Message`` (or has ``render(lang)``, as a UserError) is put in the same language."""
    entry = _catalog().get(key)
    if entry is None:
        raise KeyError(f"no message {key!r} in {_MESSAGES}/*.toml")
    if not values:
        return entry[lang]
    for name, value in values.items():
        if hasattr(type(value), "render"):
            values[name] = value.render(lang)  # type: ignore[attr-defined]
    return entry[lang].format(**values)


class Message:
    """A catalogue message whose language is chosen later, where the reader's language is known
    (the CLI's ``--lang``, the app's setting): ``render(lang)``. ``str()`` is the English."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values = values

    def render(self, lang: Lang = "en") -> str:
        return t(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Message({self.key!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.key, self.values) == (other.key, other.values)

    __hash__ = None  # type: ignore[assignment]  # values may be unhashable


def keys() -> list[str]:
    return sorted(_catalog())


# The operating system's reasons a user meets most, by errno; the English is the system's own
_OS_REASONS = {
    "ENOENT": "os.no_such_file",
    "EACCES": "os.permission_denied",
    "EPERM": "os.not_permitted",
    "ENOSPC": "os.no_space",
    "EROFS": "os.read_only",
    "EISDIR": "os.is_folder",
    "ENOTDIR": "os.not_folder",
    "EADDRINUSE": "os.address_in_use",
    "EADDRNOTAVAIL": "os.address_not_available",
}


def os_reason(error: OSError) -> Message | str:
    """Why an OSError happened, in the reader's language where the catalogue says it (the
    system's own words otherwise, and always where its English differs from the catalogue's)."""
    import errno

    said = error.strerror or type(error).__name__
    key = _OS_REASONS.get(errno.errorcode.get(error.errno or 0, ""))
    if key is None or t(key, "en") != said:
        return said
    return Message(key)


def recognise(text: str, candidates: Iterable[str]) -> Message | None:
    """The message among ``candidates`` whose English ``text`` is, with the values read back
    out of it (for English written by code that cannot use the catalogue: argparse, the engine
    worker), or None."""
    for key in candidates:
        found = _template(key).fullmatch(text)
        if found:
            return Message(key, **found.groupdict())
    return None


@cache
def _template(key: str) -> re.Pattern[str]:
    """A message's English as a regular expression, each ``{name}`` a group."""
    parts = re.split(r"\{(\w+)\}", t(key, "en"))
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)),
        re.DOTALL,
    )
