"""The one way coachassist writes a file: a crash leaves the old file or the new one, never half.

The data goes to a temporary file in the same folder, is flushed to disk, and then renamed over
the target (``os.replace`` is atomic on one file system); the folder entry is synced too. A
replaced file keeps its mode. Every failure is a ``UserError`` naming the file and the reason,
so the CLI prints one line and the app shows a message; nothing half-written is left behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from coachassist.errors import UserError
from coachassist.i18n import Message, os_reason


def write_atomic(path: Path, data: bytes | str, *, make_folder: bool = False) -> None:
    """Write ``data`` (text as UTF-8 with ``\\n`` line ends) to ``path`` atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent
    if make_folder:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(
                Message("file.cannot_make_folder", path=path, folder=folder, reason=_reason(error))
            ) from None
    if path.is_dir():
        raise UserError(Message("file.is_folder", path=path))
    if not folder.is_dir():
        raise UserError(Message("file.no_folder", path=path, folder=folder))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise UserError(
            Message("file.cannot_write_here", path=path, reason=_reason(error))
        ) from None
    try:
        os.fchmod(fd, _mode(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(Message("file.cannot_write", path=path, reason=_reason(error))) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _reason(error: OSError) -> Message | str:
    return os_reason(error)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot sync a folder, which is fine."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _mode(path: Path) -> int:
    """Keep the mode of a file being replaced; a new file gets the usual 0666 minus umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
