"""Plain-data forms of the domain objects, for ``--json`` output and the HTTP API.

Bookings travel with their masked NIK only; the keyed hash never leaves the backend.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from kiosk.core.model import (
    AuditEntry,
    Booking,
    BookingStatus,
    DailyReport,
    IssueResult,
    Priority,
    ReportRow,
    Service,
    ServiceQuota,
    Ticket,
    TicketKind,
)

# The site secret's fingerprint (kiosk.backends.secret.fingerprint), never the secret: an http kiosk
# sends it with every call, and a server keyed with another secret refuses with secret_mismatch.
SITE_KEY_HEADER = "X-Antrian-Site-Key"


def ticket_to_dict(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service_code": ticket.service_code,
        "service_name": ticket.service_name,
        "day": ticket.day.isoformat(),
        "seq": ticket.seq,
        "kind": ticket.kind.value,
        "issued_at": ticket.issued_at.isoformat(),
        "holder": ticket.holder,
        "priority": ticket.priority.value if ticket.priority else None,
        "booking_code": ticket.booking_code,
        "people_ahead": ticket.people_ahead,
        "wait_minutes": ticket.wait_minutes,
        "kiosk_id": ticket.kiosk_id,
        "printed": ticket.printed,
        "reprints": ticket.reprints,
        "documents": list(ticket.documents),
    }


def ticket_from_dict(data: dict[str, Any]) -> Ticket:
    """Inverse of ``ticket_to_dict``; raises KeyError/ValueError/TypeError on a wrong shape."""
    priority = data.get("priority")
    return Ticket(
        id=str(data["id"]),
        number=str(data["number"]),
        service_code=str(data["service_code"]),
        service_name=str(data["service_name"]),
        day=date.fromisoformat(data["day"]),
        seq=int(data["seq"]),
        kind=TicketKind(data["kind"]),
        issued_at=datetime.fromisoformat(data["issued_at"]),
        holder=str(data["holder"]),
        priority=Priority(priority) if priority else None,
        booking_code=data.get("booking_code"),
        people_ahead=int(data.get("people_ahead", 0)),
        wait_minutes=int(data.get("wait_minutes", 0)),
        kiosk_id=str(data.get("kiosk_id", "")),
        printed=bool(data.get("printed", False)),
        reprints=int(data.get("reprints", 0)),
        documents=tuple(str(d) for d in data.get("documents", ())),
    )


def booking_to_dict(booking: Booking) -> dict[str, Any]:
    return {
        "code": booking.code,
        "nik_masked": booking.nik_masked,
        "name": booking.name,
        "service_code": booking.service_code,
        "day": booking.day.isoformat(),
        "slot": booking.slot.strftime("%H:%M"),
        "site": booking.site,
        "status": booking.status.value,
        "ticket_number": booking.ticket_number,
    }


def booking_from_dict(data: dict[str, Any], nik_hash: str = "") -> Booking:
    return Booking(
        code=str(data["code"]),
        nik_hash=nik_hash,
        nik_masked=str(data["nik_masked"]),
        name=str(data["name"]),
        service_code=str(data["service_code"]),
        day=date.fromisoformat(data["day"]),
        slot=time.fromisoformat(data["slot"]),
        site=str(data["site"]),
        status=BookingStatus(data["status"]),
        ticket_number=data.get("ticket_number"),
    )


def booking_to_mirror_dict(booking: Booking) -> dict[str, Any]:
    """A booking with its keyed NIK hash: only for the offline mirror between kiosk and server."""
    return {**booking_to_dict(booking), "nik_hash": booking.nik_hash}


def quota_to_dict(quota: ServiceQuota) -> dict[str, Any]:
    s = quota.service
    return {
        "code": s.code,
        "prefix": s.prefix,
        "name": s.name,
        "daily_quota": s.daily_quota,
        "walk_in": s.walk_in,
        "bookings_valid": quota.bookings_valid,
        "walk_ins_issued": quota.walk_ins_issued,
        "checked_in": quota.checked_in,
        "remaining": quota.remaining,
        "closed_reason": quota.closed_reason,
    }


def quota_from_dict(data: dict[str, Any], service: Service | None = None) -> ServiceQuota:
    """Inverse of ``quota_to_dict``; ``service`` (the kiosk's own configuration) wins if given,
    but for today's quota, which the office may have changed on the server."""
    if service is None:
        service = Service(
            code=str(data["code"]),
            prefix=str(data["prefix"]),
            name=str(data["name"]),
            daily_quota=int(data["daily_quota"]),
            walk_in=bool(data["walk_in"]),
        )
    elif int(data["daily_quota"]) != service.daily_quota:
        service = replace(service, daily_quota=int(data["daily_quota"]))  # the office changed today's quota
    closed = data.get("closed_reason")
    return ServiceQuota(
        service=service,
        bookings_valid=int(data["bookings_valid"]),
        walk_ins_issued=int(data["walk_ins_issued"]),
        checked_in=int(data.get("checked_in", 0)),
        closed_reason=str(closed) if closed is not None else None,
    )


def report_from_dict(data: dict[str, Any]) -> DailyReport:
    rows = tuple(
        ReportRow(
            service_code=str(r["service_code"]),
            service_name=str(r["service_name"]),
            bookings=int(r["bookings"]),
            check_ins=int(r["check_ins"]),
            walk_ins=int(r["walk_ins"]),
            no_shows=int(r["no_shows"]),
            priority=int(r["priority"]),
            served=int(r.get("served", 0)),
            absent=int(r.get("absent", 0)),
            median_wait_minutes=_minutes(r.get("median_wait_minutes")),
            median_service_minutes=_minutes(r.get("median_service_minutes")),
            ratings=int(r.get("ratings", 0)),
            satisfaction_index=_minutes(r.get("satisfaction_index")),
            satisfaction_grade=None if r.get("satisfaction_grade") is None else str(r["satisfaction_grade"]),
        )
        for r in data["rows"]
    )
    actions = tuple(
        AuditEntry(
            datetime.fromisoformat(str(a["at"])),
            str(a["who"]),
            str(a["action"]),
            str(a["target"]),
            str(a.get("detail") or ""),
            str(a.get("why") or ""),
        )
        for a in data.get("office_actions") or ()
    )
    return DailyReport(date.fromisoformat(data["day"]), str(data["site"]), rows, office_actions=actions)


def _minutes(value: Any) -> float | None:
    return None if value is None else float(value)


def report_to_dict(report: DailyReport) -> dict[str, Any]:
    return {
        "day": report.day.isoformat(),
        "site": report.site,
        "rows": [
            {
                "service_code": r.service_code,
                "service_name": r.service_name,
                "bookings": r.bookings,
                "check_ins": r.check_ins,
                "walk_ins": r.walk_ins,
                "no_shows": r.no_shows,
                "priority": r.priority,
                "served": r.served,
                "absent": r.absent,
                "median_wait_minutes": r.median_wait_minutes,
                "median_service_minutes": r.median_service_minutes,
                "ratings": r.ratings,
                "satisfaction_index": r.satisfaction_index,
                "satisfaction_grade": r.satisfaction_grade,
            }
            for r in report.rows
        ],
        "office_actions": [
            {
                "at": a.at.isoformat(),
                "who": a.who,
                "action": a.action,
                "target": a.target,
                "detail": a.detail,
                "why": a.why,
            }
            for a in report.office_actions
        ],
    }


def result_to_dict(result: IssueResult) -> dict[str, Any]:
    return {"ticket": ticket_to_dict(result.ticket), "printed": result.printed, "print_problem": result.print_problem}
