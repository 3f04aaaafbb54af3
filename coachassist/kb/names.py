"""Names the command line offers as choices, kept free of pydantic so that ``--help`` and
argument parsing import nothing heavy. kb/models.py and library.py use these same tuples."""

from __future__ import annotations

from typing import Literal

SETTINGS: tuple[str, ...] = ("leadership_team", "one_team", "two_departments", "whole_organisation")
Phase = Literal["opening", "core", "closing"]
PHASES: tuple[Phase, ...] = ("opening", "core", "closing")
FILE_KIND_NAMES: tuple[str, ...] = (
    "case",
    "dysfunction",
    "format",
    "questionnaire",
    "rule",
    "suggestion",
)
