"""The kiosk app: screens, language, and the parts it wires together.

Its parts live beside it: the task runner, status poll and crash guard (``tasks``), the
scanner's key handling (``scanner``) and the idle timer with its warning (``idle``).

The contract other parts code against (the screens, the voice, tests, bench):
``KioskApp(kiosk, config, notifier=None)`` with ``kiosk``, ``config``, ``language``,
``choose_language(code)``, ``tr(text)``, ``run_task(work, on_done, on_error) -> bool``,
``go(name, **kwargs)``, ``go_home()``, ``show_error(error)``, ``speak(text)`` (non-blocking),
``technician_unlocked``, ``exit_kiosk()`` and ``notifier``. A screen may define
``prepare(**kwargs)`` (called by ``go`` before it shows), ``reset()`` (wipe what was typed;
called on the way home), ``idle_timeout_s`` (None: never times out; a number: its own
timeout, without the idle warning unless ``idle_warns = True``) and ``on_scan(text) -> bool``
(take scanner input).
"""

from __future__ import annotations

import importlib
import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kivy.app import App
from kivy.clock import Clock
from kivy.config import Config as KivyConfig
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk import i18n
from kiosk.core.config import Config
from kiosk.core.errors import KioskError, Reason, Refusal, SystemFault
from kiosk.core.usecases import Kiosk
from kiosk.i18n import N_, translator
from kiosk.messages import explain
from kiosk.ops.systemd import SystemdNotifier
from kiosk.ops.watchdog import Heartbeat, start_watchdog
from kiosk.ui import voice
from kiosk.ui.idle import PROMPT as IDLE_PROMPT
from kiosk.ui.idle import TICK_S as IDLE_TICK_S
from kiosk.ui.idle import TONE_PATH, IdleRule, IdleTimer, warning_length
from kiosk.ui.lang import Lang
from kiosk.ui.nonvisual import KEY_TONE_PATH, KEYPAD_IDLE_PROMPT, KeypadControl
from kiosk.ui.scanner import ScannerInput
from kiosk.ui.tasks import CrashGuard, SidePoll, TaskRunner

if TYPE_CHECKING:
    from kiosk.core.pin import PinGate

log = logging.getLogger(__name__)
PAPER_NEAR_END_NOTICE = N_("Petugas: kertas printer hampir habis, segera ganti gulungan.")

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

# Left out of the first frame and loaded by the first status poll, on its thread, before anyone
# can tap: the NIK check (python-stdnum), the people-ahead estimate of a new ticket and qrcode
# (the ticket's code; the home screen's is read back from the data folder, kiosk.ui.qr).
WARM_MODULES = ("stdnum.id.nik", "kiosk.backends.calls", "qrcode")

# Printer readiness, slots left and the office's changes of today (a closed service, a quota, a
# notice), refreshed off the UI thread: an office change shows within this (issue 14 asks 10 s).
# One poll is GET /v1/quotas and POST /v1/kiosks/health, a few ms of the server's time
# (docs/operations.md, "How soon a kiosk sees a change").
STATUS_POLL_S = 5.0
PREBUILD_TICK_S = 0.2


class KioskRoot(FloatLayout):
    """The screen manager plus what lies above every screen (the busy veil)."""

    manager = ObjectProperty(None)


class KioskApp(App):
    """The touchscreen kiosk. Built with the use cases and the parsed config."""

    language = StringProperty("id")
    technician_unlocked = BooleanProperty(False)
    busy = BooleanProperty(False)  # a task runs: the veil shows and taps do nothing
    busy_text = StringProperty("")
    idle_left = NumericProperty(0)  # seconds before going home while the idle warning shows; else 0
    printer_problem = StringProperty("")  # banner on the home screen; "" when it can print
    printer_notice = StringProperty("")  # a small line for staff (paper near end); "" when none
    quotas = ListProperty([])  # ServiceQuota of every service, refreshed by the status poll
    quotas_failed = BooleanProperty(False)  # the last ask for slots failed (backend down)
    office_notice = ObjectProperty(None, allownone=True)  # the office's Notice shown now; None when none
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
        self.config = config  # ours, not Kivy's ConfigParser
        self.notifier = notifier or SystemdNotifier()
        self.monotonic = monotonic
        self.language = config.ui.language
        self.lang = Lang(self.language)
        self.title = "Antrian"
        self.tasks = TaskRunner(self._set_busy, self.recover, deliver=lambda cb, value: self._finish(cb, value))
        self.status_poll = SidePoll(self._poll_status, self._status_arrived)
        self.crash_guard = CrashGuard(self.recover)
        self.idle = IdleTimer(monotonic, self._idle_warning, self._idle_warning_started, self._idle_timeout)
        self._tone: Any = None
        self.scanner = ScannerInput(self.scanned, time.monotonic)
        self._events: list[Any] = []
        self._heartbeat: Heartbeat | None = None
        self._ready_sent = False
        self.technician_gate: PinGate | None = None  # built on the first visit of the PIN screen
        self.root_widget: KioskRoot | None = None
        self.speaker: voice.Speaker | None = None  # built with the window (kiosk.ui.voice.attach)
        self.listening = False  # this person asked to hear the screens
        self.keypad: KeypadControl | None = None  # the USB numeric keypad (kiosk.ui.nonvisual); built with the window
        self._key_tone: Any = None
        self._last_touch_screen: Any = None
        self._status_held = False  # True from on_start until the first frame is drawn
        self._warmed_up = False

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
        self.keypad = KeypadControl(self, self.play_key_tone)
        return root

    def on_start(self) -> None:
        self.crash_guard.install()
        KivyConfig.set("kivy", "exit_on_escape", "0")
        Window.bind(on_request_close=self._on_request_close, on_key_down=self._on_key_down)
        Window.bind(on_touch_down=self._on_any_touch)
        self._events = [
            Clock.schedule_interval(self._idle_tick, IDLE_TICK_S),
            Clock.schedule_interval(self._clock_tick, 1.0),
            Clock.schedule_interval(self._status_tick, STATUS_POLL_S),
        ]
        self._clock_tick(0)
        # The first status poll waits for the first frame: it builds the printer (python-escpos)
        # on its thread, and a thread importing competes with the UI thread for the GIL.
        self._status_held = True
        self.go_home()
        try:
            settle_layout(self.root)
        except Exception:  # noqa: BLE001 - only a head start: the clock lays the screen out anyway
            log.exception("laying the first frame out early failed")
        Clock.schedule_once(self._after_first_frame, -1)  # -1: in the first frame, before it is drawn

    def _first_frame_drawn(self, *_args: Any) -> None:
        """The home screen is on the glass: tell systemd READY=1 and start the watchdog pings."""
        Window.unbind(on_flip=self._first_frame_drawn)
        width, height = Window.size
        log.info("first frame drawn (%dx%d, %s)", width, height, self.manager.current if self.manager else "-")
        self.notifier.ready()
        # Pings from the UI clock, from READY on: a frozen UI stops them and systemd restarts it.
        self._heartbeat = start_watchdog(self.notifier, Clock.schedule_interval)
        # The other screens are built one per tick while home waits for its first person, so no
        # one pays a first-visit cost. Not before this: an interval counts from the clock's last
        # tick, which at start is before the window opened, so it fired within the first frame.
        self._events.append(Clock.schedule_interval(self._prebuild_screen, PREBUILD_TICK_S))

    def on_stop(self) -> None:
        self.crash_guard.uninstall()
        self.status_poll.stop()
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
        Window.unbind(on_flip=self._first_frame_drawn)
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

    def choose_language(self, language: str) -> None:
        """Show ``language`` (one of ``kiosk.i18n.LANGUAGES``) until this person is done."""
        if language not in i18n.LANGUAGES:
            log.warning("no such language: %r", language)
            return
        self.language = language

    def toggle_language(self) -> None:
        """The next of ``LANGUAGES`` (Indonesian, English, ...): the home screen's one-button choice."""
        languages = i18n.LANGUAGES
        index = languages.index(self.language) if self.language in languages else -1
        self.language = languages[(index + 1) % len(languages)]

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
        if not self.tasks.running:  # never compete with a request in flight
            self.screen_named(missing[0])
            return len(missing) > 1
        return True

    def go(self, screen_name: str, **kwargs: Any) -> None:
        screen = self.screen_named(screen_name)
        prepare = getattr(screen, "prepare", None)
        if prepare is not None:
            prepare(**kwargs)
        self.manager.current = screen_name
        # Even NoTransition stays "active" until the next clock tick, and ScreenManager drops every
        # touch meanwhile: a quick first tap on the new screen was lost. Finish it now.
        self.manager.transition.stop()
        self.touched()

    def go_home(self) -> None:
        """Home for the next person: input wiped, the default language, speech off, technician mode locked."""
        self.technician_unlocked = False
        self.listening = False  # before the language: its change must not speak to the next person
        if self.keypad is not None:
            self.keypad.reset()
        if self.speaker is not None:
            self.speaker.next_person()  # silence, the configured volume
        self.language = self.config.ui.language
        self._go_to_start()
        if not self._ready_sent:
            self._ready_sent = True
            # READY=1 and the watchdog wait for the first frame on the screen (_first_frame_drawn):
            # a kiosk whose first frame never comes is not ready, and TimeoutStartSec restarts it.
            Window.bind(on_flip=self._first_frame_drawn)
        self.refresh_status()

    def go_start(self) -> None:
        """Home for the same person ("Kembali", the keypad's cancel): what was typed is wiped,
        the language, speech and the volume this person chose stay."""
        self._go_to_start()
        self.refresh_status()

    def _go_to_start(self) -> None:
        self.scanner.clear()
        for screen in self.manager.screens:
            reset = getattr(screen, "reset", None)
            if reset is not None:
                reset()
        self.go("home")

    def show_error(self, error: KioskError, **kwargs: Any) -> None:
        """The refusal or fault screen: the title and next step of ``kiosk.messages.explain``."""
        self.go("error", error=error, **kwargs)

    def explain(self, error: KioskError) -> tuple[str, str]:
        message = explain(error, self.language, today=self.kiosk.clock.now().date())
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
        if self.tasks.running:
            return False
        self.busy_text = busy_text or self.tr(N_("Mohon tunggu ..."))
        return self.tasks.run(work, on_done, on_error or self.show_error)

    @property
    def task_running(self) -> bool:
        return self.tasks.running

    def _finish(self, callback: Callable[[Any], None], value: Any) -> None:
        self.tasks.finish(callback, value)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if not busy:
            self.touched()

    def recover(self, error: BaseException) -> None:
        """After a bug in a UI callback: the error screen for this person, then home as ever.

        Never raises: it is what runs when something else did.
        """
        try:
            if not self.tasks.running:
                self.busy = False  # a veil left up by the failed callback would block every tap
            self.show_error(SystemFault(Reason.UNEXPECTED))
        except Exception:  # noqa: BLE001 - the error screen failed too: home is the last place to go
            log.exception("the error screen failed after %s; going home", type(error).__name__)
            try:
                self.go_home()
            except Exception:  # noqa: BLE001 - the main loop goes on; the watchdog sees a frozen UI
                log.exception("going home failed too")

    @property
    def _polling(self) -> bool:
        """A status poll is asked or on its way (the test harness and screenshots wait for it)."""
        return self._status_held or self.status_poll.in_flight

    def _warm_up(self) -> None:
        """What the cold start left out, loaded on the status thread before anyone taps: the other
        languages' catalogues (a language button), PIL's image plugins (the ticket picture) and
        ``WARM_MODULES``."""
        self._warmed_up = True
        try:
            for language in i18n.LANGUAGES:
                i18n.catalogue(language)
            for name in WARM_MODULES:
                importlib.import_module(name)
            from PIL import Image

            Image.init()
        except Exception:  # noqa: BLE001 - only a head start: the same work happens again when needed
            log.exception("warming up failed")

    def _after_first_frame(self, _dt: float) -> None:
        def release(_dt: float) -> None:  # the next tick: the first frame is on the screen
            self._status_held = False
            self.refresh_status()

        Clock.schedule_once(release, 0)

    def _status_tick(self, _dt: float) -> None:
        """The timer's poll. Skipped while the last one is still out (a slow or unreachable
        server): timer polls never queue up behind each other."""
        if not self.status_poll.in_flight:
            self.refresh_status()

    def refresh_status(self) -> None:
        """Ask for printer readiness and slots left on a side thread; the UI shows the answer."""
        if self._status_held:
            return  # asked once the first frame is drawn
        self.status_poll.ask()

    def _poll_status(self) -> tuple[Any, KioskError | None, list[Any] | None, tuple[Any] | None]:
        """On the side thread: the printer's readiness (or why not), today's quotas (or None) and
        the office's notice (in a 1-tuple: ``(None,)`` is "no notice", None "could not tell").

        Once the app has stopped, the parts not yet asked are skipped (see ``SidePoll.stop``)."""
        if not self._warmed_up:
            self._warm_up()
        kiosk, poll = self.kiosk, self.status_poll
        problem: KioskError | None = None
        quotas: list[Any] | None = None
        readiness = None
        notice: tuple[Any] | None = None
        try:
            readiness = kiosk.printer_readiness()
        except KioskError as exc:
            problem = exc
        except Exception:  # noqa: BLE001 - a broken driver shows as "cannot print", not a crash
            self._poll_failed("printer readiness failed")
            problem = SystemFault(Reason.PRINTER_FAULT)
        if poll.stopped:
            return readiness, problem, quotas, notice
        try:
            quotas = kiosk.quotas()
        except Exception:  # noqa: BLE001 - keep the last known slots; the home screen stays up
            self._poll_failed("quotas failed")
        if poll.stopped:
            return readiness, problem, quotas, notice
        try:
            kiosk.report_health(readiness)  # an http kiosk tells the office's page; a local day book does nothing
        except Exception:  # noqa: BLE001 - a report is best effort, never the kiosk's end
            self._poll_failed("health report failed")
        if poll.stopped:
            return readiness, problem, quotas, notice
        try:
            notice = (kiosk.notice(),)  # after the quotas: over HTTP it came with their answer
        except Exception:  # noqa: BLE001 - keep the notice shown; the home screen stays up
            self._poll_failed("notice failed")
        return readiness, problem, quotas, notice

    def _poll_failed(self, what: str) -> None:
        """Log a part of the status poll that failed, with its traceback (call it in ``except``);
        not once the app has stopped: its day book may be closed under the poll by then."""
        if not self.status_poll.stopped:
            log.exception(what)

    def _status_arrived(self, answer: tuple[Any, KioskError | None, list[Any] | None, tuple[Any] | None]) -> None:
        readiness, problem, quotas, notice = answer
        if problem is not None or (readiness is not None and not readiness.can_print):
            self.printer_problem = self.tr(N_("Printer karcis sedang bermasalah. Mohon hubungi petugas."))
        else:
            self.printer_problem = ""
        near_end = readiness is not None and readiness.can_print and readiness.warning == "paper_near_end"
        self.printer_notice = self.tr(PAPER_NEAR_END_NOTICE) if near_end else ""
        self.quotas_failed = quotas is None
        if quotas is not None:
            self.quotas = quotas
        if notice is not None:
            self.office_notice = notice[0]

    # -- idle timeout ---------------------------------------------------------------------

    def touched(self) -> bool:
        """Someone is there: restart the idle countdown. True if this ended the idle warning."""
        return self.idle.restart(self._idle_rule(self.screen))

    def _idle_rule(self, screen: Any) -> IdleRule:
        """A screen's ``idle_timeout_s`` (0: the configured one, None: never) and its warning.

        Only screens on the configured timeout warn (unless ``idle_warns`` says otherwise):
        a screen with a timeout of its own, such as the number shown for 20 s, has chosen
        when to go home.
        """
        own = getattr(screen, "idle_timeout_s", 0)
        if own is None:
            return IdleRule(math.inf, 0.0)
        timeout = float(own or self.config.ui.idle_timeout_s)
        warns = bool(getattr(screen, "idle_warns", not own))
        return IdleRule(timeout, warning_length(timeout, warns))

    def _idle_tick(self, _dt: float) -> None:
        if self.busy:
            self.idle.pause()
            return
        self.idle.tick()

    def _idle_warning(self, seconds_left: int) -> None:
        self.idle_left = seconds_left

    def _idle_warning_started(self) -> None:
        log.info("idle on %s: asking whether the person is still there", self.manager.current)
        self.play_tone()
        keypad_in_use = self.keypad is not None and self.keypad.active
        self.speak(self.tr(KEYPAD_IDLE_PROMPT if keypad_in_use else IDLE_PROMPT))

    def _idle_timeout(self) -> None:
        log.info("idle on %s: back home", self.manager.current)
        self.go_home()

    def _on_any_touch(self, _window: Any, touch: Any) -> bool:
        # The second half of a double tap belongs to what the first half pressed. When that
        # press changed the screen ("Selesai" going home), it must not press what now lies under
        # the finger (the next person's language buttons).
        previous, self._last_touch_screen = self._last_touch_screen, self.manager.current_screen
        if getattr(touch, "is_double_tap", False) and previous is not self.manager.current_screen:
            log.info("the second tap of a double tap on %s went nowhere", self.manager.current)
            return True
        # A touch that ends the warning only ends it: it must not press what lies under the overlay.
        return self.touched()

    # -- sound ----------------------------------------------------------------------------

    def play_key_tone(self) -> None:
        """The echo of a NIK digit (the digit itself is private), at this person's volume."""
        if self._key_tone is None:
            from kivy.core.audio import SoundLoader

            self._key_tone = SoundLoader.load(str(KEY_TONE_PATH)) or False
        if self._key_tone:
            self._key_tone.stop()
            if self.speaker is not None:
                self._key_tone.volume = self.speaker.volume
            self._key_tone.play()

    def play_tone(self) -> None:
        """The idle warning's chime, through Kivy's audio; silent where the machine has no sound."""
        if self._tone is None:
            from kivy.core.audio import SoundLoader

            self._tone = SoundLoader.load(str(TONE_PATH)) or False  # False: tried, no audio here
        if self._tone:
            self._tone.stop()
            self._tone.play()

    def _clock_tick(self, _dt: float) -> None:
        from kiosk.messages import format_day

        now = self.kiosk.clock.now()
        self.clock_text = now.strftime("%H:%M")
        self.date_text = format_day(now.date(), self.language)

    # -- keyboard: the barcode scanner ----------------------------------------------------

    def _on_key_down(self, _window: Any, key: int, _scancode: Any, codepoint: Any, modifiers: Any) -> bool:
        self.touched()
        keypad = self.keypad
        # A scanner may end its line with keypad Enter: while a scan is coming in, its keys are its own.
        if keypad is not None and keypad.wants(key) and not self.scanner.scanning:
            return keypad.key_down(key)
        return self.scanner.key_down(key, codepoint, modifiers or ())

    def echo_key(self, pad: Any, value: str) -> None:
        """A key of an on-screen or USB keypad typed ``value`` into ``pad``: said back to a listener."""
        if self.keypad is not None:
            self.keypad.echo(pad, value)

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

        def look() -> tuple[Any, bool]:
            booking = self.kiosk.find_booking(query)
            return booking, booking.ticket_number is not None and self.kiosk.booking_reprint_left(booking)

        def found(answer: tuple[Any, bool]) -> None:
            booking, reprint_left = answer
            if booking.ticket_number is not None:  # already checked in: its number, and the reprint if left
                refusal = Refusal(Reason.ALREADY_CHECKED_IN, number=booking.ticket_number, reprint_left=reprint_left)
                self.show_error(refusal, query=query)
                return
            self.go("confirm", booking=booking, query=query)

        def refused(error: KioskError) -> None:
            self.show_error(error, query=query)

        return self.run_task(look, found, refused, self.tr(N_("Mencari pendaftaran ...")))


def settle_layout(root: Any) -> None:
    """Lay the tree out now, parents before children, before the first frame's clock runs.

    Left to the clock, a label renders its text at the size it has when its own update comes up:
    the default 100x100, or a size its layout had before the layout above it ran, wrapping word by
    word into a column a few letters wide; then again at its real size. Laid out first, each
    label of the home screen renders once: 6 ms of the 8 ms its labels took (docs/benchmarks.md,
    "Round five"). The clock's own layout pass still runs and finds nothing left to change.
    """
    from kivy.uix.layout import Layout

    for widget in root.walk(restrict=True):
        if isinstance(widget, Layout):
            widget.do_layout()


def _import_screen(target: str) -> type:
    module_name, class_name = target.split(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]
