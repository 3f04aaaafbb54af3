"""The rulebook: the whole knowledge base as a readable document (Markdown or HTML) that a
trainer reviews with colleagues. Every text is escaped; the HTML is self-contained (inline CSS,
no scripts, a Content-Security-Policy of ``default-src 'none'``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from coachassist.i18n import Lang, t
from coachassist.kb import plain
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Rule
from coachassist.kb.suggestions import row_of
from coachassist.report.card import CSP
from coachassist.report.html import e
from coachassist.report.markdown import esc

BookFormat = Literal["md", "html"]
CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #1d1d1d; }
h1 { font-size: 1.8rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
.rule { border-left: 3px solid #7a9cc6; padding: 0.2rem 0.8rem; margin: 0.8rem 0; }
.rule .id { font-family: monospace; font-weight: bold; }
.written { font-family: monospace; color: #555; }
.cases { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
"""


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # first row: the header
    items: list[str] = field(default_factory=list)


def render_rulebook(kb: KnowledgeBase, fired_in: Counter[str], kind: BookFormat, lang: Lang) -> str:
    """``fired_in``: per rule id, how many test cases make it fire."""
    sections = _sections(kb, lang)
    if kind == "html":
        return _html(kb, sections, fired_in, lang)
    return _markdown(kb, sections, fired_in, lang)


def _sections(kb: KnowledgeBase, lang: Lang) -> list[Section]:
    rules = list(kb.rules.values())
    table_rules = [r for r in rules if r.then.suggest and row_of(r)]
    other_suggest = [r for r in rules if r.then.suggest and r not in table_rules]
    sections = []
    by_level = sorted(kb.dysfunctions.values(), key=lambda d: (d.level or 9, d.id))
    for dysfunction in by_level:
        level = (
            t("rulebook.level", lang, level=dysfunction.level)
            if dysfunction.level
            else t("rulebook.outside", lang)
        )
        sections.append(
            Section(
                f"{dysfunction.name(lang)} ({dysfunction.id})",
                [level, dysfunction.explanation(lang)],
                [r for r in rules if r.then.dysfunction == dysfunction.id],
            )
        )
    sections.append(Section(t("rulebook.signals", lang), rules=[r for r in rules if r.then.signal]))
    columns = ("finding", "settings", "formats", "because", "rule")
    header = [t(f"rulebook.col.{c}", lang) for c in columns]
    rows = [header]
    for rule in table_rules:
        row = row_of(rule)
        assert row is not None
        finding = kb.dysfunctions[row.dysfunction].name(lang)
        settings = ", ".join(t(f"library.setting.{s}", lang) for s in row.settings)
        names = ", ".join(kb.formats[f].name(lang) for f in row.formats if f in kb.formats)
        rows.append(
            [
                finding,
                settings or t("rulebook.every_setting", lang),
                names,
                row.because(lang),
                row.id,
            ]
        )
    sections.append(Section(t("rulebook.table", lang), table=rows))
    sections.append(Section(t("rulebook.other_suggestions", lang), rules=other_suggest))
    formats = []
    for fmt in sorted(kb.formats.values(), key=lambda f: f.name(lang).lower()):
        addresses = ", ".join(
            kb.dysfunctions[d].name(lang) for d in fmt.addresses if d in kb.dysfunctions
        )
        details = t(
            "rulebook.format_line",
            lang,
            minutes=fmt.minutes,
            low=fmt.group_min,
            high=fmt.group_max,
            addresses=addresses or t("rulebook.none", lang),
            source=fmt.source,
            licence=fmt.licence or t("rulebook.none", lang),
        )
        formats.append(f"{fmt.name(lang)} ({fmt.id}): {details}")
    sections.append(Section(t("rulebook.formats", lang), items=formats))
    return sections


def _markdown(
    kb: KnowledgeBase, sections: list[Section], fired_in: Counter[str], lang: Lang
) -> str:
    out = [f"# {esc(t('rulebook.title', lang))}", "", esc(t("rulebook.intro", lang)), ""]
    out += [esc(t("rulebook.counts", lang, **kb.counts())), ""]
    for section in sections:
        out += [f"## {esc(section.title)}", ""]
        out += [f"{esc(p)}\n" for p in section.paragraphs]
        for rule in section.rules:
            lines = plain.rule_lines(rule, kb, lang)
            out.append(f"### {esc(rule.id)}")
            out.append("")
            out += [
                f"  - {esc(line[4:])}" if line.startswith("  - ") else f"- {esc(line)}"
                for line in lines
            ]
            out.append(f"- *{esc(t('rulebook.cases', lang, count=fired_in[rule.id]))}*")
            out.append("")
        if section.table:
            out.append("| " + " | ".join(esc(c) for c in section.table[0]) + " |")
            out.append("|" + "---|" * len(section.table[0]))
            out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in section.table[1:]]
            out.append("")
        out += [f"- {esc(item)}" for item in section.items]
        if section.items:
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _html(kb: KnowledgeBase, sections: list[Section], fired_in: Counter[str], lang: Lang) -> str:
    body = [f"<h1>{e(t('rulebook.title', lang))}</h1>", f"<p>{e(t('rulebook.intro', lang))}</p>"]
    body.append(f"<p>{e(t('rulebook.counts', lang, **kb.counts()))}</p>")
    for section in sections:
        body.append(f"<section><h2>{e(section.title)}</h2>")
        body += [f"<p>{e(p)}</p>" for p in section.paragraphs]
        for rule in section.rules:
            conds = [*rule.conditions, *rule.any_conditions]
            body.append(f'<div class="rule" id="{e(rule.id)}"><p class="id">{e(rule.id)}</p>')
            body.append(f"<p>{e(t('plain.all_of', lang))}</p><ul>")
            body += [
                f'<li>{e(plain.condition(c, kb, lang))} <span class="written">[{e(c.text)}]</span>'
                "</li>"
                for c in rule.conditions
            ]
            body.append("</ul>")
            if rule.any_conditions:
                body.append(f"<p>{e(t('plain.any_of', lang))}</p><ul>")
                body += [
                    f"<li>{e(plain.condition(c, kb, lang))} "
                    f'<span class="written">[{e(c.text)}]</span></li>'
                    for c in conds[len(rule.conditions) :]
                ]
                body.append("</ul>")
            body.append(f"<p>{e(plain.conclusion(rule.then, kb, lang))}</p>")
            body.append(f"<p>{e(t('plain.because', lang, because=rule.because(lang)))}</p>")
            count = t("rulebook.cases", lang, count=fired_in[rule.id])
            body.append(f'<p class="cases">{e(count)}</p></div>')
        if section.table:
            body.append("<table><thead><tr>")
            body += [f"<th>{e(c)}</th>" for c in section.table[0]]
            body.append("</tr></thead><tbody>")
            body += [
                "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                for row in section.table[1:]
            ]
            body.append("</tbody></table>")
        if section.items:
            body.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in section.items) + "</ul>")
        body.append("</section>")
    title = e(t("rulebook.title", lang))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
