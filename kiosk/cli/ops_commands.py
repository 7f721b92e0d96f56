"""Operations sub-commands: ``kiosk export-log`` for the technician, ``kiosk demo-report``.

The daily report itself is ``kiosk report --out DIR`` (core_commands), which the
antrian-report.timer runs after closing time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.cli import EXIT_FAULT, EXIT_OK
from kiosk.cli.common import handles_errors
from kiosk.core import rules
from kiosk.core.clock import WIB


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("export-log", help="write the kiosk's journal of today (or --date) to a folder")
    p.add_argument("--out", type=Path, required=True, help="folder to write to, e.g. a mounted USB stick")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument("--unit", default="kiosk", help="systemd unit (default kiosk)")
    p.set_defaults(handler=export_log)

    p = subparsers.add_parser(
        "demo-report", help="play a made-up busy day on a throw-away site and write its daily report"
    )
    p.add_argument("--out", type=Path, required=True, help="folder for the CSV and the PNG")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.set_defaults(handler=demo_report)


@handles_errors
def export_log(args: argparse.Namespace) -> int:
    from kiosk.ops.logging import LogExportError
    from kiosk.ops.logging import export_log as export

    day = rules.parse_day(args.date) if args.date else None
    try:
        path = export(args.out, day=day, unit=args.unit)
    except LogExportError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAULT
    print(path)
    return EXIT_OK


@handles_errors
def demo_report(args: argparse.Namespace) -> int:
    from kiosk.ops.demo_day import demo_report_day
    from kiosk.ops.report_export import actions_path, write_report

    day = rules.parse_day(args.date) if args.date else datetime.now(WIB).date()
    with tempfile.TemporaryDirectory(prefix="antrian-demo-report-") as folder:
        kiosk, _ = demo_report_day(Path(folder), day)
        report = kiosk.daily_report(day)
        site = kiosk.config.site
        try:
            written = write_report(report, args.out, site.office, site.booking_website, generated_at=kiosk.clock.now())
            paths = [*written, actions_path(report.day, args.out)]
        except OSError as exc:
            print(f"{args.out}: {exc.strerror} — laporan tidak tersimpan / report not saved", file=sys.stderr)
            return EXIT_FAULT
        finally:
            close = getattr(kiosk.backend, "close", None)
            if close is not None:
                close()
    for path in paths:
        print(path)
    return EXIT_OK
