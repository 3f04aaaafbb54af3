"""Team scores from answers: reverse scoring, means, spread, agreement, gaps, polarisation.

Agreement is rwg(j) (James, Demaree & Wolf 1984): 1 minus the mean observed item variance over
the variance expected if everyone answered at random (uniform null, (A^2 - 1) / 12 for A
points), combined over the J items of a scale and truncated to 0..1 (LeBreton & Senter 2008).
0.70 or more is the conventional threshold for "the team agrees".
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable
from dataclasses import dataclass, field

from coachassist.intake.models import DONT_KNOW, Intake
from coachassist.kb.models import Anchors, Question, Questionnaire

AGREEMENT_THRESHOLD = 0.70
LARGE_GAP = 1.0
POLARISED_SHARE = 0.25  # at least this share in the bottom third AND in the top third


@dataclass
class ScaleStats:
    scale: str
    n: int
    mean: float | None
    sd: float | None
    rwg: float | None
    polarised: bool
    by_role: dict[str, tuple[int, float]] = field(default_factory=dict)  # role -> (n, mean)


@dataclass
class ItemStats:
    question: str
    n: int
    mean: float
    sd: float
    agreed: float  # share of answers above the middle of the range, on the statement as worded
    scale: str = ""  # the question's scale ("" for none): facts give the item's diff from it


@dataclass
class TeamScores:
    respondents: int
    roles: dict[str, int]
    scales: dict[str, ScaleStats]
    items: dict[str, ItemStats]
    gaps: dict[str, float]  # lead mean minus members' mean, per scale


def item_value(qn: Questionnaire, question: Question, raw: object) -> float | None:
    """A likert answer after reverse scoring; None for "don't know" or no answer."""
    if raw is None or raw == DONT_KNOW or isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    anchors = qn.anchors[question.anchors or ""]
    return float(anchors.min + anchors.max - raw) if question.reverse else float(raw)


_FLIPS: dict[int, tuple[Questionnaire, list[tuple[str, float | None]]]] = {}


def _flips(qn: Questionnaire) -> list[tuple[str, float | None]]:
    """Each likert question's id and, for a reverse item, min + max of its anchors."""
    cached = _FLIPS.get(id(qn))
    if cached is None or cached[0] is not qn:
        flips: list[tuple[str, float | None]] = []
        for q in qn.questions:
            if q.type == "likert":
                anchors = qn.anchors[q.anchors or ""]
                flips.append((q.id, float(anchors.min + anchors.max) if q.reverse else None))
        if len(_FLIPS) > 64:  # questionnaires built on the fly (tests): keep it small
            _FLIPS.clear()
        cached = _FLIPS[id(qn)] = (qn, flips)
    return cached[1]


def _values(flips: list[tuple[str, float | None]], answers: dict) -> dict[str, float | None]:
    """``item_value`` for every likert question of one respondent, without the lookups."""
    out: dict[str, float | None] = {}
    for qid, flip in flips:
        raw = answers.get(qid)
        if type(raw) is int or type(raw) is float:  # never bool, "don't know" or text
            out[qid] = float(raw) if flip is None else flip - raw
        else:
            out[qid] = None
    return out


def score_team(qn: Questionnaire, intake: Intake) -> TeamScores:
    likert = [q for q in qn.questions if q.type == "likert"]
    values = [_values(_flips(qn), r.answers) for r in intake.responses]
    roles = [r.role for r in intake.responses]
    columns = {q.id: [a for v in values if (a := v[q.id]) is not None] for q in likert}
    variances = {qid: _variance(col) for qid, col in columns.items() if len(col) >= 2}
    items = {}
    for q in likert:
        answered = columns[q.id]
        if answered:
            anchors = qn.anchors[q.anchors or ""]
            middle = (anchors.min + anchors.max) / 2
            worded = [anchors.min + anchors.max - a if q.reverse else a for a in answered]
            agreed = round(sum(a > middle for a in worded) / len(worded), 4)
            sd = round(math.sqrt(variances[q.id]), 4) if q.id in variances else 0.0
            items[q.id] = ItemStats(q.id, len(answered), _mean(answered), sd, agreed, q.scale or "")
    scales = {s.id: _scale(qn, s.id, s.min_answers, values, roles, variances) for s in qn.scales}
    return _team(roles, scales, items)


def _scale(
    qn: Questionnaire,
    scale_id: str,
    min_answers: int,
    values: list[dict],
    roles: list[str],
    variances: dict[str, float],
) -> ScaleStats:
    questions = [q for q in qn.questions if q.scale == scale_id]
    anchors = qn.anchors[questions[0].anchors or ""] if questions else None
    qids = [q.id for q in questions]
    person_scores: list[tuple[str, float]] = []
    for role, answers in zip(roles, values, strict=True):
        answered = [a for qid in qids if (a := answers[qid]) is not None]
        if len(answered) >= min_answers:
            person_scores.append((role, _mean(answered)))
    return _scale_from(scale_id, qids, anchors, person_scores, variances)


def rwg_j(item_columns: list[list[float]], points: int) -> float | None:
    """rwg(j) over the items of a scale; None with fewer than two answers per item."""
    return _rwg([_variance(col) for col in item_columns if len(col) >= 2], points)


def _rwg(variances: list[float], points: int) -> float | None:
    """rwg(j) from the observed variance of each item with two or more answers."""
    if not variances:
        return None
    expected = (points**2 - 1) / 12
    ratio = math.fsum(variances) / len(variances) / expected
    j = len(variances)
    if ratio >= 1:
        return 0.0
    value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    return round(min(max(value, 0.0), 1.0), 4)


def _thirds(low: int, high: int) -> tuple[float, float]:
    span = high - low
    return low + span / 3, high - span / 3


def _mean(values: list[float]) -> float:
    # fsum is exactly rounded, so the order of respondents never changes a shown figure
    return round(math.fsum(values) / len(values), 4)


def _variance(values: list[float]) -> float:
    """Sample variance (n - 1); fsum makes it independent of the order of respondents."""
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _sd(values: list[float]) -> float:
    return round(math.sqrt(_variance(values)), 4) if len(values) >= 2 else 0.0


class LeaveOneOut:
    """``score_team`` of the team with one respondent left out, for many left-out respondents.

    Each respondent's reverse-scored answers and per-scale score depend on that respondent
    alone, so they are computed once; each left-out team only filters them and recomputes the
    team figures with the same functions (fsum, so the figures equal ``score_team`` of the
    reduced intake exactly). ``scales`` / ``items``: compute only these (None: all); gaps
    follow the scales computed.
    """

    def __init__(
        self,
        qn: Questionnaire,
        intake: Intake,
        scales: Collection[str] | None = None,
        items: Collection[str] | None = None,
    ) -> None:
        self.qn = qn
        values = [_values(_flips(qn), r.answers) for r in intake.responses]
        self.roles = [r.role for r in intake.responses]
        likert = [q for q in qn.questions if q.type == "likert"]
        self.scales = [s for s in qn.scales if scales is None or s.id in scales]
        scale_ids = {s.id for s in self.scales}
        self.items = [q for q in likert if items is None or q.id in items]
        needed = {q.id for q in self.items} | {q.id for q in likert if q.scale in scale_ids}
        self.columns = {q.id: [v[q.id] for v in values] for q in likert if q.id in needed}
        self.person: dict[str, list[float | None]] = {}
        for scale in self.scales:
            qids = [q.id for q in likert if q.scale == scale.id]
            own: list[float | None] = []
            for answers in values:
                answered = [a for qid in qids if (a := answers[qid]) is not None]
                own.append(_mean(answered) if len(answered) >= scale.min_answers else None)
            self.person[scale.id] = own
        self.shapes = {s.id: _shape(qn, s.id) for s in self.scales}
        self.wanted = {q.id: q for q in self.items}
        self._shared: dict[tuple[tuple[str, str, str], Hashable], object] = {}
        self.scored = {scale: sum(v is not None for v in own) for scale, own in self.person.items()}
        self._items: dict[tuple[str, float | str], tuple[float | None, ItemStats | None]] = {}

    def _item(
        self, qid: str, column: list[float | None], left_out: int
    ) -> tuple[float | None, ItemStats | None]:
        """An item's variance (two or more answers) and, if wanted, its figures (as in
        ``score_team``) with one answer left out."""
        answered = [a for j, a in enumerate(column) if j != left_out and a is not None]
        variance = _variance(answered) if len(answered) >= 2 else None
        q = self.wanted.get(qid)
        if q is None or not answered:
            return variance, None
        anchors = self.qn.anchors[q.anchors or ""]
        middle = (anchors.min + anchors.max) / 2
        worded = [anchors.min + anchors.max - a if q.reverse else a for a in answered]
        agreed = round(sum(a > middle for a in worded) / len(worded), 4)
        sd = round(math.sqrt(variance), 4) if variance is not None else 0.0
        return variance, ItemStats(qid, len(answered), _mean(answered), sd, agreed, q.scale or "")

    def item_without(self, qid: str, left_out: int) -> tuple[float | None, ItemStats | None]:
        """``_item`` for one answer left out. An item's figures depend only on the answers
        left (fsum: not on their order), so they are computed once per item and answer."""
        value = self.columns[qid][left_out]  # 0.0 and -0.0 are equal keys but may round apart
        key = (qid, value) if value else (qid, f"person {left_out}")
        if key not in self._items:
            self._items[key] = self._item(qid, self.columns[qid], left_out)
        return self._items[key]

    def without(self, left_out: int) -> TeamScores:
        roles = self.roles[:left_out] + self.roles[left_out + 1 :]
        variances: dict[str, float] = {}
        items = {}
        for qid in self.columns:
            variance, figures = self.item_without(qid, left_out)
            if variance is not None:
                variances[qid] = variance
            if figures is not None:
                items[qid] = figures
        items = {q.id: items[q.id] for q in self.items if q.id in items}
        scales = {}
        for scale in self.scales:
            pairs = [
                (role, score)
                for j, (role, score) in enumerate(
                    zip(self.roles, self.person[scale.id], strict=True)
                )
                if j != left_out and score is not None
            ]
            qids, bounds = self.shapes[scale.id]
            scales[scale.id] = _scale_from(scale.id, qids, bounds, pairs, variances)
        return _team(roles, scales, items)

    def spread(self, kind: str, name: str) -> tuple[float, float] | None:
        """A scale's or item's mean as the team's figure, and a bound on how far leaving any
        one person out moves that figure (the exact move, |value - mean| / (n - 1), plus room
        for the rounding to 4 decimals); None when leaving someone out could remove it."""
        if kind == "score" and name in self.person and self.shapes[name][1] is not None:
            values = [v for v in self.person[name] if v is not None]
        elif kind == "item" and name in self.wanted:
            values = [v for v in self.columns[name] if v is not None]
        else:
            return None
        if len(values) < 2:
            return None
        exact = math.fsum(values) / len(values)
        return _mean(values), max(abs(v - exact) for v in values) / (len(values) - 1) + 0.001

    def probes(self, kind: str, name: str, stat: str, candidates: list[int]) -> list[int] | None:
        """Left-out respondents enough to know a figure's comparisons with any number for all
        ``candidates``, or None when this figure cannot be probed.

        The candidates fall into classes: by role, by whether (and, for a gap, as what role)
        they gave the figure a value, and for polarisation by the third their score is in.
        Within a class the figure is either the same whoever is left out (one probe), or it
        moves one way with the value the left-out person gave (a mean without a higher
        answer is lower: fsum, division and rounding all keep that order), so a comparison
        holds alike for the whole class when it holds alike for its lowest and highest value
        (two probes).
        """
        ordered = stat in ("mean", "value")
        if kind == "respondents":
            return list({self.roles[j]: j for j in reversed(candidates)}.values())
        if kind == "score" and stat in ("mean", "n", "polarised") and name in self.person:
            values = self.person[name]
        elif kind == "item" and stat in ("mean", "n") and name in self.wanted:
            values = self.columns[name]
        elif kind == "gap" and stat == "value" and name in self.person:
            values = self.person[name]
        else:
            return None
        thirds = _thirds(a.min, a.max) if (a := self.shapes.get(name, ([], None))[1]) else None
        classes: dict[str, list[tuple[float, int]]] = {}
        for j in candidates:
            value = values[j]
            if value is None:
                group = ""
            elif stat == "polarised":
                low, high = thirds or (0.0, 0.0)
                group = "low" if value <= low else "high" if value >= high else "middle"
            else:
                group = self.roles[j] if kind == "gap" else "gave"
            classes.setdefault(group, []).append((value or 0.0, j))
        picks = []
        for group, members in classes.items():
            if group and ordered:
                picks += [min(members)[1], max(members)[1]]
            else:
                picks.append(members[0][1])
        return picks

    def figures(self, left_out: int) -> LeftOut:
        """The figures of the team without ``left_out``, one at a time and only when asked."""
        return LeftOut(self, left_out)


class LeftOut:
    """One left-out team's figures as ``without`` computes them, each on demand: a fact
    field (``build_facts``) for ``kind.name.stat``, None when the fact or the field is
    missing; ``exists`` tells whether the fact is there at all."""

    def __init__(self, basis: LeaveOneOut, left_out: int) -> None:
        self.basis = basis
        self.left_out = left_out
        self._scores: dict[str, list[tuple[str, float]]] = {}
        self._memo: dict[tuple[str, str, str], object] = {}

    def _person_scores(self, scale_id: str) -> list[tuple[str, float]]:
        found = self._scores.get(scale_id)
        if found is None:
            roles, own = self.basis.roles, self.basis.person[scale_id]
            found = self._scores[scale_id] = [
                (roles[j], score)
                for j, score in enumerate(own)
                if j != self.left_out and score is not None
            ]
        return found

    def _item(self, qid: str) -> tuple[float | None, ItemStats | None]:
        return self.basis.item_without(qid, self.left_out)

    def exists(self, kind: str, name: str) -> bool:
        key = (kind, name, "?")
        if key not in self._memo:
            self._memo[key] = self._exists(kind, name)
        return self._memo[key]  # type: ignore[return-value]

    def value(self, kind: str, name: str, stat: str) -> object:
        key = (kind, name, stat)
        if key not in self._memo:
            alike = self._alike(kind, name, stat)
            shared = self.basis._shared
            if alike is None:
                self._memo[key] = self._value(kind, name, stat)
            elif (key, alike) in shared:
                self._memo[key] = shared[key, alike]
            else:
                self._memo[key] = shared[key, alike] = self._value(kind, name, stat)
        return self._memo[key]

    def _alike(self, kind: str, name: str, stat: str) -> Hashable | None:
        """What about the left-out person decides this figure, so that everyone alike in it
        shares one computation (the team without them is the same multiset of answers): their
        score on the scale (and role, for a gap), their answers to the scale's questions (for
        agreement), their role (for the head counts). None: compute it for them alone (a zero
        answer, whose sign fsum may keep, or a figure not listed here)."""
        i, basis = self.left_out, self.basis
        if kind == "respondents":
            return basis.roles[i]
        if kind == "score" and name in basis.person and stat != "rwg":
            own = basis.person[name][i]
            return own if own is None or own else None
        if kind == "score" and name in basis.person:
            answers = tuple(
                basis.columns[q][i] for q in basis.shapes[name][0] if q in basis.columns
            )
            return answers if all(a is None or a for a in answers) else None
        if kind == "gap" and name in basis.person:
            own = basis.person[name][i]
            return (own, basis.roles[i]) if own is None or own else None
        return None

    def _exists(self, kind: str, name: str) -> bool:
        if kind == "respondents":
            return True
        if kind == "score":
            return name in self.basis.person and self.value(kind, name, "mean") is not None
        if kind == "item":
            return name in self.basis.wanted and self._item(name)[1] is not None
        if kind == "gap":
            return self.value(kind, name, "value") is not None
        return False

    def _value(self, kind: str, name: str, stat: str) -> object:
        if kind == "respondents":
            roles = [r for j, r in enumerate(self.basis.roles) if j != self.left_out]
            counts = {
                "n": len(roles),
                "members": roles.count("member"),
                "leads": roles.count("lead"),
            }
            return counts.get(stat)
        if kind == "score" and name in self.basis.person:
            return self._scale(name, stat)
        if kind == "item" and name in self.basis.wanted:
            figures = self._item(name)[1]
            if figures and stat == "diff":  # as build_facts: the mean minus its scale's mean
                own = self.value("score", figures.scale, "mean") if figures.scale else None
                return figures.mean - own if isinstance(own, float) else None
            return getattr(figures, stat) if figures and stat in ("mean", "sd", "n") else None
        if kind == "gap" and name in self.basis.person and stat == "value":
            by_role: dict[str, list[float]] = {}
            for role, score in self._person_scores(name):
                by_role.setdefault(role, []).append(score)
            if self.basis.shapes[name][1] is None or not by_role.get("lead"):
                return None
            if not by_role.get("member"):
                return None
            return round(_mean(by_role["lead"]) - _mean(by_role["member"]), 4)
        return None

    def _scale(self, scale_id: str, stat: str) -> object:
        qids, anchors = self.basis.shapes[scale_id]
        own = self.basis.person[scale_id][self.left_out]
        if anchors is None or self.basis.scored[scale_id] - (own is not None) == 0:
            return None  # nobody else has a score on this scale
        if stat == "rwg":
            variances = [
                v for q in qids if q in self.basis.columns and (v := self._item(q)[0]) is not None
            ]
            return _rwg(variances, anchors.max - anchors.min + 1)
        scores = [score for _, score in self._person_scores(scale_id)]
        if stat == "mean":
            return _mean(scores)
        if stat == "n":
            return len(scores)
        if stat == "sd":
            return _sd(scores)
        if stat == "polarised":
            low, high = _thirds(anchors.min, anchors.max)
            return len(scores) >= 3 and (
                sum(s <= low for s in scores) / len(scores) >= POLARISED_SHARE
                and sum(s >= high for s in scores) / len(scores) >= POLARISED_SHARE
            )
        return None


def _team(
    roles: list[str], scales: dict[str, ScaleStats], items: dict[str, ItemStats]
) -> TeamScores:
    """The team's scores: respondents per role and each scale's lead-minus-members gap."""
    gaps = {}
    for scale_id, stats in scales.items():
        lead, members = stats.by_role.get("lead"), stats.by_role.get("member")
        if lead and members:
            gaps[scale_id] = round(lead[1] - members[1], 4)
    counts: dict[str, int] = {}
    for role in roles:
        counts[role] = counts.get(role, 0) + 1
    return TeamScores(len(roles), counts, scales, items, gaps)


def _shape(qn: Questionnaire, scale_id: str) -> tuple[list[str], Anchors | None]:
    """A scale's question ids and anchors, as ``_scale`` finds them."""
    questions = [q for q in qn.questions if q.scale == scale_id]
    anchors = qn.anchors[questions[0].anchors or ""] if questions else None
    return [q.id for q in questions], anchors


def _scale_from(
    scale_id: str,
    qids: list[str],
    anchors: Anchors | None,
    person_scores: list[tuple[str, float]],
    variances: dict[str, float],
) -> ScaleStats:
    """``_scale`` from the respondents' scale scores (those with enough answers)."""
    scores = [score for _, score in person_scores]
    if not scores or anchors is None:
        return ScaleStats(scale_id, 0, None, None, None, False)
    by_role: dict[str, list[float]] = {}
    for role, score in person_scores:
        by_role.setdefault(role, []).append(score)
    low, high = _thirds(anchors.min, anchors.max)
    polarised = len(scores) >= 3 and (
        sum(s <= low for s in scores) / len(scores) >= POLARISED_SHARE
        and sum(s >= high for s in scores) / len(scores) >= POLARISED_SHARE
    )
    return ScaleStats(
        scale=scale_id,
        n=len(scores),
        mean=_mean(scores),
        sd=_sd(scores),
        rwg=_rwg([variances[q] for q in qids if q in variances], anchors.max - anchors.min + 1),
        polarised=polarised,
        by_role={role: (len(v), _mean(v)) for role, v in sorted(by_role.items())},
    )
