"""The service layer of the counters and the hall: what the routes of ``counter_api`` call.

It owns the server's ``CallBook`` (the calls on the shared day book) and the announcement cache;
who may call is ``kiosk.server.tokens``. Answers are plain data in the shapes of kiosk/server/openapi.yaml; no answer
carries a NIK, a name or a booking code.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.backends.calls import CallBook, call_to_dict, counter_view_to_dict
from kiosk.core import calling
from kiosk.core.calling import Step
from kiosk.core.clock import WIB, Clock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason
from kiosk.core.office import DayOverrides, notice_to_dict
from kiosk.speech import tts, wavtrim

log = logging.getLogger(__name__)

COUNTER_ROLE = "counter"  # the role in the tokens file (kiosk.server.tokens)
# A display's long poll: it waits at most this long for a call, and at most this share of the
# server's worker threads may be waiting at once (waitress runs one request per thread: a display
# beyond that gets an answer at once and polls). Out-of-process calls (``kiosk call`` on the same
# day book) are seen by looking at the day book every ``LONG_POLL_CHECK_S``.
LONG_POLL_MAX_S = 8.0  # short: a pinned thread is freed soon, a dead connection noticed soon
LONG_POLL_CHECK_S = 1.0
# The short form is read a little faster: it is said many times in a row during a burst.
SHORT_VOICE = tts.Voice("id", words_per_minute=185)
FULL_VOICE = tts.Voice("id")


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
        self._new_call = threading.Condition()
        self._waiters = 0
        self.max_waiters = max(1, config.server.threads // 4)

    def close(self) -> None:
        self.calls.close()

    # -- the counter ----------------------------------------------------------------------

    def step(
        self, counter_id: str, step: Step, key: str, ticket_id: str | None = None, service: str | None = None
    ) -> dict[str, Any]:
        now = self.clock.now()
        call = self.calls.step(counter_id, step, now, key, ticket_id, service)
        with self._new_call:
            self._new_call.notify_all()  # the displays waiting in a long poll answer now
        log.info("counter %s: %s %s", counter_id, step.value, call.number)
        return {"call": call_to_dict(call)}

    def counter(self, counter_id: str) -> dict[str, Any]:
        return counter_view_to_dict(self.calls.counter_view(counter_id, self.clock.now()))

    def take_back(self, counter_id: str, number: str, key: str) -> dict[str, Any]:
        """Put a no-show who came back at the head of their service's line (audited in call_steps)."""
        call = self.calls.take_back(counter_id, number, self.clock.now(), key)
        log.warning("counter %s: took back no-show %s", counter_id, call.number)
        return {"call": call_to_dict(call)}

    # -- the hall -------------------------------------------------------------------------

    def display(self, after: tuple[str, int] | None = None, wait_s: float = 0.0) -> dict[str, Any]:
        """The hall's view; ``after`` = the (day, seq) of the last call the display saw.

        With ``after``, every call since is in the answer (not only the newest ten). With
        ``wait_s`` > 0 the answer waits (a long poll, bounded) until there is such a call.
        """
        now = self.clock.now().astimezone(WIB)
        after_seq = None
        if after is not None:
            after_seq = after[1] if after[0] == now.date().isoformat() else 0  # a new day: all of today's are new
        waited = False
        if after_seq is not None and wait_s > 0:
            waited = self._wait_for_call(now.date(), after_seq, min(wait_s, LONG_POLL_MAX_S))
        view = self.calls.display(self.clock.now(), after_seq=after_seq)
        return {
            "calls": [call_to_dict(c) for c in view.calls],
            "waiting": view.waiting,
            "services": {s.code: s.name for s in self.config.services},
            "day": now.date().isoformat(),
            "now": self.clock.now().isoformat(),
            "long_poll": waited,
            "notice": notice_to_dict(self.overrides(now.date()).notice_at(now) if self.overrides else None),
        }

    def _wait_for_call(self, day: date, after_seq: int, wait_s: float) -> bool:
        """Wait until a call after ``after_seq`` exists or ``wait_s`` passed; False if not allowed to wait."""
        with self._new_call:
            if self._waiters >= self.max_waiters:
                return False
            self._waiters += 1
        try:
            deadline = time.monotonic() + wait_s
            while self.calls.last_seq(day) <= after_seq:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                with self._new_call:
                    self._new_call.wait(min(left, LONG_POLL_CHECK_S))
            return True
        finally:
            with self._new_call:
                self._waiters -= 1

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
            "counter_name": found.counter_name,
        }

    def announcement(self, call_id: str, short: bool = False) -> Path:
        """The WAV of a call's announcement (rendered once, then cached); raises SpeechUnavailable.

        ``short``: "A nol nol satu Loket 1", for calls said one after another in a burst.
        """
        call = self.calls.find_call(call_id)
        if call is None:
            raise BadInput(Reason.CALL_UNKNOWN)
        if short:
            text, voice = calling.short_announcement_text(call.number, call.counter_name), SHORT_VOICE
        else:
            text, voice = calling.announcement_text(call.number, call.counter_name), FULL_VOICE
        path = tts.render(text, voice, self.speech_dir)
        try:
            return wavtrim.trimmed(path)
        except (OSError, EOFError, ValueError) as error:  # wave.Error is an Exception subclass
            log.warning("announcement %s: trailing silence kept (%s)", call_id, error)
            return path
