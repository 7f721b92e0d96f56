"""Every reason has a plain Indonesian message with a next step, and its English translation."""

from __future__ import annotations

import pytest

from kiosk.core.errors import BadInput, Reason, Refusal, SystemFault
from kiosk.i18n import catalogue
from kiosk.messages import TEXTS, explain

PARAMS = {
    "length": 12,
    "day": "2026-12-01",
    "site": "Kantor Disdukcapil Magetan",
    "address": "Jl. Tripandita No. 17",
    "number": "A-007",
    "come_at": "09:00",
    "slot": "10:00",
    "service": "Perekaman KTP-el",
    "website": "http://antrian-disdukmagetan.com",
    "cap": 2,
    "open": "07:30",
    "close": "15:00",
    "state": "paper_out",
    "path": "/var/lib/antrian/daybook.sqlite3",
    "detail": "file is not a database",
}


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_explains_itself_in_indonesian_and_english_without_leftover_placeholders(reason: Reason) -> None:
    assert reason in TEXTS
    error = (SystemFault if "fault" in reason.value else Refusal)(reason, **PARAMS)
    indonesian, english = explain(error, "id"), explain(error, "en")
    for message in (indonesian, english):
        assert message.title and message.hint
        assert "{" not in message.hint and "}" not in message.hint
        assert "file is not a database" not in message.hint  # technical detail is not for the public
    assert english.title != indonesian.title
    assert english.hint != indonesian.hint


def test_every_message_of_the_core_has_an_english_translation() -> None:
    english = catalogue("en")
    missing = [text for pair in TEXTS.values() for text in pair if not english.get(text)]
    assert missing == []


def test_a_message_with_a_missing_parameter_still_reads_as_a_sentence() -> None:
    message = explain(BadInput(Reason.NIK_LENGTH), "id")
    assert message.title == "NIK harus 16 angka"
    assert message.hint and "{" not in message.hint
