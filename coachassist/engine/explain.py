"""Turn fired rules into a Diagnosis: findings with their evidence chain, privacy applied.

What may be shown is decided in coachassist/engine/privacy.py; the rules ran on the visible
facts only, so here every figure, verdict and value is either shown or absent. Free-text answers
appear only with k or more respondents, sorted and never attributed.
"""

from __future__ import annotations

from collections import deque

from coachassist.diagnosis import (
    CheckedCondition,
    Diagnosis,
    Evidence,
    Finding,
    Gap,
    PrivacyInfo,
    RoleMean,
    ScaleScore,
    Suggestion,
    Value,
)
from coachassist.engine.facts import FactTable
from coachassist.engine.privacy import Privacy
from coachassist.i18n import LANGS, Lang, t
from coachassist.intake.models import Intake
from coachassist.kb.answers import is_shown
from coachassist.kb.conditions import holds
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK, Questionnaire, Rule, Text
from coachassist.scoring import LARGE_GAP, TeamScores


def _role_name(role: str, lang: Lang) -> str:
    """A role in words ("team lead", not "lead"); a trainer's own role as its id."""
    try:
        return t(f"role.{role}", lang)
    except KeyError:
        return role


def _text(key: str, **values: object) -> Text:
    return Text(**{lang: t(key, lang, **values) for lang in LANGS})


def _notes(scan: Questionnaire, scores: TeamScores, privacy: Privacy) -> list[Text]:
    k, notes = privacy.k, []
    if privacy.low_threshold:
        notes.append(_text("anonymity.low_threshold", k=k))
    if not privacy.team_ok:
        more = k - privacy.answered
        notes.append(_text("anonymity.team", n=privacy.answered, k=k, more=more))
        return notes
    small = sorted(r for r, n in scores.roles.items() if n and n < k and r != "lead")
    leads = scores.roles.get("lead", 0)
    if leads and not privacy.lead_view:
        notes.append(_text("anonymity.lead", k=k))
    if small:
        names = {lang: ", ".join(_role_name(r, lang) for r in small) for lang in LANGS}
        notes.append(Text(**{lg: t("anonymity.roles", lg, roles=names[lg], k=k) for lg in LANGS}))
    elif privacy.lead_view and leads < k:
        notes.append(_text("anonymity.lead_consented"))
    hidden = [s.name for s in scan.scales if s.id in scores.scales and s.id not in privacy.scales]
    if hidden:
        names = {lang: ", ".join(n(lang) for n in hidden) for lang in LANGS}
        notes.append(
            Text(**{lang: t("anonymity.scales", lang, scales=names[lang], k=k) for lang in LANGS})
        )
    return notes


def build_diagnosis(
    kb: KnowledgeBase,
    intake: Intake,
    scores: TeamScores,
    table: FactTable,
    fired: list[str],
    privacy: Privacy,
) -> Diagnosis:
    """``table`` holds the visible facts only (``Privacy.visible_facts``), as the rules saw."""
    scan = kb.questionnaires[intake.scan]
    notes = _notes(scan, scores, privacy)
    rules = [kb.rules[rid] for rid in sorted(set(fired))]
    evidence = {r.id: _evidence(kb, r, table, privacy, scores) for r in rules}
    by_key: dict[str, list[Rule]] = {}
    for rule in rules:
        key = rule.then.fact_key
        if key:
            by_key.setdefault(key, []).append(rule)

    def chain(own: list[Rule]) -> list[Evidence]:
        """The evidence of ``own`` and of every rule it builds on, breadth first, each once."""
        seen = dict.fromkeys(r.id for r in own)  # ordered; each rule looked at once
        todo = deque(own)
        while todo:
            rule = todo.popleft()
            for cond in [*rule.conditions, *rule.any_conditions]:
                if cond.kind in ("signal", "dysfunction") and holds(cond, table.value(cond)):
                    for below in by_key.get(cond.key, []):
                        if below.id not in seen:
                            seen[below.id] = None
                            todo.append(below)
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
        min_group=privacy.k,
        scores=_scores(scan, scores, privacy),
        gaps=_gaps(scan, scores, privacy),
        signals=signals,
        findings=findings,
        suggestions=_suggestions(kb, rules, evidence, [f.id for f in findings]),
        open_answers=_open_answers(scan, intake, privacy),
        context=dict(sorted(intake.context.items())),
        notes=notes,
        privacy=PrivacyInfo(
            self_scan=privacy.self_scan,
            team_shown=privacy.team_ok,
            needed=max(privacy.k - privacy.answered, 0),
            lead_view=privacy.lead_view,
            low_threshold=privacy.low_threshold,
        ),
    )


def _evidence(
    kb: KnowledgeBase, rule: Rule, table: FactTable, privacy: Privacy, scores: TeamScores
) -> Evidence:
    checked = []
    questions = kb.scan_questions()
    for cond in [*rule.conditions, *rule.any_conditions]:
        hidden = privacy.withheld(cond)
        actual: Value = None if hidden else table.value(cond)
        question = questions.get(cond.name) if cond.kind == "item" else None
        reverse_mean = question and question.reverse and cond.stat == "mean"
        item = scores.items.get(cond.name) if reverse_mean else None
        checked.append(
            CheckedCondition(
                text=cond.text,
                actual=actual,
                withheld=hidden,
                holds=not hidden and holds(cond, actual),
                agreed=item.agreed if item and not hidden else None,
            )
        )
    origin = kb.origin("rule", rule.id)
    source = f"{origin.path.name}:{origin.line}" if origin else ""
    return Evidence(rule=rule.id, because=rule.because, conditions=checked, source=source)


def _scores(scan, scores: TeamScores, privacy: Privacy) -> list[ScaleScore]:
    result = []
    for scale in scan.scales:
        stats = scores.scales[scale.id]
        shown = scale.id in privacy.scales
        band = next((b.label for b in scale.bands if shown and stats.mean <= b.upto), None)
        if shown and band is None and scale.bands:
            band = scale.bands[-1].label
        result.append(
            ScaleScore(
                scale=scale.id,
                name=scale.name,
                n=stats.n if privacy.team_ok else None,
                mean=stats.mean if shown else None,
                sd=stats.sd if shown else None,
                rwg=stats.rwg if shown else None,
                polarised=stats.polarised and shown,
                band=band,
                by_role=[
                    RoleMean(role=role, n=n, mean=mean)
                    for role, (n, mean) in stats.by_role.items()
                    if scale.id in privacy.gaps
                ],
            )
        )
    return result


def _gaps(scan, scores: TeamScores, privacy: Privacy) -> list[Gap]:
    names = {s.id: s.name for s in scan.scales}
    return [
        Gap(
            scale=scale,
            name=names[scale],
            direction="lead_higher" if value > 0 else "lead_lower" if value < 0 else "same",
            value=value,
            large=abs(value) >= LARGE_GAP,
        )
        for scale, value in scores.gaps.items()
        if scale in privacy.gaps
    ]


def _suggestions(
    kb: KnowledgeBase, rules: list[Rule], evidence: dict[str, Evidence], order: list[str]
) -> list[Suggestion]:
    answers: dict[str, list[str]] = {}
    because: dict[str, list[Evidence]] = {}
    fit: dict[str, int] = {}  # conditions of the most specific rule that suggested the format
    for rule in rules:
        targets = [
            c.name for c in [*rule.conditions, *rule.any_conditions] if c.kind == "dysfunction"
        ]
        specific = len(rule.conditions) + (1 if rule.any_conditions else 0)
        for fmt in rule.then.suggest:
            answers.setdefault(fmt, [])
            answers[fmt] += [t_ for t_ in targets if t_ not in answers[fmt]]
            because.setdefault(fmt, []).append(evidence[rule.id])
            fit[fmt] = max(fit.get(fmt, 0), specific)

    def rank(fmt: str) -> tuple[int, int, str]:
        # the most pressing finding first; within it, formats from rules that matched more of
        # the situation (e.g. unsafe AND a strained lead relation) before general ones
        first = min((order.index(a) for a in answers[fmt] if a in order), default=99)
        return (first, -fit[fmt], fmt)

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


def _open_answers(scan, intake: Intake, privacy: Privacy) -> dict[str, list[str]]:
    """Each shown open question's answers, sorted, from the people it is shown to only (whom
    the privacy decision counted): an answer someone gave while it was not theirs to see is
    never listed among the others'."""
    texts = [q for q in scan.questions if q.type == "text" and q.id in privacy.texts]
    grouped = {
        q.id: sorted(
            str(r.answers[q.id]).strip()
            for r in intake.responses
            if str(r.answers.get(q.id, "")).strip() and is_shown(q, r.answers, r.role)
        )
        for q in texts
    }
    return {qid: answers for qid, answers in grouped.items() if answers}
