"""The app's plain-Python parts: question order, resume, recent files, the KB cache, charts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from coachassist import workspace
from coachassist.intake.models import Respondent
from coachassist.intake.progress import CONTEXT_DONE, IntakeProgress
from coachassist.intake.walk import Walk
from coachassist.kb import cache as kbcache
from coachassist.kb.loader import load
from coachassist.kb.problems import KnowledgeBaseError
from coachassist.tui.widgets.charts import bar, pyramid

from .conftest import KB_DIR, write_intake
from .fakes import diagnosis


@pytest.fixture(scope="module")
def kb():
    return load([KB_DIR], bundled=False)


def test_walk_follows_show_if_and_role(kb) -> None:
    context = Walk(kb.questionnaires["coach_intake"], {}, None)
    ids = [q.id for q in context.visible()]
    assert "reorganisation_done" not in ids
    context.set("recent_reorganisation", "yes")
    assert context.after("recent_reorganisation").id == "reorganisation_done"
    context.set("reorganisation_done", "no")
    context.set("recent_reorganisation", "no")  # hides it again: its answer is dropped
    assert "reorganisation_done" not in context.answers
    member = Walk(kb.questionnaires["teamscan"], {}, "member")
    lead = Walk(kb.questionnaires["teamscan"], {}, "lead")
    assert "lead_load" not in [q.id for q in member.visible()]
    assert lead.position("lead_load") == (4, 5)


def test_resume_is_after_the_last_answer(kb) -> None:
    walk = Walk(kb.questionnaires["teamscan"], {}, "member")
    assert walk.resume().id == "trust_1"
    walk.set("trust_1", 3)
    walk.set("conflict_1", "dont_know")  # trust_2 skipped
    assert walk.resume().id == "keep_text"
    walk.set("keep_text", "x")
    assert walk.resume() is None
    walk.set("keep_text", "")
    assert "keep_text" not in walk.answers


def test_next_step_of_a_session(kb, tmp_path: Path) -> None:
    session = IntakeProgress.new(kb, tmp_path / "a.toml", "Team", "coach")
    step = session.next_step()
    assert (step.kind, step.question.id) == ("context", "team_type")
    session.mark_done(CONTEXT_DONE)
    assert session.next_step().kind == "between"
    respondent = session.add_respondent("member", "nl")
    assert respondent.id == "r01"
    step = session.next_step()
    assert (step.kind, step.respondent, step.question.id) == ("respondent", "r01", "trust_1")
    session.mark_done("r01")
    assert session.next_step().kind == "between"
    with pytest.raises(Exception, match="already exists"):
        IntakeProgress.new(kb, tmp_path / "a.toml", "Again", "coach")


def test_a_finished_respondent_is_remembered_across_openings(kb, tmp_path: Path) -> None:
    path = write_intake(tmp_path / "t.toml", [Respondent(id="r01", answers={"trust_1": 4})])
    session = IntakeProgress.open(kb, path)
    assert session.next_step().kind == "respondent"
    session.mark_done("r01")
    assert IntakeProgress.open(kb, path).next_step().kind == "between"


def test_self_scan_has_threshold_one(kb, tmp_path: Path) -> None:
    session = IntakeProgress.new(kb, tmp_path / "s.toml", "Zelfscan", "self")
    assert session.intake.min_group == 1 and session.mode == "self"
    assert session.default_role() == "lead"


def test_recent_list_survives_a_broken_file(private_home: Path, tmp_path: Path) -> None:
    private_home.mkdir(parents=True)
    (private_home / "recent.json").write_text("{not json", "utf-8")
    assert workspace.load_recent() == []
    for number in range(workspace.MAX_RECENT + 2):
        intake = tmp_path / f"i{number}.toml"
        intake.write_text("", "utf-8")
        workspace.remember(intake, f"Team {number}", {"r01"})
    recent = workspace.recent_existing()
    assert len(recent) == workspace.MAX_RECENT
    assert recent[0].title == f"Team {workspace.MAX_RECENT + 1}"
    assert workspace.done_for(tmp_path / f"i{workspace.MAX_RECENT + 1}.toml") == {"r01"}
    assert json.loads((private_home / "recent.json").read_text("utf-8"))["version"] == 1


def test_new_intake_paths_are_free_and_readable(private_home: Path) -> None:
    day = date(2025, 3, 4)
    first = workspace.suggest_path("Wijkteam Zuid-Oost!", day)
    assert first == private_home / "intakes" / "wijkteam-zuid-oost-2025-03-04.toml"
    first.parent.mkdir(parents=True)
    first.write_text("", "utf-8")
    assert workspace.suggest_path("Wijkteam Zuid-Oost!", day).name.endswith("-2.toml")
    assert workspace.suggest_path("Intake 2025-03-04", day).name == "intake-2025-03-04.toml"


def test_kb_cache_hits_and_notices_changes(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    for path in KB_DIR.rglob("*.toml"):
        target = folder / path.relative_to(KB_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    first = kbcache.load_cached([folder], bundled=False)
    assert kbcache.cache_file().is_file()
    second = kbcache.load_cached([folder], bundled=False)
    assert second.counts() == first.counts() and second is not first
    formats = folder / "rules" / "formats.toml"
    formats.write_text(formats.read_text("utf-8").replace('id = "team_charter"', 'id = "Bad"'))
    with pytest.raises(KnowledgeBaseError):
        kbcache.load_cached([folder], bundled=False)


def test_charts_show_mean_spread_and_flags(kb) -> None:
    drawn = bar(3.0, 1.0, 1, 5, width=8).plain
    assert len(drawn) == 8
    assert drawn == "██▓▓▒▒··"
    levels = pyramid(
        list(kb.dysfunctions.values()),
        diagnosis().findings,
        "en",
        {"high": "high", "medium": "medium", "low": "low"},
    ).plain.splitlines()
    assert levels[0].strip().startswith("5") and levels[0].endswith("Inattention to results")
    assert levels[4][:22].strip() == "1" and "● high" in levels[4]
    assert levels[4].endswith("Absence of trust")
    assert "● medium" in levels[3] and "● " not in levels[2]


def test_every_message_key_in_the_app_exists_in_both_languages() -> None:
    import re

    from coachassist.i18n import keys, t

    known = set(keys())
    source = Path(__file__).parents[2] / "coachassist" / "tui"
    used = set()
    for path in source.rglob("*.py"):
        used |= set(re.findall(r"[\"'](tui\.[a-z_]+\.[a-z_]+)[\"']", path.read_text("utf-8")))
    assert used, "the app uses message keys"
    assert sorted(used - known) == []
    for key in (k for k in known if k.startswith("tui.")):
        assert t(key, "nl") and t(key, "en")


def test_a_self_scan_skips_the_coach_only_context_questions(tmp_path: Path) -> None:
    bundled = load([])
    coach = IntakeProgress.new(bundled, tmp_path / "coach.toml", "Team", "coach")
    lead = IntakeProgress.new(bundled, tmp_path / "self.toml", "Team", "self")
    coach_ids = [q.id for q in coach.context_walk().visible()]  # type: ignore[union-attr]
    self_ids = [q.id for q in lead.context_walk().visible()]  # type: ignore[union-attr]
    assert {"observed", "sponsor"} <= set(coach_ids)
    assert not {"observed", "sponsor"} & set(self_ids)
    assert set(self_ids) < set(coach_ids) and "client_question" in self_ids


def test_one_respondent_has_no_spread_to_show() -> None:
    from coachassist.tui.widgets.charts import score_bars

    base = diagnosis().scores[0]
    one = base.model_copy(update={"n": 1, "sd": 0.0})
    many = base.model_copy(update={"n": 4, "sd": 0.6})
    drawn = score_bars([one, many], {}, 1, 5, "en", "withheld", "divided").plain.splitlines()
    assert "±" not in drawn[0] and "2.2" in drawn[0]
    assert "±0.6" in drawn[1]


def test_the_anonymity_note_names_roles_in_words_in_both_languages() -> None:
    from coachassist.engine import diagnose
    from coachassist.intake.models import Intake

    bundled = load([])
    scan = bundled.by_purpose("scan")[0]
    likert = [q.id for q in scan.questions if q.type == "likert"]
    responses = [
        Respondent(id=f"r{i}", role=role, answers={q: 3 + i % 2 for q in likert})
        for i, role in enumerate(["member", "member", "member", "lead"])
    ]
    note = " ".join(
        n.nl + " | " + n.en
        for n in diagnose(bundled, Intake(scan=scan.id, responses=responses)).notes
    )
    # the lone lead is named in words (without consent their answers stay hidden)
    assert "De leidinggevende" in note and "the lead's view" in note
    assert "(lead)" not in note
