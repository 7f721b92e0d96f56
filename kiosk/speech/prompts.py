"""What each citizen screen says when someone asks to listen, in plain words (Kivy-free).

Indonesian message ids, translated like every other text. A prompt names the buttons to press
by their words, never by colour: the person listening may not see the screen at all. The UI
picks the prompt from the screen's name and state (``kiosk.ui.voice.prompt_of``); the office
reviews them all with ``kiosk speak-prompts``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason, SystemFault
from kiosk.i18n import N_, translator
from kiosk.messages import TEXTS, explain

Translate = Callable[[str], str]

# (screen name, state) -> instruction; the state is the screen's mode or step ("" when it has none)
SCREEN_PROMPTS: dict[tuple[str, str], str] = {
    ("home", ""): N_(
        "Selamat datang. Bila sudah daftar online, tekan tombol Sudah daftar online. "
        "Bila belum, tekan tombol Belum daftar untuk antre langsung."
    ),
    ("entry", "nik"): N_(
        "Ketik 16 angka NIK Anda dengan tombol angka di layar. NIK ada di KTP atau Kartu Keluarga. "
        "Lalu tekan tombol Cari pendaftaran saya."
    ),
    ("entry", "code"): N_(
        "Ketik kode booking dari bukti pendaftaran online, atau pindai kode QR-nya. "
        "Lalu tekan tombol Cari pendaftaran saya."
    ),
    ("walkin", "service"): N_(
        "Pilih layanan yang Anda perlukan dengan menekan namanya. Layanan yang penuh tidak bisa dipilih hari ini."
    ),
    ("walkin", "nik"): N_(
        "Ketik 16 angka NIK Anda. Bila Anda lansia, penyandang disabilitas, atau ibu hamil, "
        "pilih antrean prioritas. Lalu tekan tombol Lanjut."
    ),
    ("confirm", "booking"): N_(
        "Pendaftaran Anda untuk {service} ditemukan. Bila benar, tekan tombol Ya, cetak nomor saya. "
        "Bila bukan, tekan tombol Bukan, kembali."
    ),
    ("confirm", "walk_in"): N_(
        "Periksa pilihan Anda: {service}. Bila benar, tekan tombol Ya, ambil nomor. "
        "Bila bukan, tekan tombol Bukan, kembali."
    ),
    ("done", "printed"): N_(
        "Nomor antrean Anda: {number}. Ambil karcis Anda di bawah layar, lalu silakan duduk di ruang tunggu. "
        "Nomor Anda akan dipanggil di layar dan pengeras suara."
    ),
    # Between the done screen's own title and hint (``unprinted_prompt``), which say what happened
    # and what to do: held (it comes out by itself), maybe printed (look in the tray, else Cetak
    # lagi), unprinted (Cetak lagi, or show the number).
    ("done", "not_printed"): N_("Nomor antrean Anda: {number}."),
}

LISTEN_LABEL = N_("Dengarkan")

# Spoken one by one, so "A-001" is "A, nol, nol, satu": a listener writes it down digit by digit.
DIGIT_WORDS = (
    N_("nol"),
    N_("satu"),
    N_("dua"),
    N_("tiga"),
    N_("empat"),
    N_("lima"),
    N_("enam"),
    N_("tujuh"),
    N_("delapan"),
    N_("sembilan"),
)


def spell_number(number: str, tr: Translate) -> str:
    """ "A-001" -> "A, nol, nol, satu": each letter and digit on its own, dashes left out."""
    parts = []
    for char in number:
        if char.isdigit() and char.isascii():
            parts.append(tr(DIGIT_WORDS[int(char)]))
        elif char.isalnum():
            parts.append(char.upper())
    return ", ".join(parts)


def screen_prompt(screen: str, state: str, tr: Translate, service: str = "", number: str = "") -> str:
    """The instruction of ``screen`` in ``state``, translated; "" for a screen that says nothing."""
    text = SCREEN_PROMPTS.get((screen, state))
    if text is None:
        return ""
    return tr(text).format(service=service, number=spell_number(number, tr) if number else "")


def home_prompt(tr: Translate, notice: str = "") -> str:
    """The home screen's welcome, then the office's notice of the day when there is one."""
    return " ".join(part for part in (screen_prompt("home", "", tr), notice) if part)


TICKET_NUMBER = re.compile(r"\b[A-Z]-?[0-9]{3}\b")
FULL_HOUR = re.compile(r"\b([0-9]{1,2}):00\b")


def message_prompt(title: str, hint: str, tr: Translate) -> str:
    """A refusal or fault, spoken: its title, then what to do next; a ticket number spelled out."""
    title, hint = title.strip(), hint.strip()
    if title and not title.endswith((".", "!", "?")):
        title += "."
    text = f"{title} {hint}".strip()
    text = FULL_HOUR.sub(lambda match: str(int(match.group(1))), text)  # "pukul 09:00": "pukul 9", not "9 nol nol"
    return TICKET_NUMBER.sub(lambda match: spell_number(match.group(0), tr), text)


def unprinted_prompt(title: str, hint: str, number: str, tr: Translate) -> str:
    """A ticket that did not (or may not) come out, spoken as the done screen shows it: its title,
    the number spelled out, then its hint (what to do next)."""
    said = (message_prompt(title, "", tr), screen_prompt("done", "not_printed", tr, number=number), hint.strip())
    return " ".join(part for part in said if part)


# Sample values for the office's review of every message (nothing personal).
_SAMPLE = {
    "length": 12,
    "day": "2026-12-02",
    "site": "Mal Pelayanan Publik",
    "address": "",
    "number": "A-001",
    "slot": "09:00",
    "come_at": "08:00",
    "cap": 2,
    "open": "07:30",
    "close": "15:00",
}


def every_prompt(config: Config, language: str, day: date | None = None) -> Iterator[tuple[str, str]]:
    """(name, text) of every spoken prompt and message in ``language``, with sample values.

    For ``kiosk speak-prompts`` and the test that each one renders to audible speech.
    """
    tr = translator(language)
    service = config.services[0].name if config.services else "KTP-el"
    for (screen, state), _text in SCREEN_PROMPTS.items():
        name = f"{screen}-{state}" if state else screen
        if (screen, state) == ("done", "not_printed"):  # as the done screen says it: maybe printed
            maybe = explain(SystemFault(Reason.PRINTER_MAYBE_PRINTED), language)
            yield name, unprinted_prompt(maybe.title, maybe.hint, "A-001", tr)
            continue
        yield name, screen_prompt(screen, state, tr, service=service, number="A-001")
    params = dict(_SAMPLE, service=service, website=config.site.booking_website.split("://")[-1])
    for reason in TEXTS:
        message = explain(BadInput(reason, **params), language)
        yield f"message-{reason.value}", message_prompt(message.title, message.hint, tr)
