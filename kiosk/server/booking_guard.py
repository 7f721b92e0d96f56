"""The booking pages' guards: one-time form tokens bound to a CSRF cookie, signed proofs, rate limits.

Nothing from the internet (no CAPTCHA service): a form is good once, for ``form_minutes``, and
only with the cookie it was issued beside (``SameSite=Strict``), so another site cannot post it
and a script must fetch a fresh form for every try. Tokens are HMACs keyed by a key derived
from the site secret; they carry no NIK and no NIK hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time as _time
from collections import deque
from collections.abc import Callable

from kiosk.core.errors import Reason, Refusal

Clock = Callable[[], float]


def derive_key(site_secret: bytes, purpose: bytes) -> bytes:
    """A key of its own for each use of the site secret (forms, proofs, saved images)."""
    return hmac.new(site_secret, b"antrian booking site v1 " + purpose, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _mac(key: bytes, *parts: str) -> str:
    return _b64(hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).digest()[:18])


class FormTokens:
    """One-time form tokens: ``nonce.issued.mac`` with the mac over the nonce, time, purpose and cookie."""

    def __init__(self, key: bytes, lifetime_s: float, clock: Clock = _time.time) -> None:
        self.key = key
        self.lifetime_s = lifetime_s
        self.clock = clock
        self._used: dict[str, float] = {}  # nonce -> when it may be forgotten (its token expired)
        self._lock = threading.Lock()

    def issue(self, purpose: str, cookie: str) -> str:
        nonce = _b64(secrets.token_bytes(12))
        issued = str(int(self.clock()))
        return f"{nonce}.{issued}.{_mac(self.key, nonce, issued, purpose, cookie)}"

    def spend(self, token: str, purpose: str, cookie: str) -> None:
        """Accept a token once; raise ``FORM_TAMPERED`` (not ours) or ``FORM_EXPIRED`` (old or used)."""
        parts = token.split(".")
        if len(parts) != 3 or not cookie or not parts[1].isdigit():
            raise Refusal(Reason.BOOKING_FORM_TAMPERED)
        nonce, issued, mac = parts
        if not hmac.compare_digest(mac, _mac(self.key, nonce, issued, purpose, cookie)):
            raise Refusal(Reason.BOOKING_FORM_TAMPERED)
        now = self.clock()
        if now - int(issued) > self.lifetime_s:
            raise Refusal(Reason.BOOKING_FORM_EXPIRED)
        with self._lock:
            for old in [n for n, until in self._used.items() if until < now]:
                del self._used[old]
            if nonce in self._used:
                raise Refusal(Reason.BOOKING_FORM_EXPIRED)
            self._used[nonce] = int(issued) + self.lifetime_s + 1


class Signer:
    """Short signed values: a proof that someone showed the NIK of a booking, a link to its saved image."""

    def __init__(self, key: bytes, lifetime_s: float, clock: Clock = _time.time) -> None:
        self.key = key
        self.lifetime_s = lifetime_s
        self.clock = clock

    def sign(self, value: str, secret_part: str = "") -> str:
        """``expiry.mac``; ``secret_part`` (e.g. the NIK hash) is in the mac but not in the token."""
        expiry = str(int(self.clock() + self.lifetime_s))
        return f"{expiry}.{_mac(self.key, value, secret_part, expiry)}"

    def valid(self, token: str, value: str, secret_part: str = "") -> bool:
        expiry, _, mac = token.partition(".")
        if not expiry.isdigit() or int(expiry) < self.clock():
            return False
        return hmac.compare_digest(mac, _mac(self.key, value, secret_part, expiry))


class RateLimiter:
    """At most ``limit`` attempts per key within ``window_s`` (a sliding window, in memory).

    In memory on purpose: one server process per office serves /book; a restart forgives, which
    costs a broker one window and nobody else anything.
    """

    def __init__(self, limit: int, window_s: float, clock: Clock = _time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._sweep_at = 0.0

    def hit(self, key: str) -> None:
        """Count one attempt; raise ``BOOKING_TOO_MANY_ATTEMPTS`` past the limit (that one is not counted)."""
        now = self.clock()
        with self._lock:
            if now >= self._sweep_at:  # forget keys whose attempts all left the window
                for old in [k for k, q in self._seen.items() if not q or q[-1] <= now - self.window_s]:
                    del self._seen[old]
                self._sweep_at = now + self.window_s
            attempts = self._seen.setdefault(key, deque())
            while attempts and attempts[0] <= now - self.window_s:
                attempts.popleft()
            if len(attempts) >= self.limit:
                wait = max(1, int((attempts[0] + self.window_s - now) // 60) + 1)
                raise Refusal(Reason.BOOKING_TOO_MANY_ATTEMPTS, minutes=wait)
            attempts.append(now)
