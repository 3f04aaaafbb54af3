"""Pydantic models of the knowledge-base file kinds (documented for trainers in ``docs/``).

Every model forbids unknown fields, so a misspelt key is reported instead of ignored.
"""

# Annotations are evaluated as written (no `from __future__ import annotations`): pydantic
# would otherwise compile and evaluate each one as a string at import, a cost at every start.
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

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
    # strict: TOML has real numbers and booleans, so "90" or "true" in quotes is a mistake that
    # the JSON Schema rejects too. The docstring under a field is its description (editor help),
    # read by kb/schema.py when a schema is written, not here at every import.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (the knowledge-base cache) as class, fields and the set of fields given:
        pydantic's own state adds the extras and private attributes these models never have,
        and loads ~30% slower."""
        return (_restore, (type(self), self.__dict__, self.__pydantic_fields_set__))


def _restore(cls: type[Model], values: dict[str, Any], given: set[str]) -> Model:
    """A pickled model back, as pydantic's ``__setstate__`` restores one (no validation: it was
    validated when the cache was written, and the cache is this user's own file)."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", given)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is blank; write the text in this language")
    return value


class Text(Model):
    """A text a user sees, in Dutch and English."""

    nl: Annotated[str, Field(min_length=1)]
    """The text in Dutch."""
    en: Annotated[str, Field(min_length=1)]
    """The text in English."""

    _check_blank = field_validator("nl", "en")(_not_blank)

    def __call__(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


def _condition(text: str) -> str:
    conditions.parse(text)  # raises ConditionError (a ValueError) with the fix
    return text


# one condition line; checked one by one, so every bad condition of a list is reported
ConditionText = Annotated[str, AfterValidator(_condition)]


# --- questionnaire -------------------------------------------------------------------------

Audience = Literal["member", "lead", "coach"]
QuestionType = Literal["likert", "single", "multiple", "number", "text"]


class Provenance(Model):
    authors: str
    """Who wrote or adapted the questionnaire."""
    sources: list[str] = []
    """Publications or instruments it draws on."""
    notes: str = ""
    """Anything else a reviewer should know, e.g. what was changed."""


class Anchors(Model):
    """A labelled agreement scale shared by likert questions, e.g. 1-5."""

    min: AnchorPoint = 1
    """The lowest answer, usually 1."""
    max: AnchorPoint = 5
    """The highest answer, usually 5 (3 to 11 points in all)."""
    labels: list[Text]
    """One {nl, en} label per point, lowest first."""
    dont_know: bool = False
    """Whether respondents may answer 'don't know' (not counted in the score)."""

    @model_validator(mode="after")
    def _labels_fit_range(self) -> "Anchors":
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
    """Scores up to and including this number get this band's label."""
    label: Text
    """The band's label, e.g. {nl = "Laag", en = "Low"}."""


class Scale(Model):
    id: Id
    """The scale's id, used in rules as score.<id>.mean; lower case letters, digits and _."""
    name: Text
    """The scale's name as reports show it."""
    description: Text | None = None
    """What the scale measures, in a sentence."""
    min_answers: Annotated[int, Field(ge=1)] = 1
    """How many of its questions a respondent must answer for a score."""
    bands: list[Band] = []
    """Interpretation bands, lowest first (rising 'upto')."""

    @field_validator("bands")
    @classmethod
    def _ascending(cls, bands: list[Band]) -> list[Band]:
        limits = [band.upto for band in bands]
        if limits != sorted(set(limits)):
            raise ValueError("bands must have rising 'upto' limits, lowest first")
        return bands


class Option(Model):
    value: Id
    """The answer stored and tested in rules (context.<question> == "value")."""
    nl: Annotated[str, Field(min_length=1)]
    """The option as shown in Dutch."""
    en: Annotated[str, Field(min_length=1)]
    """The option as shown in English."""

    _check_blank = field_validator("nl", "en")(_not_blank)

    @property
    def label(self) -> Text:
        return Text(nl=self.nl, en=self.en)


class Question(Model):
    id: Id
    """The question's id; rules name it as item.<id> or context.<id>."""
    type: QuestionType
    """likert, single, multiple, number or text."""
    text: Text
    """The question as asked."""
    help: Text | None = None
    """Extra explanation shown under the question."""
    scale: Id | None = None
    """The scale this likert question counts towards."""
    anchors: Id | None = None
    """The anchors (answer scale) of a likert question, by id."""
    reverse: bool = False
    """True when agreeing means a LOW score: answers are flipped before scoring."""
    options: list[Option] = []
    """The choices of a single or multiple choice question."""
    min: Number | None = None  # unset: answers still stay below NUMBER_LIMIT
    """The lowest number allowed (number questions)."""
    max: Number | None = None
    """The highest number allowed (number questions)."""
    integer: bool = True
    """Whether a number answer must be whole."""
    required: bool = False
    """Whether the question must be answered."""
    show_if: list[ConditionText] = []
    """Conditions under which the question is shown; all must hold."""
    # The coach's own observation: left out of the client report unless the coach shares it.
    private: bool = False
    """true for the coach's own observation: left out of the client report unless shared."""

    @model_validator(mode="after")
    def _fields_fit_type(self) -> "Question":
        """Every mismatch between the type and the other fields, in one message."""
        found = []
        if self.type == "likert" and not self.anchors:
            found.append("a likert question needs 'anchors = \"<anchors id>\"'")
        if self.type != "likert" and (self.anchors or self.reverse):
            found.append("'anchors' and 'reverse' only go with type = \"likert\"")
        if self.type in ("single", "multiple") and len(self.options) < 2:
            found.append(f"a {self.type}-choice question needs at least two options")
        if self.type not in ("single", "multiple") and self.options:
            found.append('\'options\' only go with type = "single" or "multiple"')
        if self.scale and self.type != "likert":
            found.append("only likert questions count towards a scale; remove 'scale'")
        if (self.min is not None or self.max is not None) and self.type != "number":
            found.append("'min' and 'max' only go with type = \"number\"")
        if self.min is not None and self.max is not None and self.min > self.max:
            found.append(f"min {self.min} is above max {self.max}")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            found.append("two options share a value; give each option its own value")
        if found:
            raise ValueError("; ".join(found))
        return self

    @cached_property
    def conditions(self) -> list[Condition]:
        return [conditions.parse(text) for text in self.show_if]


class Questionnaire(Model):
    id: Id
    """The questionnaire's id."""
    version: Annotated[str, Field(min_length=1)]
    """Its version, e.g. "1.0"; stored with every intake."""
    purpose: Literal["scan", "context"] = "scan"
    """scan (answered by the team) or context (the coach's intake)."""
    # A pulse: a short follow-up scan whose every question and scale is one of this scan's
    # (same id, text, scale, anchors, reverse scoring), so the two compare scale by scale.
    pulse_of: Id | None = None
    """The scan this pulse is a short follow-up of; its questions and scales are that scan's."""
    title: Text
    """The title shown above the questions."""
    intro: Text
    """The introduction respondents read first."""
    audience: Annotated[list[Audience], Field(min_length=1)]
    """Who answers it: member, lead and/or coach."""
    roles: Annotated[list[Id], Field(min_length=1)] = ["member", "lead"]
    """The roles a respondent can have."""
    licence: Annotated[str, Field(min_length=1)]
    """The licence of the questionnaire."""
    provenance: Provenance
    """Where the questions come from."""
    anchors: dict[str, Anchors] = {}
    """Answer scales for likert questions, by id."""
    scales: list[Scale] = []
    """The scales its likert questions count towards."""
    questions: Annotated[list[Question], Field(min_length=1)]
    """The questions, in order."""


# --- dysfunctions, formats, rules, cases ----------------------------------------------------


class Dysfunction(Model):
    id: Id
    """The dysfunction's id; rules conclude it with then = { dysfunction = "<id>" }."""
    name: Text
    """The finding's name as plan and reports show it."""
    explanation: Text
    """What the dysfunction means for a team, in plain language."""
    level: Annotated[int, Field(ge=1, le=5)] | None = None  # 1 trust ... 5 results; None: outside
    """Its level in the pyramid, 1 (trust) to 5 (results); leave out for one outside the pyramid. Orders the plan."""
    scales: list[Id] = []
    """The scales that measure it, by id."""


class Format(Model):
    id: Id
    """The format's id: lower case letters, digits and _."""
    name: Text
    """The title shown everywhere."""
    purpose: Text
    """What the format does for the team, and when to use it."""
    steps: Annotated[list[Text], Field(min_length=1)]
    """The steps in order, each {nl, en}; put the timing in the step text."""
    minutes: Annotated[int, Field(ge=5, le=480)]
    """Total duration in minutes, a whole number from 5 to 480 (no quotes)."""
    group_min: Annotated[int, Field(ge=1)] = 2
    """The smallest group it works for (default 2)."""
    group_max: Annotated[int, Field(ge=1)] = 30
    """The largest group it works for (default 30)."""
    settings: Annotated[list[Setting], Field(min_length=1)]
    """Where it works: leadership_team, one_team, two_departments, whole_organisation."""
    addresses: list[Id] = []
    """The dysfunction ids it helps with; the library filter and suggestions use them."""
    materials: list[Text] = []
    """What to bring, each {nl, en}."""
    role: Literal["opening", "core", "closing"] = "core"
    """opening, core (default) or closing: where in a session it goes."""
    recurring: bool = False
    """true when it may return in every session (a check-in); no quotes."""
    source: Annotated[str, Field(min_length=1)]
    """Where the method comes from (author, book, website), or 'Own description'."""
    source_text: Text | None = None  # the source in both languages; reports prefer it
    """The source in both languages; reports prefer it over 'source'."""
    licence: str = ""
    """The licence of the method or description, e.g. 'Liberating Structures: CC BY-SA 4.0'."""
    # Why no rule suggests this format and coaches find it only in the library (e.g. an
    # energizer); shown on the format card. Every bundled core format has a rule or this.
    library_only: Text | None = None
    """Why no rule suggests this format (an energizer, an opening); shown on the card."""
    default_for: list[Literal["opening", "closing", "sponsor", "maintenance"]] = []
    """The planner's defaults this format serves: the opening and closing of a long session, the
    sponsor part, the maintenance session of a healthy team (the planner names no format ids)."""
    own_checkin: bool = False
    """The format opens with its own check-in, so no separate opening is needed."""

    @model_validator(mode="after")
    def _group_range(self) -> "Format":
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


def _one_conclusion_schema(schema: dict[str, Any]) -> None:
    """The JSON Schema form of ``Then._one_conclusion``, written so an editor names the key at
    fault ("suggest is not allowed here") rather than "not valid under any of the schemas"."""
    others = {
        "signal": ("dysfunction", "severity", "suggest"),
        "dysfunction": ("signal", "suggest"),
        "suggest": ("signal", "dysfunction", "severity"),
    }
    schema["minProperties"] = 1
    schema["dependentSchemas"] = {
        key: {"properties": dict.fromkeys(banned, False)} for key, banned in others.items()
    }
    schema["dependentRequired"] = {"dysfunction": ["severity"], "severity": ["dysfunction"]}
    schema["properties"]["suggest"]["minItems"] = 1


class Then(Model):
    """What a rule concludes: exactly one of signal, dysfunction (with severity) or suggest."""

    model_config = ConfigDict(json_schema_extra=_one_conclusion_schema)

    signal: Id | None = None
    """Conclude a signal: a named observation other rules can build on."""
    dysfunction: Id | None = None
    """Conclude a dysfunction from the catalogue (needs 'severity')."""
    severity: Severity | None = None
    """low, medium or high; only with 'dysfunction'."""
    suggest: list[Id] = []
    """Suggest session formats, by id; the rule must name a 'dysfunction.<id>' condition."""

    @model_validator(mode="after")
    def _one_conclusion(self) -> "Then":
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
    """The rule's id: lower case letters, digits, _, . and -, e.g. conflict.dysfunction.low."""
    because: Text
    """The reason, shown as evidence; it reads after 'because', in lower case."""
    when: Annotated[list[ConditionText], Field(min_length=1)]
    """Conditions that must ALL hold, e.g. "score.trust.mean < 2.6"."""
    when_any: list[ConditionText] = []
    """Two or more conditions of which at least ONE must hold as well."""
    then: Then
    """Exactly one conclusion: signal, dysfunction (+ severity) or suggest."""

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


class SuggestionRow(Model):
    """One row of the suggestion table: for this finding in these settings, these formats.

    The loader turns each row into a rule (``kb/suggestions.py``), so the engine sees rules only.
    """

    id: RuleId
    """The id of the rule this row becomes, e.g. "suggest.trust.one-team"; evidence names it."""
    dysfunction: Id
    """The finding the formats answer: a dysfunction id from the catalogue."""
    settings: list[Setting] = []
    """The team types (the intake's team_type) the row holds for; leave out for every setting."""
    formats: Annotated[list[Id], Field(min_length=1)]
    """The session formats to suggest, by id; each must name the dysfunction in 'addresses'."""
    because: Text
    """Why these formats help, read after "because"; shown as evidence with the suggestion."""


FactValue = float | int | str | bool | list[str]


class GivenScore(Model):
    mean: Number
    """The team's mean on the scale (after reverse scoring)."""
    sd: Number = 0.0
    """The standard deviation (default 0)."""
    rwg: Number = 1.0
    """The agreement index rwg, 0 to 1 (default 1)."""
    n: Annotated[int, Field(ge=1, lt=NUMBER_LIMIT)] = 6
    """How many respondents (default 6)."""
    polarised: bool = False
    """Whether the team is split in two camps (default false)."""


class GivenItem(Model):
    mean: Number
    """The team's mean on the question, after reverse scoring."""
    sd: Number = 0.0
    """The standard deviation (default 0)."""
    n: Annotated[int, Field(ge=1, lt=NUMBER_LIMIT)] = 6
    """How many answered (default 6)."""


class GivenResponse(Model):
    role: Id = "member"
    """The respondent's role (default member)."""
    answers: dict[str, FactValue]
    """Answers by question id, as in a real scan."""


class Given(Model):
    """The situation of a test case: answers to score, or scores directly."""

    questionnaire: Id | None = None
    """The scan the responses answer, by id."""
    responses: list[GivenResponse] = []
    """Real answers, scored exactly like a scan."""
    scores: dict[str, GivenScore] = {}
    """Team scores by scale id, e.g. trust = { mean = 2.4 }."""
    items: dict[str, GivenItem] = {}
    """Question results by question id, e.g. trust_3 = { mean = 2.0 }."""
    gaps: dict[str, Number] = {}
    """The lead's mean minus the members' mean, by scale id."""
    context: dict[str, FactValue] = {}
    """Answers to the coach's intake, by question id."""
    respondents: dict[Literal["n", "members", "leads"], Count] = {}
    """Counts: { n = 8, members = 7, leads = 1 }."""


class Expect(Model):
    present: list[str] = []
    """Findings that must be concluded: dysfunction.<id>, signal.<id> or format.<id>."""
    absent: list[str] = []
    """Findings that must NOT be concluded."""

    @model_validator(mode="after")
    def _something(self) -> "Expect":
        if not self.present and not self.absent:
            raise ValueError("expect at least one finding in 'present' or 'absent'")
        return self


class Case(Model):
    id: RuleId
    """The case's id: lower case letters, digits, _, . and -."""
    description: str = ""
    """What is special about the situation, in a sentence."""
    given: Given
    """The situation: scores, items, gaps, context, or real responses."""
    expect: Expect
    """The findings expected present and absent."""


# --- file kinds -----------------------------------------------------------------------------


class DysfunctionFile(Model):
    dysfunctions: Annotated[list[Dysfunction], Field(min_length=1)]
    """The dysfunctions of this file, each a [[dysfunctions]] table."""


class FormatFile(Model):
    formats: Annotated[list[Format], Field(min_length=1)]
    """The session formats of this file, each a [[formats]] table."""


class RuleFile(Model):
    rules: Annotated[list[Rule], Field(min_length=1)]
    """The rules of this file, each a [[rules]] table."""


class CaseFile(Model):
    cases: Annotated[list[Case], Field(min_length=1)]
    """The test cases of this file, each a [[cases]] table."""


class SuggestionFile(Model):
    suggestions: Annotated[list[SuggestionRow], Field(min_length=1)]
    """The rows of the suggestion table, each a [[suggestions]] table."""


FILE_KINDS: dict[str, type[Model]] = {
    "questionnaire": Questionnaire,
    "dysfunction": DysfunctionFile,
    "format": FormatFile,
    "rule": RuleFile,
    "case": CaseFile,
    "suggestion": SuggestionFile,
}
# The top-level key that marks each kind of file.
KIND_KEYS: dict[str, str] = {
    "questions": "questionnaire",
    "dysfunctions": "dysfunction",
    "formats": "format",
    "rules": "rule",
    "cases": "case",
    "suggestions": "suggestion",
}
