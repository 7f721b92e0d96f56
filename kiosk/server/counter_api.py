"""The counters' and the hall's routes of the API (kiosk/server/openapi.yaml), as one blueprint.

Counter routes (``/v1/counters/{id}...``) take a counter token for that counter: a kiosk token
cannot call, and a counter token is unknown to the kiosk routes, so it cannot issue numbers.
The display, the announcements and the public ticket page need no token and carry no
personal data. Errors are the API's problem documents with a title that says what to do next
(``kiosk.messages``) in the language the page asks for (``Accept-Language``, Indonesian when none),
and the reason as ``code``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Flask, Response, g, request, send_file

from kiosk.core.calling import Step
from kiosk.core.errors import BadInput, KioskError, Reason
from kiosk.i18n import N_, translator
from kiosk.messages import explain
from kiosk.server.answers import of_error, problem
from kiosk.server.counter_service import CounterService
from kiosk.server.page_language import api_language
from kiosk.server.tokens import Role
from kiosk.speech.tts import SpeechUnavailable

PREFIXES = ("/v1/counters/", "/v1/display", "/v1/announcements/", "/v1/public/")
# The same shapes as kiosk/server/openapi.yaml; checked here too, so the routes stand on their own.
SERVICE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
TICKET_ID = re.compile(r"^[0-9a-f-]{36}$")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")
CALL_ID = re.compile(r"^[0-9a-f-]{36}$")

# What a counter page or the hall shows for a refused request (Indonesian; the catalogue has English).
KIOSK_TOKEN_CANNOT_CALL = N_("Token kios tidak boleh memanggil nomor. Masuk dengan token loket.")
OFFICE_TOKEN_CANNOT_CALL = N_("Token kantor tidak boleh memanggil nomor. Masuk dengan token loket.")
COUNTER_TOKEN_UNKNOWN = N_("Token loket tidak dikenal. Masuk lagi dengan token loket Anda.")
OTHER_COUNTER = N_("Token ini untuk loket {counter}. Masuk dengan token loket {wanted}.")
REQUEST_INVALID = N_("Permintaan tidak sesuai. Muat ulang halaman lalu coba lagi.")
KEY_MISSING = N_("Permintaan tanpa Idempotency-Key yang benar. Muat ulang halaman lalu coba lagi.")
SPEECH_UNAVAILABLE = N_("Suara panggilan tidak tersedia. Baca nomor di layar, dan hubungi teknisi.")

blueprint = Blueprint("counter_api", __name__)


class Invalid(Exception):
    """A step's body has the wrong shape; ``errors`` lists ``{"field", "problem"}`` entries."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['problem']}" for e in errors))
        self.errors = errors


def owns(path: str) -> bool:
    """Whether a path is this blueprint's: the app's kiosk-token check leaves it alone."""
    return path.startswith(PREFIXES)


def service_of(app: Flask) -> CounterService:
    service: CounterService = app.extensions["antrian_counters"]
    return service


def _said(text: str) -> str:
    """A sentence of these routes in the language the page asked for (Indonesian if none)."""
    return translator(api_language())(text)


@blueprint.errorhandler(KioskError)
def kiosk_error(error: KioskError) -> Response:
    message = explain(error, api_language())
    return of_error(error, f"{message.title}. {message.hint}", message.hint)


@blueprint.errorhandler(Invalid)
def invalid(error: Invalid) -> Response:
    return problem(422, "request_invalid", _said(REQUEST_INVALID), errors=error.errors)


def _counter_token(counter_id: str) -> Response | None:
    app = _app()
    who = app.extensions["antrian"].tokens.who_by_header(request.headers.get("Authorization"))
    if who is not None and who.role is Role.KIOSK:
        return problem(403, "forbidden", _said(KIOSK_TOKEN_CANNOT_CALL))
    if who is not None and who.role is Role.OFFICE:
        return problem(403, "forbidden", _said(OFFICE_TOKEN_CANNOT_CALL))
    # A token for a counter the config does not have signs in as nobody.
    if who is None or all(c.id != who.name for c in app.extensions["antrian"].config.counters):
        return problem(401, "unauthorized", _said(COUNTER_TOKEN_UNKNOWN))
    counter = who.name
    if counter != counter_id:
        return problem(403, "forbidden", _said(OTHER_COUNTER).format(counter=counter, wanted=counter_id[:20]))
    return None


def _app() -> Flask:
    from flask import current_app

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


@blueprint.before_request
def authenticate() -> Response | None:
    path = request.path
    if not path.startswith("/v1/counters/"):
        return None  # the hall's routes are public and read-only
    counter_id = (request.view_args or {}).get("counter_id", "")
    refused = _counter_token(str(counter_id))
    if refused is not None:
        return refused
    if request.method == "POST":
        key = request.headers.get("Idempotency-Key", "")
        if not IDEMPOTENCY_KEY.match(key):
            return problem(
                400,
                "request_invalid",
                _said(KEY_MISSING),
                pattern=IDEMPOTENCY_KEY.pattern,
            )
        g.counter_key = key
    return None


def _body(allowed: dict[str, re.Pattern[str]], required: tuple[str, ...] = ()) -> dict[str, str]:
    """The JSON object of a step (an empty body is ``{}``), every field checked by its pattern."""
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Invalid([{"field": "(body)", "problem": "not JSON"}]) from None
    if not isinstance(data, dict):
        raise Invalid([{"field": "(body)", "problem": "must be a JSON object"}])
    errors = [{"field": name, "problem": "unknown field"} for name in data if name not in allowed]
    out: dict[str, str] = {}
    for name, pattern in allowed.items():
        value = data.get(name)
        if value is None:
            if name in required:
                errors.append({"field": name, "problem": "required"})
            continue
        if not isinstance(value, str) or not pattern.match(value):
            errors.append({"field": name, "problem": f"must match {pattern.pattern}"})
            continue
        out[name] = value
    if errors:
        raise Invalid(errors)
    return out


def _step(counter_id: str, step: Step, fields: dict[str, str]) -> Any:
    return service_of(_app()).step(counter_id, step, g.counter_key, fields.get("ticket_id"), fields.get("service"))


@blueprint.post("/v1/counters/<counter_id>/next")
def call_next(counter_id: str) -> Any:
    return _step(counter_id, Step.NEXT, _body({"service": SERVICE_CODE}))


@blueprint.post("/v1/counters/<counter_id>/recall")
def recall(counter_id: str) -> Any:
    return _step(counter_id, Step.RECALL, _body({"ticket_id": TICKET_ID}))


@blueprint.post("/v1/counters/<counter_id>/absent")
def absent(counter_id: str) -> Any:
    return _step(counter_id, Step.ABSENT, _body({"ticket_id": TICKET_ID}))


@blueprint.post("/v1/counters/<counter_id>/done")
def done(counter_id: str) -> Any:
    return _step(counter_id, Step.DONE, _body({"ticket_id": TICKET_ID}))


@blueprint.post("/v1/counters/<counter_id>/transfer")
def transfer(counter_id: str) -> Any:
    return _step(
        counter_id, Step.TRANSFER, _body({"service": SERVICE_CODE, "ticket_id": TICKET_ID}, required=("service",))
    )


TICKET_NUMBER = re.compile(r"^[A-Za-z]{1,3}-?[0-9]{1,4}$")


@blueprint.post("/v1/counters/<counter_id>/take-back")
def take_back(counter_id: str) -> Any:
    """A no-show who came back, by the number on their ticket ("A-005" or "a005")."""
    number = _body({"number": TICKET_NUMBER}, required=("number",))["number"].upper()
    if "-" not in number:
        letters = number.rstrip("0123456789")
        number = f"{letters}-{int(number[len(letters) :]):03d}"
    return service_of(_app()).take_back(counter_id, number, g.counter_key)


@blueprint.get("/v1/counters/<counter_id>")
def counter(counter_id: str) -> Any:
    return service_of(_app()).counter(counter_id)


AFTER = re.compile(r"^(\d{4}-\d{2}-\d{2}):(\d{1,9})$")


@blueprint.get("/v1/display")
def display() -> Any:
    """The hall's calls; ``after=DAY:SEQ`` adds every call since, ``wait=S`` makes it a long poll."""
    after = None
    raw_after = request.args.get("after", "")
    if raw_after:
        matched = AFTER.match(raw_after)
        if matched is None:
            raise Invalid([{"field": "after", "problem": f"must match {AFTER.pattern}"}])
        after = (matched.group(1), int(matched.group(2)))  # a day that is not today: all of today's are new
    try:
        wait_s = int(request.args.get("wait", "0") or 0)
    except ValueError:
        raise Invalid([{"field": "wait", "problem": "whole seconds"}]) from None
    if not 0 <= wait_s <= 60:
        raise Invalid([{"field": "wait", "problem": "0 to 60 seconds"}])
    return service_of(_app()).display(after, wait_s)


@blueprint.get("/v1/public/tickets/<ticket_id>")
def public_ticket(ticket_id: str) -> Any:
    if not TICKET_ID.match(ticket_id):
        raise BadInput(Reason.TICKET_UNKNOWN)
    answer = service_of(_app()).public_ticket(ticket_id)
    response = Response(json.dumps(answer, ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/v1/announcements/<call_id>.wav")
def announcement(call_id: str) -> Any:
    if not CALL_ID.match(call_id):
        raise BadInput(Reason.CALL_UNKNOWN)
    try:
        path = service_of(_app()).announcement(call_id, short=request.args.get("form") == "short")
    except SpeechUnavailable:
        return problem(503, "speech_unavailable", _said(SPEECH_UNAVAILABLE))
    response = send_file(path, mimetype="audio/wav", max_age=86400)
    return response
