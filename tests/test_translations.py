"""Every string a person can see has its text in every language: a switch never shows Indonesian.

Languages are ``kiosk.i18n.LANGUAGES`` (Indonesian is the source): English and Basa Jawa in the
polite register (krama) used with the public in East Java.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.errors import Reason, Refusal
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, catalogue, translator
from kiosk.messages import explain, format_day
from kiosk.speech.prompts import SCREEN_PROMPTS

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
assert _spec and _spec.loader
update_translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_translations)

TRANSLATED = [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _source(domain: str) -> list[str]:
    folder, skip = update_translations.DOMAINS[domain]
    return [str(m.id) for m in update_translations.extract(folder, skip) if m.id]


def test_javanese_is_offered_beside_indonesian_and_english() -> None:
    assert LANGUAGES[:1] == ("id",) and {"en", "jv"} <= set(LANGUAGES)
    assert LANGUAGE_NAMES["jv"] == "Basa Jawa" and set(LANGUAGE_NAMES) == set(LANGUAGES)


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("domain", sorted(update_translations.DOMAINS))
def test_every_marked_string_in_the_source_has_a_translation(language: str, domain: str) -> None:
    source = _source(domain)
    table = catalogue(language)
    missing = sorted(msgid for msgid in source if msgid not in table)
    assert missing == [], f"run scripts/update_translations.py and translate these in {language}/{domain}.po"
    assert len(source) > 10  # the extraction really found the part's strings


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_every_placeholder_of_its_message(language: str) -> None:
    wrong = [
        (msgid, text)
        for msgid, text in catalogue(language).items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_button_named_in_a_message_or_prompt_is_named_as_the_button_reads(language: str) -> None:
    """'Pilih "Belum daftar"' must quote the translated label: else the person looks for a button that is not there."""
    tr = translator(language)
    table = catalogue(language)
    named = [(msgid, label) for msgid in table for label in re.findall(r'"([^"]+)"', msgid)]
    for prompt in SCREEN_PROMPTS.values():
        named += [(prompt, label) for label in re.findall(r"tekan tombol ([^.]+?)(?= untuk|\.)", prompt)]
    assert len(named) >= 10
    wrong = [(msgid, label, tr(label)) for msgid, label in named if tr(label) not in tr(msgid)]
    assert wrong == []


def test_basa_jawa_speaks_to_the_person_in_krama() -> None:
    texts = list(catalogue("jv").values())
    addressed = [t for t in texts if "Panjenengan" in t]
    assert len(addressed) >= 30
    ngoko_or_indonesian = re.compile(r"\b(Anda|kowe|sampeyan|awakmu|iki|ora|wis|durung|Silakan|Mohon)\b", re.I)
    assert [t for t in texts if ngoko_or_indonesian.search(t)] == []
    assert translator("jv")("Ambil nomor antrean di sini").startswith("Mangga")


def test_javanese_dates_come_from_babel() -> None:
    assert format_day(date(2026, 12, 2), "jv") == "2 Desember 2026"
    hint = explain(Refusal(Reason.BOOKING_WRONG_DAY, day="2026-12-02"), "jv").hint
    assert hint == "Panjenengan kadaftar kangge 2 Desember 2026. Mangga rawuh ing tanggal menika."


def test_the_command_line_explains_a_mistake_in_basa_jawa(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import write_config

    from kiosk import cli

    config = write_config(tmp_path)
    code = cli.main(["walkin", "--config", str(config), "--lang", "jv", "--service", "KTP", "--nik", "123"])
    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        "NIK kedah 16 angka",
        "Panjenengan ngetik 3 angka. Mangga priksa malih NIK ing KTP utawi KK Panjenengan.",
    ]
