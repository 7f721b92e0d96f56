"""Helpers shared by the sub-commands: config loading, error reporting, JSON output."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from kiosk.backends.import_errors import ImportFileError
from kiosk.cli import EXIT_BAD_INPUT, EXIT_FAULT, EXIT_REFUSED
from kiosk.core.config import DEFAULT_CONFIG_PATH, Config, ConfigError, load
from kiosk.core.errors import BadInput, KioskError, Reason, Refusal, SystemFault
from kiosk.i18n import LANGUAGES
from kiosk.messages import explain

log = logging.getLogger(__name__)


def default_config_path() -> Path:
    return Path(os.environ.get("ANTRIAN_CONFIG", str(DEFAULT_CONFIG_PATH)))


def add_config(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    parser.add_argument(
        "--config", type=Path, default=None, help=f"config file (default: $ANTRIAN_CONFIG or {DEFAULT_CONFIG_PATH})"
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="id", help="language of messages (jv: Basa Jawa)")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="machine-readable output")


def config_of(args: argparse.Namespace) -> Config:
    return load(args.config or default_config_path())


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def handles_errors(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn every explainable error into its message and its exit code; nothing leaks a NIK."""

    @wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        lang = getattr(args, "lang", "id")
        try:
            return func(args)
        except ConfigError as exc:
            print("Konfigurasi bermasalah / configuration problems:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except ImportFileError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_BAD_INPUT
        except KioskError as exc:
            message = explain(exc, lang)
            # The person at the counter needs the plain message; the technician reading the
            # CLI also needs which file and what SQLite or the OS said (never personal data).
            technical = ": ".join(str(exc.params[k]) for k in ("path", "detail") if exc.params.get(k))
            if getattr(args, "json", False):
                data = {"error": exc.reason.value, "title": message.title, "hint": message.hint}
                emit_json({**data, "detail": technical} if technical else data)
            else:
                print(f"{message.title}\n{message.hint}", file=sys.stderr)
                if technical and isinstance(exc, SystemFault):
                    print(f"({technical})", file=sys.stderr)
            if isinstance(exc, BadInput):
                return EXIT_BAD_INPUT
            if isinstance(exc, Refusal):
                return EXIT_REFUSED
            return EXIT_FAULT
        except Exception:  # noqa: BLE001 - a bug must still end in the documented "system fault" code
            log.exception("unexpected error in %s", getattr(args, "command", "kiosk"))
            message = explain(SystemFault(Reason.UNEXPECTED), lang)
            print(f"{message.title}\n{message.hint}", file=sys.stderr)
            return EXIT_FAULT

    return wrapper


NIK_HELP = "the NIK; - reads it from standard input, which keeps it off the command line (ps, sudo's log, the journal)"


def nik_arg(value: str) -> str:
    """``--nik``: the NIK itself, or ``-`` for one line of standard input.

    A command line is not private: ``ps`` shows it to every user, and sudo, su and runuser put
    it in the journal (runuser's session line carries it as _CMDLINE, seen in tests/boot).
    """
    if value != "-":
        return value
    return sys.stdin.readline().strip()
