"""The suggestion table (``[[suggestions]]``): finding x setting -> formats, because.

Most suggestion rules have one shape: "for this dysfunction, in these team types, suggest these
formats". Written as a table they are easier to read and review; the loader turns each row into
the rule it stands for, so the engine and the evidence see ordinary rules.
"""

from __future__ import annotations

from typing import get_args

from coachassist.kb.models import Rule, Setting, SuggestionRow, Then


def row_rule(row: SuggestionRow) -> Rule:
    """The rule a row stands for: ``dysfunction.<id>`` and, when settings are given, the
    intake's ``team_type`` among them."""
    when = [f"dysfunction.{row.dysfunction}"]
    if len(row.settings) == 1:
        when.append(f'context.team_type == "{row.settings[0]}"')
    elif row.settings:
        listed = ", ".join(f'"{setting}"' for setting in row.settings)
        when.append(f"context.team_type in [{listed}]")
    return Rule(id=row.id, when=when, then=Then(suggest=list(row.formats)), because=row.because)


def row_of(rule: Rule) -> SuggestionRow | None:
    """The table row a rule can be written as, or None when it needs more than finding and
    setting (a signal, a team size, ``when_any``)."""
    if rule.when_any or not rule.then.suggest or not 1 <= len(rule.conditions) <= 2:
        return None
    first = rule.conditions[0]
    if first.kind != "dysfunction":
        return None
    settings: list[str] = []
    if len(rule.conditions) == 2:
        second = rule.conditions[1]
        if second.key != "context.team_type" or second.op not in ("==", "in"):
            return None
        values = second.value if isinstance(second.value, tuple) else (second.value,)
        settings = [str(v) for v in values]
    row = SuggestionRow.model_validate(
        {
            "id": rule.id,
            "dysfunction": first.name,
            "settings": settings,
            "formats": list(rule.then.suggest),
            "because": rule.because.model_dump(),
        }
    )
    return row if row_rule(row) == rule else None


def named_settings(rule: Rule) -> list[str] | None:
    """The team types a rule can hold for, when its ``when`` names them (``context.team_type``
    with ``==``, ``in`` or ``!=``), in the usual order; None when it holds in every setting."""
    settings: list[str] | None = None
    for cond in rule.conditions:
        if cond.key != "context.team_type":
            continue
        values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
        keep = cond.op != "!="  # ==, in: the values named; !=: every other one
        settings = [s for s in settings or get_args(Setting) if (s in values) == keep]
    return settings
