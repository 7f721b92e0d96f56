"""One table from each domain ``Reason`` to its error family, HTTP status and problem type.

The server answers a ``KioskError`` with ``status_of`` and ``PROBLEM_TYPE + reason``; the HTTP
clients (the kiosk's ``HttpBackend``, the counter's ``HttpCalls``) turn a problem answer back into
the same error with ``error_from``, so a screen says the same thing on a local day book and
through the API. Pure data: no Flask, no requests.
"""

from __future__ import annotations

from typing import Any

from kiosk.core.errors import BadInput, KioskError, Reason, Refusal, SystemFault
from kiosk.core.privacy import looks_like_nik

PROBLEM_TYPE = "tag:antrian.disdukcapil.magetan,2026:problem/"

_BAD_INPUT = frozenset(
    {
        Reason.NIK_EMPTY,
        Reason.NIK_NOT_DIGITS,
        Reason.NIK_LENGTH,
        Reason.NIK_BIRTH_DATE,
        Reason.NIK_REGION,
        Reason.NIK_SERIAL,
        Reason.CODE_INVALID,
        Reason.SERVICE_UNKNOWN,
        Reason.PRIORITY_UNKNOWN,
        Reason.DATE_INVALID,
        Reason.TICKET_UNKNOWN,
        Reason.COUNTER_UNKNOWN,
        Reason.CALL_UNKNOWN,
        Reason.NOTICE_TOO_LONG,
    }
)
_FAULTS = frozenset(
    {
        Reason.DATABASE_FAULT,
        Reason.BACKEND_UNREACHABLE,
        Reason.BACKEND_FAULT,
        Reason.PRINTER_FAULT,
        Reason.PRINTER_HOLDS_TICKET,
        Reason.CONFIG_INVALID,
        Reason.SECRET_MISSING,
        Reason.SECRET_MISMATCH,
        Reason.COUNTER_TOKEN_REFUSED,
        Reason.UNEXPECTED,
    }
)
# Things looked up that are not there: 404 whatever their family.
_NOT_FOUND = frozenset({Reason.BOOKING_NOT_FOUND, Reason.TICKET_UNKNOWN, Reason.COUNTER_UNKNOWN, Reason.CALL_UNKNOWN})
_BY_VALUE = {r.value: r for r in Reason}


def family(reason: Reason) -> type[KioskError]:
    """The error class a reason is raised with: every raise site and every client agree on it."""
    if reason in _BAD_INPUT:
        return BadInput
    if reason in _FAULTS:
        return SystemFault
    return Refusal


def status(reason: Reason) -> int:
    """The HTTP status of a reason: 404 not found, 422 bad input, 409 refused by a rule, 503 fault."""
    if reason in _NOT_FOUND:
        return 404
    kind = family(reason)
    if kind is BadInput:
        return 422
    if kind is Refusal:
        return 409
    return 503


def status_of(error: KioskError) -> int:
    return status(error.reason)


def problem_type(code: str) -> str:
    return PROBLEM_TYPE + code


def safe_params(error: KioskError) -> dict[str, Any]:
    """What a client needs for its message; a fault's details (paths, errno) stay on the server."""
    if isinstance(error, SystemFault):
        return {}
    safe = {k: v if isinstance(v, (int, str)) else str(v) for k, v in error.params.items()}
    # Whatever a rule put there, a value that could be a NIK never goes back over the wire.
    return {k: v for k, v in safe.items() if not (isinstance(v, str) and looks_like_nik(v))}


def reason_of(code: object) -> Reason | None:
    return _BY_VALUE.get(code) if isinstance(code, str) else None


def error_from(http_status: int, code: object, params: dict[str, Any]) -> KioskError | None:
    """The domain error a problem answer stands for, or None when it is no domain reason the
    server gives for this status (the client then reports a fault of its own).

    A reason about the link itself (``backend_unreachable``, ``backend_fault``) never comes back
    as such: only this side knows whether the server could be reached.
    """
    reason = reason_of(code)
    if reason is None or reason in (Reason.BACKEND_UNREACHABLE, Reason.BACKEND_FAULT):
        return None
    if http_status != status(reason) and not (http_status == 400 and family(reason) is BadInput):
        return None
    return family(reason)(reason, **params)
