"""The office's decisions of the day: closed services, changed quotas, paused counters, a notice.

The config is the default of every day; ``DayOverrides`` is what the office changed for one day
(kept in the day book by ``kiosk.backends.office_book``). The issuing rules read it in their own
transaction (``check_open``, ``effective``), so a change counts at the next number.
``OfficeDesk`` is the service layer every entry point (CLI, API) goes through: it checks a change
against the rules and has it written together with its audit line (who, when, what, why).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from kiosk.core.clock import WIB, Clock
from kiosk.core.config import Config, CounterConfig
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import AuditEntry, Service
from kiosk.core.privacy import without_nik  # a NIK typed into a reason or notice is masked before it is kept
from kiosk.core.record import record

MAX_REFER_DAYS = 90
NOTICE_MAX_CHARS = 120  # what the kiosk's home-screen banner shows on two lines
REASON_MAX_CHARS = 160


@record
class Notice:
    """The office's notice of a day, shown on the kiosk's home screen."""

    text: str
    text_en: str = ""
    text_jv: str = ""
    until: time | None = None  # shown until this time of its day; None: all day

    def shown_at(self, now: datetime) -> bool:
        return self.until is None or now.astimezone(WIB).time() < self.until


@record
class DayOverrides:
    """One day's changes to the config; empty on a new day."""

    closed: Mapping[str, str] = field(default_factory=dict)  # service code -> the reason given
    quotas: Mapping[str, int] = field(default_factory=dict)  # service code -> today's quota
    paused: Mapping[str, str] = field(default_factory=dict)  # counter id -> paused since (ISO time)
    notice: Notice | None = None
    referred: frozenset[str] = frozenset()  # NIK hashes sent to the information desk (broker list)
    services: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # counter id -> today's services

    def counter(self, counter: CounterConfig) -> CounterConfig:
        """The counter as today runs it: the office's services in place of the config's."""
        today = self.services.get(counter.id)
        return counter if today is None else replace(counter, services=today)

    def effective(self, service: Service) -> Service:
        """The service as today runs it: the office's quota in place of the config's."""
        quota = self.quotas.get(service.code)
        return service if quota is None else replace(service, daily_quota=quota)

    def notice_at(self, now: datetime) -> Notice | None:
        """The notice shown at ``now``: None when there is none or it expired."""
        return self.notice if self.notice is not None and self.notice.shown_at(now) else None

    def check_open(self, service: Service, config: Config) -> None:
        """Refuse a number of a service the office closed today, with its reason."""
        reason = self.closed.get(service.code)
        if reason is not None:
            raise Refusal(Reason.SERVICE_CLOSED, service=service.name, why=reason, website=config.site.booking_website)

    def check_not_referred(self, nik_hash: str | None) -> None:
        """A NIK the office listed gets no number at a kiosk; the information desk sees the person."""
        if nik_hash and nik_hash in self.referred:
            raise Refusal(Reason.REFER_TO_DESK)

    def check_can_call(self, counter_id: str) -> None:
        if counter_id in self.paused:
            raise Refusal(Reason.COUNTER_PAUSED, counter=counter_id)


@record
class SyncConflict:
    """An offline ticket a kiosk's sync kept otherwise than printed, for the supervisor to look at.
    Named by its number, service and kiosk; the reasons are codes (kiosk/messages.py SYNC_CONFLICTS).
    Never a NIK nor its hash."""

    day: date
    number: str
    service_code: str
    kiosk_id: str
    reasons: tuple[str, ...]
    synced_at: datetime  # the server's clock when it was first listed


class OfficeStore(Protocol):
    """Where a day's overrides and the audit log live (the day book, or the API)."""

    def overrides(self, day: date) -> DayOverrides: ...

    def issued(self, day: date, service_code: str) -> int:
        """Numbers of this service already issued that day (every kind)."""
        ...

    def change(self, day: date, key: str, value: str | None, entry: AuditEntry) -> None:
        """Set (or, with None, remove) one override and append its audit line, in one transaction."""
        ...

    def audit(self, day: date) -> list[AuditEntry]: ...

    def ticket_holder(self, ticket: str, day: date) -> tuple[date, str, str] | None:
        """(day, number, NIK hash) of a ticket by id, or by number on ``day``; None if unknown or
        held by nobody. The hash goes no further than the store."""
        ...

    def change_days(self, days: list[date], key: str, value: str, entry: AuditEntry) -> None:
        """Set one override on several days and append one audit line, in one transaction."""
        ...

    def waits(self, day: date) -> list[WaitRow]:
        """Each of the day's tickets: its service, when it was issued, when first called (None: not yet)
        and whether it still waits in the line."""
        ...

    def sync_conflicts(self, day: date) -> list[SyncConflict]:
        """The day's offline tickets the server's sync kept otherwise than printed."""
        ...


@record
class WaitRow:
    """One ticket of a day, for the wait figures: when issued, when first called."""

    service: str
    issued_at: datetime
    first_called_at: datetime | None
    waiting: bool  # in the line now (not called, not finished, not voided)


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile (``fraction`` 0.5: the median); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def wait_figures(rows: list[WaitRow], service: str, now: datetime) -> dict[str, Any]:
    """A service's live figures: waiting now, the longest wait now, today's median and p90 wait
    (issued to first call), in whole minutes."""
    mine = [r for r in rows if r.service == service]
    waiting = [r for r in mine if r.waiting]
    waited = [(r.first_called_at - r.issued_at).total_seconds() / 60 for r in mine if r.first_called_at is not None]
    longest = max(((now - r.issued_at).total_seconds() / 60 for r in waiting), default=None)
    median = percentile(waited, 0.5)
    p90 = percentile(waited, 0.9)
    return {
        "waiting": len(waiting),
        "longest_wait_minutes": None if longest is None else max(0, math.floor(longest)),
        "median_wait_minutes": None if median is None else max(0, round(median)),
        "p90_wait_minutes": None if p90 is None else max(0, round(p90)),
        "called_today": len(waited),
    }


class OfficeActions(Protocol):
    """What a supervisor can do: ``OfficeDesk`` here, or ``HttpOffice`` through the API."""

    def close_service(self, who: str, code: str, reason: str) -> None: ...

    def open_service(self, who: str, code: str) -> None: ...

    def set_quota(self, who: str, code: str, quota: int, why: str = "") -> None: ...

    def pause(self, who: str, counter_id: str, force: bool = False, why: str = "") -> None: ...

    def resume(self, who: str, counter_id: str) -> None: ...

    def post_notice(
        self, who: str, text: str, until: time | None = None, text_en: str = "", text_jv: str = ""
    ) -> None: ...

    def refer_to_desk(self, who: str, ticket: str, days: int, why: str = "") -> str: ...

    def set_counter_services(self, who: str, counter_id: str, codes: list[str], why: str = "") -> None: ...

    def status(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class OfficeDesk:
    """What a supervisor can do to today, checked by the rules, each change audited."""

    def __init__(self, config: Config, store: OfficeStore, clock: Clock) -> None:
        self.config = config
        self.store = store
        self.clock = clock

    def _now(self) -> datetime:
        return self.clock.now().astimezone(WIB)

    def _service(self, code: str) -> Service:
        service = self.config.service(code)
        if service is None:
            raise BadInput(Reason.SERVICE_UNKNOWN, service=code[:20])
        return service

    def _counter(self, counter_id: str) -> None:
        if all(c.id != counter_id for c in self.config.counters):
            raise BadInput(Reason.COUNTER_UNKNOWN, counter=counter_id[:20])

    def _change(self, who: str, action: str, target: str, key: str, value: str | None, why: str = "") -> None:
        now = self._now()
        detail = "" if value is None else value
        self.store.change(now.date(), key, value, AuditEntry(now, who, action, target, detail, without_nik(why)))

    def close_service(self, who: str, code: str, reason: str) -> None:
        service = self._service(code)
        reason = without_nik(" ".join(reason.split()).rstrip(". "))[:REASON_MAX_CHARS]
        self._change(who, "close-service", service.code, f"closed:{service.code}", reason, reason)

    def open_service(self, who: str, code: str) -> None:
        service = self._service(code)
        self._change(who, "open-service", service.code, f"closed:{service.code}", None)

    def set_quota(self, who: str, code: str, quota: int, why: str = "") -> None:
        service = self._service(code)
        day = self._now().date()
        issued = self.store.issued(day, service.code)
        if quota < issued:
            raise Refusal(Reason.QUOTA_BELOW_ISSUED, service=service.name, issued=issued)
        self._change(who, "quota", service.code, f"quota:{service.code}", str(quota), why)

    def pause(self, who: str, counter_id: str, force: bool = False, why: str = "") -> None:
        self._counter(counter_id)
        today = self.store.overrides(self._now().date())
        if not force:
            counters = [today.counter(c) for c in self.config.counters]
            for code in next(c.services for c in counters if c.id == counter_id):
                others = [
                    c.id for c in counters if c.id != counter_id and code in c.services and c.id not in today.paused
                ]
                if not others:
                    service = self.config.service(code)
                    raise Refusal(Reason.LAST_OPEN_COUNTER, service=service.name if service else code)
        since = self._now().time().isoformat(timespec="minutes")
        self._change(who, "pause", counter_id, f"paused:{counter_id}", since, why)

    def resume(self, who: str, counter_id: str) -> None:
        self._counter(counter_id)
        self._change(who, "resume", counter_id, f"paused:{counter_id}", None)

    def set_counter_services(self, who: str, counter_id: str, codes: list[str], why: str = "") -> None:
        """The services a counter calls today (the config's again tomorrow)."""
        self._counter(counter_id)
        services = tuple(dict.fromkeys(self._service(code).code for code in codes))
        if not services:
            raise BadInput(Reason.SERVICE_UNKNOWN, service="")
        self._change(who, "counter-services", counter_id, f"services:{counter_id}", ",".join(services), why)

    def post_notice(self, who: str, text: str, until: time | None = None, text_en: str = "", text_jv: str = "") -> None:
        texts = notice_texts(text, text_en, text_jv)
        value = notice_to_text(Notice(texts[0], texts[1], texts[2], until))
        self._change(who, "notice", "kiosk", "notice", value, texts[0])

    def refer_to_desk(self, who: str, ticket: str, days: int, why: str = "") -> str:
        """Put the NIK of one of today's tickets on the broker list for ``days`` days, from
        today; the supervisor names the ticket, never the NIK. Returns the ticket's number."""
        today = self._now().date()
        found = self.store.ticket_holder(ticket, today)
        if found is None:
            raise BadInput(Reason.TICKET_UNKNOWN, number=ticket[:20])
        day, number, nik_hash = found
        if day != today:
            raise Refusal(Reason.TICKET_OTHER_DAY, number=number)
        days = max(1, min(days, MAX_REFER_DAYS))
        now = self._now()
        entry = AuditEntry(now, who, "refer-to-desk", number, f"{days} days", without_nik(why))
        self.store.change_days([today + timedelta(days=d) for d in range(days)], f"referred:{nik_hash}", number, entry)
        return number

    def close(self) -> None:
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    def clear_notice(self, who: str) -> None:
        self._change(who, "notice-cleared", "kiosk", "notice", None)

    def status(self) -> dict[str, Any]:
        """Today as the office runs it, for ``kiosk office status`` and the API."""
        now = self._now()
        today = self.store.overrides(now.date())
        notice = today.notice if today.notice is not None and today.notice.shown_at(now) else None
        waits = self.store.waits(now.date())
        issued = {s.code: self.store.issued(now.date(), s.code) for s in self.config.services}
        return {
            "day": now.date().isoformat(),
            "services": [
                {
                    "code": s.code,
                    "name": s.name,
                    "open": s.code not in today.closed,
                    "closed_reason": today.closed.get(s.code),
                    "quota": today.effective(s).daily_quota,
                    "configured_quota": s.daily_quota,
                    "issued": issued[s.code],
                    "quota_left": max(0, today.effective(s).daily_quota - issued[s.code]),
                    "standard_wait_minutes": s.standard_wait_minutes or None,
                    **wait_figures(waits, s.code, now),
                }
                for s in self.config.services
            ],
            "counters": [
                {
                    "id": c.id,
                    "name": c.name,
                    "paused_since": today.paused.get(c.id),
                    "services": list(today.counter(c).services),
                }
                for c in self.config.counters
            ],
            "notice": None
            if notice is None
            else {
                "text": notice.text,
                "text_en": notice.text_en,
                "text_jv": notice.text_jv,
                "until": notice.until.isoformat(timespec="minutes") if notice.until else None,
            },
            "referred_today": len(today.referred),
            "conflicts": [
                {
                    "number": c.number,
                    "service_code": c.service_code,
                    "kiosk_id": c.kiosk_id,
                    "reasons": list(c.reasons),
                    "synced_at": c.synced_at.isoformat(),
                }
                for c in self.store.sync_conflicts(now.date())
            ],
            "audit": [
                {
                    "at": e.at.isoformat(),
                    "who": e.who,
                    "action": e.action,
                    "target": e.target,
                    "detail": e.detail,
                    "why": e.why,
                }
                for e in self.store.audit(now.date())
            ],
        }


def notice_texts(text: str, text_en: str = "", text_jv: str = "") -> list[str]:
    """The notice's texts as shown (spaces folded); each must fit the kiosk's banner."""
    texts = [without_nik(" ".join(t.split())) for t in (text, text_en, text_jv)]
    longest = max(len(t) for t in texts)
    if not texts[0] or longest > NOTICE_MAX_CHARS:
        raise BadInput(Reason.NOTICE_TOO_LONG, limit=NOTICE_MAX_CHARS, length=longest)
    return texts


def notice_to_text(notice: Notice) -> str:
    import json

    until = notice.until.isoformat(timespec="minutes") if notice.until else None
    return json.dumps({"id": notice.text, "en": notice.text_en, "jv": notice.text_jv, "until": until})


def notice_to_dict(notice: Notice | None) -> dict[str, Any] | None:
    """The notice as the API carries it (GET /v1/quotas, /v1/display, the office status)."""
    if notice is None:
        return None
    until = notice.until.isoformat(timespec="minutes") if notice.until else None
    return {"text": notice.text, "text_en": notice.text_en, "text_jv": notice.text_jv, "until": until}


def notice_from_dict(data: Any) -> Notice | None:
    """The notice from an API answer; None when absent or not a notice."""
    if not isinstance(data, dict) or not data.get("text"):
        return None
    try:
        until = time.fromisoformat(data["until"]) if data.get("until") else None
    except (TypeError, ValueError):
        until = None
    return Notice(str(data["text"]), str(data.get("text_en") or ""), str(data.get("text_jv") or ""), until)


def notice_from_text(text: str) -> Notice | None:
    import json

    try:
        data = json.loads(text)
        until = time.fromisoformat(data["until"]) if data.get("until") else None
        return Notice(str(data["id"]), str(data.get("en") or ""), str(data.get("jv") or ""), until)
    except (ValueError, KeyError, TypeError):
        return None


class OfficeBrokerList:
    """The booking website's broker list (``kiosk.core.ports.BrokerList``): the NIKs the office
    sent to the information desk (``refer_to_desk``), for the days it said. One list, so a NIK
    refused a number at the kiosk is refused a booking too."""

    def __init__(self, store: OfficeStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def is_listed(self, nik_hash: str) -> bool:
        return nik_hash in self.store.overrides(self.clock.now().astimezone(WIB).date()).referred


def overrides_from_rows(rows: list[tuple[str, str]]) -> DayOverrides:
    """A day's overrides from its ``(key, value)`` rows."""
    closed: dict[str, str] = {}
    quotas: dict[str, int] = {}
    paused: dict[str, str] = {}
    referred: set[str] = set()
    services: dict[str, tuple[str, ...]] = {}
    notice: Notice | None = None
    for key, value in rows:
        kind, _, target = key.partition(":")
        if kind == "closed":
            closed[target] = value
        elif kind == "quota" and value.isdigit():
            quotas[target] = int(value)
        elif kind == "paused":
            paused[target] = value
        elif kind == "notice":
            notice = notice_from_text(value)
        elif kind == "referred":
            referred.add(target)
        elif kind == "services":
            services[target] = tuple(code for code in value.split(",") if code)
    return DayOverrides(closed, quotas, paused, notice, frozenset(referred), services)


def _hhmm(at: datetime) -> str:
    return at.astimezone(WIB).strftime("%H.%M")  # "10.05": how Indonesian writes a time


def public_actions(entries: list[AuditEntry] | tuple[AuditEntry, ...], names: Mapping[str, str]) -> list[str]:
    """The day's office actions as citizens read them on the public report, in Indonesian: which
    service closed when and why ("Perekaman KTP-el ditutup 10.05–13.00: Blangko KTP-el habis"),
    today's quota changes and the notices: what citizens were already told at the kiosks and in the
    hall. Who did it stays in the office's record: a public post names the office's decisions, not
    its staff; a quota's reason too (an internal note, it may name a person). Counter pauses (a
    clerk's prayer or lunch) and the information-desk list are the office's own business."""
    lines: list[tuple[datetime, str]] = []
    closed: dict[str, tuple[datetime, str]] = {}  # service code -> (closed at, reason)

    def ended(code: str, at: datetime | None) -> None:
        since, reason = closed.pop(code)
        span = f"sejak {_hhmm(since)}" if at is None else f"{_hhmm(since)}–{_hhmm(at)}"
        lines.append((since, f"{names.get(code, code)} ditutup {span}" + (f": {reason}" if reason else "")))

    for entry in entries:
        if entry.action == "close-service":
            if entry.target in closed:  # closed again with another reason: the first closure ends here
                ended(entry.target, entry.at)
            closed[entry.target] = (entry.at, without_nik(entry.detail or entry.why))
        elif entry.action == "open-service" and entry.target in closed:
            ended(entry.target, entry.at)
        elif entry.action == "quota":
            # Its reason is the office's own note (it may name a person): the kiosks never show it either.
            name = names.get(entry.target, entry.target)
            lines.append((entry.at, f"Kuota {name} hari ini menjadi {entry.detail} sejak {_hhmm(entry.at)}"))
        elif entry.action == "notice":
            notice = notice_from_text(entry.detail)
            if notice is not None:
                until = f"–{notice.until.strftime('%H.%M')}" if notice.until else ""
                lines.append((entry.at, f"Pengumuman {_hhmm(entry.at)}{until}: {without_nik(notice.text)}"))
    for code in list(closed):
        ended(code, None)
    return [text for _at, text in sorted(lines, key=lambda line: line[0])]


ACTION_NAMES = {  # the audit log's actions in the office's words (the record's "tindakan" column)
    "close-service": "tutup layanan",
    "open-service": "buka layanan",
    "quota": "ubah kuota hari ini",
    "pause": "jeda loket",
    "resume": "lanjutkan loket",
    "counter-services": "ubah layanan loket",
    "notice": "pengumuman",
    "notice-cleared": "hapus pengumuman",
    "refer-to-desk": "rujuk ke meja informasi",
}


def action_detail(entry: AuditEntry) -> str:
    """What an audit line changed, in words for the record (a notice's text, not its JSON)."""
    if entry.action == "notice":
        notice = notice_from_text(entry.detail)
        if notice is not None:
            texts = " / ".join(t for t in (notice.text, notice.text_en, notice.text_jv) if t)
            until = f" (sampai {notice.until.strftime('%H.%M')})" if notice.until else ""
            return without_nik(texts + until)
    if entry.action == "refer-to-desk":
        return entry.detail.replace(" days", " hari")
    return without_nik(entry.detail)
