"""Where a command's document goes: stdout, or a file written atomically."""

from __future__ import annotations

import sys
from pathlib import Path


def write_output(output: Path | None, text: str, written: str | None = None) -> None:
    """``text`` on stdout, or atomically into ``output`` and then ``written`` (a line saying
    so, when given) on stderr, so the file never holds half a document."""
    if output is None:
        sys.stdout.write(text)
        return
    from coachassist.intake.files import write_text_atomic

    write_text_atomic(output, text)
    if written:
        print(written, file=sys.stderr)
