"""Cold start: what ``kiosk run`` leaves for after its first frame (figures in docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

from kiosk.bootstrap import LazyPrinter

ROOT = Path(__file__).resolve().parent.parent.parent

FIRST_FRAME = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from kiosk.core import config as config_mod
    from kiosk.cli import ui_commands

    config = config_mod.load(Path(sys.argv[1]))
    ui_commands.configure_kivy(False, "1080x1920")
    from kivy.core.window import Window
    seen = {}

    def flipped(*_args):
        if seen:
            return
        seen["modules"] = sorted(m for m in sys.modules if m.split(".")[0] in ("escpos", "PIL", "babel", "printer"))
        from kivy.app import App
        from kivy.clock import Clock
        Clock.schedule_once(lambda _dt: App.get_running_app().stop(), 0)

    Window.bind(on_flip=flipped)
    ui_commands.start(config, False, "1080x1920")
    print("FIRST-FRAME " + json.dumps(seen))
    """
)


def test_kiosk_run_draws_its_first_frame_before_loading_the_printer_driver_and_catalogues(tmp_path: Path) -> None:
    from kiosk.demo import write_demo

    config = write_demo(tmp_path / "site")
    env = dict(os.environ, KIVY_HOME=str(tmp_path / "kivy"), KIVY_NO_ARGS="1")
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
    modules = json.loads(line.split(" ", 1)[1])["modules"]
    assert not [m for m in modules if m.startswith(("escpos", "printer", "babel"))], modules
    assert "PIL.PngImagePlugin" not in modules  # no image plugins registered for the QR code


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
