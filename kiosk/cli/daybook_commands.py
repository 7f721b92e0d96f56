"""``kiosk daybook-recover``: the technician's way on after a day book lost numbers it had told.

Run it only after trying to find the lost ``-wal`` file (see docs/operations.md, "Buku harian
rusak / day book damaged"). It keeps the day book as it is and sets the next number of each day
and service after the highest number ever told, so no number is given twice.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.backends.daybook import DayBook
from kiosk.cli import EXIT_OK
from kiosk.cli.common import add_config, config_of, emit_json, handles_errors


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "daybook-recover", help="after a lost -wal: number on after every number told (technician)"
    )
    add_config(p)
    p.set_defaults(handler=recover)


@handles_errors
def recover(args: argparse.Namespace) -> int:
    config = config_of(args)
    book = DayBook(config.backend.path, config, check_tail=False)
    try:
        lost = book.continue_after_lost_tail()
    finally:
        book.close()
    if args.json:
        emit_json({"lost": lost})
    elif lost:
        print("Nomor yang hilang dari buku harian / numbers lost from the day book:")
        for line in lost:
            print(f"  {line}")
        print("Nomor berikutnya dilanjutkan sesudahnya / numbering continues after them.")
    else:
        print("Tidak ada nomor yang hilang / no number lost.")
    return EXIT_OK
