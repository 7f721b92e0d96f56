# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""The server answers every malformed request with a 4xx problem document, never a 500."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from api_support import NIK_YOUNG, ApiServer, hasher, server, token_of  # noqa: F401  (fixtures)

from kiosk.core.nik import NikHasher, mask

GOOD_HASH = "d" * 64


def send(
    server: ApiServer, method: str, path: str, body: Any = None, raw: bytes | None = None, **headers: str
) -> requests.Response:
    sent = {"Authorization": f"Bearer {token_of('MPP-2')}", "Idempotency-Key": str(uuid.uuid4())}
    sent.update({k.replace("_", "-"): v for k, v in headers.items()})
    if raw is not None:
        sent["Content-Type"] = "application/json"
        return requests.request(method, server.url + path, data=raw, headers=sent, timeout=5)
    return requests.request(method, server.url + path, json=body, headers=sent, timeout=5)


def assert_problem(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code and problem["status"] == status and problem["title"]
    return problem  # type: ignore[no-any-return]


WALK_IN = {"service_code": "KTP", "nik_hash": GOOD_HASH, "nik_masked": "3520**********04", "priority": None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in WALK_IN.items() if k != "nik_hash"}, "nik_hash"),
        ({**WALK_IN, "nik_hash": "3520010507050004"}, "nik_hash"),  # a raw NIK where a hash belongs
        ({**WALK_IN, "nik_hash": GOOD_HASH.upper()}, "nik_hash"),
        ({**WALK_IN, "nik_masked": "3520010507050004"}, "nik_masked"),  # unmasked
        ({**WALK_IN, "service_code": 7}, "service_code"),
        ({**WALK_IN, "priority": "vip"}, "priority"),
        ({**WALK_IN, "priority": True}, "priority"),
    ],
    ids=["missing-hash", "raw-nik", "upper-hex", "unmasked", "number-code", "unknown-priority", "bool-priority"],
)
def test_a_malformed_walk_in_is_refused_naming_the_field(server: ApiServer, body: dict[str, Any], field: str) -> None:
    problem = assert_problem(send(server, "POST", "/walk-ins", body), 422, "request_invalid")
    assert [e["field"] for e in problem["errors"]] == [field]
    assert server.api.book("").tickets(server.clock.now().date()) == []


def test_an_unknown_service_is_the_cores_service_unknown(server: ApiServer) -> None:
    problem = assert_problem(
        send(server, "POST", "/walk-ins", {**WALK_IN, "service_code": "SIM"}), 422, "service_unknown"
    )
    assert problem["params"]["service"] == "SIM"


@pytest.mark.parametrize(
    ("raw", "what"),
    [(b"{not json", "broken"), (b"[1,2]", "array"), (b'"text"', "string"), (b"\xff\xfe", "not utf-8"), (b"", "empty")],
)
def test_a_body_that_is_not_a_json_object_is_refused(server: ApiServer, raw: bytes, what: str) -> None:
    assert_problem(send(server, "POST", "/walk-ins", raw=raw), 422, "request_invalid")


def test_an_oversized_body_is_refused_with_413(server: ApiServer) -> None:
    assert_problem(send(server, "POST", "/walk-ins", {**WALK_IN, "padding": "x" * 40_000}), 413, "body_too_large")


def test_a_post_without_idempotency_key_is_refused(server: ApiServer) -> None:
    assert_problem(send(server, "POST", "/walk-ins", WALK_IN, Idempotency_Key=""), 400, "request_invalid")


def test_no_token_or_a_wrong_token_is_401(server: ApiServer) -> None:
    assert_problem(requests.get(server.url + "/quotas", timeout=5), 401, "unauthorized")
    assert_problem(send(server, "GET", "/quotas", Authorization="Bearer nope"), 401, "unauthorized")


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/tickets?day=yesterday", None, 422, "date_invalid"),
        ("GET", "/tickets/2026-13-45/A-001", None, 422, "date_invalid"),
        ("GET", "/reports/not-a-day", None, 422, "date_invalid"),
        ("GET", "/bookings/%3Cscript%3E", None, 422, "code_invalid"),
        ("POST", "/check-ins", {"code": 12345}, 422, "request_invalid"),
        ("POST", "/check-ins", {"code": "!!"}, 422, "code_invalid"),
        ("POST", "/bookings/search", {"nik_hash": None}, 422, "request_invalid"),
        ("POST", "/tickets/not-an-id/reprints", {}, 422, "request_invalid"),
        ("POST", f"/tickets/{uuid.uuid4()}/reprints", {"limit": "one"}, 422, "request_invalid"),
        ("POST", f"/tickets/{uuid.uuid4()}/reprints", {}, 404, "ticket_unknown"),
        ("POST", f"/tickets/{uuid.uuid4()}/printed", {"printed": "yes"}, 422, "request_invalid"),
        ("POST", "/leases", {"service_code": "KTP", "size": 0}, 422, "request_invalid"),
        ("POST", "/leases", {"service_code": "KTP", "size": 1.5}, 422, "request_invalid"),
        ("POST", "/leases", {"service_code": "NOPE", "size": 2}, 422, "service_unknown"),
        ("POST", "/sync", {"used": "all"}, 422, "request_invalid"),
        ("POST", "/sync", {"used": [{"ticket_id": "x"}]}, 422, "request_invalid"),
        ("POST", "/sync", {"released": [1]}, 422, "request_invalid"),
        ("POST", "/sync", {"voids": ["short"]}, 422, "request_invalid"),
        ("GET", "/tickets/2026-11-30/A-1", None, 404, "ticket_unknown"),
        ("GET", "/tickets/2026-11-30/3520010507050004", None, 404, "ticket_unknown"),
        ("GET", "/bookings/MGT3520010507050004", None, 422, "code_invalid"),  # a NIK inside a code
        ("GET", "/bookings/mgt-0001", None, 422, "code_invalid"),  # the kiosk sends codes normalised
        ("POST", "/check-ins", {"code": "MGT-0001", "nik": "3520010507050004"}, 422, "request_invalid"),
        ("POST", "/leases", {"service_code": "KTP", "size": 101}, 422, "request_invalid"),
        ("POST", "/sync", {"voids": ["key-0001"] * 501}, 422, "request_invalid"),
        ("POST", "/sync", {"everything": []}, 422, "request_invalid"),
        ("POST", "/walk-ins", None, 422, "request_invalid"),
        ("GET", "/nothing-here", None, 404, "not_found"),
        ("DELETE", "/quotas", None, 405, "method_not_allowed"),
    ],
)
def test_bad_requests_get_a_4xx_problem_never_a_500(
    server: ApiServer, method: str, path: str, body: Any, status: int, code: str
) -> None:
    assert_problem(send(server, method, path, body), status, code)


def test_a_wrong_method_is_405_and_names_the_methods_the_resource_has(server: ApiServer) -> None:
    answer = send(server, "DELETE", "/walk-ins")
    assert_problem(answer, 405, "method_not_allowed")
    assert "POST" in answer.headers["Allow"]


def test_a_problem_never_echoes_a_nik_sent_where_it_does_not_belong(server: ApiServer) -> None:
    nik = "3520010507050004"
    for method, path, body in [
        ("POST", "/walk-ins", {**WALK_IN, "nik_masked": nik}),
        ("POST", "/check-ins", {"code": f"X{nik}"}),
        ("GET", f"/tickets/{nik[:4]}-{nik[4:6]}-{nik[6:8]}/A-001", None),
        ("GET", f"/tickets?day={nik}", None),
    ]:
        answer = send(server, method, path, body)
        assert 400 <= answer.status_code < 500 and nik not in answer.text, (path, answer.text)


def test_a_valid_walk_in_still_works_after_all_that(server: ApiServer, hasher: NikHasher) -> None:
    body = {"service_code": "KTP", "nik_hash": hasher.hash(NIK_YOUNG), "nik_masked": mask(NIK_YOUNG)}
    response = send(server, "POST", "/walk-ins", body)
    assert response.status_code == 201 and response.json()["number"] == "A-001"
    assert response.json()["kiosk_id"] == "MPP-2"


# -- what a kiosk sends at sync is checked like any other body (issue 9 §2) --------------------


def leased_number(server: ApiServer) -> dict[str, Any]:
    answer = send(server, "POST", "/leases", {"service_code": "KTP", "size": 1})
    assert answer.status_code == 201, answer.text
    return answer.json()["numbers"][0]  # type: ignore[no-any-return]


def offline_walk_in(number: dict[str, Any], **changes: Any) -> dict[str, Any]:
    item = {
        "ticket_id": number["ticket_id"],
        "number": number["number"],
        "kind": "walk_in",
        "holder": "3520**********04",
        "nik_hash": GOOD_HASH,
        "priority": None,
        "booking_code": None,
        "issued_at": "2026-11-30T08:00:00+07:00",
        "printed": True,
        "reprints": 0,
    }
    return {**item, **changes}


def test_a_sync_with_a_clear_nik_as_holder_is_refused_and_the_nik_is_never_stored_or_served(
    server: ApiServer, tmp_path: Path
) -> None:
    number = leased_number(server)
    clear = "3171011203850002"
    answer = send(server, "POST", "/sync", {"used": [offline_walk_in(number, holder=clear)]})
    problem = assert_problem(answer, 422, "request_invalid")
    assert [e["field"] for e in problem["errors"]] == ["used[0].holder"]
    assert clear not in answer.text
    day = server.clock.now().date().isoformat()
    served = send(server, "GET", f"/tickets/{day}/{number['number']}")
    assert clear not in served.text
    listed = send(server, "GET", f"/tickets?day={day}")
    assert listed.status_code == 200 and clear not in listed.text
    on_disk = b"".join(p.read_bytes() for p in server.config.backend.path.parent.glob("*") if p.is_file())
    assert clear.encode() not in on_disk


@pytest.mark.parametrize(
    "issued_at",
    ["not-a-date", "2026-11-30 08:00", "2026-11-30T08:00:00", "2026-11-30T25:00:00+07:00", "x" * 25],
)
def test_a_sync_with_a_broken_issue_time_is_refused_and_every_read_still_answers(
    server: ApiServer, issued_at: str
) -> None:
    number = leased_number(server)
    answer = send(server, "POST", "/sync", {"used": [offline_walk_in(number, issued_at=issued_at)]})
    problem = assert_problem(answer, 422, "request_invalid")
    assert [e["field"] for e in problem["errors"]] == ["used[0].issued_at"]
    day = server.clock.now().date().isoformat()
    assert send(server, "GET", f"/tickets?day={day}").status_code == 200
    assert send(server, "GET", f"/tickets/{day}/{number['number']}").status_code in (200, 404)


def test_a_good_offline_ticket_is_still_taken_in_at_sync(server: ApiServer) -> None:
    number = leased_number(server)
    answer = send(server, "POST", "/sync", {"used": [offline_walk_in(number)]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["used"] == [number["ticket_id"]]
    day = server.clock.now().date().isoformat()
    served = send(server, "GET", f"/tickets/{day}/{number['number']}")
    assert served.status_code == 200 and served.json()["holder"] == "3520**********04"


def test_an_idempotency_key_reused_with_another_body_is_422_never_the_first_persons_ticket(
    server: ApiServer, hasher: NikHasher
) -> None:
    key = str(uuid.uuid4())
    first = {"service_code": "KTP", "nik_hash": hasher.hash(NIK_YOUNG), "nik_masked": mask(NIK_YOUNG)}
    other = {"service_code": "KTP", "nik_hash": GOOD_HASH, "nik_masked": "3520**********04"}
    answer = send(server, "POST", "/walk-ins", first, Idempotency_Key=key)
    assert answer.status_code == 201
    again = send(server, "POST", "/walk-ins", first, Idempotency_Key=key)
    assert again.status_code == 201 and again.json()["id"] == answer.json()["id"]  # a retry: same ticket
    reused = send(server, "POST", "/walk-ins", other, Idempotency_Key=key)
    assert_problem(reused, 422, "idempotency_key_reused")
    assert answer.json()["number"] not in reused.text
    assert len(server.api.book("").tickets(server.clock.now().date())) == 1


def test_one_unreadable_stored_ticket_never_breaks_a_read_for_everyone(
    server: ApiServer, hasher: NikHasher, caplog: pytest.LogCaptureFixture
) -> None:
    """A row written before the server checked sync bodies (or mended badly by hand) is left out, logged."""
    good = send(
        server,
        "POST",
        "/walk-ins",
        {"service_code": "KTP", "nik_hash": hasher.hash(NIK_YOUNG), "nik_masked": mask(NIK_YOUNG)},
    )
    assert good.status_code == 201
    number = leased_number(server)
    other = leased_number(server)
    db = sqlite3.connect(server.config.backend.path)
    with db:
        db.execute("UPDATE tickets SET issued_at = 'not-a-date', holder = 'x' WHERE id = ?", (number["ticket_id"],))
        db.execute("UPDATE tickets SET holder = '3171011203850002' WHERE id = ?", (other["ticket_id"],))
        db.execute("UPDATE api_leases SET state = 'used' WHERE ticket_id = ?", (other["ticket_id"],))
        db.execute("UPDATE api_leases SET state = 'used' WHERE ticket_id = ?", (number["ticket_id"],))
        db.execute("UPDATE bookings SET slot = 'soon' WHERE code = 'MGT-0003'")
    db.close()
    day = server.clock.now().date().isoformat()
    listed = send(server, "GET", f"/tickets?day={day}")
    assert listed.status_code == 200
    assert [t["number"] for t in listed.json()["tickets"]] == [good.json()["number"], other["number"]]
    assert "3171011203850002" not in listed.text and "3171**********02" in listed.text
    assert send(server, "GET", f"/tickets/{day}/{good.json()['number']}").status_code == 200
    assert_problem(send(server, "GET", f"/tickets/{day}/{number['number']}"), 404, "ticket_unknown")
    mirror = send(server, "GET", "/mirror")
    assert mirror.status_code == 200
    assert "MGT-0003" not in {b["code"] for b in mirror.json()["bookings"]}
    assert "MGT-0001" in {b["code"] for b in mirror.json()["bookings"]}
    assert send(server, "GET", "/bookings/MGT-0003").status_code == 404
    assert any("cannot be read" in r.getMessage() for r in caplog.records)


def test_a_sync_of_a_busy_offline_morning_fits_although_it_is_larger_than_other_bodies(server: ApiServer) -> None:
    """200 offline tickets are about 66 kB: over the 16 kB of other bodies, never refused with 413."""
    number = leased_number(server)
    used = [{**offline_walk_in(number), "ticket_id": str(uuid.uuid4()), "number": f"A-{n:03d}"} for n in range(200)]
    answer = send(server, "POST", "/sync", {"used": used, "released": [], "voids": [], "printed": []})
    assert answer.status_code == 200, answer.text[:300]
    assert len(answer.json()["unknown"]) == 200  # none of them is a lease of this kiosk
    too_big = send(server, "POST", "/walk-ins", {**WALK_IN, "padding": "x" * 40_000})
    assert_problem(too_big, 413, "body_too_large")


def test_a_get_on_a_path_that_only_posts_is_405_not_a_lookup_of_another_route(server: ApiServer) -> None:
    for path in ["/bookings/search", f"/tickets/{uuid.uuid4()}/printed", f"/tickets/{uuid.uuid4()}/reprints"]:
        answer = send(server, "GET", path)
        assert_problem(answer, 405, "method_not_allowed")
        assert answer.headers["Allow"] == "OPTIONS, POST"
    options = send(server, "OPTIONS", "/bookings/search")
    assert options.status_code == 204 and options.headers["Allow"] == "OPTIONS, POST"
