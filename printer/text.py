"""Text the printer's code page can print: plain ASCII, transliterated, never mojibake.

Thermal printers print one 8-bit code page at a time, and cheap ones ignore code page switches.
ASCII prints the same on all of them, so every string on a ticket is transliterated first
("Séjati" → "Sejati", "–" → "-"); what has no transliteration becomes "?".
"""

from __future__ import annotations

import textwrap

from anyascii import anyascii


def printable(text: str) -> str:
    """``text`` as printable ASCII: transliterated, control characters removed, one line."""
    ascii_text = anyascii(text)
    cleaned = "".join(ch if " " <= ch <= "~" else ("?" if ch not in "\r\n\t" else " ") for ch in ascii_text)
    return " ".join(cleaned.split())


def wrap(text: str, columns: int, indent: str = "") -> list[str]:
    """``text`` made printable and wrapped to ``columns``; long words are broken, never cut off."""
    width = max(1, columns)
    lines = textwrap.wrap(
        printable(text), width=width, subsequent_indent=indent if len(indent) < width else "", break_on_hyphens=False
    )
    return lines or [""]
