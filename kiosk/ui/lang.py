"""Language switching for KV rules: ``app.lang._("text")`` re-evaluates when the language changes."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from kivy.event import Observable

from kiosk import i18n
from kiosk.i18n import DEFAULT_LANGUAGE, translator

log = logging.getLogger(__name__)

Observer = tuple[Callable[..., Any], tuple[Any, ...]]


class Lang(Observable):  # Kivy's classes are Any to mypy (no type information)
    """``app.lang._("text")`` in KV: re-evaluated on every language switch (any of ``kiosk.i18n.LANGUAGES``).

    Kivy's builder binds to the attribute ``_`` of this object with ``fbind`` and keeps the
    uid it returns; when a widget is garbage collected, ``Builder.unbind_widget`` hands that
    uid back to ``unbind_uid``. Kivy's i18n example returns no uid, so the builder never
    unbinds: every rebuilt keypad key stayed in the list, and the first switch after its
    widget was collected raised ``ReferenceError`` and ended the app. Here each binding has
    a uid, and a binding whose widget is gone all the same is dropped, never called.
    """

    def __init__(self, language: str) -> None:
        super().__init__()
        self.observers: dict[int, Observer] = {}
        self._uids = itertools.count(1)
        self.language = language if language in i18n.LANGUAGES else DEFAULT_LANGUAGE
        self._tr = translator(self.language)

    def _(self, text: str) -> str:
        return self._tr(text)

    def fbind(self, name: str, func: Callable[..., Any], *largs: Any, **kwargs: Any) -> Any:
        if name == "_":
            uid = next(self._uids)
            self.observers[uid] = (func, largs)
            return uid
        return super().fbind(name, func, *largs, **kwargs)

    def funbind(self, name: str, func: Callable[..., Any], *largs: Any, **kwargs: Any) -> Any:
        if name == "_":
            for uid, observer in list(self.observers.items()):
                if observer == (func, largs):
                    del self.observers[uid]
            return None
        return super().funbind(name, func, *largs, **kwargs)

    def unbind_uid(self, name: str, uid: int) -> Any:
        if name == "_":
            self.observers.pop(uid, None)
            return None
        return super().unbind_uid(name, uid)

    def switch(self, language: str) -> None:
        """Show ``language`` on every bound rule; an unknown language falls back to Indonesian."""
        self.language = language if language in i18n.LANGUAGES else DEFAULT_LANGUAGE
        self._tr = translator(self.language)
        for uid, (func, largs) in list(self.observers.items()):
            try:
                func(*largs, None, None)
            except ReferenceError:  # its widget was collected before the builder unbound it
                self.observers.pop(uid, None)
