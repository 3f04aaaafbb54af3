"""The result of a diagnosis: scores, findings with evidence, suggested formats.

This is the one shape every output reads (CLI text, ``--json``, the app, plan and report).
``Diagnosis.model_dump(mode="json")`` is the documented JSON shape (docs/diagnosis-json.md).
Privacy is decided here, once (coachassist/engine/privacy.py): a Diagnosis holds only what may
be shown, so no output decides anything about hiding. Withheld values are ``None`` or absent,
and ``notes`` say why.
"""

# Annotations are evaluated as written (no `from __future__ import annotations`): pydantic
# would otherwise compile and evaluate each one as a string at import, a cost at every start.
from typing import Literal

from pydantic import BaseModel, ConfigDict

from coachassist.kb.models import Severity, Text

SCHEMA = "coachassist-diagnosis/1"
Value = float | int | str | bool | list[str] | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleMean(_Model):
    role: str
    n: int
    mean: float


class ScaleScore(_Model):
    scale: str
    name: Text
    n: int | None  # respondents with enough answers on this scale; None with the team below k
    mean: float | None  # None: withheld (fewer than min_group respondents) or not enough answers
    sd: float | None
    rwg: float | None  # within-group agreement rwg(j), 0..1; >= 0.70 is conventional agreement
    polarised: bool  # at least 25% in the bottom third and 25% in the top third of the range
    band: Text | None
    by_role: list[RoleMean] = []  # only when every role may be shown on its own


class Gap(_Model):
    """Team lead's mean minus the members' mean on one scale; only present when shown."""

    scale: str
    name: Text
    direction: Literal["lead_higher", "lead_lower", "same"]
    value: float | None
    large: bool  # |gap| >= 1.0 point


class CheckedCondition(_Model):
    text: str  # the condition as the trainer wrote it
    actual: Value  # the value it was checked against; None when withheld or missing
    withheld: bool = False  # then actual is None and holds is False: nothing about it is shown
    holds: bool
    agreed: float | None = None  # reverse-worded question: share who agreed as worded (0..1)


class Evidence(_Model):
    rule: str
    because: Text
    conditions: list[CheckedCondition]
    source: str = ""  # path:line of the rule


class Decision(_Model):
    """The coach's decision on a finding (saved in the intake, see intake/models.py)."""

    action: Literal["confirm", "adjust", "reject"]
    severity: Severity | None = None  # with "adjust": the coach's severity
    reason: str = ""
    concluded: Severity | None = None  # the severity the rules concluded


class Finding(_Model):
    kind: Literal["signal", "dysfunction"]
    id: str
    name: Text
    severity: Severity | None = None
    level: int | None = None  # pyramid level 1..5 for dysfunctions inside the pyramid
    explanation: Text | None = None
    evidence: list[Evidence]  # the rules that concluded this, then the rules they built on
    # Dysfunctions only (docs/engine.md, "Strength", "Soft edges", "Stability"):
    strength: float | None = None  # how strongly the evidence supports it; findings sort by it
    borderline: bool = False  # a value lies within the soft margin of a threshold
    builds_on: list[str] = []  # findings this one follows from (cascade), shown to the coach
    stability: Literal["stable", "few", "single"] | None = None  # leave-one-out re-check
    decision: Decision | None = None  # the coach's decision, when made


class Suggestion(_Model):
    format: str
    name: Text
    minutes: int
    answers: list[str]  # ids of the dysfunctions this format answers
    evidence: list[Evidence]


class PrivacyInfo(_Model):
    """What was decided about showing this team's figures (docs/privacy.md)."""

    self_scan: bool = False  # the lead alone is respondent and reader: everything is shown
    team_shown: bool = True  # False: fewer than min_group respondents, nothing is shown
    needed: int = 0  # more respondents needed before anything can be shown
    lead_view: bool = False  # the lead's answers are shown on their own (consent or k leads)
    low_threshold: bool = False  # min_group below 3 on a coach intake: coach's eyes only


class Diagnosis(_Model):
    schema_: str = SCHEMA
    scan: str
    respondents: int
    roles: dict[str, int]
    min_group: int
    scores: list[ScaleScore]
    gaps: list[Gap]
    signals: list[Finding]
    findings: list[Finding]  # dysfunctions: strongest first, pyramid level breaks ties
    suggestions: list[Suggestion]
    open_answers: dict[str, list[str]]  # question id -> answers, sorted, never attributed
    context: dict[str, Value]
    notes: list[Text]  # e.g. why a value is withheld
    privacy: PrivacyInfo = PrivacyInfo()
    rejected: list[Finding] = []  # findings the coach rejected (with the reason); not planned

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def to_json(self) -> dict:
        data = self.model_dump(mode="json")
        data["schema"] = data.pop("schema_")
        return data
