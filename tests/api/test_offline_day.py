# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""An offline day: the server goes away mid-morning, the kiosk keeps serving from its leased
blocks and the mirror, the server comes back, and afterwards it holds exactly what was printed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from api_support import (  # noqa: F401  (fixtures)
    NIK_MAN_1945,
    NIK_OTHER_REGION,
    NIK_WOMAN_1990,
    NIK_YOUNG,
    ApiServer,
    ReadyPrinter,
    hasher,
    kiosk_on,
    make_backend,
    on_server,
    process_backend,
    proxy,
    retry_at_once,
    root,
    server,
    server_process,
    token_of,
)
from faulty import FaultyProxy, Rule, canned
from server_process import ServerProcess

from kiosk.backends.http import HttpBackend
from kiosk.core.errors import Reason, Refusal, SystemFault
from kiosk.core.model import IssueResult, Priority, Ticket, TicketKind
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk

pytestmark = pytest.mark.usefixtures("retry_at_once")


def printed_offline(kiosk: Kiosk, backend: HttpBackend, server: ApiServer) -> Ticket:
    """A KTP walk-in printed from the kiosk's leased block while the server is away; it is back after."""
    backend.sync()  # the leased blocks
    server.stop()
    ticket = kiosk.issue_walk_in("KTP", NIK_YOUNG).ticket
    server.start()
    return ticket


def test_an_offline_day_continues_within_the_leased_block_and_syncs_to_exactly_what_was_printed(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher
) -> None:
    backend = make_backend(server.url, lease=3)
    roll = ReadyPrinter()
    kiosk = kiosk_on(backend, hasher, server, roll)
    backend.sync()
    assert backend.status().leased_free == {"KTP": 3, "CETAK": 3, "KK": 3, "AKTA": 3}

    # Online, the server gives the next number of the day, never one of a kiosk's leased blocks.
    assert kiosk.issue_walk_in("KTP", NIK_YOUNG).ticket.number == "A-004"
    checked_in = kiosk.check_in("MGT-0001").ticket
    assert checked_in.number == "A-005"
    assert checked_in.people_ahead == 1  # A-004 waits; A-001..A-003 are leased, nobody holds them yet

    server.stop()
    assert kiosk.issue_walk_in("KTP", NIK_WOMAN_1990, Priority.PREGNANT).ticket.number == "A-001"
    assert not backend.status().online
    assert kiosk.check_in("MGT-0003").ticket.number == "A-002"  # a mirrored booking, by code
    assert kiosk.check_in(NIK_WOMAN_1990).ticket.number == "C-001"  # MGT-0002 found by NIK hash
    offline_walk_in = kiosk.issue_walk_in("KK", NIK_OTHER_REGION).ticket
    assert offline_walk_in.number == "C-002"
    # 08:00, open since 07:30 at six minutes a person: C-001 is taken as called, not still waiting.
    assert (offline_walk_in.people_ahead, offline_walk_in.wait_minutes) == (0, 0)
    with pytest.raises(Refusal) as refused:
        kiosk.check_in("MGT-0001")  # checked in online before the cut: never a second number
    assert refused.value.reason == Reason.ALREADY_CHECKED_IN and refused.value.params["number"] == "A-005"
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("KK", NIK_OTHER_REGION)  # the per-NIK cap holds offline too
    assert refused.value.reason == Reason.ALREADY_HAS_TICKET
    assert kiosk.issue_walk_in("KTP", root.make_nik(7)).ticket.number == "A-003"  # the block's last number
    with pytest.raises(SystemFault) as fault:
        kiosk.issue_walk_in("KTP", root.make_nik(8))  # the KTP block is used up: no number beyond it
    assert fault.value.reason == Reason.BACKEND_UNREACHABLE
    assert {q.service.code: q.remaining for q in kiosk.walk_in_services()} == {"KTP": 0, "CETAK": 3, "KK": 1, "AKTA": 3}
    assert kiosk.reprint("C-002").ticket.reprints == 1  # an offline ticket can be reprinted once
    assert backend.status().unsynced == 5

    server.start()
    assert kiosk.quotas()  # the first answer tells the kiosk it is online again
    assert backend.status().online
    backend.sync()
    backend.sync()  # a second sync changes nothing
    assert backend.status().unsynced == 0

    printed = {t.number: t for t in roll.tickets}
    stored = on_server(server)
    assert set(stored) == set(printed) == {"A-001", "A-002", "A-003", "A-004", "A-005", "C-001", "C-002"}
    for number, ticket in printed.items():
        kept = stored[number]
        assert (kept.id, kept.kind, kept.holder, kept.priority, kept.booking_code, kept.issued_at) == (
            ticket.id,
            ticket.kind,
            ticket.holder,
            ticket.priority,
            ticket.booking_code,
            ticket.issued_at,
        ), number
        assert kept.printed
    assert stored["C-002"].reprints == 1
    assert stored["A-002"].kind == TicketKind.ONLINE
    book = server.api.book("")
    assert book.find_booking("MGT-0003").ticket_number == "A-002"  # type: ignore[union-attr]
    assert book.find_booking("MGT-0002").ticket_number == "C-001"  # type: ignore[union-attr]

    # Closing time: unused numbers go back; their slots return to the quota, their numbers stay gaps.
    before = {q.service.code: q.remaining for q in server.api.book("").quotas(server.clock.now())}
    assert backend.release_leases() > 0
    after = {q.service.code: q.remaining for q in server.api.book("").quotas(server.clock.now())}
    assert after["CETAK"] == before["CETAK"] + 3 and after["AKTA"] == before["AKTA"] + 3
    assert server.api.ledger.held(server.clock.now().date()) == []
    assert set(on_server(server)) == set(printed)


def test_a_walk_in_whose_answer_never_arrives_is_printed_from_the_block_and_kept_once(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher, proxy: FaultyProxy
) -> None:
    backend = make_backend(proxy.url, lease=2)
    roll = ReadyPrinter()
    kiosk = kiosk_on(backend, hasher, server, roll)
    backend.sync()
    proxy.rules.append(Rule("POST", "/v1/walk-ins", drop_after_forward=True, times=10))
    result = kiosk.issue_walk_in("AKTA", NIK_YOUNG)  # the server commits, every answer is lost
    assert result.ticket.number == "D-001" and not backend.status().online
    proxy.rules.clear()
    kiosk.quotas()
    backend.sync()
    stored = on_server(server)
    assert list(stored) == ["D-001"]  # one ticket, the printed one: the lost request was undone
    assert stored["D-001"].id == result.ticket.id and stored["D-001"].holder == "3520**********04"
    assert stored["D-001"].printed
    # D-003 (the undone request) stays a gap: the block is topped up with D-004, not D-003
    # again, and online comes the next number of the day.
    leased = [n.number for n in server.api.ledger.held(server.clock.now().date()) if n.service_code == "AKTA"]
    assert leased == ["D-002", "D-004"]
    assert kiosk.issue_walk_in("AKTA", NIK_MAN_1945).ticket.number == "D-005"


def test_the_first_sync_after_closing_time_gives_every_unused_number_back(
    server: ApiServer, make_backend: Callable[..., HttpBackend]
) -> None:
    backend = make_backend(server.url, lease=2)
    now = server.clock.now()
    before = {q.service.code: q.remaining for q in server.api.book("").quotas(now)}
    backend.sync()
    assert len(server.api.ledger.held(now.date())) == 8  # 2 numbers for each of the 4 walk-in services
    server.clock.set(now.replace(hour=15, minute=1))
    backend.sync()
    assert server.api.ledger.held(now.date()) == [] and backend.status().leased_free == {}
    assert {q.service.code: q.remaining for q in server.api.book("").quotas(now)} == before


def test_a_check_in_whose_answer_never_arrives_is_undone_and_the_printed_one_kept(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher, proxy: FaultyProxy
) -> None:
    backend = make_backend(proxy.url, lease=2)
    roll = ReadyPrinter()
    kiosk = kiosk_on(backend, hasher, server, roll)
    backend.sync()  # KTP block
    proxy.rules.append(Rule("POST", "/v1/check-ins", drop_after_forward=True, times=10))
    result = kiosk.check_in("MGT-0001")  # the server checks it in as A-003; no answer ever comes
    assert result.ticket.number == "A-001" and result.ticket.booking_code == "MGT-0001"
    proxy.rules.clear()
    backend.sync()
    assert list(on_server(server)) == ["A-001"]  # the unseen A-003 is gone; A-002 is still leased
    assert server.api.book("").find_booking("MGT-0001").ticket_number == "A-001"  # type: ignore[union-attr]
    with pytest.raises(Refusal) as refused:
        kiosk.check_in("MGT-0001")
    assert refused.value.params["number"] == "A-001"


def _server_tickets(server: ServerProcess, kiosk_id: str = "MPP-1") -> dict[str, dict[str, object]]:
    answer = requests.get(
        server.url + "/tickets", headers={"Authorization": f"Bearer {token_of(kiosk_id)}"}, timeout=30
    )
    answer.raise_for_status()
    return {t["number"]: t for t in answer.json()["tickets"]}


def test_a_number_printed_offline_is_never_given_to_a_second_person_online_after_the_server_restarts(
    server_process: ServerProcess, process_backend: HttpBackend, hasher: NikHasher
) -> None:
    backend = process_backend
    kiosk = Kiosk(config=backend.config, backend=backend, hasher=hasher, clock=backend.clock, printer=ReadyPrinter())
    backend.sync()
    assert backend.status().leased_free["KTP"] == 3  # A-001..A-003 leased to this kiosk

    server_process.kill()
    first = kiosk.issue_walk_in("KTP", NIK_WOMAN_1990).ticket  # person 1, offline
    assert first.number == "A-001" and not backend.status().online

    server_process.start()  # same day book, same port; the offline retry is due at once
    second = kiosk.issue_walk_in("KTP", NIK_YOUNG).ticket  # person 2, online
    assert second.number != first.number

    # The per-NIK caps hold across the transition: person 1 already has a KTP number today.
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("KTP", NIK_WOMAN_1990)
    assert refused.value.reason == Reason.ALREADY_HAS_TICKET
    kiosk.issue_walk_in("CETAK", NIK_WOMAN_1990)  # her second ticket of the day, online
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("AKTA", NIK_WOMAN_1990)  # a third would break the daily cap of 2
    assert refused.value.reason == Reason.DAILY_CAP

    backend.sync()
    stored = _server_tickets(server_process)
    assert stored[first.number]["id"] == first.id  # person 1's ticket is on the server, as printed
    assert stored[first.number]["holder"] == first.holder
    assert stored[second.number]["id"] == second.id and stored[second.number]["holder"] == second.holder
    assert [t["holder"] for t in stored.values()].count(first.holder) == 2
    assert backend.status().unsynced == 0 and backend.status().conflicts == ()


def test_an_offline_ticket_the_server_cannot_keep_as_printed_is_a_listed_conflict_never_dropped(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher, caplog: pytest.LogCaptureFixture
) -> None:
    apart = make_backend(server.url, "MPP-1", lease=2)
    other = make_backend(server.url, "MPP-2", lease=2)
    kiosk_apart = kiosk_on(apart, hasher, server, ReadyPrinter())
    kiosk_other = kiosk_on(other, hasher, server, ReadyPrinter())
    offline = printed_offline(kiosk_apart, apart, server)  # cut off from the server
    online = kiosk_other.issue_walk_in("KTP", NIK_YOUNG).ticket  # the server cannot know of the first
    assert online.number != offline.number

    apart.sync()
    stored = on_server(server)
    assert stored[offline.number].id == offline.id  # the printed ticket is kept: the person holds it
    assert stored[online.number].id == online.id
    assert apart.status().conflicts == (f"{offline.number} (conflict)",)  # on the technician screen
    assert any(offline.number in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)
    apart.sync()
    assert apart.status().conflicts == (f"{offline.number} (conflict)",)  # listed once, kept listed


def test_a_sync_that_reports_a_used_number_again_with_another_person_is_listed_not_ignored(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher
) -> None:
    backend = make_backend(server.url, lease=1)
    kiosk = kiosk_on(backend, hasher, server, ReadyPrinter())
    printed = printed_offline(kiosk, backend, server)
    payload = backend.store.sync_payload()
    backend.sync()
    assert backend.status().conflicts == ()

    payload["used"][0]["nik_hash"] = hasher.hash(NIK_MAN_1945)  # the same number, someone else
    headers = {"Authorization": f"Bearer {token_of('MPP-1')}", "Idempotency-Key": "resent-with-another-person"}
    answer = requests.post(server.url + "/sync", json=payload, headers=headers, timeout=30).json()
    assert answer["conflicts"] == [printed.number] and answer["used"] == []
    assert on_server(server)[printed.number].id == printed.id  # the first, printed ticket stays


def test_a_leased_number_printed_offline_counts_the_people_the_server_numbered_past_its_block(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher
) -> None:
    backend = make_backend(server.url, lease=3)
    kiosk = kiosk_on(backend, hasher, server, ReadyPrinter())
    backend.sync()  # A-001..A-003 leased
    online = [kiosk.issue_walk_in("KTP", root.make_nik(100 + i)).ticket.number for i in range(10)]
    assert online[0] == "A-004" and online[-1] == "A-013"
    backend.sync()  # the mirror now knows ten people were numbered past the block
    server.stop()
    offline = kiosk.issue_walk_in("KTP", root.make_nik(200)).ticket
    assert offline.number == "A-001"
    # Ten numbered before; 08:00, open since 07:30 at six minutes a person: five taken as called.
    assert offline.people_ahead == 5


def test_a_server_that_refuses_the_offline_tickets_does_not_stop_the_numbers_online(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher, proxy: FaultyProxy
) -> None:
    backend = make_backend(proxy.url, lease=2)
    kiosk = kiosk_on(backend, hasher, server, ReadyPrinter())
    offline = printed_offline(kiosk, backend, server)
    broken = canned(500, b'{"code": "internal", "status": 500}', "application/problem+json")
    proxy.rules.append(Rule("POST", "/v1/sync", answer=broken))
    online = kiosk.issue_walk_in("KTP", root.make_nik(300)).ticket  # the sync fails; the walk-in not
    assert online.number not in (offline.number, "A-002")  # never a leased number
    assert backend.status().unsynced >= 1  # the offline ticket still waits, for the next sync
    proxy.rules.clear()
    backend.sync()
    assert {offline.number, online.number} <= set(on_server(server))


def test_a_request_that_reaches_the_server_after_its_kiosk_voided_it_issues_nothing(
    server: ApiServer, hasher: NikHasher, proxy: FaultyProxy
) -> None:
    """The kiosk gave up waiting, printed a leased number and voided the key at sync; the lost
    request, still on its way inside the server, arrives only now: no second ticket for her."""
    auth = {"Authorization": f"Bearer {token_of('MPP-1')}"}
    key = "in-doubt-0123456789"
    sync_headers = {**auth, "Idempotency-Key": "sync-1-0123456789"}
    voided = requests.post(server.url + "/sync", json={"voids": [key]}, headers=sync_headers, timeout=30)
    assert voided.status_code == 200
    body = {"service_code": "KTP", "nik_hash": hasher.hash(NIK_YOUNG), "nik_masked": "3520**********04"}
    late = requests.post(server.url + "/walk-ins", json=body, headers={**auth, "Idempotency-Key": key}, timeout=30)
    assert late.status_code == 503
    assert on_server(server) == {}


def same_key_again_answer_lost(
    proxy: FaultyProxy, path: str, attempt: Callable[[], IssueResult], first: Ticket, key: str
) -> None:
    """The request again with the same key, every answer lost: the first ticket or none, never a
    second; and every try that reached the server carried the person's one key (a fresh key per
    try would make each lost answer a new request, which only the NIK caps would then stop)."""
    proxy.rules.append(Rule("POST", path, drop_after_forward=True, times=10))
    sent_before = len(proxy.keys)
    try:
        again: Ticket | None = attempt().ticket
    except (SystemFault, Refusal):
        again = None
    assert again is None or again.id == first.id  # one key, one ticket
    proxy.rules.clear()
    tries = [k for p, k in proxy.keys[sent_before:] if p.endswith(path.removeprefix("/v1"))]
    assert set(tries) <= {key}  # the kiosk may answer from its own record and send nothing


def test_a_retry_of_an_answered_walk_in_whose_answer_is_lost_never_takes_the_ticket_away(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher, proxy: FaultyProxy
) -> None:
    """She got A-001 online; the same request comes again (a retry of a lost answer, seen by the
    kiosk as a second press with the same key) and that answer is lost too. The void of the
    second attempt must not delete her ticket at sync, nor may her number go to someone else."""
    backend = make_backend(proxy.url, lease=2)
    kiosk = kiosk_on(backend, hasher, server, ReadyPrinter())
    key = "pressed-twice-0123456789"
    first = kiosk.issue_walk_in("KTP", NIK_YOUNG, None, key).ticket
    assert first.number == "A-001"
    same_key_again_answer_lost(
        proxy, "/v1/walk-ins", lambda: kiosk.issue_walk_in("KTP", NIK_YOUNG, None, key), first, key
    )
    backend.sync()
    stored = on_server(server)
    assert stored["A-001"].id == first.id  # the number she holds is still hers on the server
    nxt = kiosk.issue_walk_in("KTP", root.make_nik(501)).ticket
    assert nxt.number != first.number


def test_the_number_of_a_voided_request_is_never_given_to_the_next_person(server: ApiServer, hasher: NikHasher) -> None:
    """The server undoes a request its kiosk voided; if that was the day's latest number, the
    next person must still get a new one: the first may hold a ticket printed with it."""
    auth = {"Authorization": f"Bearer {token_of('MPP-1')}"}
    key = "voided-later-0123456789"
    body = {"service_code": "KTP", "nik_hash": hasher.hash(NIK_YOUNG), "nik_masked": "3520**********04"}
    first = requests.post(server.url + "/walk-ins", json=body, headers={**auth, "Idempotency-Key": key}, timeout=30)
    assert first.status_code == 201 and first.json()["number"] == "A-001"
    sync_headers = {**auth, "Idempotency-Key": "sync-void-0123456789"}
    voided = requests.post(server.url + "/sync", json={"voids": [key]}, headers=sync_headers, timeout=30)
    assert voided.status_code == 200 and voided.json()["voided"] == [key]
    assert on_server(server) == {}
    other = {"service_code": "KTP", "nik_hash": hasher.hash(root.make_nik(500)), "nik_masked": "3520**********00"}
    next_key = {**auth, "Idempotency-Key": "next-0123456789"}
    nxt = requests.post(server.url + "/walk-ins", json=other, headers=next_key, timeout=30)
    assert nxt.status_code == 201 and nxt.json()["number"] == "A-002"


def test_numbers_given_back_by_a_kiosk_are_never_given_to_anyone_else(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher
) -> None:
    backend = make_backend(server.url, lease=3)
    kiosk = kiosk_on(backend, hasher, server, ReadyPrinter())
    backend.sync()  # A-001..A-003 leased to this kiosk
    assert backend.release_leases() == 4 * 3
    assert server.api.ledger.held(server.clock.now().date()) == []
    assert kiosk.issue_walk_in("KTP", NIK_YOUNG).ticket.number == "A-004"  # the given-back ones stay gaps


def test_a_retry_of_an_answered_check_in_whose_answer_is_lost_never_takes_the_ticket_away(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher, proxy: FaultyProxy
) -> None:
    backend = make_backend(proxy.url, lease=2)
    kiosk = kiosk_on(backend, hasher, server, ReadyPrinter())
    key = "checked-in-twice-0123456789"
    first = kiosk.check_in("MGT-0001", key).ticket
    same_key_again_answer_lost(proxy, "/v1/check-ins", lambda: kiosk.check_in("MGT-0001", key), first, key)
    backend.sync()
    stored = on_server(server)
    assert stored[first.number].id == first.id  # the number he holds is still his on the server
    assert server.api.book("").find_booking("MGT-0001").ticket_number == first.number  # type: ignore[union-attr]
