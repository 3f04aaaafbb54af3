"""The layers of the code base are enforced by import-linter contracts in pyproject.toml.

`make test` runs `lint-imports`; these tests keep the contracts honest: every core module is
under the "core" contract, and the contract really fails when the core imports Textual.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "coachassist"
UI = {"coachassist.tui", "coachassist.cli", "coachassist.__main__", "coachassist.__init__"}


def contracts() -> dict[str, dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_every_core_module_is_under_the_core_contract() -> None:
    top = {
        f"coachassist.{p.stem}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").is_file()) and not p.name.startswith("_")
    }
    core = contracts()["core"]
    assert sorted(top - UI) == sorted(core["source_modules"])
    assert {"textual", "coachassist.tui", "coachassist.cli"} <= set(core["forbidden_modules"])


def test_lint_imports_fails_when_the_core_imports_textual(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "coachassist", ignore=shutil.ignore_patterns("_bundled"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    lint = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    kept = subprocess.run(lint, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    scoring = tmp_path / "coachassist" / "scoring.py"
    scoring.write_text(scoring.read_text("utf-8") + "\nimport textual.app\n", "utf-8")
    broken = subprocess.run(lint, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert broken.returncode != 0
    assert "coachassist.scoring is not allowed to import textual" in broken.stdout
