"""Render every kiosk screen offscreen with demo data into ``docs/screenshots/<screen>.png``.

Portrait 1080x1920 (the reference panel) for every screen, plus one landscape home. Each
orientation runs in its own process: Kivy opens one window per process, and its size must be
set before the window exists. The screens are reached the way the app reaches them
(``app.go`` with what the use cases return), on a demo day in a temp folder at 09:00 WIB.

Every citizen screen is shot in each language of ``kiosk.i18n.LANGUAGES``: Indonesian as
``<screen>.png``, the others as ``<screen>.<code>.png`` (``home.en.png``, ``home.jv.png``);
each shot checks that its language's text is on screen. Technician screens stay Indonesian.
The idle timer runs on a clock of the script's own, so the idle warning is shot by moving
that clock, never by waiting, and no screen times out while a slow frame renders.

    .venv/bin/python scripts/screenshots.py            # both orientations
    .venv/bin/python scripts/screenshots.py --only home,idle_warning
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)
SCREEN_PIN = "2468"  # the demo's technician PIN for the picture; only its hash is written
# What a citizen sees: shot in every language. The PIN and technician screens are for staff.
CITIZEN = (
    "home",
    "checkin_nik",
    "checkin_code",
    "idle_warning",
    "booking_confirm",
    "walkin_services",
    "walkin_nik",
    "walkin_priority",
    "walkin_not_elderly",
    "done",
    "refusal_quota_full",
    "printer_problem",
)
# The text that proves a shot's language, where the screen has no ``title`` to compare.
MARKERS = {
    "home": "Ambil nomor antrean di sini",
    "idle_warning": "Masih di sini? Sentuh layar untuk melanjutkan",
}
IDLE_WAIT_S = 31.0  # of the 45 s idle timeout: 14 s left, the warning shows


def kivy_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "SDL_VIDEODRIVER", "KIVY_GL_BACKEND")}
    (home / "escpos").mkdir(parents=True, exist_ok=True)
    env.update(
        KIVY_HOME=str(home),
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
        ESCPOS_CAPABILITIES_PICKLE_DIR=str(home / "escpos"),
        PYTHONPATH=str(ROOT),
    )
    return env


# -- inside the child: one window, many screens ---------------------------------------------------


class PaperOut:
    """The configured printer, except that its paper has run out: for the printer-problem pictures."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def readiness(self) -> Any:
        from kiosk.core.ports import PrinterReadiness

        return PrinterReadiness(can_print=False, state="paper_out")


class StoppedClock:
    """The idle timer's clock: moves only when the script says, so pictures never time out."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def travel(self, seconds: float) -> None:
        self.now += seconds


class Shooter:
    def __init__(self, size: tuple[int, int], folder: Path) -> None:
        from kivy.config import Config as KivyConfig

        KivyConfig.set("graphics", "width", str(size[0]))
        KivyConfig.set("graphics", "height", str(size[1]))
        KivyConfig.set("graphics", "fullscreen", "0")
        KivyConfig.set("kivy", "exit_on_escape", "0")
        for name, _value in KivyConfig.items("input"):
            KivyConfig.remove_option("input", name)  # no mouse: nothing but what the script does
        from kivy.core.window import Window

        from kiosk.bootstrap import build_kiosk
        from kiosk.cli.pin_commands import with_pin_hash
        from kiosk.core import config as config_mod
        from kiosk.core.clock import WIB, FixedClock
        from kiosk.core.pin import hash_pin
        from kiosk.demo import write_demo
        from kiosk.ui.app import KioskApp

        self.window = Window
        now = datetime.now(WIB).replace(hour=9, minute=0, second=0, microsecond=0)
        path = write_demo(folder, now)
        text = path.read_text(encoding="utf-8").replace("daily_quota = 30", "daily_quota = 1")  # AKTA: full
        path.write_text(with_pin_hash(text, hash_pin(SCREEN_PIN)), encoding="utf-8")
        self.config = config_mod.load(path)
        self.kiosk = build_kiosk(self.config, clock=FixedClock(now))
        self.monotonic = StoppedClock()
        self.app = KioskApp(self.kiosk, self.config, monotonic=self.monotonic)
        self.app.play_tone = lambda: None  # type: ignore[method-assign]  # pictures are silent
        self.app.speak = lambda text: None  # type: ignore[method-assign]
        self.app._run_prepare()
        self.titles: dict[str, str] = {}  # screen name -> its Indonesian title, the msgid
        self.settle()

    def pump(self, frames: int = 1) -> None:
        from kivy.base import EventLoop

        for _ in range(frames):
            EventLoop.idle()

    def settle(self, timeout: float = 30.0) -> None:
        """Until no task or status poll runs, then a few frames for layout and textures."""
        deadline = time.monotonic() + timeout
        self.pump(2)
        while (self.app.task_running or self.app._polling) and time.monotonic() < deadline:
            self.pump()
            time.sleep(0.01)
        self.pump(6)

    def visible_texts(self) -> list[str]:
        """Every text a person sees now: the screen, the listen button, the veil and idle warning."""
        root = self.app.root_widget
        assert root is not None

        def walk(widget: Any) -> list[str]:
            if widget.opacity == 0:
                return []
            text = getattr(widget, "text", None)
            found = [re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", text)] if isinstance(text, str) and text.strip() else []
            for child in widget.children:
                found += walk(child)
            return found

        return walk(self.app.screen) + walk(root.ids.listen) + walk(root.ids.veil) + walk(root.ids.idle)

    def check_language(self, name: str, language: str) -> None:
        """Fail unless the shot shows ``language``: its title (or marker) translated, on screen."""
        from kiosk.i18n import DEFAULT_LANGUAGE, translator

        assert self.app.language == language, f"{name}: the app shows {self.app.language!r}, not {language!r}"
        title = self.app.screen.ids.get("title")
        if language == DEFAULT_LANGUAGE:  # the msgid the other languages are checked against
            self.titles[name] = MARKERS.get(name) or (title.text if title is not None else "")
            return
        msgid = self.titles.get(name) or MARKERS.get(name, "")
        assert msgid, f"{name}: no Indonesian title to check the {language!r} shot against (shoot Indonesian first)"
        expected = translator(language)(msgid)
        assert expected != msgid, f"{name}: {msgid!r} has no {language!r} translation"
        texts = self.visible_texts()
        assert any(expected in text for text in texts), f"{name}.{language}: {expected!r} not on screen: {texts}"

    def shoot(self, name: str, language: str = "id") -> Path:
        from kiosk.i18n import DEFAULT_LANGUAGE

        self.settle()
        self.check_language(name, language)
        stem = name if language == DEFAULT_LANGUAGE else f"{name}.{language}"
        taken = Path(self.window.screenshot(name=str(OUT / f"{stem}.png")))
        target = OUT / f"{stem}.png"
        taken.replace(target)  # Kivy numbers the file (name0001.png); keep the plain name
        print(f"{target.relative_to(ROOT)}  ({self.app.manager.current}, {language})", flush=True)
        return target


def portrait_shots(shooter: Shooter) -> dict[str, Callable[[], None]]:
    from kiosk.core.errors import KioskError
    from kiosk.demo import DEMO_BOOKINGS, DEMO_WALK_IN_NIK

    app, kiosk = shooter.app, shooter.kiosk
    code, nik = DEMO_BOOKINGS[0][0], DEMO_BOOKINGS[0][1]
    elderly_nik = DEMO_BOOKINGS[4][1]  # born 1955

    def home() -> None:
        app.go_home()

    def checkin_nik() -> None:
        app.go("entry", mode="nik")
        app.screen.ids.pad.text = nik[:10]

    def checkin_code() -> None:
        app.go("entry", mode="code")
        app.screen.ids.pad.text = code[:6]

    def idle_warning() -> None:
        checkin_nik()  # someone typed half a NIK and walked away
        shooter.settle()
        shooter.monotonic.travel(IDLE_WAIT_S)
        root = app.root_widget
        assert root is not None
        deadline = time.monotonic() + 30.0
        while root.ids.idle.opacity != 1 and time.monotonic() < deadline:
            shooter.pump()
        assert root.ids.idle.opacity == 1, "the idle warning did not show"
        assert app.manager.current == "entry", f"the idle warning left {app.manager.current!r}"

    def booking_confirm() -> None:
        app.go("confirm", booking=kiosk.find_booking(code), query=code)

    def walkin_services() -> None:
        app.go("walkin")

    def walkin_nik() -> None:
        app.go("walkin")
        shooter.settle()
        screen = app.screen
        screen.chosen = kiosk.config.service("KTP")
        screen.step = "nik"
        screen.ids.pad.text = DEMO_WALK_IN_NIK[:8]

    def walkin_priority() -> None:
        app.go("walkin")
        shooter.settle()
        screen = app.screen
        screen.chosen = kiosk.config.service("KTP")
        screen.step = "nik"
        screen.ids.pad.text = elderly_nik  # the NIK's birth year suggests the elderly line

    def walkin_not_elderly() -> None:
        walkin_nik()
        screen = app.screen
        screen.ids.pad.text = DEMO_WALK_IN_NIK  # under 60 by the NIK: "Lansia" answers kindly
        screen.toggle("elderly")

    tickets: list[Any] = []  # one ticket for every language's picture: the same number on each

    def done() -> None:
        from kiosk.ui.result import issued, show_done

        if not tickets:
            tickets.append(issued(kiosk, kiosk.issue_walk_in("KTP", DEMO_WALK_IN_NIK)))
        show_done(app, tickets[0])  # as the walk-in flow does

    def refusal_quota_full() -> None:
        try:
            kiosk.issue_walk_in("AKTA", elderly_nik)
        except KioskError as exc:
            app.show_error(exc)

    def printer_problem() -> None:
        kiosk.printer = PaperOut(kiosk.printer)
        try:
            kiosk.check_in(DEMO_BOOKINGS[1][0])
        except KioskError as exc:
            app.show_error(exc)

    def home_printer_banner() -> None:
        app.go_home()  # the status poll asks the (paper-less) printer and raises the banner

    def pin() -> None:
        kiosk.printer = getattr(kiosk.printer, "_inner", kiosk.printer)
        app.go("pin")
        shooter.settle()
        app.screen.ids.pad.text = SCREEN_PIN[:2]

    def technician() -> None:
        app.technician_unlocked = True
        app.go("technician")

    return {
        "home": home,
        "checkin_nik": checkin_nik,
        "checkin_code": checkin_code,
        "idle_warning": idle_warning,
        "booking_confirm": booking_confirm,
        "walkin_services": walkin_services,
        "walkin_nik": walkin_nik,
        "walkin_priority": walkin_priority,
        "walkin_not_elderly": walkin_not_elderly,
        "done": done,
        "refusal_quota_full": refusal_quota_full,
        "printer_problem": printer_problem,
        "home_printer_banner": home_printer_banner,
        "pin": pin,
        "technician": technician,
    }


def child(orientation: str, only: set[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="antrian-shots-"))
    if orientation == "landscape":
        shooter = Shooter(LANDSCAPE, folder)
        if not only or "home_landscape" in only:
            shooter.app.go_home()
            shooter.shoot("home_landscape")
        return
    from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES

    shooter = Shooter(PORTRAIT, folder)
    app = shooter.app
    for name, show in portrait_shots(shooter).items():
        if only and name not in only:
            continue
        # Indonesian first: its title is what the other languages' shots are checked against.
        languages = [DEFAULT_LANGUAGE] + [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
        for language in languages if name in CITIZEN else [DEFAULT_LANGUAGE]:
            app.touched()  # a fresh countdown (and no idle warning) for every picture
            shooter.settle()
            app.choose_language(language)  # before: screens word their messages as they open
            show()
            app.choose_language(language)  # after: going home resets to Indonesian for the next person
            shooter.shoot(name, language)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated picture names")
    parser.add_argument("--child", choices=("portrait", "landscape"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    if args.child:
        try:
            child(args.child, only)
        except Exception:  # noqa: BLE001 - reported below, and the exit status says it failed
            # Kivy without its console log swallows sys.stderr: say what failed where it is seen.
            traceback.print_exc(file=sys.__stderr__)
            return 1
        return 0
    failed = 0
    with tempfile.TemporaryDirectory(prefix="antrian-shots-kivy-") as home:
        for orientation in ("portrait", "landscape"):
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--child", orientation, "--only", args.only],
                cwd=ROOT,
                env=kivy_env(Path(home)),
                timeout=600,
            )
            failed += done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
