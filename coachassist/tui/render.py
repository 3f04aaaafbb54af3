"""Rich text for findings, evidence and formats (shared by results, library and detail)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from coachassist.diagnosis import CheckedCondition, Evidence, Finding, Suggestion
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


def value_text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "—" if value is None else str(value)


def condition_line(cond: CheckedCondition, tr: Tr) -> Text:
    mark, style = ("✓", "green") if cond.holds else ("✗", "red")
    line = Text.assemble(("    ", ""), (mark, style), " ", (cond.text, "bold"), "  ")
    if cond.withheld:
        line.append(tr("tui.results.withheld"), "italic dim")
    else:
        line.append(tr("tui.results.actual", value=value_text(cond.actual)), "dim")
    return clean(line)


def evidence_text(evidence: list[Evidence], lang: str, tr: Tr) -> Text:
    text = Text()
    for item in evidence:
        text.append("• ", "bold")
        text.append(item.because(lang))
        text.append("\n")
        where = f"{item.rule}" + (f"  ({item.source})" if item.source else "")
        text.append(f"  {tr('tui.results.rule')}: {where}\n", "dim")
        for cond in item.conditions:
            text.append_text(condition_line(cond, tr))
            text.append("\n")
    text.rstrip()
    return clean(text)


def finding_text(finding: Finding, lang: str, tr: Tr) -> Text:
    text = Text()
    if finding.explanation:
        text.append(finding.explanation(lang))
        text.append("\n\n")
    text.append(tr("tui.results.why") + "\n", "bold underline")
    text.append_text(evidence_text(finding.evidence, lang, tr))
    return clean(text)


def format_meta(fmt: Format, tr: Tr) -> str:
    parts = [
        tr("tui.format.minutes", n=fmt.minutes),
        tr("tui.format.group", low=fmt.group_min, high=fmt.group_max),
        tr(f"tui.format.role_{fmt.role}"),
    ]
    if fmt.recurring:
        parts.append(tr("tui.format.recurring"))
    return " · ".join(parts)


def format_text(
    fmt: Format, kb: KnowledgeBase, lang: str, tr: Tr, suggestion: Suggestion | None = None
) -> Text:
    text = Text()
    text.append(fmt.name(lang) + "\n", "bold")
    text.append(format_meta(fmt, tr) + "\n\n", "dim")
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
    if suggestion is not None and suggestion.evidence:
        text.append("\n" + tr("tui.format.why_suggested") + "\n", "bold underline")
        text.append_text(evidence_text(suggestion.evidence, lang, tr))
        text.append("\n")
    text.append("\n" + tr("tui.format.source") + ": ", "dim")
    text.append(fmt.source, "dim")
    if fmt.licence:
        text.append(f"  ({fmt.licence})", "dim")
    return clean(text)


def filter_formats(
    formats: list[Format],
    lang: str,
    *,
    query: str = "",
    dysfunction: str | None = None,
    setting: str | None = None,
    max_minutes: int | None = None,
    group: int | None = None,
) -> list[Format]:
    """The formats that match every given filter; the query searches name, purpose and id."""
    words = query.lower().split()
    found = []
    for fmt in formats:
        haystack = f"{fmt.id} {fmt.name(lang)} {fmt.purpose(lang)}".lower()
        if any(word not in haystack for word in words):
            continue
        if dysfunction and dysfunction not in fmt.addresses:
            continue
        if setting and setting not in fmt.settings:
            continue
        if max_minutes is not None and fmt.minutes > max_minutes:
            continue
        if group is not None and not fmt.group_min <= group <= fmt.group_max:
            continue
        found.append(fmt)
    return sorted(found, key=lambda f: f.name(lang).lower())
