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
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from kiosk.backends.daybook import DayBook
from kiosk.core import rules, wire
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, KioskError, Reason, Refusal
from kiosk.core.model import Priority
from kiosk.server.ledger import Ledger
from kiosk.server.service import BookingService
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
    """What the routes need beside the service: who a token belongs to, and the API document."""

    def __init__(self, config: Config, tokens: dict[str, str], clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.tokens = {digest: kiosk for kiosk, digest in tokens.items()}
        self.service = BookingService(config, clock)
        try:
            self.spec: dict[str, Any] | None = load_spec()
        except OSError:  # installed without the source tree: serve the API, say so at /openapi.json
            log.error("API document %s not found; GET /v1/openapi.json will answer 503", SPEC_PATH)
            self.spec = None

    def book(self, kiosk_id: str) -> DayBook:
        return self.service.book(kiosk_id)

    @property
    def ledger(self) -> Ledger:
        return self.service.ledger

    def kiosk_of(self, header: str | None) -> str | None:
        if not header or not header.startswith("Bearer "):
            return None
        digest = token_hash(header[len("Bearer ") :].strip())
        for known, kiosk in self.tokens.items():
            if hmac.compare_digest(known, digest):
                return kiosk
        return None

    def close(self) -> None:
        self.service.close()


def create_app(config: Config, tokens: dict[str, str], clock: Clock | None = None) -> Flask:
    """The WSGI app; ``tokens`` maps kiosk id to the sha256 hex of its bearer token."""
    app = Flask("antrian-api")
    app.config["MAX_CONTENT_LENGTH"] = config.server.max_body_bytes
    api = BookingApi(config, tokens, clock or SystemClock())
    service = api.service
    app.extensions["antrian"] = api
    open_paths = {"/v1/health", "/v1/openapi.json"}

    @app.before_request
    def authenticate() -> Response | None:
        if request.path in open_paths:
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
        return service.today()

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
        items = service.quotas(g.kiosk)
        return {"day": today().isoformat(), "services": [wire.quota_to_dict(q) for q in items]}

    @app.post("/v1/bookings/search")
    def search() -> Any:
        fields = Fields(body())
        nik_hash = fields.text("nik_hash", NIK_HASH, max_len=64)
        fields.done()
        found = service.bookings_by_nik(g.kiosk, str(nik_hash))
        return {"bookings": [wire.booking_to_dict(b) for b in found]}

    @app.get("/v1/bookings/<code>")
    def booking(code: str) -> Any:
        return wire.booking_to_dict(service.booking(g.kiosk, code))

    @app.get("/v1/mirror")
    def mirror() -> Any:
        day, bookings, quotas = service.mirror(g.kiosk)
        return {
            "day": day.isoformat(),
            "bookings": [wire.booking_to_mirror_dict(b) for b in bookings],
            "quotas": [wire.quota_to_dict(q) for q in quotas],
        }

    @app.post("/v1/check-ins")
    def check_in() -> Any:
        fields = Fields(body())
        code = fields.text("code", max_len=200)
        fields.done()
        return wire.ticket_to_dict(service.check_in(g.kiosk, g.key, str(code))), 201

    @app.post("/v1/walk-ins")
    def walk_in() -> Any:
        fields = Fields(body())
        service_code = fields.text("service_code", max_len=20)
        nik_hash = fields.text("nik_hash", NIK_HASH, max_len=64)
        nik_masked = fields.text("nik_masked", NIK_MASKED, max_len=16)
        priority = fields.choice("priority", PRIORITIES, optional=True)
        fields.done()
        ticket = service.walk_in(
            g.kiosk,
            g.key,
            str(service_code),
            str(nik_hash),
            str(nik_masked),
            Priority(priority) if priority else None,
        )
        return wire.ticket_to_dict(ticket), 201

    @app.get("/v1/tickets")
    def tickets() -> Any:
        day = rules.parse_day(request.args.get("day", today().isoformat()))
        return {"day": day.isoformat(), "tickets": [wire.ticket_to_dict(t) for t in service.tickets(g.kiosk, day)]}

    @app.get("/v1/tickets/<day>/<number>")
    def ticket(day: str, number: str) -> Any:
        return wire.ticket_to_dict(service.ticket(g.kiosk, rules.parse_day(day), number[:10]))

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
        done = service.reprint(g.kiosk, g.key, ticket_id, limit)
        if isinstance(done, dict):
            return done  # the answer this key already got
        answer = wire.ticket_to_dict(done)
        service.remember_reply(g.kiosk, g.key, answer)
        return answer

    @app.post("/v1/tickets/<ticket_id>/printed")
    def printed(ticket_id: str) -> Any:
        ticket_id = ticket_id_of(ticket_id)
        fields = Fields(body())
        flag = fields.flag("printed")
        fields.done()
        service.mark_printed(g.kiosk, ticket_id, bool(flag))
        return Response(status=204)

    @app.get("/v1/reports/<day>")
    def report(day: str) -> Any:
        return wire.report_to_dict(service.report(g.kiosk, rules.parse_day(day)))

    @app.post("/v1/leases")
    def lease() -> Any:
        fields = Fields(body())
        service_code = fields.text("service_code", max_len=20)
        size = fields.integer("size", 1, 100)
        fields.done()
        numbers = service.lease(g.kiosk, g.key, str(service_code), int(size or 1))
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
        outcome, held = service.sync(g.kiosk, used, released, voids, marks)
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

    return app
