"""Reading, validating and atomically writing intake and response files."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

from coachassist.errors import UserError
from coachassist.intake.models import DONT_KNOW, Answers, Intake, Respondent, Response
from coachassist.kb.conditions import NUMBER_LIMIT, holds
from coachassist.kb.loader import KnowledgeBase, read_toml
from coachassist.kb.models import Question, Questionnaire


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write TOML so that a crash leaves either the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, tomli_w.dumps(data))
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_text_atomic(path: Path, text: str) -> None:
    """Write text so that a crash leaves the old file or the new one, never half of one."""
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"{path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise UserError(f"{path}: cannot write here ({error.strerror})") from None
    try:
        os.fchmod(fd, _mode(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode(path: Path) -> int:
    """Keep the mode of a file being replaced; a new file gets the usual 0666 minus umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save_intake(path: Path, intake: Intake) -> None:
    write_atomic(path, intake.model_dump(mode="json", exclude_none=True))


def _read(path: Path) -> dict[str, Any]:
    data, _, problem = read_toml(path)
    if problem:
        raise UserError(str(problem))
    assert data is not None
    return data


def _model(path: Path, model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in error["loc"]) or "file"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UserError(f"{path}: {where}: {error['msg']}{more}") from None


def read_intake(path: Path) -> Intake:
    """Read an intake file without checking it against a questionnaire."""
    data = _read(path)
    if data.get("format") != "coachassist-intake/1":
        raise UserError(f'{path}: not an intake file (expected format = "coachassist-intake/1")')
    return _model(path, Intake, data)


def read_response(path: Path) -> Response:
    data = _read(path)
    if data.get("format") != "coachassist-response/1":
        raise UserError(f'{path}: not a response file (expected format = "coachassist-response/1")')
    return _model(path, Response, data)


def load_case(kb: KnowledgeBase, paths: Sequence[Path], context_path: Path | None = None) -> Intake:
    """One intake from an intake file and/or response files, validated against the KB."""
    if not paths:
        raise UserError("give an intake file or one or more response files")
    intake: Intake | None = None
    responses: list[tuple[Path, Response]] = []
    for path in paths:
        data = _read(path)
        if data.get("format") == "coachassist-intake/1":
            if intake is not None:
                raise UserError(f"{path}: only one intake file per diagnosis")
            intake = _model(path, Intake, data)
        elif data.get("format") == "coachassist-response/1":
            responses.append((path, _model(path, Response, data)))
        else:
            raise UserError(
                f"{path}: neither an intake nor a response file "
                '(format must be "coachassist-intake/1" or "coachassist-response/1")'
            )
    intake = intake or Intake(scan=responses[0][1].questionnaire)
    extra = [
        Respondent(id=f"f{i + 1:02d}", role=r.role, lang=r.lang, answers=r.answers)
        for i, (_, r) in enumerate(responses)
    ]
    for path, response in responses:
        if response.questionnaire != intake.scan:
            raise UserError(
                f"{path}: answers questionnaire {response.questionnaire!r}, "
                f"but this case uses {intake.scan!r}"
            )
    if context_path is not None:
        data = _read(context_path)  # an intake file, or a plain table of context answers
        is_intake = data.get("format") == "coachassist-intake/1"
        context = _model(context_path, Intake, data).context if is_intake else data
        intake = intake.model_copy(update={"context": {**intake.context, **context}})
    intake = intake.model_copy(update={"responses": [*intake.responses, *extra]})
    validate_intake(kb, intake, paths[0])
    return intake


def validate_intake(kb: KnowledgeBase, intake: Intake, path: Path) -> None:
    """Raise UserError naming file, respondent and question for the first bad answer."""
    scan = kb.questionnaires.get(intake.scan)
    if scan is None or scan.purpose != "scan":
        known = ", ".join(q.id for q in kb.by_purpose("scan"))
        raise UserError(f"{path}: unknown questionnaire {intake.scan!r}; known: {known}")
    for respondent in intake.responses:
        where = f"{path}: respondent {respondent.id}"
        if respondent.role not in scan.roles:
            raise UserError(f"{where}: unknown role {respondent.role!r}; use one of {scan.roles}")
        problem = answers_problem(scan, respondent.answers, respondent.role)
        if problem:
            raise UserError(f"{where}: {problem}")
    if intake.context:
        ctx = kb.questionnaires.get(intake.context_questionnaire)
        if ctx is None:
            raise UserError(
                f"{path}: unknown context questionnaire {intake.context_questionnaire!r}"
            )
        problem = answers_problem(ctx, intake.context, None, require=False)
        if problem:
            raise UserError(f"{path}: context: {problem}")


def answers_problem(
    qn: Questionnaire, answers: Answers, role: str | None, *, require: bool = True
) -> str | None:
    """The first problem with a set of answers, as text naming the question; None if fine."""
    questions = {q.id: q for q in qn.questions}
    for qid, value in answers.items():
        question = questions.get(qid)
        if question is None:
            return f"question {qid!r}: not in questionnaire {qn.id!r}"
        problem = answer_problem(qn, question, value)
        if problem:
            return f"question {qid!r}: {problem}"
    if require:
        for question in qn.questions:
            if (
                question.required
                and qid_missing(question, answers)
                and is_shown(question, answers, role)
            ):
                return f"question {question.id!r}: required, but not answered"
    return None


def qid_missing(question: Question, answers: Answers) -> bool:
    return question.id not in answers or answers[question.id] in ("", [])


def answer_problem(qn: Questionnaire, question: Question, value: Any) -> str | None:
    match question.type:
        case "likert":
            anchors = qn.anchors[question.anchors or ""]
            if value == DONT_KNOW:
                return None if anchors.dont_know else "'dont_know' is not allowed here"
            if isinstance(value, bool) or not isinstance(value, int):
                return f"{value!r} is not a whole number from {anchors.min} to {anchors.max}"
            if not anchors.min <= value <= anchors.max:
                return f"{value} is out of range {anchors.min}..{anchors.max}"
        case "single":
            options = [o.value for o in question.options]
            if value not in options:
                return f"{value!r} is not one of {options}"
        case "multiple":
            options = [o.value for o in question.options]
            if not isinstance(value, list) or any(v not in options for v in value):
                return f"{value!r} must be a list of values from {options}"
        case "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"{value!r} is not a number"
            if not math.isfinite(value) or abs(value) >= NUMBER_LIMIT:
                return f"{value} is out of range (numbers stay below {NUMBER_LIMIT:,})"
            if question.integer and not float(value).is_integer():
                return f"{value} is not a whole number"
            if question.min is not None and value < question.min:
                return f"{value} is below the minimum {question.min:g}"
            if question.max is not None and value > question.max:
                return f"{value} is above the maximum {question.max:g}"
        case "text":
            if not isinstance(value, str):
                return "a free-text answer must be text"
    return None


def is_shown(question: Question, answers: Answers, role: str | None) -> bool:
    """Whether a question's ``show_if`` conditions hold for these answers and role."""
    for cond in question.conditions:
        actual = role if cond.kind == "role" else answers.get(cond.name)
        if not holds(cond, actual):
            return False
    return True
