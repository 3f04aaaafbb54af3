"""``--kb DIR`` layers: later folders add items and override earlier ones by id."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import tomli_w

from coachassist.kb.loader import bundled_dirs, load_with_problems
from tests.kb.kbfiles import FILES, edit, lines, write_kb

NEW_FORMAT = """\
[[formats]]
id = "silent_start"
minutes = 10
settings = ["one_team"]
addresses = ["absence_of_trust"]
source = "Test"
name = { nl = "Stille start", en = "Silent start" }
purpose = { nl = "Eerst denken, dan praten.", en = "Think first, then talk." }
steps = [{ nl = "Schrijf drie minuten in stilte.", en = "Write in silence for three minutes." }]
"""


def _renamed_checkin(folder: Path) -> None:
    text = edit(FILES["rules/formats.toml"], 'name = { nl = "Check-in", en = "Check-in" }', "")
    text = text.split("\n\n[[formats]]")[0]  # only checkin_wish
    text = edit(
        text, 'source = "Test"', 'source = "Test"\nname = { nl = "Inchecken", en = "Arrive" }'
    )
    (folder / "override.toml").write_text(text + "\n", encoding="utf-8")


def test_later_folder_overrides_by_id_and_adds(tmp_path: Path) -> None:
    base = write_kb(tmp_path / "base")
    extra = tmp_path / "extra"
    extra.mkdir()
    _renamed_checkin(extra)
    (extra / "new.toml").write_text(NEW_FORMAT, encoding="utf-8")
    kb, problems = load_with_problems([base, extra], bundled=False)
    assert lines(problems) == []
    assert kb.formats["checkin_wish"].name.en == "Arrive"
    assert kb.formats["silent_start"].name.nl == "Stille start"
    assert kb.formats["one_two_four_all"].name.en == "1-2-4-All"  # untouched items stay
    assert kb.origin("format", "checkin_wish").path == extra / "override.toml"  # type: ignore[union-attr]
    assert len(kb.formats) == 3


def test_the_later_folder_wins_whatever_its_order_on_disk(tmp_path: Path) -> None:
    base = write_kb(tmp_path / "z_base")
    extra = tmp_path / "a_extra"
    extra.mkdir()
    _renamed_checkin(extra)
    kb, _ = load_with_problems([base, extra], bundled=False)
    assert kb.formats["checkin_wish"].name.en == "Arrive"
    kb, _ = load_with_problems([extra, base], bundled=False)
    assert kb.formats["checkin_wish"].name.en == "Check-in"


def test_duplicate_within_one_folder_is_an_error_even_when_it_overrides(tmp_path: Path) -> None:
    base = write_kb(tmp_path / "base")
    extra = tmp_path / "extra"
    extra.mkdir()
    _renamed_checkin(extra)
    # "again.toml" sorts first, so the copy in "override.toml" is the duplicate
    (extra / "again.toml").write_text((extra / "override.toml").read_text(), encoding="utf-8")
    _, problems = load_with_problems([base, extra], bundled=False)
    assert lines(problems) == [
        f"{extra}/override.toml:2: checkin_wish: duplicate format id; ids must be unique"
    ]


def test_override_is_cross_checked_against_the_whole_knowledge_base(tmp_path: Path) -> None:
    base = write_kb(tmp_path / "base")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.toml").write_text(
        edit(NEW_FORMAT, 'addresses = ["absence_of_trust"]', 'addresses = ["no_such_thing"]'),
        encoding="utf-8",
    )
    _, problems = load_with_problems([base, extra], bundled=False)
    assert lines(problems) == [
        f"{extra}/new.toml:5: silent_start: unknown dysfunction 'no_such_thing' in 'addresses'; "
        "known: absence_of_trust, silos_and_power"
    ]


def test_kb_folder_overrides_a_bundled_format(
    tmp_path: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    """The same id as a bundled format, another name: the loaded knowledge base has the new one."""
    bundled, _ = load_with_problems([])
    original = bundled.formats["checkin_wish"]
    changed = original.model_dump(exclude_defaults=True)
    changed["name"] = {"nl": "Inchecken anders", "en": "Another check-in"}
    (tmp_path / "formats.toml").write_text(tomli_w.dumps({"formats": [changed]}), "utf-8")
    (tmp_path / "new.toml").write_text(NEW_FORMAT, encoding="utf-8")
    kb, problems = load_with_problems([tmp_path])
    assert kb.formats["checkin_wish"].name.en == "Another check-in"
    assert kb.formats["checkin_wish"].steps == original.steps
    assert kb.formats["silent_start"].minutes == 10
    assert len(kb.formats) == len(bundled.formats) + 1
    assert not [p for p in problems if tmp_path in p.path.parents], lines(problems)


def test_bundled_folders_exist() -> None:
    assert [d.name for d in bundled_dirs()] == ["questionnaires", "rules"]
    assert all(d.is_dir() for d in bundled_dirs())
