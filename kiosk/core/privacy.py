"""What of a person may be shown: masked names (the NIK mask lives in ``kiosk.core.nik``)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """``Siti Aminah`` → ``Siti A*****``: enough for the person to recognise, little for others."""
    words = name.split()
    if not words:
        return ""
    shown = [words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]]
    if len(words) == 1 and len(words[0]) > 3:
        shown = [words[0][:3] + "*" * (len(words[0]) - 3)]
    return " ".join(shown)
