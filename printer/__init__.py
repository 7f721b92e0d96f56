"""The ticket printer: ESC/POS layout, connections, real-time status, preview PNGs.

python-escpos reads ``ESCPOS_CAPABILITIES_PICKLE_DIR`` when it is first imported and otherwise
leaves a fresh temporary folder behind on every start; it also calls ``logging.basicConfig()``,
which would silence the CLI's own ``--verbose`` setup. Both are dealt with here, once, before any
module of this package imports escpos.

python-escpos also writes that cache (a pickle) in place, not atomically: a second kiosk process
starting at the same moment (``kiosk walkin`` beside the kiosk at boot) read it half-written and
died with ``EOFError``, and a power cut in the middle of the write would leave it broken at every
later start. So the import holds a lock on the folder, and a cache that cannot be read is removed
and built again.
"""

from __future__ import annotations

import fcntl
import logging
import os
import platform
import sys
import tempfile
from pathlib import Path


def _prepare_escpos() -> None:
    folder = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    candidates = [Path(folder)] if folder else []
    if os.environ.get("CACHE_DIRECTORY"):  # systemd's CacheDirectory= of kiosk.service
        candidates.append(Path(os.environ["CACHE_DIRECTORY"].split(":")[0]) / "escpos")
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    candidates += [Path(cache_home) / "antrian" / "escpos", Path(tempfile.gettempdir()) / "antrian-escpos"]
    chosen: Path | None = None
    for candidate in candidates:
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(candidate)
            chosen = candidate
            break
    root = logging.getLogger()
    before = list(root.handlers)
    _import_capabilities(chosen)
    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)


def _import_capabilities(folder: Path | None) -> None:
    """Import ``escpos.capabilities`` (it loads or writes the profile cache in ``folder``) under
    a lock on the folder; a cache it cannot read is removed and the import tried once more."""
    lock = None
    if folder is not None:
        try:
            lock = open(folder / ".lock", "a")  # held until the import is done
            fcntl.flock(lock, fcntl.LOCK_EX)
        except OSError:
            lock = None  # no lock to be had: the import below still repairs a broken cache
    try:
        try:
            import escpos.capabilities  # noqa: F401  (loads the profile database with the folder above)
        except Exception:  # noqa: BLE001 - a torn pickle fails in many ways (EOFError, UnpicklingError, ...)
            if folder is None:
                raise
            (folder / f"{platform.python_version()}.capabilities.pickle").unlink(missing_ok=True)
            sys.modules.pop("escpos.capabilities", None)
            import escpos.capabilities  # noqa: F401  (a full load writes the cache anew)
    finally:
        if lock is not None:
            lock.close()


_prepare_escpos()
