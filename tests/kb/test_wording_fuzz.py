"""Property: whatever value a trainer puts in any field, ``check`` answers with one plain line
per problem in both languages: no traceback, no line break, no pydantic or regex wording."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from coachassist.kb.loader import pydantic_problems
from coachassist.kb.models import FormatFile, RuleFile
from tests.kb.kbfiles import FILES

FORMAT = tomllib.loads(FILES["rules/formats.toml"])
RULES = tomllib.loads(FILES["rules/rules.toml"])
AWKWARD = st.sampled_from(["two\nlines", "tab\there", "\u202eevil", "one-team", "'quoted'", ""])
VALUES = st.one_of(
    AWKWARD,
    st.lists(AWKWARD, min_size=1, max_size=2),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
PYDANTIC_WORDS = ("Input should", "String should", "should match pattern", "Value error")


def _lines(document: dict[str, Any], model: type) -> list[str]:
    try:
        model.model_validate(document)
    except ValidationError as error:
        problems = pydantic_problems(Path("f.toml"), "", document, error, model)
        return [p.render(lang) for p in problems for lang in ("en", "nl")]
    return []


@settings(max_examples=120, deadline=None)
@given(
    field=st.sampled_from(
        ["id", "minutes", "group_min", "recurring", "settings", "role", "steps", "name", "x\ny"]
    ),
    value=VALUES,
)
def test_any_format_field_value_gives_plain_lines(field: str, value: Any) -> None:
    document = copy.deepcopy(FORMAT)
    document["formats"][0][field] = value
    for line in _lines(document, FormatFile):
        assert "\n" not in line and line.strip()
        assert not any(word in line for word in PYDANTIC_WORDS), line


@settings(max_examples=120, deadline=None)
@given(field=st.sampled_from(["when", "when_any", "then", "because", "id"]), value=VALUES)
def test_any_rule_field_value_gives_plain_lines(field: str, value: Any) -> None:
    document = copy.deepcopy(RULES)
    document["rules"][0][field] = value
    for line in _lines(document, RuleFile):
        assert "\n" not in line and line.strip()
        assert not any(word in line for word in PYDANTIC_WORDS), line
