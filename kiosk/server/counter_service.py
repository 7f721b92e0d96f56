"""The service layer of the counters and the hall: what the routes of ``counter_api`` call.

It owns the server's ``CallBook`` (the calls on the shared day book) and the announcement cache;
who may call is ``kiosk.server.tokens``. Answers are plain data in the shapes of kiosk/server/openapi.yaml; no answer
carries a NIK, a name or a booking code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.backends.calls import CallBook, call_to_dict
from kiosk.core import calling
from kiosk.core.calling import Step
from kiosk.core.clock import WIB, Clock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason
from kiosk.core.office import DayOverrides
from kiosk.speech import tts

log = logging.getLogger(__name__)

COUNTER_ROLE = "counter"  # the role in the tokens file (kiosk.server.tokens)


class CounterService:
    """Calling, the counter's view, the display, the phone page and the spoken announcements."""

    def __init__(
        self, config: Config, clock: Clock, calls: CallBook, overrides: Callable[[date], DayOverrides] | None = None
    ) -> None:
        self.config = config
        self.clock = clock
        self.calls = calls
        self.overrides = overrides  # the office's changes to a day: a paused counter calls nobody
        self.speech_dir = config.backend.path.parent / "announcements"

    def close(self) -> None:
        self.calls.close()

    # -- the counter ----------------------------------------------------------------------

    def step(
        self, counter_id: str, step: Step, key: str, ticket_id: str | None = None, service: str | None = None
    ) -> dict[str, Any]:
        now = self.clock.now()
        if step == Step.NEXT and self.overrides is not None:
            self.overrides(now.astimezone(WIB).date()).check_can_call(counter_id)
        call = self.calls.step(counter_id, step, now, key, ticket_id, service)
        log.info("counter %s: %s %s", counter_id, step.value, call.number)
        return {"call": call_to_dict(call)}

    def counter(self, counter_id: str) -> dict[str, Any]:
        view = self.calls.counter_view(counter_id, self.clock.now())
        return {
            "counter": {"id": view.counter.id, "name": view.counter.name, "services": list(view.counter.services)},
            "current": call_to_dict(view.current) if view.current else None,
            "waiting": view.waiting,
        }

    # -- the hall -------------------------------------------------------------------------

    def display(self) -> dict[str, Any]:
        view = self.calls.display(self.clock.now())
        return {
            "calls": [call_to_dict(c) for c in view.calls],
            "waiting": view.waiting,
            "services": {s.code: s.name for s in self.config.services},
        }

    def public_ticket(self, ticket_id: str) -> dict[str, Any]:
        found = self.calls.public_ticket(ticket_id, self.clock.now())
        return {
            "number": found.number,
            "service": found.service_code,
            "service_name": found.service_name,
            "state": found.state.value,
            "serving": found.serving,
            "ahead": found.ahead,
            "wait_minutes": found.wait_minutes,
        }

    def announcement(self, call_id: str) -> Path:
        """The WAV of a call's announcement (rendered once, then cached); raises SpeechUnavailable."""
        call = self.calls.find_call(call_id)
        if call is None:
            raise BadInput(Reason.CALL_UNKNOWN)
        return tts.render(calling.announcement_text(call.number, call.counter_name), tts.Voice("id"), self.speech_dir)
