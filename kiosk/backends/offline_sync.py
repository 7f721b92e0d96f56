"""The offline half of the HTTP backend: serving from the mirror and leased numbers, and syncing.

Kept apart from the transport so that each file does one thing; ``HttpBackend`` mixes it in.
Leased numbers: the kiosk keeps ``backend.lease_size`` walk-in numbers per service, leased from
the server (each a real ticket there, with no holder yet). Online, the server gives the kiosk's
own leased numbers first; offline, the kiosk prints them itself and reports them at the next
sync. Unused numbers are given back at closing time (the first sync after ``hours.close``, or
``release_leases``): their quota slots return, their numbers stay gaps in the day's sequence.
"""

from __future__ import annotations

import logging
import threading
import time as monotonic_time
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

from kiosk.backends.offline import OfflineStore
from kiosk.core import rules, wire
from kiosk.core.clock import WIB, Clock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, KioskError, Reason, Refusal, SystemFault
from kiosk.core.model import ServiceQuota, Ticket, TicketDraft, TicketKind, WalkInRequest
from kiosk.core.office import DayOverrides
from kiosk.core.ports import SyncSummary

log = logging.getLogger("kiosk.backends.http")

SYNC_EVERY_S = 60.0


class OfflineMixin:
    """Needs from its host: ``config``, ``store``, ``_call`` and ``_shape`` (see ``HttpBackend``)."""

    config: Config
    clock: Clock
    store: OfflineStore
    auto_sync: bool
    last_sync: datetime | None
    _sync_lock: threading.RLock
    _sync_running: bool
    _synced_at: float

    def _call(self, method: str, path: str, template: str, body: Any = None, key: str | None = None) -> Any:
        raise NotImplementedError

    @staticmethod
    def _shape(what: str, func: Any, *args: Any) -> Any:
        raise NotImplementedError

    def _offline_quotas(self, now: datetime) -> list[ServiceQuota]:
        """Offline, a walk-in can only get a leased number: that is what remains."""
        day = now.astimezone(WIB).date()
        free = self.store.free(day)
        mirrored = {q["code"]: q for q in self.store.quotas(day)}
        closed = self._known_overrides(day).closed
        out = []
        for service in self.config.services:
            booked = int(mirrored.get(service.code, {}).get("bookings_valid", 0))
            left = free.get(service.code, 0) if service.walk_in else 0
            issued = max(0, service.daily_quota - booked - left)
            out.append(ServiceQuota(service, booked, issued, closed_reason=closed.get(service.code)))
        return out

    def _known_overrides(self, day: date) -> DayOverrides:
        """The office's changes to ``day`` as the last mirror had them: offline, a kiosk keeps its
        last known state (a service closed then stays closed here, a person sent to the desk is
        sent there), and obeys it with the online rules (``DayOverrides``)."""
        closed = {
            str(q["code"]): str(q["closed_reason"])
            for q in self.store.quotas(day)
            if q.get("closed_reason") is not None
        }
        return DayOverrides(closed=closed, referred=frozenset(self.store.referred(day)))

    def _issued_before(self, service_code: str, day: date) -> int:
        """Tickets of the service the server had issued at the last mirror, without this kiosk's
        own unused leased numbers (nobody holds those); other kiosks' blocks are counted in."""
        mirrored = {q["code"]: q for q in self.store.quotas(day)}.get(service_code)
        if mirrored is None:
            return 0
        issued = int(mirrored.get("walk_ins_issued", 0)) + int(mirrored.get("checked_in", 0))
        return max(0, issued - self.store.free(day).get(service_code, 0))

    def _opening(self, now: datetime) -> datetime:
        """Today's opening time: offline, the counters are assumed to have served since then."""
        local = now.astimezone(WIB)
        return datetime.combine(local.date(), self.config.hours.open, tzinfo=WIB)

    def _offline_check_in(self, code: str, now: datetime, key: str, judged_online: bool = False) -> Ticket:
        """A check-in from a leased number; ``judged_online``: the server already checked the
        office's changes (its refusal was the quota), so the mirror's older ones do not count."""
        booking = self.store.booking(code)
        if booking is None:
            raise SystemFault(Reason.BACKEND_UNREACHABLE, detail="booking not mirrored")
        rules.check_booking(booking, now, self.config)
        service = self.config.service(booking.service_code)
        if service is None:
            raise BadInput(Reason.SERVICE_UNKNOWN, service=booking.service_code)
        if not judged_online:
            known = self._known_overrides(now.astimezone(WIB).date())
            known.check_open(service, self.config)
            known.check_not_referred(booking.nik_hash)
        draft = TicketDraft(
            service=service,
            now=now.astimezone(WIB),
            kind=TicketKind.ONLINE,
            holder=booking.code,
            nik_hash=booking.nik_hash,
            idempotency_key=key,
            booking_code=booking.code,
        )
        ticket = self.store.issue(
            draft, self.config.site.kiosk_id, self._opening(now), self._issued_before(service.code, draft.day)
        )
        if ticket is None:
            raise SystemFault(Reason.BACKEND_UNREACHABLE, detail="no leased number left")
        log.warning("checked in offline as %s (leased)", ticket.number)
        return ticket

    def _from_lease(self, request: WalkInRequest, failure: KioskError, judged_online: bool = False) -> Ticket:
        """A walk-in from a leased number; ``judged_online`` as for ``_offline_check_in``."""
        now = request.now.astimezone(WIB)
        service = self.config.service(request.service_code)
        if service is not None and not judged_online:
            known = self._known_overrides(now.date())
            known.check_open(service, self.config)
            known.check_not_referred(request.nik_hash)
        free = self.store.free(now.date()).get(service.code if service else "", 0)
        if free == 0:
            raise failure  # no leased number: say what really stopped us, not "quota full"
        held = self.store.counts_for(request.nik_hash, service.code if service else "", now.date())
        # As online: the same rule, with the leased numbers left as the quota and the mirror's bookings.
        mirrored = partial(self.store.bookings_by_nik, request.nik_hash)
        draft = rules.walk_in_draft(request, service, self.config, free, held, mirrored)
        ticket = self.store.issue(
            draft, self.config.site.kiosk_id, self._opening(now), self._issued_before(draft.service.code, now.date())
        )
        if ticket is None:
            raise failure
        log.warning("issued walk-in %s from a leased block", ticket.number)
        return ticket

    def _lease_at_quota_end(self, issue: Callable[[], Ticket], refusal: Refusal) -> Ticket:
        """The server's quota is gone but this kiosk holds some of it: hand a leased number out
        and report it at once. Without a free one, the server's refusal stands."""
        try:
            ticket = issue()
        except SystemFault:
            raise refusal from None
        try:
            self.push_before_issue()
        except KioskError as exc:
            log.warning("leased number %s reaches the server at the next sync: %s", ticket.number, exc.reason.value)
        return ticket

    def _maybe_sync(self, force: bool) -> None:
        """Sync on a background thread: when the server is back, and every minute while online."""
        if not self.auto_sync or self._sync_running:
            return
        if not force and monotonic_time.monotonic() - self._synced_at < SYNC_EVERY_S:
            return
        self._synced_at = monotonic_time.monotonic()
        threading.Thread(target=self._sync_quietly, name="antrian-sync", daemon=True).start()

    def _sync_quietly(self) -> None:
        try:
            self.sync()
        except KioskError as exc:
            log.warning("sync with the booking server did not finish: %s", exc.reason.value)

    def sync(self, top_up: bool = True) -> None:
        """Send what was done offline, refresh the mirror, and top the leased blocks up.

        Safe to call at any time and from any thread (one sync at a time); never on the UI thread.
        """
        with self._sync_lock:
            self._sync_running = True
            try:
                self._sync(top_up)
            finally:
                self._sync_running = False

    def sync_now(self) -> SyncSummary:
        """Sync now and say what happened (``kiosk sync``); raises what ``sync`` raises."""
        with self._sync_lock:  # what is counted is what this sync sends
            today = self.clock.now().astimezone(WIB).date()
            payload = self.store.sync_payload()
            listed = set(self.store.conflicts(today))
            self.sync()
            return SyncSummary(
                sent=len(payload["used"]),
                released=len(payload["released"]),
                voided=len(payload["voids"]),
                new_conflicts=tuple(c for c in self.store.conflicts(today) if c not in listed),
                unsynced=self.store.unsynced_count(),
                leased_free=self.store.free(today),
            )

    def _sync(self, top_up: bool) -> None:
        if self.clock.now().astimezone(WIB).time() >= self.config.hours.close:
            self.store.release_free()  # closing time: unused numbers go back, nothing new is leased
            top_up = False
        held = self._push()
        mirror = self._call("GET", "/mirror", "/mirror")
        day: date = self._shape("mirror", lambda d: date.fromisoformat(d["day"]), mirror)
        bookings = self._shape(
            "mirror", lambda d: [wire.booking_from_dict(b, str(b["nik_hash"])) for b in d["bookings"]], mirror
        )
        quotas: list[dict[str, Any]] = self._shape("mirror", lambda d: [dict(q) for q in d["quotas"]], mirror)
        referred: list[str] = self._shape("mirror", lambda d: [str(h) for h in d.get("referred", [])], mirror)
        self.store.replace_mirror(day, bookings, quotas, referred)
        self.store.adopt_leases(held, day)
        free = self.store.free(day)
        for service in self.config.services if top_up else ():
            wanted = self.config.backend.lease_size - free.get(service.code, 0)
            if not service.walk_in or wanted <= 0:
                continue
            try:
                self._call("POST", "/leases", "/leases", {"service_code": service.code, "size": wanted})
            except Refusal as exc:  # closed, quota gone: nothing to lease now
                log.info("no lease for %s: %s", service.code, exc.reason.value)
        if top_up:  # the blocks as the server now has them, whatever answers got lost on the way
            after = self._call("POST", "/sync", "/sync", {})
            self.store.adopt_leases(self._shape("sync", lambda d: list(d["held"]), after), day)
        self.last_sync = datetime.now(WIB)

    def _push(self) -> list[dict[str, Any]]:
        """Send the offline work; the server's objections are kept for the technician, never dropped.

        Returns the numbers the server says this kiosk still holds.
        """
        payload = self.store.sync_payload()
        answer = self._call("POST", "/sync", "/sync", payload)
        held: list[dict[str, Any]] = self._shape("sync", lambda d: list(d["held"]), answer)
        conflicts: list[str] = self._shape("sync", lambda d: [str(n)[:10] for n in d["conflicts"]], answer)
        unknown_ids: set[str] = self._shape("sync", lambda d: {str(i) for i in d["unknown"]}, answer)
        self.store.synced(payload, answer)
        unknown = [str(item["number"]) for item in payload["used"] if item["ticket_id"] in unknown_ids]
        day = self.clock.now().astimezone(WIB).date()
        if conflicts:
            log.error(
                "offline tickets kept by the server with a conflict (booking checked in twice, per-NIK cap "
                "or number already held): %s",
                ", ".join(conflicts),
            )
            self.store.record_conflicts(day, conflicts, "conflict")
        if unknown:
            log.error("offline tickets the server does not know as this kiosk's leased numbers: %s", ", ".join(unknown))
            self.store.record_conflicts(day, unknown, "unknown")
        return held

    def push_before_issue(self) -> None:
        """Offline tickets reach the server before this kiosk asks it for a number online.

        Otherwise the server would judge the per-NIK caps without the numbers printed offline.
        Raises what ``_call`` raises (unreachable: the caller serves offline).
        """
        if self.store.unsynced_count() == 0:
            return
        with self._sync_lock:  # a background sync may be sending the same rows: wait for it
            if self.store.unsynced_count():
                self._push()

    def release_leases(self) -> int:
        """Give unused leased numbers back (closing time, or the kiosk taken out of service)."""
        count = self.store.release_free()
        try:
            self.sync(top_up=False)  # after closing time the server refuses new leases anyway
        except KioskError as exc:
            log.warning("leased numbers will be given back at the next sync: %s", exc.reason.value)
        return count
