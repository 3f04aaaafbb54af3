"""The coach's plan: edits are saved in the intake (through the locked merge), every report and
command uses them, and a new plan keeps every lock."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachassist.cli import main
from coachassist.engine import diagnose
from coachassist.intake.files import load_case, read_intake
from coachassist.intake.models import PlanEdits, PlannedFormat, PlannedSession
from coachassist.intake.serialize import intake_text
from coachassist.intake.store import IntakeStore
from coachassist.kb.loader import load
from coachassist.plan import PlanConstraints, build_plan
from coachassist.plan.edit import add, alternatives, layout_of, move, remove, swap, toggle_lock
from coachassist.report import render
from tests.plan_fixtures import EXPECTED_RANK, diagnosis, finding, fixture_kb, suggestion

KB = load()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ketenoverleg_sociaal_domein.toml"


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "intake.toml"
    shutil.copy(EXAMPLE, target)
    return target


def core_index(edits: PlanEdits, session: int) -> int:
    return next(
        n for n, i in enumerate(edits.layout[session].items) if KB.formats[i.format].role == "core"
    )


def test_a_swap_is_saved_in_the_intake_and_every_report_uses_it(tmp_path, capsys):
    path = copy_example(tmp_path)
    intake = load_case(KB, [path])
    dx = diagnose(KB, intake)
    plan = build_plan(KB, dx, intake.context)
    index = core_index(layout_of(plan, None), 0)
    options = alternatives(KB, plan, 0, index)
    assert options, "another format for the same finding"
    finding = plan.sessions[0].items[index].reason.findings[0]
    assert all(finding in f.addresses for f in options)
    choice = options[-1]
    edits = swap(layout_of(plan, intake.plan), 0, index, choice.id)
    store = IntakeStore(path)
    live = store.load()
    store.update(live, lambda i: setattr(i, "plan", edits))
    # round trip: the file holds exactly the edits, in tomli-w's own text
    again = read_intake(path)
    assert again.plan == edits
    assert path.read_text("utf-8") == intake_text(again)
    assert tomllib.loads(path.read_text("utf-8"))["plan"]["layout"][0]["items"][index] == {
        "format": choice.id,
        "locked": True,
    }
    edited = build_plan(KB, dx, again.context, edits=again.plan)
    assert edited.edited and edited.sessions[0].items[index].format == choice.id
    for fmt in ("md", "html"):
        assert choice.name("nl") in render(KB, again, dx, edited, fmt, "nl", "coach")
    assert main(["plan", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert choice.name("en") in out and "as the coach edited it" in out


def test_saving_the_plan_keeps_answers_written_meanwhile(tmp_path):
    path = copy_example(tmp_path)
    intake = load_case(KB, [path])
    plan = build_plan(KB, diagnose(KB, intake), intake.context)
    mine = IntakeStore(path)
    live = mine.load()
    other = IntakeStore(path)  # e.g. the collection server adds a respondent meanwhile
    theirs = other.load()
    extra = theirs.responses[0].model_copy(update={"id": "w-new"})
    other.update(theirs, lambda i: i.responses.append(extra))
    mine.update(live, lambda i: setattr(i, "plan", layout_of(plan, i.plan)))
    saved = read_intake(path)
    assert "w-new" in {r.id for r in saved.responses}
    assert saved.plan is not None and saved.plan.layout


def test_remove_move_lock_and_add():
    intake = load_case(KB, [EXAMPLE])
    dx = diagnose(KB, intake)
    plan = build_plan(KB, dx, intake.context)
    edits = layout_of(plan, None)
    index = core_index(edits, 0)
    gone = edits.layout[0].items[index].format
    edits = remove(KB, edits, 0, index)
    assert gone in edits.removed
    replanned = build_plan(KB, dx, intake.context, edits=edits, replan=True)
    assert gone not in {i.format for s in replanned.sessions for i in s.items}
    assert any(e.format == gone and e.reason == "removed" for e in replanned.left_out)
    # moving past the end of a session takes it to the next one, locked
    last = len(edits.layout[0].items) - 1
    moved, session, place = move(edits, 0, last, +1)
    assert (session, place) == (1, 0) and moved.layout[1].items[0].locked
    unlocked = toggle_lock(moved, 1, 0)
    assert not unlocked.layout[1].items[0].locked
    added = add(KB, edits, 0, gone)
    items = added.layout[0].items
    assert items[-2].format == gone and items[-2].locked  # before the closing
    assert gone not in added.removed


def test_new_limits_make_a_new_plan_around_the_locks(tmp_path, capsys):
    path = copy_example(tmp_path)
    intake = load_case(KB, [path])
    dx = diagnose(KB, intake)
    plan = build_plan(KB, dx, intake.context)
    edits = layout_of(plan, None)
    index = core_index(edits, 1)
    locked = edits.layout[1].items[index].format
    edits = toggle_lock(edits, 1, index)
    store = IntakeStore(path)
    live = store.load()
    store.update(live, lambda i: setattr(i, "plan", edits))
    assert main(["plan", str(path), "--sessions", "4", "--minutes", "150", "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert not data["edited"]
    where = [s["number"] for s in data["sessions"] for i in s["items"] if i["format"] == locked]
    assert where == [2]
    assert all(s["minutes"] <= 150 for s in data["sessions"])
    # --save makes it the coach's plan
    assert main(["plan", str(path), "--sessions", "4", "--minutes", "150", "--save"]) == 0
    saved = read_intake(path).plan
    assert saved is not None and (saved.sessions, saved.minutes) == (4, 150)


FIXTURE = fixture_kb()
CORE = sorted(f.id for f in FIXTURE.formats.values() if f.role == "core" and not f.default_for)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chosen=st.sets(st.sampled_from(sorted(EXPECTED_RANK)), min_size=1, max_size=8),
    locks=st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(CORE)), max_size=4, unique_by=lambda x: x[1]
    ),
    sessions=st.integers(1, 6),
    minutes=st.integers(30, 300),
    sponsor=st.sampled_from(["", "the director"]),
)
def test_any_new_plan_respects_every_lock_and_every_limit(
    chosen, locks, sessions, minutes, sponsor
):
    findings = [finding(FIXTURE, d) for d in sorted(chosen)]
    suggestions = [
        suggestion(FIXTURE, f, *[d for d in FIXTURE.formats[f].addresses if d in chosen])
        for f in CORE
        if set(FIXTURE.formats[f].addresses) & chosen
    ]
    layout = [PlannedSession() for _ in range(6)]
    for index, fmt in locks:
        layout[index] = PlannedSession(
            items=[*layout[index].items, PlannedFormat(format=fmt, locked=True)]
        )
    edits = PlanEdits(layout=layout)
    context = {"team_type": "leadership_team", "team_size": 8, "sponsor": sponsor}
    plan = build_plan(
        FIXTURE,
        diagnosis(findings, suggestions),
        context,
        PlanConstraints(sessions=sessions, minutes=minutes),
        edits,
        replan=True,
    )
    seen: set[str] = set()
    for session in plan.sessions:
        assert session.minutes <= minutes
        for item in session.items:
            assert FIXTURE.formats[item.format].recurring or item.format not in seen
            seen.add(item.format)
    notes = {(n.kind, n.values.get("format")) for n in plan.notes}
    for index, fmt in locks:
        where = [s.number for s in plan.sessions for i in s.items if i.format == fmt]
        if ("lock_dropped", fmt) in notes:
            assert not where
            continue
        assert len(where) == 1 and [
            i.locked for s in plan.sessions for i in s.items if i.format == fmt
        ] == [True]
        if ("lock_moved", fmt) not in notes:
            # in its own session; numbers only shift when sessions before it had no work
            assert where[0] <= index + 1, (fmt, where)
            kept_before = [s for s in plan.sessions if s.number < where[0]]
            assert len(kept_before) == where[0] - 1


def test_a_broken_plan_table_is_one_line_and_an_unknown_format_is_said(tmp_path, capsys):
    path = copy_example(tmp_path)
    text = path.read_text("utf-8")
    bad = tmp_path / "bad.toml"
    for table, expected in [
        ("[plan]\nsessions = 0\n", "plan.sessions"),
        ('[[plan.layout]]\nitems = [{format = "<b>x</b>"}]\n', "plan.layout.0.items.0.format"),
        ("[plan]\nlayout = [" + "{}, " * 13 + "]\n", "plan.layout"),
    ]:
        bad.write_text(text + "\n" + table, "utf-8")
        assert main(["plan", str(bad)]) == 2
        err = capsys.readouterr().err
        assert expected in err and err.count("\n") == 1, err
    table = (
        '[plan]\nsessions = 3\nminutes = 180\n[[plan.layout]]\nitems = [{format = "gone_now"}]\n'
    )
    bad.write_text(text + "\n" + table, "utf-8")
    assert main(["plan", str(bad), "--lang", "en"]) == 0
    assert "'gone\\_now', which is not in the knowledge base" in capsys.readouterr().out


def test_a_format_that_needs_a_day_makes_its_session_a_day_session(tmp_path, capsys):
    path = copy_example(tmp_path)
    intake = load_case(KB, [path])
    dx = diagnose(KB, intake)
    intake.context.update(team_type="whole_organisation", team_size=40)
    plan = build_plan(KB, dx, intake.context)
    assert "knowledge_day" not in {i.format for s in plan.sessions for i in s.items}
    edits = layout_of(plan, None)
    while any(KB.formats[i.format].role == "core" for i in edits.layout[0].items):
        edits = remove(KB, edits, 0, core_index(edits, 0))
    edits = add(KB, edits, 0, "knowledge_day")
    frame = sum(KB.formats[i.format].minutes for i in edits.layout[0].items) - 360
    assert edits.layout[0].minutes == 360 + frame and edits.minutes == 180
    edited = build_plan(KB, dx, intake.context, edits=edits)
    day = edited.sessions[0]
    assert day.limit == day.minutes == 360 + frame
    assert not [n for n in edited.notes if n.kind == "over_time"]
    assert all(s.limit == 180 for s in edited.sessions[1:])
    # a new plan keeps the locked knowledge day in its day session
    again = build_plan(KB, dx, intake.context, edits=edits, replan=True)
    first = again.sessions[0]
    assert first.limit == 360 + frame and "knowledge_day" in [i.format for i in first.items]
    assert first.minutes <= first.limit
    assert all(s.minutes <= s.limit == 180 for s in again.sessions[1:])
    text = render(KB, intake, dx, edited, "md", "en", "coach")
    assert f"A day session of {360 + frame} minutes" in text
