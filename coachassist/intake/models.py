"""Response and intake files: what respondents answered, and the whole case in one file."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coachassist.kb.answers import DONT_KNOW, Answer, Answers

INTAKE_FORMAT: Final = "coachassist-intake/1"
RESPONSE_FORMAT: Final = "coachassist-response/1"
__all__ = [
    "DONT_KNOW",
    "Answer",
    "Answers",
    "FindingDecision",
    "Intake",
    "Respondent",
    "Response",
]
IdStr = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# A relative path inside the intake's folder: no absolute path, no "..", no hidden part.
EarlierPath = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9_-][A-Za-z0-9_. -]*(/[A-Za-z0-9_-][A-Za-z0-9_. -]*)*\.toml$"),
    Field(max_length=200),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Respondent(_Model):
    """One respondent inside an intake. ``id`` is opaque: names are never stored."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    role: IdStr = "member"
    lang: Literal["nl", "en"] = "nl"
    # A lead agreed, at the start of their questionnaire, that their answers are shown as "the
    # lead's view". Missing (older files) means no consent.
    lead_view_consent: bool = False
    answers: Answers = {}


class Response(_Model):
    """A single respondent's answers, as a file of its own."""

    format: Literal["coachassist-response/1"] = RESPONSE_FORMAT
    questionnaire: IdStr
    version: str
    role: IdStr = "member"
    lang: Literal["nl", "en"] = "nl"
    lead_view_consent: bool = False
    answers: Answers = {}


class FindingDecision(_Model):
    """The coach's decision on one finding: confirm it, adjust its severity, or reject it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["confirm", "adjust", "reject"]
    severity: Literal["low", "medium", "high"] | None = None  # required with "adjust"
    reason: Annotated[str, Field(max_length=2000)] = ""  # required with "reject"

    @model_validator(mode="after")
    def _complete(self) -> FindingDecision:
        if self.action == "adjust" and self.severity is None:
            raise ValueError('"adjust" needs a severity: "low", "medium" or "high"')
        if self.action != "adjust" and self.severity is not None:
            raise ValueError('a severity goes only with "adjust"')
        if self.action == "reject" and not self.reason.strip():
            raise ValueError('"reject" needs a reason')
        return self


class Intake(_Model):
    """One whole case: the team context and every response."""

    format: Literal["coachassist-intake/1"] = INTAKE_FORMAT
    title: str = ""
    created: str = ""
    scan: IdStr = "teamscan"
    scan_version: str = ""
    context_questionnaire: IdStr = "coach_intake"
    min_group: Annotated[int, Field(ge=1, le=50)] | None = None  # anonymity threshold k
    context: Answers = {}
    # The coach ticked "share my observations": private context questions may go to the client.
    share_observations: bool = False
    # Earlier scans of the same team, oldest first: intake files beside this one (a path
    # relative to this file's folder, never outside it). ``coachassist compare`` and the
    # overview read them; missing (older files) means none.
    earlier: list[EarlierPath] | None = None
    responses: list[Respondent] = []
    # The coach's decisions per finding (dysfunction id); absent in older files.
    decisions: dict[IdStr, FindingDecision] | None = None
