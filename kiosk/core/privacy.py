"""What of a person may be shown: masked names (the NIK mask lives in ``kiosk.core.nik``)."""

from __future__ import annotations

import re

from kiosk.core.nik import mask

# Sixteen digits in a row, a space, dot or dash allowed between any two: a NIK typed into free text
# (a reason, a notice, a log line).
NIK_IN_TEXT = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")

# A NIK has 16 digits; a text with this many digits, whatever separates them, may be one.
NIK_LIKE_DIGITS = 12


def looks_like_nik(text: str) -> bool:
    """Whether a text could carry a NIK (``3520_0105_...``, ``3520 0105 ...``): never echo it back."""
    return sum(c.isdigit() for c in text) >= NIK_LIKE_DIGITS


def without_nik(text: str) -> str:
    """``text`` with every NIK-like run of digits masked (``3520**********01``): the one rule for
    free text that is kept, shown, reported or logged."""
    return NIK_IN_TEXT.sub(lambda found: mask(found.group()), text)


def mask_name(name: str) -> str:
    """``Siti Aminah`` → ``Siti A*****``: enough for the person to recognise, little for others."""
    words = name.split()
    if not words:
        return ""
    shown = [words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]]
    if len(words) == 1 and len(words[0]) > 3:
        shown = [words[0][:3] + "*" * (len(words[0]) - 3)]
    return " ".join(shown)
