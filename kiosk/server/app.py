"""The booking API as a Flask app: a day book shared by several kiosks, behind bearer tokens.

Every rule is the day book's (the core rules, applied in one transaction). Errors are RFC 9457
problem documents whose ``code`` is the core ``Reason`` value, so a kiosk shows the same message
as with a local day book. The server's clock is the authority on "now". Request bodies are never
logged: they carry NIK hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from kiosk.backends.daybook import DayBook
from kiosk.backends.daybook_schema import booking_from_row
from kiosk.core import rules, wire
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, KioskError, Reason, Refusal
from kiosk.core.model import Priority
from kiosk.server import counter_api, web
from kiosk.server.ledger import Ledger
from kiosk.server.validate import (
    IDEMPOTENCY_KEY,
    NIK_HASH,
    NIK_MASKED,
    PRIORITIES,
    TICKET_ID,
    Fields,
    Invalid,
    key_ref,
    mark,
    parse_object,
    ticket_ref,
    used_item,
)

log = logging.getLogger(__name__)

SPEC_PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "api" / "openapi.yaml"
PROBLEM_TYPE = "tag:antrian.disdukcapil.magetan,2026:problem/"
HTTP_CODES = {
    400: "request_invalid",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "request_invalid",
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_tokens(path: Path) -> dict[str, str]:
    """``kiosk id -> sha256 hex of its token`` from lines ``KIOSK-ID HEX`` (``#`` starts a comment)."""
    tokens: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) == 3 and parts[2] == "counter" and NIK_HASH.match(parts[1]):
            continue  # a counter's token (kiosk.server.counter_service): it cannot issue numbers
        if len(parts) != 2 or not NIK_HASH.match(parts[1]):
            raise ValueError(f"{path}:{number}: expected 'KIOSK-ID <64 hex>'")
        tokens[parts[0]] = parts[1]
    return tokens


def load_spec() -> dict[str, Any]:
    import yaml  # type: ignore[import-untyped]

    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def problem(status: int, code: str, title: str, **extra: Any) -> Response:
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "code": code, **extra}
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")


def _status_of(error: KioskError) -> int:
    if error.reason in (Reason.BOOKING_NOT_FOUND, Reason.TICKET_UNKNOWN):
        return 404
    if isinstance(error, BadInput):
        return 422
    if isinstance(error, Refusal):
        return 409
    return 503


def _safe_params(error: KioskError) -> dict[str, Any]:
    """Parameters the kiosk needs for its message; faults keep their details (paths) on the server."""
    if not isinstance(error, (BadInput, Refusal)):
        return {}
    return {k: v if isinstance(v, (int, str)) else str(v) for k, v in error.params.items()}


class BookingApi:
    """The state behind the routes: one day book connection per kiosk (tickets carry its id)."""

    def __init__(self, config: Config, tokens: dict[str, str], clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.tokens = {digest: kiosk for kiosk, digest in tokens.items()}
        self._books: dict[str, DayBook] = {}
        self._lock = threading.Lock()
        self.book("")  # migrate the file before the ledger adds its tables
        self.ledger = Ledger(config.backend.path)
        try:
            self.spec: dict[str, Any] | None = load_spec()
        except OSError:  # installed without the source tree: serve the API, say so at /openapi.json
            log.error("API document %s not found; GET /v1/openapi.json will answer 503", SPEC_PATH)
            self.spec = None

    def book(self, kiosk_id: str) -> DayBook:
        with self._lock:
            if kiosk_id not in self._books:
                site = replace(self.config.site, kiosk_id=kiosk_id or self.config.site.kiosk_id)
                self._books[kiosk_id] = DayBook(self.config.backend.path, replace(self.config, site=site))
            return self._books[kiosk_id]

    def kiosk_of(self, header: str | None) -> str | None:
        if not header or not header.startswith("Bearer "):
            return None
        digest = token_hash(header[len("Bearer ") :].strip())
        for known, kiosk in self.tokens.items():
            if hmac.compare_digest(known, digest):
                return kiosk
        return None

    def close(self) -> None:
        for book in self._books.values():
            book.close()
        self.ledger.close()


def create_app(config: Config, tokens: dict[str, str], clock: Clock | None = None) -> Flask:
    """The WSGI app; ``tokens`` maps kiosk id to the sha256 hex of its bearer token."""
    app = Flask("antrian-api")
    app.config["MAX_CONTENT_LENGTH"] = config.server.max_body_bytes
    api = BookingApi(config, tokens, clock or SystemClock())
    app.extensions["antrian"] = api
    open_paths = {"/v1/health", "/v1/openapi.json"}
    counter_api.register(app, config, api.clock)  # counter tokens and the hall: its own checks

    @app.before_request
    def authenticate() -> Response | None:
        if request.path in open_paths or counter_api.owns(request.path) or request.blueprint == "web":
            return None
        kiosk = api.kiosk_of(request.headers.get("Authorization"))
        if kiosk is None:
            return problem(401, "unauthorized", "Missing or unknown bearer token")
        g.kiosk = kiosk
        if request.method == "POST" and request.path != "/v1/bookings/search":
            key = request.headers.get("Idempotency-Key", "")
            if not IDEMPOTENCY_KEY.match(key):
                return problem(
                    400,
                    "request_invalid",
                    "Idempotency-Key header missing or malformed",
                    pattern=IDEMPOTENCY_KEY.pattern,
                )
            g.key = key
        return None

    @app.errorhandler(KioskError)
    def kiosk_error(error: KioskError) -> Response:
        return problem(_status_of(error), error.reason.value, error.reason.value, params=_safe_params(error))

    @app.errorhandler(Invalid)
    def invalid(error: Invalid) -> Response:
        return problem(422, "request_invalid", "The request body has the wrong shape", errors=error.errors)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        return problem(status, HTTP_CODES.get(status, "request_invalid"), error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.path)
        return problem(500, "internal", "Internal server error")

    def body() -> dict[str, Any]:
        return parse_object(request.get_data(cache=True))

    def today() -> date:
        return api.clock.now().date()

    @app.get("/v1/health")
    def health() -> Any:
        return {"status": "ok", "site": config.site.code, "time": api.clock.now().isoformat()}

    @app.get("/v1/openapi.json")
    def openapi() -> Any:
        if api.spec is None:
            return problem(503, "internal", "The API document is not installed with this server")
        return api.spec

    @app.get("/v1/quotas")
    def quotas() -> Any:
        now = api.clock.now()
        items = api.book(g.kiosk).quotas(now)
        return {"day": now.date().isoformat(), "services": [wire.quota_to_dict(q) for q in items]}

    @app.post("/v1/bookings/search")
    def search() -> Any:
        fields = Fields(body())
        nik_hash = fields.text("nik_hash", NIK_HASH, max_len=64)
        fields.done()
        found = api.book(g.kiosk).find_bookings_by_nik(str(nik_hash))
        return {"bookings": [wire.booking_to_dict(b) for b in found]}

    @app.get("/v1/bookings/<code>")
    def booking(code: str) -> Any:
        found = api.book(g.kiosk).find_booking(rules.normalize_code(code))
        if found is None:
            raise Refusal(Reason.BOOKING_NOT_FOUND)
        return wire.booking_to_dict(found)

    @app.get("/v1/mirror")
    def mirror() -> Any:
        now = api.clock.now()
        rows = api.ledger.todays_bookings(now.date(), config.site.code)
        bookings = [booking_from_row(r) for r in rows]
        return {
            "day": now.date().isoformat(),
            "bookings": [wire.booking_to_mirror_dict(b) for b in bookings],
            "quotas": [wire.quota_to_dict(q) for q in api.book(g.kiosk).quotas(now)],
        }

    @app.post("/v1/check-ins")
    def check_in() -> Any:
        fields = Fields(body())
        code = fields.text("code", max_len=200)
        fields.done()
        key = f"{g.kiosk}:{g.key}"
        fresh = not api.ledger.known_key(key)
        ticket = api.book(g.kiosk).check_in(rules.normalize_code(str(code)), api.clock.now(), key)
        if fresh:
            ticket = api.ledger.without_held_ahead(ticket)
        return wire.ticket_to_dict(ticket), 201

    @app.post("/v1/walk-ins")
    def walk_in() -> Any:
        fields = Fields(body())
        service_code = fields.text("service_code", max_len=20)
        nik_hash = fields.text("nik_hash", NIK_HASH, max_len=64)
        nik_masked = fields.text("nik_masked", NIK_MASKED, max_len=16)
        priority = fields.choice("priority", PRIORITIES, optional=True)
        fields.done()
        args = (
            str(service_code),
            str(nik_hash),
            str(nik_masked),
            Priority(priority) if priority else None,
            api.clock.now(),
        )
        key = f"{g.kiosk}:{g.key}"
        fresh = not api.ledger.known_key(key) and api.ledger.issue_from_lease(config, g.kiosk, *args, g.key) is None
        # Either replays the ticket just filled from the kiosk's block, or issues the next number.
        ticket = api.book(g.kiosk).issue_walk_in(*args, key)
        if fresh:
            ticket = api.ledger.without_held_ahead(ticket)
        return wire.ticket_to_dict(ticket), 201

    def visible(day: date) -> set[str]:
        return {n.ticket_id for n in api.ledger.held(day)}

    @app.get("/v1/tickets")
    def tickets() -> Any:
        day = rules.parse_day(request.args.get("day", today().isoformat()))
        hidden = visible(day)
        items = [t for t in api.book(g.kiosk).tickets(day) if t.id not in hidden]
        return {"day": day.isoformat(), "tickets": [wire.ticket_to_dict(t) for t in items]}

    @app.get("/v1/tickets/<day>/<number>")
    def ticket(day: str, number: str) -> Any:
        when = rules.parse_day(day)
        found = api.book(g.kiosk).find_ticket(when, number[:10])
        if found is None or found.id in visible(when):
            raise BadInput(Reason.TICKET_UNKNOWN, number=number[:10])
        return wire.ticket_to_dict(found)

    def ticket_id_of(raw: str) -> str:
        if not TICKET_ID.match(raw):
            raise Invalid([{"field": "ticket_id", "problem": f"must match {TICKET_ID.pattern}"}])
        return raw

    @app.post("/v1/tickets/<ticket_id>/reprints")
    def reprint(ticket_id: str) -> Any:
        ticket_id = ticket_id_of(ticket_id)
        fields = Fields(body())
        limit = fields.integer("limit", 0, 100, optional=True)
        fields.done()
        key = f"reprint:{g.kiosk}:{g.key}"
        earlier = api.ledger.reply(key)
        if earlier is not None:
            return earlier
        answer = wire.ticket_to_dict(api.book(g.kiosk).record_reprint(ticket_id, limit))
        api.ledger.remember(key, answer)
        return answer

    @app.post("/v1/tickets/<ticket_id>/printed")
    def printed(ticket_id: str) -> Any:
        ticket_id = ticket_id_of(ticket_id)
        fields = Fields(body())
        flag = fields.flag("printed")
        fields.done()
        api.book(g.kiosk).mark_printed(ticket_id, flag)
        return Response(status=204)

    @app.get("/v1/reports/<day>")
    def report(day: str) -> Any:
        when = rules.parse_day(day)
        data = wire.report_to_dict(api.book(g.kiosk).daily_report(when, api.clock.now()))
        held: dict[str, int] = {}
        for number in api.ledger.held(when):
            held[number.service_code] = held.get(number.service_code, 0) + 1
        for row in data["rows"]:  # leased numbers nobody holds yet are no walk-ins served
            row["walk_ins"] -= held.get(row["service_code"], 0)
        return data

    @app.post("/v1/leases")
    def lease() -> Any:
        fields = Fields(body())
        service_code = fields.text("service_code", max_len=20)
        size = fields.integer("size", 1, 100)
        fields.done()
        numbers = api.ledger.grant(
            api.book(g.kiosk), g.kiosk, str(service_code), int(size or 1), g.key, api.clock.now()
        )
        return {
            "service_code": str(service_code).upper(),
            "numbers": [
                {"ticket_id": n.ticket_id, "day": n.day.isoformat(), "seq": n.seq, "number": n.number, "state": n.state}
                for n in numbers
            ],
        }, 201

    @app.post("/v1/sync")
    def sync() -> Any:
        fields = Fields(body())
        used = [used_item(item, f"used[{i}].") for i, item in enumerate(fields.items("used"))]
        released = [ticket_ref(item, f"released[{i}]") for i, item in enumerate(fields.items("released"))]
        voids = [key_ref(item, f"voids[{i}]") for i, item in enumerate(fields.items("voids"))]
        marks = [mark(item, f"printed[{i}].") for i, item in enumerate(fields.items("printed"))]
        fields.done()
        outcome = api.ledger.sync(g.kiosk, used, released, voids, marks)
        held = api.ledger.held(today(), g.kiosk)
        return {
            "used": outcome.used,
            "released": outcome.released,
            "voided": outcome.voided,
            "conflicts": outcome.conflicts,
            "unknown": outcome.unknown,
            "held": [
                {"ticket_id": n.ticket_id, "service_code": n.service_code, "seq": n.seq, "number": n.number}
                for n in held
            ],
        }

    web.register(app)
    return app
