"""Several writers on one intake file, held to a model of the merge: no answer lost or overwritten.

Each writer (an app instance, the collection server, the CLI) keeps its own copy and base. The
model: when a writer saves, every answer it changed since its base becomes the truth; every
other answer keeps the truth. Random interleavings of changes and saves over real files must
end with the file equal to the model, and every writer's copy equal to the file after it saves.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachassist.intake.files import read_intake, save_intake
from coachassist.intake.models import Intake, Respondent
from coachassist.intake.store import IntakeStore

RIDS = ["r01", "r02", "w-0000abcd"]
KEYS = ["trust_1", "trust_2", "keep_text"]
VALUES = st.one_of(st.integers(1, 5), st.just("dont_know"), st.just("anders"), st.none())
WRITERS = 3
Cell = tuple[str, str]  # (respondent id, question id), or ("context", key)

change = st.tuples(
    st.just("set"),
    st.integers(0, WRITERS - 1),
    st.sampled_from([*RIDS, "context"]),
    st.sampled_from(KEYS),
    VALUES,
)
save = st.tuples(st.just("save"), st.integers(0, WRITERS - 1))


def cells(intake: Intake) -> dict[Cell, object]:
    found: dict[Cell, object] = {("context", k): v for k, v in intake.context.items()}
    for respondent in intake.responses:
        found.update({(respondent.id, k): v for k, v in respondent.answers.items()})
    return found


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.one_of(change, save), max_size=30))
def test_interleaved_writers_match_the_model(tmp_path: Path, steps: list[tuple]) -> None:
    path = tmp_path / "team.toml"
    path.unlink(missing_ok=True)
    save_intake(path, Intake(title="T", responses=[Respondent(id=r) for r in RIDS]))
    stores = [IntakeStore(path) for _ in range(WRITERS)]
    copies = [store.load() for store in stores]
    bases = [cells(c) for c in copies]
    truth = cells(read_intake(path))
    for step in steps:
        who = step[1]
        if step[0] == "set":
            _, _, rid, key, value = step
            intake = copies[who]
            target = (
                intake.context
                if rid == "context"
                else next(r for r in intake.responses if r.id == rid).answers
            )
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
            continue
        mine = cells(copies[who])
        changed = {c for c in {*mine, *bases[who]} if mine.get(c) != bases[who].get(c)}
        for cell in changed:
            if cell in mine:
                truth[cell] = mine[cell]
            else:
                truth.pop(cell, None)
        stores[who].save(copies[who])
        on_disk = cells(read_intake(path))
        assert on_disk == truth, f"after writer {who} saved"
        assert cells(copies[who]) == on_disk  # the writer's own objects hold the merge
        bases[who] = on_disk
