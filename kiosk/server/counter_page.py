"""The counter page (``/counter``) in the officer's language: Indonesian, English or Basa Jawa.

As the office page (``office_page.py``, same helpers in ``page_language.py``): the words are marked
here and translated through the catalogues; the template gets them as ``t``, ``counter.js`` as a
JSON ``data-texts`` (sentences with ``{placeholders}``), and the script sends the language as
``Accept-Language`` so the counters' routes answer a refusal in it. The keyboard keys (N, U, T, S,
A, K) stay the same in every language: the hands learn them once.
"""

from __future__ import annotations

from flask import Response, make_response, render_template

from kiosk.i18n import LANGUAGE_NAMES, N_
from kiosk.server.page_language import page_language, remember_language, translated

LANG_COOKIE = "counter_lang"

# The words of the page as it is served (counter.html).
PAGE_TEXT = {
    "title": N_("Halaman loket"),
    "noscript": N_(
        "Halaman loket memerlukan JavaScript. Nyalakan JavaScript di peramban ini, lalu muat ulang halaman."
    ),
    "signin_title": N_("Masuk ke loket"),
    "counter_id": N_("Nomor loket"),
    "token": N_("Token loket"),
    "signin": N_("Masuk"),
    "token_hint": N_("Token loket diberikan oleh teknisi. Halaman ini menyimpannya hanya sampai tab ditutup."),
    "signout": N_("Keluar"),
    "current": N_("Sedang dilayani"),
    "nobody": N_("Belum ada nomor yang dipanggil."),
    "waiting": N_("Menunggu"),
    "line": N_("Nomor berikutnya"),
    "line_hint": N_("Urutan panggilan; {mark} = prioritas."),
    "line_empty": N_("Tidak ada yang menunggu."),
    "steps": N_("Langkah pelayanan"),
    "next": N_("Panggil berikutnya"),
    "recall": N_("Panggil ulang"),
    "absent": N_("Tidak hadir"),
    "done": N_("Selesai"),
    "transfer": N_("Alihkan ke layanan…"),
    "take_back": N_("Kembalikan nomor…"),
    "transfer_title": N_("Alihkan ke layanan"),
    "transfer_hint": N_("Nomor ini pindah ke antrean layanan lain dan tetap di urutannya."),
    "transfer_to": N_("Layanan tujuan"),
    "cancel": N_("Batal"),
    "transfer_confirm": N_("Alihkan"),
    "take_back_title": N_("Kembalikan nomor ke antrean"),
    "take_back_hint": N_(
        "Untuk orang yang dua kali dipanggil tanpa hadir lalu datang lagi: nomornya kembali ke antrean "
        "layanannya, paling depan."
    ),
    "take_back_number": N_("Nomor di tiket (mis. A-005)"),
    "take_back_confirm": N_("Kembalikan"),
}

# The sentences counter.js writes, each with its {placeholders}.
SCRIPT_TEXT = {
    "network": N_("Server tidak terjangkau; coba lagi."),
    "signinNetwork": N_("Server tidak terjangkau. Periksa jaringan, lalu coba masuk lagi."),
    "unauthorized": N_("Nomor loket atau token salah. Periksa keduanya, lalu masuk lagi."),
    "signedOut": N_("Token loket ini tidak berlaku lagi. Masuk lagi dengan token yang baru."),
    "stale": N_("Tiket ini sudah diubah di loket lain. Halaman sudah diperbarui; lihat nomor yang sekarang."),
    "nothingWaiting": N_("Tidak ada yang menunggu untuk layanan loket ini."),
    "failed": N_("Langkah ini tidak bisa dilakukan sekarang. Coba lagi, atau hubungi teknisi."),
    "pickService": N_("Pilih layanan tujuan dulu."),
    "back": N_("Sambungan ke server kembali. Tekan lagi langkah tadi bila belum terjadi; tidak akan dobel."),
    "typeNumber": N_("Ketik nomor di tiket orang itu dulu, mis. A-005."),
    "reconnecting": N_("Server tidak terjangkau; mencoba lagi…"),
    "counterOf": N_("Loket {counter}"),
    "called": N_("Dipanggil"),
    "recalled": N_("Dipanggil ulang"),
    "calledAt": N_("Dipanggil pukul {time}"),
    "recalledAt": N_("Dipanggil ulang pukul {time}"),
    "priority": N_("Prioritas"),
    "numberPriority": N_("{number}, prioritas"),
    "doneNext": N_("Nomor {number} dipanggil. Tunggu orangnya datang."),
    "doneRecall": N_("Nomor {number} dipanggil ulang."),
    "doneNoShow": N_(
        "Nomor {number} tidak hadir untuk kedua kalinya: sekarang dicatat TIDAK DATANG dan tidak dipanggil lagi."
    ),
    "doneAbsent": N_("Nomor {number} dicatat tidak hadir. Nomor ini kembali menunggu dan akan dipanggil sekali lagi."),
    "doneTakeBack": N_("Nomor {number} kembali ke antrean, paling depan."),
    "doneDone": N_("Nomor {number} selesai dilayani."),
    "doneTransfer": N_("Nomor {number} dialihkan ke {service}."),
}


def page() -> Response:
    language = page_language(LANG_COOKIE)
    texts = translated(language, page=PAGE_TEXT, script=SCRIPT_TEXT)
    before, _mark, after = texts["page"]["line_hint"].partition("{mark}")
    html = render_template(
        "counter.html",
        t=texts["page"],
        line_hint=(before, after),
        script=texts["script"],
        language=language,
        languages=LANGUAGE_NAMES,
    )
    return remember_language(make_response(html), LANG_COOKIE, "/counter", language)
