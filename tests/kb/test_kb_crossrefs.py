"""Every kind of mistake in a knowledge-base file gives a ``path:line: id: problem`` line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kb.kbfiles import FILES, edit, line_of, lines, load_dir, write_kb

SCAN = "questionnaires/scan.toml"
CONTEXT = "questionnaires/context.toml"
DYS = "rules/dysfunctions.toml"
FMT = "rules/formats.toml"
RULES = "rules/rules.toml"
CASES = "rules/cases.toml"
Q = '\\"'  # a quote inside a condition inside a TOML basic string

# (test id, file, old snippet, new snippet, item id, line needle in the new text, message part)
MISTAKES = [
    (
        "question-unknown-scale",
        SCAN,
        'scale = "trust"\nanchors = "agree5"\ntext = { nl = "Ik durf',
        'scale = "trusst"\nanchors = "agree5"\ntext = { nl = "Ik durf',
        "miniscan",
        'scale = "trusst"',
        "question 'trust_1': unknown scale 'trusst'; did you mean 'trust'? known: trust",
    ),
    (
        "question-unknown-anchors",
        SCAN,
        'anchors = "agree5"\nreverse = true',
        'anchors = "agree7"\nreverse = true',
        "miniscan",
        'anchors = "agree7"',
        "question 'trust_2': unknown anchors 'agree7'; did you mean 'agree5'? known: agree5",
    ),
    (
        "dysfunction-unknown-scale",
        DYS,
        'scales = ["trust"]',
        'scales = ["trustt"]',
        "absence_of_trust",
        'scales = ["trustt"]',
        "unknown scale 'trustt' in 'scales'",
    ),
    (
        "condition-unknown-score-scale",
        RULES,
        "score.trust.mean < 3.0",
        "score.trus.mean < 3.0",
        "trust.low",
        "score.trus.mean",
        "condition 'score.trus.mean < 3.0': unknown scale 'trus'; did you mean 'trust'? known: trust",
    ),
    (
        "condition-unknown-gap-scale",
        RULES,
        "score.trust.mean < 3.0",
        "gap.truss >= 1",
        "trust.low",
        "gap.truss",
        "unknown scale 'truss'",
    ),
    (
        "condition-unknown-item",
        RULES,
        "score.trust.mean < 3.0",
        "item.trust_9.mean < 2",
        "trust.low",
        "item.trust_9",
        "unknown question 'trust_9' in the scan questionnaires",
    ),
    (
        "condition-item-of-free-text",
        RULES,
        "score.trust.mean < 3.0",
        "item.keep_text.mean < 2",
        "trust.low",
        "item.keep_text",
        "item statistics exist for likert questions only",
    ),
    (
        "condition-unknown-context-question",
        RULES,
        "context.team_size >= 40",
        "context.team_siz >= 40",
        "silos.seen",
        "when_any",
        "unknown context question 'team_siz'",
    ),
    (
        "format-addresses-unknown-dysfunction",
        FMT,
        'addresses = ["absence_of_trust"]',
        'addresses = ["absence_of_trus"]',
        "checkin_wish",
        "absence_of_trus",
        "unknown dysfunction 'absence_of_trus' in 'addresses'",
    ),
    (
        "then-unknown-dysfunction",
        RULES,
        'then = { dysfunction = "absence_of_trust", severity = "high" }',
        'then = { dysfunction = "no_trust", severity = "high" }',
        "trust.dysfunction",
        '"no_trust"',
        "unknown dysfunction 'no_trust'; did you mean 'absence_of_trust'? known: absence_of_trust, silos_and_power",
    ),
    (
        "condition-unknown-dysfunction",
        RULES,
        'when = ["dysfunction.silos_and_power"]',
        'when = ["dysfunction.silo"]',
        "silos.formats",
        "dysfunction.silo",
        "condition 'dysfunction.silo': unknown dysfunction 'silo'",
    ),
    (
        "suggest-unknown-format",
        RULES,
        'suggest = ["checkin_wish"]',
        'suggest = ["checkin"]',
        "trust.formats",
        '"checkin"',
        "unknown format 'checkin' in 'suggest'",
    ),
    (
        "suggest-without-dysfunction-condition",
        RULES,
        'when = ["dysfunction.absence_of_trust"]',
        'when = ["score.trust.mean < 2"]',
        "trust.formats",
        "score.trust.mean < 2",
        "a rule that suggests formats must name the finding it answers",
    ),
    (
        "duplicate-format-id",
        FMT,
        'id = "one_two_four_all"',
        'id = "checkin_wish"',
        "checkin_wish",
        None,  # the second declaration; see test_duplicate_points_at_second_declaration
        "duplicate format id",
    ),
    (
        "duplicate-question-id",
        SCAN,
        'id = "trust_2"',
        'id = "trust_1"',
        "miniscan",
        None,
        "question 'trust_1' is defined twice",
    ),
    (
        "missing-en-text",
        DYS,
        'name = { nl = "Eilandjes en macht", en = "Silos and power" }',
        'name = { nl = "Eilandjes en macht" }',
        "silos_and_power",
        'name = { nl = "Eilandjes en macht" }',
        "name.en: missing; add this field",
    ),
    (
        "missing-nl-text",
        FMT,
        'purpose = { nl = "Iedereen is er.", en = "Everyone arrives." }',
        'purpose = { en = "Everyone arrives." }',
        "checkin_wish",
        'purpose = { en = "Everyone arrives." }',
        "purpose.nl: missing",
    ),
    (
        "blank-text",
        DYS,
        'en = "Silos and power"',
        'en = "   "',
        "silos_and_power",
        'en = "   "',
        "name.en: text is blank",
    ),
    (
        "blank-option-text",
        CONTEXT,
        'en = "One team"',
        'en = " "',
        "team_type",
        ('id = "team_type"', "options = ["),
        "option 2, en: text is blank",
    ),
    (
        "likert-range-too-wide",
        SCAN,
        "max = 5\n",
        "max = 20\n",
        "miniscan",
        "[anchors.agree5]",
        "likert range 1..20: use 3 to 11 points",
    ),
    (
        "likert-min-above-max",
        SCAN,
        "min = 1\nmax = 5\n",
        "min = 5\nmax = 1\n",
        "miniscan",
        "[anchors.agree5]",
        "likert range 5..1",
    ),
    (
        "likert-wrong-number-of-labels",
        SCAN,
        '  { nl = "Eens", en = "Agree" },\n',
        "",
        "miniscan",
        "[anchors.agree5]",
        "4 labels for 5 points (1..5): give one label per point",
    ),
    (
        "condition-choice-compared-with-number",
        RULES,
        f"context.team_type == {Q}leadership_team{Q}",
        "context.team_type >= 3",
        "silos.seen",
        "context.team_type >= 3",
        "'team_type' has choices, not numbers",
    ),
    (
        "condition-unknown-option",
        RULES,
        f"context.team_type == {Q}leadership_team{Q}",
        f"context.team_type == {Q}mt{Q}",
        "silos.seen",
        "context.team_type ==",
        "unknown option 'mt'; known: leadership_team, one_team",
    ),
    (
        "condition-number-compared-with-text",
        RULES,
        "context.team_size >= 40",
        f"context.team_size == {Q}big{Q}",
        "silos.seen",
        "when_any",
        "'team_size' is answered with a number",
    ),
    (
        "condition-has-on-a-number",
        RULES,
        "context.team_size >= 40",
        "context.team_size has 40",
        "silos.seen",
        "when_any",
        "'has' needs a multiple-choice question",
    ),
    (
        "condition-multiple-choice-without-has",
        RULES,
        "context.observed has",
        "context.observed ==",
        "silos.seen",
        "when_any",
        "'observed' is multiple choice; test it with 'has'",
    ),
    (
        "condition-free-text",
        RULES,
        "context.team_size >= 40",
        f"context.client_question == {Q}x{Q}",
        "silos.seen",
        "when_any",
        "free-text question",
    ),
    (
        "condition-score-compared-with-text",
        RULES,
        "score.trust.mean < 3.0",
        f"score.trust.mean == {Q}low{Q}",
        "trust.low",
        "score.trust.mean ==",
        "a score is a number",
    ),
    (
        "condition-flag-compared-with-number",
        RULES,
        "score.trust.mean < 3.0",
        "score.trust.polarised < 3",
        "trust.low",
        "polarised < 3",
        "'polarised' is true or false",
    ),
    (
        "condition-unreadable",
        RULES,
        "score.trust.mean < 3.0",
        "score.trust.mean <<< 3.0",
        "trust.low",
        "<<<",
        "condition 1: 'score.trust.mean <<< 3.0': cannot read value",
    ),
    (
        "condition-unknown-subject",
        RULES,
        "score.trust.mean < 3.0",
        "scores.trust.mean < 3.0",
        "trust.low",
        "scores.trust",
        "unknown subject 'scores'",
    ),
    (
        "condition-answer-in-a-rule",
        RULES,
        "score.trust.mean < 3.0",
        "answer.trust_1 == 3",
        "trust.low",
        "answer.trust_1",
        "'answer' and 'role' belong in a questionnaire's show_if",
    ),
    (
        "condition-signal-nobody-concludes",
        RULES,
        'when = ["signal.low_trust"]',
        'when = ["signal.low_trusst"]',
        "trust.dysfunction",
        "low_trusst",
        "no rule concludes signal 'low_trusst', so this never holds",
    ),
    (
        "show-if-later-question",
        SCAN,
        'id = "trust_1"\n',
        'id = "trust_1"\nshow_if = ["answer.trust_2 == 3"]\n',
        "miniscan",
        "show_if",
        "'trust_2' is not an earlier question in this questionnaire",
    ),
    (
        "signal-cycle",
        RULES,
        'when = ["score.trust.mean < 3.0"]',
        'when = ["score.trust.mean < 3.0", "dysfunction.absence_of_trust"]',
        "trust.dysfunction",
        'id = "trust.dysfunction"',
        "conclusions depend on themselves (dysfunction.absence_of_trust -> signal.low_trust"
        " -> dysfunction.absence_of_trust)",
    ),
    (
        "unknown-field-typo",
        FMT,
        "recurring = true",
        "recuring = true",
        "checkin_wish",
        "recuring",
        "recuring: unknown field (did you mean 'recurring'?); remove it or check its spelling",
    ),
    (
        "unknown-top-level-field",
        RULES,
        '[[rules]]\nid = "trust.low"',
        'version = "1"\n\n[[rules]]\nid = "trust.low"',
        "-",
        None,
        "version: unknown field",
    ),
    (
        "bad-id",
        FMT,
        'id = "one_two_four_all"',
        'id = "One-two"',
        "One-two",
        'id = "One-two"',
        "id: 'One-two' is not a valid id: use lower case letters, digits and _, starting with a letter (e.g. 'one_two')",
    ),
    (
        "dysfunction-without-severity",
        RULES,
        ', severity = "high"',
        "",
        "trust.dysfunction",
        'then = { dysfunction = "absence_of_trust" }',
        'a dysfunction needs a severity: "low", "medium" or "high"',
    ),
    (
        "rule-with-two-conclusions",
        RULES,
        'then = { signal = "low_trust" }',
        'then = { signal = "low_trust", suggest = ["checkin_wish"] }',
        "trust.low",
        "then = { signal",
        "conclude exactly one of",
    ),
    (
        "case-expects-unknown-format",
        CASES,
        '"format.checkin_wish"',
        '"format.checkin"',
        "trust.low-team",
        "format.checkin",
        "expected 'format.checkin': unknown format",
    ),
    (
        "case-expects-unknown-signal",
        CASES,
        'expect.absent = ["signal.low_trust"]',
        'expect.absent = ["signal.no_trust"]',
        "silos.islands",
        "signal.no_trust",
        "expected 'signal.no_trust': unknown signal",
    ),
    (
        "case-expects-unknown-kind",
        CASES,
        '"format.checkin_wish"',
        '"suggest.checkin_wish"',
        "trust.low-team",
        "suggest.checkin_wish",
        "write signal.<id>, dysfunction.<id> or format.<id>",
    ),
    (
        "case-given-unknown-scale",
        CASES,
        "given.scores.trust",
        "given.scores.trusst",
        "trust.low-team",
        "given.scores.trusst",
        "given score of unknown scale 'trusst'",
    ),
    (
        "case-given-unknown-context-question",
        CASES,
        'team_type = "leadership_team"',
        'team_typ = "leadership_team"',
        "silos.islands",
        "given.context",
        "given context answer to unknown question 'team_typ'",
    ),
    (
        "case-given-unknown-context-option",
        CASES,
        'team_type = "leadership_team"',
        'team_type = "leadershipteam"',
        "silos.islands",
        "given.context",
        "given context answer to 'team_type': 'leadershipteam' is not one of",
    ),
    (
        "case-given-response-out-of-range",
        CASES,
        "given.scores.trust = { mean = 2.1 }",
        'given.questionnaire = "miniscan"\ngiven.responses = [{ answers = { trust_1 = 9 } }]',
        "trust.low-team",
        "given.responses",
        "question 'trust_1': 9 is out of range 1..5",
    ),
    (
        "case-given-unknown-questionnaire",
        CASES,
        "given.scores.trust = { mean = 2.1 }",
        'given.questionnaire = "teamscan"\ngiven.responses = [{ answers = { trust_1 = 2 } }]',
        "trust.low-team",
        "given.questionnaire",
        "naming a known questionnaire",
    ),
]


# Mistakes whose first problem has a follow-on problem elsewhere (reported after it).
CONSEQUENCES = {"then-unknown-dysfunction": 1}  # ... so 'dysfunction.absence_of_trust' is unmet


@pytest.mark.parametrize(
    ("name", "old", "new", "item", "needle", "message"),
    [pytest.param(*m[1:], id=m[0]) for m in MISTAKES],
)
def test_mistake_gives_one_located_problem(
    mini: Path,
    request: pytest.FixtureRequest,
    name: str,
    old: str,
    new: str,
    item: str,
    needle: str | tuple[str, str] | None,
    message: str,
) -> None:
    text = edit(FILES[name], old, new)
    (mini / name).write_text(text, encoding="utf-8")
    _, problems = load_dir(mini)
    assert len(problems) == 1 + CONSEQUENCES.get(request.node.callspec.id, 0), lines(problems)
    line = str(problems[0])
    where = f"{mini / name}:{line_of(text, needle)}: " if needle else f"{mini / name}:"
    assert line.startswith(f"{where}"), line
    assert problems[0].item == item
    assert (f": {item}: " in line) == (item != "-"), line  # the whole file: no item, no "-:"
    assert message in line, line


def test_the_mini_knowledge_base_is_valid(mini: Path) -> None:
    kb, problems = load_dir(mini)
    assert lines(problems) == []
    assert kb.counts() == {
        "questionnaires": 2,
        "scales": 1,
        "questions": 7,
        "dysfunctions": 2,
        "formats": 2,
        "rules": 5,
        "cases": 2,
    }


def test_exact_prefixes(tmp_path: Path) -> None:
    """Spelled out in full for a few mistakes: the file, the line number and the id."""
    rules = edit(FILES[RULES], 'suggest = ["checkin_wish"]', 'suggest = ["checkin"]')
    formats = edit(FILES[FMT], "recurring = true", "recuring = true")
    root = write_kb(tmp_path, {RULES: rules})
    assert [str(p) for p in load_dir(root)[1]] == [
        f"{root}/rules/rules.toml:23: trust.formats: unknown format 'checkin' in 'suggest'; "
        "did you mean 'checkin_wish'? known: checkin_wish, one_two_four_all"
    ]
    root = write_kb(tmp_path, {RULES: FILES[RULES], FMT: formats})
    assert [str(p) for p in load_dir(root)[1]] == [
        f"{root}/rules/formats.toml:4: checkin_wish: recuring: unknown field "
        "(did you mean 'recurring'?); remove it or check its spelling"
    ]
    scan = edit(FILES[SCAN], 'anchors = "agree5"\nreverse', 'anchors = "agree7"\nreverse')
    root = write_kb(tmp_path, {FMT: FILES[FMT], SCAN: scan})
    assert [str(p) for p in load_dir(root)[1]] == [
        f"{root}/questionnaires/scan.toml:40: miniscan: question 'trust_2': "
        "unknown anchors 'agree7'; did you mean 'agree5'? known: agree5"
    ]


def test_duplicate_points_at_second_declaration(mini: Path) -> None:
    text = edit(FILES[FMT], 'id = "one_two_four_all"', 'id = "checkin_wish"')
    (mini / FMT).write_text(text, encoding="utf-8")
    _, problems = load_dir(mini)
    assert [str(p) for p in problems] == [
        f"{mini / FMT}:14: checkin_wish: duplicate format id; ids must be unique"
    ]


def test_duplicate_across_files_of_one_folder(mini: Path) -> None:
    (mini / "rules" / "more_formats.toml").write_text(
        FILES[FMT].split("\n\n[[formats]]")[0] + "\n", encoding="utf-8"
    )
    _, problems = load_dir(mini)
    # files load in sorted order: formats.toml first, so the copy in more_formats.toml is extra
    assert [str(p) for p in problems] == [
        f"{mini}/rules/more_formats.toml:2: checkin_wish: duplicate format id; ids must be unique"
    ]


def test_every_problem_of_a_file_is_reported(mini: Path) -> None:
    """Mistakes in several items of one file are all listed, not just the first."""
    text = edit(FILES[DYS], 'en = "Silos and power"', 'en = ""')
    text = edit(text, "level = 1", "level = 7")
    (mini / DYS).write_text(text, encoding="utf-8")
    _, problems = load_dir(mini)
    assert sorted(p.item for p in problems) == ["absence_of_trust", "silos_and_power"]
    assert {p.line for p in problems} == {line_of(text, "level = 7"), line_of(text, 'en = ""')}


def test_suggested_format_must_address_the_rules_finding(mini: Path) -> None:
    """The library filter and the diagnosis agree: a rule that suggests a format for a finding
    needs that finding in the format's `addresses`."""
    text = edit(FILES[FMT], 'addresses = ["silos_and_power"]', 'addresses = ["absence_of_trust"]')
    (mini / FMT).write_text(text, encoding="utf-8")
    _, problems = load_dir(mini)
    assert len(problems) == 1, lines(problems)
    line = str(problems[0])
    assert line.startswith(f"{mini / RULES}:"), line
    assert "silos.formats" in line and "'one_two_four_all'" in line
    assert "lack silos_and_power; add them to the format" in line
