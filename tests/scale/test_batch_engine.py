"""Batch mode overlaps this process and the engine worker: chunks of teams go to the worker
while the next chunk is prepared. The results must be what diagnosing each team alone gives,
in file order, also when the worker crashes mid-chunk or another diagnosis cuts in."""

from __future__ import annotations

import signal

import pytest

from coachassist.batch import CHUNK, diagnose_many, read_team
from coachassist.engine import diagnose, supervisor
from coachassist.errors import UserError
from coachassist.kb.loader import load
from tests.scale.teams import write_team

TEAMS = 2 * CHUNK + 5  # three chunks, the last one short


@pytest.fixture(scope="module")
def kb():
    return load()


@pytest.fixture(scope="module")
def paths(kb, tmp_path_factory):
    root = tmp_path_factory.mktemp("chunks")
    out = []
    for i in range(TEAMS):
        path = root / f"t{i:02d}.toml"
        if i in (3, CHUNK + 1):
            path.write_text("format = 'coachassist-intake/1'\nscan = 12\n", encoding="utf-8")
        else:
            levels = {"trust": 1.5 + (i % 5) * 0.5, "conflict": 4.5 - (i % 4) * 0.6}
            write_team(path, kb, n=2 + i % 9, level=levels, seed=i, title=f"Team {i}")
        out.append(path)
    return out


def _alone(kb, path):
    try:
        return diagnose(kb, read_team(kb, path)).model_dump_json()
    except UserError as error:  # the bad files: compared by their message
        return str(error)


def _batch(results):
    return [r.diagnosis.model_dump_json() if r.diagnosis else str(r.error) for r in results]


def test_every_team_gets_what_it_gets_alone_in_file_order(kb, paths):
    results = list(diagnose_many(kb, paths))
    assert [r.path for r in results] == paths
    assert _batch(results) == [_alone(kb, p) for p in paths]
    assert sum(r.error is not None for r in results) == 2
    assert any(r.diagnosis and r.diagnosis.findings for r in results)
    assert any(r.diagnosis and not r.diagnosis.privacy.team_shown for r in results)


def test_a_worker_crash_mid_chunk_costs_no_team(kb, paths):
    expected = [_alone(kb, p) for p in paths]
    first = supervisor.worker_pid()
    supervisor.crash_next_evaluation_for_test(signal.SIGSEGV)  # the first team sent dies
    assert _batch(diagnose_many(kb, paths)) == expected
    assert supervisor.worker_pid() not in (None, first)


def test_another_diagnosis_while_a_chunk_is_with_the_worker(kb, paths):
    expected = [_alone(kb, p) for p in paths]
    other = read_team(kb, paths[0])
    alone = diagnose(kb, other).model_dump_json()
    got = []
    for result in diagnose_many(kb, paths):
        got.append(result)
        assert diagnose(kb, other).model_dump_json() == alone  # cuts in between chunks
    assert _batch(got) == expected


def test_a_diagnosis_cutting_in_while_the_worker_hangs_on_a_chunk(kb, tmp_path, monkeypatch):
    """The worker stops answering mid-chunk while another diagnosis cuts in: that diagnosis
    waits out the chunk's timeout, then gets a fresh worker (with the rules registered there),
    and every team of the chunk is still diagnosed."""
    monkeypatch.setenv("COACHASSIST_ENGINE_TIMEOUT", "1")
    paths = []
    for i in range(2 * CHUNK):  # a first chunk the engine never sees, then a chunk of teams
        path = tmp_path / f"t{i:02d}.toml"
        if i < CHUNK:
            path.write_text("format = 'coachassist-intake/1'\nscan = 12\n", encoding="utf-8")
        else:
            write_team(path, kb, n=5, level={"trust": 2.0}, seed=i, title=f"Team {i}")
        paths.append(path)
    expected = [_alone(kb, p) for p in paths]
    other = read_team(kb, paths[-1])
    supervisor.crash_next_evaluation_for_test(signal.SIGSTOP)  # the second chunk hangs
    got = []
    for result in diagnose_many(kb, paths):
        if not got:  # the second chunk is with the (stopped) worker now
            assert diagnose(kb, other).model_dump_json() == expected[-1]
        got.append(result)
    assert _batch(got) == expected
