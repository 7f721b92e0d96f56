"""DLE EOT replies → named states: what each bit means, and that no answer is never "ready"."""

from __future__ import annotations

import pytest
from fake_printer import REPLIES

from printer.status import QUERIES, State, interpret, valid_reply


@pytest.mark.parametrize("state", sorted(REPLIES))
def test_each_scripted_printer_condition_is_recognised_by_its_name(state: str) -> None:
    assert interpret(dict(REPLIES[state])).state == State(state)


def test_only_ready_and_paper_near_end_can_print() -> None:
    printable = {state for state in REPLIES if interpret(dict(REPLIES[state])).can_print}
    assert printable == {"ready", "paper_near_end"}


def test_a_silent_printer_is_unknown_and_cannot_print() -> None:
    status = interpret({1: None})
    assert status.state == State.UNKNOWN
    assert not status.can_print


def test_an_answer_without_the_fixed_status_bits_is_unknown_never_ready() -> None:
    for garbage in (0x00, 0xFF, 0x10, 0x02, 0x93):
        assert not valid_reply(garbage)
        assert interpret(dict.fromkeys(QUERIES, garbage)).state == State.UNKNOWN


def test_one_missing_reply_out_of_four_makes_the_status_unknown() -> None:
    replies: dict[int, int | None] = dict(REPLIES["ready"])
    replies[4] = None
    assert interpret(replies).state == State.UNKNOWN


def test_a_clone_that_sets_only_one_paper_end_bit_is_still_out_of_paper() -> None:
    assert interpret({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x32}).state == State.PAPER_OUT


def test_every_status_bit_is_told_in_words_in_both_languages() -> None:
    status = interpret(dict(REPLIES["cover_open"]))
    assert "Tutup terbuka" in status.conditions("id")
    assert "Cover open" in status.conditions("en")
    assert "Kertas ada" in status.conditions("id")
    assert status.raw == bytes((0x1A, 0x16, 0x12, 0x12))
    assert status.raw_lines()[1] == "DLE EOT 2: 0x16 (00010110)"
