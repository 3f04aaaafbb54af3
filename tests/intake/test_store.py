"""The shared write protocol: lock, re-read, three-way merge, atomic write; respondent leases."""

from __future__ import annotations

import copy
import multiprocessing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachassist.intake.files import read_intake
from coachassist.intake.models import Intake, Respondent
from coachassist.intake.progress import IntakeProgress
from coachassist.intake.store import IntakeStore, claim, merge_answers, merge_into
from coachassist.kb.loader import KnowledgeBase

VALUES = st.one_of(st.integers(1, 5), st.just("dont_know"), st.text(max_size=5))
KEYS = st.sampled_from(["a", "b", "c", "d"])
ANSWERS = st.dictionaries(KEYS, VALUES, max_size=4)
MISSING = object()


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(base=ANSWERS, mine=ANSWERS, disk=ANSWERS)
def test_merge_keeps_own_changes_and_everything_else_from_disk(base, mine, disk) -> None:
    merged = dict(mine)
    merge_answers(merged, base, disk)
    for key in {*base, *mine, *disk}:
        own, seen = mine.get(key, MISSING), base.get(key, MISSING)
        expected = own if own != seen else disk.get(key, MISSING)
        assert merged.get(key, MISSING) == expected, key


def test_two_app_instances_never_overwrite_each_others_answers(
    kb: KnowledgeBase, intake_path: Path
) -> None:
    """The bug from issue 11: two instances each saving their whole stale snapshot."""
    one, two = IntakeProgress.open(kb, intake_path), IntakeProgress.open(kb, intake_path)
    first = one.add_respondent("member", "nl")
    second = two.add_respondent("member", "en")
    assert first.id != second.id
    for n in range(1, 6):
        one.respondent_walk(first.id).set(f"trust_{n}", 2)
        one.save()
        two.respondent_walk(second.id).set(f"trust_{n}", 4)
        two.save()
    one.respondent_walk(first.id).set("trust_1", "dont_know")
    one.save()
    on_disk = {r.id: r.answers for r in read_intake(intake_path).responses}
    assert on_disk[first.id] == {"trust_1": "dont_know"} | {f"trust_{n}": 2 for n in range(2, 6)}
    assert on_disk[second.id] == {f"trust_{n}": 4 for n in range(1, 6)}
    # the live objects the screens hold are updated in place on the next save, not replaced
    two.save()
    assert two.respondent(first.id).answers == on_disk[first.id]
    assert one.respondent(first.id) is first


def test_a_respondent_deleted_here_stays_deleted_and_others_are_kept(
    kb: KnowledgeBase, intake_path: Path
) -> None:
    one, two = IntakeProgress.open(kb, intake_path), IntakeProgress.open(kb, intake_path)
    empty = one.add_respondent("member", "nl")
    two.save()  # two now knows `empty`
    other = two.add_respondent("lead", "nl")
    one.drop_if_empty(empty.id)
    two.respondent_walk(other.id).set("trust_1", 3)
    two.save()  # two did not change `empty`, so one's deletion stands
    ids = [r.id for r in read_intake(intake_path).responses]
    assert ids == [other.id]


def test_context_and_title_merge_per_key() -> None:
    base = Intake(title="A", context={"team_size": 5, "team_type": "one_team"})
    mine = copy.deepcopy(base)
    mine.context["team_size"] = 9
    disk = Intake(title="B", context={"team_size": 5, "team_type": "two_departments"})
    disk.responses.append(Respondent(id="w-abc", answers={"trust_1": 1}))
    merge_into(mine, base, disk)
    assert mine.title == "B"
    assert mine.context == {"team_size": 9, "team_type": "two_departments"}
    assert [r.id for r in mine.responses] == ["w-abc"]


def test_a_writer_without_a_base_drops_nothing(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    IntakeStore(path).save(Intake(responses=[Respondent(id="w-1", answers={"trust_1": 2})]))
    late = Intake(responses=[Respondent(id="r01", answers={"trust_1": 5})])
    IntakeStore(path).save(late)
    assert [r.id for r in read_intake(path).responses] == ["w-1", "r01"]


def test_a_second_instance_starts_a_new_respondent_instead_of_continuing(
    kb: KnowledgeBase, intake_path: Path
) -> None:
    one = IntakeProgress.open(kb, intake_path)
    started = one.add_respondent("member", "nl")
    one.respondent_walk(started.id).set("trust_1", 2)
    one.save()
    two = IntakeProgress.open(kb, intake_path)
    two.done.add("context")
    assert two.next_step().kind == "between"  # `started` is held by one
    one.release()
    three = IntakeProgress.open(kb, intake_path)
    three.done.add("context")
    step = three.next_step()
    assert (step.kind, step.respondent) == ("respondent", started.id)


def test_the_app_never_continues_a_web_respondent(kb: KnowledgeBase, intake_path: Path) -> None:
    store = IntakeStore(intake_path)
    intake = store.load()
    intake.responses.append(Respondent(id="w-0a1b2c3d", answers={"trust_1": 2}))
    store.save(intake)
    app = IntakeProgress.open(kb, intake_path)
    app.done.add("context")
    assert app.next_step().kind == "between"
    assert app.add_respondent("member", "nl").id == "r01"


def _hold(path: str, rid: str, ready, stop) -> None:  # runs in a child process
    lease = claim(Path(path), rid)
    ready.put(lease is not None)
    stop.get()


def test_a_lease_is_released_when_its_process_dies(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Queue(), ctx.Queue()
    child = ctx.Process(target=_hold, args=(str(path), "r01", ready, stop))
    child.start()
    try:
        assert ready.get(timeout=10) is True
        assert claim(path, "r01") is None
        child.kill()
        child.join(10)
        lease = claim(path, "r01")
        assert lease is not None
        lease.release()
    finally:
        child.kill()
        child.join()


ANSWER = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=30),
    st.lists(st.sampled_from(["a", "b"]), max_size=2),
)
RESPONDENT = st.builds(
    Respondent,
    id=st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True),
    answers=st.dictionaries(st.sampled_from(["q1", "q2", "q3"]), ANSWER, max_size=3),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    title=st.text(max_size=20),
    people=st.lists(RESPONDENT, max_size=4, unique_by=lambda r: r.id),
    changed=st.text(max_size=20),
)
def test_the_fast_text_parses_to_what_tomli_w_writes(title, people, changed) -> None:
    import tomllib

    from coachassist.intake.serialize import Renderer, intake_text

    renderer = Renderer()
    intake = Intake(title=title, context={"team_size": 4}, responses=people)
    for _ in range(3):  # later rounds: every unchanged respondent comes from the cache
        assert renderer.text(intake) == intake_text(intake)
        assert tomllib.loads(renderer.text(intake)) == intake.model_dump(exclude_none=True)
        if intake.responses:  # the last round makes one respondent too long for a line
            intake.responses[0].answers["q9"] = changed
            intake.responses[-1].answers[f"q{len(changed)}"] = changed * 4


def test_an_intake_in_a_read_only_folder_opens(kb: KnowledgeBase, intake_path: Path) -> None:
    import os

    if os.geteuid() == 0:  # root writes anywhere; the point is that open() does not try
        Path(str(intake_path) + ".lock").unlink(missing_ok=True)
        IntakeProgress.open(kb, intake_path)
        assert not Path(str(intake_path) + ".lock").exists()
        return
    intake_path.parent.chmod(0o500)
    try:
        assert IntakeProgress.open(kb, intake_path).intake.title == "Team Noord"
    finally:
        intake_path.parent.chmod(0o700)


def test_a_full_scan_writes_exactly_as_tomli_w_and_reuses_unchanged_parts() -> None:
    from coachassist.intake.serialize import Renderer, intake_text

    people = [
        Respondent(id=f"w-{i}", answers={f"trust_{n}": 3 for n in range(45)}) for i in range(3)
    ]
    intake = Intake(title="T", context={"team_size": 4}, responses=[*people, Respondent(id="r01")])
    renderer = Renderer()
    assert "[[responses]]" in renderer.text(intake)
    intake.responses[1].answers["trust_0"] = "dont_know"
    assert renderer.text(intake) == intake_text(intake)


def test_a_huge_intake_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """The store read the whole file for its digest before the size cap was checked: a sparse
    4 GB file (no disk used) ran the app or `collect` out of memory."""
    import subprocess
    import sys

    huge = tmp_path / "team.toml"
    with huge.open("wb") as handle:
        handle.truncate(4_000_000_000)
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))\n"
        "from pathlib import Path\n"
        "from coachassist.errors import UserError\n"
        "from coachassist.intake.store import IntakeStore\n"
        "try:\n"
        "    IntakeStore(Path(sys.argv[1])).load()\n"
        "except UserError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(huge)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-300:]
    assert "too large" in done.stdout or "larger" in done.stdout, done.stdout
