"""Whether answers given to one version of a questionnaire can be scored with another.

A questionnaire's ``version`` is ``MAJOR.MINOR``: the minor part is raised for changes that keep
every item's meaning (wording, translations, new optional questions), the major part when an
item's meaning, scale or anchors change. Answers to the same major version are scored, with a
note a coach can live with; answers to another major version are refused, with the way out:
diagnose them with the questionnaire they were answered with (a ``--kb`` folder holding it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from coachassist.errors import UserError
from coachassist.i18n import Lang, t

Fit = Literal["same", "compatible", "incompatible"]
_MAJOR = re.compile(r"\s*v?(\d+)(?:\.\d+)*\s*$", re.IGNORECASE)


def fit(answered: str, current: str) -> Fit:
    """How answers to version ``answered`` fit questionnaire version ``current``."""
    if answered.strip() == current.strip():
        return "same"
    old, new = _MAJOR.match(answered), _MAJOR.match(current)
    if old and new and int(old[1]) == int(new[1]):
        return "compatible"
    return "incompatible"


def check_version(
    path: Path, scan: str, answered: str, current: str, lang: Lang = "en"
) -> str | None:
    """None when the versions match, a note when they are compatible; raises UserError when
    they are not. An empty ``answered`` (an intake written without it) counts as current."""
    if not answered.strip():
        return None
    values = {"path": path, "scan": scan, "answered": answered, "current": current}
    match fit(answered, current):
        case "same":
            return None
        case "compatible":
            return t("intake.version.compatible", lang, **values)
        case _:
            raise UserError(t("intake.version.incompatible", lang, **values))
