"""Printer sub-commands for the technician: ``kiosk printer status|test|cut|preview``.

``kiosk reprint NUMBER`` (core_commands) prints through the same printer, built by bootstrap.
The printer package is imported inside the handlers: python-escpos is slow to import and
every other command should not pay for it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.cli import EXIT_FAULT, EXIT_OK
from kiosk.cli.common import add_config, config_of, emit_json, handles_errors
from kiosk.core import rules
from kiosk.core.errors import BadInput, Reason, SystemFault
from kiosk.i18n import translator


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("printer", help="printer diagnostics: status, test page, feed and cut, preview")
    commands = p.add_subparsers(dest="printer_command", metavar="ACTION", required=True)

    c = commands.add_parser("status", help="the printer's state, each status bit in words, the raw replies")
    add_config(c)
    c.set_defaults(handler=status)

    c = commands.add_parser("test", help="print the self-test page (connection, profile, code page, sizes, QR, cut)")
    add_config(c)
    c.set_defaults(handler=test_page)

    c = commands.add_parser("cut", help="feed a few lines and cut")
    add_config(c)
    c.set_defaults(handler=feed_and_cut)

    c = commands.add_parser("preview", help="write the PNG of a ticket of today (or --date) to a file")
    add_config(c)
    c.add_argument("number")
    c.add_argument("--date", help="YYYY-MM-DD (default today)")
    c.add_argument("--out", type=Path, required=True, help="PNG file to write")
    c.set_defaults(handler=preview)


def _printer(args: argparse.Namespace) -> Any:
    from printer.service import build_ticket_printer

    return build_ticket_printer(config_of(args))


@handles_errors
def status(args: argparse.Namespace) -> int:
    from printer.status import LABEL_PRINTER, LABEL_STATUS

    printer = _printer(args)
    try:
        current = printer.status()
    finally:
        printer.close()
    _ = translator(args.lang)
    if args.json:
        emit_json(
            {
                "state": current.state.value,
                "can_print": current.can_print,
                "text": current.describe(args.lang),
                "conditions": current.conditions(args.lang),
                "raw": {str(n): (None if b is None else f"0x{b:02X}") for n, b in current.replies.items()},
                "detail": current.detail,
                "connection": printer.transport.label,
            }
        )
    else:
        print(f"{_(LABEL_PRINTER)}: {printer.transport.label}")
        print(f"{_(LABEL_STATUS)}: {current.state.value} — {current.describe(args.lang)}")
        for condition in current.conditions(args.lang):
            print(f"  - {condition}")
        for line in current.raw_lines():
            print(f"  {line}")
        if current.detail and not current.replies:
            print(f"  ({current.detail})")
    return EXIT_OK if current.can_print else EXIT_FAULT


@handles_errors
def test_page(args: argparse.Namespace) -> int:
    from printer.status import TEST_PAGE_SENT

    printer = _printer(args)
    try:
        printer.test_page()
    except SystemFault as exc:
        return _page_failed(exc, args)
    finally:
        printer.close()
    _ = translator(args.lang)
    print(_(TEST_PAGE_SENT).format(label=printer.transport.label))
    return EXIT_OK


@handles_errors
def feed_and_cut(args: argparse.Namespace) -> int:
    printer = _printer(args)
    try:
        printer.feed_and_cut()
    except SystemFault as exc:
        return _page_failed(exc, args)
    finally:
        printer.close()
    return EXIT_OK


def _page_failed(fault: SystemFault, args: argparse.Namespace) -> int:
    """The technician's own page did not come out: say so in their words, not a citizen's."""
    from printer.status import PAGE_MAYBE_PRINTED, PAGE_NOT_PRINTED

    if fault.reason not in (Reason.PRINTER_FAULT, Reason.PRINTER_HOLDS_TICKET, Reason.PRINTER_MAYBE_PRINTED):
        raise fault
    _ = translator(args.lang)
    if fault.reason == Reason.PRINTER_MAYBE_PRINTED:
        print(_(PAGE_MAYBE_PRINTED), file=sys.stderr)
    else:
        print(_(PAGE_NOT_PRINTED).format(state=fault.params.get("state") or "unknown"), file=sys.stderr)
    return EXIT_FAULT


@handles_errors
def preview(args: argparse.Namespace) -> int:
    from kiosk.bootstrap import build_kiosk

    kiosk = build_kiosk(config_of(args), with_printer=False)
    day = rules.parse_day(args.date) if args.date else kiosk.clock.now().date()
    ticket = kiosk.backend.find_ticket(day, args.number)
    if ticket is None:
        raise BadInput(Reason.TICKET_UNKNOWN, number=args.number.strip()[:10])
    printer = _printer(args)
    try:
        args.out.write_bytes(printer.preview_png(ticket))
    finally:
        printer.close()
    print(args.out, file=sys.stdout)
    return EXIT_OK
