# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""A no-show who comes back: taken back at the head of the line, audited, and told at the kiosk."""

from __future__ import annotations

from calling_support import (  # noqa: F401  (fixtures)
    Server,
    clock,
    kiosk,
    make_nik,
    server,
    site_config,
)

from kiosk.core.errors import Reason, Refusal
from kiosk.core.usecases import Kiosk
from kiosk.messages import explain


def test_the_kiosk_refusing_a_second_number_sends_the_person_to_a_counter_in_every_language() -> None:
    words = {"id": "loket", "en": "counter", "jv": "loket"}
    for language, word in words.items():
        message = explain(Refusal(Reason.ALREADY_HAS_TICKET), language)
        assert word in message.hint.lower(), (language, message.hint)


def test_a_take_back_puts_a_no_show_first_in_line_once_and_refuses_anyone_else(server: Server, kiosk: Kiosk) -> None:
    missed = kiosk.issue_walk_in("KTP", make_nik(1)).ticket
    after = kiosk.issue_walk_in("KTP", make_nik(2)).ticket
    for step in ("next", "absent", "next", "absent"):
        assert server.call("1", step).status_code == 200
    taken = server.call("1", "take-back", {"number": "a001"}, key="take-back-once")
    assert taken.status_code == 200, taken.text
    assert taken.json()["call"]["state"] == "waiting"
    again = server.call("1", "take-back", {"number": "a001"}, key="take-back-once")  # the same click, resent
    assert again.json() == taken.json()
    assert server.call("1", "next").json()["call"]["number"] == missed.number  # before the one behind
    refused = server.call("1", "take-back", {"number": after.number})
    assert refused.status_code == 409 and refused.json()["code"] == "not_a_no_show"
    assert "tidak perlu dikembalikan" in refused.json()["title"]
    assert server.call("1", "take-back", {"number": "Z-999"}).status_code == 404
    assert server.call("1", "take-back", {"number": "A-001; DROP"}).status_code == 422
