"""Who a bearer token belongs to: the one reader of ``server.tokens_file``, reloaded live.

A line is ``NAME <sha256 hex of the token> [ROLE]`` (``#`` starts a comment). The role is
``kiosk`` when left out (issues numbers), ``counter`` (calls at counter NAME) or ``office``
(a supervisor: runs the day, can neither issue nor call). Only the hash is stored.

The file is looked at on every lookup (one ``stat``) and read again when it changed, so a token
added works at once and a token removed is refused at once: no restart. At start-up a bad line
is an error with its line number; a bad line written later is skipped and logged, so a typo
while revoking a token never keeps the revoked one alive nor locks everyone else out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import threading
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from kiosk.core.record import record

log = logging.getLogger(__name__)

DIGEST = re.compile(r"^[0-9a-f]{64}$")


class Role(StrEnum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    OFFICE = "office"


@record
class Principal:
    """Who signed in: a kiosk id, a counter id or a supervisor's name, with its role."""

    role: Role
    name: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_line(name: str, token: str, role: Role) -> str:
    """The tokens-file line for a new token (kiosk lines keep their two-field form)."""
    return f"{name} {token_hash(token)}" + ("" if role is Role.KIOSK else f" {role.value}")


def parse_tokens(text: str, source: str = "tokens file", strict: bool = True) -> dict[str, Principal]:
    """``sha256 hex -> Principal`` from the file's text; ``strict`` raises ValueError on a bad line."""
    found: dict[str, Principal] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        role_text = parts[2] if len(parts) == 3 else Role.KIOSK.value
        if len(parts) not in (2, 3) or not DIGEST.match(parts[1].lower()) or role_text not in Role.__members__.values():
            message = f"{source}:{number}: expected 'NAME <64 hex> [counter|office]'"
            if strict:
                raise ValueError(message)
            log.error("%s: line skipped", message)
            continue
        found[parts[1].lower()] = Principal(Role(role_text), parts[0])
    return found


class TokenStore:
    """The tokens file (if any) plus fixed kiosk tokens given in code (tests, benches)."""

    def __init__(self, path: Path | None, kiosk_tokens: Mapping[str, str] | None = None) -> None:
        self.path = path
        self._fixed = {digest.lower(): Principal(Role.KIOSK, kiosk) for kiosk, digest in (kiosk_tokens or {}).items()}
        self._lock = threading.Lock()
        self._stamp: tuple[int, ...] | None = None
        self._from_file: dict[str, Principal] = {}
        if path is not None and path.is_file():
            self._from_file = parse_tokens(path.read_text(encoding="utf-8"), str(path), strict=True)
            self._stamp = self._stat()

    def _stat(self) -> tuple[int, ...] | None:
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def _current(self) -> dict[str, Principal]:
        stamp = self._stat()
        with self._lock:
            if stamp != self._stamp:
                try:
                    text = self.path.read_text(encoding="utf-8") if (self.path and stamp) else ""
                except OSError as exc:  # unreadable now: nobody from the file signs in until it is fixed
                    log.error("tokens file unreadable (%s): its tokens are refused", exc.strerror)
                    text = ""
                self._from_file = parse_tokens(text, str(self.path), strict=False)
                self._stamp = stamp
                log.info("tokens file reloaded: %d tokens", len(self._from_file))
            return {**self._fixed, **self._from_file}

    def who(self, token: str) -> Principal | None:
        """The holder of a bearer token, compared in constant time; None if unknown or revoked."""
        if not token:
            return None
        digest = token_hash(token)
        found: Principal | None = None
        for known, principal in self._current().items():
            if hmac.compare_digest(known, digest):
                found = principal
        return found

    def names(self, role: Role) -> list[str]:
        """Everyone who holds a token of ``role`` now (the office lists the kiosks it expects)."""
        return sorted({p.name for p in self._current().values() if p.role is role})

    def who_by_header(self, header: str | None) -> Principal | None:
        if not header or not header.startswith("Bearer "):
            return None
        return self.who(header[len("Bearer ") :].strip())
