"""The HTTP booking backend: the office's booking API (kiosk/server/openapi.yaml), with an offline mirror.

One ``requests.Session`` with connect and read timeouts and TLS verification. Retries only
where they are safe: GETs, and POSTs, which always carry an ``Idempotency-Key`` so a repeat
gives the same answer. Problem documents come back as the same ``BadInput``/``Refusal``/
``SystemFault`` (same ``Reason``) the local day book raises, so the screen says the same thing.

With the server unreachable, check-ins of mirrored bookings and walk-ins are issued from the
numbers leased in advance (``OfflineStore``) and synced when the server answers again. Log
lines name the method, path template and status only: never a token, a NIK or its hash.
"""

from __future__ import annotations

import json
import logging
import threading
import time as monotonic_time
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kiosk.backends.api_client import api_session, read_problem, read_token, transport_failure
from kiosk.backends.offline import OfflineStore
from kiosk.backends.offline_sync import OfflineMixin
from kiosk.core import problems, wire
from kiosk.core.clock import WIB, Clock, SystemClock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, KioskError, Reason, Refusal, SystemFault
from kiosk.core.model import Booking, DailyReport, NikTickets, ServiceQuota, Ticket, WalkInRequest
from kiosk.core.office import Notice, notice_from_dict
from kiosk.core.ports import BackendStatus  # the port's type; kept importable from here

if TYPE_CHECKING:
    import requests

# requests and urllib3 (some 40 ms of a kiosk's cold start) are imported by the first call, on the
# status thread after the first frame; each function below that needs them imports them itself.

log = logging.getLogger(__name__)

RETRY_OFFLINE_AFTER_S = 5.0
# Failures after which the server may have committed a POST whose answer never came back.
IN_DOUBT = frozenset(
    {"timeout", "dropped", "connection", "request"}
)  # while offline, ask the server again at most this often


class HttpBackend(OfflineMixin):
    """``BookingBackend`` over the booking API, serving from leased numbers while offline."""

    def __init__(
        self, config: Config, store: OfflineStore | None = None, auto_sync: bool = True, clock: Clock | None = None
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()  # only for "is it closing time?": the server's clock rules
        self.base = config.backend.url.rstrip("/")
        self.timeout = (config.backend.connect_timeout_s, config.backend.read_timeout_s)
        backend = config.backend
        # at once: a missing token is a config fault at start
        self._token = read_token(backend.token_file, backend.token_env, Reason.CONFIG_INVALID, "backend.token_file")
        self._session: requests.Session | None = None  # built by the first call (see ``session``)
        self._session_lock = threading.Lock()
        self._site_key: str | None = None
        self.store = store or OfflineStore(config.backend.path)
        self.online = True  # until a call says otherwise
        self.latency_ms: float | None = None
        self.last_error: str | None = None
        self.last_sync: datetime | None = None
        self._failed_at = 0.0
        self._synced_at = 0.0
        self.auto_sync = auto_sync
        self._sync_lock = threading.RLock()  # held by a sync, and by an online issue (see issue_walk_in)
        self._sync_running = False
        self._notice: tuple[str, Notice | None] = ("", None)  # (day, notice) of the last quotas answer

    # -- transport ------------------------------------------------------------------------

    @property
    def session(self) -> requests.Session:
        """The API session, built on first use: ``kiosk run`` makes its first call on the status
        thread after the first frame, so requests is not imported before the window shows."""
        session = self._session
        if session is not None:
            return session
        with self._session_lock:
            if self._session is None:
                agent = f"antrian-kiosk/{self.config.site.kiosk_id}"
                session = api_session(self.config, self._token, agent)
                if self._site_key is not None:
                    session.headers[wire.SITE_KEY_HEADER] = self._site_key
                self._session = session
            return self._session

    def use_site_key(self, fingerprint: str) -> None:
        """Send the site secret's fingerprint with every call: a server keyed with another secret
        refuses (``secret_mismatch``) instead of matching no NIK and resetting every cap."""
        with self._session_lock:
            self._site_key = fingerprint
            if self._session is not None:
                self._session.headers[wire.SITE_KEY_HEADER] = fingerprint

    def status(self) -> BackendStatus:
        return BackendStatus(
            online=self.online,
            latency_ms=self.latency_ms,
            last_error=self.last_error,
            last_sync=self.last_sync,
            unsynced=self.store.unsynced_count(),
            leased_free=self.store.free(),
            conflicts=self.store.conflicts(self.clock.now().astimezone(WIB).date()),
        )

    def report_health(self, printer_state: str, now: datetime) -> None:
        """``POST /v1/kiosks/health``: the office's page shows it. Best effort: an offline server
        hears from the kiosk at its next report."""
        body = {"printer": printer_state, "unsynced": self.store.unsynced_count(), "time": now.isoformat()}
        try:
            self._call("POST", "/kiosks/health", "/kiosks/health", body)
        except KioskError as exc:
            log.info("health report not sent: %s", exc.reason.value)

    def _call(self, method: str, path: str, template: str, body: Any = None, key: str | None = None) -> Any:
        """One API call: the parsed JSON answer, or the error the person's screen can explain."""
        if not self.online and monotonic_time.monotonic() - self._failed_at < RETRY_OFFLINE_AFTER_S:
            raise SystemFault(Reason.BACKEND_UNREACHABLE, detail="offline")
        import uuid

        import requests
        from urllib3 import exceptions as urllib3_exc

        headers = {"Idempotency-Key": key or str(uuid.uuid4())} if method == "POST" else {}
        started = monotonic_time.perf_counter()
        try:
            response = self.session.request(
                method, self.base + path, json=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except requests.exceptions.RequestException as exc:
            kind, what = transport_failure(exc, self.timeout)
            self._went_offline(f"{method} {template}: {what}")
            raise SystemFault(Reason.BACKEND_UNREACHABLE, detail=kind) from None
        except (OSError, urllib3_exc.HTTPError) as exc:  # what slips past requests' wrapping
            self._went_offline(f"{method} {template}: {type(exc).__name__}")
            raise SystemFault(Reason.BACKEND_UNREACHABLE, detail="request") from None
        self.latency_ms = (monotonic_time.perf_counter() - started) * 1000
        was_offline = not self.online
        self.online = True
        if was_offline:
            log.warning("booking server answers again (%s %s, %.0f ms)", method, template, self.latency_ms)
        if response.status_code >= 400:
            raise self._problem(response, method, template)
        if response.status_code == 204:
            data = None
        else:
            try:
                data = response.json()
            except ValueError:
                self.last_error = f"{method} {template}: answer is not JSON"
                log.error("%s", self.last_error)
                raise SystemFault(Reason.BACKEND_FAULT, detail="malformed") from None
        self.last_error = None
        self._maybe_sync(force=was_offline)
        return data

    def _went_offline(self, message: str) -> None:
        if self.online:
            log.warning("booking server unreachable, serving offline: %s", message)
        self.online = False
        self.last_error = message
        self._failed_at = monotonic_time.monotonic()

    def _problem(self, response: requests.Response, method: str, template: str) -> KioskError:
        _reason, code, params = read_problem(response)
        status = response.status_code
        error = problems.error_from(status, code, params)
        if error is not None:
            if isinstance(error, SystemFault):
                self.last_error = f"{method} {template}: {status} {error.reason.value}"
                log.error("booking server fault: %s", self.last_error)
            return error
        self.last_error = f"{method} {template}: HTTP {status} {str(code or '')[:40]}".strip()
        if status == 401:
            log.error("booking server refused this kiosk's token: %s", self.last_error)
        else:
            log.error("booking server error: %s", self.last_error)
        return SystemFault(Reason.BACKEND_FAULT, status=status)

    @staticmethod
    def _shape(what: str, func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except (KeyError, ValueError, TypeError, AttributeError):
            log.error("booking server answer has the wrong shape: %s", what)
            raise SystemFault(Reason.BACKEND_FAULT, detail="shape") from None

    def _pushed_before_issue(self) -> bool:
        """Offline work first; False when the server cannot be reached (serve offline then).

        A server that answers the sync with an error must not stop every number at this kiosk:
        the number is asked for online anyway (it can never be a leased one), and the technician
        sees why the offline tickets wait.
        """
        try:
            self.push_before_issue()
        except SystemFault as exc:
            if exc.reason == Reason.BACKEND_UNREACHABLE:
                return False
            log.error("offline tickets not taken by the server (%s); issuing online", exc.reason.value)
        except KioskError as exc:
            self.last_error = f"POST /sync: {exc.reason.value}"
            log.error("offline tickets refused by the server (%s); issuing online", exc.reason.value)
        return True

    # -- looking up -----------------------------------------------------------------------

    def find_booking(self, code: str) -> Booking | None:
        try:
            data = self._call("GET", f"/bookings/{quote(code, safe='')}", "/bookings/{code}")
        except Refusal as exc:
            if exc.reason == Reason.BOOKING_NOT_FOUND:
                return None
            raise
        except BadInput as exc:
            if exc.reason == Reason.CODE_INVALID:
                return None
            raise
        except SystemFault as exc:
            mirrored = self.store.booking(code) if exc.reason == Reason.BACKEND_UNREACHABLE else None
            if mirrored is None:  # not in today's copy: "not found" would be a guess, say what is wrong
                raise
            return mirrored
        booking: Booking = self._shape("booking", wire.booking_from_dict, data)
        return booking

    def find_bookings_by_nik(self, nik_hash: str) -> list[Booking]:
        try:
            data = self._call("POST", "/bookings/search", "/bookings/search", {"nik_hash": nik_hash})
        except SystemFault as exc:
            mirrored = self.store.bookings_by_nik(nik_hash) if exc.reason == Reason.BACKEND_UNREACHABLE else []
            if not mirrored:
                raise
            return mirrored
        return self._shape("bookings", lambda d: [wire.booking_from_dict(b, nik_hash) for b in d["bookings"]], data)  # type: ignore[no-any-return]

    def quotas(self, now: datetime) -> list[ServiceQuota]:
        try:
            data = self._call("GET", "/quotas", "/quotas")
            items = self._shape("quotas", lambda d: list(d["services"]), data)
            self._notice = (str(data.get("day", "")), notice_from_dict(data.get("notice")))
        except SystemFault as exc:
            if exc.reason != Reason.BACKEND_UNREACHABLE:
                raise
            return self._offline_quotas(now)
        return self._shape("quotas", lambda: [wire.quota_from_dict(q, self.config.service(q["code"])) for q in items])  # type: ignore[no-any-return]

    def notice(self, now: datetime) -> Notice | None:
        """The notice of the last quotas answer, while it is of today and not expired: an offline
        kiosk keeps showing what it last knew, and an expiry needs no server."""
        day, notice = self._notice
        now = now.astimezone(WIB)
        if notice is None or day != now.date().isoformat():
            return None
        return notice if notice.shown_at(now) else None

    # -- issuing --------------------------------------------------------------------------

    def check_in(self, code: str, now: datetime, idempotency_key: str) -> Ticket:
        replayed = self.store.by_key(idempotency_key)
        if replayed is not None:
            return replayed
        with self._sync_lock:
            return self._check_in(code, now, idempotency_key)

    def _check_in(self, code: str, now: datetime, idempotency_key: str) -> Ticket:
        if not self._pushed_before_issue():
            return self._offline_check_in(code, now, idempotency_key)
        try:
            data = self._call("POST", "/check-ins", "/check-ins", {"code": code}, idempotency_key)
        except SystemFault as exc:
            if exc.reason != Reason.BACKEND_UNREACHABLE:
                raise
            if exc.params.get("detail") in IN_DOUBT:
                self.store.pending("void", idempotency_key)  # the server may have committed: undo at sync
            return self._offline_check_in(code, now, idempotency_key)
        except Refusal as exc:
            if exc.reason != Reason.QUOTA_FULL:
                raise
            return self._lease_at_quota_end(lambda: self._offline_check_in(code, now, idempotency_key, True), exc)
        ticket: Ticket = self._shape("ticket", wire.ticket_from_dict, data)
        # With the booking's NIK hash (from the mirror): offline, the per-NIK caps count this
        # ticket. A booking not mirrored yet is counted through the mirror after the next sync.
        mirrored = self.store.booking(code)
        holder_hash = mirrored.nik_hash if mirrored is not None else None
        self.store.remember(ticket, holder_hash, idempotency_key)  # and the void of an earlier attempt in doubt
        self.store.checked_in(code, ticket.number)
        return ticket

    def issue_walk_in(self, request: WalkInRequest) -> Ticket:
        replayed = self.store.by_key(request.idempotency_key)
        if replayed is not None:
            return replayed
        # No sync may run between pushing the offline work and this request: a void it carries
        # (this key, from an earlier attempt in doubt) must reach the server before, never after.
        with self._sync_lock:
            return self._issue_walk_in(request)

    def _issue_walk_in(self, request: WalkInRequest) -> Ticket:
        body = {
            "service_code": request.service_code,
            "nik_hash": request.nik_hash,
            "nik_masked": request.nik_masked,
            "priority": request.priority.value if request.priority else None,
        }
        key = request.idempotency_key
        if not self._pushed_before_issue():
            return self._from_lease(request, SystemFault(Reason.BACKEND_UNREACHABLE, detail="offline"))
        try:
            data = self._call("POST", "/walk-ins", "/walk-ins", body, key)
        except SystemFault as exc:
            if exc.reason != Reason.BACKEND_UNREACHABLE:
                raise
            if exc.params.get("detail") in IN_DOUBT:
                self.store.pending("void", key)
            return self._from_lease(request, exc)
        except Refusal as exc:
            # The server refuses for quota only after the per-NIK caps passed; the last slots of the
            # day may be this kiosk's leased numbers, which only this kiosk hands out.
            if exc.reason != Reason.QUOTA_FULL:
                raise
            full: Refusal = exc
            return self._lease_at_quota_end(lambda: self._from_lease(request, full, judged_online=True), full)
        ticket: Ticket = self._shape("ticket", wire.ticket_from_dict, data)
        self.store.remember(ticket, request.nik_hash, key)  # and the void of an earlier attempt in doubt
        return ticket

    def nik_ticket_counts(self, nik_hash: str, service_code: str, now: datetime) -> NikTickets:
        """What this kiosk knows (its own tickets, the mirror's check-ins); the server counts every kiosk's."""
        return self.store.counts_for(nik_hash, service_code, now.astimezone(WIB).date())

    def sent_to_desk(self, nik_hash: str, now: datetime) -> bool:
        """As of the last mirror: the server refuses a person listed since (and sync lists a
        number printed offline for one)."""
        return nik_hash in self.store.referred(now.astimezone(WIB).date())

    def unprinted_ticket(self, nik_hash: str, service_code: str, now: datetime) -> Ticket | None:
        """This kiosk's own ticket for the person and service today that never came out on paper.

        A ticket the server holds but this kiosk never heard of, the server's walk-in route
        answers with instead of refusing.
        """
        day = now.astimezone(WIB).date().isoformat()
        for (body,) in self.store.rows("SELECT body FROM http_tickets WHERE day = ? AND nik_hash = ?", (day, nik_hash)):
            ticket = wire.ticket_from_dict(json.loads(body))
            if ticket.service_code == service_code and not ticket.printed:
                return ticket
        return None

    # -- tickets --------------------------------------------------------------------------

    def find_ticket(self, day: date, number: str) -> Ticket | None:
        number = number.strip().upper()
        local = self.store.find(day, number)
        known = self.store.ticket(local.id) if local is not None else None
        if known is not None and known[1]:
            return known[0]  # issued offline, not yet on the server
        try:
            data = self._call("GET", f"/tickets/{day.isoformat()}/{quote(number, safe='')}", "/tickets/{day}/{number}")
        except BadInput as exc:
            if exc.reason == Reason.TICKET_UNKNOWN:
                return None
            raise
        except SystemFault as exc:
            if exc.reason != Reason.BACKEND_UNREACHABLE:
                raise
            return local
        ticket: Ticket = self._shape("ticket", wire.ticket_from_dict, data)
        return ticket

    def record_reprint(self, ticket_id: str, limit: int | None) -> Ticket:
        """On the server; offline, on this kiosk's copy (offline tickets always: not synced yet)."""
        known = self.store.ticket(ticket_id)
        if known is None or not known[1]:
            try:
                data = self._call("POST", f"/tickets/{ticket_id}/reprints", "/tickets/{id}/reprints", {"limit": limit})
            except SystemFault as exc:
                if exc.reason != Reason.BACKEND_UNREACHABLE or known is None:
                    raise
            else:
                ticket: Ticket = self._shape("ticket", wire.ticket_from_dict, data)
                if known is not None:
                    self.store.update(ticket)  # so that an offline reprint later counts this one
                return ticket
        assert known is not None
        ticket = known[0]
        if limit is not None and ticket.reprints >= limit:
            raise Refusal(Reason.REPRINT_USED, number=ticket.number)
        ticket = replace(ticket, reprints=ticket.reprints + 1)
        self.store.update(ticket)
        return ticket

    def mark_printed(self, ticket_id: str, printed: bool) -> None:
        known = self.store.ticket(ticket_id)
        if known is not None:
            self.store.set_printed_locally(known[0], printed)
            if known[1]:
                return  # travels with the offline ticket at sync
        try:
            self._call("POST", f"/tickets/{ticket_id}/printed", "/tickets/{id}/printed", {"printed": printed})
        except SystemFault as exc:
            if exc.reason != Reason.BACKEND_UNREACHABLE:
                raise
            self.store.pending("printed", ticket_id, int(printed))

    def tickets(self, day: date) -> list[Ticket]:
        try:
            data = self._call("GET", f"/tickets?day={day.isoformat()}", "/tickets")
        except SystemFault as exc:
            if exc.reason != Reason.BACKEND_UNREACHABLE:
                raise
            return self.store.tickets(day)
        online: list[Ticket] = self._shape("tickets", lambda d: [wire.ticket_from_dict(t) for t in d["tickets"]], data)
        known = {t.id for t in online}
        waiting = [t for t in self.store.tickets(day, unsynced_only=True) if t.id not in known]
        return sorted(online + waiting, key=lambda t: (t.issued_at, t.service_code, t.seq))

    def daily_report(self, day: date, now: datetime) -> DailyReport:
        data = self._call("GET", f"/reports/{day.isoformat()}", "/reports/{day}")
        report: DailyReport = self._shape("report", wire.report_from_dict, data)
        return report

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        self.store.close()
