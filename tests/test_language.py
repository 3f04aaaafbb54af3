"""Every line the command line shows a user exists in Dutch and English, from one source.

Each command's error for a bad option or a bad file is one line in the language asked for,
with the exit code it always had; ``--help`` is Dutch with ``--lang nl``; and no ``UserError``
in the source is raised with an English sentence written in the code.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachassist import cli
from coachassist.cli.parsing import translate
from coachassist.errors import UserError
from coachassist.i18n import Message, keys, t
from coachassist.intake.files import read_intake

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "coachassist"
INTAKE = str(REPO / "examples" / "gezond_wijkteam.toml")

# (command line, exit code, the Dutch line, the English line); {tmp} and {intake} filled in
ERRORS: list[tuple[str, int, str, str]] = [
    (
        "check --kb {tmp}/none",
        2,
        "coachassist: --kb {tmp}/none: geen map; geef een map met .toml-bestanden",
        "coachassist: --kb {tmp}/none: not a folder; pass a folder of .toml files",
    ),
    (
        "schema nope",
        2,
        "coachassist schema: fout: argument kind: ongeldige keuze: 'nope' (kies uit",
        "coachassist schema: error: argument kind: invalid choice: 'nope' (choose from",
    ),
    (
        "app --bogus",
        2,
        "coachassist: fout: onbekende argumenten: --bogus",
        "coachassist: error: unrecognized arguments: --bogus",
    ),
    (
        "serve --port 70000",
        2,
        "coachassist serve: fout: argument --port: '70000' is geen poortnummer (1-65535)",
        "coachassist serve: error: argument --port: '70000' is not a port number (1-65535)",
    ),
    (
        "collect {intake} --codes 999",
        2,
        "coachassist: --codes 999: gebruik een getal van 0 tot en met 500",
        "coachassist: --codes 999: use a number from 0 to 500",
    ),
    (
        "diagnose {tmp}/none.toml",
        2,
        "coachassist: {tmp}/none.toml: kan het bestand niet lezen: bestand of map bestaat niet",
        "coachassist: {tmp}/none.toml: cannot read the file: No such file or directory",
    ),
    (
        "diagnose {tmp}/other.toml",
        2,
        'coachassist: {tmp}/other.toml: geen intake- en geen antwoordbestand (format moet "',
        'coachassist: {tmp}/other.toml: neither an intake nor a response file (format must be "',
    ),
    (
        "diagnose {tmp}/invalid.toml",
        2,
        "coachassist: {tmp}/invalid.toml: respondent r1: lang: Moet 'nl' of 'en' zijn (en nog 1)",
        "coachassist: {tmp}/invalid.toml: respondent r1: lang: Input should be 'nl' or 'en' "
        "(and 1 more)",
    ),
    (
        "diagnose {intake} --jobs 2",
        2,
        "coachassist: --jobs hoort bij veel teams (bestanden, mappen of globs)",
        "coachassist: --jobs goes with many teams (files, folders or globs)",
    ),
    (
        "diagnose {intake} --jobs x",
        2,
        "coachassist diagnose: fout: argument --jobs: ongeldige int-waarde: 'x'",
        "coachassist diagnose: error: argument --jobs: invalid int value: 'x'",
    ),
    (
        "diagnose {intake} {intake}x --min-group 0",
        2,
        "coachassist: --min-group moet 1 of meer zijn",
        "coachassist: --min-group must be 1 or more",
    ),
    (
        "diagnose {intake} --why-not nope",
        2,
        "coachassist: onbekende disfunctie 'nope'; bekend: absence_of_trust,",
        "coachassist: unknown dysfunction 'nope'; known: absence_of_trust,",
    ),
    (
        "test-rules --bogus",
        2,
        "coachassist: fout: onbekende argumenten: --bogus",
        "coachassist: error: unrecognized arguments: --bogus",
    ),
    (
        "decide {intake} absence_of_trust",
        2,
        "coachassist decide: fout: een van de argumenten --confirm --adjust --reject --undo is "
        "verplicht",
        "coachassist decide: error: one of the arguments --confirm --adjust --reject --undo is "
        "required",
    ),
    (
        "decide {tmp}/none.toml absence_of_trust --reject",
        2,
        'coachassist: "reject" heeft een reden nodig',
        'coachassist: "reject" needs a reason',
    ),
    (
        "compare {intake} {intake} {intake}",
        2,
        "coachassist: compare neemt twee intakebestanden: EERDER LATER (of alleen LATER)",
        "coachassist: compare takes two intake files: EARLIER LATER (or LATER alone)",
    ),
    (
        "compare {intake}",
        2,
        "coachassist: {intake}: noemt geen eerdere scan; geef twee intakebestanden",
        "coachassist: {intake}: names no earlier scan; give two intake files",
    ),
    (
        "overview {tmp}/none.toml --min-group 0",
        2,
        "coachassist: --min-group moet 1 of meer zijn",
        "coachassist: --min-group must be 1 or more",
    ),
    (
        "overview {tmp}/*.nothing",
        2,
        "coachassist: {tmp}/*.nothing: geen bestand past bij dit patroon",
        "coachassist: {tmp}/*.nothing: no file matches this pattern",
    ),
    (
        "plan {intake} --sessions 13",
        2,
        "coachassist: --sessions 13: geef een getal van 1 tot en met 12",
        "coachassist: --sessions 13: give a number from 1 to 12",
    ),
    (
        "report {intake} --for x",
        2,
        "coachassist report: fout: argument --for: ongeldige keuze: 'x' (kies uit 'client', "
        "'coach')",
        "coachassist report: error: argument --for: invalid choice: 'x' (choose from 'client', "
        "'coach')",
    ),
    (
        "sheet {intake} --start 25:00",
        2,
        "coachassist: begintijd '25:00': geef die als UU:MM, bijvoorbeeld 09:30",
        "coachassist: start time '25:00': give it as HH:MM, e.g. 09:30",
    ),
    (
        "format nope",
        2,
        "coachassist: onbekende werkvorm 'nope';",
        "coachassist: unknown format 'nope';",
    ),
    (
        "formats --minutes 0",
        2,
        "coachassist: --minutes 0: geef een getal van 1 of meer",
        "coachassist: --minutes 0: give a number of 1 or more",
    ),
    (
        "new format",
        2,
        "coachassist: geef de map waarin het nieuwe bestand komt met --kb MAP",
        "coachassist: name the folder for the new file with --kb DIR",
    ),
    (
        "explain nope",
        2,
        "coachassist: onbekende regel 'nope';",
        "coachassist: unknown rule 'nope';",
    ),
    (
        "rulebook --format pdf",
        2,
        "coachassist rulebook: fout: argument --format: ongeldige keuze: 'pdf' (kies uit 'md', "
        "'html')",
        "coachassist rulebook: error: argument --format: invalid choice: 'pdf' (choose from 'md', "
        "'html')",
    ),
]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse's own errors and --help
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LANG", "C")  # only --lang decides
    monkeypatch.delenv("LC_ALL", raising=False)
    (tmp_path / "other.toml").write_text("x = 1\n", "utf-8")
    (tmp_path / "invalid.toml").write_text(
        'format = "coachassist-intake/1"\nfoo = 1\n[[responses]]\nid = "r1"\nlang = "de"\n',
        "utf-8",
    )
    return tmp_path


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(
    ("line", "code", "dutch", "english"), ERRORS, ids=[case[0].split()[0] for case in ERRORS]
)
def test_every_commands_error_is_one_line_in_the_language_asked_for(
    line: str,
    code: int,
    dutch: str,
    english: str,
    lang: str,
    files: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fill = {"tmp": str(files), "intake": INTAKE}
    argv = [word.format(**fill) for word in line.split()] + ["--lang", lang]
    got, _, err = _run(argv, capsys)
    assert got == code, err
    last = err.strip().splitlines()[-1]
    expected = (dutch if lang == "nl" else english).format(**fill)
    assert last.startswith(expected), f"{last!r} does not start with {expected!r}"
    if not last.startswith("coachassist"):
        pytest.fail(f"not one line: {err!r}")
    if "usage:" in err or "gebruik:" in err:  # argparse: usage, then the error line
        assert err.strip().splitlines()[0].startswith("gebruik:" if lang == "nl" else "usage:")
    else:
        assert err.count("\n") == 1, err


@pytest.mark.parametrize("command", [None, *cli.COMMANDS])
def test_help_is_dutch_for_every_command(
    command: str | None, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words = [command] if command else []
    code, dutch, _ = _run([*words, "--help", "--lang", "nl"], capsys)
    assert code == 0
    _, english, _ = _run([*words, "--help", "--lang", "en"], capsys)
    assert dutch.startswith("gebruik: coachassist") and "\nopties:\n" in dutch
    assert "toon deze hulp en stop" in dutch and "show this help" not in dutch
    assert english.startswith("usage: coachassist") and "show this help" in english
    assert "cli.help." not in dutch + english and "cli.command." not in dutch + english
    # every help line differs between the languages, except option names, metavars, formats
    described = [line for line in dutch.splitlines() if line.startswith("  ") and "  " in line[3:]]
    assert described and not set(described) & set(english.splitlines()), described


def test_a_dutch_locale_gives_dutch_help_and_errors(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    code, out, _ = _run(["diagnose", "--help"], capsys)
    assert code == 0 and out.startswith("gebruik:")
    code, _, err = _run(["diagnose"], capsys)
    assert code == 2 and "fout: deze argumenten zijn verplicht: FILE" in err


def test_argparse_messages_without_a_template_are_left_as_argparse_wrote_them() -> None:
    assert translate("something argparse never said", "nl") == "something argparse never said"
    assert (
        translate("argument -x: expected one argument", "nl") == "argument -x: verwacht één waarde"
    )
    assert (
        translate("argument -x: expected one argument", "en")
        == "argument -x: expected one argument"
    )


# --- pydantic's messages in intake files -------------------------------------------------------

INVALID = {
    "title = 1": ("title: Moet een tekst zijn", "title: Input should be a valid string"),
    "zz = 1": ("zz: Onbekend veld;", "zz: Extra inputs are not permitted"),
    "min_group = 0": ("min_group: Moet minstens 1 zijn", "greater than or equal to 1"),
    "min_group = 99": ("min_group: Mag hoogstens 50 zijn", "less than or equal to 50"),
    'scan = "BAD"': ("scan: Tekst past niet bij het patroon", "String should match pattern"),
    "responses = 3": ("responses: Moet een lijst zijn", "Input should be a valid list"),
    "context = []": ("context: Moet een tabel zijn", "Input should be a valid dictionary"),
    "[[responses]]\nrole = 'member'": (
        "respondent nummer 1: id: Verplicht veld ontbreekt",
        "respondent number 1: id: Field required",
    ),
    "[[responses]]\nid = 'r1'\nanswers = {trust_1 = true}": (
        "respondent r1: vraag 'trust_1': true is geen antwoord",
        "respondent r1: question 'trust_1': true is not an answer",
    ),
    '[decisions.trust]\naction = "adjust"': (
        'decisions.trust: "adjust" heeft een ernst nodig',
        'decisions.trust: "adjust" needs a severity',
    ),
}


@pytest.mark.parametrize("body", sorted(INVALID))
def test_an_invalid_intake_is_refused_in_the_readers_language(tmp_path: Path, body: str) -> None:
    path = tmp_path / "team.toml"
    path.write_text(f'format = "coachassist-intake/1"\n{body}\n', "utf-8")
    with pytest.raises(UserError) as caught:
        read_intake(path)
    dutch, english = INVALID[body]
    assert dutch in caught.value.render("nl")
    assert english in caught.value.render("en") and english in str(caught.value)
    assert caught.value.render("nl").startswith(f"{path}: ")


# --- no English sentence written into a raise in the code --------------------------------------

# Files whose errors are text on purpose, and why.
ALLOWED: dict[str, str] = {
    # The engine worker process: it must not load the message catalogue (test_startup checks
    # it), and what it reports is durable-rules' own words, which the main process puts inside
    # a localized line (engine/supervisor.py).
    "coachassist/engine/adapter.py": "engine worker: durable-rules' own words",
    "coachassist/engine/worker.py": "engine worker: an unknown request is a programming error",
}
ERROR_CLASSES = {"UserError", "EngineError", "EngineCrash", "FileRefused"}


def _english_literals() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            for arg in node.args if name in ERROR_CLASSES else ():
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                if _is_text(arg) and where.split(":")[0] not in ALLOWED:
                    found.append(f"{where}: {ast.unparse(arg)[:80]}")
    return found


def _is_text(node: ast.expr) -> bool:
    """A string literal, f-string, or a sum / %-format / .format() of one: text in the code."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_text(node.func.value)
    return False


def test_no_user_error_is_raised_with_an_english_sentence() -> None:
    assert _english_literals() == []


def test_the_check_finds_a_sentence_written_in_the_code(tmp_path: Path) -> None:
    for source in ('UserError("no")', 'UserError(f"{x}: no")', 'UserError("a" + x)'):
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        assert _is_text(call.args[0]), source
    for source in ('UserError(Message("k"))', "UserError(problem)", 'UserError(t("k", lang))'):
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        assert not _is_text(call.args[0]), source


def test_every_message_key_in_the_code_exists() -> None:
    """Keys in ``Message("...")`` and in help texts (``help="cli.help..."``) have a message."""
    pattern = re.compile(r"""(?:\bMessage\(\s*|help=)["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
    known = set(keys())
    missing = [f"cli.COMMANDS: {key}" for _, key in cli.COMMANDS.values() if key not in known]
    for path in sorted(PACKAGE.rglob("*.py")):
        for key in pattern.findall(path.read_text("utf-8")):
            if key not in known:
                missing.append(f"{path.relative_to(REPO)}: {key}")
    assert missing == []


def test_a_message_is_rendered_in_each_language_with_nested_messages() -> None:
    inner = Message("intake.where.respondent_number", number=3)
    outer = Message("intake.where.in", first=inner, then="id")
    assert outer.render("nl") == "respondent nummer 3: id"
    assert str(outer) == "respondent number 3: id"
    error = UserError(outer)
    assert str(error) == "respondent number 3: id" and error.render("nl") == outer.render("nl")
    assert t("intake.where.in", "nl", first=inner, then="x") == "respondent nummer 3: x"


def test_the_engine_workers_words_are_said_again_in_dutch() -> None:
    from coachassist.engine.supervisor import WORKER_WORDS, worker_words

    adapter = (PACKAGE / "engine" / "adapter.py").read_text("utf-8")
    for key in WORKER_WORDS:  # the worker writes the catalogue's English, word for word
        assert f'"{t(key, "en").split("{")[0]}' in adapter, key
    said = worker_words("evaluation failed: RuntimeError: boom")
    assert isinstance(said, Message)
    assert said.render("nl") == "de evaluatie mislukte: RuntimeError: boom"
    assert str(said) == "evaluation failed: RuntimeError: boom"
    assert worker_words("KeyError: 'x'") == "KeyError: 'x'"


@settings(max_examples=40)
@given(st.text(max_size=40).filter(lambda s: not s.startswith("-") and s not in ("case", "rule")))
def test_a_hostile_option_value_is_still_one_dutch_line(word: str) -> None:
    """Braces, quotes, control and bidi characters in what a user typed never break the Dutch
    line (argparse's message is read back with a pattern, then filled into the Dutch)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as stop:
        cli.main(["schema", word, "--lang", "nl"])
    assert stop.value.code == 2
    last = err.getvalue().strip().splitlines()[-1]
    assert last.startswith("coachassist schema: fout: argument kind: ongeldige keuze: ")
    assert last.endswith("'rule', 'suggestion')") and "invalid choice" not in last


def test_a_user_error_crosses_to_another_process_intact() -> None:
    """Many teams are diagnosed in worker processes (--jobs): their errors come back pickled."""
    import pickle

    from coachassist.kb.problems import Problem
    from coachassist.safefile import FileRefused

    for message in (
        Message("file.not_found", path=Path("x.toml")),
        FileRefused(Path("x.toml"), Message("file.not_utf8", line=2)),
        Problem(Path("x.toml"), 3, "-", "not valid TOML", "geen geldige TOML"),
    ):
        error = UserError(message)
        copy = pickle.loads(pickle.dumps(error))
        assert (copy.render("nl"), str(copy)) == (error.render("nl"), str(error))
        assert copy.render("nl") != str(copy)
