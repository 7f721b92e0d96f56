# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""Issue 18 item 6: the server's smaller input edges, each as a person or a kiosk would meet it.

A NIK in any shape is never echoed back in an error; a body that is not sent as JSON is refused
before anything is issued; an offline ticket off its number's day stands and is listed; the
document says which services a counter may ask for; a void never pulls a called ticket.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from api_support import NIK_MAN_1945, ApiServer, hasher, server, token_of  # noqa: F401  (fixtures)
from test_server_input import GOOD_HASH, WALK_IN, assert_problem, leased_number, offline_walk_in, send

from kiosk.backends.calls import CallBook
from kiosk.core.calling import Step

NIK = NIK_MAN_1945
GROUPS = [NIK[i : i + 4] for i in range(0, 16, 4)]
SHAPES = ["_".join(GROUPS), " ".join(GROUPS), "-".join(GROUPS), NIK[:12], NIK]


@pytest.mark.parametrize("shape", SHAPES, ids=["underscores", "spaces", "dashes", "first-12", "plain"])
def test_a_body_field_named_like_a_nik_is_not_echoed_in_the_errors(server: ApiServer, shape: str) -> None:
    answer = send(server, "POST", "/walk-ins", {**WALK_IN, shape: 1})
    problem = assert_problem(answer, 422, "request_invalid")
    assert len(problem["errors"]) == 1 and GROUPS[1] not in answer.text and shape not in answer.text


@pytest.mark.parametrize("shape", SHAPES[:3] + [NIK[:12]], ids=["underscores", "spaces", "dashes", "first-12"])
def test_a_nik_shaped_service_code_is_refused_without_echoing_it(server: ApiServer, shape: str) -> None:
    answer = send(server, "POST", "/walk-ins", {**WALK_IN, "service_code": shape})
    problem = assert_problem(answer, 422, "service_unknown")
    assert "service" not in problem.get("params", {}) and GROUPS[1] not in answer.text


@pytest.mark.parametrize("day", [f"{NIK[:4]}-{NIK[4:6]}-{NIK[6:16]}", f"{NIK[:4]}-{NIK[4:12]}", NIK])
def test_a_nik_given_as_the_day_is_refused_without_echoing_it(server: ApiServer, day: str) -> None:
    answer = send(server, "GET", f"/tickets?day={day}")
    problem = assert_problem(answer, 422, "date_invalid")
    assert "value" not in problem.get("params", {}) and NIK[4:8] not in answer.text


def test_a_wrong_day_that_is_no_nik_is_still_named_back(server: ApiServer) -> None:
    problem = assert_problem(send(server, "GET", "/tickets?day=2026-13-05"), 422, "date_invalid")
    assert problem["params"] == {"value": "2026-13-05"}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", None], ids=["text", "form", "none"]
)
def test_a_body_not_sent_as_json_is_refused_and_issues_nothing(server: ApiServer, content_type: str | None) -> None:
    headers = {"Authorization": f"Bearer {token_of('MPP-2')}", "Idempotency-Key": str(uuid.uuid4())}
    if content_type:
        headers["Content-Type"] = content_type
    request = requests.Request("POST", server.url + "/walk-ins", headers=headers, data=json.dumps(WALK_IN).encode())
    prepared = request.prepare()
    if content_type is None:
        prepared.headers.pop("Content-Type", None)
    with requests.Session() as session:
        answer = session.send(prepared, timeout=30)
    problem = assert_problem(answer, 415, "request_invalid")
    assert problem["errors"] == [{"field": "Content-Type", "problem": "must be application/json"}]
    assert server.api.book("").tickets(server.clock.now().date()) == []
    # The same body as JSON is a walk-in.
    assert send(server, "POST", "/walk-ins", WALK_IN).status_code == 201


def test_an_offline_ticket_dated_three_days_back_on_todays_lease_stands_and_is_listed(server: ApiServer) -> None:
    number = leased_number(server)
    item = offline_walk_in(number, issued_at="2026-11-27T08:00:00+07:00")
    answer = send(server, "POST", "/sync", {"used": [item]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["conflicts"] == [number["number"]]
    day = server.clock.now().date()
    stored = send(server, "GET", f"/tickets/{day.isoformat()}/{number['number']}").json()
    assert stored["issued_at"].startswith(day.isoformat()) and stored["holder"] == "3520**********04"
    again = send(server, "POST", "/sync", {"used": [item]})  # a resend is no second conflict
    assert again.status_code == 200 and again.json()["conflicts"] == [] and again.json()["used"] == []


def test_the_document_lists_exactly_the_services_a_counter_may_ask_for(server: ApiServer) -> None:
    spec = requests.get(server.url + "/openapi.json", timeout=30).json()
    codes = sorted(s.code for s in server.config.services)
    for path in ("/counters/{counter_id}/next", "/counters/{counter_id}/transfer"):
        body = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ref = body["properties"]["service"]["$ref"].rsplit("/", 1)[1]
        assert spec["components"]["schemas"][ref]["enum"] == codes, path


def test_a_void_never_deletes_a_ticket_a_counter_has_already_called(server: ApiServer) -> None:
    key = str(uuid.uuid4())
    issued = send(server, "POST", "/walk-ins", {**WALK_IN, "nik_hash": GOOD_HASH}, Idempotency_Key=key)
    assert issued.status_code == 201
    calls = CallBook(server.config.backend.path, server.config)
    try:
        called = calls.step("1", Step.NEXT, server.clock.now(), "call-1")
        assert called.number == issued.json()["number"]
        answer = send(server, "POST", "/sync", {"voids": [key]})
        assert answer.status_code == 200 and answer.json()["conflicts"] == [called.number]
        day = server.clock.now().date().isoformat()
        assert send(server, "GET", f"/tickets/{day}/{called.number}").status_code == 200
        assert calls.counter_view("1", server.clock.now()).current is not None
    finally:
        calls.close()


def test_a_ticket_issued_offline_in_a_service_closed_meanwhile_stands_and_sync_lists_it(server: ApiServer) -> None:
    number = leased_number(server)  # the kiosk holds it before the office closes KTP
    server.api.office.close_service("kasi", "KTP", "Blangko KTP-el habis hari ini")
    answer = send(server, "POST", "/sync", {"used": [offline_walk_in(number)]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["used"] == [number["ticket_id"]] and answer.json()["conflicts"] == [number["number"]]
    day = server.clock.now().date().isoformat()
    assert send(server, "GET", f"/tickets/{day}/{number['number']}").json()["holder"] == "3520**********04"
    assert send(server, "POST", "/walk-ins", {**WALK_IN, "nik_hash": "c" * 64}).json()["code"] == "service_closed"
