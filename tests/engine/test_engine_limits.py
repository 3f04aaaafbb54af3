"""Issue 9's engine reproductions: each is a clean `check` error or a correct result, never a
crash. Limits are in coachassist/kb/limits.py, measured by bench/engine_limits.py."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from coachassist.cli import main
from coachassist.engine import diagnose, engine_for, team_facts
from coachassist.engine.adapter import EngineError
from coachassist.engine.inference import Engine, reference
from coachassist.intake.files import load_case
from coachassist.kb import limits
from coachassist.kb.answers import answer_problem
from coachassist.kb.conditions import ConditionError, parse
from coachassist.kb.loader import load
from coachassist.kb.models import Question, Rule, Text
from coachassist.report import chart
from coachassist.report.common import scale_range
from coachassist.report.view import ChartRow
from tests.kb.kbfiles import SCAN, edit, load_dir, write_kb

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "gezond_wijkteam.toml"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def rule(rid: str, when: list[str], **extra: object) -> dict:
    then = extra.pop("then", {"signal": "x_" + re.sub(r"\W", "_", rid)})
    return {"id": rid, "when": when, "then": then, "because": {"nl": "x", "en": "x"}, **extra}


def rules_folder(root: Path, rules: list[dict], per_file: int = 100) -> Path:
    """Rules in files of ``per_file`` (as a trainer would split them; keeps loading fast)."""
    root.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(rules), per_file):
        chunk = {"rules": rules[start : start + per_file]}
        (root / f"extra{start:05}.toml").write_text(tomli_w.dumps(chunk), encoding="utf-8")
    return root


def refused(cli: Cli, folder: Path, needle: str) -> list[str]:
    """`check --kb folder` fails with `file:line: rule: message` lines containing ``needle``."""
    code, out, err = cli("check", "--kb", folder, "--lang", "en")
    assert code == 1, out + err
    assert "Traceback" not in out + err
    hits = [line for line in out.splitlines() if needle in line]
    assert hits, out
    for line in hits:
        assert re.match(r"^.+\.toml:\d+: [a-z][\w.-]*: ", line), line
    return hits


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1e3", "1_000", "١٢", "3.", ".5", "+3", "inf", "nan", "1000000"])
def test_the_condition_parser_accepts_plain_numbers_only(text):
    with pytest.raises(ConditionError):
        parse(f"score.trust.mean < {text}")
    assert parse("score.trust.mean < -2.5").value == -2.5
    assert parse("context.team_size >= 999999").value == 999999


def test_a_case_with_1e20_is_refused_by_check_and_test_rules(tmp_path, cli):
    folder = tmp_path / "kb"
    folder.mkdir()
    case = {
        "id": "huge.case",
        "given": {"scores": {"trust": {"mean": 1e20}}},
        "expect": {"present": ["dysfunction.absence_of_trust"]},
    }
    (folder / "huge.cases.toml").write_text(tomli_w.dumps({"cases": [case]}), encoding="utf-8")
    code, out, err = cli("check", "--kb", folder, "--lang", "en")
    assert code == 1 and "huge.cases.toml" in out and "Traceback" not in out + err
    code, out, err = cli("test-rules", "--kb", folder, "--lang", "en")
    assert code == 1 and "huge.cases.toml" in err + out and "Traceback" not in out + err


def _unbounded_team_size(folder: Path) -> Path:
    folder.mkdir(parents=True)
    text = (REPO / "questionnaires" / "coach_intake.toml").read_text(encoding="utf-8")
    text = edit(text, "integer = true\nmin = 2\nmax = 500\n", "")
    (folder / "coach_intake.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("value", ["1e20", "inf", "-inf", "nan", "1000000"])
def test_an_unbounded_number_question_answered_out_of_range_is_one_clean_line(tmp_path, cli, value):
    folder = _unbounded_team_size(tmp_path / "kb")
    assert cli("check", "--kb", folder)[0] == 0
    intake = tmp_path / "intake.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    intake.write_text(edit(text, "team_size = 7\n", f"team_size = {value}\n"), encoding="utf-8")
    for command in (["diagnose"], ["plan"], ["report", "--format", "md"]):
        code, out, err = cli(*command, intake, "--kb", folder, "--lang", "en")
        assert code == 2, (command, out, err)
        assert "team_size" in err and "1,000,000" in err and len(err.strip().splitlines()) == 1


def test_the_real_process_path_refuses_inf_without_a_signal(tmp_path):
    folder = _unbounded_team_size(tmp_path / "kb")
    intake = tmp_path / "intake.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    intake.write_text(edit(text, "team_size = 7\n", "team_size = inf\n"), encoding="utf-8")
    command = [sys.executable, "-m", "coachassist", "diagnose", str(intake), "--kb", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "team_size" in result.stderr


@pytest.mark.parametrize("bad", [1e20, math.inf, math.nan, -1e6])
def test_number_answers_are_finite_and_bounded_even_without_bounds(bad):
    question = Question(id="n", type="number", integer=False, text=Text(nl="n", en="n"))
    assert answer_problem(None, question, bad)  # type: ignore[arg-type]
    assert answer_problem(None, question, 999_999.5) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("min = 1\nmax = 5\n", "min = 10000000000000000\nmax = 10000000000000004\n"),
        ("min = 1\nmax = 5\n", "min = 1001\nmax = 1005\n"),
    ],
)
def test_anchors_out_of_range_are_refused(tmp_path, old, new):
    root = write_kb(tmp_path / "kb", {"questionnaires/scan.toml": edit(SCAN, old, new)})
    _, problems = load_dir(root)
    assert any("scan.toml" in str(p) and "1000" in str(p) for p in problems), problems


def test_charts_work_at_the_largest_allowed_anchors(tmp_path):
    scan = edit(SCAN, "min = 1\nmax = 5\n", "min = 996\nmax = 1000\n")
    root = write_kb(tmp_path / "kb", {"questionnaires/scan.toml": scan})
    kb, problems = load_dir(root)
    assert problems == []
    intake = tmp_path / "i.toml"
    responses = [
        {"id": f"r{i}", "role": "member", "answers": {"trust_1": 996 + i, "trust_2": 1000 - i}}
        for i in range(4)
    ]
    body = {"format": "coachassist-intake/1", "scan": "miniscan", "responses": responses}
    body["context_questionnaire"] = "intake"
    body["context"] = {"team_type": "one_team", "team_size": 5}
    intake.write_text(tomli_w.dumps(body), encoding="utf-8")
    dx = diagnose(kb, load_case(kb, [intake]))
    rows = [
        ChartRow(s.name("en"), s.mean, s.sd, s.polarised, scale_range(kb, dx, s.scale, "en"))
        for s in dx.scores
    ]
    svg = chart.svg(rows, "en")
    assert svg.count("<path") < 40
    assert "1000" in svg or "1.000" in svg or "1,000" in svg
    assert "996" in chart.text(rows, "en")


# --- sizes ------------------------------------------------------------------------------------


def test_64_distinct_thresholds_on_one_fact_are_refused(tmp_path, cli):
    rules = [rule(f"t.r{i}", [f"score.trust.mean > -{i}"]) for i in range(1, 65)]
    hits = refused(cli, rules_folder(tmp_path / "kb", rules), "different comparisons")
    assert len(hits) == 1 and "score.trust" in hits[0]


def test_one_rule_with_63_conditions_is_refused(tmp_path, cli):
    when = [f"item.trust_{1 + i % 5}.mean > -{i + 1}" for i in range(63)]
    refused(cli, rules_folder(tmp_path / "kb", [rule("wide.rule", when)]), "63 conditions")


def test_a_rule_joining_17_facts_is_refused(tmp_path, cli):
    scan = load().questionnaires["teamscan"]
    items = [q.id for q in scan.questions if q.type == "likert"][:17]
    when = [f"item.{q}.mean > 1" for q in items]
    refused(cli, rules_folder(tmp_path / "kb", [rule("join.rule", when)]), "17 different facts")


@pytest.mark.parametrize("length", [509, 600])
def test_a_long_signal_chain_is_refused_at_the_rule_where_it_gets_too_deep(tmp_path, cli, length):
    rules = [rule("c.0", ["score.trust.mean < 3"], then={"signal": "c0"})]
    rules += [
        rule(f"c.{i}", [f"signal.c{i - 1}"], then={"signal": f"c{i}"}) for i in range(1, length)
    ]
    hits = refused(cli, rules_folder(tmp_path / "kb", rules), "chain of more than")
    assert len(hits) == 1 and f": c.{limits.MAX_CHAIN_DEPTH}: " in hits[0]


def test_an_in_list_of_511_values_is_refused(tmp_path, cli):
    values = ", ".join(str(v) for v in range(2, 513))
    when = [f"context.team_size in [{values}]"]
    refused(cli, rules_folder(tmp_path / "kb", [rule("list.rule", when)]), "511 values")


def test_a_2000_way_when_any_is_refused(tmp_path, cli):
    alternatives = [f"context.team_size == {i}" for i in range(2, 2002)]
    big = rule("any.rule", ["score.trust.mean < 3"], when_any=alternatives)
    refused(cli, rules_folder(tmp_path / "kb", [big]), "2,000 alternatives")


def test_rules_past_the_supported_capacity_are_refused(tmp_path, cli):
    rules = generated_rules(limits.MAX_RULES + 1)
    code, out, err = cli("check", "--kb", rules_folder(tmp_path / "kb", rules), "--lang", "en")
    assert code == 2 and out == ""  # the whole knowledge base refused, in one line
    (line,) = err.strip().splitlines()
    assert re.match(r"^coachassist: .+\.toml:\d+: [a-z][\w.-]*: .*the engine supports up to", line)


def test_the_capacity_refusal_names_the_trainers_rule_that_went_over(tmp_path, cli):
    bundled = len(load([]).rules)
    rules = generated_rules(limits.MAX_RULES - bundled + 1)
    folder = rules_folder(tmp_path / "kb", rules)
    code, _, err = cli("check", "--kb", folder, "--lang", "en")
    assert code == 2
    (line,) = err.strip().splitlines()
    # the trainer's last file, never one of the bundled rule files they cannot change
    assert re.match(
        rf"^coachassist: {re.escape(str(folder))}/extra\d+\.toml:\d+: gen\.r\d+: ", line
    )


def fanned_out_rules(levels: int, per_level: int) -> list[dict]:
    """Each level's rules build on one hub signal of the level below; half conclude the next
    hub, half a signal of their own, so every signal rests on every hub rule below it."""
    rules = []
    for level in range(levels):
        when = ["score.trust.mean < 5"] if level == 0 else [f"signal.hub{level - 1}"]
        for j in range(per_level):
            then = f"hub{level}" if j % 2 == 0 else f"leaf{level}_{j}"
            rules.append(rule(f"fan.r{level}_{j}", when, then={"signal": then}))
    return rules


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_rules_whose_evidence_would_flood_a_diagnosis_are_refused(tmp_path, cli, lang):
    # 4,500 such rules made `diagnose --json` write 950 MB in 230 s with 1.6 GB of memory
    folder = rules_folder(tmp_path / "kb", fanned_out_rules(12, 60))
    sep = "." if lang == "nl" else ","
    for command in (["check"], ["diagnose", REPO / "examples" / "gezond_wijkteam.toml"]):
        code, out, err = cli(*command, "--kb", folder, "--lang", lang)
        assert code == 2 and out == ""
        (line,) = err.strip().splitlines()
        assert re.match(
            rf"^coachassist: {re.escape(str(folder))}/extra\d+\.toml:\d+: fan\.r11_", line
        )
        words = ("van", "regels", "hoogstens") if lang == "nl" else ("of", "rules", "at most")
        total = re.search(rf" {words[0]} ([\d{sep}]+) {words[1]} ", line)
        most = re.search(rf"; {words[2]} ([\d{sep}]+): ", line)
        assert total and most, line
        assert int(total[1].replace(sep, "")) > limits.MAX_EVIDENCE
        assert most[1] == f"{limits.MAX_EVIDENCE:,}".replace(",", sep)
        assert ("hoogstens" in line) == (lang == "nl")


def test_the_evidence_bound_holds_for_every_finding_and_signal():
    kb = load([])
    sizes = limits.evidence_sizes(kb.rules)
    assert sum(sizes.values()) <= limits.MAX_EVIDENCE
    for path in sorted((REPO / "examples").glob("*.toml")):
        dx = diagnose(kb, load_case(kb, [path]))
        for finding in [*dx.findings, *dx.signals]:
            key = f"{finding.kind}.{finding.id}"
            assert len(finding.evidence) <= sizes[key], (path.name, key)


def generated_rules(count: int) -> list[dict]:
    """Rules shaped like a large real base: few thresholds per score, signals three deep."""
    scales = ["trust", "conflict", "commitment", "accountability", "results"]
    thresholds = ["2", "2.5", "3", "3.5"]
    rules = []
    for i in range(count):
        tier, scale = i % 4, scales[i % 5]
        when = [f"score.{scale}.mean {'<' if i % 2 else '>='} {thresholds[i // 5 % 4]}"]
        if tier:
            when.append(f"signal.g{tier - 1}_{i // 4 % 40}")
        if i % 3 == 0:
            when.append('context.team_type == "one_team"')
        rules.append(rule(f"gen.r{i}", when, then={"signal": f"g{tier}_{i // 4 % 40}"}))
    return rules


@pytest.mark.parametrize("count", [1060, 2120, 5000])
def test_large_rule_bases_give_the_same_result_as_the_reference(tmp_path, cli, count):
    folder = rules_folder(tmp_path / "kb", generated_rules(count))
    kb = load([folder])
    engine = engine_for(kb)
    assert sum(len(layer) for layer in engine.program.layers) > 3
    for path in sorted((REPO / "examples").glob("*.toml")):
        table, _ = team_facts(kb, load_case(kb, [path]))
        copy = type(table)({k: [dict(f) for f in v] for k, v in table.facts.items()})
        assert engine.run(table) and set(engine.run(copy)) == set(reference(kb.rules, table))
    if count == 2120:  # the whole real process path
        command = [sys.executable, "-m", "coachassist", "diagnose", str(EXAMPLE)]
        result = subprocess.run(
            [*command, "--kb", str(folder)], capture_output=True, text=True, cwd=REPO, timeout=120
        )
        assert result.returncode == 0, result.stderr


def test_the_engine_refuses_rules_past_the_limits_even_without_check():
    rules = {
        f"t.r{i}": Rule(
            id=f"t.r{i}",
            because=Text(nl="x", en="x"),
            when=[f"score.trust.mean > -{i}"],
            then={"signal": "s"},
        )
        for i in range(1, 65)
    }
    with pytest.raises(EngineError, match=r"rule 't\.r\d+': more than 32 different"):
        Engine(rules)
