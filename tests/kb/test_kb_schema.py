"""``coachassist schema KIND``: a valid JSON Schema that accepts every bundled file of that kind."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from coachassist.cli import main
from coachassist.kb.loader import bundled_dirs
from coachassist.kb.models import FILE_KINDS, KIND_KEYS
from tests.kb.kbfiles import FILES

KINDS = sorted(FILE_KINDS)


def _kind_of(data: dict[str, Any]) -> str | None:
    kinds = [KIND_KEYS[key] for key in data if key in KIND_KEYS]
    return kinds[0] if len(kinds) == 1 else None


def _bundled_files() -> dict[str, list[tuple[Path, dict[str, Any]]]]:
    found: dict[str, list[tuple[Path, dict[str, Any]]]] = {kind: [] for kind in KINDS}
    for folder in bundled_dirs():
        for path in sorted(folder.rglob("*.toml")):
            try:
                data = tomllib.loads(path.read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue  # a file someone is still writing; `coachassist check` reports it
            kind = _kind_of(data)
            if kind:
                found[kind].append((path, data))
    return found


SUGGESTIONS = """
[[suggestions]]
id = "suggest.trust.one-team"
dysfunction = "absence_of_trust"
settings = ["one_team"]
formats = ["one_two_four_all"]
because = { nl = "omdat", en = "because" }
"""


def _mini_files() -> dict[str, dict[str, Any]]:
    documents = [tomllib.loads(text) for text in [*FILES.values(), SUGGESTIONS]]
    return {_kind_of(data) or "?": data for data in documents if _kind_of(data) != "questionnaire"}


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict[str, Any]]:
    """The printed schema of every kind."""
    result = {}
    for kind in KINDS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["schema", kind]) == 0
        result[kind] = json.loads(out.getvalue())
    return result


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_json_schema(kind: str, cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = cli("schema", kind)
    assert code == 0
    assert err == ""
    document = json.loads(out)
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["title"] == f"coachassist {kind} file"
    assert document["additionalProperties"] is False  # a misspelt key is flagged in the editor


@pytest.mark.parametrize("kind", KINDS)
def test_schema_accepts_every_bundled_file_of_its_kind(
    kind: str, schemas: dict[str, dict[str, Any]]
) -> None:
    files = _bundled_files()[kind]
    assert files, f"no bundled {kind} file found"
    validator = Draft202012Validator(schemas[kind])
    for path, data in files:
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], f"{path}: {errors[:3]}"


@pytest.mark.parametrize("kind", KINDS)
def test_schema_accepts_the_mini_files(kind: str, schemas: dict[str, dict[str, Any]]) -> None:
    validator = Draft202012Validator(schemas[kind])
    for text in [*FILES.values(), SUGGESTIONS]:
        data = tomllib.loads(text)
        if _kind_of(data) == kind:
            assert list(validator.iter_errors(data)) == []


def _wrong_documents(kind: str) -> list[dict[str, Any]]:
    if kind == "questionnaire":
        good = tomllib.loads(FILES["questionnaires/scan.toml"])
        misspelt = copy.deepcopy(good)
        misspelt["questions"][0]["scael"] = "trust"
        wrong_type = copy.deepcopy(good)
        wrong_type["questions"][0]["type"] = "slider"
        no_questions = copy.deepcopy(good)
        del no_questions["questions"]
        return [misspelt, wrong_type, no_questions, {"questions": "none"}]
    key = next(k for k, v in KIND_KEYS.items() if v == kind)
    good = _mini_files()[kind]
    misspelt = copy.deepcopy(good)
    misspelt[key][0]["extra_field"] = 1
    no_id = copy.deepcopy(good)
    del no_id[key][0]["id"]
    bad_id = copy.deepcopy(good)
    bad_id[key][0]["id"] = "Not An Id!"
    return [misspelt, no_id, bad_id, {key: []}, {key: "nope"}, {**good, "other": 1}]


@pytest.mark.parametrize("kind", KINDS)
def test_schema_rejects_wrong_documents(kind: str, schemas: dict[str, dict[str, Any]]) -> None:
    validator = Draft202012Validator(schemas[kind])
    for document in _wrong_documents(kind):
        assert not validator.is_valid(document), document


# What `coachassist schema` printed while pydantic read the field docstrings itself at import
# (``use_attribute_docstrings``, dropped from kb/models.py for start-up time): the same models,
# imported in a fresh process with that setting put back into every ConfigDict.
PYDANTIC_READS_DOCSTRINGS = """
import json, sys
import pydantic
plain = pydantic.ConfigDict
pydantic.ConfigDict = lambda **kw: plain(**kw, use_attribute_docstrings=True)
from coachassist.kb.models import FILE_KINDS
from coachassist.kb.schema import editor_friendly
for kind in sorted(FILE_KINDS):
    document = editor_friendly(FILE_KINDS[kind].model_json_schema())
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"coachassist {kind} file"
    print(json.dumps(document, indent=2, ensure_ascii=False))
"""


def test_the_schema_is_what_pydantic_made_of_the_docstrings_itself(
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", PYDANTIC_READS_DOCSTRINGS], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    printed = "".join(cli("schema", kind)[1] for kind in KINDS)
    assert printed == run.stdout
    assert printed.count('"description"') > 100  # the docstrings are there


def test_docstrings_are_read_from_the_fields_only() -> None:
    from coachassist.kb.schema import field_docstrings

    source = (
        "class A:\n"
        '    """The class."""\n'
        "    x: int\n"
        '    """  Its x.\n\n      Two lines."""\n'
        "    y: int = 2\n"
        "    # a comment\n"
        '    """Still the docstring of y."""\n'
        "    z = 3\n"
        '    """Not a field."""\n'
        "    def f(self) -> None:\n"
        "        w: int\n"
        '        """Inside a function."""\n'
    )
    assert field_docstrings(source) == {
        "A": {"x": "Its x.\n\nTwo lines.", "y": "Still the docstring of y."}
    }
