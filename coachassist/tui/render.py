"""Rich text for findings, evidence and formats (shared by results, library and detail)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from coachassist.diagnosis import Diagnosis, Evidence, Finding, Suggestion
from coachassist.i18n import Lang
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format

Tr = Callable[..., str]

# Control characters (a terminal would act on ESC sequences, bells and backspaces) become
# their visible Unicode pictures; a newline stays. One character for one, so a Text's styled
# spans stay where they were.
_PICTURES = {c: 0x2400 + c for c in range(0x20) if c != 0x0A} | {0x7F: 0x2421}
_PICTURES |= {c: 0xFFFD for c in range(0x80, 0xA0)}


def plain(text: str) -> str:
    """Text from a file or a person, safe to show: control characters made visible."""
    return text.translate(_PICTURES)


def clean(text: Text) -> Text:
    """The same Rich ``Text`` (never parsed as markup), with control characters made visible."""
    text.plain = plain(text.plain)
    return text


MARKS = {"holds": ("✓", "green"), "fails": ("✗", "red")}  # a withheld condition: no verdict


def evidence_text(
    evidence: list[Evidence],
    lang: Lang,
    tr: Tr,
    kb: KnowledgeBase,
    dx: Diagnosis,
    concludes: str = "",
) -> Text:
    """Evidence as the shared renderer words it (coachassist.report.evidence): each reason
    once, its rules and where they are written, each condition in words with its verdict."""
    from coachassist.report.evidence import reasons

    text = Text()
    for reason in reasons(evidence, kb, dx, lang, concludes=concludes):
        text.append("• ", "bold")
        text.append(reason.text + "\n")
        where = ", ".join(reason.rules)
        if reason.sources:
            where += f"  ({', '.join(reason.sources)})"
        text.append(f"  {tr('tui.results.rule')}: {where}\n", "dim")
        for cond in reason.conditions:
            mark, style = MARKS.get(cond.verdict, ("·", "dim"))
            text.append_text(Text.assemble("    ", (mark, style), " ", cond.text, "\n"))
    text.rstrip()
    return clean(text)


def finding_text(finding: Finding, lang: Lang, tr: Tr, kb: KnowledgeBase, dx: Diagnosis) -> Text:
    text = Text()
    if finding.explanation:
        text.append(finding.explanation(lang))
        text.append("\n\n")
    text.append(tr("tui.results.why") + "\n", "bold underline")
    concludes = f"{finding.kind}.{finding.id}"
    text.append_text(evidence_text(finding.evidence, lang, tr, kb, dx, concludes))
    return clean(text)


def format_meta(fmt: Format, lang: Lang, tr: Tr) -> str:
    """Duration, group size and the format's labels (phase, recurring, library only)."""
    from coachassist.library import labels  # not needed before a format is shown

    parts = [
        tr("tui.format.minutes", n=fmt.minutes),
        tr("tui.format.group", low=fmt.group_min, high=fmt.group_max),
        *(item.text for item in labels(fmt, lang)),
    ]
    return " · ".join(parts)


def format_text(
    fmt: Format,
    kb: KnowledgeBase,
    lang: Lang,
    tr: Tr,
    suggestion: Suggestion | None = None,
    dx: Diagnosis | None = None,
) -> Text:
    from coachassist.library import labels

    text = Text()
    text.append(fmt.name(lang) + "\n", "bold")
    text.append(format_meta(fmt, lang, tr) + "\n\n", "dim")
    text.append(fmt.purpose(lang) + "\n\n")
    text.append(tr("tui.format.settings") + ": ", "bold")
    text.append(", ".join(tr(f"tui.setting.{s}") for s in fmt.settings) + "\n")
    if fmt.addresses:
        names = [
            kb.dysfunctions[d].name(lang) if d in kb.dysfunctions else d for d in fmt.addresses
        ]
        text.append(tr("tui.format.addresses") + ": ", "bold")
        text.append(", ".join(names) + "\n")
    text.append("\n" + tr("tui.format.steps") + "\n", "bold underline")
    for number, step in enumerate(fmt.steps, 1):
        text.append(f"{number:>2}. ", "bold")
        text.append(step(lang) + "\n")
    if fmt.materials:
        text.append("\n" + tr("tui.format.materials") + "\n", "bold underline")
        for material in fmt.materials:
            text.append(f" • {material(lang)}\n")
    if suggestion is not None and suggestion.evidence and dx is not None:
        text.append("\n" + tr("tui.format.why_suggested") + "\n", "bold underline")
        text.append_text(evidence_text(suggestion.evidence, lang, tr, kb, dx))
        text.append("\n")
    text.append("\n" + tr("library.card.labels") + "\n", "bold underline")
    for item in labels(fmt, lang):
        text.append(f" {item.text}", "bold reverse")
        text.append(f"  {item.explanation}\n")
    if fmt.library_only is not None:
        text.append(tr("library.card.why_library_only") + ": ", "bold")
        text.append(fmt.library_only(lang) + "\n")
    text.append("\n" + tr("tui.format.source") + ": ", "dim")
    text.append(fmt.source_text(lang) if fmt.source_text else fmt.source, "dim")
    if fmt.licence:
        text.append(f"  ({fmt.licence})", "dim")
    return clean(text)
