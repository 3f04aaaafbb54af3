"""A small, complete knowledge base as TOML text, and helpers to write, break and load it.

Tests write it into ``tmp_path``, change one snippet (``edit``) and load the folder on its own
(``load_dir``), so each test sees exactly the problem it introduced.
"""

from __future__ import annotations

from pathlib import Path

from coachassist.kb.loader import KnowledgeBase, load_with_problems
from coachassist.kb.problems import Problem

SCAN = """\
id = "miniscan"
version = "1"
title = { nl = "Mini-scan", en = "Mini scan" }
intro = { nl = "Een korte scan.", en = "A short scan." }
audience = ["member", "lead"]
licence = "CC0-1.0"
provenance = { authors = "tests" }

[anchors.agree5]
min = 1
max = 5
dont_know = true
labels = [
  { nl = "Helemaal oneens", en = "Strongly disagree" },
  { nl = "Oneens", en = "Disagree" },
  { nl = "Neutraal", en = "Neutral" },
  { nl = "Eens", en = "Agree" },
  { nl = "Helemaal eens", en = "Strongly agree" },
]

[[scales]]
id = "trust"
name = { nl = "Vertrouwen", en = "Trust" }
bands = [
  { upto = 2.5, label = { nl = "Zorgpunt", en = "Concern" } },
  { upto = 5.0, label = { nl = "Sterk punt", en = "Strength" } },
]

[[questions]]
id = "trust_1"
type = "likert"
scale = "trust"
anchors = "agree5"
text = { nl = "Ik durf fouten toe te geven.", en = "I dare to admit mistakes." }

[[questions]]
id = "trust_2"
type = "likert"
scale = "trust"
anchors = "agree5"
reverse = true
text = { nl = "Hulp vragen is hier riskant.", en = "Asking for help is risky here." }

[[questions]]
id = "keep_text"
type = "text"
text = { nl = "Wat moet blijven?", en = "What should stay?" }
"""

CONTEXT = """\
id = "intake"
version = "1"
purpose = "context"
title = { nl = "Intake", en = "Intake" }
intro = { nl = "Over het team.", en = "About the team." }
audience = ["coach"]
roles = ["coach"]
licence = "CC0-1.0"
provenance = { authors = "tests" }

[[questions]]
id = "team_type"
type = "single"
required = true
text = { nl = "Wat voor team?", en = "What kind of team?" }
options = [
  { value = "leadership_team", nl = "Managementteam", en = "Leadership team" },
  { value = "one_team", nl = "Een team", en = "One team" },
]

[[questions]]
id = "team_size"
type = "number"
min = 2
max = 500
text = { nl = "Hoeveel mensen?", en = "How many people?" }

[[questions]]
id = "observed"
type = "multiple"
text = { nl = "Wat zag je?", en = "What did you see?" }
options = [
  { value = "behind_backs", nl = "Achter de rug", en = "Behind backs" },
  { value = "own_islands", nl = "Eilandjes", en = "Own islands" },
]

[[questions]]
id = "client_question"
type = "text"
text = { nl = "Wat is de vraag?", en = "What is the question?" }
"""

DYSFUNCTIONS = """\
[[dysfunctions]]
id = "absence_of_trust"
level = 1
scales = ["trust"]
name = { nl = "Gebrek aan vertrouwen", en = "Absence of trust" }
explanation = { nl = "Niemand durft kwetsbaar te zijn.", en = "Nobody dares to be vulnerable." }

[[dysfunctions]]
id = "silos_and_power"
name = { nl = "Eilandjes en macht", en = "Silos and power" }
explanation = { nl = "Ieder werkt op een eigen eiland.", en = "Everyone works on their own island." }
"""

FORMATS = """\
[[formats]]
id = "checkin_wish"
role = "opening"
recurring = true
minutes = 15
settings = ["one_team", "leadership_team"]
addresses = ["absence_of_trust"]
source = "Test"
name = { nl = "Check-in", en = "Check-in" }
purpose = { nl = "Iedereen is er.", en = "Everyone arrives." }
steps = [{ nl = "Stel de vraag.", en = "Ask the question." }]

[[formats]]
id = "one_two_four_all"
minutes = 20
settings = ["one_team"]
addresses = ["silos_and_power"]
source = "Liberating Structures"
licence = "CC BY-SA 4.0"
name = { nl = "1-2-4-allen", en = "1-2-4-All" }
purpose = { nl = "Iedereen denkt mee.", en = "Everyone contributes." }
steps = [{ nl = "Eerst alleen, dan in tweetallen.", en = "First alone, then in pairs." }]
"""

RULES = """\
[[rules]]
id = "trust.low"
when = ["score.trust.mean < 3.0"]
then = { signal = "low_trust" }
because = { nl = "weinig vertrouwen", en = "low trust" }

[[rules]]
id = "trust.dysfunction"
when = ["signal.low_trust"]
then = { dysfunction = "absence_of_trust", severity = "high" }
because = { nl = "basis van de piramide", en = "base of the pyramid" }

[[rules]]
id = "silos.seen"
when = ["context.team_type == \\"leadership_team\\""]
when_any = ["context.observed has \\"own_islands\\"", "context.team_size >= 40"]
then = { dysfunction = "silos_and_power", severity = "medium" }
because = { nl = "eilandjes gezien", en = "islands seen" }

[[rules]]
id = "trust.formats"
when = ["dysfunction.absence_of_trust"]
then = { suggest = ["checkin_wish"] }
because = { nl = "een check-in bouwt veiligheid op", en = "a check-in builds safety" }

[[rules]]
id = "silos.formats"
when = ["dysfunction.silos_and_power"]
then = { suggest = ["one_two_four_all"] }
because = { nl = "iedereen komt aan het woord", en = "everyone has a say" }
"""

CASES = """\
[[cases]]
id = "trust.low-team"
given.scores.trust = { mean = 2.1 }
expect.present = ["dysfunction.absence_of_trust", "format.checkin_wish"]

[[cases]]
id = "silos.islands"
given.context = { team_type = "leadership_team", observed = ["own_islands"] }
expect.present = ["dysfunction.silos_and_power", "format.one_two_four_all"]
expect.absent = ["signal.low_trust"]
"""

FILES: dict[str, str] = {
    "questionnaires/scan.toml": SCAN,
    "questionnaires/context.toml": CONTEXT,
    "rules/dysfunctions.toml": DYSFUNCTIONS,
    "rules/formats.toml": FORMATS,
    "rules/rules.toml": RULES,
    "rules/cases.toml": CASES,
}


def write_kb(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """Write the mini knowledge base into ``root``; ``files`` replaces (or with None drops) files."""
    chosen: dict[str, str | None] = {**FILES, **(files or {})}
    for name, text in chosen.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def edit(text: str, old: str, new: str) -> str:
    """Replace one snippet that must occur exactly once (so a test cannot silently miss)."""
    assert text.count(old) == 1, f"snippet occurs {text.count(old)} times: {old!r}"
    return text.replace(old, new)


def line_of(text: str, needle: str | tuple[str, str]) -> int:
    """The 1-based number of the only line containing ``needle``; for ``(after, needle)``, the
    first line containing ``needle`` after the only line containing ``after``."""
    if isinstance(needle, tuple):
        after, needle = needle
        start = line_of(text, after)
        return next(
            n for n, line in enumerate(text.splitlines(), 1) if n > start and needle in line
        )
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} on lines {hits}"
    return hits[0]


def load_dir(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    return load_with_problems([root], bundled=False)


def lines(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]
