"""``coachassist collect`` on the command line: codes, refusals with one-line errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from coachassist.cli import main
from coachassist.collect.runner import is_loopback, url_host
from coachassist.collect.state import DEFAULT_MIN_GROUP, sidecar_path
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import KnowledgeBase

COMMAND = [sys.executable, "-m", "coachassist", "collect"]


def test_codes_are_printed_once_and_only_their_hashes_are_kept(intake_path: Path) -> None:
    process = subprocess.Popen(
        [*COMMAND, str(intake_path), "--port", "0", "--codes", "3", "--lang", "en"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Stop:"):
                break
    finally:
        process.kill()
        process.wait()
    output = "".join(lines)
    assert re.search(r"Link for the team: http://127\.0\.0\.1:\d+/[\w-]{24}/", output)
    codes = re.findall(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$", output, re.M)
    assert len(set(codes)) == 3
    stored = sidecar_path(intake_path).read_text()
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert sidecar_path(intake_path).stat().st_mode & 0o077 == 0  # readable by the coach only
    assert "warning" not in (process.stderr.read() if process.stderr else "")


def test_refusals_are_one_line_errors(tmp_path: Path, kb: KnowledgeBase, capsys) -> None:
    self_scan = tmp_path / "self.toml"
    IntakeProgress.new(kb, self_scan, "Me", "self").release()
    damaged = tmp_path / "damaged.toml"
    damaged.write_text("format = [", encoding="utf-8")
    for args in (
        [str(tmp_path / "missing.toml")],
        [str(self_scan)],
        [str(damaged)],
        [str(self_scan), "--port", "70000"],
    ):
        assert main(["collect", *args, "--lang", "en"]) != 0, args
        error = capsys.readouterr().err
        assert error.startswith("coachassist: ") and error.count("\n") == 1, error


def test_links_for_phones_use_the_lan_address() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and not is_loopback("0.0.0.0")
    assert url_host("0.0.0.0") != "0.0.0.0"
    assert url_host("::1") == "[::1]"


def test_the_promised_threshold_is_the_engines() -> None:
    from coachassist.engine import DEFAULT_MIN_GROUP as ENGINE_MIN_GROUP

    assert DEFAULT_MIN_GROUP == ENGINE_MIN_GROUP
