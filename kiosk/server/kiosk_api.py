"""The kiosks' routes of the API (kiosk/server/openapi.yaml), as one blueprint.

Every route but health and the document needs a kiosk token (``guard.requires``); its body is
already checked against the API document. Routes parse and serialise; ``BookingService`` does
the rest.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from kiosk.backends.kiosk_health import HealthReport
from kiosk.core import rules, wire
from kiosk.core.errors import BadInput, Reason
from kiosk.core.model import Priority
from kiosk.core.office import notice_to_dict
from kiosk.server import guard
from kiosk.server.answers import problem
from kiosk.server.service import BookingService
from kiosk.server.tokens import Role
from kiosk.server.validate import offline_tickets

blueprint = Blueprint("kiosk_api", __name__, url_prefix="/v1")
guard.requires(blueprint, Role.KIOSK, open_endpoints=("health", "openapi"))


def _api() -> Any:
    return current_app.extensions["antrian"]


def _service() -> BookingService:
    service: BookingService = _api().service
    return service


def _today() -> date:
    return _service().today()


@blueprint.get("/health")
def health() -> Any:
    api = _api()
    return {"status": "ok", "site": api.config.site.code, "time": api.clock.now().isoformat()}


@blueprint.post("/kiosks/health")
def kiosk_health() -> Any:
    """Keep this kiosk's latest report (in the day book: ``/office`` shows it, also after a restart)."""
    api = _api()
    body = guard.body()
    report = HealthReport(str(body["printer"]), int(body["unsynced"]), str(body["time"])[:40], api.clock.now())
    api.kiosk_health.record(g.kiosk, report)
    return Response(status=204)


@blueprint.get("/openapi.json")
def openapi() -> Any:
    spec = _api().spec
    if spec is None:
        return problem(503, "internal", guard.NOT_INSTALLED)
    return spec


@blueprint.get("/quotas")
def quotas() -> Any:
    items = _service().quotas(g.kiosk)
    notice = notice_to_dict(_service().notice(g.kiosk))
    return {"day": _today().isoformat(), "services": [wire.quota_to_dict(q) for q in items], "notice": notice}


@blueprint.post("/bookings/search")
def search() -> Any:
    found = _service().bookings_by_nik(g.kiosk, str(guard.body()["nik_hash"]))
    return {"bookings": [wire.booking_to_dict(b) for b in found]}


@blueprint.get("/bookings/<code>")
def booking(code: str) -> Any:
    return wire.booking_to_dict(_service().booking(g.kiosk, code))


@blueprint.get("/mirror")
def mirror() -> Any:
    day, bookings, quotas, referred = _service().mirror(g.kiosk)
    return {
        "day": day.isoformat(),
        "bookings": [wire.booking_to_mirror_dict(b) for b in bookings],
        "quotas": [wire.quota_to_dict(q) for q in quotas],
        "referred": sorted(referred),
    }


@blueprint.post("/check-ins")
def check_in() -> Any:
    return wire.ticket_to_dict(_service().check_in(g.kiosk, g.key, str(guard.body()["code"]))), 201


@blueprint.post("/walk-ins")
def walk_in() -> Any:
    data = guard.body()
    service_code, nik_hash, nik_masked = data["service_code"], data["nik_hash"], data["nik_masked"]
    priority = data.get("priority")
    ticket = _service().walk_in(
        g.kiosk,
        g.key,
        str(service_code),
        str(nik_hash),
        str(nik_masked),
        Priority(priority) if priority else None,
    )
    return wire.ticket_to_dict(ticket), 201


@blueprint.get("/tickets")
def tickets() -> Any:
    day = rules.parse_day(request.args.get("day", _today().isoformat()))
    return {"day": day.isoformat(), "tickets": [wire.ticket_to_dict(t) for t in _service().tickets(g.kiosk, day)]}


@blueprint.get("/tickets/<day>/<number>")
def ticket(day: str, number: str) -> Any:
    return wire.ticket_to_dict(_service().ticket(g.kiosk, rules.parse_day(day), number[:10]))


def _ticket_id(raw: str) -> str:
    if _api().ledger.is_held(raw):  # a leased number nobody holds yet is nobody's ticket
        raise BadInput(Reason.TICKET_UNKNOWN)
    return raw


@blueprint.post("/tickets/<ticket_id>/reprints")
def reprint(ticket_id: str) -> Any:
    ticket_id = _ticket_id(ticket_id)
    limit = guard.body().get("limit")
    done = _service().reprint(g.kiosk, g.key, ticket_id, limit)
    if isinstance(done, dict):
        return done  # the answer this key already got
    answer = wire.ticket_to_dict(done)
    _service().remember_reply(g.kiosk, g.key, answer)
    return answer


@blueprint.post("/tickets/<ticket_id>/printed")
def printed(ticket_id: str) -> Any:
    ticket_id = _ticket_id(ticket_id)
    _service().mark_printed(g.kiosk, ticket_id, bool(guard.body()["printed"]))
    return Response(status=204)


@blueprint.get("/reports/<day>")
def report(day: str) -> Any:
    return wire.report_to_dict(_service().report(g.kiosk, rules.parse_day(day)))


@blueprint.post("/leases")
def lease() -> Any:
    service_code, size = guard.body()["service_code"], guard.body()["size"]
    numbers = _service().lease(g.kiosk, g.key, str(service_code), int(size or 1))
    return {
        "service_code": str(service_code).upper(),
        "numbers": [
            {"ticket_id": n.ticket_id, "day": n.day.isoformat(), "seq": n.seq, "number": n.number, "state": n.state}
            for n in numbers
        ],
    }, 201


@blueprint.post("/sync")
def sync() -> Any:
    data = guard.body()
    used = offline_tickets(data.get("used", []))
    released = [str(t) for t in data.get("released", [])]
    voids = [str(k) for k in data.get("voids", [])]
    marks = [(str(m["ticket_id"]), bool(m["printed"])) for m in data.get("printed", [])]
    outcome, held = _service().sync(g.kiosk, used, released, voids, marks)
    return {
        "used": outcome.used,
        "released": outcome.released,
        "voided": outcome.voided,
        "conflicts": outcome.conflicts,
        "unknown": outcome.unknown,
        "held": [
            {"ticket_id": n.ticket_id, "service_code": n.service_code, "seq": n.seq, "number": n.number} for n in held
        ],
    }
