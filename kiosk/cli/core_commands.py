"""Core sub-commands: check-config, import-bookings, checkin, walkin, reprint, quota, report, served, sync."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from kiosk import ticket_text
from kiosk.backends.daybook import DayBook
from kiosk.bootstrap import build_importer, build_kiosk
from kiosk.cli import EXIT_BAD_INPUT, EXIT_FAULT, EXIT_OK, EXIT_REFUSED
from kiosk.cli.common import NIK_HELP, add_config, config_of, emit_json, handles_errors, nik_arg
from kiosk.core import rules, wire
from kiosk.core.clock import WIB
from kiosk.core.config import ConfigError, load
from kiosk.core.errors import Reason, SystemFault
from kiosk.core.model import IssueResult
from kiosk.core.usecases import parse_priority
from kiosk.i18n import translator
from kiosk.messages import explain

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")  # the API's IdempotencyKeyValue


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("check-config", help="check a config file and list every problem")
    add_config(p, json_flag=False)
    p.set_defaults(handler=check_config)

    p = subparsers.add_parser("import-bookings", help="import a CSV or JSON export of bookings")
    add_config(p)
    p.add_argument("file", type=__import__("pathlib").Path)
    p.set_defaults(handler=import_bookings)

    p = subparsers.add_parser("checkin", help="check in an online booking and issue its ticket")
    add_config(p)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--nik", type=nik_arg, help=NIK_HELP)
    who.add_argument("--code")
    add_key(p)
    p.set_defaults(handler=checkin)

    p = subparsers.add_parser("walkin", help="issue a walk-in number")
    add_config(p)
    p.add_argument("--service", required=True)
    p.add_argument("--nik", required=True, type=nik_arg, help=NIK_HELP)
    p.add_argument("--priority", choices=("elderly", "disabled", "pregnant"))
    add_key(p)
    p.set_defaults(handler=walkin)

    p = subparsers.add_parser("reprint", help="print a ticket of today again (technician)")
    add_config(p)
    p.add_argument("number")
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.set_defaults(handler=reprint)

    p = subparsers.add_parser("quota", help="today's slots per service")
    add_config(p)
    p.set_defaults(handler=quota)

    p = subparsers.add_parser("report", help="the daily report per service (no personal data)")
    add_config(p)
    p.add_argument("--date", help="YYYY-MM-DD (default today)")
    p.add_argument(
        "--out", type=Path, help="also write laporan-harian-DATE.csv and .png (fit to post publicly) into this folder"
    )
    p.set_defaults(handler=report)

    p = subparsers.add_parser("served", help="record that a counter called a number (feeds the wait estimate)")
    add_config(p)
    p.add_argument("number")
    p.set_defaults(handler=served)

    p = subparsers.add_parser("sync", help="send today's offline tickets of an http kiosk to the server now")
    add_config(p)
    p.set_defaults(handler=sync)


def idempotency_key(raw: str) -> str:
    """A key as the booking API takes it (``Idempotency-Key``), so one works on every backend."""
    if not IDEMPOTENCY_KEY.match(raw):
        raise argparse.ArgumentTypeError(
            "8-100 huruf, angka atau . _ : - (misalnya sebuah UUID) / 8-100 letters, digits or . _ : - (e.g. a UUID)"
        )
    return raw


def add_key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key",
        type=idempotency_key,
        help="idempotency key: a retry with the same key (after a crash or a lost answer) gives the same "
        "ticket, printed only if it has not come out yet; never a second number",
    )


def check_config(args: argparse.Namespace) -> int:
    path = config_of_path(args)
    try:
        config = load(path)
    except ConfigError as exc:
        print(f"{path}: {len(exc.problems)} masalah / problems", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{path}: OK — {len(config.services)} layanan, backend {config.backend.kind}, printer {config.printer.kind}")
    return EXIT_OK


def config_of_path(args: argparse.Namespace) -> Any:
    from kiosk.cli.common import default_config_path

    return args.config or default_config_path()


@handles_errors
def import_bookings(args: argparse.Namespace) -> int:
    importer = build_importer(config_of(args))
    try:
        result = importer.run(args.file)
    finally:
        importer.book.close()
    if args.json:
        emit_json(
            {
                "added": result.added,
                "updated": result.updated,
                "bad_rows": result.bad_rows,
                "problems": [{"line": line, "reason": reason} for line, reason in result.problems],
            }
        )
    else:
        print(
            f"{result.added} baru, {result.updated} diperbarui, {result.bad_rows} baris bermasalah "
            f"/ {result.added} added, {result.updated} updated, {result.bad_rows} bad rows"
        )
        for line, reason in result.problems:
            print(f"  baris/line {line}: {reason}", file=sys.stderr)
        if result.bad_rows > len(result.problems):
            print(f"  ... +{result.bad_rows - len(result.problems)}", file=sys.stderr)
    return EXIT_BAD_INPUT if result.problems and not result.bookings else EXIT_OK


def _show(result: IssueResult, args: argparse.Namespace) -> int:
    """The number, or the ticket as text with what to do next; exit 4 when it did not come out."""
    kiosk_config = config_of(args)
    problem = None
    if result.print_problem:
        fault = SystemFault(Reason(result.print_problem), state=result.printer_state or "")
        message = explain(fault, args.lang)
        _ = translator(args.lang)
        hint = message.hint
        # The one who runs the CLI can print it again (a ticket that may be out: marked as a reprint).
        if fault.reason in (Reason.PRINTER_FAULT, Reason.PRINTER_MAYBE_PRINTED):
            hint += " " + _("Setelah printer siap, cetak ulang dengan: kiosk reprint {number}").format(
                number=result.ticket.number
            )
        problem = (message.title, hint)
    if args.json:
        data = {**wire.result_to_dict(result), "existing": result.existing}  # existing: a retry's ticket
        emit_json({**data, "title": problem[0], "hint": problem[1]} if problem else data)
    else:
        if result.print_problem or not result.printed:
            print(ticket_text.render(result.ticket, kiosk_config, args.lang))
        if problem:
            print(f"{problem[0]}\n{problem[1]}", file=sys.stderr)
        elif result.printed:
            print(result.ticket.number)
    return EXIT_FAULT if problem else EXIT_OK


@handles_errors
def checkin(args: argparse.Namespace) -> int:
    kiosk = build_kiosk(config_of(args))
    # --nik means a NIK: "352001450790000A" is bad input, not a booking code to look up.
    if args.nik is not None:
        result = kiosk.check_in(args.nik, args.key, kind="nik")
    else:
        result = kiosk.check_in(args.code, args.key, kind="code")
    return _show(result, args)


@handles_errors
def walkin(args: argparse.Namespace) -> int:
    kiosk = build_kiosk(config_of(args))
    result = kiosk.issue_walk_in(args.service, args.nik, parse_priority(args.priority), args.key)
    return _show(result, args)


@handles_errors
def reprint(args: argparse.Namespace) -> int:
    kiosk = build_kiosk(config_of(args))
    day = rules.parse_day(args.date) if args.date else None
    result = kiosk.reprint(args.number, day, technician=True)
    return _show(result, args)


@handles_errors
def quota(args: argparse.Namespace) -> int:
    kiosk = build_kiosk(config_of(args), with_printer=False)
    quotas = kiosk.quotas()
    if args.json:
        emit_json([wire.quota_to_dict(q) for q in quotas])
        return EXIT_OK
    _ = translator(args.lang)
    print(f"{_('Layanan'):<28} {_('Kuota'):>6} {_('Booking'):>8} {_('Langsung'):>9} {_('Sisa'):>6}")
    for q in quotas:
        remaining = str(q.remaining) if q.service.walk_in else _("online")
        print(
            f"{q.service.name[:28]:<28} {q.service.daily_quota:>6} {q.bookings_valid:>8} "
            f"{q.walk_ins_issued:>9} {remaining:>6}"
        )
    return EXIT_OK


@handles_errors
def report(args: argparse.Namespace) -> int:
    config = config_of(args)
    kiosk = build_kiosk(config, with_printer=False)
    day = rules.parse_day(args.date) if args.date else None
    daily = kiosk.daily_report(day)
    files: list[str] = []
    if args.out is not None:
        from kiosk.ops.report_export import actions_path, write_report  # the picture needs Pillow: only when asked

        try:
            written = write_report(
                daily, args.out, config.site.office, config.site.booking_website, generated_at=kiosk.clock.now()
            )
        except OSError as exc:
            print(f"{args.out}: {exc.strerror} — laporan tidak tersimpan / report not saved", file=sys.stderr)
            return EXIT_FAULT
        files = [*(str(path) for path in written), str(actions_path(daily.day, args.out))]
    if args.json:
        emit_json({**wire.report_to_dict(daily), "files": files} if files else wire.report_to_dict(daily))
        return EXIT_OK
    _ = translator(args.lang)
    print(f"{daily.site} — {daily.day.isoformat()}")
    print(
        f"{_('Layanan'):<28} {_('Booking'):>8} {_('Hadir'):>6} {_('Langsung'):>9} {_('Tidak hadir'):>12} "
        f"{_('Prioritas'):>10} {_('Dilayani'):>9} {_('Tak hadir'):>10} {_('Tunggu'):>7} {_('Layanan'):>8}"
    )
    for r in daily.rows:
        wait = "-" if r.median_wait_minutes is None else f"{r.median_wait_minutes:.0f}'"
        serve = "-" if r.median_service_minutes is None else f"{r.median_service_minutes:.0f}'"
        print(
            f"{r.service_name[:28]:<28} {r.bookings:>8} {r.check_ins:>6} {r.walk_ins:>9} {r.no_shows:>12} "
            f"{r.priority:>10} {r.served:>9} {r.absent:>10} {wait:>7} {serve:>8}"
        )
    if daily.office_actions:  # the office's audit log of the day: who, when, what, why
        from kiosk.core.office import action_detail
        from kiosk.messages import OFFICE_ACTIONS

        print()
        print(_("Tindakan kantor hari ini (pukul, oleh, tindakan, sasaran, rincian, alasan):"))
        for entry in daily.office_actions:
            said = [_(OFFICE_ACTIONS.get(entry.action, entry.action)), entry.target, action_detail(entry), entry.why]
            print(f"{entry.at.astimezone(WIB):%H:%M}  {entry.who}  " + " · ".join(part for part in said if part))
    for path in files:
        print(path)
    return EXIT_OK


@handles_errors
def served(args: argparse.Namespace) -> int:
    config = config_of(args)
    kiosk = build_kiosk(config, with_printer=False)
    if not isinstance(kiosk.backend, DayBook):
        print("served: hanya untuk backend sqlite / only for the sqlite backend", file=sys.stderr)
        return EXIT_BAD_INPUT
    now = kiosk.clock.now()
    if kiosk.backend.mark_served(now.date(), args.number, now):
        return EXIT_OK
    print(f"{args.number}: tidak ada atau sudah dipanggil / unknown or already served", file=sys.stderr)
    return EXIT_REFUSED


@handles_errors
def sync(args: argparse.Namespace) -> int:
    """Offline tickets to the server now (they also go at the next online issue, or in the
    background). Exit 3 when the server listed an offline ticket it keeps otherwise than printed
    (a per-NIK cap broken, a booking checked in twice) or does not know: a technician looks."""
    kiosk = build_kiosk(config_of(args), with_printer=False)
    done = kiosk.sync_now()
    if done is None:
        print("sync: hanya untuk backend http / only for the http backend", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        emit_json(
            {
                "sent": done.sent,
                "released": done.released,
                "voided": done.voided,
                "conflicts": list(done.new_conflicts),
                "unsynced": done.unsynced,
                "leased_free": done.leased_free,
            }
        )
    else:
        print(
            f"{done.sent} tiket offline terkirim, {done.released} nomor dikembalikan, {done.voided} permintaan "
            f"dibatalkan / {done.sent} offline tickets sent, {done.released} numbers given back, "
            f"{done.voided} requests undone"
        )
        free = ", ".join(f"{code} {n}" for code, n in sorted(done.leased_free.items())) or "-"
        print(f"nomor cadangan / leased numbers free: {free}")
        for listed in done.new_conflicts:
            print(f"  periksa / check: {listed}", file=sys.stderr)
    return EXIT_REFUSED if done.new_conflicts else EXIT_OK
