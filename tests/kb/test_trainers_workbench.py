"""The trainers' workbench, message by message: the exact mistake a trainer makes goes in, and
one helpful line comes out (issue 16). Each test runs the real CLI on a folder passed with --kb,
next to the bundled knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., tuple[int, str, str]]

FORMAT = """[[formats]]
id = "my_pre_mortem"
minutes = 45
settings = ["one_team"]
addresses = ["fear_of_conflict"]
source = "Own description"
name = { nl = "Pre-mortem", en = "Pre-mortem" }
purpose = { nl = "Wat als het mislukt?", en = "What if it fails?" }
steps = [
  { nl = "Een", en = "One" },
  { nl = "Twee", en = "Two" },
  { nl = "Drie", en = "Three" },
  { nl = "Vier", en = "Four" },
  { nl = "Vijf", en = "Five" },
]
"""
RULE = """[[rules]]
id = "my.conflict.very-low"
when = ["score.conflict.mean < 1.5"]
then = { dysfunction = "fear_of_conflict", severity = "high" }
because = { nl = "zeer laag", en = "very low" }
"""
CASE = """[[cases]]
id = "my.very-low"
given.scores.conflict = { mean = 1.2 }
expect.present = ["dysfunction.fear_of_conflict"]
"""


def _check(cli: Cli, folder: Path, files: dict[str, str], lang: str = "en") -> tuple[int, str]:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    code, out, _ = cli("check", "--kb", folder, "--lang", lang)
    return code, out


def _problem(cli: Cli, tmp_path: Path, files: dict[str, str], lang: str = "en") -> str:
    code, out = _check(cli, tmp_path, files, lang)
    assert code == 1, out
    (line,) = out.splitlines()
    return line.split(": ", 1)[1]  # without the file:line


# --- strict types, in plain language, in both languages ---------------------------------------


@pytest.mark.parametrize(
    "old,new,expected",
    [
        (
            "minutes = 45",
            'minutes = "90"',
            "minutes: '90' is in quotes; write the number without quotes: 90",
        ),
        (
            'source = "Own',
            'group_min = "3"\nsource = "Own',
            "group_min: '3' is in quotes; write the number without quotes: 3",
        ),
        (
            'source = "Own',
            'recurring = "true"\nsource = "Own',
            "recurring: 'true' is in quotes; write true or false without quotes",
        ),
        ("minutes = 45", "minutes = 2", "minutes: 2 is too small: at least 5"),
        (
            'id = "my_pre_mortem"',
            'id = "My Pre-mortem"',
            "id: 'My Pre-mortem' is not a valid id: use lower case letters, digits and _, starting with a letter (e.g. 'my_pre_mortem')",
        ),
        (
            'source = "Own',
            'recuring = true\nsource = "Own',
            "recuring: unknown field (did you mean 'recurring'?); remove it or check its spelling",
        ),
        (
            'settings = ["one_team"]',
            'settings = ["one-team"]',
            "setting 1: 'one-team' is not allowed (did you mean 'one_team'?); choose one of: leadership_team, one_team, two_departments, whole_organisation",
        ),
        (
            '{ nl = "Vijf", en = "Five" }',
            '{ nl = "Vijf", en = " " }',
            "step 5, en: text is blank; write the text in this language",
        ),
    ],
)
def test_format_mistakes(cli: Cli, tmp_path: Path, old: str, new: str, expected: str) -> None:
    owner = "format 1, " if expected.startswith("id:") else "my_pre_mortem: "  # an unusable id
    assert _problem(cli, tmp_path, {"f.toml": FORMAT.replace(old, new, 1)}) == owner + expected


def test_messages_follow_lang_nl(cli: Cli, tmp_path: Path) -> None:
    text = FORMAT.replace("minutes = 45", 'minutes = "90"')
    assert _problem(cli, tmp_path, {"f.toml": text}, "nl") == (
        "my_pre_mortem: minutes: '90' staat tussen aanhalingstekens; schrijf het getal zonder "
        "aanhalingstekens: 90"
    )


def test_quoted_level_and_mean(cli: Cli, tmp_path: Path) -> None:
    dysfunction = (
        '[[dysfunctions]]\nid = "my_dys"\nlevel = "3"\nname = { nl = "a", en = "a" }\n'
        'explanation = { nl = "b", en = "b" }\n'
    )
    assert _problem(cli, tmp_path, {"d.toml": dysfunction}) == (
        "my_dys: level: '3' is in quotes; write the number without quotes: 3"
    )
    (tmp_path / "d.toml").unlink()
    case = CASE.replace("mean = 1.2", 'mean = "2.0"')
    assert _problem(cli, tmp_path, {"c.toml": case}) == (
        "my.very-low: given.scores.conflict.mean: '2.0' is in quotes; write the number without "
        "quotes: 2.0"
    )


def test_operator_hint_and_every_bad_condition(cli: Cli, tmp_path: Path) -> None:
    rule = RULE.replace(
        'when = ["score.conflict.mean < 1.5"]',
        'when = ["score.conflict.mean => 1.5", "score.conflict.mean = 2"]',
    )
    code, out = _check(cli, tmp_path, {"r.toml": rule})
    assert code == 1
    assert [line.split(": ", 1)[1] for line in out.splitlines()] == [
        "my.conflict.very-low: condition 1: cannot read condition 'score.conflict.mean => 1.5': "
        "'=>' is not an operator; write '>='",
        "my.conflict.very-low: condition 2: cannot read condition 'score.conflict.mean = 2': "
        "'=' is not an operator; write '=='",
    ]


def test_toml_error_names_line_and_column(cli: Cli, tmp_path: Path) -> None:
    line = _check(cli, tmp_path, {"f.toml": FORMAT.replace("minutes = 45", "minutes = 45 min")})
    assert (
        line[1]
        .strip()
        .endswith(
            "f.toml:3: not valid TOML: Expected newline or end of document after a statement (column 14)"
        )
    )


def test_known_ids_list_the_trainers_own_first_with_did_you_mean(cli: Cli, tmp_path: Path) -> None:
    dysfunction = (
        '[[dysfunctions]]\nid = "my_silence"\nname = { nl = "a", en = "a" }\n'
        'explanation = { nl = "b", en = "b" }\n'
    )
    rule = RULE.replace("fear_of_conflict", "my_silense")
    assert _problem(cli, tmp_path, {"d.toml": dysfunction, "r.toml": rule}) == (
        "my.conflict.very-low: unknown dysfunction 'my_silense'; did you mean 'my_silence'? "
        "known: my_silence, absence_of_trust, avoidance_of_accountability, change_fatigue, "
        "fear_of_conflict, inattention_to_results, lack_of_commitment, low_knowledge_sharing, ..."
    )


# --- overrides --------------------------------------------------------------------------------


def test_overrides_are_listed_and_dropped_fields_warned(cli: Cli, tmp_path: Path) -> None:
    rule = RULE.replace("my.conflict.very-low", "conflict.low-mean").replace(
        'then = { dysfunction = "fear_of_conflict", severity = "high" }',
        'then = { signal = "low_conflict_openness" }',
    )
    partial = (
        '[[dysfunctions]]\nid = "fear_of_conflict"\nname = { nl = "Conflict", en = "Conflict" }\n'
        'explanation = { nl = "b", en = "b" }\n'
    )
    code, out = _check(cli, tmp_path, {"r.toml": rule, "d.toml": partial})
    assert code == 0, out
    assert out.splitlines()[:3] == [
        f"{tmp_path}/d.toml:2: fear_of_conflict: overrides bundled dysfunction fear_of_conflict "
        "(rules/dysfunctions.toml:15)",
        f"{tmp_path}/d.toml:2: fear_of_conflict: warning: this replacement drops level, scales, "
        "which the original has (rules/dysfunctions.toml:15); copy them over to keep them",
        f"{tmp_path}/r.toml:2: conflict.low-mean: overrides bundled rule conflict.low-mean "
        "(rules/diagnosis/conflict.toml:5)",
    ]
    assert out.splitlines()[-1].startswith("Knowledge base OK: ")


def test_a_signal_named_like_a_dysfunction_is_refused(cli: Cli, tmp_path: Path) -> None:
    rule = RULE.replace(
        'then = { dysfunction = "fear_of_conflict", severity = "high" }',
        'then = { signal = "fear_of_conflict" }',
    )
    assert _problem(cli, tmp_path, {"r.toml": rule}) == (
        "my.conflict.very-low: signal 'fear_of_conflict' has the same id as a dysfunction; "
        "give the signal a name of its own, e.g. 'fear_of_conflict_signal'"
    )


# --- test-rules -------------------------------------------------------------------------------


def test_a_rule_fired_only_by_a_bundled_case_is_not_covered(cli: Cli, tmp_path: Path) -> None:
    """A bundled case happens to fire the trainer's rule; that is no test of it."""
    rule = RULE.replace("score.conflict.mean < 1.5", "score.conflict.mean < 2.6")
    (tmp_path / "r.toml").write_text(rule, encoding="utf-8")
    code, out, err = cli("test-rules", "--kb", tmp_path, "--lang", "en")
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path}/r.toml:2: rule my.conflict.very-low: fires in no test case of its own "
        "folder; add a case there"
    ]
    assert err.strip() == "1 rule(s) without a case of their own."  # not "0 of N cases failed"
    (tmp_path / "r.cases.toml").write_text(CASE, encoding="utf-8")
    code, out, err = cli("test-rules", "--kb", tmp_path, "--lang", "en")
    assert (code, err) == (0, ""), out


def test_a_failing_case_shows_measured_values_and_reverse_scoring(cli: Cli, tmp_path: Path) -> None:
    case = """[[cases]]
id = "my.behind-backs"
given.context = { team_type = "one_team", team_size = 7 }
given.scores.conflict = { mean = 3.3 }
given.items.conflict_2 = { mean = 4.5 }
expect.present = ["signal.conflict_goes_underground"]
"""
    (tmp_path / "c.toml").write_text(case, encoding="utf-8")
    code, out, _ = cli("test-rules", "--kb", tmp_path, "--lang", "en")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(
        f"{tmp_path}/c.toml:2: my.behind-backs: expected signal.conflict_goes_underground, but "
        "it was not concluded (fired: "
    )
    assert (
        "  rule conflict.item-behind-backs (conflict.toml:67) could conclude it, but did not fire:"
        in lines
    )
    assert "    NO item.conflict_2.mean <= 2.5   measured: 4.5" in lines
    assert "    ok score.conflict.mean < 3.6   measured: 3.3" in lines
    assert (
        "      note: conflict_2 is reverse-scored; its mean is after flipping, so an answer "
        "of 5 counts as 1"
    ) in lines
    assert '    NO context.observed has "behind_backs"   measured: missing' in lines


def test_test_rules_speaks_dutch(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text(
        CASE.replace("dysfunction.fear_of_conflict", "signal.low_trust"), encoding="utf-8"
    )
    code, out, err = cli("test-rules", "--kb", tmp_path, "--lang", "nl")
    assert code == 1
    assert "verwacht signal.low_trust, maar het werd niet geconcludeerd" in out
    assert "    NO score.trust.mean <= 2.5   gemeten: ontbreekt" in out
    assert err.strip().startswith("1 van ")


# --- lint -------------------------------------------------------------------------------------


def test_thresholds_that_leave_a_gap_or_overlap_are_warned(cli: Cli, tmp_path: Path) -> None:
    rules = """[[rules]]
id = "my.results.low"
when = ["score.results.mean < 2.5"]
then = { signal = "my_results_low" }
because = { nl = "laag", en = "low" }

[[rules]]
id = "my.results.middle"
when = ["score.results.mean > 2.5", "score.results.mean <= 3.2"]
then = { signal = "my_results_middle" }
because = { nl = "midden", en = "middle" }

[[rules]]
id = "my.results.high"
when = ["score.results.mean >= 3.1"]
then = { signal = "my_results_high" }
because = { nl = "hoog", en = "high" }
"""
    code, out = _check(cli, tmp_path, {"r.toml": rules})
    assert code == 0, out
    notes = [line.split(": ", 2)[2] for line in out.splitlines()[:-1]]
    assert (
        "warning: thresholds on score.results.mean leave a gap between 2.5 and 2.5: neither "
        "my.results.low nor my.results.middle fires there"
    ) in notes
    assert (
        "warning: thresholds on score.results.mean overlap between 3.1 and 3.2: "
        "my.results.middle and my.results.high both fire there"
    ) in notes
    assert all(line.startswith("warning: thresholds on score.results.mean") for line in notes)


def test_a_licence_that_does_not_match_its_source(cli: Cli, tmp_path: Path) -> None:
    text = FORMAT.replace(
        'source = "Own description"',
        'source = "Liberating Structures, in our own words"\nlicence = "CC BY-NC 3.0"',
    )
    assert _problem(cli, tmp_path, {"f.toml": text}) == (
        "my_pre_mortem: licence 'CC BY-NC 3.0' does not match the source: Liberating Structures "
        "publishes under CC BY-SA 4.0; write 'CC BY-SA 4.0' in 'licence'"
    )


def test_missing_kb_folder_exits_2_with_one_line(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("check", "--kb", tmp_path / "nosuchdir", "--lang", "en")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"coachassist: --kb {tmp_path}/nosuchdir: not a folder; pass a folder of .toml files"
    ]


# --- new, explain, rulebook -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["format", "dysfunction", "rule", "case"])
def test_new_writes_a_valid_skeleton_and_never_overwrites(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("new", kind, "--kb", "my-kb", "--lang", "en")
    assert code == 0
    written = Path(out.split("Written: ", 1)[1].split(". Fill", 1)[0])
    text = written.read_text("utf-8")
    assert text.startswith(f"#:schema ../schema/{kind}.json\n\n")
    assert (Path("my-kb/schema") / f"{kind}.json").is_file()
    assert (' nl = "' in text and ' en = "' in text) or kind == "case"
    assert cli("check", "--kb", "my-kb")[0] == 0
    written.write_text(text + "# my own notes\n", encoding="utf-8")
    code, _, err = cli("new", kind, "--kb", "my-kb", "--lang", "en")
    assert code == 2 and "already exists; choose another id, nothing is overwritten" in err
    assert written.read_text("utf-8").endswith("# my own notes\n")


def test_new_rule_and_case_pass_test_rules_together(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("new", "rule", "my.very-low", "--kb", "my-kb")[0] == 0
    assert cli("test-rules", "--kb", "my-kb")[0] == 1  # a rule without a case of its own
    assert cli("new", "case", "my.very-low", "--kb", "my-kb")[0] == 0
    assert cli("test-rules", "--kb", "my-kb")[0] == 0


def test_new_refuses_a_bundled_id(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("new", "format", "one_two_four_all", "--kb", tmp_path, "--lang", "en")
    assert code == 2
    assert "'one_two_four_all' is already a bundled format" in err
    assert not (tmp_path / "formats").exists()


def test_explain_shows_the_rule_its_cases_and_formats(cli: Cli) -> None:
    code, out, _ = cli("explain", "suggest.trust.one-team", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Rule suggest.trust.one-team (rules/diagnosis/suggestions.toml:20)"
    assert "  - finding: Absence of trust   [dysfunction.absence_of_trust]" in lines
    assert (
        "  - intake: What kind of team or group is this about? is 'One team with a lead'   "
        '[context.team_type == "one_team"]'
    ) in lines
    assert "  - trust.low-score-only (trust.cases.toml:12)" in lines
    assert "  - Lifeline (lifeline, 90 min)" in lines


def test_explain_an_unknown_rule(cli: Cli) -> None:
    code, out, err = cli("explain", "conflict.low-meen", "--lang", "en")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "coachassist: unknown rule 'conflict.low-meen' (did you mean 'conflict.low-mean'?); "
        "'coachassist rulebook' lists every rule"
    )


def test_rulebook_markdown_escapes_and_lists_everything(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(
        RULE.replace('en = "very low"', 'en = "very *low* | <b>x</b>"'), encoding="utf-8"
    )
    (tmp_path / "r.cases.toml").write_text(CASE, encoding="utf-8")
    target = tmp_path / "book.md"
    code, _, err = cli("rulebook", "--kb", tmp_path, "-o", target, "--lang", "en")
    assert code == 0 and "Rulebook written" in err
    book = target.read_text("utf-8")
    assert "### my.conflict.very-low" in book
    assert "- because very \\*low\\* \\| \\<b\\>x\\</b\\>" in book
    assert "| Absence of trust | one team | Collective intake, Lifeline |" in book


def test_a_format_suggested_outside_its_settings_is_warned(cli: Cli, tmp_path: Path) -> None:
    table = (
        '[[suggestions]]\nid = "my.suggest.conflict"\ndysfunction = "fear_of_conflict"\n'
        'settings = ["whole_organisation"]\nformats = ["my_pre_mortem"]\n'
        'because = { nl = "omdat", en = "because" }\n'
    )
    code, out = _check(cli, tmp_path, {"f.toml": FORMAT, "t.toml": table})
    assert code == 0
    assert out.splitlines()[0] == (
        f"{tmp_path}/t.toml:2: my.suggest.conflict: warning: suggests 'my_pre_mortem' for "
        "whole_organisation, but the format's 'settings' lack it, so the planner leaves it out "
        "there; add the setting to the format or drop it here"
    )


def test_cross_reference_problems_in_dutch(cli: Cli, tmp_path: Path) -> None:
    rule = RULE.replace('"score.conflict.mean < 1.5"', '"signal.my_nothing"')
    assert _problem(cli, tmp_path, {"r.toml": rule}, "nl") == (
        "my.conflict.very-low: voorwaarde 'signal.my_nothing': geen regel concludeert signaal "
        "'my_nothing', dus dit geldt nooit"
    )


def test_every_type_mismatch_of_a_question_is_named(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from coachassist.kb.models import Question

    with pytest.raises(ValidationError) as raised:
        Question.model_validate(
            {
                "id": "q",
                "type": "text",
                "text": {"nl": "Vraag", "en": "Question"},
                "anchors": "agree5",
                "scale": "trust",
            }
        )
    message = raised.value.errors()[0]["ctx"]["error"]
    assert str(message) == (
        "'anchors' and 'reverse' only go with type = \"likert\"; "
        "only likert questions count towards a scale; remove 'scale'"
    )


def test_an_unexpected_finding_names_the_rule_that_concluded_it(cli: Cli, tmp_path: Path) -> None:
    case = CASE.replace(
        'expect.present = ["dysfunction.fear_of_conflict"]',
        'expect.absent = ["signal.low_conflict_openness"]',
    )
    (tmp_path / "c.toml").write_text(case, encoding="utf-8")
    code, out, _ = cli("test-rules", "--kb", tmp_path, "--lang", "en")
    assert code == 1
    assert out.splitlines()[1:3] == [
        "  rule conflict.low-mean (conflict.toml:5) concluded it:",
        "    ok score.conflict.mean <= 2.5   measured: 1.2",
    ]


def test_a_bundled_case_broken_by_an_override_is_named_by_its_bundled_path(
    cli: Cli, tmp_path: Path
) -> None:
    """No absolute path into the installed package: the bundled file as rules/...."""
    rule = (
        RULE.replace("my.conflict.very-low", "conflict.low-mean")
        .replace("score.conflict.mean < 1.5", "score.conflict.mean < 1.0")
        .replace(
            'then = { dysfunction = "fear_of_conflict", severity = "high" }',
            'then = { signal = "low_conflict_openness" }',
        )
    )
    (tmp_path / "r.toml").write_text(rule, encoding="utf-8")
    (tmp_path / "r.cases.toml").write_text(
        CASE.replace("mean = 1.2", "mean = 0.9").replace(
            "dysfunction.fear_of_conflict", "signal.low_conflict_openness"
        ),
        encoding="utf-8",
    )
    code, out, _ = cli("test-rules", "--kb", tmp_path, "--lang", "en")
    assert code == 1
    failures = [line for line in out.splitlines() if not line.startswith(" ")]
    assert failures and all(line.startswith("rules/diagnosis/") for line in failures), failures


def test_new_into_a_file_instead_of_a_folder(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "my-kb").write_text("not a folder", encoding="utf-8")
    code, out, err = cli("new", "format", "--kb", tmp_path / "my-kb", "--lang", "en")
    assert (code, out) == (2, "")
    assert err.startswith(f"coachassist: cannot write {tmp_path}/my-kb/formats/my_format.toml (")
    assert (tmp_path / "my-kb").read_text("utf-8") == "not a folder"
