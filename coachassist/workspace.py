"""Where the app keeps things: the user's data folder, recent intakes, new intake paths.

The data folder is ``$COACHASSIST_HOME`` (tests), else ``$XDG_DATA_HOME/coachassist``, else
``~/.local/share/coachassist``. It holds ``recent.json`` and the caches (``kb-cache.pickle``,
``messages-cache.json``); intakes live where the user chose (by default
``~/Documents/coachassist``). A broken ``recent.json`` is ignored, not fatal.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from coachassist.atomic import write_atomic
from coachassist.errors import UserError

MAX_RECENT = 8


def data_dir() -> Path:
    if home := os.environ.get("COACHASSIST_HOME"):
        return Path(home)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "coachassist"


def owned_by_this_user_only(fd: int, folder: Path) -> bool:
    """The opened file and its folder belong to this user and no other user may write them
    (checked on the open file, so a swap after the check does not matter). For the caches in
    the data folder: a data folder on a shared path (``COACHASSIST_HOME=/tmp/...``) fails."""
    uid = os.getuid()
    opened, parent = os.fstat(fd), folder.stat()
    return (
        stat.S_ISREG(opened.st_mode)
        and opened.st_uid == uid
        and parent.st_uid == uid
        and not (opened.st_mode | parent.st_mode) & stat.S_IWOTH
    )


def intake_dir() -> Path:
    """The default folder for new intakes: one a coach can find without a terminal."""
    if home := os.environ.get("COACHASSIST_HOME"):
        return Path(home) / "intakes"
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.home()) / "coachassist"


def slug(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:40].rstrip("-") or "intake"


def suggest_path(title: str, today: date | None = None) -> Path:
    """A free file name in the intake folder: ``<title>-<date>.toml``, numbered if taken."""
    stem, day = slug(title), (today or date.today()).isoformat()
    stem = stem if day in stem else f"{stem}-{day}"
    folder = intake_dir()
    path = folder / f"{stem}.toml"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.toml"
        number += 1
    return path


@dataclass
class Recent:
    """An intake in the recent list: where it is, its title, when it was opened."""

    path: Path
    title: str
    opened: str
    done: list[str] = field(default_factory=list)  # finished respondent ids, and "context"


def _file() -> Path:
    return data_dir() / "recent.json"


def load_recent() -> list[Recent]:
    try:
        data = json.loads(_file().read_text("utf-8"))
        entries = [
            Recent(
                Path(e["path"]),
                str(e.get("title", "")),
                str(e.get("opened", "")),
                [str(d) for d in e.get("done", [])],
            )
            for e in data.get("recent", [])
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
    return entries


def recent_existing() -> list[Recent]:
    return [entry for entry in load_recent() if entry.path.is_file()]


def done_for(path: Path) -> set[str]:
    resolved = path.resolve()
    for entry in load_recent():
        if entry.path == resolved:
            return set(entry.done)
    return set()


def remember(path: Path, title: str, done: set[str]) -> None:
    """Put this intake at the top of the recent list. Never raises: it is only a convenience."""
    resolved = path.resolve()
    entries = [e for e in load_recent() if e.path != resolved]
    opened = datetime.now().isoformat(timespec="seconds")
    entries.insert(0, Recent(resolved, title, opened, sorted(done)))
    data = {
        "version": 1,
        "recent": [
            {"path": str(e.path), "title": e.title, "opened": e.opened, "done": e.done}
            for e in entries[:MAX_RECENT]
        ],
    }
    with contextlib.suppress(UserError):  # a recent list that cannot be written is no loss
        write_atomic(_file(), json.dumps(data, ensure_ascii=False, indent=1), make_folder=True)
