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
    KEY_REUSED = "key_reused"  # an idempotency key sent again with another request (kiosk --key)
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
    # the booking website (kiosk.core.booking)
    BOOKING_DAY_CLOSED = "booking_day_closed"  # the office does not open that day
    BOOKING_DAY_NOT_OPEN_YET = "booking_day_not_open_yet"  # booking for that day opens later
    BOOKING_DAY_PAST = "booking_day_past"  # too late to book that day, or beyond the days offered
    BOOKING_DAY_FULL = "booking_day_full"
    BOOKING_SLOT_FULL = "booking_slot_full"
    BOOKING_SLOT_UNKNOWN = "booking_slot_unknown"
    BOOKING_SAME_SERVICE_DAY = "booking_same_service_day"  # one active booking per NIK per service per day
    BOOKING_NIK_CAP = "booking_nik_cap"  # active bookings per NIK over the coming days
    BOOKING_REFUSED = "booking_refused"  # on the office's broker list: said politely, no accusation
    BOOKING_TOO_MANY_ATTEMPTS = "booking_too_many_attempts"
    BOOKING_FORM_EXPIRED = "booking_form_expired"
    BOOKING_FORM_TAMPERED = "booking_form_tampered"
    BOOKING_NOT_CHANGEABLE = "booking_not_changeable"  # checked in, cancelled or its day is past
    BOOKING_NO_MATCH = "booking_no_match"  # code and NIK: never says which of the two is wrong
    # refusals of a satisfaction rating (kiosk.core.satisfaction)
    RATING_INVALID = "rating_invalid"  # not one of the four faces
    RATING_NOT_DONE = "rating_not_done"  # the ticket is not served (yet)
    RATING_OTHER_DAY = "rating_other_day"
    RATING_ALREADY_GIVEN = "rating_already_given"
    NOT_A_NO_SHOW = "not_a_no_show"  # take-back of a ticket that was not called twice without showing
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
    DAYBOOK_DAMAGED = "daybook_damaged"  # quick_check failed or the schema is unreadable: restore, never issue
    DAYBOOK_TAIL_LOST = "daybook_tail_lost"  # numbers told before are missing from the file (a lost -wal)
    CLOCK_BEHIND = "clock_behind"  # the clock is before the last issue (or far from the server's)
    BACKEND_UNREACHABLE = "backend_unreachable"
    BACKEND_FAULT = "backend_fault"
    PRINTER_FAULT = "printer_fault"
    PRINTER_HOLDS_TICKET = "printer_holds_ticket"  # took the whole ticket, prints it once a fault is cleared
    PRINTER_MAYBE_PRINTED = "printer_maybe_printed"  # took the whole ticket, then no answer: it may be out
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
