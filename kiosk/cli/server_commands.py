"""Server sub-commands: ``kiosk serve`` (the booking API for several kiosks), ``kiosk server-token``
(a kiosk's token) and ``kiosk office-token`` (a supervisor's token).

Tokens are lines of ``server.tokens_file`` (``kiosk.server.tokens``); the running server reads
the file again when it changes, so a token added or removed counts at once.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import Any

from kiosk.cli import EXIT_BAD_INPUT, EXIT_OK
from kiosk.cli.common import add_config, config_of, handles_errors


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="serve the booking API (this machine's day book) to the kiosks")
    add_config(p, json_flag=False)
    p.add_argument("--host", help="listen address (default [server].host)")
    p.add_argument("--port", type=int, help="listen port (default [server].port)")
    p.add_argument(
        "--only",
        choices=["book"],
        help="serve only this part: 'book' is the citizens' booking site /book, to expose behind a proxy",
    )
    p.set_defaults(handler=serve)

    p = subparsers.add_parser("server-token", help="make a new bearer token for one kiosk")
    p.add_argument("kiosk_id", help="the kiosk's [site].kiosk_id, e.g. MPP-2")
    p.set_defaults(handler=server_token)

    p = subparsers.add_parser(
        "office-token", help="make a new bearer token for a supervisor (runs the day; cannot issue or call)"
    )
    add_config(p, json_flag=False)
    p.add_argument("name", help="who holds it, e.g. kasi-pelayanan")
    p.set_defaults(handler=office_token)


@handles_errors
def serve(args: argparse.Namespace) -> int:
    from kiosk.server.app import create_app
    from kiosk.server.run import serve_forever
    from kiosk.server.tokens import TokenStore

    config = config_of(args)
    if getattr(args, "only", None) == "book":
        return serve_booking_site(args, config)
    tokens_file = config.server.tokens_file
    if tokens_file is None:
        print(
            "server.tokens_file belum diisi: tanpa token tidak ada kios yang bisa masuk / "
            "server.tokens_file is not set: no kiosk could authenticate (see kiosk server-token)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        if not tokens_file.is_file():
            raise OSError(f"{tokens_file}: no such file")
        tokens = TokenStore(tokens_file)
    except (OSError, ValueError) as exc:
        print(f"server.tokens_file: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    port = args.port if args.port is not None else config.server.port
    if not 0 <= port <= 65535:
        print("--port: 0-65535", file=sys.stderr)
        return EXIT_BAD_INPUT
    app = create_app(config, tokens)
    serve_forever(app, args.host or config.server.host, port, config.server.threads)
    return EXIT_OK


def serve_booking_site(args: argparse.Namespace, config: Any) -> int:
    """``kiosk serve --only book``: /book alone over the day book (no kiosk API, no counter pages)."""
    import logging

    from waitress import create_server  # type: ignore[import-untyped]

    from kiosk.server.booking_site import create_booking_app

    port = args.port if args.port is not None else config.server.port
    if not 0 <= port <= 65535:
        print("--port: 0-65535", file=sys.stderr)
        return EXIT_BAD_INPUT
    host = args.host or config.server.host
    server: Any = create_server(create_booking_app(config), host=host, port=port, threads=config.server.threads)
    logging.getLogger(__name__).warning("booking site listening on http://%s:%s/book", host, server.effective_port)
    try:
        server.run()
    finally:
        server.close()
    return EXIT_OK


def server_token(args: argparse.Namespace) -> int:
    """Print a new token (for the kiosk's token file) and the line for the server's tokens file."""
    return print_new_token(
        "kiosk_id",
        args.kiosk_id,
        f"token untuk kios / token for the kiosk ({args.kiosk_id}): put it in its backend.token_file",
    )


@handles_errors
def office_token(args: argparse.Namespace) -> int:
    """A supervisor's token: office operations only (``kiosk office ...``, the /office page)."""
    from kiosk.server.tokens import Role

    config_of(args)  # a broken config is reported before a token is made for it
    heading = f"token untuk kantor / token for the office ({args.name}): sign in on /office or --token-file"
    return print_new_token("name", args.name, heading, Role.OFFICE.value)


def print_new_token(what: str, name: str, heading: str, role: str = "") -> int:
    """A fresh bearer token for ``name`` and its line for server.tokens_file (only its hash is stored)."""
    from kiosk.server.tokens import Role, token_line

    if not name or any(c.isspace() or c == "#" for c in name):
        print(f"{what}: tanpa spasi atau # / no spaces or #", file=sys.stderr)
        return EXIT_BAD_INPUT
    token = secrets.token_urlsafe(32)
    print(f"# {heading}")
    print(token)
    print("# baris untuk server.tokens_file / line for the server's tokens file:")
    print(token_line(name, token, Role(role or Role.KIOSK.value)))
    return EXIT_OK
