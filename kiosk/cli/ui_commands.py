"""UI sub-commands: ``kiosk run`` (the kiosk itself) and ``kiosk demo`` (a demo day in a temp folder)."""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from kiosk.cli import EXIT_FAULT, EXIT_OK
from kiosk.cli.common import add_config, config_of, handles_errors
from kiosk.core.config import Config

LOCK_NAME = "kiosk.lock"
DEMO_SIZE = "540x960"  # half the portrait panel: fits a laptop screen
PANEL = (1080, 1920)  # the reference portrait panel the layout is designed on


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("run", help="run the kiosk touchscreen app (fullscreen per config)")
    add_config(p, json_flag=False)
    p.add_argument("--size", help="window size WxH when not fullscreen, e.g. 1080x1920")
    p.set_defaults(handler=run)

    p = subparsers.add_parser("demo", help="run the kiosk on a demo day: today's bookings, preview printer")
    p.add_argument("--folder", type=Path, help="where to put the demo day (default: a new temp folder)")
    p.add_argument("--size", default=DEMO_SIZE, help=f"window size WxH (default {DEMO_SIZE})")
    p.add_argument("--fullscreen", action="store_true")
    p.set_defaults(handler=demo)


class AlreadyRunning(Exception):
    pass


def hold_instance_lock(folder: Path) -> IO[str]:
    """One kiosk per data folder: an exclusive lock the OS drops when the process dies."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / LOCK_NAME).open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise AlreadyRunning(str(folder)) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def configure_kivy(fullscreen: bool, size: str | None) -> None:
    """Set Kivy's window options; must run before anything imports ``kivy.core.window``.

    A window smaller than the 1080x1920 panel (the demo on a laptop) gets a smaller dp, so
    it shows the same layout scaled down instead of a cropped one.
    """
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our argparse owns the command line
    if size and not fullscreen:
        width, height = (int(part) for part in size.lower().split("x"))
        portrait = height >= width
        scale = min(width / PANEL[0], height / PANEL[1]) if portrait else min(width / PANEL[1], height / PANEL[0])
        if scale < 1:
            os.environ.setdefault("KIVY_METRICS_DENSITY", f"{scale:.3f}")
    from kivy.config import Config as KivyConfig

    KivyConfig.set("kivy", "exit_on_escape", "0")
    KivyConfig.set("graphics", "allow_screensaver", "0")  # the screen never blanks
    if fullscreen:
        KivyConfig.set("graphics", "fullscreen", "auto")
        KivyConfig.set("graphics", "show_cursor", "0")
        KivyConfig.set("graphics", "borderless", "1")
    else:
        KivyConfig.set("graphics", "fullscreen", "0")
    if size:
        width, height = (int(part) for part in size.lower().split("x"))
        KivyConfig.set("graphics", "width", str(width))
        KivyConfig.set("graphics", "height", str(height))


def stop_on_signals(app: Any) -> list[int]:
    """SIGTERM (systemd stop) and SIGINT end the app cleanly; returns the signals received.

    SDL turns both into a window-close request, which the kiosk refuses to citizens; our own
    handlers, installed after SDL's, stop the app from the UI thread instead.
    """
    from kivy.clock import Clock

    received: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        received.append(signum)
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return received


def start(config: Config, fullscreen: bool, size: str | None) -> int:
    try:
        lock = hold_instance_lock(config.backend.path.parent)
    except AlreadyRunning as exc:
        print(f"Kios sudah berjalan untuk {exc} / the kiosk is already running", file=sys.stderr)
        return EXIT_FAULT
    try:
        configure_kivy(fullscreen, size)
        from kiosk.bootstrap import build_kiosk
        from kiosk.ui.app import KioskApp  # opens the window: SDL is initialised from here on

        app = KioskApp(build_kiosk(config, lazy_printer=True), config)
        received = stop_on_signals(app)
        app.run()
    finally:
        lock.close()
    if received:
        # cleaned up; now end by the signal itself, as a parent (systemd, a shell) expects
        signal.signal(received[0], signal.SIG_DFL)
        os.kill(os.getpid(), received[0])
    return EXIT_OK


@handles_errors
def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    return start(config, config.ui.fullscreen, args.size)


@handles_errors
def demo(args: argparse.Namespace) -> int:
    from kiosk.core import config as config_mod
    from kiosk.demo import (
        DEMO_BOOKINGS,
        DEMO_COUNTER_TOKENS,
        DEMO_TECHNICIAN_PIN,
        DEMO_WALK_IN_NIK,
        start_server,
        write_demo,
    )

    folder = args.folder or Path(tempfile.mkdtemp(prefix="antrian-demo-"))
    config_path = write_demo(folder)
    config = config_mod.load(config_path)
    print(f"Demo di / demo in {folder}")
    print("Coba check-in dengan / try a check-in with (NIK or booking code):")
    for code, nik, name, service, _offset, site in DEMO_BOOKINGS:
        note = "" if site == config.site.code else f"  (untuk {site}: ditolak / other site: refused)"
        print(f"  {code}  {nik}  {name:<14} {service}{note}")
    print(f"Antre langsung dengan NIK / walk-in NIK: {DEMO_WALK_IN_NIK}")
    print(f"Karcis (PNG) di / tickets in {config.printer.preview_dir}")
    print(f"Teknisi: tekan logo 2 detik, PIN {DEMO_TECHNICIAN_PIN} / technician: hold the logo 2 s")
    server, url = start_server(config_path)  # kiosk serve over this day book: counters and hall display
    print(f"Layar antrean / hall display: {url}/display")
    print(
        f"Loket / counter page: {url}/counter  (token: "
        + ", ".join(f"Loket {c} = {t}" for c, t in DEMO_COUNTER_TOKENS.items())
        + ")"
    )
    print(f"Panggil dari baris perintah / call from the CLI: kiosk call next --config {config_path} --counter 1")
    print(f"Daftar online dari HP / book online from a phone: {url}/book")
    try:
        return start(config, args.fullscreen, args.size)
    finally:
        server.terminate()
        server.wait(timeout=10)
