# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""The counters' API over real HTTP on loopback: tokens, steps, the display, the phone page, speech."""

from __future__ import annotations

import sys
import threading
import uuid
import wave
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from calling_support import (  # noqa: F401  (fixtures)
    Server,
    clock,
    counter_token,
    kiosk,
    kiosk_token,
    make_nik,
    server,
    site_config,
)

from kiosk.core.usecases import Kiosk
from kiosk.speech import tts

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))
from schema_check import problems  # noqa: E402

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "kiosk" / "server" / "openapi.yaml").read_text("utf-8"))


def conforms(answer: Any, path: str, method: str, status: str = "200") -> None:
    response = SPEC["paths"][path][method]["responses"][status]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    schema = next(iter(response["content"].values()))["schema"]
    assert problems(answer, schema, SPEC) == []


def test_a_counter_calls_recalls_and_finishes_and_each_answer_has_the_documented_shape(
    server: Server, kiosk: Kiosk
) -> None:
    ticket = kiosk.issue_walk_in("KTP", make_nik(1)).ticket
    called = server.call("1", "next")
    assert called.status_code == 200, called.text
    conforms(called.json(), "/counters/{counter_id}/next", "post")
    call = called.json()["call"]
    assert (call["number"], call["counter_name"], call["kind"], call["state"]) == ("A-001", "Loket 1", "call", "called")
    recalled = server.call("1", "recall", {"ticket_id": ticket.id}).json()["call"]
    assert (recalled["kind"], recalled["seq"]) == ("recall", call["seq"] + 1)
    view = server.get("/counters/1", counter_token("1"))
    conforms(view.json(), "/counters/{counter_id}", "get")
    assert view.json()["current"]["ticket_id"] == ticket.id
    done = server.call("1", "done", {"ticket_id": ticket.id})
    assert done.status_code == 200 and done.json()["call"]["state"] == "served"
    assert server.get("/counters/1", counter_token("1")).json()["current"] is None
    nothing = server.call("1", "next")
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_waiting"
    assert nothing.headers["Content-Type"] == "application/problem+json"
    assert "Tidak ada yang menunggu" in nothing.json()["title"]


def test_counter_tokens_cannot_issue_numbers_and_kiosk_tokens_cannot_call(server: Server, kiosk: Kiosk) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    walk_in = {"service_code": "KTP", "nik_hash": "a" * 64, "nik_masked": "3520**********01"}
    assert server.post("/walk-ins", counter_token("1"), walk_in).status_code == 401
    refused = server.post("/counters/1/next", kiosk_token())
    assert refused.status_code == 403 and "Token kios" in refused.json()["title"]
    other = server.post("/counters/2/next", counter_token("1"))
    assert other.status_code == 403 and "loket 1" in other.json()["title"]
    assert server.post("/counters/1/next", "wrong-token-0123456789").status_code == 401
    assert server.get("/counters/1").status_code == 401
    assert server.get("/counters/1", counter_token("1")).json()["current"] is None  # nothing was called


def test_a_refusal_comes_in_the_language_the_counter_page_asks_for_and_in_indonesian_otherwise(
    server: Server, kiosk: Kiosk
) -> None:
    def next_as(token: str, language: str | None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
        if language:
            headers["Accept-Language"] = language
        return requests.post(server.url + "/counters/1/next", headers=headers, timeout=30)

    nobody = next_as(counter_token("1"), "en")
    assert nobody.status_code == 409 and nobody.json()["title"].startswith("Nobody is waiting.")
    assert nobody.json()["code"] == "nothing_waiting"  # what a client acts on does not change
    assert next_as(counter_token("1"), "jv").json()["title"].startswith("Mboten wonten ingkang ngentosi.")
    kiosk_refused = next_as(kiosk_token(), "en").json()["title"]
    assert kiosk_refused == "A kiosk token cannot call numbers. Sign in with a counter token."
    assert next_as(counter_token("1"), None).json()["title"].startswith("Tidak ada yang menunggu.")  # the CLI asks none


def test_a_repeated_key_gives_the_same_call_and_a_malformed_body_is_named(server: Server, kiosk: Kiosk) -> None:
    for index in range(2):
        kiosk.issue_walk_in("KTP", make_nik(index))
    key = str(uuid.uuid4())
    first = server.call("1", "next", key=key).json()
    assert server.call("1", "next", key=key).json() == first
    assert [c["number"] for c in server.get("/display").json()["calls"]] == ["A-001"]
    bad = server.call("1", "done", {"ticket_id": "A-001", "extra": 1})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"ticket_id", "extra"}
    no_key = server.post("/counters/1/done", counter_token("1"), key="")
    assert no_key.status_code == 400
    unknown = server.post("/counters/9/next", counter_token("1"))
    assert unknown.status_code == 403
    transfer = server.call("1", "transfer", {"service": "NOPE"})
    assert transfer.status_code == 422 and transfer.json()["code"] == "service_unknown"


def test_the_display_and_the_phone_page_show_no_personal_data(server: Server, kiosk: Kiosk) -> None:
    first = kiosk.issue_walk_in("KTP", make_nik(1)).ticket
    second = kiosk.issue_walk_in("KTP", make_nik(2)).ticket
    before = server.get(f"/public/tickets/{second.id}").json()
    conforms(before, "/public/tickets/{ticket_id}", "get")
    assert (before["state"], before["ahead"], before["serving"]) == ("waiting", 1, None)
    server.call("1", "next")
    after = server.get(f"/public/tickets/{second.id}").json()
    assert (after["ahead"], after["serving"]) == (0, "A-001")
    assert server.get(f"/public/tickets/{first.id}").json()["state"] == "called"
    shown = server.get("/display")
    conforms(shown.json(), "/display", "get")
    assert shown.json()["waiting"]["KTP"] == 1 and shown.json()["services"]["KTP"] == "Perekaman KTP-el"
    for text in (shown.text, server.get(f"/public/tickets/{second.id}").text):
        assert make_nik(1)[:6] not in text and first.holder not in text and "nik" not in text.lower()
    assert server.get(f"/public/tickets/{uuid.uuid4()}").status_code == 404  # unknown, well-formed


@pytest.mark.skipif(not tts.available(), reason="espeak-ng is not installed")
def test_an_announcement_is_a_wav_of_the_number_and_the_counter(server: Server, kiosk: Kiosk) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    call = server.call("1", "next").json()["call"]
    spoken = server.get(f"/announcements/{call['call_id']}.wav")
    assert spoken.status_code == 200 and spoken.headers["Content-Type"] == "audio/wav"
    with wave.open(BytesIO(spoken.content)) as audio:
        assert audio.getnframes() / audio.getframerate() > 2.0  # a whole sentence, not a click
    assert server.get(f"/announcements/{uuid.uuid4()}.wav").status_code == 404


def test_a_display_back_after_a_gap_gets_every_call_since_the_last_it_saw_not_only_ten(
    server: Server, kiosk: Kiosk
) -> None:
    for n in range(15):
        kiosk.issue_walk_in("KTP", make_nik(n + 1))
    seqs = []
    for _ in range(15):
        server.call("1", "done")
        seqs.append(server.call("1", "next").json()["call"]["seq"])
    day = server.get("/display").json()["day"]
    assert len(server.get("/display").json()["calls"]) == 10  # the hall's history: the newest ten
    caught_up = server.get(f"/display?after={day}:{seqs[1]}")
    conforms(caught_up.json(), "/display", "get")
    assert sorted(c["seq"] for c in caught_up.json()["calls"]) == seqs[2:]  # thirteen: every one since
    assert server.get("/display?after=yesterday:3").status_code == 422
    assert len(server.get("/display?after=2000-01-01:99").json()["calls"]) == 15  # another day: all of today's


def test_a_waiting_display_is_answered_as_soon_as_a_counter_calls(server: Server, kiosk: Kiosk) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    day = server.get("/display").json()["day"]
    answers: list[requests.Response] = []
    waiting = threading.Thread(target=lambda: answers.append(server.get(f"/display?after={day}:0&wait=20")))
    waiting.start()
    called = server.call("1", "next").json()["call"]
    waiting.join(timeout=60)
    assert answers and answers[0].json().get("long_poll") is True, answers[0].text
    assert [c["call_id"] for c in answers[0].json()["calls"]] == [called["call_id"]]


@pytest.mark.skipif(not tts.available(), reason="espeak-ng is not installed")
def test_the_short_form_of_an_announcement_is_shorter_than_the_full_sentence(server: Server, kiosk: Kiosk) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    call = server.call("1", "next").json()["call"]
    lengths = {}
    for form in ("full", "short"):
        spoken = server.get(f"/announcements/{call['call_id']}.wav?form={form}")
        assert spoken.status_code == 200
        with wave.open(BytesIO(spoken.content)) as audio:
            lengths[form] = audio.getnframes() / audio.getframerate()
    assert 1.0 < lengths["short"] < lengths["full"] / 2  # "A nol nol satu Loket 1", not the sentence


def test_a_stale_counter_page_is_told_and_acts_on_nobody_else(server: Server, kiosk: Kiosk) -> None:
    first = kiosk.issue_walk_in("KTP", make_nik(1)).ticket
    kiosk.issue_walk_in("KTP", make_nik(2))
    server.call("1", "next")
    assert server.call("1", "done", {"ticket_id": first.id}).status_code == 200  # in one tab
    second = server.call("1", "next").json()["call"]  # in the other tab
    stale = server.call("1", "done", {"ticket_id": first.id})  # the first tab still shows A-001
    assert stale.status_code == 409 and stale.json()["code"] == "ticket_finished"
    assert "A-001" in stale.json()["title"]
    assert server.call("1", "transfer", {"service": "KK", "ticket_id": second["ticket_id"]}).status_code == 200
    taken = server.call("2", "next").json()["call"]
    assert taken["ticket_id"] == second["ticket_id"] and taken["counter_name"] == "Loket 2"
    elsewhere = server.call("1", "absent", {"ticket_id": second["ticket_id"]})
    assert elsewhere.status_code == 409 and elsewhere.json()["code"] == "call_stale"
    assert server.get("/counters/2", counter_token("2")).json()["current"]["state"] == "called"
    busy = server.call("2", "next")
    assert busy.status_code == 409 and busy.json()["code"] == "counter_busy"
