"""The HTML reports (client and coach) in a real browser: headless Chromium renders each without
console messages, prints it on A4, and a screenshot of its first page at A4 size (794 x 1123
pixels, A4 at 96 dpi) lands in test-artifacts/.

How console errors are caught: Chromium runs with ``--enable-logging=stderr --v=0``, which
writes every console message of the page (errors, blocked loads, CSP violations, uncaught
exceptions) to stderr as ``...:CONSOLE:<line>] "<message>"``. The report has no scripts, so any
such line is a failure. ``test_console_check_catches_a_broken_page`` proves the check can fail.

Chromium missing: as root it is installed with apt-get; otherwise the tests skip with the
reason, except when the environment variable CI is set, where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from coachassist.engine import diagnose
from coachassist.intake.files import load_case
from coachassist.kb.loader import load
from coachassist.plan import PlanConstraints, build_plan
from coachassist.report import render

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
PREFERRED = REPO / "examples" / "ketenoverleg_sociaal_domein.toml"  # with a sponsor session
EXAMPLE = PREFERRED if PREFERRED.exists() else min((REPO / "examples").glob("*.toml"))
A4_POINTS = (595.28, 841.89)
A4_PIXELS = (794, 1123)  # 210 x 297 mm at 96 dpi
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _install() -> str | None:
    """Try to install Chromium; returns why it failed, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return (
            "chromium is not installed and we are not root (install: apt-get install -y chromium)"
        )
    if not shutil.which("apt-get"):
        return "chromium is not installed and there is no apt-get to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=1200, env=env)
        except (OSError, subprocess.SubprocessError) as error:
            return f"could not install chromium ({' '.join(command)}: {error})"
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    problem = _install()
    found = shutil.which("chromium")
    if found:
        return found
    reason = problem or "apt-get install chromium finished, but there is no chromium binary"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so a missing browser is an error: {reason}")
    pytest.skip(reason)


def run_chromium(
    chromium: str, tmp_path: Path, page: Path, *args: str
) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [
        chromium,
        *FLAGS,
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def screenshot(
    chromium: str, tmp_path: Path, page: Path, name: str, size: tuple[int, int] = A4_PIXELS
) -> tuple[Path, subprocess.CompletedProcess]:
    """``page`` shot at ``size`` into test-artifacts/``name`` (an old shot removed first)."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    target.unlink(missing_ok=True)
    window = f"--window-size={size[0]},{size[1]}"
    result = run_chromium(chromium, tmp_path, page, window, f"--screenshot={target}")
    assert result.returncode == 0, result.stderr[-2000:]
    return target, result


def pdf_pages(chromium: str, tmp_path: Path, page: Path) -> list[tuple[float, float]]:
    """The size in points of every page of ``page`` printed to PDF (no header or footer)."""
    pdf = tmp_path / f"{page.stem}.pdf"
    result = run_chromium(
        chromium, tmp_path, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    return [(float(width), float(height)) for width, height in boxes]


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@pytest.fixture(scope="module", params=["client", "coach"])
def report_page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = load()
    intake = load_case(kb, [EXAMPLE])
    diagnosis = diagnose(kb, intake)
    plan = build_plan(kb, diagnosis, intake.context, PlanConstraints())
    page = tmp_path_factory.mktemp("report") / f"report-{request.param}.html"
    text = render(kb, intake, diagnosis, plan, "html", "nl", request.param)
    page.write_text(text, encoding="utf-8")
    return page


def test_report_renders_without_console_messages(chromium, tmp_path, report_page):
    result = run_chromium(chromium, tmp_path, report_page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    dom = result.stdout
    for section in ("context", "respondents", "scores", "findings", "plan", "open", "notes"):
        assert f'<section id="{section}">' in dom
    assert "<svg" in dom and "Sessieplan" in dom


def test_console_check_catches_a_broken_page(chromium, tmp_path, report_page):
    broken = tmp_path / "broken.html"
    page = report_page.read_text(encoding="utf-8")
    broken.write_text(
        page.replace("</main>", '<img src="https://example.invalid/x.png"></main>'),
        encoding="utf-8",
    )
    result = run_chromium(chromium, tmp_path, broken, "--dump-dom")
    assert any("example.invalid" in line for line in console_messages(result.stderr))


def test_first_page_screenshot(chromium, tmp_path, report_page):
    target, result = screenshot(
        chromium, tmp_path, report_page, f"{report_page.stem}-first-page-a4.png"
    )
    assert console_messages(result.stderr) == []
    width, height, busy = png_summary(target.read_bytes())
    assert (width, height) == A4_PIXELS
    assert busy > 0.2, f"the first page looks blank ({busy:.0%} of rows have content)"


def test_prints_on_a4(chromium, tmp_path, report_page):
    boxes = pdf_pages(chromium, tmp_path, report_page)
    assert len(boxes) >= 2, "expected a report of more than one page"
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2


def png_summary(data: bytes) -> tuple[int, int, float]:
    """Width, height and the share of pixel rows that are not one flat colour."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos, idat, width, height, channels = 8, b"", 0, 0, 4
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8, f"unexpected bit depth {depth}"
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    rows = [raw[i * stride + 1 : (i + 1) * stride] for i in range(height)]
    busy = sum(1 for row in rows if len(set(row[channels:])) > 2)
    return width, height, busy / max(height, 1)
