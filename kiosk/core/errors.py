"""Errors are values the UI can explain: one reason code, each mapped to one message.

Three families, which the CLI maps to exit codes and the UI to screens:
- ``BadInput``: what the person typed or the file held is malformed; try again.
- ``Refusal``: the input is fine but a domain rule says no (wrong day, quota full, ...).
- ``SystemFault``: something the person cannot fix (database, backend, printer).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    # bad input
    NIK_EMPTY = "nik_empty"
    NIK_NOT_DIGITS = "nik_not_digits"
    NIK_LENGTH = "nik_length"
    NIK_BIRTH_DATE = "nik_birth_date"
    NIK_REGION = "nik_region"
    NIK_SERIAL = "nik_serial"
    CODE_INVALID = "code_invalid"
    SERVICE_UNKNOWN = "service_unknown"
    PRIORITY_UNKNOWN = "priority_unknown"
    DATE_INVALID = "date_invalid"
    TICKET_UNKNOWN = "ticket_unknown"
    COUNTER_UNKNOWN = "counter_unknown"
    CALL_UNKNOWN = "call_unknown"
    # refusals by rule
    BOOKING_NOT_FOUND = "booking_not_found"
    BOOKING_WRONG_DAY = "booking_wrong_day"
    BOOKING_OTHER_SITE = "booking_other_site"
    BOOKING_CANCELLED = "booking_cancelled"
    ALREADY_CHECKED_IN = "already_checked_in"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    HAS_BOOKING = "has_booking"
    SERVICE_NOT_WALK_IN = "service_not_walk_in"
    QUOTA_FULL = "quota_full"
    ALREADY_HAS_TICKET = "already_has_ticket"
    DAILY_CAP = "daily_cap"
    CLOSED = "closed"
    REPRINT_USED = "reprint_used"
    PRINTER_NOT_READY = "printer_not_ready"
    IMPORT_ON_HTTP_KIOSK = "import_on_http_kiosk"
    PRIORITY_NOT_ELDERLY = "priority_not_elderly"  # elderly priority asked for a NIK under 60
    # refusals at the counters (kiosk.core.calling)
    NOTHING_WAITING = "nothing_waiting"
    COUNTER_BUSY = "counter_busy"
    NO_CURRENT_TICKET = "no_current_ticket"
    CALL_STALE = "call_stale"
    TICKET_FINISHED = "ticket_finished"
    COUNTER_NOT_SERVING = "counter_not_serving"
    TRANSFER_SAME_SERVICE = "transfer_same_service"
    # the office's decisions of the day (kiosk.core.office)
    SERVICE_CLOSED = "service_closed"  # closed for today by the office, with its reason
    COUNTER_PAUSED = "counter_paused"
    QUOTA_BELOW_ISSUED = "quota_below_issued"
    LAST_OPEN_COUNTER = "last_open_counter"  # pausing it leaves a service with no counter: confirm
    NOTICE_TOO_LONG = "notice_too_long"
    REFER_TO_DESK = "refer_to_desk"  # the office listed this NIK for a while: the information desk helps
    TICKET_OTHER_DAY = "ticket_other_day"  # an office action needs a ticket of today
    # faults
    DATABASE_FAULT = "database_fault"
    BACKEND_UNREACHABLE = "backend_unreachable"
    BACKEND_FAULT = "backend_fault"
    PRINTER_FAULT = "printer_fault"
    PRINTER_HOLDS_TICKET = "printer_holds_ticket"  # took the whole ticket, prints it once a fault is cleared
    CONFIG_INVALID = "config_invalid"
    SECRET_MISSING = "secret_missing"
    SECRET_MISMATCH = "secret_mismatch"
    COUNTER_TOKEN_REFUSED = "counter_token_refused"
    UNEXPECTED = "unexpected"  # a bug: the CLI and UI still answer with a message, not a traceback


class KioskError(Exception):
    """Base of every error the kiosk can explain to a person."""

    def __init__(self, reason: Reason, **params: Any) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason.value}, {self.params!r})"

    def __str__(self) -> str:
        # Never include params here: they may hold personal data on their way to a log.
        return self.reason.value


class BadInput(KioskError):
    """The input is malformed; the person can correct it."""


class Refusal(KioskError):
    """The input is fine but a domain rule refuses it."""


class SystemFault(KioskError):
    """Something outside the person's control failed; nothing was issued."""
