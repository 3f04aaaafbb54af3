"""Measure where durable-rules breaks: each probe runs in a throwaway process; prints a table.

Run: ``python bench/engine_limits.py [--timeout SECONDS] [KIND ...]``. Each probe registers the
patterns coachassist's compiler would produce straight into ``engine/adapter.py`` (no limit
checks, no supervisor) and evaluates one batch of facts. An outcome is ``ok``, the engine's
error (``error 303`` ...), the signal that killed the process, or ``hang`` when it did not
finish within the timeout. The limits enforced in ``coachassist/kb/limits.py`` keep a margin
below the first size that fails; docs/engine.md has the table measured on durable-rules 2.0.28.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NUMBERS = ["1e15", "1e16", "1e20", "inf", "nan", "1e-05", "999999.9999", "123456789012345"]
SIZES: dict[str, list[int]] = {
    "fact_number": list(range(len(NUMBERS))),
    "threshold_number": list(range(len(NUMBERS))),
    "thresholds_per_fact": [16, 32, 48, 62, 63, 64, 65, 128],
    "tests_in_one_rule": [16, 32, 48, 62, 63, 64, 65],
    "facts_in_one_rule": [8, 16, 17, 20, 24, 28, 31, 32, 64],
    "in_list": [32, 64, 128, 255, 256, 510, 511, 512],
    "chain_in_one_ruleset": [64, 128, 256, 507, 508, 509, 510],
    "fact_keys_per_ruleset": [200, 256, 400, 500, 511, 512, 600, 800],
    "rules_on_50_facts": [200, 250, 300, 350, 400, 450, 500, 1060, 2120, 5000],
    "joins_on_50_facts": [200, 250, 300, 350, 400, 450, 500, 1060, 2120, 5000],
}


def _and(key: str, *tests: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{"key": key}, *tests]} if tests else {"key": key}


def probe(kind: str, n: int) -> None:
    """Runs in the throwaway process; raises or crashes when the engine does."""
    from coachassist.engine.adapter import CompiledRuleset

    rules: dict[str, list[dict[str, Any]]] = {}
    facts: list[dict[str, Any]] = [{"key": "score.s", "mean": 2.5}]
    chain: dict[str, str] = {}
    if kind in ("fact_number", "threshold_number"):
        number = int(NUMBERS[n]) if NUMBERS[n].isdigit() else float(NUMBERS[n])
        threshold = number if kind == "threshold_number" else 1
        rules["r"] = [_and("score.s", {"$gt": {"mean": threshold}})]
        if kind == "fact_number":
            facts = [{"key": "score.s", "mean": number}]
    elif kind == "thresholds_per_fact":
        for i in range(n):
            rules[f"r{i}"] = [_and("score.s", {"$gt": {"mean": -(i + 1)}})]
    elif kind == "tests_in_one_rule":
        rules["r"] = [_and("score.s", *({"$gt": {"mean": -(i + 1)}} for i in range(n)))]
    elif kind == "facts_in_one_rule":
        rules["r"] = [_and(f"score.s{i}", {"$gt": {"mean": 1}}) for i in range(n)]
        facts = [{"key": f"score.s{i}", "mean": 2.5} for i in range(n)]
    elif kind == "in_list":
        rules["r"] = [_and("context.x", {"$or": [{"value": f"v{i}"} for i in range(n)]})]
        facts = [{"key": "context.x", "value": f"v{n - 1}"}]
    elif kind == "chain_in_one_ruleset":
        rules["r0"] = [_and("score.s", {"$gt": {"mean": 1}})]
        chain["r0"] = "signal.c0"
        for i in range(1, n):
            rules[f"r{i}"] = [_and(f"signal.c{i - 1}")]
            chain[f"r{i}"] = f"signal.c{i}"
    elif kind == "fact_keys_per_ruleset":
        for i in range(n):
            rules[f"r{i}"] = [_and(f"score.s{i}", {"$lt": {"mean": 3}})]
        facts = [{"key": f"score.s{i}", "mean": 2.5} for i in range(min(n, 40))]
    elif kind in ("rules_on_50_facts", "joins_on_50_facts"):  # 20 thresholds on each fact
        for i in range(n):
            threshold = {"$lt": {"mean": 1 + (i // 50) % 20 / 5}}
            rules[f"r{i}"] = [_and(f"score.s{i % 50}", threshold)]
            if kind == "joins_on_50_facts":  # and a second fact: a join
                rules[f"r{i}"].append(_and("context.t"))
        facts = [{"key": f"score.s{i}", "mean": 2.5} for i in range(50)]
        facts.append({"key": "context.t", "value": "a"})
    fired: list[str] = []

    def fire(name: str) -> list[dict[str, Any]]:
        fired.append(name)
        return [{"key": chain[name]}] if name in chain else []

    ruleset = CompiledRuleset(rules, fire)
    ruleset.evaluate(facts)
    print(json.dumps({"fired": len(fired)}))


def run_probe(kind: str, n: int, timeout: float) -> tuple[str, float]:
    start = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, __file__, "--probe", kind, str(n)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return f"hang (> {timeout:g} s)", time.perf_counter() - start
    took = time.perf_counter() - start
    if result.returncode < 0:
        last = (result.stderr.strip().splitlines() or [""])[-1][:40]
        return f"{signal.Signals(-result.returncode).name} {last}".strip(), took
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        return f"error: {last.split('Error: ', 1)[-1][:90]}", took
    return f"ok, {json.loads(result.stdout)['fired']} fired", took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", choices=[*SIZES, []], default=[])
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--probe", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe[0], int(args.probe[1]))
        return
    print("| probe | size | outcome | seconds |")
    print("|---|---|---|---|")
    for kind in args.kinds or SIZES:
        for n in SIZES[kind]:
            size = NUMBERS[n] if kind.endswith("_number") else f"{n:,}"
            outcome, took = run_probe(kind, n, args.timeout)
            print(f"| {kind} | {size} | {outcome} | {took:.2f} |", flush=True)


if __name__ == "__main__":
    main()
