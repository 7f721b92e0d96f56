"""The kiosk app: screens, the one-task-at-a-time worker, idle timeout, scanner input.

The contract other parts code against (the technician screens, tests, bench):
``KioskApp(kiosk, config, notifier=None)`` with ``kiosk``, ``config``, ``language``,
``tr(text)``, ``run_task(work, on_done, on_error) -> bool``, ``go(name, **kwargs)``,
``go_home()``, ``show_error(error)``, ``technician_unlocked``, ``exit_kiosk()`` and
``notifier``. A screen may define ``prepare(**kwargs)`` (called by ``go`` before it shows),
``reset()`` (wipe what was typed; called on the way home), ``idle_timeout_s`` (None: never
times out; a number: its own timeout) and ``on_scan(text) -> bool`` (take scanner input).
"""

from __future__ import annotations

import importlib
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.config import Config as KivyConfig
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.core.config import Config
from kiosk.core.errors import KioskError, Reason, Refusal, SystemFault
from kiosk.core.usecases import Kiosk
from kiosk.i18n import N_, translator
from kiosk.messages import explain
from kiosk.ops.systemd import SystemdNotifier
from kiosk.ops.watchdog import Heartbeat, start_watchdog
from kiosk.ui import voice
from kiosk.ui.lang import Lang

log = logging.getLogger(__name__)

TECHNICIAN_MODULE = "kiosk.ui.technician"

# (screen name, "module:Class"). Only home is built at start; each other screen (its module and
# KV rules) on its first visit, which takes about 0.4 s off the cold start on this hardware.
SCREENS: tuple[tuple[str, str], ...] = (
    ("home", "kiosk.ui.home:HomeScreen"),
    ("entry", "kiosk.ui.entry:EntryScreen"),
    ("confirm", "kiosk.ui.confirm:ConfirmScreen"),
    ("walkin", "kiosk.ui.walkin:WalkInScreen"),
    ("done", "kiosk.ui.result:DoneScreen"),
    ("error", "kiosk.ui.result:ErrorScreen"),
    ("pin", f"{TECHNICIAN_MODULE}:PinScreen"),
    ("technician", f"{TECHNICIAN_MODULE}:TechnicianScreen"),
)

STATUS_POLL_S = 15.0  # printer readiness and slots left, refreshed off the UI thread
IDLE_TICK_S = 0.25
PREBUILD_TICK_S = 0.2
SCAN_GAP_S = 1.0  # keys further apart than this start a new scan
ENTER_KEYS = (13, 271)  # Return, keypad Enter
ESCAPE_KEY = 27
BACKSPACE_KEY = 8


class KioskRoot(FloatLayout):
    """The screen manager plus what lies above every screen (the busy veil)."""

    manager = ObjectProperty(None)


class KioskApp(App):
    """The touchscreen kiosk. Built with the use cases and the parsed config."""

    language = StringProperty("id")
    technician_unlocked = BooleanProperty(False)
    busy = BooleanProperty(False)  # a task runs: the veil shows and taps do nothing
    busy_text = StringProperty("")
    idle_left = NumericProperty(0)  # whole seconds before going home; 0 when no countdown
    printer_problem = StringProperty("")  # banner on the home screen; "" when it can print
    quotas = ListProperty([])  # ServiceQuota of every service, refreshed by the status poll
    quotas_failed = BooleanProperty(False)  # the last ask for slots failed (backend down)
    clock_text = StringProperty("")
    date_text = StringProperty("")
    lang = ObjectProperty(None, rebind=True)

    def __init__(
        self,
        kiosk: Kiosk,
        config: Config,
        notifier: SystemdNotifier | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.kiosk = kiosk
        self.config = config  # type: ignore[assignment]  # ours, not Kivy's ConfigParser
        self.notifier = notifier or SystemdNotifier()
        self.monotonic = monotonic
        self.language = config.ui.language
        self.lang = Lang(self.language)
        self.title = "Antrian"
        self._task: threading.Thread | None = None
        self._polling = False
        self._poll_again = False
        self._deadline = 0.0
        self._scan_buffer: list[str] = []
        self._last_key = 0.0
        self._events: list[Any] = []
        self._heartbeat: Heartbeat | None = None
        self._ready_sent = False
        self.root_widget: KioskRoot | None = None
        self.speaker: voice.Speaker | None = None  # built with the window (kiosk.ui.voice.attach)
        self.listening = False  # this person asked to hear the screens

    # -- Kivy life cycle ------------------------------------------------------------------

    def load_config(self) -> Any:
        """Keep our Config: Kivy's own settings file and F1 panel have no place on a kiosk."""
        return self.config

    def _install_settings_keys(self, window: Any) -> None:
        pass

    def open_settings(self, *largs: Any) -> bool:
        return False

    def build(self) -> KioskRoot:
        from kiosk.ui import widgets

        widgets.load_kv()
        widgets.load_kv("root")
        root = KioskRoot()
        manager = ScreenManager(transition=NoTransition())
        root.manager = manager
        manager.add_widget(_import_screen(dict(SCREENS)["home"])(name="home"))
        root.add_widget(manager, index=len(root.children))
        self.root_widget = root
        voice.attach(self, root)
        return root

    def on_start(self) -> None:
        KivyConfig.set("kivy", "exit_on_escape", "0")
        Window.bind(on_request_close=self._on_request_close, on_key_down=self._on_key_down)
        Window.bind(on_touch_down=self._on_any_touch)
        self._events = [
            Clock.schedule_interval(self._idle_tick, IDLE_TICK_S),
            Clock.schedule_interval(self._clock_tick, 1.0),
            Clock.schedule_interval(lambda _dt: self.refresh_status(), STATUS_POLL_S),
        ]
        self._clock_tick(0)
        self.go_home()
        self.refresh_status()

    def on_stop(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()
        for event in self._events:
            event.cancel()
        self._events = []
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None
        Window.unbind(on_request_close=self._on_request_close, on_key_down=self._on_key_down)
        Window.unbind(on_touch_down=self._on_any_touch)
        self.notifier.stopping()

    def speak(self, text: str) -> None:
        """Say ``text`` in the current language; returns at once (kiosk.ui.voice.Speaker)."""
        if self.speaker is not None:
            self.speaker.say(text, self.language)

    # -- language -------------------------------------------------------------------------

    def tr(self, text: str) -> str:
        return translator(self.language)(text)

    def on_language(self, _app: Any, language: str) -> None:
        if self.lang is not None:
            self.lang.switch(language)
        self._clock_tick(0)

    def toggle_language(self) -> None:
        self.language = "en" if self.language == "id" else "id"

    # -- moving between screens -----------------------------------------------------------

    @property
    def manager(self) -> ScreenManager:
        assert self.root_widget is not None
        return self.root_widget.manager

    @property
    def screen(self) -> Any:
        return self.manager.current_screen

    def screen_named(self, name: str) -> Any:
        """The screen called ``name``, built on its first use."""
        if not self.manager.has_screen(name):
            self.manager.add_widget(_import_screen(dict(SCREENS)[name])(name=name))
        return self.manager.get_screen(name)

    def _prebuild_screen(self, _dt: float) -> bool:
        missing = [name for name, _target in SCREENS if not self.manager.has_screen(name)]
        if not missing:
            return False  # ends the schedule
        if self._task is None:  # never compete with a request in flight
            self.screen_named(missing[0])
            return len(missing) > 1
        return True

    def go(self, screen_name: str, **kwargs: Any) -> None:
        screen = self.screen_named(screen_name)
        prepare = getattr(screen, "prepare", None)
        if prepare is not None:
            prepare(**kwargs)
        self.manager.current = screen_name
        self.touched()

    def go_home(self) -> None:
        """Home for the next person: input wiped, the default language, technician mode locked."""
        self.technician_unlocked = False
        self.language = self.config.ui.language
        self._scan_buffer.clear()
        for screen in self.manager.screens:
            reset = getattr(screen, "reset", None)
            if reset is not None:
                reset()
        self.go("home")
        if not self._ready_sent:
            self._ready_sent = True
            self.notifier.ready()
            # Pings from the UI clock, from READY on: a frozen UI stops them and systemd restarts it.
            self._heartbeat = start_watchdog(self.notifier, Clock.schedule_interval)
            # The other screens are built one per tick while home waits for its first person,
            # so no one pays a first-visit cost and the first frame did not wait for them.
            self._events.append(Clock.schedule_interval(self._prebuild_screen, PREBUILD_TICK_S))
        self.refresh_status()

    def show_error(self, error: KioskError, **kwargs: Any) -> None:
        """The refusal or fault screen: the title and next step of ``kiosk.messages.explain``."""
        self.go("error", error=error, **kwargs)

    def explain(self, error: KioskError) -> tuple[str, str]:
        message = explain(error, self.language)
        return message.title, message.hint

    def exit_kiosk(self) -> bool:
        """Leave the app; only from technician mode."""
        if not self.technician_unlocked:
            return False
        self.stop()
        return True

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        return not self.technician_unlocked  # True keeps the window open

    # -- work off the UI thread -----------------------------------------------------------

    def run_task(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[KioskError], None] | None = None,
        busy_text: str = "",
    ) -> bool:
        """Run ``work()`` on a worker thread, then ``on_done(result)`` or ``on_error(error)`` on the UI thread.

        Returns False, doing nothing, while another task runs: a second tap is ignored. Any
        exception that is not a ``KioskError`` is logged and reported as a backend fault.
        """
        if self._task is not None:
            return False
        self.busy = True
        self.busy_text = busy_text or self.tr(N_("Mohon tunggu ..."))
        handle_error = on_error or self.show_error

        def worker() -> None:
            try:
                result = work()
            except KioskError as exc:
                Clock.schedule_once(lambda _dt, error=exc: self._finish(handle_error, error), 0)
            except Exception:  # noqa: BLE001 - a crash in a worker must reach the screen, not vanish
                log.exception("task failed")
                fault = SystemFault(Reason.BACKEND_FAULT)
                Clock.schedule_once(lambda _dt: self._finish(handle_error, fault), 0)
            else:
                Clock.schedule_once(lambda _dt: self._finish(on_done, result), 0)

        self._task = threading.Thread(target=worker, name="kiosk-task", daemon=True)
        self._task.start()
        return True

    @property
    def task_running(self) -> bool:
        return self._task is not None

    def _finish(self, callback: Callable[[Any], None], value: Any) -> None:
        self._task = None
        self.busy = False
        self.touched()
        callback(value)

    def refresh_status(self) -> None:
        """Ask for printer readiness and slots left on a side thread; the UI shows the answer."""
        if self._polling:
            self._poll_again = True  # the answer on its way may predate what prompted this ask
            return
        self._polling = True
        self._poll_again = False
        kiosk = self.kiosk

        def worker() -> None:
            problem: KioskError | None = None
            quotas: list[Any] | None = None
            readiness = None
            try:
                readiness = kiosk.printer_readiness()
            except KioskError as exc:
                problem = exc
            except Exception:  # noqa: BLE001 - a broken driver shows as "cannot print", not a crash
                log.exception("printer readiness failed")
                problem = SystemFault(Reason.PRINTER_FAULT)
            try:
                quotas = kiosk.quotas()
            except Exception:  # noqa: BLE001 - keep the last known slots; the home screen stays up
                log.exception("quotas failed")
            Clock.schedule_once(lambda _dt: self._status_arrived(readiness, problem, quotas), 0)

        threading.Thread(target=worker, name="kiosk-status", daemon=True).start()

    def _status_arrived(self, readiness: Any, problem: KioskError | None, quotas: list[Any] | None) -> None:
        self._polling = False
        if self._poll_again:
            self.refresh_status()
        if problem is not None or (readiness is not None and not readiness.can_print):
            self.printer_problem = self.tr(N_("Printer karcis sedang bermasalah. Mohon hubungi petugas."))
        else:
            self.printer_problem = ""
        self.quotas_failed = quotas is None
        if quotas is not None:
            self.quotas = quotas

    # -- idle timeout ---------------------------------------------------------------------

    def touched(self) -> None:
        """Someone is there: restart the idle countdown."""
        self._deadline = self.monotonic() + self._timeout_of(self.screen)

    def _timeout_of(self, screen: Any) -> float:
        own = getattr(screen, "idle_timeout_s", 0)
        if own is None:
            return math.inf
        return float(own or self.config.ui.idle_timeout_s)

    def _idle_tick(self, _dt: float) -> None:
        screen = self.screen
        if self.busy or getattr(screen, "idle_timeout_s", 0) is None:
            self.idle_left = 0
            return
        left = self._deadline - self.monotonic()
        if left <= 0:
            log.info("idle on %s: back home", screen.name)
            self.go_home()
            return
        self.idle_left = math.ceil(left)

    def _on_any_touch(self, *_args: Any) -> bool:
        self.touched()
        return False

    def _clock_tick(self, _dt: float) -> None:
        from kiosk.messages import format_day

        now = self.kiosk.clock.now()
        self.clock_text = now.strftime("%H:%M")
        self.date_text = format_day(now.date(), self.language)

    # -- keyboard: the barcode scanner ----------------------------------------------------

    def _on_key_down(self, _window: Any, key: int, _scancode: Any, codepoint: Any, _modifiers: Any) -> bool:
        self.touched()
        now = time.monotonic()  # real time: a scanner types a whole line within milliseconds
        if now - self._last_key > SCAN_GAP_S:
            self._scan_buffer.clear()  # a stray key pressed long ago is not part of this scan
        self._last_key = now
        if key == ESCAPE_KEY:
            return True  # never leaves the app; on_request_close decides for the window
        if key in ENTER_KEYS:
            text = "".join(self._scan_buffer).strip()
            self._scan_buffer.clear()
            if text:
                self.scanned(text)
            return True
        if key == BACKSPACE_KEY:
            if self._scan_buffer:
                self._scan_buffer.pop()
            return True
        char = codepoint if isinstance(codepoint, str) and len(codepoint) == 1 else None
        if char is None and 32 <= key < 127:
            char = chr(key)
        if char is not None and char.isprintable() and len(self._scan_buffer) < 200:
            self._scan_buffer.append(char)
        return True

    def scanned(self, text: str) -> None:
        """A scanner (or keyboard) sent a line: the current screen may take it, else look it up."""
        handler = getattr(self.screen, "on_scan", None)
        if handler is not None and handler(text):
            return
        if self.busy or self.manager.current in ("pin", "technician"):
            return
        self.look_up(text)

    def look_up(self, query: str) -> bool:
        """Find today's booking for a NIK or code; confirm it, or explain why not."""

        def found(booking: Any) -> None:
            if booking.ticket_number is not None:  # already checked in: its number, and the one reprint
                self.show_error(Refusal(Reason.ALREADY_CHECKED_IN, number=booking.ticket_number), query=query)
                return
            self.go("confirm", booking=booking, query=query)

        def refused(error: KioskError) -> None:
            self.show_error(error, query=query)

        return self.run_task(
            lambda: self.kiosk.find_booking(query), found, refused, self.tr(N_("Mencari pendaftaran ..."))
        )


def _import_screen(target: str) -> type:
    module_name, class_name = target.split(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]
