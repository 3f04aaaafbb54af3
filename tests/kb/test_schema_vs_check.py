"""The JSON Schema (editor help) and ``coachassist check`` agree: every bundled and documented
file passes both, and each typical mistake is rejected by both."""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from coachassist.kb.loader import bundled_dirs
from coachassist.kb.models import FILE_KINDS, KIND_KEYS
from coachassist.kb.schema import schema_document
from tests.kb.kbfiles import FILES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _kind(data: dict[str, Any]) -> str | None:
    kinds = [KIND_KEYS[key] for key in data if key in KIND_KEYS]
    return kinds[0] if len(kinds) == 1 else None


def _documents() -> list[tuple[str, dict[str, Any]]]:
    """Every bundled file, every TOML block of the docs that is a whole file, the mini files."""
    found = []
    for folder in bundled_dirs():
        for path in sorted(folder.rglob("*.toml")):
            found.append((str(path), tomllib.loads(path.read_text("utf-8"))))
    for page in sorted(DOCS.glob("*.md")):
        for number, block in enumerate(
            re.findall(r"^```toml\n(.*?)^```", page.read_text(), re.S | re.M)
        ):
            data = tomllib.loads(block)
            if _kind(data) and ("questions" not in data or "id" in data):
                found.append((f"{page.name}#{number}", data))
    found += [(name, tomllib.loads(text)) for name, text in FILES.items()]
    return [(name, data) for name, data in found if _kind(data)]


SCHEMAS = {kind: Draft202012Validator(schema_document(kind)) for kind in FILE_KINDS}


def _verdicts(data: dict[str, Any]) -> tuple[bool, bool]:
    kind = _kind(data)
    assert kind
    try:
        FILE_KINDS[kind].model_validate(data)
        model_ok = True
    except ValidationError:
        model_ok = False
    return SCHEMAS[kind].is_valid(data), model_ok


@pytest.mark.parametrize("name,data", _documents(), ids=lambda v: v if isinstance(v, str) else "")
def test_schema_and_check_accept_every_bundled_and_documented_file(
    name: str, data: dict[str, Any]
) -> None:
    assert _verdicts(data) == (True, True), name


FORMAT = tomllib.loads(FILES["rules/formats.toml"])
DYSFUNCTIONS = tomllib.loads(FILES["rules/dysfunctions.toml"])
RULES = tomllib.loads(FILES["rules/rules.toml"])
CASES = tomllib.loads(FILES["rules/cases.toml"])


def _changed(base: dict[str, Any], key: str, change: Callable[[dict[str, Any]], None]) -> Any:
    document = copy.deepcopy(base)
    change(document[key][0])
    return document


MISTAKES = {
    "minutes-quoted": _changed(FORMAT, "formats", lambda f: f.update(minutes="90")),
    "group-min-quoted": _changed(FORMAT, "formats", lambda f: f.update(group_min="3")),
    "recurring-quoted": _changed(FORMAT, "formats", lambda f: f.update(recurring="true")),
    "level-quoted": _changed(DYSFUNCTIONS, "dysfunctions", lambda d: d.update(level="3")),
    "mean-quoted": _changed(
        CASES, "cases", lambda c: c["given"].update(scores={"trust": {"mean": "2.0"}})
    ),
    "then-two-conclusions": _changed(
        RULES, "rules", lambda r: r.update(then={"signal": "x", "suggest": ["checkin_wish"]})
    ),
    "then-empty": _changed(RULES, "rules", lambda r: r.update(then={})),
    "then-no-severity": _changed(RULES, "rules", lambda r: r.update(then={"dysfunction": "x"})),
    "then-severity-alone": _changed(
        RULES, "rules", lambda r: r.update(then={"signal": "x", "severity": "low"})
    ),
    "then-empty-suggest": _changed(RULES, "rules", lambda r: r.update(then={"suggest": []})),
    "bad-id": _changed(FORMAT, "formats", lambda f: f.update(id="Pre Mortem")),
    "unknown-field": _changed(FORMAT, "formats", lambda f: f.update(recuring=True)),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_schema_and_check_both_reject_a_mistake(name: str) -> None:
    assert _verdicts(MISTAKES[name]) == (False, False)


def test_optional_fields_have_no_null_branch_and_every_field_a_description() -> None:
    for kind, validator in SCHEMAS.items():
        text = str(validator.schema)
        assert "'null'" not in text, kind
        for name, definition in validator.schema.get("$defs", {}).items():
            for field, spec in definition.get("properties", {}).items():
                assert spec.get("description"), f"{kind}: {name}.{field} has no description"
