"""A knowledge base beyond the supported capacity (coachassist/kb/limits.py MAX_RULES) is
refused by `check` and `diagnose` as whole processes: one clear message, no signal, no
traceback. The engine is never reached, so nothing can abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from coachassist.kb.limits import MAX_RULES
from tests.engine.test_engine_limits import generated_rules, rules_folder

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "gezond_wijkteam.toml"


def test_beyond_capacity_is_refused_by_check_and_diagnose(tmp_path):
    folder = rules_folder(tmp_path / "kb", generated_rules(2 * MAX_RULES), per_file=1000)
    env = {**os.environ, "COACHASSIST_HOME": str(tmp_path / "home"), "LANG": "en_GB.UTF-8"}
    env.pop("COACHASSIST_DEBUG", None)
    for command in (["check"], ["diagnose", str(EXAMPLE)]):
        result = subprocess.run(
            [sys.executable, "-m", "coachassist", *command, "--kb", str(folder), "--lang", "en"],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 2, (command, result.returncode, output[-2000:])  # no signal
        assert f"the engine supports up to {MAX_RULES:,}" in output, output[-2000:]
        assert "Traceback" not in output and "Findings" not in result.stdout
        assert len(result.stderr.strip().splitlines()) == 1  # one clear line
