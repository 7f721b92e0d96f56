"""Every string a person can see has its English text: a switch to English never shows Indonesian."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kiosk.i18n import catalogue

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
assert _spec and _spec.loader
update_translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_translations)


@pytest.mark.parametrize("domain", sorted(update_translations.DOMAINS))
def test_every_marked_string_in_the_source_has_an_english_translation(domain: str) -> None:
    folder, skip = update_translations.DOMAINS[domain]
    source = update_translations.extract(folder, skip)
    english = catalogue("en")
    missing = sorted(str(m.id) for m in source if m.id and str(m.id) not in english)
    assert missing == [], f"run scripts/update_translations.py and translate these in {domain}.po"
    assert len(source) > 10  # the extraction really found the part's strings
