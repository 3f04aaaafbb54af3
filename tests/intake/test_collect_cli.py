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


def printed_at_start(*args: str) -> tuple[str, str]:
    """What ``coachassist collect ARGS`` prints up to its "Stop:" line, and on stderr until
    then; then it is stopped."""
    process = subprocess.Popen(
        [*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
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
    return "".join(lines), process.stderr.read() if process.stderr else ""


def test_codes_are_printed_once_and_only_their_hashes_are_kept(intake_path: Path) -> None:
    output, errors = printed_at_start(
        str(intake_path), "--port", "0", "--codes", "3", "--lang", "en"
    )
    assert re.search(r"Link for the team: http://127\.0\.0\.1:\d+/[\w-]{24}/", output)
    codes = re.findall(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$", output, re.M)
    assert len(set(codes)) == 3
    stored = sidecar_path(intake_path).read_text()
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert sidecar_path(intake_path).stat().st_mode & 0o077 == 0  # readable by the coach only
    assert "warning" not in errors


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


def test_the_qr_code_in_a_terminal_is_drawn_not_escaped(intake_path: Path) -> None:
    """In a terminal the QR code is dark on light; the CLI's escaping of control characters
    (meant for text from files) once printed its colour codes as visible ``\\u001b[30;47m``."""
    import os
    import pty
    import select
    import signal
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command with a terminal as stdout
        os.execv(sys.executable, [*COMMAND, str(intake_path), "--port", "0", "--lang", "en"])
    output = b""
    try:
        deadline = time.monotonic() + 30
        while b"Stop:" not in output and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    output += os.read(fd, 65536)
                except OSError:
                    break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    assert b"\x1b[30;47m" in output and "█".encode() in output
    assert b"\\u001b" not in output


def test_a_sidecar_that_is_a_pipe_or_a_device_is_refused_not_read(intake_path: Path) -> None:
    """An archive unpacked next to the intake may hold anything under the sidecar's name."""
    import os

    sidecar = sidecar_path(intake_path)
    for make in (lambda: os.mkfifo(sidecar), lambda: sidecar.symlink_to("/dev/zero")):
        sidecar.unlink(missing_ok=True)
        make()
        done = subprocess.run(
            [*COMMAND, str(intake_path), "--port", "0", "--lang", "en"],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
        assert "not a regular file" in done.stderr and "delete it" in done.stderr
