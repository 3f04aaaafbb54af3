"""A printable card of one session format, in Markdown or as one self-contained A4 HTML page.

Like the report: every text is escaped, the HTML has inline CSS only, no scripts and no external
URLs (a Content-Security-Policy of ``default-src 'none'`` enforces that), and ``@page`` sets A4.
The escaping helpers are kept here so the card does not depend on the report writers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from coachassist import __version__
from coachassist.i18n import Lang, t
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.library import labels
from coachassist.report.html import e
from coachassist.report.markdown import esc

CardFormat = Literal["md", "html"]
CSS = Path(__file__).with_name("card.css")
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def render_card(kb: KnowledgeBase, fmt: Format, kind: CardFormat, lang: Lang) -> str:
    return card_html(kb, fmt, lang) if kind == "html" else card_markdown(kb, fmt, lang)


def _meta(fmt: Format, lang: Lang) -> list[str]:
    return [
        t("library.card.minutes", lang, n=fmt.minutes),
        t("library.card.group", lang, low=fmt.group_min, high=fmt.group_max),
        *(item.text for item in labels(fmt, lang)),
    ]


def _settings(fmt: Format, lang: Lang) -> str:
    return ", ".join(t(f"library.setting.{s}", lang) for s in fmt.settings)


def _addresses(kb: KnowledgeBase, fmt: Format, lang: Lang) -> str:
    return ", ".join(
        kb.dysfunctions[d].name(lang) if d in kb.dysfunctions else d for d in fmt.addresses
    )


# --- Markdown -------------------------------------------------------------------------------


def card_markdown(kb: KnowledgeBase, fmt: Format, lang: Lang) -> str:
    out = [f"# {esc(fmt.name(lang))}", "", f"*{esc(' · '.join(_meta(fmt, lang)))}*", ""]
    out += [f"## {esc(t('library.card.purpose', lang))}", "", esc(fmt.purpose(lang)), ""]
    out.append(f"**{esc(t('library.card.settings', lang))}:** {esc(_settings(fmt, lang))}  ")
    if fmt.addresses:
        out.append(
            f"**{esc(t('library.card.addresses', lang))}:** {esc(_addresses(kb, fmt, lang))}"
        )
    out += ["", f"## {esc(t('library.card.steps', lang))}", ""]
    out += [f"{n}. {esc(step(lang))}" for n, step in enumerate(fmt.steps, 1)]
    if fmt.materials:
        out += ["", f"## {esc(t('library.card.materials', lang))}", ""]
        out += [f"- {esc(item(lang))}" for item in fmt.materials]
    out += ["", f"## {esc(t('library.card.labels', lang))}", ""]
    out += [f"- **{esc(item.text)}**: {esc(item.explanation)}" for item in labels(fmt, lang)]
    if fmt.library_only is not None:
        out += ["", f"**{esc(t('library.card.why_library_only', lang))}:** "]
        out[-1] += esc(fmt.library_only(lang))
    out += ["", "---", "", f"{esc(t('library.card.source', lang))}: {esc(fmt.source)}  "]
    if fmt.licence:
        out.append(f"{esc(t('library.card.licence', lang))}: {esc(fmt.licence)}  ")
    out.append(esc(t("library.card.footer", lang, id=fmt.id)))
    return "\n".join(out) + "\n"


# --- HTML -----------------------------------------------------------------------------------


def card_html(kb: KnowledgeBase, fmt: Format, lang: Lang) -> str:
    name = e(fmt.name(lang))
    body = [
        f'<p class="kind">{e(t("library.card.title", lang))}</p>',
        f"<h1>{name}</h1>",
        '<p class="meta">' + " · ".join(e(m) for m in _meta(fmt, lang)) + "</p>",
        f"<h2>{e(t('library.card.purpose', lang))}</h2>",
        f"<p>{e(fmt.purpose(lang))}</p>",
        "<dl>",
        f"<dt>{e(t('library.card.settings', lang))}</dt><dd>{e(_settings(fmt, lang))}</dd>",
    ]
    if fmt.addresses:
        body.append(
            f"<dt>{e(t('library.card.addresses', lang))}</dt>"
            f"<dd>{e(_addresses(kb, fmt, lang))}</dd>"
        )
    body.append("</dl>")
    body.append(f"<h2>{e(t('library.card.steps', lang))}</h2>")
    body.append("<ol>" + "".join(f"<li>{e(step(lang))}</li>" for step in fmt.steps) + "</ol>")
    if fmt.materials:
        body.append(f"<h2>{e(t('library.card.materials', lang))}</h2>")
        body.append("<ul>" + "".join(f"<li>{e(m(lang))}</li>" for m in fmt.materials) + "</ul>")
    body.append(f'<h2>{e(t("library.card.labels", lang))}</h2><ul class="labels">')
    body += [
        f'<li><span class="label">{e(item.text)}</span> {e(item.explanation)}</li>'
        for item in labels(fmt, lang)
    ]
    body.append("</ul>")
    if fmt.library_only is not None:
        body.append(
            f'<p class="why"><strong>{e(t("library.card.why_library_only", lang))}:</strong> '
            f"{e(fmt.library_only(lang))}</p>"
        )
    source = f"{e(t('library.card.source', lang))}: {e(fmt.source)}"
    if fmt.licence:
        source += f"<br>{e(t('library.card.licence', lang))}: {e(fmt.licence)}"
    body.append(f'<footer><p class="source">{source}</p>')
    body.append(
        f'<p class="source">{e(t("library.card.footer", lang, id=fmt.id))} · '
        f"coachassist {e(__version__)}</p></footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{name}</title>\n<style>\n{CSS.read_text(encoding='utf-8')}</style>\n</head>\n"
        '<body>\n<main class="card">\n' + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )
