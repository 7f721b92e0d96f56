"""``kiosk``: the command line for staff and scripts.

Exit codes (documented in the README):
  0 success · 2 bad input or bad config · 3 refused by a rule · 4 system fault
Each area registers its own sub-commands from its module in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3
EXIT_FAULT = 4

COMMAND_MODULES = (
    "kiosk.cli.core_commands",
    "kiosk.cli.pin_commands",
    "kiosk.cli.printer_commands",
    "kiosk.cli.ops_commands",
    "kiosk.cli.ui_commands",
    "kiosk.cli.server_commands",
    "kiosk.cli.speech_commands",
    "kiosk.cli.call_commands",
    "kiosk.cli.daybook_commands",
    "kiosk.cli.office_commands",
)

# The boot path: ``kiosk run`` (systemd) and ``kiosk demo`` build only their own module's parser.
# Importing every command module and building every sub-command's parser costs some 13 ms,
# a tenth of what the kiosk's cold start adds to a bare Kivy app's (docs/benchmarks.md).
BOOT_COMMANDS = {"run": "kiosk.cli.ui_commands", "demo": "kiosk.cli.ui_commands"}

Handler = Callable[[argparse.Namespace], int]


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Antrian: kios antrean Disdukcapil Magetan")
    parser.add_argument("--verbose", "-v", action="store_true", help="more log lines on stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    command = next((arg for arg in given if not arg.startswith("-")), None)  # the only global option is -v
    parser = build_parser((BOOT_COMMANDS[command],) if command in BOOT_COMMANDS else COMMAND_MODULES)
    args = parser.parse_args(given)
    from kiosk.ops.logging import setup_logging, stderr_is_journal

    # Under systemd the journal keeps INFO lines (what was issued, printed, refused); on a
    # terminal only warnings, unless -v. Every line passes the NIK/token redaction.
    setup_logging(logging.INFO if args.verbose or stderr_is_journal() else logging.WARNING)
    from kiosk.cli.common import handles_errors

    # Every command, decorated or not, ends in its documented exit code with a plain message.
    handler: Handler = handles_errors(args.handler)
    return handler(args)


def run() -> None:
    sys.exit(main())
