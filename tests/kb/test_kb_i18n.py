"""Every message exists in Dutch and English, with the same placeholders in both."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path
from typing import Any

import pytest

from coachassist import i18n
from coachassist.i18n import LANGS, keys, t

PACKAGE = Path(i18n.__file__).resolve().parent
MESSAGE_FILES = sorted((PACKAGE / "messages").glob("*.toml"))


def _leaves(prefix: str, table: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every table that holds a string, keyed by its dotted path (read from the raw TOML, so a
    message with only one language, which the catalogue would silently skip, is seen too)."""
    found = []
    if any(not isinstance(value, dict) for value in table.values()):
        found.append((prefix, table))
    for key, value in table.items():
        if isinstance(value, dict):
            found += _leaves(f"{prefix}.{key}" if prefix else key, value)
    return found


def _messages() -> list[tuple[Path, str, dict[str, Any]]]:
    return [
        (path, key, entry)
        for path in MESSAGE_FILES
        for key, entry in _leaves("", tomllib.loads(path.read_text("utf-8")))
    ]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_there_are_messages() -> None:
    assert MESSAGE_FILES
    assert "check.ok" in keys()


@pytest.mark.parametrize(("path", "key", "entry"), _messages(), ids=lambda v: str(v)[:60])
def test_message_has_nl_and_en_with_the_same_placeholders(
    path: Path, key: str, entry: dict[str, Any]
) -> None:
    where = f"{path.name}: [{key}]"
    assert set(entry) == {"nl", "en"}, f"{where}: has {sorted(entry)}, needs exactly nl and en"
    for lang in LANGS:
        assert isinstance(entry[lang], str), f"{where}.{lang} is not text"
        assert entry[lang].strip(), f"{where}.{lang} is empty"
    nl, en = _placeholders(entry["nl"]), _placeholders(entry["en"])
    assert nl == en, f"{where}: nl has {sorted(nl)}, en has {sorted(en)}"


def test_keys_are_unique_across_files() -> None:
    seen: dict[str, Path] = {}
    for path, key, _ in _messages():
        assert key not in seen, f"[{key}] is in both {seen[key].name} and {path.name}"
        seen[key] = path


def test_every_key_formats_in_both_languages() -> None:
    for key in keys():
        for lang in LANGS:
            entry = i18n._catalog()[key][lang]
            values = {name: "x" for name in _placeholders(entry)}
            assert t(key, lang, **values)


def test_keys_named_in_the_code_exist() -> None:
    """A literal key in t("...") or _text("...") anywhere in the package has a message."""
    call = re.compile(r"""\b(?:t|_text)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for key in call.findall(path.read_text("utf-8")):
            if key not in keys():
                missing.append(f"{path.relative_to(PACKAGE.parent)}: {key}")
    assert missing == []


def test_default_language_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    assert i18n.default_lang() == "en"
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    assert i18n.default_lang() == "nl"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.default_lang() == "en"


@pytest.fixture
def fresh_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private data folder and no catalogue read yet in this process."""
    home = tmp_path / "home"
    monkeypatch.setenv("COACHASSIST_HOME", str(home))
    i18n._catalog.cache_clear()
    yield home
    i18n._catalog.cache_clear()


def _parsed() -> dict[str, dict[str, str]]:
    return i18n._parse(path.read_bytes() for path in MESSAGE_FILES)


def test_the_cached_catalogue_is_the_parsed_one(fresh_catalog: Path) -> None:
    first = i18n._catalog()  # parsed, then written to the data folder
    assert (fresh_catalog / "messages-cache.json").is_file()
    i18n._catalog.cache_clear()
    assert i18n._catalog() == first == _parsed()


def _plant(home: Path, key: str | None = None, messages: Any = None) -> None:
    import json

    real = json.loads((home / "messages-cache.json").read_text("utf-8"))
    planted = {
        "key": key or real["key"],
        "messages": messages or {**real["messages"], "check.ok": {"nl": "ZZ", "en": "ZZ"}},
    }
    (home / "messages-cache.json").write_text(json.dumps(planted), "utf-8")
    i18n._catalog.cache_clear()


def test_a_cache_of_other_message_files_or_of_another_shape_is_ignored(
    fresh_catalog: Path,
) -> None:
    i18n._catalog()
    _plant(fresh_catalog)  # the right key: a cache is trusted for what it says
    assert t("check.ok", "en") == "ZZ"
    _plant(fresh_catalog, key="0" * 64)  # the message files changed since
    assert t("check.ok", "en") == _parsed()["check.ok"]["en"]
    for odd in ({"check.ok": {"nl": "x"}}, {"check.ok": {"nl": 1, "en": "x"}}, ["x"]):
        i18n._catalog()
        _plant(fresh_catalog, messages=odd)
        assert i18n._catalog() == _parsed(), odd


def test_a_cache_others_could_write_is_never_read(fresh_catalog: Path) -> None:
    i18n._catalog()
    for file_mode, folder_mode in ((0o606, 0o700), (0o600, 0o777)):
        _plant(fresh_catalog)
        (fresh_catalog / "messages-cache.json").chmod(file_mode)
        fresh_catalog.chmod(folder_mode)
        assert t("check.ok", "en") == _parsed()["check.ok"]["en"]
    fresh_catalog.chmod(0o700)
