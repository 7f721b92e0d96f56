"""The satisfaction rating pages: the counter-side tablet ``/rate/<counter id>`` and the rating
block of the phone page ``/t/<ticket id>`` (Survei Kepuasan Masyarakat, Permenpan-RB 14/2017).

One tap on four faces for a ticket done today, one rating per ticket: a second one is refused
politely and the first stands (a tablet left at the counter must not let the next person change
the last one's answer). Both pages are plain HTML forms that work without scripts; ``rate.js``
only sends the tap without a page load and brings the next ticket up. The routes live on the
pages' blueprint (``kiosk.server.web``), with its headers (strict CSP) and without a token: a
rating needs the ticket's id, which only the ticket's QR and the tablet of its counter show.
Texts in Indonesian with English and Basa Jawa beside them (the catalogues).
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, current_app, jsonify, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from kiosk.backends.ratings import RatingBook
from kiosk.core import calling
from kiosk.core.clock import Clock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, KioskError, Reason
from kiosk.i18n import LANGUAGES, N_, translator
from kiosk.messages import explain
from kiosk.server.page_language import OTHER_LANGUAGES, Said, say
from kiosk.server.web import TICKET_ID, blueprint

QUESTION = N_("Bagaimana pelayanan kami hari ini?")
FOR_NUMBER = N_("Untuk nomor {number}, {service}. Sentuh satu wajah.")
THANKS = N_("Terima kasih atas penilaian Anda.")
WAITING = N_("Setelah selesai dilayani di loket ini, beri penilaian di sini.")
NO_PERSONAL = N_("Penilaian tanpa nama dan tanpa NIK.")
TITLE = N_("Penilaian pelayanan")
# What the tablet's script says when a tap did not reach the server (rate.js): try the face again.
NOT_SENT = N_("Belum terkirim. Sentuh wajahnya lagi.")
# The four faces, worst to best: the regulation's four answers (tidak, kurang, -, sangat).
FACES = ((1, N_("Tidak puas")), (2, N_("Kurang puas")), (3, N_("Puas")), (4, N_("Sangat puas")))
RATE_REFRESH_MS = 5000
# The refusals a page may be sent back to say (``?said=``): nothing else from the address is shown.
SAYABLE = frozenset(
    {Reason.RATING_INVALID, Reason.RATING_NOT_DONE, Reason.RATING_OTHER_DAY, Reason.RATING_ALREADY_GIVEN,
     Reason.TICKET_UNKNOWN}
)  # fmt: skip


def said_in(language: str, text: str) -> Said:
    """The sentence in one language only: a page whose reader picked their language (the phone)."""
    return Said(translator(language)(text), ())


def said_error_in(language: str, error: KioskError) -> Said:
    message = explain(error, language)
    return Said(f"{message.title}. {message.hint}", ())


def said_error(error: KioskError) -> Said:
    texts = {lang: explain(error, lang) for lang in ("id", *OTHER_LANGUAGES)}
    return Said(
        f"{texts['id'].title}. {texts['id'].hint}",
        tuple((lang, f"{texts[lang].title}. {texts[lang].hint}") for lang in OTHER_LANGUAGES),
    )


class RatingService:
    """What the rating routes call: the offer at a counter, and keeping a rating."""

    def __init__(self, config: Config, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.book = RatingBook(config.backend.path, config)

    def offer(self, counter_id: str) -> dict[str, Any] | None:
        counter = calling.counter_of(self.config, counter_id)
        offer = self.book.offer(counter.id, self.clock.now())
        if offer is None:
            return None
        service = self.config.service(offer.service_code)
        return {
            "ticket_id": offer.ticket_id,
            "number": offer.number,
            "service": offer.service_code,
            "service_name": service.name if service else offer.service_code,
            "rated": offer.rated,
        }

    def rate(self, ticket_id: str, raw_value: str) -> dict[str, Any]:
        if not TICKET_ID.match(ticket_id):
            raise BadInput(Reason.TICKET_UNKNOWN)
        try:
            value = int(raw_value)
        except ValueError:
            raise BadInput(Reason.RATING_INVALID) from None
        index = self.book.rate(ticket_id, value, self.clock.now())
        return {"rated": True, "ratings": index.ratings}

    def status(self, ticket_id: str) -> str:
        """``rated``, ``open`` or ``closed`` (kiosk.backends.ratings.RatingBook.status)."""
        return self.book.status(ticket_id, self.clock.now())


_made = threading.Lock()


def service_of(app: Flask) -> RatingService:
    """The app's rating service, made on first use over the server's day book."""
    with _made:
        found = app.extensions.get("antrian_ratings")
        if found is None:
            api = app.extensions["antrian"]
            found = app.extensions["antrian_ratings"] = RatingService(api.config, api.clock)
    service: RatingService = found
    return service


def _service() -> RatingService:
    return service_of(current_app._get_current_object())  # type: ignore[attr-defined]


def _same_origin() -> bool:
    """A form posted from another site is refused: only this server's pages rate."""
    origin = request.headers.get("Origin")
    return origin is None or origin == "null" or urlsplit(origin).netloc == request.host


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _status(error: KioskError) -> int:
    if error.reason in (Reason.TICKET_UNKNOWN, Reason.COUNTER_UNKNOWN):
        return 404
    return 422 if isinstance(error, BadInput) else 409


def _answer(ok: bool, said: Said, status: int, back: str) -> BaseResponse:
    """JSON for the script, or a redirect back to the page (which then says it) for a plain form."""
    if _wants_json():
        body = {"ok": ok, "text": said.id, "others": dict(said.others)}
        answer = jsonify(body)
        answer.status_code = status
        return answer
    return redirect(back, code=303)


def _said(code: str) -> Said | None:
    """The refusal a page was sent back with, if it is one of ours."""
    reason = next((r for r in SAYABLE if r.value == code), None)
    return None if reason is None else said_error(KioskError(reason))


def texts(language: str | None = None) -> dict[str, Any]:
    """The rating's sentences: the three languages at once, or only ``language`` (the phone's choice)."""
    said = say if language is None else lambda text: said_in(language, text)
    return {
        "question": said(QUESTION),
        "thanks": said(THANKS),
        "waiting": said(WAITING),
        "no_personal": said(NO_PERSONAL),
        "title": said(TITLE),
        "not_sent": said(NOT_SENT),
        "faces": [(value, said(label)) for value, label in FACES],
    }


@blueprint.get("/rate/<counter_id>")
def rate_page(counter_id: str) -> tuple[str, int]:
    said = request.args.get("said", "")
    try:
        offer = _service().offer(counter_id)
    except KioskError as error:
        return render_template("rate.html", counter=None, offer=None, problem=said_error(error), **texts()), _status(
            error
        )
    counter = calling.counter_of(_service().config, counter_id)
    problem = _said(said)
    return render_template(
        "rate.html",
        counter=counter,
        offer=offer,
        for_number=say(FOR_NUMBER, number=offer["number"], service=offer["service_name"]) if offer else None,
        thanked=said == "thanks",
        problem=problem,
        refresh_ms=RATE_REFRESH_MS,
        **texts(),
    ), 200


@blueprint.get("/rate/<counter_id>/offer")
def rate_offer(counter_id: str) -> Response:
    """What the tablet's script polls: the ticket on offer now (id, number, rated), or null."""
    try:
        offer = _service().offer(counter_id)
    except KioskError as error:
        answer = jsonify({"ok": False, "text": said_error(error).id})
        answer.status_code = _status(error)
        return answer
    answer = jsonify({"offer": offer})
    answer.headers["Cache-Control"] = "no-store"
    return answer


@blueprint.post("/rate/<counter_id>")
def rate_at_counter(counter_id: str) -> BaseResponse:
    back = f"/rate/{counter_id}"
    return _rate(request.form.get("ticket_id", ""), request.form.get("value", ""), back)


@blueprint.post("/t/<ticket_id>/rating")
def rate_on_phone(ticket_id: str) -> BaseResponse:
    # The phone page's language (?lang= on the form's address) comes back with the answer page.
    language = request.args.get("lang", "")
    keep = {"lang": language} if language in LANGUAGES else {}
    back = f"/t/{ticket_id}" if TICKET_ID.match(ticket_id) else "/"
    return _rate(ticket_id, request.form.get("value", ""), back, keep)


def _rate(ticket_id: str, value: str, back: str, keep: dict[str, str] | None = None) -> BaseResponse:
    if not _same_origin():
        return Response("cross-site form refused", status=403, mimetype="text/plain")
    try:
        _service().rate(ticket_id, value)
    except KioskError as error:
        answer = urlencode({**(keep or {}), "said": error.reason.value})
        return _answer(False, said_error(error), _status(error), f"{back}?{answer}")
    return _answer(True, say(THANKS), 200, f"{back}?{urlencode({**(keep or {}), 'said': 'thanks'})}")


@blueprint.app_context_processor
def phone_rating() -> dict[str, Any]:
    """``rating_for(ticket)`` for the phone page: the faces once the ticket is served, until rated."""

    def rating_for(ticket_id: str, ticket: dict[str, Any] | None, language: str) -> dict[str, Any] | None:
        if not ticket_id or not ticket or ticket.get("state") != calling.TicketState.SERVED.value:
            return None
        said = request.args.get("said", "")
        reason = next((r for r in SAYABLE if r.value == said), None)
        problem = None if reason is None else said_error_in(language, KioskError(reason))
        status = _service().status(ticket_id)
        if status == "closed" and problem is None:
            return None  # a ticket of another day: nothing to rate any more
        rating = {"rated": status == "rated", "thanked": said == "thanks", "problem": problem}
        return {**rating, **texts(language), "language": language}

    return {"rating_for": rating_for}
