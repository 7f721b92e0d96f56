"""A ticket that did not come out, or may have: the screens against the fake network printer.

Issue 17 P1 (an unprinted walk-in is no dead end: "Cetak lagi", the same person asking again
gets their own number on paper, the technician lists the day's unprinted tickets) and issue 18
item 2 (a ticket whose status answer was lost may be out: the person is told to look first, and
only a deliberate reprint follows, marked).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import NIK_YOUNG, confirm_until_done, walk_in_up_to_confirm
from test_technician import WITH_PIN, unlock

pytestmark = pytest.mark.ui

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "printer"))
from fake_printer import FakePrinter  # noqa: E402

NUMBER = b"C-001"  # the first Kartu Keluarga walk-in


@pytest.fixture
def fake(ui: Any) -> Iterator[FakePrinter]:
    """The kiosk prints to a fake network printer on loopback; no timed status polls meanwhile.

    The fake turns to a fault after a counted number of status reads: a poll of the kiosk's
    timer (STATUS_POLL_S) in between would take one of them, so the timer is stopped. The polls that
    screens ask for (going home) still run.
    """
    from kiosk.ui.app import STATUS_POLL_S
    from printer.service import build_ticket_printer

    for event in ui.app._events:
        if getattr(event, "timeout", None) == STATUS_POLL_S:
            event.cancel()
    with FakePrinter() as printer:
        network = dataclasses.replace(
            ui.config.printer, kind="network", host=printer.host, port=printer.port, timeout_s=10.0
        )
        ui.kiosk.printer = build_ticket_printer(dataclasses.replace(ui.config, printer=network))
        ui.app.refresh_status()
        ui.wait_until(lambda: not ui.app._polling, timeout=60, what="the status poll")
        yield printer


def walk_in_to_confirm(ui: Any, nik: str = NIK_YOUNG) -> None:
    walk_in_up_to_confirm(ui, nik=nik, timeout=60)
    ui.settle()


def take_number(ui: Any) -> None:
    confirm_until_done(ui, timeout=60)
    ui.settle()


def paper_out_when_the_ticket_comes(ui: Any, fake: FakePrinter) -> None:
    """Ready when the kiosk asks before issuing; out of paper a moment later, for the ticket."""
    walk_in_to_confirm(ui)
    fake.fault_after_reads("paper_out", 1)
    take_number(ui)
    assert ui.find("number").text == "C-001"
    assert ui.find("title").text == "Karcis gagal dicetak"
    fake.wait_idle()
    assert fake.paper == []


def print_again_button(ui: Any) -> Any:
    button = ui.find("print_again")
    return button if button.opacity and button.height and not button.disabled else None


def test_an_unprinted_walk_in_offers_cetak_lagi_which_prints_its_first_paper(ui: Any, fake: FakePrinter) -> None:
    paper_out_when_the_ticket_comes(ui, fake)
    assert print_again_button(ui) is not None and print_again_button(ui).text == "Cetak lagi"
    assert "Sentuh Cetak lagi" in ui.find("hint").text

    fake.state = "ready"  # staff put in a new roll
    ui.tap("print_again")
    ui.wait_until(lambda: ui.find("title").text == "Ambil karcis Anda", timeout=60, what="the ticket out")
    assert ui.find("number").text == "C-001"
    assert print_again_button(ui) is None  # it came out: nothing more to print
    [job] = fake.wait_for_jobs(1)
    assert NUMBER in job and b"CETAK ULANG" not in job  # the first paper of C-001 is not a reprint
    [ticket] = ui.tickets()
    assert (ticket.printed, ticket.reprints) == (True, 0)  # the person's one reprint is still there


def test_the_same_person_asking_again_gets_their_own_number_on_paper(ui: Any, fake: FakePrinter) -> None:
    paper_out_when_the_ticket_comes(ui, fake)
    ui.tap("finish")
    ui.settle()
    fake.state = "ready"
    ui.app.refresh_status()
    ui.wait_until(lambda: not ui.app.printer_problem, timeout=60, what="the printer ready again")

    walk_in_to_confirm(ui)  # no "NIK ini sudah mendapat nomor hari ini" on the way
    take_number(ui)
    assert (ui.find("number").text, ui.find("title").text) == ("C-001", "Ambil karcis Anda")
    assert not ui.sees("sudah mendapat nomor")
    [job] = fake.wait_for_jobs(1)
    assert NUMBER in job and b"CETAK ULANG" not in job
    [ticket] = ui.tickets()  # their own number: no second one
    assert (ticket.number, ticket.printed, ticket.reprints) == ("C-001", True, 0)


def test_a_ticket_whose_status_answer_was_lost_says_look_in_the_tray_and_reprints_only_when_asked(
    ui: Any, fake: FakePrinter
) -> None:
    walk_in_to_confirm(ui)
    fake.lose_answer_after_next_job("close")
    take_number(ui)
    assert ui.find("title").text == "Karcis mungkin sudah keluar"
    hint = ui.find("hint").text
    assert "Periksa tempat karcis" in hint and "Cetak lagi" in hint
    assert print_again_button(ui) is not None
    fake.wait_idle()
    assert fake.complete(NUMBER) == 1  # one paper, and nothing sent again by itself
    [ticket] = ui.tickets()
    assert ticket.printed  # a paper may be out: any further one is marked

    ui.tap("print_again")  # the tray was empty: the person asks
    ui.wait_until(lambda: ui.find("title").text == "Ambil karcis Anda", timeout=60, what="the reprint")
    fake.wait_idle()
    assert fake.complete(NUMBER) == 2 and b"CETAK ULANG" in fake.paper[-1]
    [ticket] = ui.tickets()
    assert ticket.reprints == 1


@pytest.mark.ui_options(config=WITH_PIN)
def test_the_technician_sees_the_days_unprinted_tickets_and_prints_them_unmarked(ui: Any, fake: FakePrinter) -> None:
    fake.fault_after_reads("paper_out", 1)
    result = ui.kiosk.issue_walk_in("KK", NIK_YOUNG)
    assert (result.ticket.number, result.printed) == ("C-001", False)

    unlock(ui)
    ui.wait_until(lambda: ui.sees("C-001"), timeout=60, what="the unprinted ticket listed")
    assert ui.find("unprinted_heading").text == "Belum tercetak"
    assert not ui.sees("Tunjukkan nomor")

    ui.tap("test_page")  # still out of paper: the technician's words, not the citizen's (P4)
    ui.settle()
    assert ui.find("result").text.startswith("Printer tidak mencetak")
    assert "Tunjukkan nomor" not in ui.find("result").text

    fake.state = "ready"
    row = ui.find("C-001").parent
    ui.tap(next(child for child in row.children if getattr(child, "text", "") == "Cetak"))
    ui.settle()
    ui.wait_until(lambda: ui.find("result").text == "Karcis C-001 dicetak.", timeout=60, what="printed")
    ui.wait_until(lambda: ui.sees("Semua karcis hari ini sudah keluar."), timeout=60, what="the list emptied")
    [job] = fake.wait_for_jobs(1)
    assert NUMBER in job and b"CETAK ULANG" not in job
    [ticket] = ui.tickets()
    assert (ticket.printed, ticket.reprints) == (True, 0)


def test_after_the_one_reprint_is_used_no_reprint_is_offered_or_promised(ui: Any) -> None:
    """Issue 17 P8: "Cetak ulang karcis" with "boleh ... satu kali" was offered, then refused."""
    ui.type_keys("MGT7K3Q9")  # today's booking: checked in, its ticket out
    ui.wait_until(lambda: ui.current == "confirm", timeout=60, what="the confirm screen")
    take_number(ui)
    ui.tap("finish")
    ui.settle()

    ui.type_keys("MGT7K3Q9")  # the person comes back: lost the ticket
    ui.wait_until(lambda: ui.current == "error", timeout=60, what="already checked in")
    ui.settle()
    assert ui.find("reprint").opacity == 1 and "satu kali" in ui.find("hint").text
    ui.tap("reprint")
    ui.wait_until(lambda: ui.current == "done", timeout=60, what="the reprint")
    ui.tap("finish")
    ui.settle()

    ui.type_keys("MGT7K3Q9")  # and once more: the reprint is used
    ui.wait_until(lambda: ui.current == "error", timeout=60, what="already checked in")
    ui.settle()
    assert ui.find("title").text == "Anda sudah mengambil nomor"
    assert not ui.sees("Cetak ulang karcis") and ui.find("reprint").disabled
    hint = ui.find("hint").text
    assert "satu kali" not in hint and "sudah pernah dicetak ulang" in hint and "kepada petugas" in hint


def test_cetak_lagi_is_within_reach_in_portrait_and_every_part_is_on_screen_in_landscape(
    ui: Any, fake: FakePrinter
) -> None:
    from test_reach import REACH_HIGH_MM, REACH_LOW_MM, heights_mm

    paper_out_when_the_ticket_comes(ui, fake)
    low, high = heights_mm(ui.find("print_again"), ui.window.height, ui.config.ui.mounting)
    assert REACH_LOW_MM <= low and high <= REACH_HIGH_MM, f"Cetak lagi at {low:.0f}-{high:.0f} mm"

    ui.window.size = (1920, 1080)
    try:
        ui.pump(3)
        for widget in ui.visible_widgets():
            if widget.height > 0 and getattr(widget, "text", "").strip():
                x, y = widget.to_window(widget.x, widget.y)
                inside = x >= -1 and y >= -1 and x + widget.width <= 1921 and y + widget.height <= 1081
                assert inside, f"{widget.text!r} at {(x, y)} size {widget.size}"
        assert print_again_button(ui) is not None
    finally:
        ui.window.size = (1080, 1920)
        ui.pump(2)


def test_a_ticket_the_server_holds_that_the_person_never_saw_is_printed_on_the_screen_flow(
    ui: Any, fake: FakePrinter, tmp_path: Path
) -> None:
    """Issue 18 item 5 on the screen: an http kiosk whose earlier request was numbered on the
    server, but whose answer never came, prints that number when the person asks again."""
    import requests

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
    from api_support import server_with_kiosk, token_of

    from kiosk.core.nik import mask

    with server_with_kiosk(tmp_path, ui.clock) as (server, backend):
        ui.kiosk.backend = backend
        body = {"service_code": "KK", "nik_hash": ui.kiosk.hasher.hash(NIK_YOUNG), "nik_masked": mask(NIK_YOUNG)}
        headers = {"Authorization": f"Bearer {token_of('MPP-1')}", "Idempotency-Key": "answer-never-came"}
        answer = requests.post(f"{server.url}/walk-ins", json=body, headers=headers, timeout=30)
        assert answer.status_code == 201, answer.text  # numbered on the server; the kiosk never heard it

        walk_in_to_confirm(ui)  # not refused with "NIK ini sudah mendapat nomor hari ini"
        take_number(ui)
        assert (ui.find("number").text, ui.find("title").text) == ("C-001", "Ambil karcis Anda")
        [job] = fake.wait_for_jobs(1)
        assert NUMBER in job and b"CETAK ULANG" not in job
        [held] = server.api.book("").tickets(ui.clock.now().date())
        assert (held.number, held.printed) == ("C-001", True)


def test_when_the_one_reprint_may_not_have_come_out_either_cetak_lagi_is_not_offered_again(
    ui: Any, fake: FakePrinter
) -> None:
    walk_in_to_confirm(ui)
    fake.lose_answer_after_next_job("close")
    take_number(ui)
    fake.wait_idle()
    fake.lose_answer_after_next_job("close")  # and the reprint's answer is lost too
    ui.tap("print_again")
    ui.wait_until(lambda: not ui.app.task_running, timeout=60, what="the reprint")
    ui.settle()
    assert ui.current == "done" and ui.find("title").text == "Karcis mungkin sudah keluar"
    assert print_again_button(ui) is None  # the citizen's one reprint is used: not offered, then refused
    assert not ui.sees("Cetak lagi") and ui.sees("Tunjukkan nomor ini kepada petugas")
    fake.wait_idle()
    assert fake.complete(NUMBER) == 2  # the ticket and its one reprint, nothing more


def test_a_citizens_reprint_that_did_not_come_out_does_not_use_up_the_one_reprint(ui: Any, fake: FakePrinter) -> None:
    ui.type_keys("MGT7K3Q9")  # today's booking, checked in: its ticket came out
    ui.wait_until(lambda: ui.current == "confirm", timeout=60, what="the confirm screen")
    take_number(ui)
    number = ui.find("number").text
    ui.tap("finish")
    ui.settle()
    ui.type_keys("MGT7K3Q9")  # lost the ticket: asks for the one reprint
    ui.wait_until(lambda: ui.current == "error", timeout=60, what="already checked in")
    ui.settle()
    fake.fault_after_reads("paper_out", 1)  # ready when asked, out of paper for the reprint
    ui.tap("reprint")
    ui.wait_until(lambda: ui.current == "done", timeout=60, what="the reprint's result")
    ui.settle()
    assert ui.find("title").text == "Karcis gagal dicetak" and print_again_button(ui) is not None
    assert ui.book.find_ticket(ui.clock.now().date(), number).reprints == 0  # not used up

    fake.state = "ready"
    ui.tap("print_again")
    ui.wait_until(lambda: ui.find("title").text == "Ambil karcis Anda", timeout=60, what="the reprint out")
    fake.wait_idle()
    assert fake.complete(number.encode()) == 2 and b"CETAK ULANG" in fake.paper[-1]
    assert ui.book.find_ticket(ui.clock.now().date(), number).reprints == 1
