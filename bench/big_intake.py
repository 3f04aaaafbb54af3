"""Reading an organisation-wide intake: prints its size, the time to read and check it, and peak
memory, to show the intake file cap (coachassist.safefile.INTAKE_FILE_CAP) fits real use.

Run: python bench/big_intake.py [RESPONDENTS] [OPEN_ANSWER_CHARS]. Writes a generated intake of
RESPONDENTS (default 10,000) respondents, each answering every likert item and both open
questions with OPEN_ANSWER_CHARS characters (default 300), then reads and validates it as
`coachassist diagnose` does, and diagnoses it (scores, the rules in the engine worker, soft
edges, evidence and every finding re-checked leaving out each respondent). Figures are in
bench/README.md.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.engine import diagnose
from coachassist.intake.files import load_case
from coachassist.kb.loader import load
from coachassist.safefile import INTAKE_FILE_CAP


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    chars = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    kb = load()
    scan = kb.questionnaires["teamscan"]
    rng = random.Random(9)
    likert = [q.id for q in scan.questions if q.type == "likert"]
    words = [
        "samenwerking",
        "vertrouwen",
        "overleg",
        "team",
        "afspraken",
        "werkdruk",
        "cliënten",
        "ruimte",
    ]

    def open_answer() -> str:
        text = ""
        while len(text) < chars:
            text += rng.choice(words) + " "
        return text[:chars]

    responses = [
        {
            "id": f"r{i:05d}",
            "role": "lead" if i % 12 == 0 else "member",
            "answers": {
                **{q: rng.randint(1, 5) for q in likert},
                "keep_text": open_answer(),
                "change_text": open_answer(),
            },
        }
        for i in range(count)
    ]
    data = {
        "format": "coachassist-intake/1",
        "scan": "teamscan",
        "scan_version": scan.version,
        "context": {"team_type": "whole_organisation", "team_size": 500},
        "responses": responses,
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "organisation.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        size = path.stat().st_size
        del data, responses
        start = time.perf_counter()
        intake = load_case(kb, [path])
        seconds = time.perf_counter() - start
    start = time.perf_counter()
    diagnosis = diagnose(kb, intake)
    diagnosed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(intake.responses):,} respondents, open answers of {chars} characters")
    print(f"file size: {size / 1e6:.1f} MB (cap {INTAKE_FILE_CAP / 1e6:g} MB)")
    print(f"read + parse + validate: {seconds:.2f} s")
    print(f"diagnose: {diagnosed:.2f} s, {len(diagnosis.findings)} findings")
    print(f"peak memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
