"""``kiosk office ...``: the supervisor's changes to today, on the embedded day book or through the API.

``close-service S --reason TEXT``, ``open-service S``, ``quota S N``, ``notice TEXT [--until HH:MM]``,
``pause|resume --counter ID``, ``status [--json]``. With ``backend.kind = "http"`` the change
goes through the API with a supervisor's token (``kiosk office-token``); locally it is written
to this machine's day book. Either way ``kiosk.core.office.OfficeDesk`` checks it and audits it.
Exit codes as everywhere: 0 ok, 2 bad input, 3 refused, 4 fault.
"""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import time
from pathlib import Path
from typing import Any

from kiosk import bootstrap
from kiosk.cli import EXIT_BAD_INPUT, EXIT_OK
from kiosk.cli.common import add_config, config_of, emit_json, handles_errors
from kiosk.core.office import OfficeActions
from kiosk.i18n import N_, translator
from kiosk.messages import sync_conflict_words

DONE = {
    "close-service": N_("Layanan {target} ditutup untuk hari ini."),
    "open-service": N_("Layanan {target} dibuka lagi."),
    "quota": N_("Kuota {target} hari ini: {value}."),
    "notice": N_("Pengumuman dipasang di kios."),
    "pause": N_("Loket {target} istirahat; panggilannya ke loket lain."),
    "resume": N_("Loket {target} melayani lagi."),
    "counter-services": N_("Loket {target} hari ini melayani {value}."),
    "refer-to-desk": N_("Pemilik tiket {target} diarahkan ke meja informasi selama {value} hari."),
}
OPEN = N_("buka")
CLOSED = N_("tutup")
PAUSED = N_("istirahat sejak {since}")
TO_CHECK = N_("Perlu diperiksa")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("office", help="the supervisor's changes to today: close/open, quota, notice, pause")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        s: argparse.ArgumentParser = actions.add_parser(name, help=text)
        add_config(s)
        s.add_argument("--token-file", type=Path, help="a supervisor's token (http backend; or $ANTRIAN_OFFICE_TOKEN)")
        s.set_defaults(handler=office)
        return s

    s = action("close-service", "close a service for today, with the reason the citizens see")
    s.add_argument("service")
    s.add_argument("--reason", required=True, help='e.g. "Blangko KTP-el habis hari ini"')
    s = action("open-service", "open a closed service again")
    s.add_argument("service")
    s = action("quota", "change today's quota of a service (never below what is issued)")
    s.add_argument("service")
    s.add_argument("quota", type=int)
    s.add_argument("--why", default="", help="kept in the audit log")
    s = action("notice", "post a notice on the kiosks' home screen")
    s.add_argument("text")
    s.add_argument("--until", help="HH:MM: shown until then (default: all day)")
    s.add_argument("--en", default="", help="the notice in English (optional)")
    s.add_argument("--jv", default="", help="the notice in Basa Jawa (optional)")
    for name, text in (("pause", "pause a counter: its calls go to the others"), ("resume", "resume a counter")):
        s = action(name, text)
        s.add_argument("--counter", required=True)
        if name == "pause":
            s.add_argument("--force", action="store_true", help="pause even the last open counter of a service")
            s.add_argument("--why", default="")
    s = action("counter-services", "the services a counter calls today")
    s.add_argument("--counter", required=True)
    s.add_argument("services", help="service codes, comma-separated, e.g. KTP,KK")
    s.add_argument("--why", default="")
    s = action("refer-to-desk", "send the holder of one of today's tickets to the information desk for N days")
    s.add_argument("ticket", help="today's ticket number (A-012) or ticket id; never a NIK")
    s.add_argument("--days", type=int, default=30)
    s.add_argument("--why", default="")
    action("status", "today's services, quotas, counters, notice, offline tickets to check and the audit log")


def _who() -> str:
    try:
        return f"local:{getpass.getuser()}"
    except (KeyError, OSError):
        return "local"


@handles_errors
def office(args: argparse.Namespace) -> int:
    config = config_of(args)
    until = None
    if getattr(args, "until", None):
        try:
            until = time.fromisoformat(args.until)
        except ValueError:
            print("--until: HH:MM", file=sys_stderr())
            return EXIT_BAD_INPUT
    desk: OfficeActions = bootstrap.build_office_desk(config, args.token_file)
    who = _who()
    try:
        if args.action == "status":
            return _status(desk.status(), args)
        if args.action == "close-service":
            desk.close_service(who, args.service, args.reason)
        elif args.action == "open-service":
            desk.open_service(who, args.service)
        elif args.action == "quota":
            desk.set_quota(who, args.service, args.quota, args.why)
        elif args.action == "notice":
            desk.post_notice(who, args.text, until, args.en, args.jv)
        elif args.action == "pause":
            desk.pause(who, args.counter, args.force, args.why)
        elif args.action == "resume":
            desk.resume(who, args.counter)
        elif args.action == "counter-services":
            desk.set_counter_services(who, args.counter, [c.strip() for c in args.services.split(",")], args.why)
        elif args.action == "refer-to-desk":
            desk.refer_to_desk(who, args.ticket, args.days, args.why)
    finally:
        desk.close()
    target = getattr(args, "service", None) or getattr(args, "counter", None) or getattr(args, "ticket", "")
    if args.action == "counter-services":
        target = args.counter
    if args.json:
        emit_json({"done": args.action, "target": str(target).upper() if args.action.endswith("service") else target})
    else:
        _ = translator(args.lang)
        value = getattr(args, "quota", None) or getattr(args, "days", None) or getattr(args, "services", "")
        print(_(DONE[args.action]).format(target=target, value=value))
    return EXIT_OK


def sys_stderr() -> Any:
    import sys

    return sys.stderr


def _status(status: dict[str, Any], args: argparse.Namespace) -> int:
    if args.json:
        emit_json(status)
        return EXIT_OK
    _ = translator(args.lang)
    print(status["day"])
    for s in status["services"]:
        state = _(OPEN) if s["open"] else f"{_(CLOSED)}: {s['closed_reason']}"
        print(f"  {s['code']:<8} {s['issued']:>4}/{s['quota']:<4} {state}")
    for c in status["counters"]:
        since = c["paused_since"]
        print(f"  {c['name']:<12} {_(PAUSED).format(since=since) if since else _(OPEN)}")
    if status["notice"]:
        print(f"  » {status['notice']['text']}")
    listed = status.get("conflicts") or []  # an older server sends none
    if listed:
        print(f"{_(TO_CHECK)}:")
    for c in listed:
        what, todo = sync_conflict_words(list(c["reasons"]), c["number"], c["kiosk_id"], args.lang)
        print(f"  {c['number']:<8} {c['service_code']:<8} {c['kiosk_id']:<8} {c['synced_at'][11:16]} {what}. {todo}")
    for e in status["audit"]:
        print(f"  {e['at'][11:16]} {e['who']} {e['action']} {e['target']} {json.dumps(e['why'], ensure_ascii=False)}")
    return EXIT_OK
