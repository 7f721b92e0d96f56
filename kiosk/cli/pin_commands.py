"""``kiosk set-pin``: write the technician PIN's scrypt hash into the config file, never the PIN.

The PIN is asked twice without echo. From a script, give it on two lines of stdin:
``printf '2468\\n2468\\n' | kiosk set-pin --config kiosk.toml``. Only the line
``technician_pin_hash = "..."`` of ``[security]`` changes; comments and every other key stay.
``--disable`` writes an empty hash, which turns technician mode off.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.cli import EXIT_BAD_INPUT, EXIT_FAULT, EXIT_OK
from kiosk.cli.common import default_config_path
from kiosk.core.pin import (
    PIN_MAX_DIGITS,
    PIN_MIN_DIGITS,
    PinFormatError,
    PinTooSimpleError,
    check_pin_strength,
    hash_pin,
)

KEY = "technician_pin_hash"
_TABLE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY_LINE = re.compile(rf"^(\s*){KEY}\s*=\s*(\"[^\"]*\"|'[^']*')(\s*#.*)?\s*$")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("set-pin", help="set the technician PIN (stores only its scrypt hash)")
    p.add_argument(
        "--config", type=Path, default=None, help="config file to change (default: $ANTRIAN_CONFIG or the system one)"
    )
    p.add_argument("--disable", action="store_true", help="clear the hash: technician mode off")
    p.set_defaults(handler=set_pin)


def _ask_tty(prompt: str) -> str:
    return getpass.getpass(prompt)


def _stdin_reader() -> Callable[[str], str]:
    lines = iter(sys.stdin.read().splitlines())

    def read(_prompt: str) -> str:
        return next(lines, "")

    return read


def set_pin(args: argparse.Namespace) -> int:
    path: Path = args.config or default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
        tomllib.loads(text)
    except OSError as exc:
        print(f"{path}: tidak bisa dibaca ({exc.strerror}) / cannot be read", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        print(f"{path}: TOML rusak, perbaiki dulu ({exc}) / broken TOML, fix it first", file=sys.stderr)
        return EXIT_BAD_INPUT

    if args.disable:
        stored = ""
    else:
        ask = _ask_tty if sys.stdin.isatty() else _stdin_reader()
        first = ask(f"PIN teknisi baru ({PIN_MIN_DIGITS}-{PIN_MAX_DIGITS} angka) / new technician PIN: ").strip()
        try:
            check_pin_strength(first)
        except PinTooSimpleError:
            print(
                "PIN terlalu mudah ditebak (angka sama semua, berurutan, atau sepasang diulang); pilih yang lain / "
                "the PIN is too easy to guess (one digit, a straight run or a repeated pair); choose another / "
                "PIN gampil sanget dipuntebak (angka sami sedaya, urut, utawi sepasang dipunambali); "
                "mangga pilih sanesipun",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        except PinFormatError:
            print(
                f"PIN harus {PIN_MIN_DIGITS} sampai {PIN_MAX_DIGITS} angka / "
                f"the PIN must be {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        second = ask("Ulangi PIN / repeat the PIN: ").strip()
        if second != first:
            print("Kedua PIN tidak sama; tidak ada yang diubah / the PINs differ; nothing changed", file=sys.stderr)
            return EXIT_BAD_INPUT
        stored = hash_pin(first)

    new_text = with_pin_hash(text, stored)
    if not _only_pin_changed(text, new_text, stored):
        print(f"{path}: tidak bisa mengubah [security] dengan aman; ubah manual / cannot edit safely", file=sys.stderr)
        return EXIT_FAULT
    try:
        _write_atomically(path, new_text)
    except OSError as exc:
        print(f"{path}: tidak bisa ditulis ({exc.strerror}) / cannot be written", file=sys.stderr)
        return EXIT_FAULT
    if stored:
        print(f"{path}: PIN teknisi disimpan (hanya hash-nya) / technician PIN set (hash only)")
    else:
        print(f"{path}: mode teknisi dimatikan / technician mode disabled")
    return EXIT_OK


def with_pin_hash(text: str, stored: str) -> str:
    """``text`` with ``[security] technician_pin_hash`` set to ``stored``; nothing else changes."""
    lines = text.splitlines(keepends=True)
    value = f'"{stored}"'
    section_start = None
    for index, line in enumerate(lines):
        match = _TABLE.match(line)
        if not match:
            continue
        if section_start is not None:  # the next table ends [security]
            return "".join(lines[:section_start] + _set_in_section(lines[section_start:index], value) + lines[index:])
        if match.group(1).strip() == "security" and not line.lstrip().startswith("[["):
            section_start = index + 1
    if section_start is not None:
        return "".join(lines[:section_start] + _set_in_section(lines[section_start:], value))
    tail = "" if not text or text.endswith("\n") else "\n"
    return f"{text}{tail}\n[security]\n{KEY} = {value}\n"


def _set_in_section(section: list[str], value: str) -> list[str]:
    for index, line in enumerate(section):
        match = _KEY_LINE.match(line.rstrip("\r\n"))
        if match:
            ending = line[len(line.rstrip("\r\n")) :] or "\n"
            comment = match.group(3) or ""
            return [*section[:index], f"{match.group(1)}{KEY} = {value}{comment}{ending}", *section[index + 1 :]]
    # No key yet: add it after the last non-blank line of the table.
    last = len(section)
    while last > 0 and not section[last - 1].strip():
        last -= 1
    before = section[:last]
    if before and not before[-1].endswith("\n"):
        before[-1] += "\n"
    return [*before, f"{KEY} = {value}\n", *section[last:]]


def _only_pin_changed(old: str, new: str, stored: str) -> bool:
    """Parse both texts: the new one must equal the old one with only the hash set."""
    try:
        before, after = tomllib.loads(old), tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        return False
    security = before.get("security", {})
    if not isinstance(security, dict):
        return False
    before["security"] = {**security, KEY: stored}
    return before == after


def _write_atomically(path: Path, text: str) -> None:
    stat = path.stat()
    mode = stat.st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=".kiosk-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if (stat.st_uid, stat.st_gid) != (os.getuid(), os.getgid()):
            try:  # keep e.g. root:antrian 0640, so the kiosk user can still read its config
                os.chown(tmp, stat.st_uid, stat.st_gid)
            except PermissionError:
                print(f"{path}: pemilik berkas berubah; periksa izin / the file's owner changed", file=sys.stderr)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
