"""A counter's calling on this machine's day book: ``CallBook`` behind the ``CallingBackend`` port.

The same shape as ``HttpCalls`` (``kiosk.backends.http_calls``), so ``kiosk call`` and any other
entry point call steps the same way whichever backend the config names; the clock is this
machine's (an embedded site has no server to ask).
"""

from __future__ import annotations

from typing import Any

from kiosk.backends.calls import CallBook, counter_view_to_dict
from kiosk.core.calling import Call, Step
from kiosk.core.clock import Clock


class LocalCalls:
    def __init__(self, calls: CallBook, clock: Clock) -> None:
        self.calls = calls  # its steps obey the office's changes (a paused counter calls nobody)
        self.clock = clock

    def step(
        self, counter_id: str, step: Step, key: str, ticket_id: str | None = None, service_code: str | None = None
    ) -> Call:
        return self.calls.step(counter_id, step, self.clock.now(), key, ticket_id, service_code)

    def counter(self, counter_id: str) -> dict[str, Any]:
        return counter_view_to_dict(self.calls.counter_view(counter_id, self.clock.now()))

    def close(self) -> None:
        self.calls.close()
