"""The ``kiosk`` command in its own process, on Monday 08:00 WIB, for kill-and-retry tests.

Usage: python cli_process.py ARGS...  (the arguments of ``kiosk``). The CLI reads the system
clock; here it is stopped inside opening hours (``$CLI_MINUTES_PAST_8``, default 0), so the
verdicts never depend on when the test runs. Everything else is the real command: config, day
book, printer, exit code.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conftest import MONDAY_0800  # noqa: E402  (also sets the environment Kivy and escpos read)

import kiosk.bootstrap  # noqa: E402
from kiosk import cli  # noqa: E402
from kiosk.core.clock import FixedClock  # noqa: E402

if __name__ == "__main__":
    now = MONDAY_0800 + timedelta(minutes=int(os.environ.get("CLI_MINUTES_PAST_8", "0")))
    kiosk.bootstrap.SystemClock = lambda: FixedClock(now)  # type: ignore[misc,assignment]
    if "--http" in sys.argv:  # an http kiosk's own clock (closing time) too; requests only then
        import kiosk.backends.http

        sys.argv.remove("--http")
        kiosk.backends.http.SystemClock = lambda: FixedClock(now)  # type: ignore[misc,assignment]
    sys.exit(cli.main(sys.argv[1:]))
