"""The importer's whole-file error, apart from the importer: every command's error handling
(``kiosk.cli.common``) names it, and ``kiosk run`` must not load the importer (ijson, csv) for that."""

from __future__ import annotations


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, not CSV/JSON, wrong columns)."""
