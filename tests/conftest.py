"""Every test runs with its own data folder, so no test reads or writes the user's own
(the knowledge-base cache every command now uses lives there)."""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config: object) -> None:
    if not os.environ.get("COACHASSIST_HOME"):
        os.environ["COACHASSIST_HOME"] = tempfile.mkdtemp(prefix="coachassist-tests-")
