"""The technician PIN: a scrypt hash in the config, and a gate that locks after wrong tries.

Only the hash is ever written anywhere (``scrypt$n$r$p$salt$hash``, base64 without padding).
Five wrong tries lock the gate for five minutes; the count and the lock live in a
``LockStore`` so that a restart of the kiosk does not reset them (the file store is in
``kiosk.backends.pin_lock``). No I/O here: the store is injected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from kiosk.core.clock import Clock
from kiosk.core.record import record

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8
MAX_TRIES = 5
LOCKOUT = timedelta(minutes=5)

# 2**14 x 8 x 1 takes ~16 MiB and some tens of milliseconds: slow enough against guessing a
# stolen config offline, fast enough for a kiosk. Parameters travel with the hash.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
# A hash from a tampered config must not make the kiosk allocate gigabytes or spin for minutes:
# each parameter has a ceiling, and so have the memory (128·n·r bytes) and the work (n·r·p)
# they make together; 64 MiB and 16 times the default work.
MAX_N = 2**20
MAX_R = 32
MAX_P = 16
MAX_MEMORY = 64 * 2**20
MAX_WORK = 16 * SCRYPT_N * SCRYPT_R * SCRYPT_P
SALT_BYTES = 16
KEY_BYTES = 32


class PinFormatError(ValueError):
    """The PIN is not 4 to 8 digits."""


class PinHashError(ValueError):
    """The stored hash is not a scrypt hash this module wrote."""


def check_pin_format(pin: str) -> str:
    """Return the PIN if it is 4-8 ASCII digits, else raise ``PinFormatError``."""
    if not (pin.isascii() and pin.isdigit() and PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS):
        raise PinFormatError(f"PIN must be {PIN_MIN_DIGITS}-{PIN_MAX_DIGITS} digits")
    return pin


class PinTooSimpleError(PinFormatError):
    """The PIN is one a passer-by guesses first: one digit repeated, or a straight run."""


def check_pin_strength(pin: str) -> str:
    """Return a well-formed PIN that is not trivial, else raise (``PinFormatError`` or ``PinTooSimpleError``).

    Refused: one digit repeated (0000, 777777), a straight run up or down (1234, 0123, 9876,
    3210, 12345678), and a pair repeated (1212, 2020, 696969): the first tries of anybody.
    """
    check_pin_format(pin)
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    if len(steps) == 1 and steps <= {-1, 0, 1}:
        raise PinTooSimpleError("the PIN is one digit repeated or a straight run")
    if len(pin) % 2 == 0 and pin == pin[:2] * (len(pin) // 2):
        raise PinTooSimpleError("the PIN is a pair of digits repeated")
    return pin


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # maxmem: scrypt needs 128*n*r bytes; the default cap (32 MiB) would refuse MAX_N.
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * n * r + 2**20)


def hash_pin(pin: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """The text to store for ``pin``: ``scrypt$n$r$p$salt$hash`` with a fresh random salt."""
    check_pin_format(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(pin, salt, n, r, p, KEY_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


@record
class PinHash:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes


def parse_hash(stored: str) -> PinHash:
    """Read a stored hash, refusing anything malformed or with absurd cost parameters."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise PinHashError("not a scrypt$n$r$p$salt$hash text")
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except (ValueError, binascii.Error):
        raise PinHashError("bad number or base64 in the PIN hash") from None
    if not (1 < n <= MAX_N and n & (n - 1) == 0 and 0 < r <= MAX_R and 0 < p <= MAX_P):
        raise PinHashError("scrypt parameters out of range")
    if 128 * n * r > MAX_MEMORY or n * r * p > MAX_WORK:
        raise PinHashError("scrypt parameters ask for too much memory or time")
    if len(salt) < 8 or len(key) < 16:
        raise PinHashError("salt or key too short")
    return PinHash(n, r, p, salt, key)


def verify_pin(pin: str, stored: str) -> bool:
    """True if ``pin`` matches ``stored``; compared in constant time. A bad PIN format is False."""
    parsed = parse_hash(stored)
    try:
        check_pin_format(pin)
    except PinFormatError:
        return False
    key = _scrypt(pin, parsed.salt, parsed.n, parsed.r, parsed.p, len(parsed.key))
    return hmac.compare_digest(key, parsed.key)


# -- the gate -------------------------------------------------------------------------------


@record
class LockState:
    """Wrong tries since the last success or lockout, and the end of the lockout if any."""

    failures: int = 0
    locked_until: datetime | None = None


class LockStore(Protocol):
    def load(self) -> LockState:
        """The saved state; a fresh ``LockState()`` if none (or unreadable)."""
        ...

    def save(self, state: LockState) -> None: ...

    def held(self) -> AbstractContextManager[object]:
        """Exclusive use of the state between a load and its save, also against other processes."""
        ...


class MemoryLockStore:
    """Keeps the state for the life of the process only."""

    def __init__(self) -> None:
        self.state = LockState()

    def load(self) -> LockState:
        return self.state

    def save(self, state: LockState) -> None:
        self.state = state

    def held(self) -> AbstractContextManager[object]:
        return nullcontext()  # one process: the gate's own mutex is enough


class PinOutcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"
    DISABLED = "disabled"  # no PIN hash configured: technician mode is off


@record
class PinResult:
    outcome: PinOutcome
    tries_left: int = MAX_TRIES
    locked_until: datetime | None = None
    minutes_left: int = 0

    @property
    def accepted(self) -> bool:
        return self.outcome == PinOutcome.ACCEPTED


class PinGate:
    """Checks technician PINs; ``MAX_TRIES`` wrong ones lock it for ``LOCKOUT``.

    While locked even the right PIN is refused. Safe to call from a worker thread.
    A broken stored hash counts as disabled, so a bad config can never open the gate.
    """

    def __init__(
        self,
        pin_hash: str,
        clock: Clock,
        store: LockStore | None = None,
        max_tries: int = MAX_TRIES,
        lockout: timedelta = LOCKOUT,
    ) -> None:
        self._hash = pin_hash.strip()
        self._clock = clock
        self._store: LockStore = store if store is not None else MemoryLockStore()
        self._max_tries = max_tries
        self._lockout = lockout
        self._mutex = threading.Lock()
        self._valid = False
        if self._hash:
            try:
                parse_hash(self._hash)
                self._valid = True
            except PinHashError:
                pass  # counted as disabled; the PIN screen says technician mode is off

    @property
    def enabled(self) -> bool:
        """False when no (usable) PIN hash is configured: technician mode is off."""
        return self._valid

    def status(self) -> PinResult:
        """Where the gate stands now, without trying a PIN."""
        if not self._valid:
            return PinResult(PinOutcome.DISABLED, tries_left=0)
        with self._mutex, self._store.held():
            state = self._current()
            if state.locked_until is not None:
                return self._locked(state.locked_until)
            return PinResult(PinOutcome.WRONG, tries_left=self._max_tries - state.failures)

    def attempt(self, pin: str) -> PinResult:
        """Try a PIN: accepted, wrong (with tries left), locked (with minutes left) or disabled."""
        if not self._valid:
            return PinResult(PinOutcome.DISABLED, tries_left=0)
        # Load, verify and save under one lock: gates in several processes (the kiosk, the
        # server's pages) on one lock file count every wrong try, none overwrites another's.
        with self._mutex, self._store.held():
            state = self._current()
            if state.locked_until is not None:
                return self._locked(state.locked_until)
            if verify_pin(pin, self._hash):
                self._store.save(LockState())
                return PinResult(PinOutcome.ACCEPTED, tries_left=self._max_tries)
            failures = state.failures + 1
            if failures >= self._max_tries:
                until = self._clock.now() + self._lockout
                self._store.save(LockState(0, until))
                return self._locked(until)
            self._store.save(LockState(failures, None))
            return PinResult(PinOutcome.WRONG, tries_left=self._max_tries - failures)

    def _current(self) -> LockState:
        state = self._store.load()
        until = state.locked_until
        if until is None:
            return state
        now = self._clock.now()
        if now >= until:
            state = LockState()
            self._store.save(state)
        elif until - now > self._lockout:
            # The clock was set back (or the file edited): never lock longer than one lockout.
            state = LockState(0, now + self._lockout)
            self._store.save(state)
        return state

    def _locked(self, until: datetime) -> PinResult:
        seconds = max(0.0, (until - self._clock.now()).total_seconds())
        return PinResult(
            PinOutcome.LOCKED, tries_left=0, locked_until=until, minutes_left=max(1, -(-int(seconds) // 60))
        )
