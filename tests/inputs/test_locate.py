"""`check` stays linear: one file with 5,000 problems is indexed once, not once per problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachassist.kb import problems as problems_module
from coachassist.kb.loader import load_with_problems
from coachassist.kb.problems import LineIndex, locate

RULE = """[[rules]]
id = "many.r{i}"
when = ["score.trust.mean < 2.5"]
then = {{ signal = "s" }}
because = {{ nl = "regel {i}", en = "rule {i}" }}
{extra}
"""


def test_5000_problems_in_one_file_index_it_once_and_name_each_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    text = "".join(RULE.format(i=i, extra="unknown_field = 1") for i in range(5000))
    (folder / "many.rules.toml").write_text(text, encoding="utf-8")
    lines_read = []

    class CountingIndex(LineIndex):
        def __init__(self, text: str) -> None:
            lines_read.append(text.count("\n"))
            super().__init__(text)

    monkeypatch.setattr(problems_module, "LineIndex", CountingIndex)
    problems_module.line_index.cache_clear()
    _, found = load_with_problems([folder], bundled=False)
    assert len(found) == 5000
    # each problem names the line of its own unknown field: rule i starts on line 6 * i + 1
    assert [p.line for p in found] == [6 * i + 6 for i in range(5000)]
    assert found[4999].item == "many.r4999" and "unknown field" in found[4999].message
    assert len(lines_read) == 1 and lines_read[0] == text.count("\n")  # one pass over 30,000 lines


def test_the_index_finds_what_a_line_by_line_search_finds() -> None:
    text = """[[rules]]
id = "a"
when = ["x"]
then.signal = "s"
[rules.because]
nl = "n"
[[rules]]
id = 'b'
then = "d"
[[rules]]
id = "a"
because.en = "e"
[[questions]]
id = "q'x"
scale = "s"
"""
    assert locate(text, "a") == 2
    assert locate(text, "a", "when") == 3
    assert locate(text, "a", "signal") == 4  # a dotted key's last part
    assert locate(text, "a", "then") == 4  # a dotted key's first part
    assert locate(text, "a", "because") == 5  # a table header
    assert locate(text, "a", "nl") == 6
    assert locate(text, "b", "when") == 8  # not in b's own lines: b's id line
    assert locate(text, "a", "because", nth=2) == 12  # the second declaration of a
    assert locate(text, "a", ["missing", "en"], nth=2) == 12
    assert locate(text, "q'x", "scale") == 15  # an id holding a quote
    assert locate(text, "nope") is None
    assert locate(text, None, "scale") == 15
    assert locate(text, None, "missing") is None


def _line_by_line(text: str, item_id: str | None, fields: list[str], nth: int) -> int | None:
    """The former locate, a search over every line per call: the reference for the index."""
    lines = text.splitlines()
    start = 0
    if item_id:
        pattern = re.compile(rf"""^\s*id\s*=\s*["']{re.escape(item_id)}["']""")
        found = [number for number, line in enumerate(lines) if pattern.match(line)]
        if not found:
            return None
        start = found[min(nth, len(found)) - 1]
    next_item = re.compile(r"^\s*id\s*=")
    for name in fields:
        key = re.compile(rf"^\s*(\[+\s*)?([\w-]+\s*\.\s*)*{re.escape(name)}\s*(=|\]|\.)")
        for number in range(start, len(lines)):
            if number > start and item_id and next_item.match(lines[number]):
                break
            if key.match(lines[number]):
                return number + 1
    return start + 1 if item_id else None


IDS = st.sampled_from(["a", "b", "a'b", 'c"', "x.y"])
KEYS = st.sampled_from(["when", "then", "signal", "en", "id", "rules"])
LINE = st.one_of(
    st.builds(
        lambda q, i, tail: f"id = {q}{i}{q}{tail}",
        st.sampled_from("\"'"),
        IDS,
        st.sampled_from(["", " # c", "x'"]),
    ),
    st.builds(lambda pad, k: f"{pad}{k} = 1", st.sampled_from(["", "  "]), KEYS),
    st.builds(
        lambda a, b, end: f"{a} . {b}{end}", KEYS, KEYS, st.sampled_from([" = 2", "", ".", " ]"])
    ),
    st.builds(lambda b, k: f"{b}{k}]", st.sampled_from(["[", "[[", "[ "]), KEYS),
    st.sampled_from(["", "# comment", "free text when. more", '"quoted" = 1', "when_any = []"]),
)


@settings(max_examples=200)
@given(
    st.lists(LINE, max_size=25),
    st.none() | IDS,
    st.lists(KEYS, max_size=3),
    st.integers(min_value=1, max_value=3),
)
def test_the_index_agrees_with_a_line_by_line_search(
    lines: list[str], item_id: str | None, fields: list[str], nth: int
) -> None:
    text = "\n".join(lines)
    assert locate(text, item_id, fields, nth=nth) == _line_by_line(text, item_id, fields, nth)
