"""Counter sub-commands: ``kiosk call next|recall|absent|done|transfer|status`` and ``kiosk counter-token``.

On the embedded default the steps run on the local day book (``CallBook``); with
``backend.kind = "http"`` they go through the API with the counter's own token. Exit codes as
everywhere: 0 ok, 2 bad input, 3 refused (nothing waiting is a refusal), 4 fault. One
Idempotency-Key per invocation (or ``--key``): a retry after a lost answer never calls twice.
"""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import bootstrap
from kiosk.cli import EXIT_OK
from kiosk.cli.common import add_config, config_of, emit_json, handles_errors
from kiosk.core.clock import SystemClock
from kiosk.core.errors import BadInput, Reason
from kiosk.i18n import N_, translator

if TYPE_CHECKING:  # every command module is imported by ``kiosk run`` too, which needs none of it
    from kiosk.core.calling import Call
    from kiosk.core.ports import CallingBackend

STATES = {
    "waiting": N_("menunggu"),
    "called": N_("dipanggil"),
    "served": N_("selesai"),
    "absent": N_("tidak hadir, kembali antre"),
    "no_show": N_("tidak hadir"),
}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("call", help="counter steps: call the next number, recall, absent, done, transfer")
    steps = p.add_subparsers(dest="step", metavar="STEP", required=True)
    for name, text in (
        ("next", "call the next waiting number of the counter's services"),
        ("recall", "call the counter's current number again"),
        ("absent", "the current number is not there (back to waiting once, then a no-show)"),
        ("done", "the current number was served"),
        ("transfer", "send the current number to another service, keeping its place"),
        ("status", "the counter's current number and who waits"),
    ):
        s = steps.add_parser(name, help=text)
        add_config(s)
        s.add_argument("--counter", required=True, help="the counter's [[counters]] id")
        s.add_argument("--token-file", type=Path, help="the counter's token (http backend; or $ANTRIAN_COUNTER_TOKEN)")
        if name in ("next", "transfer"):
            s.add_argument("--service", required=name == "transfer", help="service code")
        if name not in ("next", "status"):
            s.add_argument("--ticket", help="act only if this ticket id is the counter's current one")
        if name != "status":
            s.add_argument("--key", help="idempotency key: the same key repeats the same step, never a second one")
        s.set_defaults(handler=call)

    p = subparsers.add_parser("counter-token", help="make a new bearer token for one counter (loket)")
    add_config(p, json_flag=False)
    p.add_argument("counter_id", help="the counter's [[counters]] id, e.g. 1")
    p.set_defaults(handler=counter_token)


@handles_errors
def call(args: argparse.Namespace) -> int:
    config = config_of(args)
    client = bootstrap.build_calls(config, args.token_file, SystemClock())
    try:
        if args.step == "status":
            return _status(client, args)
        from kiosk.core.calling import Step

        step = Step(args.step)
        key = args.key or str(uuid.uuid4())
        done: Call = client.step(args.counter, step, key, getattr(args, "ticket", None), getattr(args, "service", None))
    finally:
        client.close()
    from kiosk.backends.calls import call_to_dict

    if args.json:
        emit_json({"call": call_to_dict(done)})
    else:
        _ = translator(args.lang)
        print(f"{done.number}  {done.counter_name}  {_(STATES[done.state.value])}")
    return EXIT_OK


def _status(client: CallingBackend, args: argparse.Namespace) -> int:
    view = client.counter(args.counter)
    if args.json:
        emit_json(view)
        return EXIT_OK
    _ = translator(args.lang)
    current = view["current"]
    print(f"{view['counter']['name']}: {current['number'] if current else '-'}")
    for code, count in view["waiting"].items():
        print(f"  {code:<8} {count:>4} {_('menunggu')}")
    return EXIT_OK


@handles_errors
def counter_token(args: argparse.Namespace) -> int:
    """Print a new counter token and the line for the server's tokens file (role ``counter``).

    Only for a counter of the config: a token for a counter nobody configured would sign in as nobody.
    """
    from kiosk.cli.server_commands import print_new_token
    from kiosk.server.counter_service import COUNTER_ROLE

    config = config_of(args)
    if all(c.id != args.counter_id for c in config.counters):
        raise BadInput(Reason.COUNTER_UNKNOWN, counter=args.counter_id[:20])

    heading = f"token untuk loket / token for counter {args.counter_id}: sign in on /counter or --token-file"
    return print_new_token("counter_id", args.counter_id, heading, COUNTER_ROLE)
