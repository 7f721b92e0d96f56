"""One counter in its own process: call next and finish until nobody waits; print what it called.

Run as ``python call_worker.py CONFIG COUNTER_ID ISO-TIME`` (the day's clock); prints one JSON list of numbers.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime
from pathlib import Path

from kiosk.backends.calls import CallBook
from kiosk.core import config as config_mod
from kiosk.core.calling import Step
from kiosk.core.clock import FixedClock
from kiosk.core.errors import Reason, Refusal


def main() -> None:
    config = config_mod.load(Path(sys.argv[1]))
    book = CallBook(config.backend.path, config)
    clock = FixedClock(datetime.fromisoformat(sys.argv[3]))
    called: list[str] = []
    try:
        while True:
            try:
                call = book.step(sys.argv[2], Step.NEXT, clock.now(), str(uuid.uuid4()))
            except Refusal as exc:
                if exc.reason == Reason.NOTHING_WAITING:
                    break
                raise
            called.append(call.number)
            book.step(sys.argv[2], Step.DONE, clock.now(), str(uuid.uuid4()))
    finally:
        book.close()
    print(json.dumps(called))


if __name__ == "__main__":
    main()
