"""`coachassist diagnose` and `test-rules` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from coachassist.cli import main
from coachassist.kb.loader import load

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.toml"))


def write_response(path: Path, answers: dict, role: str = "member", **extra) -> Path:
    data = {
        "format": "coachassist-response/1",
        "questionnaire": "teamscan",
        "version": "1.0",
        "role": role,
        "lang": "nl",
        "answers": answers,
        **extra,
    }
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def scan_answers(value: int) -> dict:
    scan = load().questionnaires["teamscan"]
    return {q.id: (6 - value if q.reverse else value) for q in scan.questions if q.type == "likert"}


def run_cli(*args: str, capsys) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "empty file"),
        (b"\x00\x01binary", "binary file"),
        (b"answers = [", "not valid TOML"),
        (b"\xff\xfe bad", "not UTF-8"),
        (b'format = "something-else"', "neither an intake nor a response"),
    ],
)
def test_unreadable_files_give_one_clean_line(tmp_path, capsys, content, needle):
    path = tmp_path / "r.toml"
    path.write_bytes(content or b"")
    code, _, err = run_cli("diagnose", str(path), capsys=capsys)
    assert code != 0
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("answers", "extra", "needle"),
    [
        ({"trust_1": 9}, {}, "question 'trust_1': 9 is out of range 1..5"),
        ({"nonsense": 3}, {}, "question 'nonsense': not in questionnaire 'teamscan'"),
        ({"trust_1": "veel"}, {}, "question 'trust_1'"),
        ({}, {"questionnaire": "other"}, "unknown questionnaire 'other'"),
    ],
)
def test_bad_answers_name_file_respondent_and_question(tmp_path, capsys, answers, extra, needle):
    path = write_response(tmp_path / "bad.toml", answers, **extra)
    code, _, err = run_cli("diagnose", str(path), capsys=capsys)
    assert code == 2
    assert needle in err and str(path) in err and len(err.strip().splitlines()) == 1


def test_response_files_diagnosed_in_both_languages(tmp_path, capsys):
    files = [
        str(write_response(tmp_path / f"r{i}.toml", {**scan_answers(2), "keep_text": f"k{i}"}))
        for i in range(4)
    ]
    code, out_nl, _ = run_cli("diagnose", *files, "--lang", "nl", capsys=capsys)
    assert code == 0 and "Respondenten: 4" in out_nl and "Bevindingen" in out_nl
    code, out_en, _ = run_cli("diagnose", *files, "--lang", "en", capsys=capsys)
    assert code == 0 and "Respondents: 4" in out_en and "Findings" in out_en
    assert "Absence of trust" in out_en and "Gebrek aan vertrouwen" in out_nl


def test_json_shape_and_anonymity(tmp_path, capsys):
    files = [
        str(write_response(tmp_path / "m.toml", scan_answers(2))),
        str(write_response(tmp_path / "l.toml", scan_answers(5), role="lead")),
    ]
    code, out, _ = run_cli("diagnose", *files, "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["schema"] == "coachassist-diagnosis/1" and data["respondents"] == 2
    assert all(s["mean"] is None and s["by_role"] == [] for s in data["scores"])
    assert all(g["value"] is None and g["direction"] == "lead_higher" for g in data["gaps"])
    for finding in data["findings"]:
        assert finding["evidence"] and finding["severity"] in ("low", "medium", "high")
        for ev in finding["evidence"]:
            for cond in ev["conditions"]:
                if cond["text"].startswith(("score.", "gap.", "item.")):
                    assert cond["actual"] is None and cond["withheld"]
    assert data["notes"]
    code, text, _ = run_cli("diagnose", *files, "--lang", "en", capsys=capsys)
    assert "withheld" in text and "2.00" not in text and "5.00" not in text


@pytest.mark.skipif(not EXAMPLES, reason="no example intakes yet")
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_bundled_examples_diagnose_with_evidence(example, capsys):
    for lang in ("nl", "en"):
        code, out, err = run_cli("diagnose", str(example), "--json", "--lang", lang, capsys=capsys)
        assert code == 0, err
        data = json.loads(out)
        if example.stem in ("gezond_wijkteam", "healthy_team"):
            assert data["findings"] == []
        else:
            assert data["findings"], f"{example.name} should have findings"
            assert all(f["evidence"] for f in data["findings"])


def test_bundled_rule_cases_pass_and_cover_every_rule(capsys):
    code, out, err = run_cli("test-rules", "--lang", "en", capsys=capsys)
    assert code == 0, out + err
    assert "rules fired at least once" in out


def test_missing_durable_rules_is_one_clear_line(tmp_path):
    paths = [write_response(tmp_path / f"r{i}.toml", scan_answers(2 + i)) for i in range(3)]
    # the engine worker imports durable: a package that fails to import, as on Python 3.13
    broken = tmp_path / "site" / "durable"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('raise ImportError("undefined symbol: PyEval_CallObject")')
    env = {**os.environ, "PYTHONPATH": str(broken.parent)}
    command = [sys.executable, "-m", "coachassist", "diagnose", *map(str, paths)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env)
    assert result.returncode == 2
    assert "durable-rules cannot be loaded" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
