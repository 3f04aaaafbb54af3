"""Pydantic models of the knowledge-base file kinds (documented for trainers in ``docs/``).

Every model forbids unknown fields, so a misspelt key is reported instead of ignored.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coachassist.kb import conditions, names
from coachassist.kb.conditions import NUMBER_LIMIT, Condition

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=100)]
Setting = Literal["leadership_team", "one_team", "two_departments", "whole_organisation"]
Severity = Literal["low", "medium", "high"]
SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
SETTINGS = names.SETTINGS
# Every number a rule may compare stays finite and below NUMBER_LIMIT (docs/engine.md, Limits);
# anchors stay within ANCHOR_LIMIT (a likert scale of -1000..1000 is already absurd).
ANCHOR_LIMIT = 1000
Number = Annotated[float, Field(gt=-NUMBER_LIMIT, lt=NUMBER_LIMIT, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, lt=NUMBER_LIMIT)]
AnchorPoint = Annotated[int, Field(ge=-ANCHOR_LIMIT, le=ANCHOR_LIMIT)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is blank; write the text in this language")
    return value


class Text(Model):
    """A text a user sees, in Dutch and English."""

    nl: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    _check_blank = field_validator("nl", "en")(_not_blank)

    def __call__(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


def _condition_list(values: list[str]) -> list[str]:
    for text in values:
        conditions.parse(text)  # raises ConditionError (a ValueError) with the fix
    return values


# --- questionnaire -------------------------------------------------------------------------

Audience = Literal["member", "lead", "coach"]
QuestionType = Literal["likert", "single", "multiple", "number", "text"]


class Provenance(Model):
    authors: str
    sources: list[str] = []
    notes: str = ""


class Anchors(Model):
    """A labelled agreement scale shared by likert questions, e.g. 1-5."""

    min: AnchorPoint = 1
    max: AnchorPoint = 5
    labels: list[Text]
    dont_know: bool = False

    @model_validator(mode="after")
    def _labels_fit_range(self) -> Anchors:
        if not 2 <= self.max - self.min <= 10:
            raise ValueError(f"likert range {self.min}..{self.max}: use 3 to 11 points, min < max")
        points = self.max - self.min + 1
        if len(self.labels) != points:
            raise ValueError(
                f"{len(self.labels)} labels for {points} points ({self.min}..{self.max}): "
                "give one label per point"
            )
        return self


class Band(Model):
    """An interpretation band: scores up to and including ``upto`` get this label."""

    upto: Number
    label: Text


class Scale(Model):
    id: Id
    name: Text
    description: Text | None = None
    min_answers: Annotated[int, Field(ge=1)] = 1
    bands: list[Band] = []

    @field_validator("bands")
    @classmethod
    def _ascending(cls, bands: list[Band]) -> list[Band]:
        limits = [band.upto for band in bands]
        if limits != sorted(set(limits)):
            raise ValueError("bands must have rising 'upto' limits, lowest first")
        return bands


class Option(Model):
    value: Id
    nl: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    _check_blank = field_validator("nl", "en")(_not_blank)

    @property
    def label(self) -> Text:
        return Text(nl=self.nl, en=self.en)


class Question(Model):
    id: Id
    type: QuestionType
    text: Text
    help: Text | None = None
    scale: Id | None = None
    anchors: Id | None = None
    reverse: bool = False
    options: list[Option] = []
    min: Number | None = None  # unset: answers still stay below NUMBER_LIMIT
    max: Number | None = None
    integer: bool = True
    required: bool = False
    show_if: list[str] = []
    # The coach's own observation: left out of the client report unless the coach shares it.
    private: bool = False

    _check_conditions = field_validator("show_if")(_condition_list)

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Question:
        if self.type == "likert" and not self.anchors:
            raise ValueError("a likert question needs 'anchors = \"<anchors id>\"'")
        if self.type != "likert" and (self.anchors or self.reverse):
            raise ValueError("'anchors' and 'reverse' only go with type = \"likert\"")
        if self.type in ("single", "multiple") and len(self.options) < 2:
            raise ValueError(f"a {self.type}-choice question needs at least two options")
        if self.type not in ("single", "multiple") and self.options:
            raise ValueError('\'options\' only go with type = "single" or "multiple"')
        if self.scale and self.type != "likert":
            raise ValueError("only likert questions count towards a scale; remove 'scale'")
        if (self.min is not None or self.max is not None) and self.type != "number":
            raise ValueError("'min' and 'max' only go with type = \"number\"")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError("two options share a value; give each option its own value")
        return self

    @cached_property
    def conditions(self) -> list[Condition]:
        return [conditions.parse(text) for text in self.show_if]


class Questionnaire(Model):
    id: Id
    version: Annotated[str, Field(min_length=1)]
    purpose: Literal["scan", "context"] = "scan"
    # A pulse: a short follow-up scan whose every question and scale is one of this scan's
    # (same id, text, scale, anchors, reverse scoring), so the two compare scale by scale.
    pulse_of: Id | None = None
    title: Text
    intro: Text
    audience: Annotated[list[Audience], Field(min_length=1)]
    roles: Annotated[list[Id], Field(min_length=1)] = ["member", "lead"]
    licence: Annotated[str, Field(min_length=1)]
    provenance: Provenance
    anchors: dict[str, Anchors] = {}
    scales: list[Scale] = []
    questions: Annotated[list[Question], Field(min_length=1)]


# --- dysfunctions, formats, rules, cases ----------------------------------------------------


class Dysfunction(Model):
    id: Id
    name: Text
    explanation: Text
    level: Annotated[int, Field(ge=1, le=5)] | None = None  # 1 trust ... 5 results; None: outside
    scales: list[Id] = []


class Format(Model):
    id: Id
    name: Text
    purpose: Text
    steps: Annotated[list[Text], Field(min_length=1)]
    minutes: Annotated[int, Field(ge=5, le=480)]
    group_min: Annotated[int, Field(ge=1)] = 2
    group_max: Annotated[int, Field(ge=1)] = 30
    settings: Annotated[list[Setting], Field(min_length=1)]
    addresses: list[Id] = []
    materials: list[Text] = []
    role: Literal["opening", "core", "closing"] = "core"
    recurring: bool = False
    source: Annotated[str, Field(min_length=1)]
    source_text: Text | None = None  # the source in both languages; reports prefer it
    licence: str = ""
    # Why no rule suggests this format and coaches find it only in the library (e.g. an
    # energizer); shown on the format card. Every bundled core format has a rule or this.
    library_only: Text | None = None
    # The planner's defaults: the opening and closing of a long session, the sponsor part, the
    # maintenance session of a healthy team. The planner names no format ids of its own.
    default_for: list[Literal["opening", "closing", "sponsor", "maintenance"]] = []
    own_checkin: bool = False  # opens with its own check-in: no separate opening needed

    @model_validator(mode="after")
    def _group_range(self) -> Format:
        if self.group_min > self.group_max:
            raise ValueError(f"group_min {self.group_min} is above group_max {self.group_max}")
        for use in self.default_for:
            role = use if use in ("opening", "closing") else "core"
            if self.role != role:
                raise ValueError(
                    f"default_for {use!r} needs role = {role!r} (this format's role is "
                    f"{self.role!r})"
                )
            if role != "core" and not self.recurring:
                raise ValueError(
                    f"default_for {use!r} needs recurring = true: it opens or closes every session"
                )
        return self


class Then(Model):
    """What a rule concludes: exactly one of signal, dysfunction (with severity) or suggest."""

    signal: Id | None = None
    dysfunction: Id | None = None
    severity: Severity | None = None
    suggest: list[Id] = []

    @model_validator(mode="after")
    def _one_conclusion(self) -> Then:
        chosen = [bool(self.signal), bool(self.dysfunction), bool(self.suggest)]
        if sum(chosen) != 1:
            raise ValueError("conclude exactly one of: signal, dysfunction (+ severity), suggest")
        if self.dysfunction and not self.severity:
            raise ValueError('a dysfunction needs a severity: "low", "medium" or "high"')
        if self.severity and not self.dysfunction:
            raise ValueError("'severity' only goes with 'dysfunction'")
        return self

    @property
    def fact_key(self) -> str | None:
        """The fact this conclusion adds (``signal.x`` / ``dysfunction.y``); None for suggest."""
        if self.signal:
            return f"signal.{self.signal}"
        return f"dysfunction.{self.dysfunction}" if self.dysfunction else None


class Rule(Model):
    id: RuleId
    because: Text
    when: Annotated[list[str], Field(min_length=1)]
    when_any: list[str] = []
    then: Then

    _check_conditions = field_validator("when", "when_any")(_condition_list)

    @field_validator("when_any")
    @classmethod
    def _two_or_more(cls, values: list[str]) -> list[str]:
        if len(values) == 1:
            raise ValueError("'when_any' with one condition: move it to 'when'")
        return values

    @cached_property
    def conditions(self) -> list[Condition]:
        return [conditions.parse(text) for text in self.when]

    @cached_property
    def any_conditions(self) -> list[Condition]:
        return [conditions.parse(text) for text in self.when_any]


FactValue = float | int | str | bool | list[str]


class GivenScore(Model):
    mean: Number
    sd: Number = 0.0
    rwg: Number = 1.0
    n: Annotated[int, Field(ge=1, lt=NUMBER_LIMIT)] = 6
    polarised: bool = False


class GivenItem(Model):
    mean: Number
    sd: Number = 0.0
    n: Annotated[int, Field(ge=1, lt=NUMBER_LIMIT)] = 6


class GivenResponse(Model):
    role: Id = "member"
    answers: dict[str, FactValue]


class Given(Model):
    """The situation of a test case: answers to score, or scores directly."""

    questionnaire: Id | None = None
    responses: list[GivenResponse] = []
    scores: dict[str, GivenScore] = {}
    items: dict[str, GivenItem] = {}
    gaps: dict[str, Number] = {}
    context: dict[str, FactValue] = {}
    respondents: dict[Literal["n", "members", "leads"], Count] = {}


class Expect(Model):
    present: list[str] = []
    absent: list[str] = []

    @model_validator(mode="after")
    def _something(self) -> Expect:
        if not self.present and not self.absent:
            raise ValueError("expect at least one finding in 'present' or 'absent'")
        return self


class Case(Model):
    id: RuleId
    description: str = ""
    given: Given
    expect: Expect


# --- file kinds -----------------------------------------------------------------------------


class DysfunctionFile(Model):
    dysfunctions: Annotated[list[Dysfunction], Field(min_length=1)]


class FormatFile(Model):
    formats: Annotated[list[Format], Field(min_length=1)]


class RuleFile(Model):
    rules: Annotated[list[Rule], Field(min_length=1)]


class CaseFile(Model):
    cases: Annotated[list[Case], Field(min_length=1)]


FILE_KINDS: dict[str, type[Model]] = {
    "questionnaire": Questionnaire,
    "dysfunction": DysfunctionFile,
    "format": FormatFile,
    "rule": RuleFile,
    "case": CaseFile,
}
# The top-level key that marks each kind of file.
KIND_KEYS: dict[str, str] = {
    "questions": "questionnaire",
    "dysfunctions": "dysfunction",
    "formats": "format",
    "rules": "rule",
    "cases": "case",
}
