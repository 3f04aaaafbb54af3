"""Diagnostic quality: team profiles -> generated answers (many seeds) -> diagnosis -> figures.

    python bench/quality.py [--seeds N] [--profile ID] [--verbose] [--skip P]

Each profile in bench/quality_profiles.toml gives per-item target means (after reverse scoring),
respondent counts, subgroups and a lead's view. Every respondent gets a personal offset per scale
(sd 0.3) and every answer noise (sd 0.7), rounded to 1..5. Printed per profile and in total:
- top-2 agreement: the share of seeds whose first two findings are the profile's most common
  first two (as a set); findings marked borderline (the diagnosis's own "could go either way",
  engine/soft.py) are not counted in the first two, everywhere else they are;
- expected: the share of seeds meeting expect_first / expect_top2;
- false alarms: seeds with a must_not finding, and findings on healthy profiles;
- stability: the share of seeds whose first finding is marked stable.
--skip P: each answer is "don't know" with probability P (drawn apart from the answers, so the
answers given are the same as without it), to see what skipped questions cost.
Exit 1 when a target is missed (top-2 agreement >= 90 %, 0 healthy findings, top stable).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

from coachassist.engine import diagnose
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase, load

PROFILES = Path(__file__).with_name("quality_profiles.toml")
PERSON_SD, ANSWER_SD = 0.3, 0.7


def _targets(kb: KnowledgeBase, spec: dict, base: dict) -> dict[str, float]:
    default = spec.get("default", base.get("default", 3.9))
    scales = {**base.get("scales", {}), **spec.get("scales", {})}
    items = {**base.get("items", {}), **spec.get("items", {})}
    targets = {}
    for q in kb.questionnaires["teamscan"].questions:
        if q.type == "likert":
            targets[q.id] = items.get(q.id, scales.get(q.scale or "", default))
    return targets


def _answers(kb: KnowledgeBase, targets: dict[str, float], rng: random.Random) -> dict:
    scan = kb.questionnaires["teamscan"]
    offsets = {s.id: rng.gauss(0, PERSON_SD) for s in scan.scales}
    answers = {}
    for q in scan.questions:
        if q.type != "likert":
            continue
        scored = min(
            5, max(1, round(targets[q.id] + offsets[q.scale or ""] + rng.gauss(0, ANSWER_SD)))
        )
        answers[q.id] = 6 - scored if q.reverse else scored
    return answers


def make_intake(kb: KnowledgeBase, profile: dict, seed: int, skip: float = 0.0) -> Intake:
    rng = random.Random(f"{profile['id']}:{seed}")
    skips = random.Random(f"{profile['id']}:{seed}:skip")
    groups = profile.get("groups") or [{"members": profile.get("members", 0)}]
    responses = []
    for g, group in enumerate(groups):
        targets = _targets(kb, group, profile)
        for i in range(group["members"]):
            answers = _skipped(_answers(kb, targets, rng), skips, skip)
            responses.append(Respondent(id=f"g{g}m{i}", role="member", answers=answers))
    lead = profile.get("lead")
    if lead:
        targets = _targets(kb, lead, profile)
        responses.append(
            Respondent(
                id="lead",
                role="lead",
                lead_view_consent=lead.get("consent", False),
                answers=_skipped(_answers(kb, targets, rng), skips, skip),
            )
        )
    return Intake(
        scan="teamscan",
        min_group=profile.get("min_group"),
        context=profile.get("context", {}),
        responses=responses,
    )


def _skipped(answers: dict, rng: random.Random, skip: float) -> dict:
    draws = {qid: rng.random() for qid in answers}  # drawn always: the same for every P
    return {qid: "dont_know" if draws[qid] < skip else a for qid, a in answers.items()}


def run_profile(
    kb: KnowledgeBase, profile: dict, seeds: int, verbose: bool, skip: float = 0.0
) -> dict:
    tops, firsts, met, alarms, stable, counts = [], [], 0, 0, 0, []
    for seed in range(seeds):
        d = diagnose(kb, make_intake(kb, profile, seed, skip))
        every = [f.id for f in d.findings]
        ids = [f.id for f in d.findings if not getattr(f, "borderline", False)]
        counts.append(len(every))
        tops.append(frozenset(ids[:2]))
        firsts.append(ids[0] if ids else None)
        ok = True
        if "expect_first" in profile:
            ok &= bool(every) and every[0] == profile["expect_first"]
        if "expect_top2" in profile:
            ok &= all(x in every[:2] for x in profile["expect_top2"])
        if profile.get("healthy"):
            ok &= not ids
        met += ok
        alarms += any(x in every for x in profile.get("must_not", []))
        if ids:
            first = next(f for f in d.findings if f.id == ids[0])
            stable += getattr(first, "stability", "stable") in ("stable", "single")
        else:
            stable += 1  # nothing to be unstable
        if verbose:
            shown = ", ".join(
                f"{f.id}:{f.severity}{'?' if getattr(f, 'borderline', False) else ''}"
                f"({getattr(f, 'strength', '-')})"
                for f in d.findings
            )
            print(f"    seed {seed}: {shown or '-'}")
    modal, modal_n = Counter(tops).most_common(1)[0]
    return {
        "id": profile["id"],
        "agreement": modal_n / seeds,
        "expected": met / seeds,
        "alarms": alarms,
        "healthy_findings": sum(counts) if profile.get("healthy") else 0,
        "stable": stable / seeds,
        "modal": sorted(modal),
        "first": Counter(firsts).most_common(1)[0][0],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--profile")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--skip", type=float, default=0.0)
    args = parser.parse_args()
    kb = load()
    profiles = tomllib.loads(PROFILES.read_text(encoding="utf-8"))["profiles"]
    if args.profile:
        profiles = [p for p in profiles if p["id"] == args.profile]
    started = time.perf_counter()
    rows = []
    print(f"{'profile':<30} {'top-2 agr':>9} {'expected':>9} {'alarms':>6} {'stable':>6}  top-2")
    for profile in profiles:
        if args.verbose:
            print(f"  {profile['id']}")
        row = run_profile(kb, profile, args.seeds, args.verbose, args.skip)
        rows.append(row)
        print(
            f"{row['id']:<30} {row['agreement']:>8.0%} {row['expected']:>8.0%} "
            f"{row['alarms']:>6} {row['stable']:>5.0%}  {', '.join(row['modal']) or '-'}"
        )
    n = len(rows)
    agreement = sum(r["agreement"] for r in rows) / n
    expected = sum(r["expected"] for r in rows) / n
    alarms = sum(r["alarms"] for r in rows)
    healthy = sum(r["healthy_findings"] for r in rows)
    unstable = [r["id"] for r in rows if r["stable"] < 1]
    elapsed = time.perf_counter() - started
    print()
    print(f"profiles {n}, seeds {args.seeds}, {elapsed:.1f} s")
    print(f"top-2 agreement across seeds (mean)   {agreement:.1%}   target >= 90%")
    print(f"profiles with agreement >= 90%        {sum(r['agreement'] >= 0.9 for r in rows)}/{n}")
    print(f"expected top findings met (mean)      {expected:.1%}")
    print(f"seeds with a must-not finding         {alarms}")
    print(f"findings on healthy profiles          {healthy}   target 0")
    print(f"profiles whose top finding is stable  {n - len(unstable)}/{n}   target all")
    if unstable:
        print(f"  not always stable: {', '.join(unstable)}")
    return 0 if agreement >= 0.9 and healthy == 0 and not unstable else 1


if __name__ == "__main__":
    sys.exit(main())
