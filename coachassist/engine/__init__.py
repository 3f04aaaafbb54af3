"""The diagnosis engine: ``diagnose``, ``engine_for``, ``team_facts`` (see ``pipeline.py``).

The names are loaded on first use: the engine worker process imports ``engine.worker`` and
``engine.adapter`` only, and must not pay for pydantic, the models and the explanations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coachassist.engine.pipeline import (
        DEFAULT_MIN_GROUP,
        Diagnosis,
        diagnose,
        diagnose_with_facts,
        engine_for,
        kb_source,
        reference,
        team_facts,
    )

__all__ = [
    "DEFAULT_MIN_GROUP",
    "Diagnosis",
    "diagnose",
    "diagnose_with_facts",
    "engine_for",
    "kb_source",
    "reference",
    "team_facts",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from coachassist.engine import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
