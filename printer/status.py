"""Real-time status: DLE EOT 1-4, read our own way, and named printer states.

python-escpos's ``paper_status()`` takes an empty read for "plenty of paper"; here a query that
gets no byte, or a byte without the fixed bits of a status reply, makes the whole status
"unknown", and "unknown" can never print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.i18n import N_, translator

DLE_EOT = b"\x10\x04"
QUERIES = (1, 2, 3, 4)  # printer, offline cause, error cause, paper roll sensor


class State(StrEnum):
    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    CUTTER_ERROR = "cutter_error"
    UNRECOVERABLE_ERROR = "unrecoverable_error"
    UNKNOWN = "unknown"


CAN_PRINT = frozenset({State.READY, State.PAPER_NEAR_END})

STATE_TEXTS = {
    State.READY: N_("Siap mencetak"),
    State.PAPER_NEAR_END: N_("Kertas hampir habis: segera ganti gulungan"),
    State.PAPER_OUT: N_("Kertas habis: pasang gulungan baru"),
    State.COVER_OPEN: N_("Tutup printer terbuka: tutup rapat"),
    State.OFFLINE: N_("Printer tidak tersambung atau offline: periksa kabel dan daya"),
    State.CUTTER_ERROR: N_("Pemotong kertas macet: buka tutup, bersihkan, matikan lalu nyalakan"),
    State.UNRECOVERABLE_ERROR: N_("Printer rusak (galat tak terpulihkan): matikan lalu nyalakan, hubungi servis"),
    State.UNKNOWN: N_("Printer tidak menjawab: status tidak diketahui"),
}

# (query, mask, text when set, text when clear). Epson sets both near-end bits (0x0C) and both
# paper-end bits (0x60); some clones set only one of each, so any bit of the mask counts.
BITS: tuple[tuple[int, int, str, str], ...] = (
    (1, 0x08, N_("Printer offline"), N_("Printer online")),
    (1, 0x20, N_("Menunggu pulih ke online"), N_("Tidak menunggu pemulihan")),
    (1, 0x40, N_("Tombol feed sedang ditekan"), N_("Tombol feed tidak ditekan")),
    (2, 0x04, N_("Tutup terbuka"), N_("Tutup tertutup")),
    (2, 0x08, N_("Kertas sedang diumpan dengan tombol feed"), N_("Tidak ada umpan manual")),
    (2, 0x20, N_("Cetak berhenti karena kertas habis"), N_("Cetak tidak berhenti karena kertas")),
    (2, 0x40, N_("Ada galat"), N_("Tidak ada galat")),
    (3, 0x08, N_("Galat pemotong kertas"), N_("Pemotong kertas baik")),
    (3, 0x20, N_("Galat tak terpulihkan"), N_("Tidak ada galat tak terpulihkan")),
    (
        3,
        0x40,
        N_("Galat yang pulih sendiri (mis. kepala cetak terlalu panas)"),
        N_("Tidak ada galat yang pulih sendiri"),
    ),
    (4, 0x0C, N_("Kertas hampir habis"), N_("Kertas masih cukup")),
    (4, 0x20, N_("Kertas habis"), N_("Kertas ada")),
)


def query(n: int) -> bytes:
    return DLE_EOT + bytes((n,))


def valid_reply(byte: int) -> bool:
    """A status reply has bits 1 and 4 set and bits 0 and 7 clear (Epson, and its clones)."""
    return (byte & 0x93) == 0x12


@dataclass(frozen=True)
class PrinterStatus:
    """A named state, every status bit in words, and the raw reply of each query (None: silence)."""

    state: State
    replies: dict[int, int | None] = field(default_factory=dict)
    detail: str = ""  # why there is no status, e.g. the connection error

    @property
    def can_print(self) -> bool:
        return self.state in CAN_PRINT

    @property
    def raw(self) -> bytes:
        return bytes(b for b in self.replies.values() if b is not None)

    def describe(self, language: str = "id") -> str:
        return translator(language)(STATE_TEXTS[self.state])

    def conditions(self, language: str = "id") -> list[str]:
        """Each status bit the printer answered, in plain words."""
        _ = translator(language)
        words = []
        for n, mask, when_set, when_clear in BITS:
            reply = self.replies.get(n)
            if reply is None or not valid_reply(reply):
                continue
            words.append(_(when_set) if reply & mask else _(when_clear))
        return words

    def raw_lines(self) -> list[str]:
        lines = []
        for n in QUERIES:
            if n not in self.replies:
                continue
            reply = self.replies[n]
            if reply is None:
                lines.append(f"DLE EOT {n}: -")
            else:
                lines.append(f"DLE EOT {n}: 0x{reply:02X} ({reply:08b}){'' if valid_reply(reply) else ' !'}")
        return lines


def interpret(replies: dict[int, int | None]) -> PrinterStatus:
    """The state the four replies add up to; any missing or malformed reply makes it unknown."""
    if any(replies.get(n) is None or not valid_reply(replies[n] or 0) for n in QUERIES):
        return PrinterStatus(State.UNKNOWN, dict(replies), "no or invalid reply")
    printer, offline, error, paper = (replies[n] or 0 for n in QUERIES)
    if error & 0x20:
        state = State.UNRECOVERABLE_ERROR
    elif error & 0x08:
        state = State.CUTTER_ERROR
    elif offline & 0x04:
        state = State.COVER_OPEN
    elif paper & 0x20 or offline & 0x20:
        state = State.PAPER_OUT
    elif printer & 0x08 or offline & 0x40 or error & 0x40:
        state = State.OFFLINE
    elif paper & 0x0C:
        state = State.PAPER_NEAR_END
    else:
        state = State.READY
    return PrinterStatus(state, dict(replies))


def unreachable(detail: str) -> PrinterStatus:
    """A printer the kiosk cannot even connect to: cable, power, wrong address or device."""
    return PrinterStatus(State.OFFLINE, {}, detail)


# Words of `kiosk printer ...` (here, so they live in the printer's catalogue).
LABEL_PRINTER = N_("Printer")
LABEL_STATUS = N_("Status")
TEST_PAGE_SENT = N_("Halaman uji terkirim ke {label}.")
# A technician's own page (test page, feed and cut) that did not come out: the technician's
# words, never the citizen's "show your number to staff" (issue 17 P4).
PAGE_NOT_PRINTED = N_(
    "Printer tidak mencetak ({state}). Periksa dengan kiosk printer status, perbaiki, lalu coba lagi."
)
PAGE_MAYBE_PRINTED = N_("Printer tidak menjawab setelah menerima perintah: periksa apakah kertas sudah keluar.")
