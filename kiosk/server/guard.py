"""What every request passes before its route: who signs in, and the API document's contract.

``init_app`` installs, in this order, the token check of the blueprints that ask for a role
(``requires``), the contract check of every documented operation, and the error handlers that
turn domain errors, contract violations and HTTP errors into problem documents. Blueprints with
checks of their own (the counters', the pages) ask for no role here.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from kiosk.core.errors import KioskError, Reason
from kiosk.core.wire import SITE_KEY_HEADER
from kiosk.server.answers import of_error, problem
from kiosk.server.contract import Violation, flask_rule_to_template
from kiosk.server.tokens import Principal, Role

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "request_invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "request_invalid",
}
NOT_INSTALLED = "The API document is not installed with this server"

# blueprint name -> the role its routes need; endpoints open to anyone.
_ROLES: dict[str, Role] = {}
_OPEN: set[str] = set()


def requires(blueprint: Blueprint, role: Role, open_endpoints: tuple[str, ...] = ()) -> None:
    """Every route of ``blueprint`` needs a bearer token of ``role`` (except ``open_endpoints``)."""
    _ROLES[blueprint.name] = role
    _OPEN.update(f"{blueprint.name}.{name}" for name in open_endpoints)


def principal() -> Principal:
    """Who signed in for this request (set by the token check)."""
    found: Principal = g.principal
    return found


def _api() -> Any:
    return current_app.extensions["antrian"]


def authenticate() -> Response | None:
    if request.endpoint in _OPEN or isinstance(request.routing_exception, MethodNotAllowed):
        return None  # open, or a method the resource does not have: routing says 405 to anyone
    # A path no route knows still needs a kiosk token, as before: the 404 is not for strangers.
    role = _ROLES.get(request.blueprint or "") if request.blueprint else Role.KIOSK
    if role is None:
        return None
    api = _api()
    who = api.tokens.who_by_header(request.headers.get("Authorization"))
    if who is None:
        return problem(401, "unauthorized", "Missing or unknown bearer token")
    if who.role is not role:
        # The kiosk routes know only kiosk tokens (their document has no 403); the office's
        # routes say plainly that this token is not a supervisor's.
        if role is Role.KIOSK:
            return problem(401, "unauthorized", "Missing or unknown bearer token")
        return problem(403, "forbidden", f"A {who.role.value} token cannot use office operations")
    if role is Role.KIOSK:
        sent = request.headers.get(SITE_KEY_HEADER)
        if sent is not None and not hmac.compare_digest(sent, api.key_fingerprint):
            log.error("kiosk %s is keyed with another site secret: refused", who.name)
            return problem(503, Reason.SECRET_MISMATCH.value, "This kiosk's site.secret is not the server's")
        g.kiosk = who.name
        api.seen[who.name] = api.clock.now()  # for the office: when each kiosk last asked anything
    g.principal = who
    return None


def keep_the_contract() -> Response | None:
    """Every documented operation is checked against the API document before its route runs."""
    api = _api()
    rule = request.url_rule
    if rule is None:
        return None  # routing answers 404/405 itself
    if api.contract is None:
        if request.path == "/v1/health":
            return None
        return problem(503, "internal", NOT_INSTALLED)
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
        request.max_content_length = max(operation.max_body_bytes, api.config.server.max_body_bytes)
    raw = request.get_data(cache=True) if operation.body is not None else b""
    if raw.strip() and request.mimetype != "application/json":
        # A form post or text/plain from another site's page must not pass for a JSON call.
        return problem(
            415,
            "request_invalid",
            "Send the request body as application/json",
            errors=[{"field": "Content-Type", "problem": "must be application/json"}],
        )
    headers = {name.lower(): value for name, value in request.headers.items()}
    checked = api.contract.check(operation, request.view_args or {}, request.args, headers, raw)
    g.body = checked.body if isinstance(checked.body, dict) else {}
    key = request.headers.get("Idempotency-Key")
    if key and any(p.location == "header" and p.name.lower() == "idempotency-key" for p in operation.parameters):
        g.key = key
        digest = hashlib.sha256(f"{request.method} {request.path}\n{checked.canonical}".encode()).hexdigest()
        who: Principal | None = getattr(g, "principal", None)
        owner = "" if who is None else who.name if who.role is Role.KIOSK else f"{who.role.value}:{who.name}"
        if not api.ledger.claim_key(f"{owner}:{key}", digest):
            return problem(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used for another request; send a new key",
            )
    return None


def body() -> dict[str, Any]:
    """The request body, already checked against the API document by ``keep_the_contract``."""
    checked: dict[str, Any] = g.body
    return checked


def kiosk_error(error: KioskError) -> Response:
    return of_error(error, error.reason.value)


def violation(error: Violation) -> Response:
    extra: dict[str, Any] = {"errors": error.errors}
    if error.params or error.code != "request_invalid":
        extra["params"] = error.params
    return problem(error.status, error.code, error.title, **extra)


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    answer = problem(status, HTTP_CODES.get(status, "request_invalid"), error.name)
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:  # RFC 9110: a 405 names the methods the resource has
        answer.headers["Allow"] = ", ".join(sorted(allowed))
    return answer


def unexpected(error: Exception) -> Response:
    log.exception("unexpected %s on %s %s", type(error).__name__, request.method, request.path)
    return problem(500, "internal", "Internal server error")


def init_app(app: Flask) -> None:
    app.before_request(authenticate)
    app.before_request(keep_the_contract)
    app.register_error_handler(KioskError, kiosk_error)
    app.register_error_handler(Violation, violation)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)
