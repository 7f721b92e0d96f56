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

from kiosk import bootstrap
from kiosk.backends import secret
from kiosk.backends.daybook import DayBook
from kiosk.core import rules, wire
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, KioskError, Reason, Refusal
from kiosk.core.model import Priority
from kiosk.core.wire import SITE_KEY_HEADER
from kiosk.server import booking_site, counter_api, web
from kiosk.server.contract import Contract, Violation, flask_rule_to_template, with_service_codes
from kiosk.server.ledger import Ledger
from kiosk.server.service import BookingService
from kiosk.server.validate import NIK_HASH, offline_tickets

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
    """What the routes need beside the service: who a token belongs to, and the API document."""

    def __init__(self, config: Config, tokens: dict[str, str], clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.tokens = {digest: kiosk for kiosk, digest in tokens.items()}
        self.service = BookingService(config, clock)
        # The server's own day book holds NIK hashes too: its secret is checked against it here,
        # and every kiosk that sends its fingerprint must have been keyed with the same one.
        self.key_fingerprint = secret.fingerprint(bootstrap.site_key(config, self.book("")))
        self.spec: dict[str, Any] | None = None
        self.contract: Contract | None = None
        try:
            # The document as enforced: the configured service codes become the ServiceCode enum.
            self.spec = with_service_codes(load_spec(), [s.code for s in config.services])
            self.contract = Contract(self.spec)
        except OSError:  # installed without the source tree: nothing to validate with, so refuse
            log.error("API document %s not found; every call but /v1/health will answer 503", SPEC_PATH)

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
    counter_api.register(app, config, api.clock)  # counter tokens and the hall: its own checks

    @app.before_request
    def authenticate() -> Response | None:
        if request.path in open_paths or counter_api.owns(request.path) or request.blueprint in ("web", "book"):
            return None
        kiosk = api.kiosk_of(request.headers.get("Authorization"))
        if kiosk is None:
            return problem(401, "unauthorized", "Missing or unknown bearer token")
        sent = request.headers.get(SITE_KEY_HEADER)
        if sent is not None and not hmac.compare_digest(sent, api.key_fingerprint):
            log.error("kiosk %s is keyed with another site secret: refused", kiosk)
            return problem(503, Reason.SECRET_MISMATCH.value, "This kiosk's site.secret is not the server's")
        g.kiosk = kiosk
        return None

    @app.before_request
    def keep_the_contract() -> Response | None:
        """Every documented operation is checked against docs/api/openapi.yaml before its route runs."""
        rule = request.url_rule
        if rule is None:
            return None  # routing answers 404/405 itself
        if api.contract is None:
            if request.path == "/v1/health":
                return None
            return problem(503, "internal", "The API document is not installed with this server")
        template = flask_rule_to_template(rule.rule)
        own = api.contract.resource_methods(request.path)
        if own and request.method not in own | {"OPTIONS"} | ({"HEAD"} if "GET" in own else set()):
            # OpenAPI matches literal segments before templated ones: GET /bookings/search is no
            # lookup of a booking coded SEARCH but a method that /bookings/search does not have.
            answer = problem(405, "method_not_allowed", "Method Not Allowed")
            answer.headers["Allow"] = ", ".join(sorted(own | {"OPTIONS"}))
            return answer
        if request.method == "OPTIONS":
            documented = api.contract.methods(template)
            if not documented:
                return None
            # Exactly the documented methods: /bookings/search must not offer the GET of /bookings/{code}.
            allowed = documented | {"OPTIONS"} | ({"HEAD"} if "GET" in documented else set())
            return Response(status=204, headers={"Allow": ", ".join(sorted(allowed))})
        operation = api.contract.operation(request.method, template)
        if operation is None:
            return None  # pages outside the API (counter screens, sounds) have no JSON contract
        if operation.max_body_bytes is not None:  # a whole offline morning travels in one sync
            request.max_content_length = max(operation.max_body_bytes, config.server.max_body_bytes)
        raw = request.get_data(cache=True) if operation.body is not None else b""
        headers = {name.lower(): value for name, value in request.headers.items()}
        checked = api.contract.check(operation, request.view_args or {}, request.args, headers, raw)
        g.body = checked.body if isinstance(checked.body, dict) else {}
        key = request.headers.get("Idempotency-Key")
        if key and any(p.location == "header" and p.name.lower() == "idempotency-key" for p in operation.parameters):
            g.key = key
            digest = hashlib.sha256(f"{request.method} {request.path}\n{checked.canonical}".encode()).hexdigest()
            if not api.ledger.claim_key(f"{getattr(g, 'kiosk', '')}:{key}", digest):
                return problem(
                    422,
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used for another request; send a new key",
                )
        return None

    @app.errorhandler(KioskError)
    def kiosk_error(error: KioskError) -> Response:
        return problem(_status_of(error), error.reason.value, error.reason.value, params=_safe_params(error))

    @app.errorhandler(Violation)
    def violation(error: Violation) -> Response:
        extra: dict[str, Any] = {"errors": error.errors}
        if error.params or error.code != "request_invalid":
            extra["params"] = error.params
        return problem(error.status, error.code, error.title, **extra)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        answer = problem(status, HTTP_CODES.get(status, "request_invalid"), error.name)
        allowed = getattr(error, "valid_methods", None)
        if status == 405 and allowed:  # RFC 9110: a 405 names the methods the resource has
            answer.headers["Allow"] = ", ".join(sorted(allowed))
        return answer

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unexpected %s on %s %s", type(error).__name__, request.method, request.path)
        return problem(500, "internal", "Internal server error")

    def body() -> dict[str, Any]:
        """The request body, already checked against the API document by ``keep_the_contract``."""
        checked: dict[str, Any] = g.body
        return checked

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
        found = service.bookings_by_nik(g.kiosk, str(body()["nik_hash"]))
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
        return wire.ticket_to_dict(service.check_in(g.kiosk, g.key, str(body()["code"]))), 201

    @app.post("/v1/walk-ins")
    def walk_in() -> Any:
        data = body()
        service_code, nik_hash, nik_masked = data["service_code"], data["nik_hash"], data["nik_masked"]
        priority = data.get("priority")
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
        if api.ledger.is_held(raw):  # a leased number nobody holds yet is nobody's ticket
            raise BadInput(Reason.TICKET_UNKNOWN)
        return raw

    @app.post("/v1/tickets/<ticket_id>/reprints")
    def reprint(ticket_id: str) -> Any:
        ticket_id = ticket_id_of(ticket_id)
        limit = body().get("limit")
        done = service.reprint(g.kiosk, g.key, ticket_id, limit)
        if isinstance(done, dict):
            return done  # the answer this key already got
        answer = wire.ticket_to_dict(done)
        service.remember_reply(g.kiosk, g.key, answer)
        return answer

    @app.post("/v1/tickets/<ticket_id>/printed")
    def printed(ticket_id: str) -> Any:
        ticket_id = ticket_id_of(ticket_id)
        service.mark_printed(g.kiosk, ticket_id, bool(body()["printed"]))
        return Response(status=204)

    @app.get("/v1/reports/<day>")
    def report(day: str) -> Any:
        return wire.report_to_dict(service.report(g.kiosk, rules.parse_day(day)))

    @app.post("/v1/leases")
    def lease() -> Any:
        service_code, size = body()["service_code"], body()["size"]
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
        data = body()
        used = offline_tickets(data.get("used", []))
        released = [str(t) for t in data.get("released", [])]
        voids = [str(k) for k in data.get("voids", [])]
        marks = [(str(m["ticket_id"]), bool(m["printed"])) for m in data.get("printed", [])]
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

    web.register(app)
    booking_site.register(app, config, api.book(""), api.clock)  # /book: citizens, no token (its own guards)
    return app
