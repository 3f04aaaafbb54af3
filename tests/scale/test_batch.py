"""diagnose over many intakes: the CSV and JSONL columns, withheld teams, bad files."""

from __future__ import annotations

import csv
import io
import json

import pytest

from coachassist.batch import COLUMNS, expand
from coachassist.cli import main
from coachassist.errors import UserError
from coachassist.kb.loader import load
from tests.scale.teams import write_team


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    kb = load()
    root = tmp_path_factory.mktemp("teams")
    write_team(root / "a.toml", kb, n=8, level=2.0, seed=1, title='=HYPERLINK("x")')
    write_team(root / "b.toml", kb, n=2, level=2.0, seed=2, title="Small team")
    write_team(root / "sub" / "c.toml", kb, n=10, level=4.5, seed=3, title="Healthy")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.toml").write_text("not read", encoding="utf-8")
    return root


def test_csv_has_one_row_per_team_and_scale(folder, capsys):
    assert main(["diagnose", str(folder), "--csv", "--lang", "en"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert tuple(table[0].keys()) == COLUMNS
    assert len(table) == 3 * 9
    first = table[0]
    assert first["team"] == '\'=HYPERLINK("x")'  # never a formula in a spreadsheet
    assert first["scale"] == "trust" and first["n"] == "8" and float(first["mean"]) < 2.6
    assert first["band"] == "Concern" and first["withheld"] == ""
    assert "absence_of_trust:high" in first["findings"].split()
    small = [row for row in table if row["team"] == "Small team"]
    assert len(small) == 9
    for row in small:
        assert row["n"] == row["mean"] == row["sd"] == row["rwg"] == row["band"] == ""
        assert row["findings"] == ""
        assert "1 more respondent" in row["withheld"]


def test_jsonl_rows_carry_the_same_columns(folder, capsys):
    pattern = str(folder / "**" / "*.toml")
    assert main(["diagnose", pattern, "--jsonl", "--lang", "en"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 27 and all(tuple(row) == COLUMNS for row in rows)
    healthy = [row for row in rows if row["team"] == "Healthy"]
    assert all(row["mean"] > 3.5 and row["withheld"] is None for row in healthy)
    assert healthy[0]["findings"] == []
    small = [row for row in rows if row["team"] == "Small team"]
    assert all(row["mean"] is None and row["n"] is None for row in small)


def test_two_intakes_are_two_teams_and_a_bad_file_does_not_stop_the_rest(folder, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("title = \n", encoding="utf-8")
    files = [str(folder / "a.toml"), str(folder / "sub" / "c.toml"), str(bad)]
    code = main(["diagnose", *files, "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.count("== ") == 2
    assert "bad.toml" in captured.err and "1 of 3 files could not be read" in captured.err
    assert "Traceback" not in captured.err


def test_a_glob_that_matches_nothing_is_an_error(tmp_path):
    with pytest.raises(UserError, match="no file matches"):
        expand([tmp_path / "*.toml"])


def test_help_and_argument_parsing_import_nothing_heavy():
    import subprocess
    import sys

    code = (
        "import sys; from coachassist.cli import parse; parse(['diagnose', 'x.toml']); "
        "print(sorted(m for m in ('pydantic', 'textual', 'rich', 'durable', 'asyncio') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_overview_of_nothing_is_a_clear_error(tmp_path, capsys):
    assert main(["overview", str(tmp_path), "--lang", "en"]) == 2
    assert "no intake files found" in capsys.readouterr().err
    assert main(["overview", str(tmp_path / "missing"), "--lang", "en"]) == 2
    assert "missing" in capsys.readouterr().err
