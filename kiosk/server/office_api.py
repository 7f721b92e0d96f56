"""The office's routes of the API (kiosk/server/openapi.yaml, ``/office/...``), as one blueprint.

Every route needs a supervisor's token (``guard.requires``: kiosk and counter tokens get 403).
Each change goes through ``OfficeDesk`` (the rules and the audit log) and answers with today's
status, so the page or the CLI shows what the office now runs.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, current_app

from kiosk.core.errors import KioskError
from kiosk.core.office import OfficeDesk
from kiosk.messages import explain
from kiosk.server import guard
from kiosk.server.answers import of_error
from kiosk.server.office_page import api_language
from kiosk.server.tokens import Role

blueprint = Blueprint("office_api", __name__, url_prefix="/v1/office")
guard.requires(blueprint, Role.OFFICE)


@blueprint.errorhandler(KioskError)
def kiosk_error(error: KioskError) -> Response:
    """As the counters' routes: a title that says what to do next (the /office page shows it), in the
    language the page asks for (``Accept-Language``; Indonesian when a client asks none)."""
    message = explain(error, api_language())
    return of_error(error, f"{message.title}. {message.hint}", message.hint)


def _desk() -> OfficeDesk:
    desk: OfficeDesk = current_app.extensions["antrian"].office
    return desk


def _who() -> str:
    return guard.principal().name


# A kiosk reports its health with each status poll, every 5 s (kiosk/ui/app.py STATUS_POLL_S).
# Not heard from for 30 s (six polls, so a busy server or one lost report is not "offline"):
# offline, "not seen since", never "fine".
HEALTH_PERIOD = timedelta(seconds=15)
ONLINE_WITHIN = 2 * HEALTH_PERIOD


def _kiosk(api: Any, kiosk: str, now: datetime, health: dict[str, dict[str, Any]]) -> dict[str, Any]:
    report = health.get(kiosk)
    times = [t for t in (api.seen.get(kiosk), report["reported_at"] if report else None) if t is not None]
    last = max(times) if times else None
    return {
        "id": kiosk,
        "last_seen": last.isoformat() if last else None,
        "online": last is not None and now - last <= ONLINE_WITHIN,
        "printer": report["printer"] if report else None,
        "unsynced": report["unsynced"] if report else None,
        "kiosk_time": report["kiosk_time"] if report else None,
        "reported_at": report["reported_at"].isoformat() if report else None,
    }


def _status() -> dict[str, Any]:
    """The desk's status with the kiosks: when each last asked the server (since it started) or
    reported its health (kept in the day book across restarts), and its latest health report.

    Every kiosk of the tokens file is listed, so one that never asked shows as never seen, not as fine.
    """
    api = current_app.extensions["antrian"]
    answer = _desk().status()
    now = api.clock.now()
    health = api.health  # the latest report of each kiosk, from the day book (one read)
    kiosks = sorted(set(api.tokens.names(Role.KIOSK)) | set(api.seen) | set(health))
    answer["kiosks"] = [_kiosk(api, kiosk, now, health) for kiosk in kiosks]
    return answer


@blueprint.get("/status")
def status() -> Any:
    return _status()


@blueprint.post("/services/<service_code>/close")
def close_service(service_code: str) -> Any:
    _desk().close_service(_who(), service_code, str(guard.body()["reason"]))
    return _status()


@blueprint.post("/services/<service_code>/open")
def open_service(service_code: str) -> Any:
    _desk().open_service(_who(), service_code)
    return _status()


@blueprint.post("/services/<service_code>/quota")
def quota(service_code: str) -> Any:
    body = guard.body()
    _desk().set_quota(_who(), service_code, int(body["quota"]), str(body.get("why", "")))
    return _status()


@blueprint.post("/counters/<counter_id>/pause")
def pause(counter_id: str) -> Any:
    body = guard.body()
    _desk().pause(_who(), counter_id, bool(body.get("force", False)), str(body.get("why", "")))
    return _status()


@blueprint.post("/counters/<counter_id>/resume")
def resume(counter_id: str) -> Any:
    _desk().resume(_who(), counter_id)
    return _status()


@blueprint.post("/counters/<counter_id>/services")
def counter_services(counter_id: str) -> Any:
    body = guard.body()
    _desk().set_counter_services(_who(), counter_id, [str(c) for c in body["services"]], str(body.get("why", "")))
    return _status()


@blueprint.post("/notice")
def notice() -> Any:
    body = guard.body()
    until = time.fromisoformat(body["until"]) if body.get("until") else None
    _desk().post_notice(_who(), str(body["text"]), until, str(body.get("text_en", "")), str(body.get("text_jv", "")))
    return _status()


@blueprint.post("/referrals")
def refer_to_desk() -> Any:
    body = guard.body()
    _desk().refer_to_desk(_who(), str(body["ticket"]), int(body["days"]), str(body.get("why", "")))
    return _status()
