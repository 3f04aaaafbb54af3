"""Format library benchmark: index build and search time over the bundled formats, and over
a library ten times as large (copies with new ids). Prints figures; target in bench/README.md.
Run: .venv/bin/python bench/library.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.kb.loader import KnowledgeBase, load
from coachassist.library import FormatLibrary

QUERIES = ["conflict", "energizer", "anoniem leidinggevende", "veilig", "post-its", "xyzzy", ""]


def enlarged(kb: KnowledgeBase, times: int) -> KnowledgeBase:
    formats = {
        f"{fmt.id}_{n}": fmt.model_copy(update={"id": f"{fmt.id}_{n}"})
        for n in range(times)
        for fmt in kb.formats.values()
    }
    return KnowledgeBase(dysfunctions=kb.dysfunctions, formats=formats)


def measure(kb: KnowledgeBase, label: str) -> None:
    start = time.perf_counter()
    library = FormatLibrary(kb)
    build = (time.perf_counter() - start) * 1000
    timings = []
    for _ in range(20):
        for query in QUERIES:
            start = time.perf_counter()
            library.find(query, "nl", max_minutes=90)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    print(
        f"{label}: {len(kb.formats)} formats, index {build:.0f} ms, "
        f"search median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms"
    )


def main() -> None:
    kb = load()
    measure(kb, "bundled")
    measure(enlarged(kb, 10), "10x")


if __name__ == "__main__":
    main()
