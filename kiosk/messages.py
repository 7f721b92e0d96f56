"""One message per reason: a title and what to do next, in plain Indonesian (English and Javanese catalogues).

The UI shows both lines; the CLI prints them. Parameters never carry a raw NIK.
"""

from __future__ import annotations

from datetime import date

from kiosk.core.errors import KioskError, Reason
from kiosk.core.record import record
from kiosk.i18n import N_, translator

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# reason: (title, what to do next)
TEXTS: dict[Reason, tuple[str, str]] = {
    Reason.NIK_EMPTY: (N_("NIK belum diisi"), N_("Ketik 16 angka NIK yang tertulis di KTP atau KK Anda.")),
    Reason.NIK_NOT_DIGITS: (
        N_("NIK hanya berisi angka"),
        N_("Ketik 16 angka NIK yang tertulis di KTP atau KK Anda, tanpa huruf."),
    ),
    Reason.NIK_LENGTH: (
        N_("NIK harus 16 angka"),
        N_("Anda mengetik {length} angka. Periksa lagi NIK di KTP atau KK Anda."),
    ),
    Reason.NIK_BIRTH_DATE: (
        N_("NIK tidak sesuai"),
        N_("Angka ke-7 sampai ke-12 harus tanggal lahir. Periksa lagi NIK Anda."),
    ),
    Reason.NIK_REGION: (N_("NIK tidak sesuai"), N_("Kode wilayah di awal NIK tidak dikenal. Periksa lagi NIK Anda.")),
    Reason.NIK_SERIAL: (
        N_("NIK tidak sesuai"),
        N_("Empat angka terakhir NIK tidak boleh 0000. Periksa lagi NIK Anda."),
    ),
    Reason.CODE_INVALID: (
        N_("Kode booking tidak sesuai"),
        N_("Kode booking berisi huruf dan angka, seperti di bukti pendaftaran. Coba lagi."),
    ),
    Reason.SERVICE_UNKNOWN: (N_("Layanan tidak dikenal"), N_("Pilih salah satu layanan yang ada di layar.")),
    Reason.PRIORITY_UNKNOWN: (
        N_("Jenis prioritas tidak dikenal"),
        N_("Pilih lansia, penyandang disabilitas, atau ibu hamil."),
    ),
    Reason.DATE_INVALID: (N_("Tanggal tidak sesuai"), N_("Tulis tanggal seperti 2026-11-30.")),
    Reason.TICKET_UNKNOWN: (N_("Nomor antrean tidak ditemukan"), N_("Periksa nomor di karcis, atau tanyakan petugas.")),
    Reason.BOOKING_NOT_FOUND: (
        N_("Pendaftaran online tidak ditemukan"),
        # "Belum daftar" is on the home screen, not on the refusal's: say how to get there
        N_(
            "Periksa NIK atau kode booking. "
            'Bila belum mendaftar, tekan "Kembali", lalu "Belum daftar" untuk antre langsung.'
        ),
    ),
    Reason.BOOKING_WRONG_DAY: (
        N_("Jadwal Anda bukan hari ini"),
        N_("Anda terdaftar untuk {day_text}. Silakan datang pada tanggal itu."),
    ),
    Reason.BOOKING_OTHER_SITE: (
        N_("Pendaftaran Anda untuk tempat lain"),
        N_("Anda terdaftar di {site} {address}. Silakan datang ke sana."),
    ),
    Reason.BOOKING_CANCELLED: (
        N_("Pendaftaran ini sudah dibatalkan"),
        N_('Daftar lagi di situs antrean, atau tekan "Kembali", lalu "Belum daftar" untuk antre langsung.'),
    ),
    Reason.ALREADY_CHECKED_IN: (
        N_("Anda sudah mengambil nomor"),
        N_("Nomor antrean Anda {number}. Bila karcis hilang, Anda boleh mencetak ulang satu kali."),
    ),
    Reason.TOO_EARLY: (N_("Belum waktunya"), N_("Jadwal Anda pukul {slot}. Silakan kembali mulai pukul {come_at}.")),
    Reason.HAS_BOOKING: (
        N_("Anda sudah mendaftar online untuk layanan ini"),
        N_('Jadwal Anda hari ini pukul {slot}. Pilih "Sudah daftar online" dan ketik NIK Anda untuk mengambil nomor.'),
    ),
    Reason.TOO_LATE: (
        N_("Waktu kedatangan sudah lewat"),
        N_(
            'Jadwal Anda pukul {slot}. Bila kuota masih ada, tekan "Kembali", lalu "Belum daftar" untuk antre langsung.'
        ),
    ),
    Reason.SERVICE_NOT_WALK_IN: (
        N_("Layanan ini hanya lewat pendaftaran online"),
        N_("Daftar di {website} untuk hari lain."),
    ),
    Reason.QUOTA_FULL: (
        N_("Kuota hari ini sudah penuh"),
        N_("Maaf, nomor untuk {service} hari ini habis. Daftar untuk hari lain di {website}."),
    ),
    Reason.ALREADY_HAS_TICKET: (
        N_("NIK ini sudah mendapat nomor hari ini"),
        N_(
            "Satu NIK mendapat satu nomor per layanan per hari. Gunakan nomor yang sudah Anda terima. "
            "Bila nomor Anda terlewat dipanggil, tunjukkan tiket Anda ke petugas loket: nomor Anda bisa "
            "dikembalikan ke antrean."
        ),
    ),
    Reason.DAILY_CAP: (
        N_("Batas nomor per NIK hari ini tercapai"),
        N_("Satu NIK paling banyak {cap} nomor per hari. Silakan datang lagi besok."),
    ),
    Reason.CLOSED: (N_("Layanan sedang tutup"), N_("Nomor antrean diberikan pukul {open} sampai {close}.")),
    Reason.REPRINT_USED: (
        N_("Karcis sudah dicetak ulang"),
        N_("Nomor Anda {number}. Tunjukkan nomor ini kepada petugas."),
    ),
    Reason.IMPORT_ON_HTTP_KIOSK: (
        N_("Impor booking dilakukan di server"),
        N_("Kios ini memakai server antrean. Jalankan kiosk import-bookings di komputer server."),
    ),
    Reason.PRINTER_NOT_READY: (
        N_("Printer karcis sedang bermasalah"),
        N_("Tidak ada nomor yang dibuat. Mohon hubungi petugas di meja layanan."),
    ),
    Reason.PRIORITY_NOT_ELDERLY: (
        N_("Antrean lansia untuk usia 60 tahun ke atas"),
        N_(
            "Menurut NIK, Anda belum berusia 60 tahun. Anda tetap dilayani di antrean biasa; "
            "bila Anda penyandang disabilitas atau ibu hamil, pilih itu."
        ),
    ),
    Reason.COUNTER_UNKNOWN: (
        N_("Loket tidak dikenal"),
        N_("Loket {counter} tidak ada di pengaturan. Periksa nomor loket, atau hubungi teknisi."),
    ),
    Reason.CALL_UNKNOWN: (
        N_("Panggilan tidak ditemukan"),
        N_("Panggilan ini tidak ada atau sudah terhapus. Muat ulang halaman layar antrean."),
    ),
    Reason.KEY_REUSED: (
        N_("Kunci permintaan ini sudah dipakai untuk permintaan lain"),
        N_("Tidak ada nomor yang dikeluarkan. Pakai kunci baru (--key) untuk setiap nomor yang lain."),
    ),
    Reason.NOTHING_WAITING: (
        N_("Tidak ada yang menunggu"),
        N_("Belum ada nomor antrean untuk layanan loket ini. Coba panggil lagi sebentar lagi."),
    ),
    Reason.COUNTER_BUSY: (
        N_("Loket masih melayani nomor lain"),
        N_('Nomor {number} masih dipanggil di loket ini. Tekan "Selesai" atau "Tidak hadir" dulu.'),
    ),
    Reason.NO_CURRENT_TICKET: (
        N_("Loket ini belum memanggil nomor"),
        N_('Tekan "Panggil berikutnya" untuk memanggil nomor.'),
    ),
    Reason.CALL_STALE: (
        N_("Nomor ini sudah ditangani di tempat lain"),
        N_("Nomor {number} sudah ditangani loket lain atau dipindah. Muat ulang halaman untuk melihat keadaannya."),
    ),
    Reason.TICKET_FINISHED: (
        N_("Nomor ini sudah selesai"),
        N_("Nomor {number} sudah selesai dilayani atau tidak hadir. Panggil nomor berikutnya."),
    ),
    Reason.COUNTER_NOT_SERVING: (
        N_("Loket ini tidak melayani layanan itu"),
        N_("{counter} tidak melayani {service}. Pilih layanan loket ini, atau pindahkan nomor ke layanan itu."),
    ),
    Reason.NOT_A_NO_SHOW: (
        N_("Nomor ini tidak perlu dikembalikan"),
        N_(
            "Nomor {number} masih di antrean atau sudah dilayani. Hanya nomor yang dua kali dipanggil "
            "tanpa hadir bisa dikembalikan ke antrean."
        ),
    ),
    Reason.TRANSFER_SAME_SERVICE: (
        N_("Nomor sudah di layanan itu"),
        N_("Nomor ini sudah antre untuk {service}. Pilih layanan lain untuk memindahkan."),
    ),
    # the booking website (/book)
    Reason.BOOKING_DAY_CLOSED: (
        N_("Kantor tutup pada hari itu"),
        N_("Tidak ada layanan pada {day_text} (hari libur atau akhir pekan). Pilih hari lain."),
    ),
    Reason.BOOKING_DAY_NOT_OPEN_YET: (
        N_("Pendaftaran untuk hari itu belum dibuka"),
        N_("Pendaftaran untuk {day_text} dibuka pada {opens_text} pukul {opens} WIB. Silakan kembali nanti."),
    ),
    Reason.BOOKING_DAY_PAST: (
        N_("Hari itu tidak bisa dipilih lagi"),
        N_("Pendaftaran untuk {day_text} sudah ditutup atau belum tersedia. Pilih hari dari daftar."),
    ),
    Reason.BOOKING_DAY_FULL: (
        N_("Kuota online hari itu sudah penuh"),
        N_("Semua jadwal {service} pada {day_text} sudah terisi. Pilih hari lain yang masih ada tempat."),
    ),
    Reason.BOOKING_SLOT_FULL: (
        N_("Jam itu sudah penuh"),
        N_("Jadwal pukul {slot} baru saja terisi. Pilih jam lain pada hari yang sama."),
    ),
    Reason.BOOKING_SLOT_UNKNOWN: (
        N_("Jam tidak tersedia"),
        N_("Pukul {slot} bukan jadwal layanan. Pilih jam dari daftar."),
    ),
    Reason.BOOKING_SAME_SERVICE_DAY: (
        N_("NIK ini sudah terdaftar untuk layanan itu"),
        N_("Satu NIK hanya boleh satu pendaftaran per layanan per hari. Lihat pendaftaran Anda dengan kode booking."),
    ),
    Reason.BOOKING_NIK_CAP: (
        N_("Batas pendaftaran per NIK tercapai"),
        N_("Satu NIK paling banyak {cap} pendaftaran yang masih aktif. Batalkan salah satu bila ingin mendaftar lagi."),
    ),
    Reason.BOOKING_REFUSED: (
        N_("Pendaftaran online tidak dapat diterima"),
        N_("Silakan datang langsung ke kantor Disdukcapil dan tanyakan ke petugas informasi."),
    ),
    Reason.BOOKING_TOO_MANY_ATTEMPTS: (
        N_("Terlalu banyak percobaan"),
        N_("Tunggu {minutes} menit, lalu coba lagi."),
    ),
    Reason.BOOKING_FORM_EXPIRED: (
        N_("Formulir sudah kedaluwarsa"),
        N_("Formulir ini sudah lama dibuka atau sudah terkirim. Isi lagi formulir di bawah ini."),
    ),
    Reason.BOOKING_FORM_TAMPERED: (
        N_("Isi formulir tidak sesuai"),
        N_("Ada isian yang berubah atau tidak dikenal. Isi lagi formulir di bawah ini."),
    ),
    Reason.BOOKING_NOT_CHANGEABLE: (
        N_("Pendaftaran ini tidak bisa diubah lagi"),
        N_("Pendaftaran sudah dipakai, sudah dibatalkan, atau harinya sudah dimulai."),
    ),
    Reason.BOOKING_NO_MATCH: (
        N_("Kode booking dan NIK tidak cocok"),
        N_("Periksa lagi kode booking di bukti pendaftaran dan NIK Anda, lalu coba lagi."),
    ),
    Reason.RATING_INVALID: (
        N_("Pilihan penilaian tidak dikenal"),
        N_("Sentuh salah satu dari empat wajah."),
    ),
    Reason.RATING_NOT_DONE: (
        N_("Penilaian dibuka setelah selesai dilayani"),
        N_("Beri penilaian setelah nomor Anda selesai dilayani di loket."),
    ),
    Reason.RATING_OTHER_DAY: (
        N_("Nomor ini dari hari lain"),
        N_("Penilaian diberikan pada hari Anda dilayani. Terima kasih."),
    ),
    Reason.RATING_ALREADY_GIVEN: (
        N_("Penilaian untuk nomor ini sudah tercatat"),
        N_("Setiap nomor menilai satu kali; penilaian pertama yang dipakai. Terima kasih."),
    ),
    Reason.DATABASE_FAULT: (
        N_("Sistem antrean sedang bermasalah"),
        N_("Tidak ada nomor yang dibuat. Mohon hubungi petugas di meja layanan."),
    ),
    Reason.DAYBOOK_DAMAGED: (
        N_("Buku harian antrean rusak"),
        N_(
            "Tidak ada nomor yang dibuat. Mohon hubungi petugas. Teknisi: berkas buku harian gagal "
            "diperiksa; pulihkan sesuai docs/operations.md, bagian Buku harian rusak."
        ),
    ),
    Reason.DAYBOOK_TAIL_LOST: (
        N_("Buku harian antrean tidak lengkap"),
        N_(
            "Tidak ada nomor yang dibuat. Mohon hubungi petugas. Teknisi: nomor yang sudah diberikan "
            "hilang dari buku harian (berkas -wal hilang?); pulihkan sesuai docs/operations.md."
        ),
    ),
    Reason.CLOCK_BEHIND: (
        N_("Jam kios salah"),
        N_(
            "Tidak ada nomor yang dibuat. Mohon hubungi petugas. Teknisi: jam kios {clock} tertinggal "
            "dari {since}; periksa tanggal, jam dan NTP, lalu mulai ulang kios."
        ),
    ),
    Reason.BACKEND_UNREACHABLE: (
        N_("Tidak terhubung ke server antrean"),
        N_("Coba lagi sebentar lagi, atau hubungi petugas."),
    ),
    Reason.BACKEND_FAULT: (
        N_("Server antrean sedang bermasalah"),
        N_("Coba lagi sebentar lagi, atau hubungi petugas."),
    ),
    Reason.PRINTER_FAULT: (
        N_("Karcis gagal dicetak"),
        N_("Nomor Anda tetap tercatat. Tunjukkan nomor di layar kepada petugas."),
    ),
    Reason.PRINTER_HOLDS_TICKET: (
        N_("Karcis tertahan di printer"),
        N_(
            "Karcis Anda akan keluar sendiri setelah printer diperbaiki. Mohon panggil petugas; "
            "jangan ambil nomor baru."
        ),
    ),
    Reason.PRINTER_MAYBE_PRINTED: (
        N_("Karcis mungkin sudah keluar"),
        N_(
            "Nomor Anda tetap tercatat. Periksa tempat karcis di bawah layar. Jika tidak ada karcis, sentuh Cetak lagi."
        ),
    ),
    Reason.COUNTER_TOKEN_REFUSED: (
        N_("Token loket ditolak server"),
        N_("Periksa token loket ini (kiosk counter-token) dan nomor loketnya, lalu coba lagi."),
    ),
    Reason.CONFIG_INVALID: (N_("Pengaturan kios salah"), N_("Hubungi teknisi.")),
    Reason.SECRET_MISSING: (
        N_("Kunci situs kios hilang"),
        N_(
            "Kios berhenti agar NIK tidak salah dicocokkan. Teknisi: pulihkan berkas site.secret dari cadangan "
            "atau salin dari server; jangan membuat kunci baru."
        ),
    ),
    Reason.SECRET_MISMATCH: (
        N_("Kunci situs kios tidak cocok"),
        N_("Kios ini memakai site.secret lain dari data antrean. Teknisi: salin site.secret yang sama ke kios ini."),
    ),
    Reason.SERVICE_CLOSED: (
        N_("Layanan ini ditutup hari ini"),
        N_("{why}. Silakan datang lagi besok, atau daftar untuk hari lain di {website}."),
    ),
    Reason.COUNTER_PAUSED: (
        N_("Loket ini sedang istirahat"),
        N_("Lanjutkan loket dulu (kiosk office resume), atau panggil dari loket lain."),
    ),
    Reason.QUOTA_BELOW_ISSUED: (
        N_("Kuota tidak bisa di bawah nomor yang sudah keluar"),
        N_("Hari ini {issued} nomor {service} sudah keluar. Pilih kuota {issued} atau lebih."),
    ),
    Reason.LAST_OPEN_COUNTER: (
        N_("Ini loket terakhir untuk sebuah layanan"),
        N_("Bila loket ini istirahat, tidak ada yang memanggil {service}. Ulangi dengan --force bila memang begitu."),
    ),
    Reason.NOTICE_TOO_LONG: (
        N_("Pengumuman terlalu panjang"),
        N_("Layar kios memuat paling banyak {limit} huruf; pengumuman ini {length}. Persingkat lalu kirim lagi."),
    ),
    Reason.REFER_TO_DESK: (
        N_("Nomor antrean tidak bisa diambil di kios"),
        N_("Silakan ke meja informasi; petugas akan membantu Anda."),
    ),
    Reason.TICKET_OTHER_DAY: (
        N_("Tiket ini bukan tiket hari ini"),
        N_("Pilih tiket {number} dari antrean hari ini."),
    ),
    Reason.UNEXPECTED: (
        N_("Terjadi kesalahan pada kios"),
        N_("Periksa di daftar antrean apakah nomor sudah tercatat sebelum mencoba lagi, atau hubungi teknisi."),
    ),
}


# ALREADY_CHECKED_IN when the one reprint has been used (``reprint_left=False``): none is offered.
REPRINT_USED_HINT = N_(
    "Nomor antrean Anda {number}. Karcis ini sudah pernah dicetak ulang. Tunjukkan nomor ini kepada petugas."
)

# PRINTER_HOLDS_TICKET by the printer's state: what makes the ticket come out by itself.
HELD_HINTS = {
    "cover_open": N_(
        "Karcis Anda akan keluar sendiri setelah tutup printer ditutup. Mohon panggil petugas; jangan ambil nomor baru."
    ),
    "paper_out": N_(
        "Karcis Anda akan keluar sendiri setelah kertas printer diganti. Mohon panggil petugas; "
        "jangan ambil nomor baru."
    ),
}


@record
class Message:
    title: str
    hint: str

    def __str__(self) -> str:
        return f"{self.title}. {self.hint}"


def format_day(day: date, language: str) -> str:
    """ "1 Desember 2026": Indonesian and English from our tables, Basa Jawa from Babel's CLDR data."""
    if language == "jv":
        from babel.dates import format_date

        return format_date(day, format="d MMMM y", locale="jv")
    months = MONTHS_EN if language == "en" else MONTHS_ID
    return f"{day.day} {months[day.month - 1]} {day.year}"


class _Blank(dict[str, object]):
    """Format parameters where a missing one is left out rather than shown as ``{name}``."""

    def __missing__(self, key: str) -> str:
        return ""


# BOOKING_WRONG_DAY for a day that has passed: "come on that day" cannot be done any more.
PAST_DAY = (
    N_("Tanggal jadwal Anda sudah lewat"),
    N_(
        "Anda terdaftar untuk {day_text}, dan tanggal itu sudah lewat. Daftar lagi di situs antrean untuk hari lain, "
        'atau tekan "Kembali", lalu "Belum daftar" untuk antre langsung hari ini.'
    ),
)


def explain(error: KioskError, language: str = "id", today: date | None = None) -> Message:
    """The title and next step for an error, in ``language``; ``today`` tells a past booking from a future one."""
    _ = translator(language)
    title, hint = TEXTS[error.reason]
    if error.reason == Reason.BOOKING_WRONG_DAY and today is not None and "day" in error.params:
        if date.fromisoformat(str(error.params["day"])) < today:
            title, hint = PAST_DAY
    if error.reason == Reason.PRINTER_HOLDS_TICKET:
        hint = HELD_HINTS.get(str(error.params.get("state", "")), hint)
    if error.reason == Reason.ALREADY_CHECKED_IN and error.params.get("reprint_left") is False:
        hint = REPRINT_USED_HINT
    params = {key: value for key, value in error.params.items() if key not in ("detail", "path")}
    if "address" in params:
        params["address"] = f"({params['address']})" if params["address"] else ""
    if "day" in params:
        params["day_text"] = format_day(date.fromisoformat(str(params["day"])), language)
    if "opens_day" in params:
        params["opens_text"] = format_day(date.fromisoformat(str(params["opens_day"])), language)
    try:
        text = _(hint).format_map(_Blank(params))
    except (IndexError, ValueError):
        text = _(hint)
    return Message(_(title), " ".join(text.split()).replace(" .", "."))


# The office's actions (kiosk.core.office, its audit log) in words: the /office page's log and the
# office actions under ``kiosk report``.
OFFICE_ACTIONS = {
    "close-service": N_("tutup layanan"),
    "open-service": N_("buka layanan"),
    "quota": N_("ubah kuota"),
    "pause": N_("loket istirahat"),
    "resume": N_("loket melayani lagi"),
    "counter-services": N_("ubah layanan loket"),
    "notice": N_("pengumuman"),
    "notice-cleared": N_("hapus pengumuman"),
    "refer-to-desk": N_("ke meja informasi"),
}


# The offline tickets a server's sync kept otherwise than printed (kiosk.backends.sync_conflicts
# reason codes), for the supervisor: what happened, and what to do. ``{number}`` is the ticket's
# number, ``{kiosk}`` the kiosk that printed it. The number always stands: the person holds it.
SYNC_CONFLICTS = {
    "service_closed": (
        N_("Layanan ditutup sebelum kios tahu"),
        N_("Layani orangnya; nomor {number} tetap berlaku."),
    ),
    "refer_to_desk": (
        N_("Pemegangnya diarahkan ke meja informasi"),
        N_("Arahkan pemegang {number} ke meja informasi."),
    ),
    "already_has_ticket": (
        N_("Orang yang sama sudah punya nomor layanan ini"),
        N_("Layani orangnya sekali saja; nomor {number} tetap berlaku."),
    ),
    "daily_cap": (
        N_("Melewati batas nomor per orang hari ini"),
        N_("Layani orangnya; nomor {number} tetap berlaku."),
    ),
    "booking_used_twice": (
        N_("Satu booking dipakai untuk dua nomor"),
        N_("Layani booking itu sekali saja; nomor {number} tetap berlaku."),
    ),
    "number_taken": (
        N_("Nomor ini sudah dipegang tiket lain"),
        N_("Dua orang bisa memegang nomor {number}: layani keduanya, lalu minta teknisi memeriksa kios {kiosk}."),
    ),
    "clock_off_day": (
        N_("Jam kios salah saat mencetak"),
        N_("Nomor {number} tetap berlaku; minta teknisi mencocokkan jam kios {kiosk}."),
    ),
    "called_before_void": (
        N_("Kios membatalkan nomor yang sudah dipanggil"),
        N_("Nomor {number} tetap ada; bila tidak ada yang datang, catat tidak hadir."),
    ),
}
# A reason code this release does not know (a newer server): still a ticket to look at.
SYNC_CONFLICT_OTHER = N_("Minta teknisi memeriksa kios {kiosk}.")


def sync_conflict_words(reasons: list[str], number: str, kiosk: str, language: str) -> tuple[str, str]:
    """(what happened, what to do) for one listed ticket, in ``language``; each said once."""
    _ = translator(language)
    whats, todos = [], []
    for code in reasons:
        what, todo = SYNC_CONFLICTS.get(code, (code, SYNC_CONFLICT_OTHER))
        whats.append(_(what) if code in SYNC_CONFLICTS else code)
        todos.append(_(todo).format(number=number, kiosk=kiosk))
    return "; ".join(dict.fromkeys(whats)), " ".join(dict.fromkeys(todos))
