"""Cold start: what ``kiosk run`` leaves for after its first frame (figures in docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from kiosk.bootstrap import LazyPrinter
from kiosk.core import config as config_mod
from kiosk.ui import qr

ROOT = Path(__file__).resolve().parent.parent.parent

# ``kiosk run`` through the command line's own ``main``, as systemd starts it. At its first frame
# the script notes the modules loaded and the screens built; then it waits (60 s at most) until
# the first status poll has answered and every screen is built, the moment a person could first
# tap, and notes them again.
FIRST_FRAME = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from kiosk.cli import main, ui_commands

    ui_commands.configure_kivy(False, "1080x1920")
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.label import Label
    from kiosk.ui.app import SCREENS
    seen = {"every_screen": [name for name, _target in SCREENS]}
    renders = {}  # label -> the texts it rendered before the first frame

    def texture_update(self, *args):
        if "first_frame" not in seen and self.text:
            renders.setdefault(id(self), []).append(self.text)
        return plain_update(self, *args)

    plain_update = Label.texture_update
    Label.texture_update = texture_update  # Kivy's clock calls it by this name

    def loaded():
        return sorted(sys.modules)

    def kv_files():
        from kivy.lang import Builder
        return sorted(Path(name).name for name in Builder.files)

    def state(app):
        return {"modules": loaded(), "screens": list(app.manager.screen_names), "kv": kv_files()}

    def ready_for_a_tap(app):
        built = all(app.manager.has_screen(name) for name, _target in SCREENS)
        return built and app._warmed_up and not app._polling

    def flipped(*_args):
        if "first_frame" in seen:
            return
        app = App.get_running_app()
        seen["first_frame"] = state(app)
        seen["renders"] = list(renders.values())
        deadline = time.monotonic() + 60

        def wait(_dt):
            if ready_for_a_tap(app) or time.monotonic() > deadline:
                seen["before_a_tap"] = state(app)
                app.stop()
                return False
            return True

        Clock.schedule_interval(wait, 0.05)

    Window.bind(on_flip=flipped)
    main(["run", "--config", sys.argv[1], "--size", "1080x1920"])
    print("FIRST-FRAME " + json.dumps(seen))
    """
)

# Left for after the first frame (docs/benchmarks.md, "Cold start to the first frame"), and
# why each may wait: nothing on the home screen needs it.
NOT_IN_THE_FIRST_FRAME = {
    "escpos": "the printer driver: built by the first status poll (LazyPrinter)",
    "printer": "ditto",
    "babel": "the other languages' catalogues",
    "PIL.PngImagePlugin": "PIL's image plugins (the ticket picture)",
    "requests": "the http backend's session: built by its first call, on the status thread",
    "urllib3": "ditto",
    "urllib.request": "the server's watchdog only (http.client, email)",
    "stdnum": "the NIK check: nobody has typed one yet",
    "ijson": "the booking importer (kiosk import), named by every command's error handling",
    "kiosk.backends.importer": "ditto",
    "kiosk.backends.calls": "the counters' figures: a new ticket's people-ahead estimate",
    "kiosk.core.calling": "ditto",
    "kiosk.backends.ratings": "the satisfaction index of the daily report",
    "kiosk.backends.daybook_online": "the booking website's writes",
    "kiosk.ui.entry": "the other screens: built one per tick after the first frame",
    "kiosk.ui.confirm": "ditto",
    "kiosk.ui.walkin": "ditto",
    "kiosk.ui.result": "ditto",
    "kiosk.ui.technician": "ditto",
    "qrcode": "the home screen's code is read back from the data folder (a kiosk that booted before)",
    "kiosk.cli.pin_commands": "the other commands' parsers (kiosk run builds only its own)",
    "kiosk.core.pin": "ditto, and the technician's PIN gate: built on the PIN screen's first visit",
    "uuid": "a new ticket's id and idempotency key (uuid imports platform)",
    "statistics": "the median of the observed service times, for a new ticket's wait estimate (with fractions)",
    "fractions": "ditto",
    "zoneinfo": "nothing: WIB is a fixed UTC+7 (Asia/Jakarta has had no other offset since 1964)",
}
# The kiosk's KV rules the home screen does not use: parsed with the screens that do, after the first frame.
NOT_IN_THE_FIRST_FRAME_KV = ("keys.kv", "entry.kv", "walkin.kv", "confirm.kv", "result.kv", "technician.kv")
# What the first status poll and the prebuilt screens load before anyone can tap.
BEFORE_A_TAP = (
    "stdnum",
    "kiosk.backends.calls",
    "statistics",
    "qrcode",
    "kiosk.ui.walkin",
    "kiosk.ui.entry",
    "kiosk.ui.result",
)


def _site(folder: Path, backend: str) -> Path:
    """The demo site; for ``http`` its server is away (a loopback port nobody listens on)."""
    from kiosk.demo import write_demo

    config = write_demo(folder)
    if backend == "http":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        text = config.read_text(encoding="utf-8")
        http = text.replace('kind = "sqlite"', f'kind = "http"\nurl = "http://127.0.0.1:{port}/api/v1"', 1)
        assert http != text
        config.write_text(http, encoding="utf-8")
    return config


def _start(tmp_path: Path, backend: str) -> dict[str, Any]:
    config = _site(tmp_path / "site", backend)
    site = config_mod.load(config)
    qr.cached_rows(site.site.booking_website, site.backend.path.parent)  # as the kiosk's previous boot left it
    env = dict(os.environ, KIVY_HOME=str(tmp_path / "kivy"), KIVY_NO_ARGS="1", ANTRIAN_TOKEN="cold-start-token")
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("FIRST-FRAME ")), None)
    assert line is not None, done.stderr[-3000:]
    seen: dict[str, Any] = json.loads(line.split(" ", 1)[1])
    return seen


def _named(modules: list[str], names: Any) -> list[str]:
    return sorted(m for m in modules for name in names if m == name or m.startswith(name + "."))


@pytest.mark.parametrize("backend", ["sqlite", "http"])
def test_kiosk_run_draws_its_first_frame_before_loading_what_the_home_screen_does_not_need(
    tmp_path: Path, backend: str
) -> None:
    seen = _start(tmp_path, backend)
    first = seen["first_frame"]
    assert first["screens"] == ["home"]  # the others are built after it, not in it
    assert _named(first["modules"], NOT_IN_THE_FIRST_FRAME) == []
    assert "PIL.PngImagePlugin" not in first["modules"]  # no image plugins registered for the QR code
    assert {"widgets.kv", "root.kv", "home.kv"} <= set(first["kv"])
    assert [name for name in NOT_IN_THE_FIRST_FRAME_KV if name in first["kv"]] == []
    # Each label of the first frame renders its text once, at its laid-out size (kiosk.ui.app.settle_layout);
    # a text that changed meanwhile (the clock turning a minute) is a new text, not the same one again
    assert len(seen["renders"]) >= 10
    assert [texts for texts in seen["renders"] if len(texts) > len(set(texts))] == []
    # ... and what was left out is loaded before anyone can tap, not by the first tap.
    later = seen["before_a_tap"]
    assert sorted(later["screens"]) == sorted(seen["every_screen"])
    assert [name for name in BEFORE_A_TAP if not _named(later["modules"], [name])] == []
    assert [name for name in NOT_IN_THE_FIRST_FRAME_KV if name not in later["kv"]] == []
    if backend == "http":
        assert _named(later["modules"], ["requests"])  # its first call, on the status thread


def test_a_lazy_printer_is_built_once_on_first_use_whichever_thread_asks() -> None:
    builds: list[int] = []
    gate = threading.Event()

    class Printer:
        def readiness(self) -> str:
            return "ready"

    def build() -> Any:
        gate.wait(5)
        builds.append(1)
        return Printer()

    printer = LazyPrinter(build)
    assert not printer.built and builds == []
    answers: list[str] = []
    threads = [threading.Thread(target=lambda: answers.append(printer.readiness())) for _ in range(4)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert answers == ["ready"] * 4 and builds == [1] and printer.built


def test_the_home_screens_qr_code_is_read_back_as_it_was_built_and_built_again_when_torn(tmp_path: Path) -> None:
    website = "http://antrian-disdukmagetan.com"
    built = qr.build_rows(website)
    assert qr.cached_rows(website, tmp_path) == built
    (kept,) = tmp_path.iterdir()  # one file, no partial one left beside it
    # read back, not built again: a module changed in the file shows
    flipped = [qr.DARK + built[0][1:], *built[1:]]  # the border's first module is light
    kept.write_text("\n".join(flipped) + "\n", encoding="ascii")
    assert qr.cached_rows(website, tmp_path) == flipped
    # torn by a power cut, or not a QR code's shape: built again and kept whole
    for damaged in ("\n".join(built)[: len(built[0]) * 5], "\n".join(row[:-1] for row in built), "x" * 9, ""):
        kept.write_text(damaged, encoding="ascii")
        assert qr.cached_rows(website, tmp_path) == built
        assert kept.read_text(encoding="ascii").split() == built
    kept.write_bytes(b"\xff\xfe")
    assert qr.cached_rows(website, tmp_path) == built
    # another text is another code, in its own file
    assert qr.cached_rows(website + "/book", tmp_path) == qr.build_rows(website + "/book") != built
    assert len(list(tmp_path.iterdir())) == 2
    # no run of digits on disk, which a scan for a clear NIK would take for one
    assert not any(re.search(r"[0-9]{16}", f.read_text(encoding="ascii")) for f in tmp_path.iterdir())


def test_a_qr_code_that_cannot_be_kept_is_still_shown(tmp_path: Path) -> None:
    website = "http://antrian-disdukmagetan.com"
    missing = tmp_path / "no-such-folder"
    assert qr.cached_rows(website, missing) == qr.build_rows(website)
    assert not missing.exists()
