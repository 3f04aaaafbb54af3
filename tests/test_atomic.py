"""The one atomic writer: all or nothing, one clear error, nothing left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from coachassist import atomic, i18n, workspace
from coachassist.errors import UserError
from coachassist.intake.files import write_atomic, write_text_atomic
from coachassist.kb import cache


def test_text_and_bytes_replace_the_file_and_keep_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old", "utf-8")
    target.chmod(0o600)
    atomic.write_atomic(target, "nieuw ✓\n")
    assert target.read_text("utf-8") == "nieuw ✓\n"
    assert target.stat().st_mode & 0o777 == 0o600
    atomic.write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_full_disk_keeps_the_old_file_and_says_so(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "intake.toml"
    target.write_text("old", "utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(UserError, match=r"intake.toml: cannot write the file \(No space left"):
        write_text_atomic(target, "new")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["intake.toml"]


def test_every_writer_goes_through_the_one_function(tmp_path: Path, monkeypatch) -> None:
    written: list[str] = []
    real = atomic.write_atomic

    def spy(path: Path, data: bytes | str, **kwargs: bool) -> None:
        written.append(path.name)
        real(path, data, **kwargs)

    monkeypatch.setenv("COACHASSIST_HOME", str(tmp_path / "home"))
    for module in (atomic, workspace, cache):
        if hasattr(module, "write_atomic"):
            monkeypatch.setattr(module, "write_atomic", spy)
    write_atomic(tmp_path / "new" / "intake.toml", {"title": "x"})  # makes the folder
    workspace.remember(tmp_path / "new" / "intake.toml", "x", set())
    cache._save("key", cache.KnowledgeBase())
    i18n._write_cache("key", {})
    assert written == ["intake.toml", "recent.json", "kb-cache.pickle", "messages-cache.json"]


def test_a_folder_or_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a folder"):
        atomic.write_atomic(tmp_path, "x")
    with pytest.raises(UserError, match="does not exist"):
        atomic.write_atomic(tmp_path / "no" / "file", "x")
