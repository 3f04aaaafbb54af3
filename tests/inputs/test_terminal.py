"""No control or bidi character from a file reaches the terminal raw, from any command.

Hostile strings (clear-screen, an OSC 52 clipboard write, an 8-bit CSI, bidi overrides) go into
names, `because` texts, intake answers, titles, ids and file names; every command runs, and what
reaches file descriptors 1 and 2 (captured with capfd, so nothing bypasses the check) must hold
none of them raw, with the documented exit code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomli_w

from coachassist.cli import main
from coachassist.terminal import clean

from .conftest import run as run_process
from .conftest import teamscan_answers, write_intake

CLEAR = "\x1b[2J"
OSC52 = "\x1b]52;c;SGVsbG8gY2xpcGJvYXJk\x07"
CSI = "\x9b2J"
BIDI = "\u202etxt.exe\u202c \u2066x\u2069 \u200e\u200f\u061c"
HOSTILE = f"{CLEAR}{OSC52}{CSI}{BIDI}\x7f\r\x08"
RAW = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (9, 10)] + [
    *map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])
]


def assert_clean(*texts: str) -> None:
    for text in texts:
        found = sorted({f"U+{ord(c):04X}" for c in text if c in RAW})
        assert not found, f"raw control characters {found} in:\n{text[:2000]!r}"


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capfd: pytest.CaptureFixture[str]) -> Callable[..., Done]:
    """``coachassist ARGS`` in this process; stdout and stderr as they reach the descriptors."""

    def command(*args: str | Path) -> Done:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse's usage errors
            code = int(exit_.code or 0)
        out, err = capfd.readouterr()
        return Done(code, out, err)

    return command


def strings(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in strings(item)] if isinstance(value, list) else []


def hostile_kb(folder: Path) -> Path:
    """A valid layer over the bundled KB whose texts a user sees are hostile."""
    folder.mkdir()
    text = {"nl": f"naam {HOSTILE}", "en": f"name {HOSTILE}"}
    files = {
        "dysfunctions.toml": {
            "dysfunctions": [
                {"id": "hostile", "name": text, "explanation": text, "scales": ["trust"]}
            ]
        },
        "formats.toml": {
            "formats": [
                {
                    "id": "hostile_format",
                    "minutes": 30,
                    "settings": ["one_team"],
                    "addresses": ["hostile"],
                    "source": f"src {HOSTILE}",
                    "name": text,
                    "purpose": text,
                    "steps": [text],
                }
            ]
        },
        "rules.toml": {
            "rules": [
                {
                    "id": "hostile.low-trust",
                    "when": ["score.trust.mean < 2.5"],
                    "then": {"dysfunction": "hostile", "severity": "high"},
                    "because": text,
                },
                {
                    "id": "hostile.suggest",
                    "when": ["dysfunction.hostile"],
                    "then": {"suggest": ["hostile_format"]},
                    "because": text,
                },
            ]
        },
        # a case that fails, in a file whose name is hostile: test-rules prints both
        f"cases {CLEAR}{BIDI}.toml": {
            "cases": [
                {
                    "id": "hostile_case",
                    "description": HOSTILE,
                    "given": {"scores": {"trust": {"mean": 4.5}}},
                    "expect": {"present": ["dysfunction.hostile"]},
                }
            ]
        },
    }
    for name, data in files.items():
        (folder / name).write_text(tomli_w.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("hostile")
    kb = hostile_kb(tmp / "kb")
    answers = [teamscan_answers(1, keep_text=f"keep {HOSTILE}", change_text=HOSTILE) for _ in "ab"]
    answers[1]["trust_1"] = 2
    intake = write_intake(
        tmp / f"intake {CLEAR}{BIDI}.toml",
        [("r01", answers[0]), ("r02", answers[1]), ("r03", teamscan_answers(2))],
        title=f"Team {HOSTILE}",
        context={"team_type": "one_team", "team_size": 8, "client_question": HOSTILE},
        min_group=1,
    )
    return kb, intake


def test_diagnose_text_and_json(run: Callable[..., Done], case: tuple[Path, Path]) -> None:
    kb, intake = case
    done = run("diagnose", intake, "--kb", kb, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "name \\u001b" in done.stdout  # the finding is shown, its name escaped
    assert_clean(done.stdout, done.stderr)
    done = run("diagnose", intake, "--kb", kb, "--json")
    assert done.returncode == 0, done.stderr
    assert_clean(done.stdout, done.stderr)
    data = json.loads(done.stdout)  # still valid JSON, holding the very same characters
    assert any(HOSTILE in text for text in strings(data["findings"]))


def test_a_real_process_is_clean_too(case: tuple[Path, Path]) -> None:
    """`python -m coachassist`, as a terminal runs it: the same choke point."""
    kb, intake = case
    done = run_process("report", intake, "--for", "coach", "--kb", kb, "--lang", "nl")
    assert done.returncode == 0, done.stderr
    assert "\\u001b" in done.stdout  # shown, escaped (Markdown may escape the "[")
    assert_clean(done.stdout, done.stderr)


@pytest.mark.parametrize("command", [["plan"], ["plan", "--json"], ["report", "--for", "coach"]])
def test_plan_and_report_to_stdout(
    run: Callable[..., Done], case: tuple[Path, Path], command: list[str]
) -> None:
    kb, intake = case
    done = run(*command, intake, "--kb", kb, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "\\u001b" in done.stdout  # the hostile texts are shown, escaped
    assert_clean(done.stdout, done.stderr)
    if "--json" in command:
        assert any(HOSTILE in text for text in strings(json.loads(done.stdout)))


def test_test_rules_failure_names_a_hostile_file_cleanly(
    run: Callable[..., Done], case: tuple[Path, Path]
) -> None:
    kb, _ = case
    done = run("test-rules", "--kb", kb, "--lang", "en")
    assert done.returncode == 1
    assert "hostile_case" in done.stdout + done.stderr
    assert_clean(done.stdout, done.stderr)


def test_check_with_a_hostile_id_and_file_name(run: Callable[..., Done], tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    rule = {"rules": [{"id": f"x{CLEAR}{OSC52}{CSI}\u202e", "when": ["a"], "then": "b"}]}
    (folder / f"r {CLEAR}{CSI}\u202e.toml").write_text(tomli_w.dumps(rule), encoding="utf-8")
    done = run("check", "--kb", folder)
    assert done.returncode == 1
    assert "x\\u001b[2J" in done.stdout  # the id is named, escaped
    assert_clean(done.stdout, done.stderr)


def test_errors_with_hostile_file_names_and_arguments(
    run: Callable[..., Done], case: tuple[Path, Path], tmp_path: Path
) -> None:
    _, intake = case
    done = run("diagnose", intake)  # without the hostile KB: the unknown dysfunction is fine,
    assert done.returncode == 0, done.stderr  # but the intake's texts are still hostile
    assert_clean(done.stdout, done.stderr)
    missing = tmp_path / f"gone {OSC52}{BIDI}.toml"
    done = run("diagnose", missing)
    assert done.returncode == 2 and "gone \\u001b]52" in done.stderr
    assert_clean(done.stdout, done.stderr)
    bad = tmp_path / f"bad {CLEAR}.toml"
    bad.write_text(
        tomli_w.dumps(
            {
                "format": "coachassist-response/1",
                "questionnaire": "teamscan",
                "version": "1.0",
                "answers": {f"q{CSI}": HOSTILE},
            }
        ),
        "utf-8",
    )
    done = run("diagnose", bad)
    assert done.returncode == 2
    assert_clean(done.stdout, done.stderr)
    done = run("schema", f"rules{CLEAR}{BIDI}")  # argparse echoes the invalid choice
    assert done.returncode == 2 and "invalid choice" in done.stderr
    assert_clean(done.stdout, done.stderr)


def test_schema_output_is_clean_and_valid_json(run: Callable[..., Done]) -> None:
    done = run("schema", "rule")
    assert done.returncode == 0
    assert_clean(done.stdout, done.stderr)
    assert json.loads(done.stdout)["title"] == "coachassist rule file"


def test_clean_escapes_every_unsafe_character_and_keeps_json_valid() -> None:
    everything = "".join(RAW) + "ok\n\t é ✓"
    cleaned = clean(everything)
    assert_clean(cleaned)
    assert cleaned.endswith("ok\n\t é ✓") and clean(cleaned) == cleaned
    document = json.dumps({"text": everything}, ensure_ascii=False)
    assert json.loads(clean(document)) == {"text": everything}
