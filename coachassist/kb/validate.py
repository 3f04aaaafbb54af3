"""Cross-reference checks over a loaded knowledge base: every id a file names must exist."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from coachassist.kb.answers import Answer, answer_problem, answers_problem
from coachassist.kb.conditions import Condition
from coachassist.kb.limits import rule_limit_problems
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Question, Questionnaire, Rule
from coachassist.kb.problems import Problem, locate
from coachassist.kb.pulse import pulse_problems
from coachassist.kb.wording import known

Fields = str | Sequence[str] | None  # a field name, or names to try in turn, to find the line


def cross_check(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    for questionnaire in kb.questionnaires.values():
        problems += _check_questionnaire(kb, questionnaire)
        problems += [
            _at(kb, "questionnaire", questionnaire.id, m) for m in pulse_problems(kb, questionnaire)
        ]
    scales = kb.scale_ids()
    for dysfunction in kb.dysfunctions.values():
        for scale in dysfunction.scales:
            if scale not in scales:
                problems.append(
                    _at(
                        kb,
                        "dysfunction",
                        dysfunction.id,
                        f"unknown scale {scale!r} in 'scales'; {_known(scales, scale, kb)}",
                        "scales",
                    )
                )
    for fmt in kb.formats.values():
        for target in fmt.addresses:
            if target not in kb.dysfunctions:
                problems.append(
                    _at(
                        kb,
                        "format",
                        fmt.id,
                        f"unknown dysfunction {target!r} in 'addresses'; {_known(kb.dysfunctions, target, kb)}",
                        "addresses",
                    )
                )
    problems += _check_rules(kb)
    problems += [
        replace(
            _at(kb, "rule", limit.rule, limit.render("en"), limit.field),
            nl=limit.render("nl"),
            refused=limit.refuses_all,
        )
        for limit in rule_limit_problems(kb.rules, _layer_of(kb, "rule"))
    ]
    problems += _check_cases(kb)
    return problems


def _layer_of(kb: KnowledgeBase, kind: str) -> Callable[[str], int]:
    """An item's knowledge-base layer (0: bundled; the trainers' folders after it)."""

    def layer(item_id: str) -> int:
        origin = kb.origin(kind, item_id)
        return origin.layer if origin else 0

    return layer


def _at(
    kb: KnowledgeBase,
    kind: str,
    item_id: str,
    message: str,
    field: Fields = None,
    *,
    part: str | None = None,
    nth: int = 1,
) -> Problem:
    """A problem of one item; the line is that of ``field`` of the item, or of ``part`` (a
    question or scale inside a questionnaire) when given."""
    origin = kb.origin(kind, item_id)
    path = origin.path if origin else Path("?")
    line = origin.line if origin else None
    if origin and (field or part):
        try:
            text = origin.path.read_text("utf-8-sig")
            line = locate(text, part or item_id, field, nth=nth) or line
        except (OSError, UnicodeDecodeError):
            pass
    return Problem(path, line, item_id, message)


def _known(ids: Iterable[str], wanted: object = None, kb: KnowledgeBase | None = None) -> str:
    """``did you mean 'x'; known: ...``, the ids of the trainer's own folders first."""
    return known(ids, wanted, kb.own_ids() if kb else ())["en"]


# --- questionnaires -------------------------------------------------------------------------


def _check_questionnaire(kb: KnowledgeBase, qn: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []

    def report(
        message: str, field: str | None = None, part: str | None = None, nth: int = 1
    ) -> None:
        problems.append(_at(kb, "questionnaire", qn.id, message, field, part=part, nth=nth))

    scale_ids = [s.id for s in qn.scales]
    for dup in sorted({s for s in scale_ids if scale_ids.count(s) > 1}):
        report(f"scale {dup!r} is defined twice; give each scale its own id", part=dup, nth=2)
    seen: dict[str, Question] = {}
    for question in qn.questions:
        where = f"question {question.id!r}"
        nth = 2 if question.id in seen else 1
        if question.id in seen:
            report(
                f"{where} is defined twice; give each question its own id", part=question.id, nth=2
            )
        if question.scale and question.scale not in scale_ids:
            report(
                f"{where}: unknown scale {question.scale!r}; {_known(scale_ids, question.scale)}",
                "scale",
                question.id,
                nth,
            )
        if question.anchors and question.anchors not in qn.anchors:
            report(
                f"{where}: unknown anchors {question.anchors!r}; {_known(qn.anchors, question.anchors)}",
                "anchors",
                question.id,
                nth,
            )
        for cond in question.conditions:
            message = _show_if_problem(qn, seen, cond)
            if message:
                report(f"{where}: show_if {cond.text!r}: {message}", "show_if", question.id, nth)
        seen[question.id] = question
    for scale in qn.scales:
        items = [q for q in qn.questions if q.scale == scale.id]
        if len(items) < scale.min_answers:
            report(
                f"scale {scale.id!r} needs {scale.min_answers} answers but has {len(items)} "
                "questions; add questions or lower min_answers",
                part=scale.id,
            )
    return problems


def _show_if_problem(
    qn: Questionnaire, earlier: dict[str, Question], cond: Condition
) -> str | None:
    if cond.kind == "role":
        values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
        unknown = [v for v in values if v not in qn.roles]
        return f"unknown role {unknown[0]!r}; {_known(qn.roles, unknown[0])}" if unknown else None
    if cond.kind != "answer":
        return "show_if may only test 'answer.<earlier question>' or 'role'"
    if cond.name not in earlier:
        return f"{cond.name!r} is not an earlier question in this questionnaire"
    return _value_problem(earlier[cond.name], cond)


def _value_problem(question: Question, cond: Condition) -> str | None:
    """Does the compared value fit the question's type and options?"""
    values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
    if question.type == "text":
        return f"{question.id!r} is a free-text question; conditions cannot test free text"
    if cond.op == "has" and question.type != "multiple":
        return f"'has' needs a multiple-choice question; {question.id!r} is {question.type}"
    if question.type in ("single", "multiple"):
        if question.type == "multiple" and cond.op != "has":
            return f"{question.id!r} is multiple choice; test it with 'has'"
        if cond.op in ("<", "<=", ">", ">="):
            return f"{question.id!r} has choices, not numbers; use == or in"
        options = [o.value for o in question.options]
        unknown = [v for v in values if v not in options]
        return f"unknown option {unknown[0]!r}; {_known(options, unknown[0])}" if unknown else None
    if any(isinstance(v, str | bool) for v in values):
        return f"{question.id!r} is answered with a number; compare it with a number"
    return None


# --- rules ------------------------------------------------------------------------------------


def _check_rules(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    signals = {r.then.signal for r in kb.rules.values() if r.then.signal}
    concluded = {r.then.dysfunction for r in kb.rules.values() if r.then.dysfunction}
    scales = kb.scale_ids()
    items = kb.scan_questions()
    context = kb.context_questions()
    for rule in kb.rules.values():

        def report(message: str, field: str | None = None, rule: Rule = rule) -> None:
            problems.append(_at(kb, "rule", rule.id, message, field))

        for field, conds in (("when", rule.conditions), ("when_any", rule.any_conditions)):
            for cond in conds:
                message = _rule_condition_problem(
                    cond, scales, items, context, signals, concluded, kb
                )
                if message:
                    report(f"condition {cond.text!r}: {message}", field)
        then = rule.then
        if then.dysfunction and then.dysfunction not in kb.dysfunctions:
            report(
                f"unknown dysfunction {then.dysfunction!r}; {_known(kb.dysfunctions, then.dysfunction, kb)}",
                "then",
            )
        for fmt in then.suggest:
            if fmt not in kb.formats:
                report(
                    f"unknown format {fmt!r} in 'suggest'; {_known(kb.formats, fmt, kb)}", "then"
                )
        answered = [c for c in [*rule.conditions, *rule.any_conditions] if c.kind == "dysfunction"]
        if then.suggest and not answered:
            report(
                "a rule that suggests formats must name the finding it answers: add a condition "
                "'dysfunction.<id>'",
                "when",
            )
        for fmt in then.suggest:
            known = kb.formats.get(fmt)
            if known is None or not set(known.addresses) <= set(kb.dysfunctions):
                continue  # an unknown format or dysfunction is reported on its own
            missing = [c.name for c in answered if c.name not in known.addresses]
            if missing and all(name in kb.dysfunctions for name in missing):
                report(
                    f"suggests {fmt!r}, whose 'addresses' lack {', '.join(missing)}; add them "
                    "to the format so the library filter finds it for this finding too",
                    "then",
                )
    problems += _signal_cycles(kb)
    return problems


def _rule_condition_problem(
    cond: Condition,
    scales: set[str],
    items: Mapping[str, Question],
    context: Mapping[str, Question],
    signals: set[str],
    concluded: set[str],
    kb: KnowledgeBase,
) -> str | None:
    match cond.kind:
        case "score" | "gap":
            return (
                None
                if cond.name in scales
                else f"unknown scale {cond.name!r}; {_known(scales, cond.name, kb)}"
            )
        case "item":
            question = items.get(cond.name)
            if question is None:
                return f"unknown question {cond.name!r} in the scan questionnaires"
            return (
                None
                if question.type == "likert"
                else "item statistics exist for likert questions only"
            )
        case "context":
            question = context.get(cond.name)
            if question is None:
                return f"unknown context question {cond.name!r}; {_known(context, cond.name, kb)}"
            return _value_problem(question, cond)
        case "signal":
            return (
                None
                if cond.name in signals
                else f"no rule concludes signal {cond.name!r}, so this never holds"
            )
        case "dysfunction":
            if cond.name not in kb.dysfunctions:
                return (
                    f"unknown dysfunction {cond.name!r}; {_known(kb.dysfunctions, cond.name, kb)}"
                )
            return (
                None if cond.name in concluded else f"no rule concludes dysfunction {cond.name!r}"
            )
        case "answer" | "role":
            return (
                "'answer' and 'role' belong in a questionnaire's show_if; "
                "rules use context, score, item or gap"
            )
    return None


def _signal_cycles(kb: KnowledgeBase) -> list[Problem]:
    """Conclusions feeding back into their own conditions would chain forever."""
    produces: dict[str, set[str]] = {}
    for rule in kb.rules.values():
        out = rule.then.fact_key
        if out:
            needs = {
                c.key
                for c in [*rule.conditions, *rule.any_conditions]
                if c.kind in ("signal", "dysfunction")
            }
            produces.setdefault(out, set()).update(needs)
    problems: list[Problem] = []
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == "done":
            return
        if state.get(node) == "active":
            cycle = " -> ".join([*path[path.index(node) :], node])
            owner = next(r.id for r in kb.rules.values() if r.then.fact_key == node)
            problems.append(
                _at(
                    kb,
                    "rule",
                    owner,
                    f"conclusions depend on themselves ({cycle}); break the cycle",
                )
            )
            return
        state[node] = "active"
        for need in sorted(produces.get(node, ())):
            visit(need, [*path, node])
        state[node] = "done"

    for node in sorted(produces):
        visit(node, [])
    return problems


# --- cases ------------------------------------------------------------------------------------


def _check_cases(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    signals = {r.then.signal for r in kb.rules.values() if r.then.signal}
    scales = kb.scale_ids()
    items = kb.scan_questions()
    context = {q.id: (qn, q) for qn in kb.by_purpose("context") for q in qn.questions}
    for case in kb.cases.values():

        def report(message: str, field: Fields = None, case_id: str = case.id) -> None:
            problems.append(_at(kb, "case", case_id, message, field))

        expected = [("present", f) for f in case.expect.present]
        for field, finding in [*expected, *(("absent", f) for f in case.expect.absent)]:
            kind, _, name = finding.partition(".")
            known = {"signal": signals, "dysfunction": kb.dysfunctions, "format": kb.formats}.get(
                kind
            )
            if known is None:
                report(
                    f"expected {finding!r}: write signal.<id>, dysfunction.<id> or format.<id>",
                    field,
                )
            elif name not in known:
                report(f"expected {finding!r}: unknown {kind}; {_known(known, name, kb)}", field)
        given = case.given
        for scale in [*given.scores, *given.gaps]:
            if scale not in scales:
                report(
                    f"given score of unknown scale {scale!r}; {_known(scales, scale, kb)}",
                    (scale, "scores", "gaps", "given"),
                )
        for question in given.items:
            if question not in items:
                report(f"given item of unknown question {question!r}", (question, "items", "given"))
        for question, value in given.context.items():
            if question not in context:
                report(
                    f"given context answer to unknown question {question!r}; {_known(context, question, kb)}",
                    (question, "context", "given"),
                )
                continue
            owner, asked = context[question]
            answer: Answer = value
            if asked.type == "multiple" and isinstance(value, str):
                answer = [value]  # a single chosen value is fine in a case
            problem = answer_problem(owner, asked, answer)
            if problem:
                report(
                    f"given context answer to {question!r}: {problem}",
                    (question, "context", "given"),
                )
        if given.responses or given.questionnaire:
            qn = kb.questionnaires.get(given.questionnaire or "")
            if qn is None:
                report(
                    "given responses need 'questionnaire = \"<id>\"' naming a known questionnaire; "
                    f"{_known(kb.questionnaires)}",
                    ("questionnaire", "given"),
                )
                continue
            for response in given.responses:
                problem = answers_problem(qn, response.answers, response.role, require=False)
                if problem:
                    report(f"given response: {problem}", ("responses", "given"))
    return problems
