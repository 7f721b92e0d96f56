# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""Every transport fault and every wrong answer: a clear message, a precise log line, nothing lost."""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from api_support import (  # noqa: F401  (fixtures)
    NIK_YOUNG,
    ApiServer,
    hasher,
    kiosk_on,
    make_backend,
    proxy,
    server,
)
from faulty import FaultyProxy, Rule, canned

from kiosk.backends.http import HttpBackend
from kiosk.core.errors import KioskError, Reason, SystemFault
from kiosk.core.nik import NikHasher
from kiosk.messages import explain


def fails_with(reason: Reason, call: Callable[[], object]) -> KioskError:
    with pytest.raises(KioskError) as caught:
        call()
    assert caught.value.reason == reason, caught.value
    message = explain(caught.value, "id")
    assert message.title and message.hint  # the person at the kiosk reads a sentence, not a trace
    return caught.value


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A loopback port held (bound) by this test but not listening: a connect is refused.

    A port that was merely free a moment ago could be taken by another process meanwhile.
    """
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield int(holder.getsockname()[1])


def test_connection_refused_says_the_server_cannot_be_reached_and_issues_nothing(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, refusing_port: int
) -> None:
    backend = make_backend(f"http://127.0.0.1:{refusing_port}/v1")
    kiosk = kiosk_on(backend, hasher, server)
    error = fails_with(Reason.BACKEND_UNREACHABLE, lambda: kiosk.issue_walk_in("KTP", NIK_YOUNG))
    assert isinstance(error, SystemFault)
    assert not backend.status().online and "connection refused" in (backend.status().last_error or "")
    assert all(q.remaining == 0 for q in kiosk.walk_in_services())  # offline with no leased numbers
    assert server.api.book("").tickets(server.clock.now().date()) == []


def test_an_unresolvable_host_name_is_unreachable(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The machine's resolver is not part of the test: some answer NXDOMAIN at once, some only
    # after their timeout, some not at all offline, some hijack it. The answer a resolver gives
    # for an unknown name (EAI_NONAME) is given here, for that name only.
    real_getaddrinfo = socket.getaddrinfo
    asked: list[str] = []

    def resolver(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "nonexistent.invalid":
            asked.append(host)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    kiosk = kiosk_on(make_backend("http://nonexistent.invalid:8080/v1"), hasher, server)
    fails_with(Reason.BACKEND_UNREACHABLE, lambda: kiosk.find_booking("MGT-0001"))
    assert asked  # the name went to the resolver (no cached or hard-wired address)


@pytest.fixture
def plain_tcp_port() -> Iterator[int]:
    """A server that answers every connection with plain HTTP bytes at once: no TLS at all."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    threading.Thread(target=answer, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def test_speaking_tls_to_a_plain_server_is_a_tls_error_logged_as_such(
    make_backend: Callable[..., HttpBackend], server: ApiServer, plain_tcp_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    backend = make_backend(f"https://127.0.0.1:{plain_tcp_port}/v1")
    fails_with(Reason.BACKEND_UNREACHABLE, lambda: backend.daily_report(server.clock.now().date(), server.clock.now()))
    assert "TLS error" in (backend.status().last_error or "")
    assert "TLS error" in caplog.text


def test_an_answer_slower_than_the_read_timeout_is_a_timeout(
    make_backend: Callable[..., HttpBackend], server: ApiServer, proxy: FaultyProxy
) -> None:
    proxy.rules.append(Rule("GET", "/v1/reports", delay_s=1.5))
    backend = make_backend(proxy.url, read_timeout=0.4)
    fails_with(Reason.BACKEND_UNREACHABLE, lambda: backend.daily_report(server.clock.now().date(), server.clock.now()))
    assert "no answer within the read timeout" in (backend.status().last_error or "")
    assert not backend.status().online


def test_a_slow_answer_within_the_read_timeout_is_simply_waited_for(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, proxy: FaultyProxy
) -> None:
    proxy.rules.append(Rule("POST", "/v1/walk-ins", delay_s=0.5))
    # Half a second of delay against a generous timeout: a loaded machine only adds to the delay.
    kiosk = kiosk_on(make_backend(proxy.url, read_timeout=30.0), hasher, server)
    assert kiosk.issue_walk_in("KTP", NIK_YOUNG).ticket.number == "A-001"


@pytest.mark.parametrize(
    ("answer", "what"),
    [
        (canned(500, b"<html>Internal Server Error</html>", "text/html"), "HTTP 500"),
        (canned(404, b'{"code": "not_found"}', "application/problem+json"), "HTTP 404"),
        (canned(409, b'{"code": "something_new"}', "application/problem+json"), "HTTP 409"),
        (canned(200, b'{"id": "x", "number": '), "not JSON"),
        (canned(201, b'{"id": "x", "number": "A-001"}'), "wrong shape"),
        (canned(201, b"[1, 2, 3]"), "wrong shape"),
    ],
    ids=["500", "404-unknown-route", "409-unknown-code", "malformed-json", "missing-fields", "not-an-object"],
)
def test_a_broken_answer_to_a_walk_in_is_a_server_fault_and_no_number_is_shown(
    make_backend: Callable[..., HttpBackend],
    hasher: NikHasher,
    server: ApiServer,
    proxy: FaultyProxy,
    answer: bytes,
    what: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    proxy.rules.append(Rule("POST", "/v1/walk-ins", answer=answer))
    backend = make_backend(proxy.url)
    fails_with(Reason.BACKEND_FAULT, lambda: kiosk_on(backend, hasher, server).issue_walk_in("KTP", NIK_YOUNG))
    assert backend.status().online  # the server answered: this is no reason to go offline
    assert any(r.levelno >= logging.ERROR for r in caplog.records)


def test_a_wrong_shape_in_the_quota_list_is_a_server_fault(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, proxy: FaultyProxy
) -> None:
    proxy.rules.append(
        Rule("GET", "/v1/quotas", answer=canned(200, b'{"day": "2026-11-30", "services": [{"code": 7}]}'))
    )
    fails_with(Reason.BACKEND_FAULT, lambda: kiosk_on(make_backend(proxy.url), hasher, server).quotas())


def test_a_refused_token_is_a_server_fault_and_the_token_is_not_logged(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    backend = make_backend(server.url)
    backend.session.headers["Authorization"] = "Bearer stolen-or-expired-token"
    fails_with(Reason.BACKEND_FAULT, lambda: kiosk_on(backend, hasher, server).quotas())
    assert "401" in (backend.status().last_error or "")
    assert "token" in caplog.text and "stolen-or-expired-token" not in caplog.text


def test_a_lost_response_is_retried_with_the_same_key_and_gives_one_ticket(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, proxy: FaultyProxy
) -> None:
    proxy.rules.append(Rule("POST", "/v1/walk-ins", drop_after_forward=True, times=1))
    kiosk = kiosk_on(make_backend(proxy.url), hasher, server)
    result = kiosk.issue_walk_in("KTP", NIK_YOUNG)
    assert proxy.forwarded.count(("POST", "/v1/walk-ins")) == 2  # committed, answer lost, asked again
    issued = server.api.book("").tickets(server.clock.now().date())
    assert [t.number for t in issued] == ["A-001"] and issued[0].id == result.ticket.id


def test_a_server_that_comes_back_is_noticed_and_the_kiosk_is_online_again(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.backends.http as http_module

    monkeypatch.setattr(http_module, "RETRY_OFFLINE_AFTER_S", 0.0)
    backend = make_backend(server.url)
    kiosk = kiosk_on(backend, hasher, server)
    server.stop()
    fails_with(Reason.BACKEND_UNREACHABLE, lambda: kiosk.find_booking("MGT-0001"))
    assert not backend.status().online
    server.start()
    assert kiosk.find_booking("MGT-0001").code == "MGT-0001"
    assert backend.status().online and backend.status().last_error is None


def test_no_url_ever_carries_a_nik_or_its_hash(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, proxy: FaultyProxy
) -> None:
    backend = make_backend(proxy.url)
    kiosk = kiosk_on(backend, hasher, server)
    with pytest.raises(KioskError):
        kiosk.find_booking(NIK_YOUNG)  # no booking: looked up by hash, in a POST body
    kiosk.issue_walk_in("KTP", NIK_YOUNG)
    kiosk.reprint("A-001")
    backend.sync()
    paths = " ".join(path for _, path in proxy.forwarded)
    assert "/bookings/search" in paths and "/walk-ins" in paths
    assert NIK_YOUNG not in paths and hasher.hash(NIK_YOUNG) not in paths
    assert not re.search(r"[0-9a-f]{64}", paths)


def test_without_a_token_the_kiosk_stops_at_start_with_a_configuration_fault(
    make_backend: Callable[..., HttpBackend], server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = make_backend(server.url)
    backend.close()
    (backend.config.backend.token_file).unlink()  # type: ignore[union-attr]
    with pytest.raises(SystemFault) as fault:
        HttpBackend(backend.config)
    assert fault.value.reason == Reason.CONFIG_INVALID


def test_the_token_can_come_from_the_environment(
    make_backend: Callable[..., HttpBackend], server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    config = make_backend(server.url).config
    monkeypatch.setenv("ANTRIAN_TOKEN", "token-of-MPP-3-0123456789")
    backend = HttpBackend(
        replace(config, backend=replace(config.backend, token_file=None)), auto_sync=False, clock=server.clock
    )
    try:
        assert backend.quotas(server.clock.now())
        assert backend.status().online
    finally:
        backend.close()


def test_a_wrong_base_url_is_a_real_404_and_a_server_fault_not_a_missing_booking(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer
) -> None:
    backend = make_backend(server.url.replace("/v1", "/v9"))
    fails_with(Reason.BACKEND_FAULT, lambda: kiosk_on(backend, hasher, server).find_booking("MGT-0001"))
    assert "404" in (backend.status().last_error or "")


def test_a_sync_answer_of_the_wrong_shape_is_a_server_fault_and_keeps_the_leased_numbers(
    make_backend: Callable[..., HttpBackend], server: ApiServer, proxy: FaultyProxy
) -> None:
    backend = make_backend(proxy.url, lease=2)
    backend.sync()
    proxy.rules.append(Rule("POST", "/v1/sync", answer=canned(200, b'{"used": []}')))
    fails_with(Reason.BACKEND_FAULT, backend.sync)
    assert backend.status().leased_free == {"KTP": 2, "CETAK": 2, "KK": 2, "AKTA": 2}


def test_the_kiosk_token_is_redacted_even_from_a_line_that_logs_it_by_mistake(
    make_backend: Callable[..., HttpBackend], server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from kiosk.ops.logging import redact

    config = make_backend(server.url).config
    token = "token-of-MPP-4-not-in-any-pattern"
    monkeypatch.setenv("ANTRIAN_TOKEN", token)
    backend = HttpBackend(
        replace(config, backend=replace(config.backend, token_file=None)), auto_sync=False, clock=server.clock
    )
    backend.close()
    assert token not in redact(f"debugging the session: {token}")
