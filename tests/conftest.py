"""Every test runs with its own data folder, so no test reads or writes the user's own
(the knowledge-base cache every command now uses lives there).

Hypothesis has no deadline and no too-slow check here: CI runs the suite on busy shared
cores, and speed is measured by the benchmarks under bench/, never by a test."""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile(
    "coachassist", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("coachassist")


def pytest_configure(config: object) -> None:
    if not os.environ.get("COACHASSIST_HOME"):
        os.environ["COACHASSIST_HOME"] = tempfile.mkdtemp(prefix="coachassist-tests-")
