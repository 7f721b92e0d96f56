"""The office page (``/office``) in the supervisor's language: Indonesian, English or Basa Jawa.

The page's own words are marked here (``N_``) and translated through the gettext catalogues like
every other part; the template gets them as ``t``, the page's script as a JSON ``data-texts``
(its sentences with ``{placeholders}``). The language is ``?lang=`` (remembered in a cookie), else
the browser's, else Indonesian. The script sends it with every API call (``Accept-Language``), so
a refusal from the office's routes comes back in the same language.
"""

from __future__ import annotations

from flask import Response, make_response, render_template

from kiosk.i18n import LANGUAGE_NAMES, N_
from kiosk.messages import OFFICE_ACTIONS, SYNC_CONFLICT_OTHER, SYNC_CONFLICTS
from kiosk.server.page_language import api_language, page_language, remember_language, translated

__all__ = ["api_language", "page"]  # api_language: the office API answers in the page's language

LANG_COOKIE = "office_lang"

# The words of the page as it is served (office.html).
PAGE_TEXT = {
    "title": N_("Kantor"),
    "languages": N_("Bahasa"),
    "noscript": N_(
        "Halaman kantor memerlukan JavaScript. Nyalakan JavaScript di peramban ini, lalu muat ulang halaman."
    ),
    "signin_title": N_("Masuk sebagai pengawas"),
    "token": N_("Token kantor"),
    "signin": N_("Masuk"),
    "token_hint": N_(
        "Token kantor dibuat teknisi dengan perintah kiosk office-token NAMA. "
        "Halaman ini menyimpannya hanya sampai tab ditutup."
    ),
    "today": N_("Hari ini"),
    "signout": N_("Keluar"),
    "services": N_("Layanan"),
    "col_service": N_("Layanan"),
    "col_issued": N_("Keluar / kuota"),
    "col_left": N_("Sisa kuota"),
    "col_waiting": N_("Menunggu"),
    "col_longest": N_("Tunggu terlama"),
    "col_figures": N_("Median / p90 hari ini (standar)"),
    "col_state": N_("Keadaan"),
    "col_actions": N_("Tindakan"),
    "counters": N_("Loket"),
    "col_counter": N_("Loket"),
    "kiosks": N_("Kios"),
    "col_kiosk": N_("Kios"),
    "col_printer": N_("Printer"),
    "col_unsynced": N_("Belum tersinkron"),
    "col_kiosk_time": N_("Jam kios"),
    "conflicts_title": N_("Perlu diperiksa"),
    "conflicts_hint": N_(
        "Nomor yang dicetak kios saat terputus dari server, padahal keadaan hari ini sudah berubah. "
        "Nomornya tetap berlaku: orangnya memegang kertasnya."
    ),
    "col_number": N_("Nomor"),
    "col_reason": N_("Sebab"),
    "col_todo": N_("Yang perlu dilakukan"),
    "col_synced": N_("Masuk ke server"),
    "notice_title": N_("Pengumuman di kios"),
    "notice_text": N_("Teks (paling banyak 120 huruf)"),
    "notice_en": N_("Dalam bahasa Inggris (boleh kosong)"),
    "notice_jv": N_("Dalam Basa Jawa (boleh kosong)"),
    "notice_until": N_("Sampai pukul (kosong: sepanjang hari)"),
    "notice_post": N_("Pasang pengumuman"),
    "audit_title": N_("Catatan perubahan hari ini"),
    "col_at": N_("Pukul"),
    "col_who": N_("Oleh"),
    "col_action": N_("Tindakan"),
    "col_target": N_("Sasaran"),
    "col_why": N_("Alasan"),
}

# The sentences the page's script writes (office.js), each with its {placeholders}.
SCRIPT_TEXT = {
    "network": N_("Server tidak terjangkau; coba lagi."),
    "unauthorized": N_("Token kantor salah atau sudah dicabut. Masuk lagi dengan token yang benar."),
    "forbidden": N_("Token ini bukan token kantor. Masuk dengan token kantor."),
    "reasonNeeded": N_("Tulis alasan penutupan; warga membacanya di kios."),
    "done": N_("Tersimpan."),
    "confirmLast": N_("Ini loket terakhir untuk salah satu layanannya. Tetap istirahatkan?"),
    "connected": N_("Terhubung"),
    "todayOf": N_("Hari ini, {day}"),
    "minutes": N_("{minutes} menit"),
    "standard": N_("(standar {minutes} menit)"),
    "open": N_("Buka"),
    "closedBecause": N_("Tutup: {reason}"),
    "reason": N_("Alasan"),
    "reasonLabel": N_("Alasan menutup {service}"),
    "closeToday": N_("Tutup hari ini"),
    "openAgain": N_("Buka lagi"),
    "quotaLabel": N_("Kuota {service}"),
    "changeQuota": N_("Ubah kuota"),
    "pausedSince": N_("Istirahat sejak {time}"),
    "serving": N_("Melayani"),
    "resume": N_("Lanjutkan"),
    "pause": N_("Istirahat"),
    "neverSeen": N_("Belum pernah terlihat"),
    "onlineLast": N_("Terhubung (terakhir {time})"),
    "notSeenSince": N_("Tidak terlihat sejak {time}"),
    "noticeNow": N_("Sekarang: {text}"),
    "noticeUntil": N_("(sampai {time})"),
    "noNotice": N_("Belum ada pengumuman."),
    "noConflicts": N_("Tidak ada yang perlu diperiksa."),
}

# The printer states a kiosk reports (POST /v1/kiosks/health), in words.
PRINTER_TEXT = {
    "ready": N_("Siap"),
    "paper_near_end": N_("Kertas hampir habis"),
    "paper_out": N_("Kertas habis"),
    "cover_open": N_("Tutup printer terbuka"),
    "offline": N_("Printer offline"),
    "cutter_error": N_("Pemotong kertas macet"),
    "unrecoverable_error": N_("Printer rusak"),
    "unknown": N_("Tidak diketahui"),
}


def texts(language: str) -> dict[str, dict[str, str]]:
    # Each reason a synced offline ticket is listed for: what happened, and what to do ({number},
    # {kiosk}); "" is what to do for a reason this page does not know.
    conflict_what = {code: what for code, (what, _todo) in SYNC_CONFLICTS.items()}
    conflict_todo = {**{code: todo for code, (_what, todo) in SYNC_CONFLICTS.items()}, "": SYNC_CONFLICT_OTHER}
    return translated(
        language,
        page=PAGE_TEXT,
        script=SCRIPT_TEXT,
        actions=OFFICE_ACTIONS,
        printer=PRINTER_TEXT,
        conflict_what=conflict_what,
        conflict_todo=conflict_todo,
    )


def page() -> Response:
    language = page_language(LANG_COOKIE)
    words = texts(language)
    script = {
        "messages": words["script"],
        "actions": words["actions"],
        "printer": words["printer"],
        "conflictWhat": words["conflict_what"],
        "conflictTodo": words["conflict_todo"],
    }
    html = render_template("office.html", t=words["page"], script=script, language=language, languages=LANGUAGE_NAMES)
    return remember_language(make_response(html), LANG_COOKIE, "/office", language)
