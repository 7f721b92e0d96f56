"""The language of a staff page (``/office``, ``/counter``) and its words in that language; and, for
a screen that no one person reads (the rating tablet, the hall display), each sentence with its
English and Basa Jawa beside it (``say``).

One way for every page that lets a person pick Indonesian, English or Basa Jawa: ``?lang=`` (then
remembered in a cookie for that page), else the one chosen before, else the browser's, else
Indonesian. The page's script sends it back as ``Accept-Language`` with every API call, and the
API's routes answer their refusals in it (``api_language``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, request

from kiosk.core.record import record
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator

A_YEAR = 365 * 86400
OTHER_LANGUAGES = ("en", "jv")


def page_language(cookie: str) -> str:
    """``?lang=id|en|jv``, else the one chosen before (``cookie``), else the browser's, else Indonesian."""
    for asked in (request.args.get("lang", ""), request.cookies.get(cookie, "")):
        if asked in LANGUAGES:
            return asked
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def api_language() -> str:
    """The language a page asked its API answers in (``Accept-Language``); Indonesian for a client
    that asks nothing (the CLI explains a refusal itself from its code)."""
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def remember_language(answer: Response, cookie: str, path: str, language: str) -> Response:
    """Keep a language picked with ``?lang=`` for the next visit of the page at ``path``."""
    if request.args.get("lang") in LANGUAGES and request.cookies.get(cookie) != language:
        answer.set_cookie(cookie, language, samesite="Strict", path=path, max_age=A_YEAR)
    return answer


def translated(language: str, **tables: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Each table of marked (``N_``) Indonesian words, translated into ``language``, by its name."""
    _ = translator(language)
    return {name: {key: _(text) for key, text in table.items()} for name, table in tables.items()}


@record
class Said:
    """A sentence in Indonesian with its English and Basa Jawa beside it."""

    id: str
    others: tuple[tuple[str, str], ...]


def say(text: str, **values: Any) -> Said:
    def fill(t: str) -> str:
        return t.format(**values) if values else t

    return Said(fill(text), tuple((lang, fill(translator(lang)(text))) for lang in OTHER_LANGUAGES))
