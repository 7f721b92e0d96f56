"""Making a name durable: after a file is created, renamed or removed, its folder is fsynced,
or a power cut can forget the name although the file's bytes were synced (the day book, the
site secret and the issue marks all need it)."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Make a name created or removed in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
