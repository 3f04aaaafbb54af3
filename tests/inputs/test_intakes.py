"""Intakes count each person once, with answers of the right type and version."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import pytest

from coachassist.cli import main
from coachassist.intake.files import load_case, read_intake, validate_intake
from coachassist.intake.versions import fit
from coachassist.kb.answers import NUMBER_LIMIT, answer_problem
from coachassist.kb.loader import load
from coachassist.kb.models import Question, Text

from .conftest import REPO, teamscan_answers, write_intake, write_response


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def fails_with(capsys, needle: str, *args: str | Path) -> str:
    code, _, err = cli(capsys, "diagnose", *args, "--lang", "en")
    assert code == 2, err
    assert needle in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


# --- versions ----------------------------------------------------------------------------------


def test_version_fit() -> None:
    assert fit("1.0", "1.0") == "same"
    assert fit("1.0", "1.3") == fit("v1.2", "1") == "compatible"
    assert fit("1.0", "2.0") == fit("spring", "1.0") == "incompatible"


def test_response_of_another_major_version_is_refused_with_the_way_out(tmp_path, capsys) -> None:
    path = write_response(tmp_path / "r.toml", teamscan_answers(), version="2.0")
    err = fails_with(capsys, "answered with teamscan version 2.0", path)
    assert str(path) in err and "this knowledge base has version 1.0" in err and "--kb" in err


def test_intake_of_another_major_version_is_refused(tmp_path, capsys) -> None:
    path = write_intake(tmp_path / "i.toml", [("r01", teamscan_answers())], scan_version="0.9")
    fails_with(capsys, f"{path}: answered with teamscan version 0.9", path)


def test_the_way_out_works_a_kb_with_the_old_version(tmp_path, capsys) -> None:
    old = tmp_path / "kb-0.9"
    old.mkdir()
    text = (REPO / "questionnaires" / "teamscan.toml").read_text("utf-8")
    (old / "teamscan.toml").write_text(text.replace('version = "1.0"', 'version = "0.9"', 1))
    path = write_intake(tmp_path / "i.toml", [("r01", teamscan_answers())], scan_version="0.9")
    code, out, err = cli(capsys, "diagnose", path, "--kb", old, "--lang", "en")
    assert code == 0, err
    assert "Respondents: 1" in out


def test_compatible_version_is_scored_with_a_note(tmp_path, capsys) -> None:
    path = write_response(tmp_path / "r.toml", teamscan_answers(), version="1.4")
    code, out, err = cli(capsys, "diagnose", path, "--lang", "en")
    assert code == 0 and "Respondents: 1" in out
    assert f"{path}: answered with teamscan version 1.4; this knowledge base has version 1.0" in err
    code, _, err = cli(capsys, "diagnose", path, "--lang", "nl")
    assert code == 0 and "ingevuld met teamscan versie 1.4" in err


def test_the_note_reaches_a_caller_and_the_app_path(tmp_path) -> None:
    kb = load()
    path = write_intake(tmp_path / "i.toml", [("r01", teamscan_answers())], scan_version="1.2")
    notes: list[str] = []
    intake = load_case(kb, [path], warn=notes.append, lang="nl")
    assert len(notes) == 1 and "ingevuld met teamscan versie 1.2" in notes[0]
    app_notes = validate_intake(kb, read_intake(path), path)  # how the app opens an intake
    assert app_notes == validate_intake(kb, intake, path) and len(app_notes) == 1
    assert "answered with teamscan version 1.2" in validate_intake(kb, intake, path)[0]


def test_an_intake_without_scan_version_counts_as_current(tmp_path, capsys) -> None:
    path = write_intake(tmp_path / "i.toml", [("r01", teamscan_answers())], scan_version="")
    code, _, err = cli(capsys, "diagnose", path)
    assert code == 0 and err == ""


# --- booleans and numbers ----------------------------------------------------------------------


def test_boolean_answer_in_an_intake_is_refused(tmp_path, capsys) -> None:
    """`trust_1 = true` was turned into 1 by pydantic and scored as 'strongly disagree'."""
    answers = teamscan_answers(trust_1=True)
    path = write_intake(tmp_path / "i.toml", [("r07", answers)])
    fails_with(capsys, f"{path}: respondent r07: question 'trust_1': true is not an answer", path)


def test_other_respondent_errors_name_the_respondent(tmp_path, capsys) -> None:
    path = write_intake(tmp_path / "i.toml", [("r01", teamscan_answers()), ("r02", {})])
    text = path.read_text("utf-8").replace('role = "member"', 'role = "Boss"')
    path.write_text(text, encoding="utf-8")
    fails_with(capsys, f"{path}: respondent r01: role: String should match pattern", path)


def test_boolean_answer_in_a_response_file_is_refused(tmp_path, capsys) -> None:
    path = write_response(tmp_path / "r.toml", teamscan_answers(trust_2=False))
    fails_with(capsys, f"{path}: question 'trust_2': false is not an answer", path)


def test_boolean_in_a_context_table_is_refused(tmp_path, capsys) -> None:
    response = write_response(tmp_path / "r.toml", teamscan_answers())
    context = tmp_path / "context.toml"
    context.write_text("team_size = true\n", encoding="utf-8")
    fails_with(
        capsys,
        f"{context}: question 'team_size': true is not an answer",
        response,
        "--context",
        context,
    )


def test_booleans_are_refused_by_the_answer_check_itself() -> None:
    """The last guard, for answers that never passed a pydantic model (the app, rule cases)."""
    kb = load()
    scan, ctx = kb.questionnaires["teamscan"], kb.questionnaires["coach_intake"]
    questions = {q.id: q for q in [*scan.questions, *ctx.questions]}
    assert "not an answer" in str(answer_problem(scan, questions["trust_1"], True))
    assert "not an answer" in str(answer_problem(ctx, questions["team_size"], True))
    assert "not an answer" in str(answer_problem(ctx, questions["observed"], [True]))


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e300", "1e20", "9223372036854775807"])
def test_extreme_number_in_context_is_a_clean_error(tmp_path, capsys, value) -> None:
    response = write_response(tmp_path / "r.toml", teamscan_answers())
    context = tmp_path / "context.toml"
    context.write_text(f"team_size = {value}\n", encoding="utf-8")
    fails_with(capsys, f"{context}: context: question 'team_size'", response, "--context", context)


def test_number_question_without_bounds_is_still_bounded() -> None:
    ctx = load().questionnaires["coach_intake"]
    question = Question(
        id="budget", type="number", integer=False, text=Text(nl="Budget", en="Budget")
    )
    for bad in (math.inf, -math.inf, math.nan, 1e20, 1e300, NUMBER_LIMIT, -NUMBER_LIMIT):
        assert "not a usable number" in str(answer_problem(ctx, question, bad))
    for good in (0, 7, 2.5, NUMBER_LIMIT - 1, -NUMBER_LIMIT + 1):
        assert answer_problem(ctx, question, good) is None


# --- each person once --------------------------------------------------------------------------


def test_duplicate_respondent_ids_are_refused(tmp_path, capsys) -> None:
    path = write_intake(
        tmp_path / "i.toml",
        [("r01", teamscan_answers(2)), ("r02", teamscan_answers(3)), ("r01", teamscan_answers(4))],
    )
    fails_with(capsys, f"{path}: respondent r01: appears 2 times", path)


def test_response_files_get_ids_that_do_not_clash_with_the_intake(tmp_path, capsys) -> None:
    intake = write_intake(tmp_path / "i.toml", [("f01", teamscan_answers(2))])
    response = write_response(tmp_path / "r.toml", teamscan_answers(3))
    code, out, err = cli(capsys, "diagnose", intake, response, "--lang", "en")
    assert code == 0 and "Respondents: 2" in out, err


def _three_ways_to_the_same_file(tmp_path: Path) -> tuple[Path, list[Path]]:
    original = write_response(tmp_path / "r.toml", teamscan_answers(2))
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.toml"
    link.symlink_to(original)
    hard = tmp_path / "hard.toml"
    os.link(original, hard)
    return original, [original, tmp_path / "sub" / ".." / "r.toml", link, hard]


def test_the_same_response_file_three_times_is_refused(tmp_path, capsys) -> None:
    original, _ = _three_ways_to_the_same_file(tmp_path)
    fails_with(capsys, f"{original}: the same file as {original}", original, original, original)


@pytest.mark.parametrize("way", [1, 2, 3], ids=["dotdot-path", "symlink", "hardlink"])
def test_the_same_response_file_by_another_path_is_refused(tmp_path, capsys, way) -> None:
    original, ways = _three_ways_to_the_same_file(tmp_path)
    fails_with(capsys, f"{ways[way]}: the same file as {original}", original, ways[way])


def test_a_copy_of_a_response_file_is_refused(tmp_path, capsys) -> None:
    original = write_response(tmp_path / "r.toml", teamscan_answers(2))
    copy = tmp_path / "copy.toml"
    shutil.copy(original, copy)
    copy.write_text("# a copy\n" + copy.read_text("utf-8"), encoding="utf-8")
    fails_with(capsys, f"{copy}: the same content as {original}", original, copy)


def test_three_different_people_are_three_respondents(tmp_path, capsys) -> None:
    files = [write_response(tmp_path / f"r{v}.toml", teamscan_answers(v)) for v in (2, 3, 4)]
    code, out, err = cli(capsys, "diagnose", *files, "--lang", "en")
    assert code == 0 and "Respondents: 3" in out, err
