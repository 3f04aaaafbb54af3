"""`coachassist check` on one big file: prints how long locating every item and problem takes.

Run: python bench/check_many.py [N]. Writes three knowledge-base folders in a temporary folder,
each with one rules file of N items (default 5,000): valid rules, rules each with a field error
(one pydantic problem each), and rules each naming an unknown signal (one cross-check problem
each), and times ``load_with_problems`` on each. Figures are in bench/README.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.kb.loader import load_with_problems

RULE = """[[rules]]
id = "bench.r{i}"
when = ["score.trust.mean < 2.5"]
then = {then}
because = {{ nl = "regel {i}", en = "rule {i}" }}
{extra}
"""
KINDS = {
    "valid rules": {"then": '{ signal = "s" }', "extra": ""},
    "a field error per rule": {"then": '{ signal = "s" }', "extra": "unknown_field = 1"},
    "an unknown dysfunction per rule": {"then": '"no_such_dysfunction"', "extra": ""},
}


def write(folder: Path, count: int, then: str, extra: str) -> None:
    folder.mkdir()
    text = "".join(RULE.format(i=i, then=then, extra=extra) for i in range(count))
    (folder / "many.rules.toml").write_text(text, encoding="utf-8")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as tmp:
        for name, parts in KINDS.items():
            folder = Path(tmp) / name.replace(" ", "_")
            write(folder, count, **parts)
            start = time.perf_counter()
            _, problems = load_with_problems([folder])
            seconds = time.perf_counter() - start
            print(
                f"{count:,} rules in one file, {name}: {len(problems):,} problems, {seconds:.2f} s"
            )


if __name__ == "__main__":
    main()
