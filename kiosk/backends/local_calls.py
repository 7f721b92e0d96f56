"""A counter's calling on this machine's day book: ``CallBook`` behind the ``CallingBackend`` port.

The same shape as ``HttpCalls`` (``kiosk.backends.http_calls``), so ``kiosk call`` and any other
entry point call steps the same way whichever backend the config names; the clock is this
machine's (an embedded site has no server to ask).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from kiosk.backends.calls import CallBook, counter_view_to_dict
from kiosk.core.calling import Call, Step
from kiosk.core.clock import WIB, Clock
from kiosk.core.office import DayOverrides


class LocalCalls:
    def __init__(
        self,
        calls: CallBook,
        clock: Clock,
        overrides: Callable[[date], DayOverrides] | None = None,
        also_close: Callable[[], None] | None = None,
    ) -> None:
        self.calls = calls
        self.clock = clock
        self.overrides = overrides  # the office's changes to a day: a paused counter calls nobody
        self._also_close = also_close

    def step(
        self, counter_id: str, step: Step, key: str, ticket_id: str | None = None, service_code: str | None = None
    ) -> Call:
        now = self.clock.now()
        if step == Step.NEXT and self.overrides is not None:
            self.overrides(now.astimezone(WIB).date()).check_can_call(counter_id)
        return self.calls.step(counter_id, step, now, key, ticket_id, service_code)

    def counter(self, counter_id: str) -> dict[str, Any]:
        return counter_view_to_dict(self.calls.counter_view(counter_id, self.clock.now()))

    def close(self) -> None:
        self.calls.close()
        if self._also_close is not None:
            self._also_close()
