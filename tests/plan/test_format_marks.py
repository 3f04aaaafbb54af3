"""The format files mark the planner's defaults; `check` refuses a mark that cannot work."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachassist.cli import main
from coachassist.kb.loader import load

FORMAT = """[[formats]]
id = "my_round"
role = "{role}"
recurring = {recurring}
default_for = ["{use}"]
minutes = 10
settings = ["one_team"]
source = "Own description"
name = {{ nl = "x", en = "x" }}
purpose = {{ nl = "x", en = "x" }}
steps = [{{ nl = "x", en = "x" }}]
library_only = {{ nl = "x", en = "x" }}
"""


@pytest.mark.parametrize(
    ("role", "recurring", "use", "problem"),
    [
        ("core", "true", "opening", "default_for 'opening' needs role = 'opening'"),
        ("closing", "false", "closing", "default_for 'closing' needs recurring = true"),
        ("opening", "true", "sponsor", "default_for 'sponsor' needs role = 'core'"),
    ],
)
def test_check_refuses_a_default_that_cannot_work(
    tmp_path: Path, capsys, role, recurring, use, problem
):
    folder = tmp_path / "formats"
    folder.mkdir()
    (folder / "mine.toml").write_text(FORMAT.format(role=role, recurring=recurring, use=use))
    assert main(["check", "--kb", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert problem in out.out + out.err


def test_the_bundled_formats_mark_every_default_once():
    kb = load()
    for use in ("opening", "closing", "sponsor", "maintenance"):
        marked = [f.id for f in kb.formats.values() if use in f.default_for]
        assert marked, use
    assert len([f for f in kb.formats.values() if "opening" in f.default_for]) == 1
    assert any(f.own_checkin for f in kb.formats.values())
