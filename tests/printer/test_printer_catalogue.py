"""Every word the printer package prints or shows has its English translation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "assets" / "translations" / "en" / "LC_MESSAGES" / "printer.po"


def extracted() -> set[str]:
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {str(m.id) for m in module.extract("printer", ()) if m.id}


def test_every_printer_message_has_an_english_translation() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = {str(m.id): str(m.string) for m in read_po(handle, locale="en") if m.id}
    missing = sorted(m for m in extracted() if not catalogue.get(m))
    assert missing == [], "run scripts/update_translations.py and translate these in printer.po"
