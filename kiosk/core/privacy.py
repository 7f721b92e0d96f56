"""What of a person may be shown: masked names (the NIK mask lives in ``kiosk.core.nik``)."""

from __future__ import annotations

# A NIK has 16 digits; a text with this many digits, whatever separates them, may be one.
NIK_LIKE_DIGITS = 12


def looks_like_nik(text: str) -> bool:
    """Whether a text could carry a NIK (``3520_0105_...``, ``3520 0105 ...``): never echo it back."""
    return sum(c.isdigit() for c in text) >= NIK_LIKE_DIGITS


def mask_name(name: str) -> str:
    """``Siti Aminah`` → ``Siti A*****``: enough for the person to recognise, little for others."""
    words = name.split()
    if not words:
        return ""
    shown = [words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]]
    if len(words) == 1 and len(words[0]) > 3:
        shown = [words[0][:3] + "*" * (len(words[0]) - 3)]
    return " ".join(shown)
