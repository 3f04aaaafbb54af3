"""Turn fired rules into a Diagnosis: findings with their evidence chain, anonymity applied.

Anonymity (threshold k): team values are withheld with fewer than k respondents; per-role means
only when every role has at least k (otherwise the team mean would give a small role's mean away); a lead-vs-members gap keeps its direction but not its value when
either group is smaller than k; free-text answers only with k or more respondents, sorted and
never attributed. Evidence values fall under the same rules.
"""

from __future__ import annotations

from coachassist.diagnosis import (
    CheckedCondition,
    Diagnosis,
    Evidence,
    Finding,
    Gap,
    RoleMean,
    ScaleScore,
    Suggestion,
    Value,
)
from coachassist.engine.facts import FactTable
from coachassist.i18n import LANGS, Lang, t
from coachassist.intake.models import Intake
from coachassist.kb.conditions import Condition, holds
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK, Rule, Text
from coachassist.scoring import LARGE_GAP, TeamScores


def _role_name(role: str, lang: Lang) -> str:
    """A role in words ("team lead", not "lead"); a trainer's own role as its id."""
    try:
        return t(f"role.{role}", lang)
    except KeyError:
        return role


def _text(key: str, **values: object) -> Text:
    return Text(**{lang: t(key, lang, **values) for lang in LANGS})


class _Privacy:
    def __init__(self, scores: TeamScores, k: int) -> None:
        self.k = k
        self.team_ok = scores.respondents >= k
        self.groups_ok = all(scores.roles.get(r, 0) >= k for r in ("lead", "member"))

    def withheld(self, cond: Condition) -> bool:
        if cond.kind in ("score", "item"):
            return not self.team_ok
        return cond.kind == "gap" and not self.groups_ok


def build_diagnosis(
    kb: KnowledgeBase,
    intake: Intake,
    scores: TeamScores,
    table: FactTable,
    fired: list[str],
    k: int,
) -> Diagnosis:
    privacy = _Privacy(scores, k)
    scan = kb.questionnaires[intake.scan]
    notes: list[Text] = []
    if not privacy.team_ok:
        notes.append(_text("anonymity.team", n=scores.respondents, k=k))
    small_roles = sorted(r for r, n in scores.roles.items() if n < k)
    if small_roles and privacy.team_ok:
        names = {lang: ", ".join(_role_name(r, lang) for r in small_roles) for lang in LANGS}
        notes.append(Text(**{lg: t("anonymity.roles", lg, roles=names[lg], k=k) for lg in LANGS}))
    rules = [kb.rules[rid] for rid in sorted(set(fired))]
    evidence = {r.id: _evidence(kb, r, table, privacy) for r in rules}
    by_key: dict[str, list[Rule]] = {}
    for rule in rules:
        key = rule.then.fact_key
        if key:
            by_key.setdefault(key, []).append(rule)

    def chain(own: list[Rule]) -> list[Evidence]:
        seen: list[str] = []
        todo = list(own)
        while todo:
            rule = todo.pop(0)
            if rule.id in seen:
                continue
            seen.append(rule.id)
            for cond in [*rule.conditions, *rule.any_conditions]:
                if cond.kind in ("signal", "dysfunction") and holds(cond, table.value(cond)):
                    todo += by_key.get(cond.key, [])
        return [evidence[rid] for rid in seen]

    signals = [
        Finding(kind="signal", id=key.split(".", 1)[1], name=own[0].because, evidence=chain(own))
        for key, own in sorted(by_key.items())
        if key.startswith("signal.")
    ]
    findings = []
    for key, own in by_key.items():
        if not key.startswith("dysfunction."):
            continue
        dysfunction = kb.dysfunctions[key.split(".", 1)[1]]
        worst = max(own, key=lambda r: SEVERITY_RANK[r.then.severity or "low"]).then.severity
        findings.append(
            Finding(
                kind="dysfunction",
                id=dysfunction.id,
                name=dysfunction.name,
                severity=worst,
                level=dysfunction.level,
                explanation=dysfunction.explanation,
                evidence=chain(own),
            )
        )
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity or "low"], f.level or 9, f.id))
    return Diagnosis(
        scan=scan.id,
        respondents=scores.respondents,
        roles=dict(sorted(scores.roles.items())),
        min_group=k,
        scores=_scores(scan, scores, privacy),
        gaps=_gaps(scan, scores, privacy),
        signals=signals,
        findings=findings,
        suggestions=_suggestions(kb, rules, evidence, [f.id for f in findings]),
        open_answers=_open_answers(scan, intake, privacy, notes),
        context={k_: v for k_, v in sorted(intake.context.items())},
        notes=notes,
    )


def _evidence(kb: KnowledgeBase, rule: Rule, table: FactTable, privacy: _Privacy) -> Evidence:
    checked = []
    for cond in [*rule.conditions, *rule.any_conditions]:
        actual: Value = table.value(cond)
        ok = holds(cond, actual)
        hidden = privacy.withheld(cond)
        checked.append(
            CheckedCondition(
                text=cond.text, actual=None if hidden else actual, withheld=hidden, holds=ok
            )
        )
    origin = kb.origin("rule", rule.id)
    source = f"{origin.path.name}:{origin.line}" if origin else ""
    return Evidence(rule=rule.id, because=rule.because, conditions=checked, source=source)


def _scores(scan, scores: TeamScores, privacy: _Privacy) -> list[ScaleScore]:
    result = []
    for scale in scan.scales:
        stats = scores.scales[scale.id]
        shown = privacy.team_ok and stats.mean is not None
        band = next((b.label for b in scale.bands if shown and stats.mean <= b.upto), None)
        if shown and band is None and scale.bands:
            band = scale.bands[-1].label
        result.append(
            ScaleScore(
                scale=scale.id,
                name=scale.name,
                n=stats.n,
                mean=stats.mean if shown else None,
                sd=stats.sd if shown else None,
                rwg=stats.rwg if shown else None,
                polarised=stats.polarised and shown,
                band=band,
                # All roles or none: with one small role, the team mean and the other roles'
                # means would give away the small role's mean.
                by_role=[
                    RoleMean(role=role, n=n, mean=mean)
                    for role, (n, mean) in stats.by_role.items()
                    if shown and all(m >= privacy.k for m, _ in stats.by_role.values())
                ],
            )
        )
    return result


def _gaps(scan, scores: TeamScores, privacy: _Privacy) -> list[Gap]:
    names = {s.id: s.name for s in scan.scales}
    return [
        Gap(
            scale=scale,
            name=names[scale],
            direction="lead_higher" if value > 0 else "lead_lower" if value < 0 else "same",
            value=value if privacy.groups_ok else None,
            large=abs(value) >= LARGE_GAP,
        )
        for scale, value in scores.gaps.items()
    ]


def _suggestions(
    kb: KnowledgeBase, rules: list[Rule], evidence: dict[str, Evidence], order: list[str]
) -> list[Suggestion]:
    answers: dict[str, list[str]] = {}
    because: dict[str, list[Evidence]] = {}
    for rule in rules:
        targets = [
            c.name for c in [*rule.conditions, *rule.any_conditions] if c.kind == "dysfunction"
        ]
        for fmt in rule.then.suggest:
            answers.setdefault(fmt, [])
            answers[fmt] += [t_ for t_ in targets if t_ not in answers[fmt]]
            because.setdefault(fmt, []).append(evidence[rule.id])

    def rank(fmt: str) -> tuple[int, str]:
        return (min((order.index(a) for a in answers[fmt] if a in order), default=99), fmt)

    return [
        Suggestion(
            format=fmt,
            name=kb.formats[fmt].name,
            minutes=kb.formats[fmt].minutes,
            answers=answers[fmt],
            evidence=because[fmt],
        )
        for fmt in sorted(answers, key=rank)
    ]


def _open_answers(
    scan, intake: Intake, privacy: _Privacy, notes: list[Text]
) -> dict[str, list[str]]:
    texts = [q.id for q in scan.questions if q.type == "text"]
    if not privacy.team_ok:
        return {}
    grouped = {
        qid: sorted(
            str(r.answers[qid]).strip()
            for r in intake.responses
            if str(r.answers.get(qid, "")).strip()
        )
        for qid in texts
    }
    return {qid: answers for qid, answers in grouped.items() if answers}
