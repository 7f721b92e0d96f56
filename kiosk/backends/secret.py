"""The per-site secret that keys the NIK hash: created once, readable by the kiosk user only."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from kiosk.backends.durable import fsync_folder
from kiosk.core.errors import Reason, SystemFault

SECRET_BYTES = 32


def fingerprint(secret: bytes) -> str:
    """A short public mark of the secret: equal secrets, equal marks; the secret cannot be had from it."""
    return hmac.new(secret, b"antrian site secret fingerprint v1", hashlib.sha256).hexdigest()[:16]


def load_or_create(path: Path, may_create: bool = True) -> bytes:
    """Read the secret, creating it (0600, written atomically) on first run.

    Losing this file makes stored hashes unmatchable, so it is never overwritten, and it is
    only created for a fresh store (``may_create``): beside one that already holds NIK hashes a
    missing secret is ``SECRET_MISSING``, to be restored from a backup, not replaced.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not may_create:
            raise SystemFault(Reason.SECRET_MISSING, path=str(path), detail="restore it from a backup") from None
        return _create(path)
    except OSError as exc:
        raise SystemFault(Reason.CONFIG_INVALID, path=str(path), detail=exc.strerror) from None
    if len(data) < 16:
        raise SystemFault(Reason.CONFIG_INVALID, path=str(path), detail="secret shorter than 16 bytes")
    return data


def _create(path: Path) -> bytes:
    """Write the secret to a private temporary file, then link it into place.

    ``link`` fails if the name exists, so two processes starting at once agree on one secret,
    and a crash mid-write leaves at most a stray temporary file, never an empty secret that
    would stop the kiosk at every later start.
    """
    secret = secrets.token_bytes(SECRET_BYTES)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return load_or_create(path)  # another process created it first: use theirs
        fsync_folder(path.parent)
    except OSError as exc:
        raise SystemFault(Reason.CONFIG_INVALID, path=str(path), detail=exc.strerror) from None
    finally:
        temporary.unlink(missing_ok=True)
    return secret
