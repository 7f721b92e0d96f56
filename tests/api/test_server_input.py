# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""The server answers every malformed request with a 4xx problem document, never a 500."""

from __future__ import annotations

import uuid
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
        ("GET", "/nothing-here", None, 404, "not_found"),
        ("DELETE", "/quotas", None, 405, "method_not_allowed"),
    ],
)
def test_bad_requests_get_a_4xx_problem_never_a_500(
    server: ApiServer, method: str, path: str, body: Any, status: int, code: str
) -> None:
    assert_problem(send(server, method, path, body), status, code)


def test_a_valid_walk_in_still_works_after_all_that(server: ApiServer, hasher: NikHasher) -> None:
    body = {"service_code": "KTP", "nik_hash": hasher.hash(NIK_YOUNG), "nik_masked": mask(NIK_YOUNG)}
    response = send(server, "POST", "/walk-ins", body)
    assert response.status_code == 201 and response.json()["number"] == "A-001"
    assert response.json()["kiosk_id"] == "MPP-2"
