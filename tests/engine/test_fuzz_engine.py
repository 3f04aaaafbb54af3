"""Fuzz: random knowledge bases (within and beyond the engine's limits) and random intakes with
extreme numbers, through check, test-rules, diagnose, plan and report. Never a signal, a hang
or a traceback: exit 0, or a clean error (exit 2 with one line; exit 1 with problem lines).

Default run is short (for `make test`); COACHASSIST_FUZZ=long runs many more examples (see
bench/README.md).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from coachassist.cli import main
from coachassist.kb import limits

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = tomllib.loads((REPO / "examples" / "gezond_wijkteam.toml").read_text("utf-8"))
LONG = os.environ.get("COACHASSIST_FUZZ") == "long"
IN_PROCESS = settings(
    max_examples=300 if LONG else 6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not LONG,
    phases=list(Phase) if LONG else [Phase.explicit, Phase.reuse, Phase.generate],
)
REAL_PROCESS = settings(IN_PROCESS, max_examples=40 if LONG else 2)
TIMEOUT = 120  # seconds for one command, far above the engine's own timeouts
SCALES = ["trust", "conflict", "commitment", "accountability", "results", "nonexistent"]
COMMANDS = [
    ["check"],
    ["test-rules"],
    ["diagnose", "INTAKE"],
    ["plan", "INTAKE"],
    ["report", "INTAKE", "--format", "md"],
]
PROBLEM_LINE = re.compile(r"^.+?(:\d+)?: [^:]+: .+$")

number_text = st.one_of(
    st.integers(-20, 20).map(str),
    st.decimals(-10, 10, places=3, allow_nan=False).map(str),
    st.sampled_from(
        ["1e3", "1_000", "١٢", "inf", "-inf", "nan", "999999", "1000000", "1e-07", "0.00001"]
    ),
)
extreme = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([1e16, 1e20, 1e-7, -0.0, 5e-324, 999_999.99999, 2**53]),
)


@st.composite
def condition(draw, signals: list[str]) -> str:
    kind = draw(st.sampled_from(["score", "score", "item", "context", "in", "has", "signal"]))
    op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
    if kind == "score":
        return f"score.{draw(st.sampled_from(SCALES))}.mean {op} {draw(number_text)}"
    if kind == "item":
        return f"item.trust_{draw(st.integers(1, 6))}.mean {op} {draw(number_text)}"
    if kind == "context":
        return f'context.team_type == "{draw(st.sampled_from(["one_team", "x"]))}"'
    if kind == "in":
        length = draw(st.sampled_from([1, 3, limits.MAX_IN_VALUES + 1, 600]))
        return f"context.team_size in [{', '.join(str(v) for v in range(length))}]"
    if kind == "has":
        return 'context.observed has "behind_backs"'
    return f"signal.{draw(st.sampled_from(signals))}" if signals else "score.trust.polarised"


@st.composite
def rule_base(draw) -> list[dict]:
    """Mostly small bases; sometimes a shape beyond one limit."""
    shape = draw(st.sampled_from(["small", "small", "thresholds", "wide", "chain", "any"]))
    count = {"small": draw(st.integers(1, 12)), "thresholds": 70, "chain": 40}.get(shape, 3)
    rules = []
    for i in range(count):
        signals = [f"f{j}" for j in range(i)] if shape != "chain" else [f"f{i - 1}"] * (i > 0)
        size = draw(st.integers(1, 70 if shape == "wide" else 3))
        when = draw(st.lists(condition(signals[-5:]), min_size=size, max_size=size))
        if shape == "thresholds":
            when = [f"score.trust.mean > -{i}.5"]
        if shape == "chain":
            when = [f"signal.f{i - 1}"] if i else ["score.trust.mean < 3"]
        entry = {
            "id": f"fz.r{i}",
            "when": when,
            "then": {"signal": f"f{i}"},
            "because": {"nl": "x", "en": "x"},
        }
        if shape == "any" or draw(st.booleans()):
            alternatives = draw(st.sampled_from([2, 3, limits.MAX_WHEN_ANY + 1, 300]))
            entry["when_any"] = [f"context.team_size == {v}" for v in range(alternatives)]
        rules.append(entry)
    return rules


@st.composite
def intake(draw) -> dict:
    data = {k: v for k, v in EXAMPLE.items()}
    data["context"] = {**EXAMPLE["context"], "team_size": draw(extreme)}
    responses = []
    for response in EXAMPLE["responses"]:
        answers = dict(response["answers"])
        for key in draw(st.lists(st.sampled_from(sorted(answers)), max_size=3)):
            answers[key] = draw(st.one_of(st.integers(-10, 10), extreme))
        responses.append({**response, "answers": answers})
    data["responses"] = responses
    return data


def write_case(root: Path, rules: list[dict], case: dict) -> tuple[Path, Path]:
    folder = root / "kb"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fuzz.toml").write_text(tomli_w.dumps({"rules": rules}), encoding="utf-8")
    path = root / "intake.toml"
    path.write_text(tomli_w.dumps(case), encoding="utf-8")
    return folder, path


def assert_clean(command: list[str], code: int, out: str, err: str) -> None:
    where = f"{command}: exit {code}\n{out[-2000:]}\n{err[-2000:]}"
    assert "Traceback" not in out + err and "internal error" not in err, where
    assert code in (0, 1, 2), where
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("coachassist: "), where
    if code == 1:  # problems in the knowledge base, or failing rule test cases
        assert PROBLEM_LINE.match((out or err).splitlines()[0]), where


def run_in_process(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


@IN_PROCESS
@given(rules=rule_base(), case=intake())
def test_random_bases_and_intakes_never_crash_the_commands(tmp_path_factory, rules, case):
    folder, path = write_case(tmp_path_factory.mktemp("fuzz"), rules, case)
    for command in COMMANDS:
        args = [str(path) if a == "INTAKE" else a for a in command]
        start = time.monotonic()
        code, out, err = run_in_process([*args, "--kb", str(folder), "--lang", "en"])
        assert time.monotonic() - start < TIMEOUT
        assert_clean(command, code, out, err)


@REAL_PROCESS
@given(rules=rule_base(), case=intake())
def test_random_bases_and_intakes_never_kill_the_real_process(tmp_path_factory, rules, case):
    folder, path = write_case(tmp_path_factory.mktemp("fuzz"), rules, case)
    for command in (COMMANDS[1], COMMANDS[4]):
        args = [str(path) if a == "INTAKE" else a for a in command]
        result = subprocess.run(
            [sys.executable, "-m", "coachassist", *args, "--kb", str(folder), "--lang", "en"],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode >= 0, f"killed by signal {-result.returncode}: {result.stderr}"
        assert_clean(command, result.returncode, result.stdout, result.stderr)
