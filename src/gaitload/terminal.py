"""User data on the terminal: shown, never obeyed.

A file, shoe or activity name, a pain note or an alert message can hold a newline (a forged
line), an ESC sequence (colours, cursor moves, a rewritten title bar) or rich markup
(`[bold]`, `[strava]`). Everything the CLI prints of such data goes through one of these.
"""

from __future__ import annotations

from rich.markup import escape

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _escaped(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_TABLE = {
    code: _escaped(chr(code)) for code in [*range(0x20), *range(0x7F, 0xA0), *map(ord, _BIDI)]
}


def printable(value: object) -> str:
    """The text with control characters (C0, DEL, C1, bidi overrides) as visible escapes."""
    return str(value).translate(_TABLE)


def shown(value: object) -> str:
    """`printable`, and safe inside rich markup: `[bold]` in the data stays text."""
    return escape(printable(value))
