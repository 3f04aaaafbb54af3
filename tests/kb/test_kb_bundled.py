"""The bundled knowledge base passes ``coachassist check``, from the checkout and from a wheel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from coachassist.kb.loader import load_with_problems
from coachassist.kb.models import SETTINGS

REPO = Path(__file__).resolve().parents[2]
COUNTS = re.compile(
    r"^Knowledge base OK: (\d+) questionnaires, (\d+) scales, (\d+) questions, (\d+) dysfunctions, "
    r"(\d+) session formats, (\d+) rules, (\d+) test cases\.$"
)
DYSFUNCTIONS = {
    "absence_of_trust": 1,
    "fear_of_conflict": 2,
    "lack_of_commitment": 3,
    "avoidance_of_accountability": 4,
    "inattention_to_results": 5,
    "silos_and_power": None,
    "stereotyping_between_departments": None,
    "missing_shared_norms": None,
    "strategy_not_in_behaviour": None,
    "change_fatigue": None,
    "strained_lead_relation": None,
    "overloaded_lead": None,
    "low_knowledge_sharing": None,
    "perception_gap": None,
}
SCALES = {
    "trust",
    "conflict",
    "commitment",
    "accountability",
    "results",
    "cooperation",
    "knowledge_sharing",
    "lead_relation",
    "change_load",
}


def _counts(line: str) -> list[int]:
    match = COUNTS.match(line)
    assert match, line
    return [int(n) for n in match.groups()]


def test_check_passes_on_the_bundled_knowledge_base(
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    code, out, err = cli("check", "--lang", "en")
    assert (code, err) == (0, ""), out
    questionnaires, scales, questions, dysfunctions, formats, rules, cases = _counts(out.strip())
    kb, _ = load_with_problems([])
    assert kb.counts() == {
        "questionnaires": questionnaires,
        "scales": scales,
        "questions": questions,
        "dysfunctions": dysfunctions,
        "formats": formats,
        "rules": rules,
        "cases": cases,
    }
    assert questionnaires >= 2 and dysfunctions == 14 and formats > 0 and rules > 0 and cases > 0


def test_check_summary_in_dutch(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = cli("check", "--lang", "nl")
    assert code == 0
    assert re.match(r"^Kennisbank in orde: \d+ vragenlijsten, \d+ schalen, ", out)


def test_fixed_vocabulary() -> None:
    """The ids other files and the app rely on (see the helpers' brief) are all there."""
    kb, _ = load_with_problems([])
    assert {d.id: d.level for d in kb.dysfunctions.values()} == DYSFUNCTIONS
    teamscan = kb.questionnaires["teamscan"]
    assert {s.id for s in teamscan.scales} == SCALES
    assert "agree5" in teamscan.anchors
    intake = kb.questionnaires["coach_intake"]
    assert intake.purpose == "context"
    team_type = next(q for q in intake.questions if q.id == "team_type")
    assert [o.value for o in team_type.options] == list(SETTINGS)


def test_every_bundled_format_suits_at_least_one_known_setting() -> None:
    kb, _ = load_with_problems([])
    assert kb.formats
    for fmt in kb.formats.values():
        assert set(fmt.settings) <= set(SETTINGS), fmt.id


WHEEL = pytest.mark.skipif(
    not (os.environ.get("RUN_WHEEL_TEST") == "1" or os.environ.get("CI")),
    reason="builds a wheel and installs it with its dependencies; set RUN_WHEEL_TEST=1",
)


@WHEEL
def test_check_from_an_installed_wheel_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-w", str(dist), "-q"],
        check=True,
        timeout=600,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("coachassist-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "coachassist/messages/core.toml" in names
    assert "coachassist/_bundled/questionnaires/teamscan.toml" in names
    assert "coachassist/_bundled/rules/dysfunctions.toml" in names
    assert not [n for n in names if n.startswith("tests/")]

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        timeout=900,
        cwd=tmp_path,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["LANG"] = "en_GB.UTF-8"
    env["LC_ALL"] = ""
    done = subprocess.run(
        [str(env_dir / "bin" / "coachassist"), "check"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    installed = _counts(done.stdout.strip())
    kb, _ = load_with_problems([])
    assert installed == list(kb.counts().values())  # the wheel bundles the same knowledge base
    located = subprocess.run(
        [str(python), "-c", "import coachassist.kb.loader as m; print(m.bundled_dirs()[0])"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert "_bundled" in located.stdout and str(REPO) not in located.stdout
    # the rules run in the engine worker process, which must start from the installed package
    rules = subprocess.run(
        [str(env_dir / "bin" / "coachassist"), "test-rules", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert "rules fired at least once" in rules.stdout
