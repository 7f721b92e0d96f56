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
from kiosk.server.contract import Contract, Violation, flask_rule_to_template, with_service_codes
from kiosk.server.ledger import Ledger
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
        self.spec: dict[str, Any] | None = None
        self.contract: Contract | None = None
        try:
            # The document as enforced: the configured service codes become the ServiceCode enum.
            self.spec = with_service_codes(load_spec(), [s.code for s in config.services])
            self.contract = Contract(self.spec)
        except OSError:  # installed without the source tree: nothing to validate with, so refuse
            log.error("API document %s not found; every call but /v1/health will answer 503", SPEC_PATH)

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

    @app.before_request
    def authenticate() -> Response | None:
        if request.path in open_paths:
            return None
        kiosk = api.kiosk_of(request.headers.get("Authorization"))
        if kiosk is None:
            return problem(401, "unauthorized", "Missing or unknown bearer token")
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
        resource = api.contract.most_specific(request.path)
        own = api.contract.methods(resource) if resource else set()
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
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.path)
        return problem(500, "internal", "Internal server error")

    def body() -> dict[str, Any]:
        """The request body, already checked against the API document by ``keep_the_contract``."""
        checked: dict[str, Any] = g.body
        return checked

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
        found = api.book(g.kiosk).find_bookings_by_nik(str(body()["nik_hash"]))
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
        bookings = []
        for row in rows:  # one bad row is left out (and logged), never a failed mirror for every kiosk
            try:
                bookings.append(booking_from_row(row))
            except (ValueError, TypeError) as exc:
                log.error("booking %s cannot be read (%s): left out of the mirror", row[0], type(exc).__name__)
        return {
            "day": now.date().isoformat(),
            "bookings": [wire.booking_to_mirror_dict(b) for b in bookings],
            "quotas": [wire.quota_to_dict(q) for q in api.book(g.kiosk).quotas(now)],
        }

    @app.post("/v1/check-ins")
    def check_in() -> Any:
        code = body()["code"]
        key = f"{g.kiosk}:{g.key}"
        fresh = not api.ledger.known_key(key)
        ticket = api.book(g.kiosk).check_in(rules.normalize_code(str(code)), api.clock.now(), key)
        if fresh:
            ticket = api.ledger.without_held_ahead(ticket)
        return wire.ticket_to_dict(ticket), 201

    @app.post("/v1/walk-ins")
    def walk_in() -> Any:
        data = body()
        service_code, nik_hash, nik_masked = data["service_code"], data["nik_hash"], data["nik_masked"]
        priority = data.get("priority")
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
        if api.ledger.is_held(raw):  # a leased number nobody holds yet is nobody's ticket
            raise BadInput(Reason.TICKET_UNKNOWN)
        return raw

    @app.post("/v1/tickets/<ticket_id>/reprints")
    def reprint(ticket_id: str) -> Any:
        ticket_id = ticket_id_of(ticket_id)
        limit = body().get("limit")
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
        flag = bool(body()["printed"])
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
        service_code, size = body()["service_code"], body()["size"]
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
        data = body()
        used = offline_tickets(data.get("used", []))
        released = [str(t) for t in data.get("released", [])]
        voids = [str(k) for k in data.get("voids", [])]
        marks = [(str(m["ticket_id"]), bool(m["printed"])) for m in data.get("printed", [])]
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

    return app
