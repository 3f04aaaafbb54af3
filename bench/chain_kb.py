"""Chained signals within the limits: prints how long one diagnosis takes (bench/README.md).

Run: python bench/chain_kb.py [RULES ...] (default 1200 5600). Writes RULES generated rules in 15
layers, each rule one item condition plus 7 signals of the layer below (every rule fires on any
team that answered), on top of the bundled base, and times `diagnose` of one example team (the
rules registered first). Every signal's evidence is its whole chain, so the cost and the size of
a Diagnosis grow with signals x rules they rest on.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.batch import read_team
from coachassist.engine import diagnose
from coachassist.kb.loader import load
from coachassist.kb.problems import KnowledgeBaseError
from tests.engine.test_engine_limits import rule, rules_folder

REPO = Path(__file__).resolve().parent.parent
LAYERS, FAN = 15, 7


def chained_rules(count: int, items: list[str]) -> list[dict]:
    rng = random.Random(1)
    per = count // LAYERS
    rules = []
    for i in range(per * LAYERS):
        layer, k = divmod(i, per)
        when = {f"item.{rng.choice(items)}.mean >= 1"}
        if layer:
            when |= {f"signal.c{layer - 1}_{rng.randrange(per)}" for _ in range(FAN)}
        rules.append(rule(f"c.r{i}", sorted(when), then={"signal": f"c{layer}_{k}"}))
    return rules


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [1200, 5600]
    base = load()
    items = [q.id for q in base.questionnaires["teamscan"].questions if q.type == "likert"]
    example = sorted((REPO / "examples").glob("*.toml"))[0]
    for count in counts:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                kb = load([rules_folder(Path(tmp), chained_rules(count, items), per_file=500)])
            except KnowledgeBaseError as error:  # past MAX_EVIDENCE: refused as a whole
                print(f"{count} chained rules: refused: {error.problems[0].message}")
                continue
            intake = read_team(kb, example)
            diagnose(kb, intake)  # registers the rules
            start = time.perf_counter()
            dx = diagnose(kb, intake)
            took = time.perf_counter() - start
            evidence = sum(len(s.evidence) for s in dx.signals)
            print(f"{count} chained rules: one diagnosis {took:.1f} s, {evidence:,} evidence items")


if __name__ == "__main__":
    main()
