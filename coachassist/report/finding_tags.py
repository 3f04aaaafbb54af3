"""A finding's strength, borderline, stability and the coach's decision in words (one source
for the CLI, the app and the reports)."""

from __future__ import annotations

from coachassist.diagnosis import Finding
from coachassist.i18n import Lang, t


def finding_tags(finding: Finding, lang: Lang, *, severity: bool = True) -> str:
    """e.g. "high, strength 3.2, stable" or "low, strength 0.6, borderline, rests on one or two
    people"."""
    tags = [t(f"severity.{finding.severity}", lang)] if finding.severity and severity else []
    if finding.strength is not None:
        tags.append(t("finding.strength", lang, strength=f"{finding.strength:.1f}"))
    if finding.borderline:
        tags.append(t("finding.borderline", lang))
    if finding.stability:
        tags.append(t(f"stability.{finding.stability}", lang))
    return ", ".join(tags)


def decision_text(finding: Finding, lang: Lang) -> str:
    """The coach's decision in words; "" when there is none."""
    decision = finding.decision
    if decision is None:
        return ""
    concluded = t(f"severity.{decision.concluded}", lang) if decision.concluded else ""
    return t(f"decision.{decision.action}", lang, concluded=concluded, reason=decision.reason)
