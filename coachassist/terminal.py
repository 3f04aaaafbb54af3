"""Terminal output without control sequences from files: one choke point for the CLI.

Ids, ``because`` texts, intake answers and file names come from trainers, coaches and
respondents. Written raw, an escape sequence in them could clear the screen, rewrite earlier
lines, set the clipboard (OSC 52) or reorder text (bidi overrides). The CLI writes through
``SafeStream``, which shows every such character as a visible ``\\uXXXX`` escape instead. That
form keeps JSON output valid: inside a JSON string ``\\u009b`` is the same character again.
"""

from __future__ import annotations

from typing import Any, TextIO

# C0 controls except tab and newline, DEL, C1 controls (0x9b is CSI), and bidi controls.
_UNSAFE = [
    *(c for c in range(0x20) if c not in (0x09, 0x0A)),
    *range(0x7F, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x200E,
    0x200F,
    0x061C,
]
_TABLE = {code: f"\\u{code:04x}" for code in _UNSAFE}


def clean(text: str) -> str:
    """``text`` with every control and bidi character replaced by a visible escape."""
    return text.translate(_TABLE)


class SafeStream:
    """A text stream that cleans everything written to it; the rest is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(clean(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
