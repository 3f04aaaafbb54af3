"""A hand-built Diagnosis for the results screen, independent of the engine and the rules."""

from __future__ import annotations

from coachassist.diagnosis import (
    CheckedCondition,
    Diagnosis,
    Evidence,
    Finding,
    ScaleScore,
    Suggestion,
)
from coachassist.kb.models import Text


def _t(nl: str, en: str) -> Text:
    return Text(nl=nl, en=en)


CONCERN = _t("zorg", "concern")
ATTENTION = _t("aandacht", "attention")

TRUST_EVIDENCE = Evidence(
    rule="trust.dysfunction.low",
    because=_t(
        "het team scoort duidelijk laag op vertrouwen", "the team scores clearly low on trust"
    ),
    conditions=[CheckedCondition(text="signal.low_trust", actual=True, holds=True)],
    source="rules/diagnosis/trust.toml:27",
)
LOW_TRUST = Evidence(
    rule="trust.low-mean",
    because=_t("vertrouwen scoort laag", "trust scores low"),
    conditions=[CheckedCondition(text="score.trust.mean < 2.6", actual=2.25, holds=True)],
    source="rules/diagnosis/trust.toml:5",
)
CONFLICT_EVIDENCE = Evidence(
    rule="conflict.dysfunction.gap",
    because=_t("leider en team zien conflict anders", "lead and team see conflict differently"),
    conditions=[
        CheckedCondition(text="gap.conflict >= 1.0", actual=None, withheld=True, holds=False),
        CheckedCondition(text="score.conflict.mean < 3.2", actual=3.0, holds=True),
    ],
    source="rules/diagnosis/conflict.toml:12",
)


def diagnosis(min_group: int = 3) -> Diagnosis:
    return Diagnosis(
        scan="teamscan",
        respondents=4,
        roles={"member": 3, "lead": 1},
        min_group=min_group,
        scores=[
            ScaleScore(
                scale="trust",
                name=_t("Vertrouwen en veiligheid", "Trust and safety"),
                n=4,
                mean=2.25,
                sd=0.6,
                rwg=0.8,
                polarised=False,
                band=CONCERN,
            ),
            ScaleScore(
                scale="conflict",
                name=_t("Open conflict", "Open conflict"),
                n=4,
                mean=3.0,
                sd=1.4,
                rwg=0.3,
                polarised=True,
                band=ATTENTION,
            ),
        ],
        gaps=[],  # one lead without consent: no gap may be shown
        signals=[
            Finding(
                kind="signal",
                id="low_trust",
                name=_t("Laag vertrouwen", "Low trust"),
                evidence=[LOW_TRUST],
            )
        ],
        findings=[
            Finding(
                kind="dysfunction",
                id="fear_of_conflict",
                name=_t("Angst voor conflict", "Fear of conflict"),
                severity="medium",
                level=2,
                explanation=_t(
                    "Meningsverschillen blijven onder tafel.", "Disagreements stay under the table."
                ),
                evidence=[CONFLICT_EVIDENCE],
            ),
            Finding(
                kind="dysfunction",
                id="absence_of_trust",
                name=_t("Gebrek aan vertrouwen", "Absence of trust"),
                severity="high",
                level=1,
                explanation=_t(
                    "Teamleden durven zich niet kwetsbaar op te stellen.",
                    "Team members do not dare to be vulnerable.",
                ),
                evidence=[TRUST_EVIDENCE, LOW_TRUST],
            ),
        ],
        suggestions=[
            Suggestion(
                format="checkin_wish",
                name=_t("Check-in: wat gun jij dit team?", "Check-in: what do you wish this team?"),
                minutes=15,
                answers=["absence_of_trust"],
                evidence=[TRUST_EVIDENCE],
            ),
            Suggestion(
                format="what_to_argue_about",
                name=_t("Waar moeten we het over oneens zijn?", "What should we disagree about?"),
                minutes=60,
                answers=["fear_of_conflict"],
                evidence=[CONFLICT_EVIDENCE],
            ),
        ],
        open_answers={"keep_text": ["De humor", "Elkaar helpen"]},
        context={"team_type": "one_team", "team_size": 8},
        notes=[
            _t(
                "Het verschil tussen leider en team wordt niet getoond: er is maar één leider.",
                "The gap between lead and team is withheld: there is only one lead.",
            )
        ],
    )


def fake_diagnose(kb, intake, *, min_group=None) -> Diagnosis:
    return diagnosis(min_group or 3)
