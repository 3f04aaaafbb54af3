"""A printable sheet of personal codes: one slip per code, to cut up and hand out at random.

One self-contained A4 HTML page (inline CSS, no scripts, nothing from elsewhere, a strict
Content-Security-Policy). The slips carry the code and how to use it, nothing else: no link
(its port changes between runs), no intake title, no name.
"""

from __future__ import annotations

from html import escape

from coachassist.i18n import Lang, t

CSP = "default-src 'none'; style-src 'unsafe-inline'"
CSS = """
@page { size: A4; margin: 12mm; }
body { margin: 0; font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  color: #222; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
.note { font-size: 9pt; color: #555; margin: 0 0 6mm; }
.slips { display: grid; grid-template-columns: 1fr 1fr; gap: 0; }
.slip { border: 1px dashed #999; padding: 6mm; break-inside: avoid; }
.slip p { margin: 0 0 2mm; font-size: 10pt; }
.code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 20pt;
  letter-spacing: .12em; font-weight: 700; }
"""


def code_sheet_html(codes: list[str], lang: Lang) -> str:
    slips = "\n".join(
        '<div class="slip">'
        f"<p>{escape(t('collect.sheet.slip', lang))}</p>"
        f'<p class="code">{escape(code)}</p>'
        f"<p>{escape(t('collect.sheet.how', lang))}</p></div>"
        for code in codes
    )
    title = escape(t("collect.sheet.title", lang))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<h1>{title}</h1>\n<p class="note">{escape(t("collect.sheet.note", lang))}</p>\n'
        f'<div class="slips">\n{slips}\n</div>\n</body>\n</html>\n'
    )
