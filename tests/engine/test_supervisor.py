"""The supervised engine: a crash or hang of durable-rules never takes the caller down."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from coachassist.engine import diagnose, supervisor
from coachassist.engine.adapter import EngineError
from coachassist.engine.program import Program
from coachassist.engine.supervisor import EngineCrash
from coachassist.kb.loader import KnowledgeBase, load
from tests.engine.test_engine import summary, team

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


@pytest.mark.parametrize("signum", [signal.SIGSEGV, signal.SIGABRT, signal.SIGKILL])
def test_a_crashed_worker_is_replaced_and_the_next_evaluation_works(kb, signum):
    troubled = team(kb, 1, {"trust", "conflict"})
    before = summary(diagnose(kb, troubled))
    first = supervisor.worker_pid()
    assert first is not None
    supervisor.crash_worker_for_test(signum)
    assert not _alive(first)
    assert summary(diagnose(kb, troubled)) == before
    assert supervisor.worker_pid() not in (None, first)


def test_a_hanging_worker_times_out_with_one_clean_line_and_is_replaced(kb):
    troubled = team(kb, 1, {"trust"})
    before = summary(diagnose(kb, troubled))
    first = supervisor.worker_pid()
    start = time.monotonic()
    with pytest.raises(EngineCrash, match=r"no answer within 1 seconds") as caught:
        supervisor.hang_worker_for_test(timeout=1.0)
    assert time.monotonic() - start < 8
    assert "\n" not in str(caught.value)
    assert first is not None and not _alive(first)
    assert summary(diagnose(kb, troubled)) == before


def _program(**rules: list[dict]) -> Program:
    return Program([[dict(rules)]], {rid: ("signal." + rid, {}) for rid in rules})


def test_a_crash_inside_the_engine_names_the_knowledge_base_and_the_rule():
    # 17 facts joined in one rule: SIGSEGV inside durable-rules 2.0.28 (bench/engine_limits.py);
    # `check` refuses such a rule, so this goes around it, straight to the supervisor
    wide = [{"$and": [{"key": f"score.s{i}"}, {"$gt": {"mean": 1}}]} for i in range(24)]
    program = _program(**{"fine.rule": [{"key": "score.s0"}], "wide.rule": wide})
    facts = [{"key": f"score.s{i}", "mean": 2, "fid": i} for i in range(24)]
    # Depending on the worker's memory state (e.g. how large a ruleset it holds already),
    # durable-rules either crashes or reports the overload as an error code (304): both are one
    # clean line naming the knowledge base, and the worker goes on.
    with pytest.raises((EngineCrash, EngineError)) as caught:
        supervisor.register(program, "/kb/folder")
        supervisor.evaluate(program, facts, set(), "/kb/folder")
    message = str(caught.value)
    assert "/kb/folder" in message and "\n" not in message
    if isinstance(caught.value, EngineCrash):
        assert "'wide.rule'" in message and "SIG" in message
    fine = _program(**{"fine.rule": [{"key": "score.s0"}]})
    supervisor.register(fine, "/kb/folder")
    assert supervisor.evaluate(fine, facts[:1], set(), "/kb/folder") == ["fine.rule"]


def test_an_engine_error_names_the_rule_and_leaves_the_worker_running():
    program = _program(**{"ok.rule": [{"key": "a"}], "odd.rule": [{"$nonsense": {"x": 1}}]})
    pid = supervisor.worker_pid() or supervisor._worker().process.pid
    with pytest.raises(EngineError, match=r"/kb: rule 'odd\.rule': .*unknown operator|odd\.rule"):
        supervisor.register(program, "/kb")
    assert supervisor.worker_pid() == pid


def test_the_worker_dies_with_its_parent(tmp_path):
    script = textwrap.dedent(
        """
        import sys, time
        from coachassist.engine import diagnose, supervisor
        from coachassist.kb.loader import load
        from tests.engine.test_engine import team
        kb = load()
        diagnose(kb, team(kb, 1, {"trust"}))
        print(supervisor.worker_pid(), flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        worker = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert _alive(worker)
        parent.kill()  # no atexit, no cleanup: only the closed pipe tells the worker
        parent.wait()
        deadline = time.monotonic() + 5
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker)
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]


def test_shutdown_leaves_no_worker_and_the_next_evaluation_starts_one(kb):
    diagnose(kb, team(kb, 2, set()))
    pid = supervisor.worker_pid()
    supervisor.shutdown()
    assert pid is not None and not _alive(pid)
    assert supervisor.worker_pid() is None
    diagnose(kb, team(kb, 2, set()))
    assert supervisor.worker_pid() is not None


def test_a_crash_during_a_diagnosis_is_one_line_naming_the_knowledge_base(kb):
    troubled = team(kb, 3, {"trust"})
    before = summary(diagnose(kb, troubled))
    supervisor.crash_next_evaluation_for_test(signal.SIGSEGV)
    with pytest.raises(EngineCrash) as caught:
        diagnose(kb, troubled)
    message = str(caught.value)
    assert "SIGSEGV" in message and str(REPO / "rules") in message and "\n" not in message
    assert summary(diagnose(kb, troubled)) == before


# --- registering without waiting (diagnose sends the rules while it reads the intake) -------


def test_a_program_sent_ahead_is_refused_at_its_first_use_with_the_same_message():
    rules = {"ok.rule": [{"key": "a"}], "odd.rule": [{"$nonsense": {"x": 1}}]}
    with pytest.raises(EngineError) as waited:
        supervisor.register(_program(**rules), "/kb")
    ahead = _program(**rules)
    supervisor.preregister(ahead, "/kb")  # no error yet: nothing was waited for
    with pytest.raises(EngineError) as later:
        supervisor.evaluate(ahead, [{"key": "a", "fid": 1}], set(), "/kb")
    assert str(later.value) == str(waited.value)
    assert "odd.rule" in str(later.value)


def test_replies_to_requests_sent_ahead_are_read_in_order():
    supervisor.shutdown()
    supervisor.prestart()  # its ping is pending
    first = _program(**{"a.rule": [{"key": "a"}]})
    second = _program(**{"b.rule": [{"key": "b"}]})
    supervisor.preregister(first, "/kb")
    supervisor.preregister(second, "/kb")
    supervisor.preregister(first, "/kb")  # sent once only
    facts = [{"key": "a", "fid": 1}, {"key": "b", "fid": 2}]
    assert supervisor.evaluate(second, facts, set(), "/kb") == ["b.rule"]
    assert supervisor.evaluate(first, facts, set(), "/kb") == ["a.rule"]


def test_a_worker_that_dies_with_a_program_pending_is_replaced_and_the_program_registered():
    supervisor.shutdown()
    supervisor.prestart()
    program = _program(**{"a.rule": [{"key": "a"}]})
    supervisor.preregister(program, "/kb")
    pid = supervisor.worker_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.01)
    assert supervisor.evaluate(program, [{"key": "a", "fid": 1}], set(), "/kb") == ["a.rule"]
    assert supervisor.worker_pid() not in (None, pid)


def test_an_engine_built_without_waiting_gives_the_same_findings(kb):
    from coachassist.engine.inference import Engine, engine_for
    from coachassist.engine.pipeline import team_facts

    table, _ = team_facts(kb, team(kb, 4, {"trust", "conflict"}))
    waited = Engine(kb.rules).run(copy.deepcopy(table))
    supervisor.shutdown()
    ahead = Engine(kb.rules, wait=False)
    assert ahead.run(copy.deepcopy(table)) == waited
    assert waited  # the team is troubled: rules fired
    assert engine_for(kb, wait=False) is engine_for(kb)


def test_a_program_sent_while_a_batch_is_outstanding_waits_its_turn():
    batch_program = _program(**{"a.rule": [{"key": "a"}]})
    supervisor.register(batch_program, "/kb")
    teams = [([{"key": "a", "fid": i}], set()) for i in range(3)]
    pending = supervisor.submit(batch_program, teams, "/kb")
    later = _program(**{"b.rule": [{"key": "b"}]})
    supervisor.preregister(later, "/kb")  # its reply comes after the batch's
    assert supervisor.evaluate(later, [{"key": "b", "fid": 9}], set(), "/kb") == ["b.rule"]
    assert pending.outcomes() == [["a.rule"]] * 3


def test_a_worker_that_cannot_start_is_one_clean_line(monkeypatch):
    supervisor.shutdown()
    monkeypatch.setattr(supervisor.sys, "executable", "/bin/false")  # exits at once
    supervisor.prestart()  # pinged at once: a dead worker does not fail here
    program = _program(**{"a.rule": [{"key": "a"}]})
    supervisor.preregister(program, "/kb")
    with pytest.raises(
        EngineCrash, match=r"^the rules engine could not start \(exit status 1"
    ) as caught:
        supervisor.evaluate(program, [{"key": "a", "fid": 1}], set(), "/kb")
    assert "\n" not in str(caught.value)
    monkeypatch.undo()
    assert supervisor.evaluate(program, [{"key": "a", "fid": 1}], set(), "/kb") == ["a.rule"]
