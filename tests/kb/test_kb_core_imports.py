"""The core stays free of the UI: the non-interactive commands never import Textual.

Like Harlequin's check, this runs in a fresh interpreter (this test process may already have
imported Textual for other tests) and then looks at ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import tomli_w

from coachassist.kb.loader import load_with_problems
from coachassist.kb.models import Question, Questionnaire
from tests.kb.kbfiles import write_kb

PACKAGE = Path(__file__).resolve().parents[2] / "coachassist"
CORE_PACKAGES = ("kb", "engine", "intake")
CORE_MODULES = [
    "coachassist.kb.loader",
    "coachassist.kb.models",
    "coachassist.engine",
    "coachassist.scoring",
    "coachassist.diagnosis",
    "coachassist.i18n",
    "coachassist.cli",
    "coachassist.cli.kb_commands",
    "coachassist.cli.diagnose",
]


def _core_modules() -> list[str]:
    found = {
        "coachassist." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for package in CORE_PACKAGES
        for path in (PACKAGE / package).glob("*.py")
    }
    names = {name.removesuffix(".__init__") for name in found} | set(CORE_MODULES)
    return sorted(names)


def _answer(question: Question, index: int) -> Any:
    match question.type:
        case "likert":
            return 1 + (index * 3 + len(question.id)) % 5
        case "single":
            return question.options[0].value
        case "multiple":
            return [question.options[0].value]
        case "number":
            return int(question.min if question.min is not None else 5)
        case _:
            return "no names here"


def _intake(scan: Questionnaire, context: Questionnaire | None) -> dict[str, Any]:
    """A small intake answering every question of the bundled scan (4 respondents)."""
    roles = ["member", "member", "member", scan.roles[-1]]
    responses = [
        {
            "id": f"r{i}",
            "role": role,
            "answers": {
                q.id: _answer(q, i + n) for n, q in enumerate(scan.questions) if q.type != "text"
            },
        }
        for i, role in enumerate(roles)
    ]
    intake: dict[str, Any] = {
        "format": "coachassist-intake/1",
        "title": "import test",
        "scan": scan.id,
        "responses": responses,
    }
    if context is not None:
        intake["context_questionnaire"] = context.id
        intake["context"] = {q.id: _answer(q, 0) for q in context.questions if q.required}
    return intake


SCRIPT = textwrap.dedent(
    """
    import importlib, json, sys
    from pathlib import Path

    modules, intake, mini = sys.argv[1].split(","), sys.argv[2], Path(sys.argv[3])
    for name in modules:
        importlib.import_module(name)
    from coachassist.cli import main
    from coachassist.engine import diagnose
    from coachassist.intake.models import Intake, Respondent
    from coachassist.kb.loader import load

    codes = {
        "check": main(["check"]),
        "schema": main(["schema", "rule"]),
        "diagnose": main(["diagnose", intake]),
        "diagnose_json": main(["diagnose", "--json", intake]),
    }
    kb = load([mini], bundled=False)  # the engine on a valid knowledge base, whatever the state
    answers = [{"trust_1": 1, "trust_2": 5}, {"trust_1": 2, "trust_2": 4}, {"trust_1": 1}]
    team = Intake(
        scan="miniscan",
        responses=[Respondent(id=f"r{i}", answers=a) for i, a in enumerate(answers)],
    )
    findings = [f.id for f in diagnose(kb, team).findings]
    textual = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print("RESULT " + json.dumps({"codes": codes, "findings": findings, "textual": textual}))
    """
)


def test_core_and_cli_commands_do_not_import_textual(tmp_path: Path) -> None:
    kb, problems = load_with_problems([])
    scans = kb.by_purpose("scan")
    contexts = kb.by_purpose("context")
    assert scans, "no bundled scan questionnaire"
    intake = tmp_path / "intake.toml"
    intake.write_text(
        tomli_w.dumps(_intake(scans[0], contexts[0] if contexts else None)), encoding="utf-8"
    )
    mini = write_kb(tmp_path / "mini")
    env = {**os.environ, "LANG": "en_GB.UTF-8", "LC_ALL": ""}
    env.pop("COACHASSIST_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, ",".join(_core_modules()), str(intake), str(mini)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert "Traceback" not in done.stderr, done.stderr
    result_line = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert result_line, done.stdout + done.stderr
    result = json.loads(result_line[-1].removeprefix("RESULT "))
    assert result["textual"] == []
    assert result["codes"]["schema"] == 0
    assert result["findings"] == ["absence_of_trust"]
    if not problems:  # the bundled knowledge base is valid: every command must succeed
        assert result["codes"] == {"check": 0, "schema": 0, "diagnose": 0, "diagnose_json": 0}, (
            done.stderr
        )
    else:  # a knowledge base with problems: a clean refusal, not a crash
        assert set(result["codes"].values()) <= {0, 1}, done.stderr


def test_core_module_list_is_not_empty() -> None:
    modules = _core_modules()
    assert "coachassist.kb.validate" in modules
    assert "coachassist.engine.inference" in modules
    assert not [m for m in modules if ".tui" in m or m.endswith(".app")]
