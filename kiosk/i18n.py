"""Translations through gettext catalogues (``assets/translations/<lang>/LC_MESSAGES/*.po``).

Indonesian is the source language: message ids are the Indonesian text, and the English and
Javanese (``jv``, basa krama) catalogues translate them. Catalogues are read with Babel
straight from the ``.po`` files, so there is no compile step to forget; a missing translation
falls back to Indonesian. Each part has its own catalogue (``kiosk.po``, ``ui.po``,
``printer.po``); a language merges them all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parent.parent / "assets"
TRANSLATIONS = ASSETS / "translations"
DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en", "jv")  # Basa Jawa: krama, the polite register used with the public
# Each language named in itself, never translated: a person looks for their own language's name.
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English", "jv": "Basa Jawa"}

Translate = Callable[[str], str]


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid → translated text for ``language``; empty for Indonesian (the source)."""
    if language == DEFAULT_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po  # only for a translated language: not on the cold start

    table: dict[str, str] = {}
    for path in sorted((TRANSLATIONS / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        table.update({str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy})
    return table


def translator(language: str) -> Translate:
    table = catalogue(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    return lambda text: table.get(text, text)


def N_(text: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return text
