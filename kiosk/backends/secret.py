"""The per-site secret that keys the NIK hash: created once, readable by the kiosk user only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from kiosk.core.errors import Reason, SystemFault

SECRET_BYTES = 32


def load_or_create(path: Path) -> bytes:
    """Read the secret, creating it (0600, written atomically) on first run.

    Losing this file makes stored hashes unmatchable, so it is never overwritten.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _create(path)
    except OSError as exc:
        raise SystemFault(Reason.CONFIG_INVALID, path=str(path), detail=exc.strerror) from None
    if len(data) < 16:
        raise SystemFault(Reason.CONFIG_INVALID, path=str(path), detail="secret shorter than 16 bytes")
    return data


def _create(path: Path) -> bytes:
    secret = secrets.token_bytes(SECRET_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()  # another process created it first: use theirs
    except OSError as exc:
        raise SystemFault(Reason.CONFIG_INVALID, path=str(path), detail=exc.strerror) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
        handle.flush()
        os.fsync(handle.fileno())
    return secret
