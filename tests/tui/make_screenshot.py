"""Regenerate docs/img/results.svg: the results screen on an example intake, real engine.

Run: ``.venv/bin/python -m tests.tui.make_screenshot`` (from the repository root).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "ketenoverleg_sociaal_domein.toml"
TARGET = ROOT / "docs" / "img" / "results.svg"


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["COACHASSIST_HOME"] = str(Path(tmp) / "home")
        from coachassist.intake.progress import IntakeProgress
        from coachassist.tui.app import create_app
        from coachassist.tui.screens.results import ResultsScreen

        path = Path(tmp) / EXAMPLE.name
        shutil.copy(EXAMPLE, path)
        app = create_app([], "en")
        async with app.run_test(size=(100, 44)) as pilot:
            await pilot.pause()
            progress = IntakeProgress.open(app.kb, path)
            await app.push_screen(ResultsScreen(app.kb, progress, app.diagnose))
            await pilot.pause()
            TARGET.parent.mkdir(parents=True, exist_ok=True)
            app.save_screenshot(TARGET.name, str(TARGET.parent))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    asyncio.run(main())
