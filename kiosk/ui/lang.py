"""Language switching for KV rules: ``app.lang._("text")`` re-evaluates when the language changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.event import Observable

from kiosk.i18n import translator


class Lang(Observable):
    """``app.lang._("text")`` in KV: re-evaluated on every language switch.

    Kivy's builder binds to the attribute ``_`` of this object; ``fbind`` records those
    bindings and ``switch`` fires them, which re-runs the KV expressions (the pattern of
    Kivy's i18n example). One per app, so a finished app's widgets are not kept alive.
    """

    def __init__(self, language: str) -> None:
        super().__init__()
        self.observers: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
        self.language = language
        self._tr = translator(language)

    def _(self, text: str) -> str:
        return self._tr(text)

    def fbind(self, name: str, func: Callable[..., Any], *largs: Any, **kwargs: Any) -> Any:
        if name == "_":
            self.observers.append((func, largs, kwargs))
            return 0
        return super().fbind(name, func, *largs, **kwargs)

    def funbind(self, name: str, func: Callable[..., Any], *largs: Any, **kwargs: Any) -> Any:
        if name == "_":
            key = (func, largs, kwargs)
            if key in self.observers:
                self.observers.remove(key)
            return None
        return super().funbind(name, func, *largs, **kwargs)

    def switch(self, language: str) -> None:
        self.language = language
        self._tr = translator(language)
        for func, largs, _kwargs in list(self.observers):
            func(*largs, None, None)
