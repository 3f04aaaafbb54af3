"""A frozen knowledge base and hand-built diagnoses for planner and report tests.

The formats and dysfunctions here use the real ids but fixed minutes and group limits, so the
planner tests do not change meaning when the bundled knowledge base is edited.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from coachassist.diagnosis import (
    CheckedCondition,
    Diagnosis,
    Evidence,
    Finding,
    ScaleScore,
    Suggestion,
)
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import DysfunctionFile, FormatFile, Text

HERE = Path(__file__).parent
SCALES = (
    "trust",
    "conflict",
    "commitment",
    "accountability",
    "results",
    "cooperation",
    "knowledge_sharing",
    "lead_relation",
    "change_load",
)
# Where a finding belongs in the order of work (pyramid level; outside the pyramid: the level it
# rests on + 0.5), written out by hand so tests do not reuse the planner's own computation.
EXPECTED_RANK = {
    "absence_of_trust": 1.0,
    "fear_of_conflict": 2.0,
    "lack_of_commitment": 3.0,
    "avoidance_of_accountability": 4.0,
    "inattention_to_results": 5.0,
    "silos_and_power": 1.5,
    "stereotyping_between_departments": 1.5,
    "missing_shared_norms": 3.5,
    "strategy_not_in_behaviour": 4.5,
    "change_fatigue": 1.5,
    "strained_lead_relation": 1.5,
    "overloaded_lead": 1.5,
    "low_knowledge_sharing": 1.5,
}


def text(value: str) -> Text:
    return Text(nl=f"{value} (nl)", en=value)


def fixture_kb() -> KnowledgeBase:
    kb = KnowledgeBase()
    with (HERE / "dysfunctions.toml").open("rb") as fh:
        for item in DysfunctionFile.model_validate(tomllib.load(fh)).dysfunctions:
            kb.dysfunctions[item.id] = item
    with (HERE / "formats.toml").open("rb") as fh:
        for fmt in FormatFile.model_validate(tomllib.load(fh)).formats:
            kb.formats[fmt.id] = fmt
    return kb


def finding(kb: KnowledgeBase, dysfunction: str, severity: str = "medium") -> Finding:
    item = kb.dysfunctions[dysfunction]
    condition = CheckedCondition(text=f"score.{item.scales[0]}.mean < 3.0", actual=2.5, holds=True)
    return Finding(
        kind="dysfunction",
        id=dysfunction,
        name=item.name,
        severity=severity,  # type: ignore[arg-type]
        level=item.level,
        explanation=item.explanation,
        evidence=[
            Evidence(rule=f"{dysfunction}.low", because=text("low score"), conditions=[condition])
        ],
    )


def suggestion(kb: KnowledgeBase, format_id: str, *answers: str) -> Suggestion:
    fmt = kb.formats.get(format_id)
    return Suggestion(
        format=format_id,
        name=fmt.name if fmt else text(format_id),
        minutes=fmt.minutes if fmt else 30,
        answers=list(answers),
        evidence=[Evidence(rule=f"suggest.{format_id}", because=text("fits"), conditions=[])],
    )


def scores(mean: float | None = 3.0) -> list[ScaleScore]:
    return [
        ScaleScore(
            scale=scale,
            name=text(scale),
            n=6 if mean is not None else 2,
            mean=mean,
            sd=0.8 if mean is not None else None,
            rwg=0.7 if mean is not None else None,
            polarised=False,
            band=text("attention") if mean is not None else None,
        )
        for scale in SCALES
    ]


def diagnosis(
    findings: list[Finding],
    suggestions: list[Suggestion] = (),  # type: ignore[assignment]
    *,
    mean: float | None = 3.0,
    open_answers: dict[str, list[str]] | None = None,
    notes: list[Text] = (),  # type: ignore[assignment]
) -> Diagnosis:
    return Diagnosis(
        scan="teamscan",
        respondents=7 if mean is not None else 2,
        roles={"member": 6, "lead": 1} if mean is not None else {"member": 2},
        min_group=3,
        scores=scores(mean),
        gaps=[],
        signals=[],
        findings=findings,
        suggestions=list(suggestions),
        open_answers=open_answers or {},
        context={},
        notes=list(notes),
    )


def every_finding(kb: KnowledgeBase) -> tuple[list[Finding], list[Suggestion]]:
    """All thirteen dysfunctions, each with a suggestion for every format addressing it."""
    found = [
        finding(kb, d, "high" if i % 3 == 0 else "medium") for i, d in enumerate(kb.dysfunctions)
    ]
    suggested = [
        suggestion(kb, fmt.id, *[d for d in fmt.addresses if d in kb.dysfunctions])
        for fmt in kb.formats.values()
        if fmt.role == "core" and fmt.addresses
    ]
    return found, suggested
