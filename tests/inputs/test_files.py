"""Only regular files are read, never more than a cap: pipes, devices, symlinks out of the folder
and huge files in a knowledge base or given as an intake each become one clean line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from coachassist.safefile import (
    INTAKE_FILE_CAP,
    KB_FILE_CAP,
    FileRefused,
    read_bytes,
    read_text_file,
)

from .conftest import REPO, run, teamscan_answers, write_response

RULE = '[[rules]]\nid = "x"\nwhen = ["score.trust.mean < 2.5"]\nthen = "trust"\nbecause = {nl = "a", en = "a"}\n'


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and "Traceback" not in text


def kb_with(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    return folder


def test_fifo_in_a_kb_folder_is_refused_not_waited_on(tmp_path: Path) -> None:
    folder = kb_with(tmp_path)
    os.mkfifo(folder / "pipe.toml")
    done = run("check", "--kb", folder)  # before: hung forever on open()
    assert done.returncode == 1
    assert f"{folder}/pipe.toml: is a named pipe (FIFO), not a regular file" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("role", ["intake", "context", "one of the responses"])
def test_fifo_given_as_intake_context_or_response_is_refused(tmp_path: Path, role: str) -> None:
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    response = write_response(tmp_path / "r.toml", teamscan_answers())
    args = {
        "intake": [pipe],
        "context": [response, "--context", pipe],
        "one of the responses": [response, pipe],
    }[role]
    done = run("diagnose", *args)
    assert done.returncode == 2
    assert f"{pipe}: is a named pipe (FIFO), not a regular file" in done.stderr
    assert one_line(done.stderr)


def test_symlink_to_dev_zero_never_exhausts_memory(tmp_path: Path) -> None:
    folder = kb_with(tmp_path)
    (folder / "zero.toml").symlink_to("/dev/zero")
    done = run("check", "--kb", folder)
    assert done.returncode == 1
    assert "zero.toml: is a symlink to /dev/zero, outside the folder" in done.stdout
    intake = tmp_path / "zero-intake.toml"
    intake.symlink_to("/dev/zero")
    done = run("diagnose", intake)
    assert (
        done.returncode == 2 and "zero-intake.toml: is a device, not a regular file" in done.stderr
    )


def test_device_is_refused_before_it_is_opened() -> None:
    with pytest.raises(FileRefused, match="is a device"):
        read_bytes(Path("/dev/zero"), 100)


def test_symlink_leaving_the_folder_is_refused_inside_is_fine(tmp_path: Path) -> None:
    folder = kb_with(tmp_path)
    outside = tmp_path / "outside.toml"
    outside.write_text(RULE, encoding="utf-8")
    (folder / "escape.toml").symlink_to(outside)
    (folder / "real").mkdir()
    done = run("check", "--kb", folder)
    assert done.returncode == 1
    assert f"{folder}/escape.toml: is a symlink to {outside}, outside the folder {folder}" in (
        done.stdout
    )
    (folder / "escape.toml").unlink()
    target = folder / "real" / "kept.toml"
    shutil.copy(REPO / "rules" / "dysfunctions.toml", target)
    (folder / "alias.toml").symlink_to(target)
    with pytest.raises(FileRefused):  # a link inside is read; only this root check refuses
        read_bytes(folder / "alias.toml", KB_FILE_CAP, root=folder / "real" / "nowhere")
    assert read_bytes(folder / "alias.toml", KB_FILE_CAP, root=folder) == target.read_bytes()


def test_oversize_kb_file_is_refused_naming_the_cap(tmp_path: Path) -> None:
    folder = kb_with(tmp_path)
    big = folder / "big.toml"
    with big.open("wb") as handle:  # sparse: costs no disk, and is never read
        handle.truncate(KB_FILE_CAP + 1)
    done = run("check", "--kb", folder)
    assert done.returncode == 1
    assert f"{big}: file is larger than 5 MB (5,000,000 bytes)" in done.stdout


def test_oversize_intake_is_refused_naming_the_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(INTAKE_FILE_CAP + 1)
    done = run("diagnose", big)
    assert done.returncode == 2
    assert f"{big}: file is larger than 64 MB (64,000,000 bytes)" in done.stderr
    assert one_line(done.stderr)


def test_a_file_reporting_a_small_size_is_still_read_only_up_to_the_cap(tmp_path: Path) -> None:
    """read(cap + 1), not the size stat reports: /proc files say 0 bytes and hold more."""
    maps = Path("/proc/self/maps")
    if not maps.is_file():
        pytest.skip("no /proc on this system")
    assert os.stat(maps).st_size == 0
    with pytest.raises(FileRefused, match=r"larger than 0\.01 KB"):
        read_bytes(maps, 10)


def test_read_text_file_decodes_or_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_bytes("\ufeffa = 1\n".encode() + "b = 'é'\n".encode("latin-1"))
    with pytest.raises(FileRefused, match=r"t\.toml: line 2: not UTF-8 text"):
        read_text_file(path, KB_FILE_CAP)
    path.write_bytes("\ufeffa = 'é'\n".encode())
    assert read_text_file(path, KB_FILE_CAP) == "a = 'é'\n"  # the byte-order mark dropped
