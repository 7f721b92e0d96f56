"""The web pages served by ``kiosk serve``: the counter page, the hall display and the phone page.

Plain HTML from templates in ``web/templates`` and one small ES module per page in
``web/static`` (fonts, chime and icons too): no build step, nothing from the internet. The pages
talk to the JSON API of the same server; they hold no rule of their own.

The phone page is rendered on the server from the same public answer its script refreshes from,
so a phone with scripts off (or a slow one) shows the number and the people ahead at once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request

from kiosk.core.clock import WIB
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, N_, translator
from kiosk.server.page_language import say

HERE = Path(__file__).resolve().parent / "web"
TICKET_ID = re.compile(r"^[0-9a-f-]{36}$")
# Same origin only; the TV and the counters never load anything from elsewhere. The display
# plays announcements it fetched ahead of their turn from blob: URLs it made itself.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)

# What the phone page says for each state of the ticket (kiosk.core.calling.TicketState values).
# The hall display is in Indonesian (its voice is); the counter and office pages and the phone page (a
# citizen's own) are in Indonesian, English or Basa Jawa (?lang=, else the browser's language).
STATE_TEXT = {
    "waiting": N_("Menunggu giliran. Tetap di ruang tunggu."),
    "absent": N_("Anda dipanggil tetapi tidak ada. Nomor Anda menunggu lagi; tetap di ruang tunggu."),
    "called": N_("Nomor Anda dipanggil. Silakan ke {counter} sekarang."),
    "served": N_("Selesai dilayani. Terima kasih."),
    "no_show": N_(
        "Nomor Anda dua kali dipanggil tanpa hadir. Tunjukkan tiket ini ke petugas loket: nomor Anda bisa "
        "dikembalikan ke antrean."
    ),
}
PHONE_TEXT = {
    "your_number": N_("Nomor Anda"),
    "serving": N_("Nomor yang sedang dilayani"),
    "ahead": N_("Orang di depan Anda"),
    "wait": N_("Perkiraan menunggu"),
    "soon": N_("sebentar lagi"),
    "minutes": N_("sekitar {minutes} menit"),
    "updated": N_("Diperbarui pukul {time}. Halaman ini memperbarui diri sendiri."),
    "unreachable": N_(
        "Server antrean tidak terjangkau; halaman ini mencoba lagi sendiri. Terakhir diperbarui pukul {time}."
    ),
    "number": N_("Nomor {number}"),
    "counter": N_("loket"),
    "title": N_("Nomor antrean"),
}
TICKET_UNKNOWN = N_("Tiket ini tidak ditemukan. Periksa kode QR di tiket, atau tanyakan ke petugas informasi.")
NOT_LOADED = N_("Data antrean belum bisa dimuat; halaman ini mencoba lagi sendiri.")

blueprint = Blueprint(
    "web",
    __name__,
    template_folder=str(HERE / "templates"),
    static_folder=str(HERE / "static"),
    static_url_path="/assets",
)


@blueprint.after_request
def page_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    # The phone page's address holds the ticket id: never hand it to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


# The server's front page lists the staff pages, each in the three languages at once (no choice yet).
INDEX_TITLE = N_("Halaman antrean")
INDEX_PAGES = (
    ("web.counter", N_("Halaman loket"), N_("Untuk petugas loket: memanggil nomor antrean.")),
    ("web.display", N_("Layar ruang tunggu"), N_("Untuk TV di ruang tunggu: menampilkan dan menyuarakan panggilan.")),
    ("web.office", N_("Halaman kantor"), N_("Untuk pengawas: layanan, kuota, loket, dan pengumuman hari ini.")),
)


@blueprint.get("/")
def index() -> str:
    pages = [(endpoint, say(name), say(what)) for endpoint, name, what in INDEX_PAGES]
    return render_template("index.html", title=say(INDEX_TITLE), pages=pages)


@blueprint.get("/counter")
def counter() -> Response:
    from kiosk.server import counter_page  # its words, in the officer's language

    return counter_page.page()


# The hall display's status lines. The hall is one screen for everyone (no one can pick a language
# for it), and its voice and numbers are Indonesian; but when the screen loses the server or its
# sound, whoever looks must understand it: Indonesian with English and Basa Jawa beside it, as the
# office's notice on the same screen.
RECONNECTING = N_("Menyambung ulang… Layar ini mencoba lagi sendiri.")
SOUND_OFF = N_("Suara mati. Ketuk di sini untuk menyalakan suara.")


@blueprint.get("/display")
def display() -> str:
    return render_template("display.html", reconnecting=say(RECONNECTING), sound_off=say(SOUND_OFF))


@blueprint.get("/office")
def office() -> Response:
    from kiosk.server import office_page  # its words, in the supervisor's language

    return office_page.page()


def public_ticket(ticket_id: str) -> tuple[int, dict[str, Any]]:
    """The API's own public answer for a ticket (status, JSON body), asked in this process."""
    with current_app.test_client() as client:
        answer = client.get(f"/v1/public/tickets/{ticket_id}")
    try:
        body = json.loads(answer.get_data(as_text=True) or "{}")
    except ValueError:
        body = {}
    return answer.status_code, body if isinstance(body, dict) else {}


def phone_language() -> str:
    """``?lang=id|en|jv``, else the best of the phone's languages, else Indonesian."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def phone_texts(language: str) -> tuple[dict[str, str], dict[str, str]]:
    _ = translator(language)
    return {k: _(v) for k, v in STATE_TEXT.items()}, {k: _(v) for k, v in PHONE_TEXT.items()}


def updated_now() -> str:
    clock = current_app.extensions["antrian_counters"].clock
    return str(clock.now().astimezone(WIB).strftime("%H.%M"))


@blueprint.get("/t/<ticket_id>")
def place_in_line(ticket_id: str) -> tuple[str, int]:
    language = phone_language()
    states, texts = phone_texts(language)
    _ = translator(language)

    def page(shown_id: str, ticket: dict[str, Any] | None, problem: str | None, status: int) -> tuple[str, int]:
        html = render_template(
            "phone.html",
            ticket_id=shown_id,
            ticket=ticket,
            problem=problem,
            states=states,
            texts=texts,
            language=language,
            languages=LANGUAGE_NAMES,
            updated=texts["updated"].format(time=updated_now()) if ticket else "",
        )
        return html, status

    if not TICKET_ID.match(ticket_id):
        return page("", None, _(TICKET_UNKNOWN), 404)
    status, body = public_ticket(ticket_id)
    if status == 200:
        return page(ticket_id, body, None, 200)
    if status == 404:
        return page("", None, _(TICKET_UNKNOWN), 404)
    # The server is up but cannot answer now (day book busy): the script keeps trying.
    title = str(body.get("title") or _(NOT_LOADED))
    return page(ticket_id, None, title, 200)


def register(app: Flask) -> None:
    """Add the pages to the API app; they need no token (the counter page sends its own)."""
    app.register_blueprint(blueprint)


from kiosk.server import rating  # noqa: E402, F401  (adds the satisfaction rating pages to this blueprint)
