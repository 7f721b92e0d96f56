"""The UI test harness: the real Kivy window (offscreen, one per process) driven by simulated input.

``ui`` builds a ``KioskApp`` on a real SQLite day book in ``tmp_path`` with a FixedClock at
Monday 08:00 WIB and today's bookings, and gives the helpers: ``ui.tap(widget)`` (touch
down/up dispatched through the window, as a finger would), ``ui.long_press(widget, s)``,
``ui.type_keys(text)`` (key events as a USB barcode scanner sends them, ending with Enter),
``ui.wait_until(predicate, timeout)`` (pumps the Kivy clock and event loop), ``ui.find(text_or_id)``
and ``ui.texts()`` (every visible text on the current screen). Each test gets a fresh app; the
window is cleared between tests.

Pass options with ``@pytest.mark.ui_options(printer=..., backend=..., config={...})``.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kiosk.backends.daybook import DayBook
from kiosk.backends.importer import parse_rows
from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.errors import Reason, SystemFault
from kiosk.core.model import Ticket
from kiosk.core.nik import NikHasher
from kiosk.core.ports import PrinterReadiness
from kiosk.core.usecases import Kiosk
from kiosk.ops.systemd import SystemdNotifier


def _shared_test_data() -> Any:
    """tests/conftest.py's NIKs and helpers under a name of their own.

    Without ``__init__.py`` files every conftest is the module ``conftest``; loading this one
    replaces the root one in ``sys.modules``, so it re-exports the root's plain names below and
    ``from conftest import NIK_...`` keeps working in every test module.
    """
    name = "antrian_tests_shared"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent.parent / "conftest.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_shared = _shared_test_data()
globals().update(
    {key: value for key, value in vars(_shared).items() if key.isupper() or key in ("write_config", "make_nik")}
)
MONDAY_0800 = _shared.MONDAY_0800
NIK_MAN_1945 = _shared.NIK_MAN_1945
NIK_OTHER_REGION = _shared.NIK_OTHER_REGION
NIK_WOMAN_1990 = _shared.NIK_WOMAN_1990
NIK_YOUNG = _shared.NIK_YOUNG
write_config = _shared.write_config
run_cli = _shared.run_cli

WINDOW_SIZE = (1080, 1920)  # the reference portrait panel

# (code, NIK, name, service, day offset, slot, site)
BOOKINGS = (
    ("MGT7K3Q9", NIK_MAN_1945, "Siti Aminah", "KTP", 0, "08:00", "MPP"),
    ("MGT4P2X8", NIK_WOMAN_1990, "Budi Santoso", "CETAK", 0, "08:15", "MPP"),
    ("MGT5D3W1", NIK_OTHER_REGION, "Agus Prasetyo", "KK", 1, "09:00", "MPP"),
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ui_options(**kwargs): options for the ui fixture")


class PaperRoll:
    """A test printer implementing the TicketPrinter port, whose paper can run out.

    It stands in for hardware that cannot run here; the preview printer is used when it exists.
    """

    def __init__(self, state: str = "ready", jams: bool = False) -> None:
        self.state = state
        self.jams = jams  # says ready, then the paper jams while printing
        self.printed: list[Ticket] = []

    def readiness(self) -> PrinterReadiness:
        return PrinterReadiness(can_print=self.state == "ready", state=self.state)

    def print_ticket(self, ticket: Ticket, language: str | None = None) -> None:
        if self.state != "ready" or self.jams:
            raise SystemFault(Reason.PRINTER_FAULT)
        self.printed.append(ticket)

    def status(self) -> RollStatus:
        return RollStatus(self.state)

    def test_page(self) -> None:
        if self.state != "ready":
            raise SystemFault(Reason.PRINTER_FAULT)

    def feed_and_cut(self) -> None:
        if self.state != "ready":
            raise SystemFault(Reason.PRINTER_FAULT)


@dataclass(frozen=True)
class RollStatus:
    """PaperRoll's status report: a state, and no status bits (it has no DLE EOT)."""

    state: str
    detail: str = "no status bits"

    @property
    def can_print(self) -> bool:
        return self.state == "ready"

    def describe(self, language: str) -> str:
        return self.state

    def conditions(self, language: str) -> list[str]:
        return []

    def raw_lines(self) -> list[str]:
        return []


def default_printer(config: Config) -> Any:
    """The preview printer (PNG + raw bytes into the config's folder), or PaperRoll until it exists."""
    import os

    # escpos pickles its profile database here on first import and fails if the folder is missing
    os.makedirs(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], exist_ok=True)
    try:
        from printer.service import build_ticket_printer  # type: ignore[import-not-found]
    except ImportError:
        return PaperRoll()
    return build_ticket_printer(config)


class FakeMonotonic:
    """The idle timer's clock: moves only when a test travels."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def travel(self, seconds: float) -> None:
        self.now += seconds


def seed_bookings(config: Config, hasher: NikHasher, book: DayBook) -> None:
    from datetime import timedelta

    rows = []
    for index, (code, nik, name, service, offset, slot, site) in enumerate(BOOKINGS):
        day = (MONDAY_0800 + timedelta(days=offset)).date()
        rows.append(
            (
                index + 1,
                {"code": code, "nik": nik, "name": name, "service": service, "date": day.isoformat()}
                | {"slot": slot, "site": site},
            )
        )
    result = parse_rows(rows, config, hasher)
    assert not result.problems, result.problems
    book.upsert_bookings(result.bookings)


# SDL2 key events as kivy/core/window/window_sdl2.py dispatches them: the key code (Kivy's
# numbering), the USB HID scancode, the codepoint ``chr(key)`` (also for Shift: chr(304) "İ")
# and the modifiers after this key.
SHIFT_KEY, SHIFT_SCANCODE = 304, 225
ENTER_KEY, ENTER_SCANCODE = 13, 40
NUMPAD_ENTER_KEY, NUMPAD_ENTER_SCANCODE = 271, 88
TAB_KEY, TAB_SCANCODE = 9, 43
US_SHIFTED = dict(zip('!@#$%^&*()_+{}|:"<>?~', "1234567890-=[]\\;',./`", strict=True))


def _scancode(char: str) -> int:
    if "a" <= char <= "z":
        return 4 + ord(char) - ord("a")
    if "1" <= char <= "9":
        return 30 + ord(char) - ord("1")
    return {"0": 39, "-": 45, "=": 46, "/": 56, ".": 55, " ": 44}.get(char, 0)


def sdl_key_events(text: str, suffix: str = "enter", capitals: str = "sdl") -> list[tuple[Any, ...]]:
    """The key events an SDL2 window gives for a US-keyboard scanner typing ``text`` + ``suffix``."""
    events: list[tuple[Any, ...]] = []
    for char in text:
        shifted = char.isupper() or char in US_SHIFTED
        plain = US_SHIFTED.get(char, char.lower())
        key, scancode = ord(plain), _scancode(plain)
        if shifted:
            events.append(("down", SHIFT_KEY, SHIFT_SCANCODE, chr(SHIFT_KEY), ["shift"]))
            codepoint = char if capitals == "codepoint" else plain
            events.append(("down", key, scancode, codepoint, ["shift"]))
            events.append(("up", key, scancode))
            events.append(("up", SHIFT_KEY, SHIFT_SCANCODE))
        else:
            events.append(("down", key, scancode, char, []))
            events.append(("up", key, scancode))
    ends = {
        "enter": [(ENTER_KEY, ENTER_SCANCODE, [])],
        "numpad_enter": [(NUMPAD_ENTER_KEY, NUMPAD_ENTER_SCANCODE, [])],
        "tab": [(TAB_KEY, TAB_SCANCODE, [])],
        "crlf": [(ENTER_KEY, ENTER_SCANCODE, []), (ord("j"), _scancode("j"), ["ctrl"])],  # LF is Ctrl+J
        "": [],
    }[suffix]
    for key, scancode, modifiers in ends:
        if modifiers:
            events.append(("down", 306, 224, chr(306), ["ctrl"]))  # left Ctrl
        events.append(("down", key, scancode, chr(key), modifiers))
        events.append(("up", key, scancode))
        if modifiers:
            events.append(("up", 306, 224))
    return events


# The family card service with its name in English and Javanese and its documents in English.
FAMILY_CARD_IN_ENGLISH = {
    'name = "Kartu Keluarga"\n': (
        'name = "Kartu Keluarga"\nname_en = "Family Card"\nname_jv = "Kartu Kulawarga"\n'
        'documents_en = ["Old Family Card", "Cover letter from the RT/RW"]\n'
    )
}


# -- a citizen's flows, shared by the screen tests -------------------------------------------


def spy_on_play(ui: UI) -> list[tuple[str, str, str]]:
    """(thread name, language, text) of each sound the Speaker starts."""
    speaker = ui.app.speaker
    played: list[tuple[str, str, str]] = []
    original = speaker._play

    def play(sound: Any, generation: int, said: tuple[str, str]) -> None:
        before = speaker.sound
        original(sound, generation, said)
        if speaker.sound is not before:
            played.append((threading.current_thread().name, *said))

    speaker._play = play
    return played


def entry_steps(ui: UI, names: tuple[str, str, str] = ("home", "entry (NIK)", "entry (code)")) -> Iterator[str]:
    """From the home screen to the NIK keypad, the booking-code keypad and back home; yields
    ``names`` in turn as each is on show."""
    yield names[0]
    ui.tap("booked")
    yield names[1]
    ui.tap("switch")
    yield names[2]
    ui.tap("back")


def walk_in_steps(
    ui: UI,
    names: tuple[str, str, str] = ("walk-in (services)", "walk-in (NIK)", "confirm"),
    service: str = "Kartu Keluarga",
    nik: str = NIK_YOUNG,
    timeout: float = 30.0,
) -> Iterator[str]:
    """A walk-in up to the confirm screen; yields ``names`` in turn as the services, the typed NIK
    and the confirm screen are on show (for tests that look at each step)."""
    ui.tap("walkin")
    ui.settle()
    yield names[0]
    ui.tap(ui.find(service))
    ui.press_digits(nik)
    yield names[1]
    next_until_confirm(ui, timeout)
    yield names[2]


def next_until_confirm(ui: UI, timeout: float = 30.0) -> None:
    """On the walk-in keypad: "Lanjut"; waits for the confirm screen."""
    ui.tap("next")
    ui.wait_until(lambda: ui.current == "confirm", timeout, "the confirm screen")


def walk_in_up_to_confirm(ui: UI, service: str = "Kartu Keluarga", nik: str = NIK_YOUNG, timeout: float = 30.0) -> None:
    """Walk-in: the service, the NIK on the keypad, "Lanjut"; waits for the confirm screen."""
    for _step in walk_in_steps(ui, service=service, nik=nik, timeout=timeout):
        pass


def confirm_until_done(ui: UI, timeout: float = 30.0) -> None:
    """On the confirm screen: "Ya, cetak nomor saya"; waits for the done screen."""
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done", timeout, "the done screen")


def walk_in_ticket(ui: UI, service: str = "Kartu Keluarga", nik: str = NIK_YOUNG, timeout: float = 30.0) -> None:
    """A whole walk-in, from the home screen to the done screen."""
    walk_in_up_to_confirm(ui, service, nik, timeout)
    confirm_until_done(ui, timeout)


@pytest.fixture(scope="session")
def window() -> Any:
    """The one offscreen Kivy window of this process, made the way Kivy's own GraphicUnitTest does."""
    from kivy.config import Config as KivyConfig

    KivyConfig.set("graphics", "width", str(WINDOW_SIZE[0]))
    KivyConfig.set("graphics", "height", str(WINDOW_SIZE[1]))
    KivyConfig.set("kivy", "exit_on_escape", "0")
    KivyConfig.set("graphics", "maxfps", "0")  # pumping frames by hand: no sleeping to hold 60 fps
    for name, _value in KivyConfig.items("input"):
        KivyConfig.remove_option("input", name)  # no real mouse: only our simulated touches
    from kivy.core.window import Window

    Window.create_window()
    Window.register()
    Window.initialized = True
    Window.close = lambda *args: None
    Window.size = WINDOW_SIZE
    return Window


@dataclass
class UI:
    app: Any
    window: Any
    kiosk: Kiosk
    book: DayBook
    clock: FixedClock
    monotonic: FakeMonotonic
    printer: Any
    config: Config
    frames: list[float] = field(default_factory=list)

    # -- driving the event loop -----------------------------------------------------------

    def pump(self, frames: int = 1, draw: bool = False) -> None:
        """Run the Kivy loop: clock, input, layout; ``draw`` also renders the frame.

        Rendering is skipped unless asked: llvmpipe on a shared 2-core box takes up to seconds
        per 1080x1920 frame, and what the person sees is asserted from widget state.
        """
        from kivy.base import EventLoop
        from kivy.clock import Clock
        from kivy.lang import Builder

        for _ in range(frames):
            if draw:
                self.window.canvas.ask_update()
                EventLoop.idle()
                continue
            Clock.tick()
            EventLoop.dispatch_input()
            Builder.sync()
            Clock.tick_draw()
            Builder.sync()

    def screenshot(self, path: Path) -> Path:
        """Render the current screen and save it as PNG (Kivy numbers the file: name0001.png)."""
        self.pump(2, draw=True)
        return Path(self.window.screenshot(name=f"{path}.png"))

    def wait_until(self, predicate: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
        """Pump the Kivy clock until ``predicate()`` is truthy; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            self.pump()
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what or predicate}; screen {self.current}: {self.texts()}"
                )
            time.sleep(0.005)

    def run_main_loop_until(self, predicate: Callable[[], Any], timeout: float = 30.0, what: str = "") -> None:
        """Run Kivy's own main loop (``EventLoop.mainloop``, as ``App.run`` does) until ``predicate()``.

        Unlike ``pump``, an exception in a callback goes where it goes on the kiosk: to Kivy's
        ExceptionManager, whose verdict decides whether the loop (the kiosk) goes on.
        """
        from kivy.base import EventLoop
        from kivy.clock import Clock

        deadline = time.monotonic() + timeout

        def check(_dt: float) -> None:
            if predicate() or time.monotonic() > deadline:
                EventLoop.quit = True

        event = Clock.schedule_interval(check, 0)
        EventLoop.start()  # once per process; the loop below runs until check() says quit
        EventLoop.quit = False
        try:
            EventLoop.mainloop()
        finally:
            event.cancel()
            EventLoop.quit = False
        assert EventLoop.status == "started", "the main loop was stopped: the kiosk would have exited"
        if not predicate():
            raise AssertionError(f"timed out waiting for {what or predicate}; screen {self.current}: {self.texts()}")

    def run_for(self, seconds: float) -> None:
        """Keep the loop running for ``seconds`` of real time (Clock intervals fire meanwhile)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump()
            time.sleep(0.01)

    def settle(self) -> None:
        """Wait for any running task and status poll, then let their callbacks run."""
        self.wait_until(lambda: not self.app.task_running and not self.app._polling, what="tasks to finish")
        self.pump(2)

    # -- what the person sees -------------------------------------------------------------

    @property
    def current(self) -> str:
        return str(self.app.manager.current)

    @property
    def screen(self) -> Any:
        return self.app.manager.current_screen

    def visible_widgets(self) -> Iterator[Any]:
        def walk(widget: Any) -> Iterator[Any]:
            if widget.opacity == 0:
                return
            yield widget
            for child in widget.children:
                yield from walk(child)

        yield from walk(self.screen)
        if self.app.busy:
            yield from walk(self.app.root_widget.ids.veil)
        yield from walk(self.app.root_widget.ids.idle)  # the idle warning, when it shows

    def texts(self) -> list[str]:
        """Every visible text on the current screen, markup stripped."""
        import re

        found = []
        for widget in self.visible_widgets():
            text = getattr(widget, "text", None)
            if isinstance(text, str) and text.strip():
                found.append(re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", text))
        return found

    def sees(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    def find(self, text_or_id: str) -> Any:
        """A widget of the current screen by its KV id, or the first visible one showing that text."""
        screen = self.screen
        if text_or_id in screen.ids:
            return screen.ids[text_or_id]
        for widget in self.visible_widgets():
            text = getattr(widget, "text", None)
            if isinstance(text, str) and text_or_id in text:
                return widget
        raise AssertionError(f"nothing shows {text_or_id!r} on {self.current}: {self.texts()}")

    # -- input ----------------------------------------------------------------------------

    def _touch_at(self, widget: Any) -> Any:
        from kivy.tests.common import UnitTestTouch

        assert widget.get_root_window() is not None, f"{widget} is not on the window"
        x, y = widget.to_window(*widget.center)
        return UnitTestTouch(x, y)

    def tap_at(self, x: float, y: float) -> None:
        """A finger down and up at window coordinates ``(x, y)``."""
        from kivy.tests.common import UnitTestTouch

        self.pump()
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.pump()
        touch.touch_up()
        self.pump()

    def tap(self, widget: Any) -> None:
        """A finger down and up on the widget's centre, through the window's event dispatch."""
        if isinstance(widget, str):
            widget = self.find(widget)
        self.pump()  # lay out first, so the centre is where it is drawn
        touch = self._touch_at(widget)
        touch.touch_down()
        self.pump()
        touch.touch_up()
        self.pump()

    def long_press(self, widget: Any, seconds: float) -> None:
        """A finger held ``seconds`` on the widget, on the app's monotonic clock (no real waiting)."""
        if isinstance(widget, str):
            widget = self.find(widget)
        self.pump()
        touch = self._touch_at(widget)
        touch.touch_down()
        self.pump(2)
        self.monotonic.travel(seconds)
        self.pump(3)
        touch.touch_up()
        self.pump()

    def type_keys(self, text: str, enter: bool = True, suffix: str = "enter", capitals: str = "sdl") -> None:
        """Keys as a USB barcode scanner sends them through SDL2, then its suffix (Enter by default).

        ``suffix``: "enter", "numpad_enter", "tab", "crlf" (Enter then Ctrl+J) or "" (none);
        ``enter=False`` is the same as ``suffix=""``. ``capitals``: "sdl" sends a capital as the
        SDL2 window does (Shift down, the letter with its unshifted codepoint, up, Shift up);
        "codepoint" the same with the capital itself as the letter's codepoint.
        """
        self.send_keys(sdl_key_events(text, suffix if enter else "", capitals))
        self.pump()

    def send_keys(self, events: list[tuple[Any, ...]]) -> None:
        """Dispatch ``("down", key, scancode, codepoint, modifiers)`` / ``("up", key, scancode)``."""
        for event in events:
            if event[0] == "down":
                self.window.dispatch("on_key_down", *event[1:])
            else:
                self.window.dispatch("on_key_up", *event[1:])

    def press_digits(self, digits: str) -> None:
        """Tap keypad keys one by one, as a person does."""
        pad = self.find("pad")
        keys = {key.value: key for key in pad.children}
        for char in digits:
            self.tap(keys[char])

    # -- what was issued ------------------------------------------------------------------

    def tickets(self) -> list[Ticket]:
        return self.book.tickets(self.clock.now().date())


@pytest.fixture
def ui(request: pytest.FixtureRequest, window: Any, tmp_path: Path, hasher: NikHasher) -> Iterator[UI]:

    from kiosk.ui.app import KioskApp

    marker = request.node.get_closest_marker("ui_options")
    options = dict(marker.kwargs) if marker else {}
    config = config_mod.load(write_config(tmp_path, options.get("config")))
    book = DayBook(config.backend.path, config)
    seed_bookings(config, hasher, book)
    clock = FixedClock(MONDAY_0800)
    printer = options.get("printer") or default_printer(config)
    backend = options["backend"](book) if "backend" in options else book
    kiosk = Kiosk(config=config, backend=backend, hasher=hasher, clock=clock, printer=printer)
    monotonic = FakeMonotonic()
    app = KioskApp(kiosk, config, notifier=SystemdNotifier(socket_path=""), monotonic=monotonic)
    app._run_prepare()
    # The first frame on the glass, as SDL reports it after drawing (the harness renders only when
    # asked): READY=1, the watchdog and the building of the other screens start from it.
    window.dispatch("on_flip")
    harness = UI(app, window, kiosk, book, clock, monotonic, printer, config)
    harness.wait_until(lambda: app.manager.current == "home" and not app._polling, what="home and first status poll")
    try:
        yield harness
    finally:
        stop_app(harness, backend)


def stop_app(harness: UI, backend: Any) -> None:
    """Leave the window empty for the next test, whatever state this one ended in."""
    from kivy.app import App

    app, window = harness.app, harness.window
    try:
        release = getattr(type(backend), "release", None)  # the class's own: wrappers proxy attributes
        if release is not None:
            release(backend)
        for thread in threading.enumerate():
            if thread.name in ("kiosk-task", "kiosk-status"):
                thread.join(timeout=5)
        harness.pump(2)
    finally:
        app.dispatch("on_stop")
        close = getattr(harness.printer, "close", None)
        if close is not None:
            close()
        for child in window.children[:]:
            window.remove_widget(child)
        App._running_app = None
        harness.book.close()
