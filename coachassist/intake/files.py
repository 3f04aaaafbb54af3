"""Reading, validating and atomically writing intake and response files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

from coachassist import atomic
from coachassist.errors import UserError
from coachassist.intake.models import Intake, Respondent, Response
from coachassist.kb.answers import answers_problem
from coachassist.kb.loader import KnowledgeBase, read_toml


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write TOML so that a crash leaves either the old or the new file, never half of one."""
    atomic.write_atomic(path, tomli_w.dumps(data), make_folder=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write text so that a crash leaves the old file or the new one, never half of one."""
    atomic.write_atomic(path, text)


def save_intake(path: Path, intake: Intake) -> None:
    """Write a whole intake as is (a new file). Updates go through ``intake.store``."""
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
    seen: dict[Path, Path] = {}
    for path in paths:
        same = seen.setdefault(_identity(path), path)
        if same is not path:  # one person's answers counted twice would skew every figure
            raise UserError(f"{path}: the same file as {same}; give each response file once")
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
        Respondent(
            id=f"f{i + 1:02d}",
            role=r.role,
            lang=r.lang,
            lead_view_consent=r.lead_view_consent,
            answers=r.answers,
        )
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


def _identity(path: Path) -> Path:
    """The file a path names: the same file under two spellings or via a link counts once."""
    try:
        return path.resolve(strict=True)
    except OSError:
        return path.absolute()


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
