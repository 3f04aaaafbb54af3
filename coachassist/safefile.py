"""Reading files that come from someone else: regular files only, never more than a cap.

Knowledge-base folders come from trainers and intake files from coaches and respondents, so a
``*.toml`` may be a named pipe (opening it for reading would wait forever), a device such as
``/dev/zero`` (endless), a symlink out of the folder, or simply huge. Every such file is read
here: its type is checked before opening (``os.stat``) and again on the open descriptor
(``os.fstat``, which closes the race with a file swapped in between), it is opened with
``O_NONBLOCK`` so a pipe can never block, and at most ``cap + 1`` bytes are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from coachassist.i18n import Lang, Message, os_reason

# One knowledge-base file: the largest bundled file is ~27 KB; 5 MB holds thousands of rules.
KB_FILE_CAP = 5_000_000
# One intake, response or context file. An organisation-wide intake of 10,000 respondents takes
# ~1 KB per respondent (45 likert answers and context) plus its open answers: 10-30 MB. 64 MB
# leaves room for long open answers, while tomllib still parses it in seconds.
INTAKE_FILE_CAP = 64_000_000

# O_NONBLOCK: opening a named pipe returns at once instead of waiting for a writer. (Windows
# has none of these flags, and no named pipes in the file system either.)
_OPEN_FLAGS = os.O_RDONLY | sum(
    getattr(os, flag, 0) for flag in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY")
)


class FileRefused(Exception):
    """A file that is not read; ``reason`` is one line saying why and what to do
    (``render(lang)``: ``path: reason`` in that language; ``str()`` in English)."""

    def __init__(self, path: Path, reason: Message) -> None:
        super().__init__(path, reason)  # both: a copy in another process (pickle) is the same
        self.path = path
        self.reason = reason

    def render(self, lang: Lang = "en") -> str:
        return f"{self.path}: {self.reason.render(lang)}"

    def __str__(self) -> str:
        return self.render("en")


def read_bytes(
    path: Path, cap: int, root: Path | None = None, *, real_root: str | None = None
) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes; raises FileRefused otherwise.

    With ``root``, the file (after following symlinks) must lie inside that folder;
    ``real_root`` is ``os.path.realpath(root)`` when the caller has it already (many files)."""
    path = Path(path)
    if root is not None:
        _inside(path, root, real_root)
    try:
        before = os.stat(path)
        _regular(path, before.st_mode)
        _small(path, before.st_size, cap)
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise FileRefused(path, Message("file.cannot_read", reason=os_reason(error))) from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        _regular(path, opened.st_mode)  # swapped for a pipe or device after the check above
        _small(path, opened.st_size, cap)
        try:
            data = handle.read(cap + 1)
        except OSError as error:
            raise FileRefused(path, Message("file.cannot_read", reason=os_reason(error))) from None
    _small(path, len(data), cap)  # grew while being read
    return data


def read_text_file(path: Path, cap: int, root: Path | None = None) -> str:
    """Like ``read_bytes``, decoded as UTF-8 (a byte-order mark is dropped)."""
    data = read_bytes(path, cap, root)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileRefused(path, Message("file.not_utf8", line=line)) from None


def _inside(path: Path, root: Path, real_root: str | None = None) -> None:
    real, real_root = os.path.realpath(path), real_root or os.path.realpath(root)
    if os.path.commonpath([real, real_root]) != real_root:
        raise FileRefused(path, Message("file.outside", real=real, root=root))


_KINDS = (
    (stat.S_ISDIR, "file.kind.folder"),
    (stat.S_ISFIFO, "file.kind.fifo"),
    (stat.S_ISCHR, "file.kind.device"),
    (stat.S_ISBLK, "file.kind.device"),
    (stat.S_ISSOCK, "file.kind.socket"),
)


def _regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((key for test, key in _KINDS if test(mode)), "file.kind.other")
    raise FileRefused(path, Message("file.not_regular", kind=Message(kind)))


def _small(path: Path, size: int, cap: int) -> None:
    if size > cap:
        raise FileRefused(path, Message("file.too_large", size=_size(cap), bytes=f"{cap:,}"))


def _size(count: int) -> str:
    return f"{count / 1_000_000:g} MB" if count >= 1_000_000 else f"{count / 1000:g} KB"
