"""The fast intake reader reads a file exactly as tomllib does, or leaves it to tomllib."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from coachassist.intake.fasttoml import loads

REPO = Path(__file__).resolve().parents[2]
KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
TEXTS = st.text(max_size=12)
VALUES = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    TEXTS,
    st.lists(TEXTS, max_size=4),
)
INTAKES = st.fixed_dictionaries(
    {
        "format": st.just("coachassist-intake/1"),
        "title": TEXTS,
        "context": st.dictionaries(KEYS, VALUES, max_size=4),
        "responses": st.lists(
            st.fixed_dictionaries(
                {"id": KEYS, "answers": st.dictionaries(KEYS, VALUES, min_size=1, max_size=6)}
            ),
            max_size=3,
        ),
    }
)


def _tomllib(text: str) -> object:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "error"


def _same_or_declined(text: str) -> None:
    fast = loads(text)
    expected = _tomllib(text)
    if fast is not None:
        assert expected != "error", f"accepted what tomllib refuses: {text!r}"
        assert fast == expected


def test_every_example_intake_is_read_fast_and_the_same():
    for path in sorted((REPO / "examples").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        assert loads(text) == tomllib.loads(text), path.name


@settings(max_examples=150)
@given(INTAKES)
def test_what_tomli_w_writes_reads_the_same(data):
    text = tomli_w.dumps(data)
    _same_or_declined(text)


LINES = st.sampled_from(
    [
        "[a]",
        "[a.b]",
        "[[a]]",
        "[[a.b]]",
        "a = 1",
        "a = [",
        "]",
        '    "x",',
        'b = "x"',
        "b = 01",
        "b = +1",
        "b = 1_0",
        "b = -0",
        "b = 1.",
        "b = 1e3",
        'b = "a\\"b"',
        "c = ['x']",
        'c = ["x",]',
        'c = [ "x" , "y" ]',
        "d = {x = 1}",
        "a.b = 1",
        '"q" = 1',
        "# note",
        "   ",
        "b = true",
        "b = True",
        "b = 1 # c",
        " b = 1",
        "b = \t1",
        "[a] ",
        "x = []",
        "[[x]]",
        "b = \x01",
        'b = "\x7f"',
        "# \x00",
        "b = 1\r",
        'b = "é"',
        'b = "٣"',
    ]
)


@settings(max_examples=400)
@given(st.lists(LINES, max_size=10))
def test_any_mix_of_plain_and_unusual_lines(lines):
    _same_or_declined("\n".join(lines))
    _same_or_declined("\r\n".join(lines) + "\n")


def test_unusual_files_go_to_tomllib():
    for text in ('a = "x\\ny"', "a = {b = 1}", "a = 1\na = 2", "[a]\n[a]", 'a = """x"""'):
        assert loads(text) is None
