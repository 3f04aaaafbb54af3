"""A generated knowledge base at and past the supported size: prints figures (bench/README.md).

Run: python bench/big_kb.py [RULES] [TEAMS]. Writes RULES generated rules (default 5,000: with
the bundled rules and their when_any alternatives under the supported maximum,
coachassist.kb.limits.MAX_RULES; shaped like a large real base: few thresholds per score,
signals three deep) on top of the bundled base, then in one process:
loads and checks it, diagnoses TEAMS (default 1,000) generated intakes from disk (as
`coachassist diagnose FOLDER --csv` does) and counts crashes. Then `coachassist check` and
`coachassist diagnose` as whole processes with 2 x MAX_RULES generated rules: their exit codes and
first line (a refusal, never a signal).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.batch import write_teams
from coachassist.batch import diagnose_many, expand, rows
from coachassist.kb.limits import MAX_RULES
from coachassist.kb.loader import load, load_with_problems
from tests.engine.test_engine_limits import generated_rules, rules_folder

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    teams = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = rules_folder(root / "kb", generated_rules(count), per_file=500)
        start = time.perf_counter()
        kb, problems = load_with_problems([folder])
        print(
            f"{len(kb.rules)} rules ({count} generated): load + check "
            f"{time.perf_counter() - start:.1f} s, {len(problems)} problems"
        )
        (root / "teams").mkdir()
        write_teams(load(), root / "teams", teams)
        start = time.perf_counter()
        failed = 0
        for result in diagnose_many(kb, expand([root / "teams"])):
            failed += result.error is not None
            rows(result, "en")
        print(
            f"{teams} teams diagnosed in {time.perf_counter() - start:.1f} s "
            f"(first evaluation registers the rules), {failed} failed"
        )
        beyond = rules_folder(root / "beyond", generated_rules(2 * MAX_RULES), per_file=1000)
        env = {**os.environ, "COACHASSIST_HOME": str(root / "home")}
        for command in (["check"], ["diagnose", str(root / "teams")]):
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "coachassist",
                    *command,
                    "--kb",
                    str(beyond),
                    "--lang",
                    "en",
                ],
                capture_output=True,
                text=True,
                env=env,
                cwd=REPO,
                timeout=600,
            )
            first = (run.stdout + run.stderr).strip().splitlines()[0]
            print(
                f"{2 * MAX_RULES} rules, coachassist {command[0]}: exit {run.returncode}: {first}"
            )


if __name__ == "__main__":
    main()
