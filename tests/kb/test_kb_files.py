"""Unreadable files: each gives exactly one clean problem line, and the CLI never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.kb.kbfiles import FILES, lines, load_dir, write_kb

BAD_FILES: dict[str, tuple[bytes, int | None, str]] = {
    # name: (content, expected line, message part)
    "invalid-toml": (b'[[rules]]\nid = "x"\nwhen = [\nthen = 1\n', 4, "not valid TOML: "),
    "unclosed-string": (b'[[formats]]\nid = "x\n', 2, "not valid TOML: "),
    "duplicate-key": (b'[[formats]]\nid = "a"\nid = "b"\n', 3, "not valid TOML: "),
    "cut-off": (b"[[formats]]\nid = ", 2, "not valid TOML: Invalid value"),
    "empty": (b"", None, "empty file; add content or remove it"),
    "only-whitespace": (b"  \n\n\t\n", None, "empty file"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "binary file, not TOML text"),
    "nul-in-text": (b'[[rules]]\nid = "a\x00b"\n', None, "binary file, not TOML text"),
    "latin-1": ('[[formats]]\n# café\nid = "x"\n'.encode("latin-1"), 2, "not UTF-8 text"),
    "no-kind": (b'title = "my notes"\n[extra]\na = 1\n', None, "cannot tell what kind of file"),
    "two-kinds": (
        b'[[rules]]\nid = "a"\n[[cases]]\nid = "b"\n',
        None,
        "cannot tell what kind of file this is (found: rule, case)",
    ),
    "deeply-nested": (b"a = " + b"[" * 5000, None, "not valid TOML: nested too deeply"),
    "not-a-table-list": (b"rules = 3\n", 1, "rules: write a list in square brackets"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_exactly_one_clean_problem(tmp_path: Path, name: str) -> None:
    content, line, message = BAD_FILES[name]
    path = tmp_path / "rules" / f"{name}.toml"
    path.parent.mkdir()
    path.write_bytes(content)
    _, problems = load_dir(tmp_path)
    assert len(problems) == 1, lines(problems)
    prefix = f"{path}:{line}: " if line else f"{path}: "
    assert str(problems[0]).startswith(prefix), str(problems[0])
    assert message in problems[0].message
    assert "\n" not in str(problems[0])


def test_bad_file_among_good_ones_is_the_only_problem(mini: Path) -> None:
    (mini / "rules" / "notes.toml").write_text("just some words\n", encoding="utf-8")
    _, problems = load_dir(mini)
    assert lines(problems) == [
        f"{mini}/rules/notes.toml:1: not valid TOML: Expected '=' after a key in a key/value pair (column 6)"
    ]


def test_byte_order_mark_is_accepted(mini: Path) -> None:
    """Windows editors may save UTF-8 with a byte-order mark; that is still UTF-8."""
    path = mini / "rules" / "formats.toml"
    path.write_bytes(b"\xef\xbb\xbf" + FILES["rules/formats.toml"].encode("utf-8"))
    kb, problems = load_dir(mini)
    assert lines(problems) == []
    assert "checkin_wish" in kb.formats


def test_crlf_line_endings_are_accepted(mini: Path) -> None:
    path = mini / "rules" / "rules.toml"
    path.write_bytes(FILES["rules/rules.toml"].replace("\n", "\r\n").encode("utf-8"))
    kb, problems = load_dir(mini)
    assert lines(problems) == []
    assert len(kb.rules) == 5


def test_folder_that_does_not_exist(tmp_path: Path) -> None:
    _, problems = load_dir(tmp_path / "nowhere")
    assert lines(problems) == [f"{tmp_path}/nowhere: not a folder; pass a folder of .toml files"]


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "secret.toml"
    path.write_text('[[rules]]\nid = "a"\n', encoding="utf-8")
    path.chmod(0)
    _, problems = load_dir(tmp_path)
    assert lines(problems) == [f"{path}: cannot read the file: Permission denied"]


def test_folder_named_like_a_toml_file(tmp_path: Path) -> None:
    (tmp_path / "odd.toml").mkdir()
    _, problems = load_dir(tmp_path)
    assert len(problems) == 1
    assert problems[0].message.startswith("is a folder, not a regular file")


@pytest.mark.parametrize("name", ["invalid-toml", "binary", "latin-1", "empty", "no-kind"])
def test_check_reports_bad_file_and_exits_1(
    tmp_path: Path, cli: Callable[..., tuple[int, str, str]], name: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_bytes(BAD_FILES[name][0])
    code, out, err = cli("check", "--kb", tmp_path, "--lang", "en")
    assert code == 1
    assert out.splitlines()[-1].startswith(f"{path}")
    assert BAD_FILES[name][2] in out
    assert err.strip().endswith("problem(s) found in the knowledge base.")
    assert "Traceback" not in out + err


def test_check_names_the_problem_count_in_dutch(
    tmp_path: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    (tmp_path / "a.toml").write_bytes(b"")
    (tmp_path / "b.toml").write_bytes(b"\x00")
    code, out, err = cli("check", "--kb", tmp_path, "--lang", "nl")
    assert code == 1
    assert len(out.splitlines()) == 2
    assert err.strip() == "2 probleem/problemen gevonden in de kennisbank."


@pytest.mark.parametrize("invocation", ["script", "module"])
def test_check_as_a_real_process_has_no_traceback(tmp_path: Path, invocation: str) -> None:
    (tmp_path / "broken.toml").write_bytes(b'[[rules]]\nid = "x"\nwhen = [\n')  # cut off
    (tmp_path / "blob.toml").write_bytes(bytes(range(256)))
    script = Path(sys.executable).with_name("coachassist")
    command = (
        [str(script)]
        if invocation == "script" and script.exists()
        else [sys.executable, "-m", "coachassist"]
    )
    env = {**os.environ, "LANG": "en_GB.UTF-8", "LC_ALL": ""}
    env.pop("COACHASSIST_DEBUG", None)
    done = subprocess.run(
        [*command, "check", "--kb", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{tmp_path}/blob.toml: binary file, not TOML text; remove it" in done.stdout
    assert f"{tmp_path}/broken.toml:3: not valid TOML: Invalid value" in done.stdout
    assert done.stderr.strip().endswith("problem(s) found in the knowledge base.")


def test_schema_of_unknown_kind_is_a_usage_error(
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli("schema", "rulez")
    assert exit_info.value.code == 2


def test_write_kb_helper_drops_files(tmp_path: Path) -> None:
    root = write_kb(tmp_path, {"rules/cases.toml": None})
    assert not (root / "rules" / "cases.toml").exists()
    kb, problems = load_dir(root)
    assert lines(problems) == []
    assert kb.cases == {}


def test_dot_files_and_folders_are_skipped(mini: Path) -> None:
    """Editor settings (.taplo.toml), version control and lock files are not knowledge."""
    (mini / ".taplo.toml").write_text('[[rule]]\ninclude = ["**/*.toml"]\n', encoding="utf-8")
    (mini / ".git").mkdir()
    (mini / ".git" / "config.toml").write_bytes(b"\x00")
    (mini / "rules" / ".#rules.toml").write_text("garbage", encoding="utf-8")
    kb, problems = load_dir(mini)
    assert lines(problems) == []
    assert len(kb.rules) == 5


def test_a_folder_inside_a_dot_folder_is_read_when_passed_itself(tmp_path: Path) -> None:
    """Only the parts below the folder passed count: a kb inside .venv/ or .config/ works."""
    root = write_kb(tmp_path / ".config" / "kb")
    kb, problems = load_dir(root)
    assert lines(problems) == []
    assert len(kb.formats) == 2


@pytest.mark.parametrize("bad_id", ["", "a b", "two\\nlines"])
def test_an_unusable_id_is_not_shown_as_the_item(tmp_path: Path, bad_id: str) -> None:
    (tmp_path / "f.toml").write_text(f'[[formats]]\nid = "{bad_id}"\n', encoding="utf-8")
    _, problems = load_dir(tmp_path)
    assert problems
    assert {p.item for p in problems} == {"-"}
    assert all("\n" not in str(p) for p in problems)
