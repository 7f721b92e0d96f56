"""Work off the UI thread, and the last line of defence against a failing UI callback.

``TaskRunner``: one request at a time (a second tap is ignored) on a worker thread, its
answer delivered on the UI thread. ``SidePoll``: a background refresh (printer readiness,
slots left) that never overlaps itself and coalesces asks. ``CrashGuard``: Kivy's
``ExceptionManager`` handler; an exception in any callback of the main loop (Clock events,
property bindings, touch handlers, task callbacks) is logged and shown as the error screen,
and the loop goes on: the kiosk never exits from a bug.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock

from kiosk.core.errors import KioskError, Reason, SystemFault

log = logging.getLogger(__name__)

OnError = Callable[[KioskError], None]


class TaskRunner:
    """Runs ``work()`` on a worker thread, then ``on_done(result)`` or ``on_error(error)`` on the UI thread.

    ``on_busy(True)`` before the worker starts and ``on_busy(False)`` before its answer is
    handled. A callback that raises is reported to ``on_crash`` (the app shows the error screen).
    """

    THREAD_NAME = "kiosk-task"

    def __init__(
        self,
        on_busy: Callable[[bool], None],
        on_crash: Callable[[BaseException], None],
        deliver: Callable[[Callable[[Any], None], Any], None] | None = None,
    ) -> None:
        self._on_busy = on_busy
        self._on_crash = on_crash
        # How an answer reaches the UI thread's handler: ``finish`` unless the app wraps it
        # (bench/ui.py times the answer's arrival there).
        self._deliver = deliver or self.finish
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None], on_error: OnError) -> bool:
        """Start ``work``; False, doing nothing, while another task runs."""
        if self._thread is not None:
            return False

        def worker() -> None:
            try:
                result = work()
            except KioskError as exc:
                Clock.schedule_once(lambda _dt, error=exc: self._deliver(on_error, error), 0)
            except Exception:  # noqa: BLE001 - a crash in a worker must reach the screen, not vanish
                log.exception("task failed")
                fault = SystemFault(Reason.BACKEND_FAULT)
                Clock.schedule_once(lambda _dt: self._deliver(on_error, fault), 0)
            else:
                Clock.schedule_once(lambda _dt: self._deliver(on_done, result), 0)

        self._on_busy(True)
        self._thread = threading.Thread(target=worker, name=self.THREAD_NAME, daemon=True)
        self._thread.start()
        return True

    def finish(self, callback: Callable[[Any], None], value: Any) -> None:
        """On the UI thread: the task is over; hand its answer to ``callback``."""
        self._thread = None
        self._on_busy(False)
        try:
            callback(value)
        except Exception as exc:  # noqa: BLE001 - a bug in a screen's answer handler: error screen, not exit
            log.exception("task callback failed")
            self._on_crash(exc)


class SidePoll:
    """A refresh that runs ``work()`` on a side thread and hands its answer to ``deliver`` on the UI thread.

    Asks in one frame are coalesced by a Clock trigger; an ask while a poll is in flight
    runs once more after it (the answer on its way may predate what prompted the ask).
    ``stop()`` ends it with the app: nothing starts or is delivered after it.
    """

    THREAD_NAME = "kiosk-status"
    STOP_WAIT_S = 1.0  # at the app's end, how long a poll in flight may take to finish its current part

    def __init__(self, work: Callable[[], Any], deliver: Callable[[Any], None]) -> None:
        self._work = work
        self._deliver = deliver
        self._in_flight = False
        self._again = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._trigger = Clock.create_trigger(self._start, 0)

    @property
    def in_flight(self) -> bool:
        return self._in_flight or self._trigger.is_triggered != 0

    @property
    def stopped(self) -> bool:
        """The app stopped: ``work`` should end early and need not report what fails after this."""
        return self._stopped

    def ask(self) -> None:
        if self._stopped:
            return
        if self._in_flight:
            self._again = True
            return
        self._trigger()

    def stop(self) -> None:
        """For good, with the app. A poll in flight is given ``STOP_WAIT_S`` to end (``work`` checks
        ``stopped`` between its parts); one stuck longer in a network call is left to its timeout,
        and its answer is dropped. Before, a poll started in the app's last frame ran on after it
        and failed on the closed day book, logging into whatever came next."""
        self._stopped = True
        self._trigger.cancel()
        self._again = False
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self.STOP_WAIT_S)

    def _start(self, _dt: float) -> None:
        if self._stopped:
            return
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        self._again = False

        def worker() -> None:
            try:
                answer = self._work()  # ``work`` catches what it can explain; see KioskApp._poll_status
            except Exception:  # noqa: BLE001 - one failed poll must not stop every later one
                if not self._stopped:
                    log.exception("status poll failed")
                Clock.schedule_once(lambda _dt: self._failed(), 0)
            else:
                Clock.schedule_once(lambda _dt: self._arrived(answer), 0)

        self._thread = threading.Thread(target=worker, name=self.THREAD_NAME, daemon=True)
        self._thread.start()

    def _arrived(self, answer: Any) -> None:
        self._failed()
        if not self._stopped:
            self._deliver(answer)

    def _failed(self) -> None:
        self._in_flight = False
        if self._again:
            self.ask()


class CrashGuard(ExceptionHandler):  # Kivy's classes are Any to mypy (no type information)
    """Kivy's exception handler for the kiosk: log, show the error screen, carry on (``PASS``).

    Only an interrupt or ``SystemExit`` ends the loop. ``recover`` runs on the next frame,
    outside the frame that failed; if it fails too, the loop still goes on.
    """

    def __init__(self, recover: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._recover = recover
        self._pending: BaseException | None = None
        self.caught = 0

    def handle_exception(self, inst: BaseException) -> int:
        if isinstance(inst, (KeyboardInterrupt, SystemExit)):
            return int(ExceptionManager.RAISE)
        self.caught += 1
        log.error("a UI callback failed; the kiosk carries on", exc_info=inst)
        if self._pending is None:  # several failures in one frame: one recovery
            self._pending = inst
            Clock.schedule_once(self._run_recovery, 0)
        return int(ExceptionManager.PASS)

    def _run_recovery(self, _dt: float) -> None:
        inst, self._pending = self._pending, None
        if inst is not None:
            self._recover(inst)

    def install(self) -> None:
        ExceptionManager.add_handler(self)

    def uninstall(self) -> None:
        ExceptionManager.remove_handler(self)
