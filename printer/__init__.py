"""The ticket printer: ESC/POS layout, connections, real-time status, preview PNGs.

python-escpos reads ``ESCPOS_CAPABILITIES_PICKLE_DIR`` when it is first imported and otherwise
leaves a fresh temporary folder behind on every start; it also calls ``logging.basicConfig()``,
which would silence the CLI's own ``--verbose`` setup. Both are dealt with here, once, before any
module of this package imports escpos.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path


def _prepare_escpos() -> None:
    folder = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    candidates = [Path(folder)] if folder else []
    if os.environ.get("CACHE_DIRECTORY"):  # systemd's CacheDirectory= of kiosk.service
        candidates.append(Path(os.environ["CACHE_DIRECTORY"].split(":")[0]) / "escpos")
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    candidates += [Path(cache_home) / "antrian" / "escpos", Path(tempfile.gettempdir()) / "antrian-escpos"]
    for candidate in candidates:
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(candidate)
            break
    root = logging.getLogger()
    before = list(root.handlers)
    import escpos.capabilities  # noqa: F401  (loads the profile database with the folder above)

    for handler in list(root.handlers):
        if handler not in before:
            root.removeHandler(handler)


_prepare_escpos()
