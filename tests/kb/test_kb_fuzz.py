"""Property: whatever bytes a file holds, the loader answers with Problems, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachassist.kb.loader import KnowledgeBase, bundled_dirs
from coachassist.kb.models import Model
from coachassist.kb.problems import Problem
from tests.kb.kbfiles import FILES, load_dir, write_kb

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Seeds for mutation: the mini files, and a few bundled files (large and small).
SEEDS: dict[str, str] = dict(FILES)
for _folder in bundled_dirs():
    for _path in sorted(_folder.rglob("*.toml"))[:6]:
        try:
            SEEDS[f"bundled/{_path.relative_to(_folder.parent)}"] = _path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue

TOML_CHARS = st.sampled_from(list("[]{}=\"'.,#\n \\abcdefghijklmnopqrstuvwxyz_0123456789-+é\x00\t"))


def _load_with(name: str, content: bytes) -> tuple[KnowledgeBase, list[Problem]]:
    """Load the mini knowledge base with ``name`` holding ``content`` (so a file that stays
    valid is cross-checked against the rest)."""
    with tempfile.TemporaryDirectory() as folder:
        root = write_kb(Path(folder))
        target = root / (name if name in FILES else "rules/extra.toml")
        target.write_bytes(content)
        return load_dir(root)


def _load_alone(content: bytes) -> tuple[KnowledgeBase, list[Problem]]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "file.toml").write_bytes(content)
        return load_dir(Path(folder))


def _assert_clean(kb: KnowledgeBase, problems: list[Problem]) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert "\n" not in str(problem), str(problem)
        assert problem.item
        assert problem.line is None or problem.line >= 1
    kb.counts()  # whatever loaded is a usable knowledge base


@FUZZ
@given(content=st.binary(max_size=2000))
def test_random_bytes(content: bytes) -> None:
    _assert_clean(*_load_alone(content))


@FUZZ
@given(content=st.text(max_size=2000))
def test_random_text(content: str) -> None:
    _assert_clean(*_load_alone(content.encode("utf-8", "surrogatepass")))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real file with lines deleted or duplicated and characters flipped, inserted or cut."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    lines = SEEDS[name].splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        if draw(st.booleans()):
            del lines[index]
        else:
            lines.insert(index, lines[index])
    text = "".join(lines)
    for _ in range(draw(st.integers(0, 6))):
        if not text:
            break
        index = draw(st.integers(0, len(text) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        char = draw(TOML_CHARS)
        if action == "flip":
            text = text[:index] + char + text[index + 1 :]
        elif action == "insert":
            text = text[:index] + char + text[index:]
        else:
            text = text[:index] + text[index + 1 :]
    return name, text.encode("utf-8", "surrogatepass")


@FUZZ
@given(case=mutated())
def test_mutated_real_files(case: tuple[str, bytes]) -> None:
    name, content = case
    _assert_clean(*_load_with(name, content))


@FUZZ
@given(
    name=st.sampled_from(sorted(FILES)),
    cut=st.integers(0, 4000),
)
def test_truncated_files(name: str, cut: int) -> None:
    """A file cut off anywhere, as after an interrupted save."""
    content = FILES[name].encode("utf-8")
    _assert_clean(*_load_with(name, content[: cut % (len(content) + 1)]))


# Valid TOML of the wrong shape: real field names and ids, random nesting and types.
FIELDS = sorted({name for model in Model.__subclasses__() for name in model.model_fields})
WORDS = [
    "trust",
    "trust_1",
    "agree5",
    "absence_of_trust",
    "checkin_wish",
    "low_trust",
    "miniscan",
    "team_type",
    "observed",
    "one_team",
    "lead",
    "likert",
    "multiple",
    "high",
    "score.trust.mean < 3",
    "signal.low_trust",
    "dysfunction.absence_of_trust",
    'context.observed has "own_islands"',
    "answer.trust_1 >= 2",
    "",
    "a b",
]
SCALARS = st.one_of(
    st.booleans(),
    st.integers(-10, 600),
    st.floats(-10, 10, allow_nan=False),
    st.sampled_from(WORDS),
    st.text(max_size=6),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=6)
    ),
    max_leaves=25,
)
ITEMS = st.lists(
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=10), min_size=1, max_size=3
)
DOCUMENTS = st.dictionaries(
    st.sampled_from(["questions", "dysfunctions", "formats", "rules", "cases", "id", "title"]),
    st.one_of(ITEMS, VALUES),
    min_size=1,
    max_size=3,
)


@settings(FUZZ, max_examples=100)  # each example is larger; 100 keeps it to a few seconds
@given(name=st.sampled_from(sorted(FILES)), document=DOCUMENTS)
def test_valid_toml_of_the_wrong_shape(name: str, document: dict) -> None:
    _assert_clean(*_load_with(name, tomli_w.dumps(document).encode("utf-8")))
