"""``/book``: the citizens' booking website, a blueprint of ``kiosk serve`` (or served alone).

Phone-first server-rendered HTML that works without JavaScript: the steps service → day →
slot and NIK → confirm are plain forms (GET for the choices, one POST to book), and
``book.js`` only saves taps. Every POST carries a one-time form token bound to a
``SameSite=Strict`` cookie (CSRF), is counted per client address and per NIK hash, and the
NIK typed in never comes back: not in a page, a URL, a log line or an answer. Pages speak
Indonesian with English and Basa Jawa one tap away (``?lang=``, remembered in a cookie).
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from kiosk.backends.daybook import DayBook
from kiosk.core import booking as booking_rules
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, KioskError, Reason, Refusal, SystemFault
from kiosk.core.model import Booking, BookingStatus
from kiosk.core.nik import NikHasher
from kiosk.core.ports import BrokerList
from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, N_, translator
from kiosk.messages import explain, format_day
from kiosk.server import booking_card
from kiosk.server.booking_desk import PROOF_MINUTES, BookingDesk, Shown
from kiosk.server.booking_guard import FormTokens, Signer, derive_key

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent / "book_web"
# Same origin only, no inline script or style; forms post only here; never framed (clickjacking).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
CSRF_COOKIE = "book_csrf"
LANG_COOKIE = "book_lang"
COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
BOOK_FIELDS = frozenset({"service", "date", "slot", "nik", "name", "phone", "form_token", "lang"})
IMAGE_HOURS = 24 * 14  # a saved-image link from the confirmation page works this long

TEXT = {
    "title": N_("Daftar antrean online"),
    "step_service": N_("1. Pilih layanan"),
    "step_day": N_("2. Pilih hari"),
    "step_slot": N_("3. Pilih jam datang"),
    "step_nik": N_("4. Ketik NIK"),
    "step_confirm": N_("5. Periksa, lalu pesan"),
    "next": N_("Lanjut"),
    "change": N_("Ubah"),
    "places": N_("tempat"),
    "full": N_("Penuh"),
    "opens": N_("Dibuka {day} pukul {time}"),
    "nik_label": N_("NIK (16 angka, ada di KTP atau KK)"),
    "nik_help": N_(
        "NIK hanya dipakai untuk mencocokkan pendaftaran. NIK tidak disimpan utuh dan tidak ditampilkan lagi."
    ),
    "name_label": N_("Nama (boleh dikosongkan)"),
    "phone_label": N_("Nomor HP (boleh dikosongkan, tidak disimpan)"),
    "any_slot": N_("Jam pertama yang masih ada tempat"),
    "book": N_("Pesan antrean"),
    "done_title": N_("Pendaftaran berhasil"),
    "code": N_("Kode booking"),
    "qr_help": N_("Di kios MPP, tunjukkan kode QR ini ke pemindai, atau ketik kode booking."),
    "date": N_("Tanggal"),
    "slot": N_("Jam datang"),
    "service": N_("Layanan"),
    "nik": N_("NIK"),
    "place": N_("Tempat"),
    "documents": N_("Dokumen yang dibawa"),
    "save_image": N_("Simpan sebagai gambar"),
    "manage_link": N_("Lihat, pindah, atau batalkan pendaftaran"),
    "manage_title": N_("Pendaftaran saya"),
    "manage_help": N_("Ketik kode booking dan NIK yang dipakai saat mendaftar."),
    "show": N_("Tampilkan"),
    "cancel": N_("Batalkan pendaftaran"),
    "cancelled": N_("Pendaftaran sudah dibatalkan. Tempatnya kini bisa dipakai orang lain."),
    "move": N_("Pindah ke hari atau jam lain"),
    "move_button": N_("Pindahkan"),
    "moved": N_("Jadwal sudah dipindah."),
    "no_choices": N_("Tidak ada hari lain yang masih ada tempat."),
    "status": N_("Status"),
    "status_booked": N_("Aktif"),
    "status_cancelled": N_("Dibatalkan"),
    "status_checked_in": N_("Sudah mengambil nomor antrean"),
    "others": N_("Hari lain yang masih ada tempat:"),
    "new_booking": N_("Daftar lagi"),
    "no_service": N_("Belum ada layanan yang bisa didaftarkan online."),
    "no_day": N_("Belum ada hari yang bisa dipilih."),
    "language": N_("Bahasa"),
    "not_found": N_("Halaman ini tidak ada atau tautannya sudah kedaluwarsa."),
    "come": N_("Datang pada tanggal dan jam di atas. Di kios, pindai kode QR untuk mengambil nomor antrean."),
}
WEEKDAYS = (N_("Senin"), N_("Selasa"), N_("Rabu"), N_("Kamis"), N_("Jumat"), N_("Sabtu"), N_("Minggu"))

blueprint = Blueprint(
    "book",
    __name__,
    template_folder=str(HERE / "templates"),
    static_folder=str(HERE / "static"),
    static_url_path="/book/assets",
)


@dataclass
class BookingSite:
    """What the pages need: the desk (service layer), form tokens, the saved-image links."""

    config: Config
    desk: BookingDesk
    forms: FormTokens
    images: Signer


def site() -> BookingSite:
    found: BookingSite = current_app.extensions["antrian_booking_site"]
    return found


# -- request plumbing --------------------------------------------------------------------------


def language() -> str:
    raw = request.values.get("lang") or request.cookies.get(LANG_COOKIE) or ""
    return raw if raw in LANGUAGES else "id"


def csrf_cookie() -> str:
    if "csrf" not in g:
        sent = request.cookies.get(CSRF_COOKIE, "")
        g.csrf = sent if COOKIE_VALUE.match(sent) else secrets.token_urlsafe(24)
    return str(g.csrf)


def client_address() -> str:
    """The citizen's address: the peer's, or the trusted reverse proxy's header for it."""
    peer = request.remote_addr or ""
    settings = site().config.booking_site
    if peer in settings.trusted_proxies:
        told = request.headers.get(settings.client_address_header, "").strip()
        if told:
            return told[:64]
    return peer


def day_text(day: date, lang: str) -> str:
    return f"{translator(lang)(WEEKDAYS[day.weekday()])}, {format_day(day, lang)}"


def slot_text(start: time) -> str:
    length = timedelta(minutes=site().config.booking_site.slot_minutes)
    end = (datetime.combine(date(2000, 1, 3), start) + length).time()
    return f"{start.strftime('%H:%M')}–{end.strftime('%H:%M')} WIB"


def render(template: str, status: int = 200, **context: Any) -> Response:
    lang = language()
    tr = translator(lang)
    cookie = csrf_cookie()
    context.update(
        t={key: tr(text) for key, text in TEXT.items()},
        tr=tr,
        lang=lang,
        languages=LANGUAGE_NAMES,
        office=site().config.site.office,
        site_name=site().config.site.name,
        day_text=lambda day: day_text(day, lang),
        slot_text=slot_text,
        form_token=lambda purpose: site().forms.issue(purpose, cookie),
        lang_link=lambda code: _lang_link(code),
    )
    answer = make_response(render_template(template, **context), status)
    secure = site().config.booking_site.public_url.startswith("https://") or request.is_secure
    if request.cookies.get(CSRF_COOKIE) != cookie:
        answer.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="Strict", secure=secure, path="/book")
    if request.values.get("lang") in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
        answer.set_cookie(LANG_COOKIE, lang, samesite="Lax", secure=secure, path="/book", max_age=365 * 86400)
    return answer


def _lang_link(code: str) -> str:
    """The same page in another language: the choices of a GET page kept, nothing typed."""
    args = {k: v for k, v in request.args.items() if k in ("service", "date")}
    args["lang"] = code
    path = request.path if request.method == "GET" else ("/book" if request.path == "/book" else "/book/manage")
    return path + "?" + "&".join(f"{k}={v}" for k, v in args.items() if re.match(r"^[A-Za-z0-9:-]{1,20}$", v))


def problem_of(error: KioskError) -> dict[str, Any]:
    message = explain(error, language())
    others = [date.fromisoformat(d) for d in error.params.get("others", [])]
    return {"title": message.title, "hint": message.hint, "reason": error.reason.value, "others": others}


def status_of(error: KioskError) -> int:
    if error.reason == Reason.BOOKING_TOO_MANY_ATTEMPTS:
        return 429
    if error.reason in (Reason.BOOKING_FORM_TAMPERED, Reason.BOOKING_FORM_EXPIRED):
        return 400
    if isinstance(error, BadInput):
        return 422
    if isinstance(error, Refusal):
        return 409
    return 503


@blueprint.before_request
def only_when_enabled() -> None:
    if not site().config.booking_site.enabled:
        abort(404)


@blueprint.errorhandler(Exception)
def unexpected(error: Exception) -> Response:
    """A bug on a booking page: a page in words, never a traceback or the app's JSON problem."""
    if isinstance(error, HTTPException):  # a 404 of a switched-off site, a 405, a body too large
        text = translator(language())(TEXT["not_found"])
        return Response(text, status=error.code or 500, mimetype="text/plain")
    log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.path)
    return render("book/manage.html", 500, code="", problem=problem_of(SystemFault(Reason.UNEXPECTED)))


def gone_problem() -> dict[str, Any]:
    return {"title": translator(language())(TEXT["not_found"]), "hint": "", "others": []}


@blueprint.after_request
def page_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"  # a booking code in an address stays here
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    if response.mimetype in ("text/html", "image/png"):
        response.headers["Cache-Control"] = "no-store"
    return response


# -- booking -----------------------------------------------------------------------------------


def booking_page(status: int = 200, problem: dict[str, Any] | None = None, **chosen: str) -> Response:
    """The steps page for what is chosen so far (GET arguments, or the fields of a refused POST)."""
    desk = site().desk
    services = desk.services()
    service = desk.config.service(chosen.get("service", "")) if chosen.get("service") else None
    service = service if service in services else None
    days = desk.days(service) if service else []
    day = None
    if service and chosen.get("date"):
        try:
            wanted = desk.parse_day(chosen["date"])
        except BadInput:
            wanted = None
        day = next((d for d in days if d.day == wanted and d.open and d.free > 0), None)
    slots = desk.slots(service, day.day) if service and day else []
    return render(
        "book/start.html",
        status,
        services=services,
        service=service,
        days=days,
        day=day,
        slots=slots,
        slot=chosen.get("slot", ""),
        name=chosen.get("name", ""),
        problem=problem,
    )


@blueprint.get("/book")
def start() -> Response:
    return booking_page(service=request.args.get("service", ""), date=request.args.get("date", ""))


@blueprint.post("/book")
def book() -> Response:
    form = request.form
    desk = site().desk
    kept = {k: form.get(k, "")[:40] for k in ("service", "date", "slot", "name")}
    try:
        desk.check_address(client_address())
        if set(form) - BOOK_FIELDS:
            raise Refusal(Reason.BOOKING_FORM_TAMPERED)
        site().forms.spend(form.get("form_token", ""), "book", request.cookies.get(CSRF_COOKIE, ""))
        fields = (form.get(k, "") for k in ("service", "date", "slot", "nik", "name"))
        made = desk.book_online(*fields)
    except KioskError as error:
        return booking_page(status_of(error), problem_of(error), **kept)
    log.info("booking %s made online for %s %s %s", made.code, made.service_code, made.day, made.slot)
    return done_page(Shown(made, desk.proofs.sign(made.code, made.nik_hash)), "done_title")


def done_page(shown: Shown, heading: str, notice: str = "", status: int = 200) -> Response:
    found = shown.booking
    service = site().config.service(found.service_code)
    image = site().images.sign(found.code)
    return render(
        "book/done.html",
        status,
        booking=found,
        service=service,
        heading=heading,
        notice=notice,
        proof=shown.proof,
        qr=booking_card.qr_data_uri(found.code),
        image_link=f"/book/image/{found.code}.png?s={image}",
        choices=site().desk.move_choices(found),
        active=found.status == BookingStatus.BOOKED and not found.checked_in,
        cancelled=found.status == BookingStatus.CANCELLED,
    )


# -- seeing, cancelling, moving ------------------------------------------------------------------


@blueprint.get("/book/manage")
def manage() -> Response:
    return render("book/manage.html", code="", problem=None)


@blueprint.get("/book/<code>")
def manage_code(code: str) -> Response:
    # Any code gets the same page: whether it exists is told to nobody without the NIK.
    shown = code.upper() if re.match(r"^[A-Za-z0-9-]{4,24}$", code) else ""
    return render("book/manage.html", code=shown, problem=None)


def _proved(action: str) -> tuple[str, str]:
    desk = site().desk
    desk.check_address(client_address())
    site().forms.spend(request.form.get("form_token", ""), action, request.cookies.get(CSRF_COOKIE, ""))
    return request.form.get("code", "")[:40], request.form.get("proof", "")[:80]


@blueprint.post("/book/manage")
def manage_show() -> Response:
    code = request.form.get("code", "")[:40]
    try:
        site().desk.check_address(client_address())
        site().forms.spend(request.form.get("form_token", ""), "manage", request.cookies.get(CSRF_COOKIE, ""))
        shown = site().desk.show(code, request.form.get("nik", ""))
    except KioskError as error:
        shown_code = code.upper() if re.match(r"^[A-Za-z0-9-]{4,24}$", code) else ""
        return render("book/manage.html", status_of(error), code=shown_code, problem=problem_of(error))
    return done_page(shown, "manage_title")


@blueprint.post("/book/manage/cancel")
def cancel() -> Response:
    try:
        code, proof = _proved("cancel")
        cancelled = site().desk.cancel(code, proof)
    except KioskError as error:
        return render("book/manage.html", status_of(error), code="", problem=problem_of(error))
    log.info("booking %s cancelled online", cancelled.code)
    return done_page(Shown(cancelled, ""), "manage_title", notice="cancelled")


@blueprint.post("/book/manage/move")
def move() -> Response:
    try:
        code, proof = _proved("move")
        shown = site().desk.move(code, proof, request.form.get("when", "")[:20])
    except KioskError as error:
        return render("book/manage.html", status_of(error), code="", problem=problem_of(error))
    log.info("booking %s moved online to %s %s", shown.booking.code, shown.booking.day, shown.booking.slot)
    return done_page(shown, "manage_title", notice="moved")


@blueprint.get("/book/image/<code>.png")
def image(code: str) -> Response:
    """The confirmation as a picture to keep: only through the signed link of the confirmation page."""
    found = site().desk.book.find_booking(code.upper()[:24])
    if found is None or not site().images.valid(request.args.get("s", "")[:80], found.code):
        return render("book/manage.html", 404, code="", problem=gone_problem())
    lang = language()
    tr = translator(lang)
    service = site().config.service(found.service_code)
    rows = [
        (tr(TEXT["service"]), service.name if service else found.service_code),
        (tr(TEXT["date"]), day_text(found.day, lang)),
        (tr(TEXT["slot"]), slot_text(found.slot)),
        (tr(TEXT["nik"]), found.nik_masked),
        (tr(TEXT["place"]), site().config.site.name),
    ]
    png = booking_card.card_png(
        found.code,
        f"{site().config.site.office} · {tr(TEXT['title'])}",
        rows,
        tr(TEXT["documents"]),
        list(service.documents) if service else [],
    )
    answer = Response(png, mimetype="image/png")
    answer.headers["Content-Disposition"] = f'attachment; filename="antrean-{found.code}.png"'
    return answer


# -- wiring ------------------------------------------------------------------------------------


def build(
    config: Config, book: DayBook, site_secret: bytes, clock: Clock, brokers: BrokerList | None = None
) -> BookingSite:
    form_key, proof_key, image_key = (derive_key(site_secret, p) for p in (b"forms", b"proofs", b"images"))
    desk = BookingDesk(config, book, NikHasher(site_secret), clock, Signer(proof_key, PROOF_MINUTES * 60), brokers)
    forms = FormTokens(form_key, config.booking_site.form_minutes * 60)
    return BookingSite(config, desk, forms, Signer(image_key, IMAGE_HOURS * 3600))


def register(app: Flask, config: Config, book: DayBook, clock: Clock, brokers: BrokerList | None = None) -> None:
    """Add /book to an app over ``book`` (the server's own day book): one store, one set of rules."""
    from kiosk import bootstrap

    app.extensions["antrian_booking_site"] = build(config, book, bootstrap.site_key(config, book), clock, brokers)
    app.register_blueprint(blueprint)


def create_booking_app(config: Config, clock: Clock | None = None) -> Flask:
    """Only /book, over the day book (``kiosk serve --only book``): what an office exposes to the internet."""
    app = Flask("antrian-book")
    app.config["MAX_CONTENT_LENGTH"] = config.server.max_body_bytes
    from kiosk.backends.office_book import OfficeBook
    from kiosk.core.office import OfficeBrokerList

    book = DayBook(config.backend.path, config)
    clock = clock or SystemClock()
    register(app, config, book, clock, OfficeBrokerList(OfficeBook(book), clock))

    @app.errorhandler(404)
    def not_found(_error: Exception) -> tuple[str, int]:
        return "Not found", 404

    return app


def booking_status(found: Booking) -> str:
    if found.checked_in:
        return "status_checked_in"
    return "status_cancelled" if found.status == BookingStatus.CANCELLED else "status_booked"


blueprint.add_app_template_global(booking_status, "booking_status")
blueprint.add_app_template_global(booking_rules.slots, "all_slots")
